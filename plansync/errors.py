"""Every error plansync shows a person, grouped by what that person can do next.

::

    PlansyncError                  base: str() says what happened, where, and what to do; CLI exit 2
      WorkbookError                the workbook cannot be used as it is
        WorkbookUnreadable         not an .xlsx, corrupt, missing          -> CLI exit 2
        WorkbookLocked             open in Excel, read-only, no permission -> close it / copy it
        LayoutNotFound             no header row that plansync recognises  -> adopt / fix Settings
        NotAPlan                   a reporting workbook given to a plan's command -> plansync pull
      SettingsError                a Settings value plansync cannot use    -> names the setting
      SyncError                    talking to SharePoint / the local list server
        AuthError                  sign-in missing, expired or refused     -> plansync auth login
        ThrottledError             429/503 after bounded retries           -> sync again later
        ConflictError              412 on If-Match for one item            -> Conflicts sheet
        GraphError                 any other Graph reply (status, code, request-id)

Bad *data* in a workbook never raises: it comes back as rows of an issues DataFrame
(see ``validation.schema``). These exceptions are for conditions that stop a command.
Programming mistakes stay ValueError / TypeError / RuntimeError.
"""

from __future__ import annotations


class PlansyncError(Exception):
    """Base class: the message is written for the person using plansync.

    Every one ends a command with exit code 2: the workbook or the list could not be used
    (``plansync.exit_codes``); 1 is kept for work done with rows left for a person.
    """

    exit_code = 2


class WorkbookError(PlansyncError):
    """The workbook cannot be used as it is."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class WorkbookUnreadable(WorkbookError):
    """The file is missing, not an .xlsx workbook, or damaged."""

    exit_code = 2


class WorkbookLocked(WorkbookError):
    """The file cannot be written: open in Excel, read-only, or no permission."""

    exit_code = 2


class LayoutNotFound(WorkbookError):
    """No sheet has a header row plansync recognises."""

    exit_code = 2


class NotAPlan(WorkbookError):
    """A reporting workbook made by ``plansync pull`` given to a command for a team's plan."""

    exit_code = 2


class SettingsError(PlansyncError):
    """A value in the Settings sheet (or a flag) that plansync cannot use."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


class SyncError(PlansyncError):
    """Talking to SharePoint (or the local list server) failed."""


class AuthError(SyncError):
    """Sign-in is missing, expired or was refused."""


class ThrottledError(SyncError):
    """The server kept answering 429/503 after the bounded retries."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConflictError(SyncError):
    """An update carried a stale eTag (412): someone else changed the item first."""

    def __init__(self, message: str, *, item_id: str | None = None) -> None:
        super().__init__(message)
        self.item_id = item_id


class GraphError(SyncError):
    """Any other Graph error reply, with its status, code and request-id."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.request_id = request_id


__all__ = sorted(
    [
        "AuthError",
        "ConflictError",
        "GraphError",
        "LayoutNotFound",
        "NotAPlan",
        "PlansyncError",
        "SettingsError",
        "SyncError",
        "ThrottledError",
        "WorkbookError",
        "WorkbookLocked",
        "WorkbookUnreadable",
    ]
)

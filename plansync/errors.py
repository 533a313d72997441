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

# Defined where the layers that raise them can import them without reaching up: the base and the
# workbook and settings errors in ``validation.errors``, the sync errors in ``sync.errors``.
from sync.errors import AuthError, ConflictError, GraphError, SyncError, ThrottledError
from validation.errors import (
    LayoutNotFound,
    NotAPlan,
    PlansyncError,
    SettingsError,
    WorkbookError,
    WorkbookLocked,
    WorkbookUnreadable,
)

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

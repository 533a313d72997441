"""The base of every error plansync shows a person, and the errors about a workbook or its settings.

The whole tree, with what a person can do about each, is drawn in ``plansync.errors``, which
re-exports these. They live here, at the bottom of the layers, so that every layer can raise them
without importing one above it; nothing in ``validation`` raises them (bad *data* comes back as
rows of the issues frame). ``sync.errors`` holds the errors of talking to the list.
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


__all__ = sorted(["PlansyncError", "WorkbookError", "WorkbookUnreadable", "WorkbookLocked", "LayoutNotFound", "SettingsError"])

"""The exit codes every plansync command keeps, in one sentence shown by each command's --help,
README and docs/cli.md (tests/test_exit_codes.py checks they agree).

A scheduled job reads them: 0 means there is nothing left to do; 1 means the command did its
work but left something a person must deal with, each listed; 2 means it could not work at all
(every ``PlansyncError`` ends a command with 2).
"""

from __future__ import annotations

EXIT_CODES = (
    "Exit codes: 0 everything was done; 1 done, except what the output lists for a person to deal with "
    "(rows skipped as invalid, refused, in conflict or not accepted by the list; validation errors; nobody signed in; the add-in not in place); "
    "2 the workbook or the list could not be used (one 'Error: ...' line says why and what to do)."
)
DONE, LISTED, UNUSABLE = 0, 1, 2


__all__ = ["DONE", "EXIT_CODES", "LISTED", "UNUSABLE"]

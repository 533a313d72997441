"""The one registry of plansync's own sheets: their names, and which of them plansync rewrites.

Every module that names one of these sheets imports it from here (the templates, the commands,
the workbook writer, the ribbon), so a sheet is renamed in one place. It lives in the core
because plan detection (``validation.layout``) must skip these sheets.
"""

from __future__ import annotations

SETTINGS_SHEET = "Settings"
ISSUES_SHEET = "Issues"
SUMMARY_SHEET = "Summary"
CONFLICTS_SHEET = "Conflicts"
CONSOLIDATED_SHEET = "Consolidated"
HISTORY_SHEET = "History"
META_SHEET = "_plansync"
# Where plansync 0.1 kept the row state of a plan (read until the next sync folds it into META_SHEET).
LEGACY_ROWS_SHEET = "_plansync_rows"

REWRITTEN_SHEETS: tuple[str, ...] = (ISSUES_SHEET, SUMMARY_SHEET, CONFLICTS_SHEET, CONSOLIDATED_SHEET, HISTORY_SHEET, META_SHEET)
"""Sheets plansync makes and rewrites whole (Consolidated, Summary and History in a reporting
workbook). Settings is not one: once made, it is the team's."""

NOT_THE_PLAN: frozenset[str] = frozenset(
    {SETTINGS_SHEET, ISSUES_SHEET, SUMMARY_SHEET, CONFLICTS_SHEET, META_SHEET, LEGACY_ROWS_SHEET}
)
"""Sheets of a team's tracker that plansync writes itself: never searched for the plan."""


__all__ = sorted(
    [
        "CONFLICTS_SHEET",
        "CONSOLIDATED_SHEET",
        "HISTORY_SHEET",
        "ISSUES_SHEET",
        "LEGACY_ROWS_SHEET",
        "META_SHEET",
        "NOT_THE_PLAN",
        "REWRITTEN_SHEETS",
        "SETTINGS_SHEET",
        "SUMMARY_SHEET",
    ]
)

"""What plansync owns in a team's workbook: the one list. Writing anything else is a bug.

docs/cli.md ("What plansync changes in your workbook") describes the same list for people, and
tests/test_features_roundtrip.py checks every command against it on workbooks carrying pictures,
charts, comments, macros and more: every package part not named here comes back byte for byte.
"""

from __future__ import annotations

from validation.sheet_names import REWRITTEN_SHEETS as OWN_SHEETS  # made and rewritten whole
from validation.sheet_names import SETTINGS_SHEET  # made when missing; then the team's, but for its "Last sync" row

COMPUTED_COLUMNS: tuple[str, ...] = ("Due", "RAG", "Overdue", "Days overdue")
"""Columns of the plan sheet plansync writes on every rag/adopt/sync (adopt adds their headers,
their conditional formats and a date style for Due): on each plan sheet, right of its own table,
when the plan is kept on several sheets."""

SYNCED_FIELDS_NOTE = (
    "sync writes a plan cell only when the SharePoint list holds a newer value for that field of that "
    "action (for example Progress or Status changed by a colleague); it never writes any other cell."
)

SHARED_PARTS: dict[str, str] = {
    "[Content_Types].xml": "one entry per part plansync adds or removes",
    "xl/workbook.xml": "one <sheet> element per sheet plansync adds or removes, and the active tab",
    "xl/_rels/workbook.xml.rels": "one relationship per sheet plansync adds or removes",
    "xl/styles.xml": "styles plansync needs appended at the end of their lists (existing ones never change)",
    "xl/calcChain.xml": "entries of cells that now hold a value plansync wrote instead of a formula",
}
"""Package parts plansync edits in place; every other part it copies through byte for byte."""


__all__ = sorted(["COMPUTED_COLUMNS", "OWN_SHEETS", "SETTINGS_SHEET", "SHARED_PARTS", "SYNCED_FIELDS_NOTE"])

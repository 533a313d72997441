"""Fixed names and words plansync writes into a team's workbook, apart from the openpyxl code that
formats it: ``validate`` and ``rag`` patch the workbook's package and need these words only, so
they need not import openpyxl (a tenth of a second of a 1,000-action run, issue 14).

The templates (``template``, ``formatting``, ``consolidated``) use them from here too, and re-export
them under their usual names.
"""

from __future__ import annotations

from validation.sheet_names import ISSUES_SHEET

ISSUES_HEADER: list[str] = ["Sheet", "Cell", "Column", "Value", "Problem", "What to do", "Severity"]
# What the Overdue column says; the conditional formatting colours the first.
OVERDUE_YES = "Yes"
OVERDUE_NO = "No"
# The hidden sheet's mark of a reporting workbook (sync refuses one: it would push a stale copy).
REPORTING_KEY = "reporting"

__all__ = sorted(["ISSUES_HEADER", "ISSUES_SHEET", "OVERDUE_NO", "OVERDUE_YES", "REPORTING_KEY"])

"""Workbooks as plansync 0.1 left them, for the tests that check they keep working."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def move_row_state_to_own_sheet(path: Path, sheet: str) -> None:
    """Move the row state from beside the meta (``_plansync`` D:E) into a hidden sheet of its own
    (key | JSON in A:B), where plansync 0.1 kept it: ``_plansync_rows`` in plans, ``_plansync_pull``
    in reporting workbooks."""
    wb = openpyxl.load_workbook(path)
    meta = wb["_plansync"]
    old = wb.create_sheet(sheet)
    old.sheet_state = "hidden"
    for r in range(1, meta.max_row + 1):
        old.append([meta.cell(r, 4).value, meta.cell(r, 5).value])
        meta.cell(r, 4).value = meta.cell(r, 5).value = None
    wb.save(path)

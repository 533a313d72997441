"""The demo plan the add-in tests click on: ``plansync new --demo`` (64 actions), cut or grown to size."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from plansync.commands.new import new_workbook

TODAY = date(2022, 7, 31)


def demo_plan(tmp_path: Path, *, rows: int | None = None, bad_target: str | None = None) -> Path:
    """The demo plan, optionally cut or grown to ``rows`` actions, optionally with one bad target date."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "plan.xlsx"
    new_workbook(path, demo=True, today=TODAY)
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B7"] = datetime(2022, 7, 31)  # Today (override): ratings as at TODAY
    ws = wb["Actions"]
    if rows is not None:
        template = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=ws.max_row)]
        ws.delete_rows(2, ws.max_row)
        for i in range(rows):
            line = list(template[i % len(template)])
            line[2] = f"{i // 10 + 1}.{i % 10 + 1}"  # Ref: unique per row
            ws.append(line)
    if bad_target is not None:
        ws["G10"] = bad_target
    wb.save(path)
    return path

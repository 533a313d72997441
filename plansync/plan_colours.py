"""Status from the fill colours a team gave its cells, applied to a loaded plan (issue 13).

``read_colour_status`` reads the plan sheet's own fills (``plansync.workbook.fills``), finds the
workbook's colour key when it has one (a key / legend sheet, or a block of coloured status words
on the plan sheet outside the actions), and gives each action whose status cell (else progress
cell) is coloured the status that colour stands for, unless the cell's words state one: words win,
and a disagreeing colour is reported. Conditional-format colours are never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from plansync.workbook.base import Workbook
from plansync.workbook.fills import read_fills
from validation.colour_status import ColourNote, key_from_cells, status_from_colours
from validation.fields import ROW_COL
from validation.grid import cell_address
from validation.layout import Layout

# Sheets that may hold a colour key: "Key", "Legend", "BRAG key", "RAG ratings".
_KEY_SHEET = re.compile(r"\b(?:key|legend|b?rag)\b", re.I)
_KEY_TEXT_MAX = 60


@dataclass
class ColourReading:
    """What the colours said.

    Attributes:
        column: the column read for colour (1-based), or None when no cell of it is coloured.
        key: where the workbook's own colour key was found ('' when the usual BRAG shades were used).
        statuses: how many actions took their status from colour.
        notes: cells whose words and colour disagree (the words win), as (address, words, colour).
    """

    column: int | None = None
    key: str = ""
    statuses: int = 0
    notes: list[tuple[str, str, str]] = field(default_factory=list)


def read_colour_status(book: Workbook, layout: Layout, actions: pd.DataFrame, grid) -> tuple[pd.DataFrame, ColourReading]:
    """``actions`` with statuses read from colour where the status cell has no words, and what was read."""
    path = getattr(book, "path", None)
    if path is None or Path(path).suffix.lower() not in (".xlsx", ".xlsm") or not len(actions):
        return actions, ColourReading()
    fills = read_fills(path, layout.sheet)
    if not fills:
        return actions, ColourReading()
    rows = set(int(r) for r in actions[ROW_COL])
    column = next(
        (layout.columns[n] for n in ("status", "progress", "ref") if n in layout.columns and any((r, layout.columns[n]) in fills for r in rows)),
        None,
    )
    if column is None:
        return actions, ColourReading()
    key, where = _find_key(book, layout, grid, fills, rows | set(layout.header_rows))
    cells = [(r, column, grid.cell(r, column)) for r in sorted(rows)]
    by_row, notes = status_from_colours(fills, cells, key)
    actions = actions.copy()
    has_status = actions["status"].notna() & actions["status"].astype(str).str.strip().ne("")
    colour = actions[ROW_COL].map(lambda r: by_row.get(int(r)))
    take = ~has_status & colour.notna()
    actions.loc[take, "status"] = colour[take]
    return actions, ColourReading(
        column=column,
        key=where,
        statuses=int(take.sum()),
        notes=[(cell_address(layout.sheet, n.row, n.col), n.text_status, n.colour_status) for n in notes],
    )


def _find_key(book: Workbook, layout: Layout, grid, fills, plan_rows: set[int]) -> tuple[dict, str]:
    """The workbook's own colour key: a key/legend sheet first, else coloured words off the table."""
    for name in book.sheet_names():
        if name != layout.sheet and _KEY_SHEET.search(name):
            other = read_fills(book.path, name)
            if other:
                sheet = book.read_sheet(name)
                key = key_from_cells([(sheet.cell(r, c), colour) for (r, c), colour in other.items() if _short(sheet.cell(r, c))])
                if key:
                    return key, f"sheet '{name}'"
    cells = [(grid.cell(r, c), colour) for (r, c), colour in fills.items() if r not in plan_rows and _short(grid.cell(r, c))]
    key = key_from_cells(cells)
    return (key, f"the key on sheet '{layout.sheet}'") if key else ({}, "")


def _short(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= _KEY_TEXT_MAX




def status_warnings(plan, *, facts=None) -> pd.DataFrame:
    """Warnings for ``validate`` and ``adopt``: statuses left unknown, and words that disagree with a colour.

    ``facts`` is ``PlanFacts(plan.actions)`` when the caller validates the plan too (read once for both).
    """
    from datetime import date

    from validation.rag import compute_rag
    from validation.status_warnings import colour_disagreement_issues, undetermined_status_issues

    rated = compute_rag(plan.actions, today=plan.settings.today or date.today(), rules=plan.settings.rag_rules, facts=facts)
    parts = [undetermined_status_issues(plan.actions, rated, plan.layout.columns)]
    if plan.colours is not None and plan.colours.notes:
        parts.append(colour_disagreement_issues(plan.colours.notes))
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else _empty()


def _empty() -> pd.DataFrame:
    from validation.schema import ISSUE_COLUMNS

    return pd.DataFrame(columns=ISSUE_COLUMNS)


__all__ = ["ColourNote", "ColourReading", "read_colour_status", "status_warnings"]

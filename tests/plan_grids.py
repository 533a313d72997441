"""A plan typed as rows of cells, read as plansync reads one sheet: its layout detected, then its actions."""

from __future__ import annotations

from validation.grid import SheetGrid
from validation.layout import detect_layout, extract_actions, read_actions


def _grid(name: str, rows, merged) -> SheetGrid:
    return SheetGrid(name, [list(r) for r in rows], merged=list(merged))


def read_sheet(rows, merged=(), name: str = "Plan"):
    """``read_actions`` of one sheet; ``merged``: its merged ranges as (first row, first column, last row, last column)."""
    grid = _grid(name, rows, merged)
    return read_actions(grid, detect_layout([grid]))


def sheet_actions(rows, merged=(), name: str = "Action Plan"):
    """``extract_actions`` of one sheet: the actions table only."""
    grid = _grid(name, rows, merged)
    return extract_actions(grid, detect_layout([grid]))

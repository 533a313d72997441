"""Scattered cells written as few rectangular blocks, so a click costs calls per block, not per cell.

A sync brings values back from the list into scattered cells (Progress of row 7, Status and
Progress of rows 20-24, ...). Each ``write_range`` is one call into Excel, so cells are gathered
into vertical runs per column, and runs of neighbouring columns covering the same rows are joined
into one rectangle. Only the given cells are written: filling the gaps between them with the values
read earlier would rewrite cells nobody changed (Excel re-reads typed text such as ``1.10`` as a
number, and a formula read as its value would be lost).

    >>> cell_blocks({(7, 3): "a", (8, 3): "b", (7, 4): "c", (8, 4): "d", (20, 3): "e"})
    [(7, 3, [['a', 'c'], ['b', 'd']]), (20, 3, [['e']])]
"""

from __future__ import annotations

from typing import Mapping

from plansync.workbook.base import Workbook
from validation.grid import CellValue, Grid


def cell_blocks(cells: Mapping[tuple[int, int], CellValue]) -> list[tuple[int, int, Grid]]:
    """(row, col, values) blocks covering exactly ``cells`` ((row, col) -> value, 1-based)."""
    runs: dict[int, list[tuple[int, list[CellValue]]]] = {}
    for (row, col) in sorted(cells, key=lambda at: (at[1], at[0])):
        column = runs.setdefault(col, [])
        if column and column[-1][0] + len(column[-1][1]) == row:
            column[-1][1].append(cells[(row, col)])
        else:
            column.append((row, [cells[(row, col)]]))
    blocks: list[tuple[int, int, list[list[CellValue]]]] = []  # (row, first col, one list per column)
    open_blocks: dict[tuple[int, int], tuple[int, int, list[list[CellValue]]]] = {}
    previous = None
    for col in sorted(runs):
        still_open = {}
        for row, values in runs[col]:
            span = (row, len(values))
            block = open_blocks.get(span) if previous == col - 1 else None
            if block is None:
                block = (row, col, [])
                blocks.append(block)
            block[2].append(values)
            still_open[span] = block
        open_blocks, previous = still_open, col
    return [(row, col, [list(line) for line in zip(*columns)]) for row, col, columns in blocks]


def write_cells(book: Workbook, sheet: str, cells: Mapping[tuple[int, int], CellValue]) -> None:
    """Write ``cells`` of ``sheet``, one bulk write per block."""
    for row, col, values in cell_blocks(cells):
        book.write_range(sheet, row, col, values)


__all__ = sorted(["cell_blocks", "write_cells"])

"""Scattered cells covered by a few rectangles, so writing them into Excel costs calls per column, not per row.

A sync brings values back from the list into scattered cells (Progress of rows 7, 9, 11...,
Status of row 20...). Each write into Excel is one round trip, so writing each run of changed
cells on its own cost one call per run: O(rows) when every other row changed. ``filled_blocks``
covers the changed cells of each group of neighbouring columns with ONE rectangle, from the first
to the last changed row, whatever lies between.

The cells in between (the gaps) are rewritten, so they must come back exactly as they were. That
is the caller's part: ``gap(row, col)`` gives each gap as the writer will put it back unchanged
(``addin.gap_cells``: "leave this cell alone" where Excel's client has such a value, else the cell
as this click read it: text with Excel's text prefix, a formula as the same formula, numbers, dates
and blanks as they are), or ``UNFAITHFUL`` for a cell it cannot put back faithfully. The rectangle
is then cut around that cell, one column at a time: the calls stay at most one per changed column
plus one per such cell, never one per row.

A file writes each cell where it is (a cell costs nothing to reach there) and needs none of this.

    >>> filled_blocks({(7, 3): "a", (9, 3): "b", (7, 4): "c"}, lambda row, col: f"kept {row},{col}")
    [(7, 3, [['a', 'c'], ['kept 8,3', 'kept 8,4'], ['b', 'kept 9,4']])]
"""

from __future__ import annotations

from typing import Callable, Mapping

from validation.grid import CellValue, Grid


class _Unfaithful:
    def __repr__(self) -> str:
        return "UNFAITHFUL"


UNFAITHFUL = _Unfaithful()
"""What ``gap`` answers for a cell it cannot put back as it was: that cell is never rewritten."""


def column_groups(cells: Mapping[tuple[int, int], object]) -> list[tuple[int, int]]:
    """(first, last) column of each run of neighbouring columns holding changed cells."""
    groups: list[tuple[int, int]] = []
    for col in sorted({c for _, c in cells}):
        if groups and groups[-1][1] == col - 1:
            groups[-1] = (groups[-1][0], col)
        else:
            groups.append((col, col))
    return groups


def filled_blocks(cells: Mapping[tuple[int, int], CellValue], gap: Callable[[int, int], object]) -> list[tuple[int, int, Grid]]:
    """(row, col, values) blocks covering ``cells`` ((row, col) -> value, 1-based): one per group of
    neighbouring columns, gaps filled with ``gap(row, col)``; cut around cells ``gap`` calls UNFAITHFUL."""
    blocks: list[tuple[int, int, Grid]] = []
    for left, right in column_groups(cells):
        rows = [r for r, c in cells if left <= c <= right]
        top, bottom = min(rows), max(rows)
        block = [
            [cells[(r, c)] if (r, c) in cells else gap(r, c) for c in range(left, right + 1)] for r in range(top, bottom + 1)
        ]
        if not any(value is UNFAITHFUL for line in block for value in line):
            blocks.append((top, left, block))
            continue
        for j, col in enumerate(range(left, right + 1)):
            changed = {r for r, c in cells if c == col}
            blocks.extend(_column_pieces(top, col, [line[j] for line in block], changed))
    return blocks


def _column_pieces(top: int, col: int, column: list, changed: set[int]) -> list[tuple[int, int, Grid]]:
    """One column cut at its UNFAITHFUL cells; each piece holding changed cells, trimmed to them."""
    pieces: list[tuple[int, int, Grid]] = []
    first = last = None
    for i, value in enumerate([*column, UNFAITHFUL]):
        if value is UNFAITHFUL:
            if first is not None:
                pieces.append((first, col, [[v] for v in column[first - top : last - top + 1]]))
            first = last = None
        elif top + i in changed:
            first = top + i if first is None else first
            last = top + i
    return pieces


__all__ = sorted(["UNFAITHFUL", "column_groups", "filled_blocks"])

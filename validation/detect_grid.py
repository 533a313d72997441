"""A sheet grid as a DataFrame, so detection can look at whole columns at once.

Rows are indexed by Excel row number and columns by Excel column number; blank text is None.
"""

from __future__ import annotations

import pandas as pd

from validation.grid import SheetGrid


def grid_frame(grid: SheetGrid, *, first_row: int | None = None, last_col: int | None = None) -> pd.DataFrame:
    """The grid's cells (from ``first_row`` down, up to ``last_col``) as an object DataFrame."""
    top = grid.origin[0] if first_row is None else max(first_row, grid.origin[0])
    right = grid.max_col if last_col is None else last_col
    width = max(right - grid.origin[1] + 1, 0)
    rows = [(line + [None] * width)[:width] if len(line) < width else line[:width] for line in grid.values[top - grid.origin[0]:]]
    frame = pd.DataFrame(
        rows,
        index=pd.RangeIndex(top, top + len(rows)),
        columns=pd.RangeIndex(grid.origin[1], grid.origin[1] + width),
        dtype=object,
    )
    if width and len(rows):
        # Whitespace-only text is as blank as an empty cell to a reader.
        frame = frame.where(~frame.apply(_blank_text), None)
    return frame


def _blank_text(column: pd.Series) -> pd.Series:
    is_text = column.map(type).eq(str)
    blank = pd.Series(False, index=column.index)
    if is_text.any():
        blank[is_text] = column[is_text].astype(str).str.strip().eq("")
    return blank


def filled(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell holds something."""
    return frame.notna()


def fill_merged_down(column: pd.Series, col: int, merged: list[tuple[int, int, int, int]]) -> pd.Series:
    """Give every cell of a vertical merge in ``col`` the value of its top cell.

    Excel keeps a merged cell's value in the top-left cell only; a findings column merged
    over its actions therefore reads as one value and blanks below it.
    """
    out = column.copy()
    for top, left, bottom, right in merged:
        if left <= col <= right and bottom > top:
            rows = [r for r in range(top + 1, bottom + 1) if r in out.index]
            if rows and top in out.index:
                out.loc[rows] = out.loc[top]
    return out


__all__ = ["fill_merged_down", "filled", "grid_frame"]

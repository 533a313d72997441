"""A sheet grid as a DataFrame, so detection can look at whole columns at once.

Rows are indexed by Excel row number and columns by Excel column number; blank text is None.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validation.grid import SheetGrid


def grid_frame(grid: SheetGrid, *, first_row: int | None = None, last_col: int | None = None) -> pd.DataFrame:
    """The grid's cells (from ``first_row`` down, up to ``last_col``) as an object DataFrame.

    The whole sheet is turned into a frame once per grid and sliced after: detection and
    extraction both look at the same big sheet.
    """
    whole = _whole_frame(grid)
    top = grid.origin[0] if first_row is None else max(first_row, grid.origin[0])
    right = grid.max_col if last_col is None else last_col
    frame = whole.loc[top:]
    if right != grid.max_col:
        frame = frame.reindex(columns=pd.RangeIndex(grid.origin[1], max(right, grid.origin[1] - 1) + 1), fill_value=None)
    return frame


def _whole_frame(grid: SheetGrid) -> pd.DataFrame:
    cached = getattr(grid, "_plansync_frame", None)
    if cached is not None and cached[0] == (len(grid.values), grid.origin, grid.max_col):
        return cached[1]
    top = grid.origin[0]
    width = max(grid.max_col - grid.origin[1] + 1, 0)
    lines = grid.values
    if any(len(line) != width for line in lines):
        pad = [None] * width
        lines = [line[:width] if len(line) >= width else line + pad[: width - len(line)] for line in lines]
    frame = pd.DataFrame(
        lines,
        index=pd.RangeIndex(top, top + len(lines)),
        columns=pd.RangeIndex(grid.origin[1], grid.origin[1] + width),
        dtype=object,
    )
    # Whitespace-only text is as blank as an empty cell to a reader. Checking each distinct
    # value once keeps this cheap on columns of repeated leads and dates.
    for col in frame.columns:
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
        blank = np.array([type(u) is str and not u.strip() for u in uniques] + [False], dtype=bool)
        if blank.any():
            frame[col] = frame[col].where(~blank[codes], None)
    # Kept on the grid (a plain attribute, not a field): the grid is read once per command.
    grid._plansync_frame = ((len(grid.values), grid.origin, grid.max_col), frame)
    return frame


def first_present(frame: pd.DataFrame) -> pd.Series:
    """Each row's leftmost value (None for an empty row), in one numpy pass.

    (``DataFrame.bfill(axis=1)`` does the same but walks the rows one by one: seconds on big sheets.)
    """
    values = frame.to_numpy(dtype=object, na_value=None)
    if values.shape[1] == 0:
        return pd.Series(None, index=frame.index, dtype=object)
    present = pd.notna(values)
    first = values[np.arange(len(values)), present.argmax(axis=1)]
    first[~present.any(axis=1)] = None
    return pd.Series(first, index=frame.index, dtype=object)


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


__all__ = ["fill_merged_down", "first_present", "grid_frame"]

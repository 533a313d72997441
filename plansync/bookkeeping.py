"""plansync's own state inside the workbook: the one hidden sheet ``_plansync``.

Two tables side by side, so a command reads all of plansync's state in one bulk read and writes
it in one bulk write (an Excel click stays at a few calls whatever the plan's size):

* columns A:B, **meta**: ``key | JSON value`` under a header row. Typical keys: ``layout``
  (adoption's mapping), ``plan_id``, ``sync`` (where the list is, the delta link).
* columns D:E, **row state**: ``row key | JSON`` under a header row, one line per synced row
  (``sync.state`` says what the JSON holds).

The state travels with the workbook (copy the file, the state comes along) and a curious person
can read it. Workbooks synced by plansync 0.1 kept the row state in a second hidden sheet,
``_plansync_rows``; it is still read, and folded into ``_plansync`` at the next sync.

    >>> save_meta(book, {"plan_id": "york-2022"})   # doctest: +SKIP
    >>> load_meta(book)["plan_id"]                    # doctest: +SKIP
    'york-2022'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from plansync.errors import WorkbookError
from plansync.workbook.base import Workbook
from validation.grid import Grid, SheetGrid, cell_address

META_SHEET = "_plansync"
# Where plansync 0.1 kept the row state (read until the next sync folds it into META_SHEET).
LEGACY_ROWS_SHEET = "_plansync_rows"
_HEADER = ["key", "value (JSON)"]
# The row state's first column (D): one blank column keeps the two tables apart for a reader.
ROWS_COLUMN = 4
# Excel refuses more characters than this in one cell.
_CELL_MAX = 32767


@dataclass(frozen=True)
class StateLine:
    """One line of row state as stored: its key and JSON text, and the cell holding the JSON."""

    key: str
    text: object
    cell: str


def _default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be kept in the {META_SHEET} sheet")


def _sheet(book: Workbook, name: str) -> SheetGrid | None:
    return book.read_sheet(name) if name in book.sheet_names() else None


def _pairs(grid: SheetGrid, col: int) -> list[tuple[int, object, object]]:
    """(row, first cell, second cell) of the two-column table at ``col``, header and blank keys left out."""
    out = []
    for row in range(grid.origin[0], grid.max_row + 1):
        key = grid.cell(row, col)
        if key is None or row == 1:
            continue
        out.append((row, key, grid.cell(row, col + 1)))
    return out


def load_meta(book: Workbook) -> dict[str, Any]:
    """The key -> value state in the hidden sheet; ``{}`` when the sheet is missing.

    Raises:
        WorkbookError: a value in the sheet is not valid JSON (someone edited it by hand).
    """
    grid = _sheet(book, META_SHEET)
    if grid is None or not grid.values:
        return {}
    meta: dict[str, Any] = {}
    for row, key, raw in _pairs(grid, 1):
        try:
            meta[str(key)] = None if raw is None else json.loads(str(raw))
        except json.JSONDecodeError as exc:
            raise WorkbookError(
                f"The hidden sheet {META_SHEET} is damaged at {META_SHEET}!B{row} (key '{key}'): "
                f"its value is not valid JSON. Undo the hand edit there, or delete that row and adopt the workbook again."
            ) from exc
    return meta


def load_row_lines(book: Workbook) -> tuple[list[StateLine], bool]:
    """The stored row state, and whether it came from the 0.1 sheet (to be folded in at the next save)."""
    grid = _sheet(book, META_SHEET)
    lines = [] if grid is None or not grid.values else _pairs(grid, ROWS_COLUMN)
    if lines:
        return [StateLine(str(key), text, cell_address(META_SHEET, row, ROWS_COLUMN + 1)) for row, key, text in lines], False
    legacy = _sheet(book, LEGACY_ROWS_SHEET)
    if legacy is None or not legacy.values:
        return [], legacy is not None
    return [StateLine(str(key), text, cell_address(LEGACY_ROWS_SHEET, row, 2)) for row, key, text in _pairs(legacy, 1)], True


def meta_rows(meta: dict[str, Any]) -> list[list[Any]]:
    """The meta table for ``meta``: the header row, then ``key | JSON value`` by key.

    Also what the templates write into a new workbook's sheet.

    Raises:
        ValueError: a value is too large for one Excel cell.
    """
    rows: list[list[Any]] = [list(_HEADER)]
    for key in sorted(meta):
        text = json.dumps(meta[key], default=_default, sort_keys=True, ensure_ascii=False)
        if len(text) > _CELL_MAX:
            raise ValueError(f"the value of '{key}' is {len(text)} characters; one Excel cell holds {_CELL_MAX}")
        rows.append([key, text])
    return rows


def _blank_tail(new: Grid, old_height: int, width: int) -> Grid:
    """``new`` followed by blank lines down to ``old_height``, so a shorter table leaves no stale lines."""
    return [*new, *([[None] * width] * max(old_height - len(new), 0))]


def save_meta(book: Workbook, meta: dict[str, Any]) -> None:
    """Rewrite the meta table (one bulk write; the row state beside it is left as it is). The caller saves.

    Raises:
        ValueError: a value is too large for one Excel cell.
    """
    rows = meta_rows(meta)
    grid = _sheet(book, META_SHEET)
    if grid is None:
        book.replace_sheet(META_SHEET, rows, hidden=True)
        return
    old_height = max((row for row, _, _ in _pairs(grid, 1)), default=1) if grid.values else 0
    book.write_range(META_SHEET, 1, 1, _blank_tail(rows, old_height, 2))


def save_bookkeeping(book: Workbook, meta: dict[str, Any], row_state: Grid) -> None:
    """Rewrite the whole hidden sheet, meta and row state (header line first), in one bulk write,
    and drop the 0.1 row-state sheet now folded in. The caller saves the book.

    Raises:
        ValueError: a value is too large for one Excel cell.
    """
    left = meta_rows(meta)
    height = max(len(left), len(row_state))
    gap = [None] * (ROWS_COLUMN - 3)
    rows = [
        [*(left[i] if i < len(left) else [None, None]), *gap, *(list(row_state[i]) if i < len(row_state) else [None, None])]
        for i in range(height)
    ]
    book.replace_sheet(META_SHEET, rows, hidden=True)
    if LEGACY_ROWS_SHEET in book.sheet_names():
        book.remove_sheet(LEGACY_ROWS_SHEET)


def update_meta(book: Workbook, **changes: Any) -> dict[str, Any]:
    """Load, change some keys, save; returns the new state. The caller saves the book."""
    meta = load_meta(book)
    meta.update(changes)
    save_meta(book, meta)
    return meta


__all__ = sorted(
    ["LEGACY_ROWS_SHEET", "META_SHEET", "ROWS_COLUMN", "StateLine", "load_meta", "load_row_lines", "meta_rows", "save_bookkeeping", "save_meta", "update_meta"]
)

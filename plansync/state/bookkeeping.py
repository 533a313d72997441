"""plansync's own state inside the workbook: the one hidden sheet ``_plansync``.

Two tables side by side, so a command reads all of plansync's state in one bulk read and writes
it in one bulk write (an Excel click stays at a few calls whatever the plan's size):

* columns A:B, **meta**: ``key | JSON value`` under a header row. Typical keys: ``layout``
  (adoption's mapping), ``plan_id``, ``sync`` (where the list is, the delta link).
* columns D onwards, **row state**: ``key | JSON`` under a header row, one line per synced row in
  a plan (``plansync.state.sync_state``) or per list item in a reporting workbook (``plansync.state.pull_state``).
  JSON longer than one Excel cell holds goes on in the next cells of its line.

The state travels with the workbook (copy the file, the state comes along) and a curious person
can read it. plansync 0.1 kept the row state in a second hidden sheet (``_plansync_rows`` in plans,
``_plansync_pull`` in reporting workbooks); it is still read, and folded into ``_plansync`` at the
next sync or pull.

    >>> save_meta(book, {"plan_id": "york-2022"})   # doctest: +SKIP
    >>> load_meta(book)["plan_id"]                    # doctest: +SKIP
    'york-2022'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from plansync.workbook.base import Workbook
from validation.errors import WorkbookError
from validation.grid import Grid, SheetGrid, cell_address
from workbook_templates.hidden_sheet import (
    CELL_MAX as _CELL_MAX,
    LEGACY_ROWS_SHEET,
    META_SHEET,
    ROWS_COLUMN,
    meta_rows,
)


@dataclass(frozen=True)
class StateLine:
    """One line of a ``key | JSON`` table as stored: its key, its JSON text (joined again when it
    spans several cells), the cell where that text starts and its sheet row."""

    key: str
    text: str
    cell: str
    row: int


def _sheet(book: Workbook, name: str) -> SheetGrid | None:
    return book.read_sheet(name) if name in book.sheet_names() else None


def _lines(grid: SheetGrid, col: int, last_col: int) -> list[StateLine]:
    """The ``key | text`` table whose keys are in ``col``, below its header row; the text is joined
    again from the cells up to ``last_col`` it spans."""
    lines = []
    for row in range(max(grid.origin[0], 2), grid.max_row + 1):
        key = grid.cell(row, col)
        if key is None:
            continue
        parts = (grid.cell(row, c) for c in range(col + 1, last_col + 1))
        text = "".join(str(part) for part in parts if part is not None)
        lines.append(StateLine(_key_text(key), text, cell_address(grid.name, row, col + 1), row))
    return lines


def _key_text(value: object) -> str:
    # Excel hands a numeric-looking key (a SharePoint item id) back as a number.
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def load_meta(book: Workbook) -> dict[str, Any]:
    """The key -> value state in the hidden sheet; ``{}`` when the sheet is missing.

    Raises:
        WorkbookError: a value in the sheet is not valid JSON (someone edited it by hand).
    """
    grid = _sheet(book, META_SHEET)
    if grid is None or not grid.values:
        return {}
    meta: dict[str, Any] = {}
    for line in _lines(grid, 1, 2):
        try:
            meta[line.key] = json.loads(line.text) if line.text else None
        except json.JSONDecodeError as exc:
            raise WorkbookError(
                f"The hidden sheet {META_SHEET} is damaged at {line.cell} (key '{line.key}'): "
                f"its value is not valid JSON. Undo the hand edit there, or delete that row and adopt the workbook again."
            ) from exc
    return meta


def load_row_lines(book: Workbook, legacy_sheet: str = LEGACY_ROWS_SHEET) -> tuple[list[StateLine], bool]:
    """The stored row state, and whether it came from plansync 0.1's ``legacy_sheet`` (to be
    folded into the hidden sheet at the next save)."""
    grid = _sheet(book, META_SHEET)
    lines = [] if grid is None or not grid.values else _lines(grid, ROWS_COLUMN, grid.max_col)
    if lines:
        return lines, False
    legacy = _sheet(book, legacy_sheet)
    if legacy is None or not legacy.values:
        return [], legacy is not None
    return _lines(legacy, 1, legacy.max_col), True



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
    old_height = max((line.row for line in _lines(grid, 1, 2)), default=1) if grid.values else 0
    book.write_range(META_SHEET, 1, 1, _blank_tail(rows, old_height, 2))


def save_bookkeeping(book: Workbook, meta: dict[str, Any], row_state: Grid, *, legacy_sheet: str = LEGACY_ROWS_SHEET) -> None:
    """Rewrite the whole hidden sheet, meta and row state (``[key, JSON text]`` lines, header line
    first), in one bulk write, and drop plansync 0.1's ``legacy_sheet`` now folded in. The caller
    saves the book.

    Raises:
        ValueError: a meta value is too large for one Excel cell.
    """
    left = meta_rows(meta)
    right = [[line[0], *_split(line[1])] if len(line) > 1 else list(line) for line in row_state]
    width = max((len(line) for line in right), default=2)
    height = max(len(left), len(right))
    gap = [None] * (ROWS_COLUMN - 3)
    rows = [
        [*(left[i] if i < len(left) else [None, None]), *gap, *_padded(right[i] if i < len(right) else [], width)]
        for i in range(height)
    ]
    book.replace_sheet(META_SHEET, rows, hidden=True)
    if legacy_sheet in book.sheet_names():
        book.remove_sheet(legacy_sheet)


def _split(text: object) -> list[object]:
    """Text longer than one Excel cell holds, cut into cells."""
    if not isinstance(text, str) or len(text) <= _CELL_MAX:
        return [text]
    return [text[i : i + _CELL_MAX] for i in range(0, len(text), _CELL_MAX)]


def _padded(line: list[object], width: int) -> list[object]:
    return [*line, *([None] * (width - len(line)))]


def update_meta(book: Workbook, **changes: Any) -> dict[str, Any]:
    """Load, change some keys, save; returns the new state. The caller saves the book."""
    meta = load_meta(book)
    meta.update(changes)
    save_meta(book, meta)
    return meta


__all__ = sorted(
    ["LEGACY_ROWS_SHEET", "META_SHEET", "ROWS_COLUMN", "StateLine", "load_meta", "load_row_lines", "meta_rows", "save_bookkeeping", "save_meta", "update_meta"]
)

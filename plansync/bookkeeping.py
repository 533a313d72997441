"""plansync's own state inside the workbook: the hidden sheet ``_plansync``.

One row per key: ``key | JSON value`` under a header row, so the state travels with the
workbook (copy the file, the state comes along) and a curious person can read it.
Typical keys: ``layout`` (adoption's mapping), ``plan_id``, ``last_sync``.

    >>> save_meta(book, {"plan_id": "york-2022"})   # doctest: +SKIP
    >>> load_meta(book)["plan_id"]                    # doctest: +SKIP
    'york-2022'
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from plansync.errors import WorkbookError
from plansync.workbook.base import Workbook

META_SHEET = "_plansync"
_HEADER = ["key", "value (JSON)"]
# Excel refuses more characters than this in one cell.
_CELL_MAX = 32767


def _default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be kept in the {META_SHEET} sheet")


def load_meta(book: Workbook) -> dict[str, Any]:
    """The key -> value state in the hidden sheet; ``{}`` when the sheet is missing.

    Raises:
        WorkbookError: a value in the sheet is not valid JSON (someone edited it by hand).
    """
    if META_SHEET not in book.sheet_names():
        return {}
    grid = book.read_sheet(META_SHEET)
    meta: dict[str, Any] = {}
    for offset, line in enumerate(grid.values):
        row = grid.origin[0] + offset
        key = line[0] if line else None
        if key is None or (key == _HEADER[0] and row == 1):
            continue
        raw = line[1] if len(line) > 1 else None
        try:
            meta[str(key)] = None if raw is None else json.loads(str(raw))
        except json.JSONDecodeError as exc:
            raise WorkbookError(
                f"The hidden sheet {META_SHEET} is damaged at {META_SHEET}!B{row} (key '{key}'): "
                f"its value is not valid JSON. Undo the hand edit there, or delete that row and adopt the workbook again."
            ) from exc
    return meta


def meta_rows(meta: dict[str, Any]) -> list[list[Any]]:
    """The hidden sheet's content for ``meta``: the header row, then ``key | JSON value`` by key.

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


def save_meta(book: Workbook, meta: dict[str, Any]) -> None:
    """Replace the hidden sheet's content with ``meta`` (one bulk write). The caller saves the book.

    Raises:
        ValueError: a value is too large for one Excel cell.
    """
    book.replace_sheet(META_SHEET, meta_rows(meta), hidden=True)


def update_meta(book: Workbook, **changes: Any) -> dict[str, Any]:
    """Load, change some keys, save; returns the new state. The caller saves the book."""
    meta = load_meta(book)
    meta.update(changes)
    save_meta(book, meta)
    return meta


__all__ = sorted(["META_SHEET", "load_meta", "meta_rows", "save_meta", "update_meta"])

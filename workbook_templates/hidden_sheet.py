"""The hidden ``_plansync`` sheet's format: its name and its ``key | JSON`` meta table.

Here, with the templates that write it into a new workbook, so that they and
``plansync.state.bookkeeping`` (which reads and rewrites it in any workbook) share one definition
without an import running up the layers.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from validation.sheet_names import LEGACY_ROWS_SHEET, META_SHEET

META_HEADER = ["key", "value (JSON)"]
# The row state's first column (D): one blank column keeps the two tables apart for a reader.
ROWS_COLUMN = 4
# Excel refuses more characters than this in one cell.
CELL_MAX = 32767


def json_default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be kept in the {META_SHEET} sheet")


def meta_rows(meta: dict[str, Any]) -> list[list[Any]]:
    """The meta table for ``meta``: the header row, then ``key | JSON value`` by key.

    Also what the templates write into a new workbook's sheet.

    Raises:
        ValueError: a value is too large for one Excel cell.
    """
    rows: list[list[Any]] = [list(META_HEADER)]
    for key in sorted(meta):
        text = json.dumps(meta[key], default=json_default, sort_keys=True, ensure_ascii=False)
        if len(text) > CELL_MAX:
            raise ValueError(f"the value of '{key}' is {len(text)} characters; one Excel cell holds {CELL_MAX}")
        rows.append([key, text])
    return rows



__all__ = sorted(["CELL_MAX", "LEGACY_ROWS_SHEET", "META_HEADER", "META_SHEET", "ROWS_COLUMN", "json_default", "meta_rows"])

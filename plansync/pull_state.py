"""What the last pull left in the reporting workbook, so the next pull reads only the changes.

Two places, both hidden: ``_plansync`` key ``pull`` holds where the list is (``where``, ``site_id``,
``list_id``) and the delta link without the server's address (the embedded server's port changes
per run); the sheet ``_plansync_pull`` holds every item as last read, one row each: the item id, then
its record as JSON (key, who changed it last and when, each field as text; withdrawn ones
included). One cell per item rather than one per field keeps the workbook quick to open: openpyxl
spends its time per cell. A record longer than one Excel cell holds continues in the next cells.
The Consolidated sheet is rebuilt from these rows on each pull, so sorting or filtering it in
Excel does not matter to plansync.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from plansync.bookkeeping import load_meta, update_meta
from plansync.workbook.base import Workbook

ITEMS_SHEET = "_plansync_pull"
META_KEY = "pull"
ITEM_ID = "item id"
HEADER: tuple[str, ...] = (ITEM_ID, "record (JSON)")
# Excel refuses more characters than this in one cell; longer records go on in the next cell.
_CELL_MAX = 32767


@dataclass
class PullState:
    """The last pull: where from, its delta link, and the items it read (None: never pulled)."""

    target: dict[str, Any] = field(default_factory=dict)
    items: dict[str, dict[str, str]] | None = None

    @property
    def delta_link(self) -> str | None:
        return self.target.get("delta_link")


def load_pull_state(book: Workbook) -> PullState:
    """The state the last pull saved; an empty state for a workbook never pulled (or damaged by hand)."""
    target = dict(load_meta(book).get(META_KEY) or {})
    if ITEMS_SHEET not in book.sheet_names() or not target:
        return PullState(target=target)
    items: dict[str, dict[str, str]] = {}
    for line in book.read_sheet(ITEMS_SHEET).values:
        item_id = _text(line[0]) if line else ""
        if not item_id or item_id == ITEM_ID:
            continue
        try:
            record = json.loads("".join(str(v) for v in line[1:] if v is not None))
        except json.JSONDecodeError:
            return PullState(target={})  # a hand edit: read the whole list again, nothing is lost
        items[item_id] = {str(k): _text(v) for k, v in record.items()}
    return PullState(target=target, items=items)


def save_pull_state(book: Workbook, state: PullState) -> None:
    """Write both parts (one bulk write each). The caller saves the book."""
    rows: list[list[Any]] = [list(HEADER)]
    items = state.items or {}
    for item_id in sorted(items, key=_number_first):
        text = json.dumps(items[item_id], sort_keys=True, ensure_ascii=False)
        rows.append([item_id, *(text[i : i + _CELL_MAX] for i in range(0, len(text), _CELL_MAX))])
    width = max(len(r) for r in rows)
    rows = [r + [None] * (width - len(r)) for r in rows]  # one rectangular block
    book.replace_sheet(ITEMS_SHEET, rows, hidden=True)
    update_meta(book, **{META_KEY: dict(state.target)})


def _number_first(item_id: str) -> tuple[int, str]:
    # SharePoint item ids are numeric strings: "10" comes after "9".
    return (int(item_id), "") if item_id.isdigit() else (1 << 62, item_id)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = sorted(["HEADER", "ITEMS_SHEET", "META_KEY", "PullState", "load_pull_state", "save_pull_state"])

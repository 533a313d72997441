"""What the last pull left in the reporting workbook, so the next pull reads only the changes.

Both in the hidden sheet ``_plansync`` (``plansync.state.bookkeeping``), so a pull reads and writes it
once: meta key ``pull`` holds where the list is (``where``, ``site_id``, ``list_id``) and the delta
link without the server's address (the embedded server's port changes per run); the row-state
table beside it holds every item as last read, one line each: the item id, then its record as JSON
(key, who changed it last and when, each field as text; withdrawn ones included). One cell per item
rather than one per field keeps the workbook quick to open: openpyxl spends its time per cell. A
record longer than one Excel cell holds continues in the next cells. plansync 0.1 kept the items in
a sheet of their own, ``_plansync_pull``: still read, and folded in at the next pull.
The Consolidated sheet is rebuilt from these rows on each pull, so sorting or filtering it in
Excel does not matter to plansync.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from plansync.state.bookkeeping import load_meta, load_row_lines, save_bookkeeping
from plansync.workbook.base import Workbook

# Where plansync 0.1 kept the items (read until the next pull folds them into ``_plansync``).
ITEMS_SHEET = "_plansync_pull"
META_KEY = "pull"
ITEM_ID = "item id"
HEADER: tuple[str, ...] = (ITEM_ID, "record (JSON)")


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
    if not target:
        return PullState(target=target)
    lines, _ = load_row_lines(book, ITEMS_SHEET)
    items: dict[str, dict[str, str]] = {}
    for line in lines:
        try:
            record = json.loads(line.text)
        except json.JSONDecodeError:
            return PullState(target={})  # a hand edit: read the whole list again, nothing is lost
        items[line.key] = {str(k): _text(v) for k, v in record.items()}
    return PullState(target=target, items=items)


def save_pull_state(book: Workbook, state: PullState) -> None:
    """Write both parts (one bulk write of the hidden sheet). The caller saves the book."""
    rows: list[list[Any]] = [list(HEADER)]
    items = state.items or {}
    for item_id in sorted(items, key=_number_first):
        rows.append([item_id, json.dumps(items[item_id], sort_keys=True, ensure_ascii=False)])
    meta = load_meta(book)
    meta[META_KEY] = dict(state.target)
    save_bookkeeping(book, meta, rows, legacy_sheet=ITEMS_SHEET)


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

"""What the last pull left in the reporting workbook, so the next pull reads only the changes.

Two places, both hidden: ``_plansync`` key ``pull`` holds where the list is (``where``, ``site_id``,
``list_id``) and the delta link without the server's address (the embedded server's port changes
per run); the sheet ``_plansync_pull`` holds every item as last read, one row each (item id, key,
who changed it last and when, then each field as text, withdrawn ones included), under a header
row naming the columns. The Consolidated sheet is rebuilt from these rows on each pull, so sorting
or filtering it in Excel does not matter to plansync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plansync.bookkeeping import load_meta, update_meta
from plansync.workbook.base import Workbook
from sync.consolidated import KEY, MODIFIED_AT, MODIFIED_BY
from sync.listmap import ListMap

ITEMS_SHEET = "_plansync_pull"
META_KEY = "pull"
ITEM_ID = "item id"
# Every field the list map reads, in list order (plan, recommendation, ..., withdrawn).
FIELD_ORDER: tuple[str, ...] = tuple(ListMap.default().from_list({}))
HEADER: tuple[str, ...] = (ITEM_ID, KEY, MODIFIED_BY, MODIFIED_AT, *FIELD_ORDER)


@dataclass
class PullState:
    """The last pull: where from, its delta link, and the items it read (None: never pulled)."""

    target: dict[str, Any] = field(default_factory=dict)
    items: dict[str, dict[str, str]] | None = None

    @property
    def delta_link(self) -> str | None:
        return self.target.get("delta_link")


def load_pull_state(book: Workbook) -> PullState:
    """The state the last pull saved; an empty state for a workbook never pulled."""
    target = dict(load_meta(book).get(META_KEY) or {})
    if ITEMS_SHEET not in book.sheet_names() or not target:
        return PullState(target=target)
    grid = book.read_sheet(ITEMS_SHEET)
    rows = [list(r) for r in grid.values]
    if not rows:
        return PullState(target=target)
    header = [str(h) if h is not None else "" for h in rows[0]]
    if ITEM_ID not in header or KEY not in header:
        return PullState(target=target)  # damaged by hand: read the list whole again
    items: dict[str, dict[str, str]] = {}
    for line in rows[1:]:
        record = {name: _text(line[i]) if i < len(line) else "" for i, name in enumerate(header) if name}
        item_id = record.pop(ITEM_ID, "")
        if item_id:
            items[item_id] = {name: record.get(name, "") for name in HEADER[1:]}
    return PullState(target=target, items=items)


def save_pull_state(book: Workbook, state: PullState) -> None:
    """Write both parts (one bulk write each). The caller saves the book."""
    rows: list[list[Any]] = [list(HEADER)]
    for item_id in sorted(state.items or {}, key=_number_first):
        record = (state.items or {})[item_id]
        rows.append([item_id, *(record.get(name, "") or None for name in HEADER[1:])])
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


__all__ = sorted(["FIELD_ORDER", "HEADER", "ITEMS_SHEET", "META_KEY", "PullState", "load_pull_state", "save_pull_state"])

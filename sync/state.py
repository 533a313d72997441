"""Sync state per row key, kept in the workbook's hidden sheet ``_plansync_rows`` (DESIGN §6).

One row per key: the list item id, its eTag, the field values as last synced (the *base*, JSON),
the list's values when they differ from the base (a conflict or a refused row, JSON; empty means
"same as base"), and for generated keys the fingerprint and position that re-attach them.
Where the list is and the delta link for the next incremental read live in ``_plansync`` under
``sync``. Both sheets are written in the same ``book.save()`` as the pulled values, so the
workbook always holds one consistent outcome of what was sent (the save is atomic).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from plansync.bookkeeping import load_meta, save_meta
from plansync.errors import WorkbookError
from plansync.workbook.base import Workbook
from sync.engine import ETAG, ITEM_ID, MODIFIED_BY

ROWS_SHEET = "_plansync_rows"
META_KEY = "sync"
HEADER = ["key", "item id", "etag", "base (JSON)", "list (JSON, when different)", "fingerprint", "sheet", "row"]


@dataclass
class SyncState:
    """What the last sync left behind.

    Attributes:
        base: per key, field values as last synced (text), index = key.
        remote: per key, the list's field values as last seen, plus ``_item_id``, ``_etag``, ``_modified_by``.
        generated: stored generated keys: ``key, fingerprint, sheet, row`` (for ``assign_keys``).
        target: where the list is (``graph_url``, ``site``, ``list``, ``site_id``, ``list_id``) and ``delta_link``.
    """

    base: pd.DataFrame = field(default_factory=pd.DataFrame)
    remote: pd.DataFrame = field(default_factory=pd.DataFrame)
    generated: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"key": [], "fingerprint": [], "sheet": [], "row": []}).astype({"row": "int64"})
    )
    target: dict[str, Any] = field(default_factory=dict)

    @property
    def delta_link(self) -> str | None:
        return self.target.get("delta_link")


def load_state(book: Workbook) -> SyncState:
    """The state the last sync saved; an empty state for a workbook never synced.

    Raises:
        WorkbookError: a row of the hidden sheet was edited by hand and cannot be read.
    """
    meta = load_meta(book)
    target = dict(meta.get(META_KEY) or {})
    if ROWS_SHEET not in book.sheet_names():
        return SyncState(target=target)
    grid = book.read_sheet(ROWS_SHEET)
    keys, bases, remotes, gens = [], [], [], []
    for offset, line in enumerate(grid.values):
        row_no = grid.origin[0] + offset
        line = list(line) + [None] * (len(HEADER) - len(line))
        key = line[0]
        if key is None or (row_no == 1 and key == HEADER[0]):
            continue
        key = str(key)
        try:
            base = json.loads(str(line[3])) if line[3] else {}
            listed = json.loads(str(line[4])) if line[4] else None
        except json.JSONDecodeError as exc:
            raise WorkbookError(
                f"The hidden sheet {ROWS_SHEET} is damaged at row {row_no} (key '{key}'): it is not valid JSON. "
                f"Undo the hand edit there, or delete that row and sync again."
            ) from exc
        item_id, etag = _text(line[1]), _text(line[2])
        keys.append(key)
        bases.append(base)
        remote = dict(base if listed is None else listed)
        remote.update({ITEM_ID: item_id, ETAG: etag, MODIFIED_BY: ""})
        remotes.append(remote)
        if line[5]:
            gens.append({"key": key, "fingerprint": _text(line[5]), "sheet": _text(line[6]), "row": int(line[7] or 0)})
    index = pd.Index(keys, dtype=object)
    state = SyncState(
        base=pd.DataFrame(bases, index=index, dtype=object).fillna(""),
        remote=pd.DataFrame(remotes, index=index, dtype=object).fillna(""),
        target=target,
    )
    # Items without an id were never confirmed by the list: they are not in the list as far as we know.
    state.remote = state.remote[state.remote[ITEM_ID] != ""] if len(state.remote) else state.remote
    if gens:
        state.generated = pd.DataFrame(gens).astype({"row": "int64"})
    return state


def save_state(book: Workbook, state: SyncState) -> None:
    """Write the state to the hidden sheets (one bulk write each). The caller saves the book."""
    rows: list[list[Any]] = [list(HEADER)]
    base, remote = state.base, state.remote
    gens = state.generated.set_index("key") if len(state.generated) else pd.DataFrame(columns=["fingerprint", "sheet", "row"])
    fields = [c for c in base.columns if not c.startswith("_")]
    base_records = base[fields].to_dict("index") if len(base) else {}
    remote_records = remote.to_dict("index") if len(remote) else {}
    for key in sorted(base_records):
        values = base_records[key]
        listed = remote_records.get(key, {})
        listed_fields = {f: listed.get(f, "") for f in fields}
        base_json = _dump(values)
        listed_json = _dump(listed_fields) if listed and listed_fields != values else None
        gen = gens.loc[key] if key in gens.index else None
        rows.append(
            [
                key,
                listed.get(ITEM_ID) or None,
                listed.get(ETAG) or None,
                base_json,
                listed_json,
                None if gen is None else gen["fingerprint"],
                None if gen is None else gen["sheet"],
                None if gen is None else int(gen["row"]),
            ]
        )
    book.replace_sheet(ROWS_SHEET, rows, hidden=True)
    meta = load_meta(book)
    meta[META_KEY] = dict(state.target)
    save_meta(book, meta)


def _dump(values: dict) -> str:
    return json.dumps({k: ("" if v is None else str(v)) for k, v in values.items()}, sort_keys=True, ensure_ascii=False)


def _text(value: object) -> str:
    return "" if value is None else str(value)


__all__ = sorted(["HEADER", "META_KEY", "ROWS_SHEET", "SyncState", "load_state", "save_state"])

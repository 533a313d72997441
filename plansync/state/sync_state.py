"""Sync state per row key, kept in the workbook's hidden sheet ``_plansync`` (DESIGN §6).

One line per key in the sheet's row-state table (``plansync.state.bookkeeping``), two cells: the key,
and JSON holding the list item id, its eTag, the field values as last synced (the *base*), the
list's values when they differ from the base (a conflict or a refused row), and for generated keys
the fingerprint and position that re-attach them. Where the list is and the delta link for the
next incremental read live beside it, under the meta key ``sync``. The whole sheet is written in
the same ``book.save()`` as the pulled values, so the workbook always holds one consistent outcome
of what was sent (the save is atomic).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from plansync.state.bookkeeping import META_SHEET, load_meta, load_row_lines, save_bookkeeping, save_meta
from plansync.workbook.base import Workbook
from sync.engine import ETAG, ITEM_ID, MODIFIED_BY
from validation.errors import WorkbookError

META_KEY = "sync"
# Two cells per row keep a 10,000-row plan's state quick to read and write.
HEADER = ["row key", "state (JSON): id = list item id, etag, base = values as last synced, list = list values when different"]


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
    # The stored lines as read (None: rewrite them), so an unchanged state is not written again
    # (10,000 rows cost a second in openpyxl).
    sheet_rows: list[list[Any]] | None = None

    @property
    def delta_link(self) -> str | None:
        return self.target.get("delta_link")


def load_state(book: Workbook, *, meta: dict | None = None) -> SyncState:
    """The state the last sync saved; an empty state for a workbook never synced.

    ``meta`` is the ``_plansync`` sheet as already read (``LoadedPlan.meta``); None reads it.

    Raises:
        WorkbookError: a row of the hidden sheet was edited by hand and cannot be read.
    """
    if meta is None:
        meta = load_meta(book)
    target = dict(meta.get(META_KEY) or {})
    lines, legacy = load_row_lines(book)
    keys, bases, remotes, gens = [], [], [], []
    for line in lines:
        try:
            data = json.loads(line.text) if line.text else {}
            base, listed = dict(data.get("base") or {}), data.get("list")
        except (json.JSONDecodeError, AttributeError, TypeError) as exc:
            sheet = line.cell.split("!")[0]
            raise WorkbookError(
                f"The hidden sheet {sheet} is damaged at {line.cell} (key '{line.key}'): it is not the JSON "
                f"plansync wrote. Undo the hand edit there, or delete that row and sync again."
            ) from exc
        keys.append(line.key)
        bases.append(base)
        remote = dict(base if listed is None else listed)
        remote.update({ITEM_ID: str(data.get("id") or ""), ETAG: str(data.get("etag") or ""), MODIFIED_BY: ""})
        remotes.append(remote)
        if data.get("gen"):
            fingerprint, sheet, row = data["gen"]
            gens.append({"key": line.key, "fingerprint": str(fingerprint), "sheet": str(sheet), "row": int(row)})
    as_read = None if legacy else [list(HEADER), *([line.key, line.text] for line in lines)]
    index = pd.Index(keys, dtype=object)
    state = SyncState(
        base=pd.DataFrame(bases, index=index, dtype=object).fillna(""),
        remote=pd.DataFrame(remotes, index=index, dtype=object).fillna(""),
        target=target,
        sheet_rows=as_read,
    )
    # Items without an id were never confirmed by the list: they are not in the list as far as we know.
    state.remote = state.remote[state.remote[ITEM_ID] != ""] if len(state.remote) else state.remote
    if gens:
        state.generated = pd.DataFrame(gens).astype({"row": "int64"})
    return state


def save_state(book: Workbook, state: SyncState) -> None:
    """Write the state to the hidden sheet (one bulk write). The caller saves the book."""
    rows: list[list[Any]] = [list(HEADER)]
    base, remote = state.base, state.remote
    gens = (
        {k: [f, s, int(r)] for k, f, s, r in state.generated[["key", "fingerprint", "sheet", "row"]].itertuples(index=False)}
        if len(state.generated)
        else {}
    )
    fields = [c for c in base.columns if not c.startswith("_")]
    order = base.index.sort_values() if len(base) else base.index
    base_vals = base.loc[order, fields].to_numpy(dtype=object) if len(base) else []
    listed = remote.reindex(index=order, columns=[*fields, ITEM_ID, ETAG]) if len(base) else remote
    known = listed[ITEM_ID].notna().to_numpy() if len(base) else []
    listed_vals = listed.to_numpy(dtype=object) if len(base) else []
    n = len(fields)
    # Plain loops over numpy rows: DataFrame.to_dict on 10,000 rows costs far more.
    for i, key in enumerate(order):
        values = {f: v for f, v in zip(fields, base_vals[i]) if v not in ("", None) and v == v}
        data: dict[str, Any] = {"id": "", "etag": "", "base": values}
        if known[i]:
            line = listed_vals[i]
            data["id"], data["etag"] = str(line[n] or ""), str(line[n + 1] or "")
            listed_values = {f: v for f, v in zip(fields, line[:n]) if v not in ("", None) and v == v}
            if listed_values != values:
                data["list"] = listed_values
        if key in gens:
            data["gen"] = gens[key]
        rows.append([key, json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)])
    meta = load_meta(book)
    meta[META_KEY] = dict(state.target)
    # One bulk write either way: the whole sheet when the row state changed, else the meta only.
    if rows != state.sheet_rows or META_SHEET not in book.sheet_names():
        save_bookkeeping(book, meta, rows)
    else:
        save_meta(book, meta)


__all__ = sorted(["HEADER", "META_KEY", "SyncState", "load_state", "save_state"])

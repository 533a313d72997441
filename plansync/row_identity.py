"""Generated row keys kept before their creates are sent, so an interrupted first sync is finished,
not duplicated (DESIGN §6, issue 19).

A row without a ref gets a generated key (``validation.keys``), stored in the hidden sheet with the
row's fingerprint and place once the sync that created its item is saved. A sync killed after
some creates never got there: the next run derived the key again from the row's text, and a row
whose text was edited meanwhile got a new key, so its item was created a second time. Now the
keys about to be created are written to the hidden sheet (``pending``, beside the sync target)
and the workbook saved *before* the first create goes out; the next run re-attaches them to their
rows (same text, or same place) as it does for synced rows, and finds their items in the list.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from plansync.workbook.base import Workbook
from plansync.state.sync_state import SyncState, save_state

PENDING = "pending"
"""Key of the sync target (meta ``sync``) holding ``[key, fingerprint, sheet, row]`` of keys being created."""

_COLUMNS = ["key", "fingerprint", "sheet", "row"]


def known_keys(state: SyncState) -> pd.DataFrame:
    """The generated keys to re-attach: those stored with synced rows, then those a sync was creating."""
    pending = state.target.get(PENDING) or []
    if not pending:
        return state.generated
    extra = pd.DataFrame([list(p) for p in pending], columns=_COLUMNS).astype({"row": "int64"})
    both = pd.concat([state.generated, extra], ignore_index=True) if len(state.generated) else extra
    return both.drop_duplicates(subset=["key"], keep="first").reset_index(drop=True)


def keep_before_create(
    book: Workbook, state: SyncState, generated: pd.DataFrame, creating: Iterable[str], plan_id: str, where: dict
) -> bool:
    """Save the workbook with the generated keys of rows about to be created (not yet stored).

    Args:
        state: the sync state as loaded (saved again as it was, plus the pending keys).
        generated: every generated key of the workbook now: ``key, fingerprint, sheet, row``.
        creating: keys the sync is about to create.
        plan_id: the plan id the keys were made with (kept, so a renamed plan keeps them).
        where: the list being synced to (kept, so the next run knows the pending keys are for it).

    Returns:
        Whether anything was saved (nothing when every key being created is stored already).
    """
    pending = [list(p) for p in state.target.get(PENDING) or []]
    stored = set(state.base.index) | {str(p[0]) for p in pending}
    new = generated[generated["key"].isin(set(creating)) & ~generated["key"].isin(stored)]
    if new.empty:
        return False
    rows = [[str(k), str(f), str(s), int(r)] for k, f, s, r in new[_COLUMNS].itertuples(index=False)]
    target = {**state.target, "where": where, "plan_id": state.target.get("plan_id") or plan_id, PENDING: pending + rows}
    save_state(book, SyncState(base=state.base, remote=state.remote, generated=state.generated, target=target, sheet_rows=state.sheet_rows))
    book.save()
    return True


def adopt_orphans(state: SyncState, remote: pd.DataFrame, in_workbook: pd.Index, skip: Iterable[str] = ()) -> int:
    """Give the sync's base the items a killed sync created for rows no longer found (their words
    *and* place both changed meanwhile), so this sync withdraws them instead of leaving a second
    live item beside the row's new one. Returns how many.

    Args:
        state: the sync state as loaded (its ``pending`` keys and ``base``); ``base`` is extended.
        remote: this workbook's items in the list now (index = key).
        in_workbook: the keys of the workbook's rows now.
        skip: keys of invalid rows (left alone).
    """
    pending = pd.Index([str(p[0]) for p in state.target.get(PENDING) or []], dtype=object)
    if not len(pending) or remote.empty:
        return 0
    orphans = pending.intersection(remote.index).difference(in_workbook).difference(state.base.index).difference(pd.Index(list(skip), dtype=object))
    if not len(orphans):
        return 0
    fields = [c for c in remote.columns if not str(c).startswith("_")]
    found = remote.loc[orphans, fields].astype(object)
    state.base = pd.concat([state.base, found]) if len(state.base) else found
    return len(orphans)


def pending_after(generated: pd.DataFrame, failed: Iterable[str]) -> dict[str, list]:
    """The pending keys to keep after a sync: those whose write the list did not confirm (a create
    that timed out may still have been made), so the next run re-attaches them too."""
    keep = generated[generated["key"].isin(set(failed))]
    if keep.empty:
        return {}
    return {PENDING: [[str(k), str(f), str(s), int(r)] for k, f, s, r in keep[_COLUMNS].itertuples(index=False)]}


__all__ = sorted(["PENDING", "adopt_orphans", "keep_before_create", "known_keys", "pending_after"])

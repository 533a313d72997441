"""What a sync keeps and writes back: the sync state to save, and the workbook's cells and sheets.

After the list has answered: values brought in from the list go into their cells (dates as
dates), sign-off stamps, Due / RAG / Overdue kept in step, the Conflicts sheet, the sync state,
a one-line result on the Issues sheet and the last-sync time in Settings; then one atomic save.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from plansync.commands.rag import rate_plan, sheets_showing_computed, write_rated
from plansync.commands.signoff import write_stamps
from plansync.commands.sync_rows import SyncRows
from plansync.list_values import with_substitutes
from plansync.plan import LoadedPlan, load_plan
from plansync.sync_sheets import write_conflicts, write_last_sync, write_sync_line
from plansync.state.sync_state import SyncState, save_state
from plansync.workbook.base import Workbook
from sync.apply import Applied
from sync.engine import ETAG, ITEM_ID, SyncPlan
from sync.values import cell_for
from validation.fields import FIELD_BY_NAME


def write_back(book: Workbook, loaded: LoadedPlan, rows: SyncRows, result: Any, state: SyncState, stamped: dict, now: datetime | None) -> None:
    """Everything the workbook takes from a sync carried out (``result``: its ``SyncResult``), then one save.

    Args:
        state: the sync state to keep; stamped: sign-off stamps per key (``check_sign_off``).
        now: the time written as last sync (default: now).
    """
    _write_pulls(book, loaded, rows, result.plan)
    for sheet in loaded.sheet_layouts():  # each plan sheet has its own sign-off columns
        write_stamps(book, {k: v for k, v in stamped.items() if rows.cells.get(k, ("", 0))[0] == sheet.sheet}, rows.cells, sheet.columns)
    _refresh_computed(book, loaded, rows, result.plan)
    write_conflicts(book, result.plan, rows.cells, rows.layout_columns)
    save_state(book, state)
    stamp = (now or datetime.now(timezone.utc)).astimezone().replace(microsecond=0)
    issues = with_substitutes(rows.issues, state.base, rows.fields, rows.cells, rows.layout_columns)
    write_sync_line(book, stamp, result.summary, issues)
    write_last_sync(book, stamp)
    book.save()


def next_state(state: SyncState, applied: Applied, rows: SyncRows, site_id: str, list_id: str, where: dict, delta_link: str | None) -> SyncState:
    """The state to save: the plan's outcome for what was accepted, the old state for what failed."""
    plan = applied.plan
    failed = {f.key for f in applied.failed}
    base, remote = plan.base.copy(), plan.remote.copy()
    # Keys whose write failed keep what they had.
    for key in failed:
        base = base.drop(index=key, errors="ignore")
        remote = remote.drop(index=key, errors="ignore")
        if key in state.base.index:
            base.loc[key] = state.base.loc[key].reindex(base.columns).fillna("")
        if key in state.remote.index:
            remote.loc[key] = state.remote.loc[key].reindex(remote.columns).fillna("")
    # What the list answered for each write: ids and eTags of new and changed items.
    if len(applied.remote):
        got = applied.remote
        deleted = got.index[got.get("_deleted", pd.Series(False, index=got.index)).fillna(False).astype(bool)]
        base = base.drop(index=deleted, errors="ignore")
        remote = remote.drop(index=deleted, errors="ignore")
        live = got.drop(index=deleted)
        for col in (ITEM_ID, ETAG):
            if col in live.columns:
                remote.loc[live.index.intersection(remote.index), col] = live.loc[live.index.intersection(remote.index), col]
    remote = remote[remote[ITEM_ID].astype(str) != ""] if len(remote) and ITEM_ID in remote.columns else remote
    return SyncState(
        base=base.fillna(""),
        remote=remote.fillna(""),
        generated=rows.state.generated,
        sheet_rows=rows.state.sheet_rows,
        target={
            "where": where,
            "site_id": site_id,
            "list_id": list_id,
            "plan_id": rows.plan_id,
            "delta_link": delta_link,
        },
    )


def _write_pulls(book: Workbook, loaded: LoadedPlan, rows: SyncRows, plan: SyncPlan) -> None:
    """Write values brought in from the list into their cells (dates as dates), one ``write_cells``
    per sheet (in Excel at most one call per column, not per row). Each plan sheet has its own
    columns (a plan kept on several sheets need not lay them all out alike)."""
    columns_of = {layout.sheet: layout.columns for layout in loaded.sheet_layouts()}
    by_sheet: dict[str, dict[tuple[int, int], Any]] = {}
    for pull in plan.pulls:
        sheet, row = rows.cells[pull.key]
        for name, value in pull.fields.items():
            col = columns_of.get(sheet, rows.layout_columns).get(name)
            if col is not None:
                by_sheet.setdefault(sheet, {})[(row, col)] = cell_for(value, FIELD_BY_NAME[name].kind)
    for sheet, cells in by_sheet.items():
        book.write_cells(sheet, cells)


def _refresh_computed(book: Workbook, loaded: LoadedPlan, rows: SyncRows, plan: SyncPlan) -> None:
    """Keep Due / RAG / Overdue / Days overdue in the workbook in step with what was sent to the list
    (and with values brought in from it), on each plan sheet that shows those columns: one bulk
    write per sheet, only when a value on it changed."""
    shown = sheets_showing_computed(loaded)
    if not shown:
        return
    # Rated again only when values came in (re-read from the sheets in memory: no call into Excel);
    # otherwise the BRAG the sync sent is what the workbook shows.
    if plan.pulls:
        current = load_plan(book)
        rated = rate_plan(current, rows.rated_on)
    else:
        current = loaded
        rated = rate_plan(current, rows.rated_on, computed=rows.rag)
    changed = [b for b in rated.blocks if b.sheet in shown and b.differs_from(current)]
    if changed:
        write_rated(book, replace(rated, blocks=changed))


__all__ = sorted(["next_state", "write_back"])

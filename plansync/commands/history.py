"""``history``: who changed what, when, for a plan or one action, from the list's own versions.

plansync keeps no history of its own (DESIGN §6): SharePoint keeps a version of a list item at
every change, and this command reads them (``sync.versions``) for the items the workbook's last
sync knows, 20 items per batch request, or one request for one action (``--ref``). Every change
of status, progress, target, revised target, owner and sign-off is listed: when, who, old -> new.

    >>> result = plan_history(OpenpyxlWorkbook.open("plan.xlsx"), ref="1.1")   # doctest: +SKIP
    >>> result.changes[0].line()                                               # doctest: +SKIP
    '2026-11-25 10:02 Bob Jones: status On track -> At risk'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plansync.errors import GraphError, SyncError, WorkbookError
from plansync.plan import load_plan
from plansync.workbook.base import Workbook
from sync.engine import ITEM_ID
from plansync.state.sync_state import load_state
from sync.target import connected
from sync.versions import Change, read_histories


@dataclass
class HistoryResult:
    """The changes found, oldest first, and what could not be told.

    Attributes:
        changes: every tracked change (after ``since``, when given).
        plan: the plan's name; ref: the action asked for (None: the whole plan).
        earlier_gone: refs whose first versions the list no longer keeps (their history starts later).
        missing: refs whose item is gone from the list.
        requests: HTTP requests sent.
    """

    changes: list[Change]
    plan: str
    ref: str | None = None
    since: date | None = None
    earlier_gone: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    requests: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "ref": self.ref,
            "since": self.since.isoformat() if self.since else None,
            "changes": [c.to_json() for c in self.changes],
            "earlier_versions_gone": self.earlier_gone,
            "missing": self.missing,
            "requests": self.requests,
        }


def plan_history(
    book: Workbook,
    *,
    ref: str | None = None,
    since: date | None = None,
    site: str | None = None,
    list_name: str | None = None,
    graph_url: str | None = None,
    as_email: str | None = None,
    client: Any = None,
) -> HistoryResult:
    """The history of the plan's actions (or of the one with ``ref``) from the list's versions.

    Raises:
        WorkbookError: the workbook was never synced, or has no synced action with that ref.
        SyncError: the list could not be read, or is not the list the workbook was synced with.
    """
    loaded = load_plan(book)
    settings = loaded.require_settings()
    state = load_state(book, meta=loaded.meta)
    name = _name(book)
    plan = settings.plan_name or (str(loaded.actions["plan"].iloc[0]) if len(loaded.actions) else name)
    items = _items(state, name)
    if ref is not None:
        wanted = ref.strip()
        items = {k: v for k, v in items.items() if v[0] == wanted}
        if not items:
            known = ", ".join(sorted({r for r, _ in _items(state, name).values() if r})[:12]) or "none"
            raise WorkbookError(
                f"{name} has no synced action with ref {wanted!r} (synced refs: {known}). Check the ref, "
                "or sync the workbook first if the action is new."
            )
    with connected(settings, client=client, as_email=as_email, site=site, list_name=list_name, graph_url=graph_url) as (gc, _, where):
        if state.target.get("where") not in (None, where) and client is None:
            raise SyncError(
                f"{name} was last synced with another list ({state.target['where'].get('list')!r}); its history is "
                "there. Run history with the same --site/--list as the sync, or sync with this list first."
            )
        by_id = {item_id: r for r, item_id in items.values()}
        site_id, list_id = str(state.target["site_id"]), str(state.target["list_id"])
        wanted = _changed_since(gc, site_id, list_id, state, set(by_id), since) if since and len(by_id) > 20 else set(by_id)
        histories = read_histories(gc, site_id, list_id, sorted(wanted, key=_ref_order))
        requests = gc.requests
    changes = sorted((c for h in histories.values() for c in h.changes), key=lambda c: (c.when, _ref_order(c.ref), c.version))
    if since is not None:
        changes = [c for c in changes if c.when[:10] >= since.isoformat()]
    return HistoryResult(
        changes=changes, plan=plan, ref=ref, since=since, requests=requests,
        earlier_gone=sorted(by_id[i] or i for i, h in histories.items() if h.earlier_versions_gone),
        missing=sorted(by_id[i] or i for i, h in histories.items() if h.missing),
    )


def _items(state: Any, name: str) -> dict[str, tuple[str, str]]:
    """Row key -> (ref, item id) for each row the last sync left in the list."""
    remote = state.remote
    if not len(remote) or ITEM_ID not in remote.columns or not state.target.get("list_id"):
        raise WorkbookError(
            f"{name} has not been synced yet, so the list holds no history of its actions. "
            f"Sync it first (plansync sync {name}); every change after that is kept by the list."
        )
    refs = remote["ref"] if "ref" in remote.columns else remote.index.to_series()
    return {str(k): (str(r or "").strip(), str(i)) for k, r, i in zip(remote.index, refs, remote[ITEM_ID]) if str(i)}


def _changed_since(gc: Any, site_id: str, list_id: str, state: Any, ids: set[str], since: date) -> set[str]:
    """The items last modified on or after ``since``: one page read per 200 items of the plan (filtered
    on the indexed Plan column) instead of one batch per 20; an item not changed since has no change since."""
    plans = sorted({str(p) for p in state.remote.get("plan", []) if str(p)})
    if not plans:
        return ids
    out: set[str] = set()
    try:
        for plan in plans:
            quoted = plan.replace("'", "''")
            for item in gc.iter_items(site_id, list_id, select=["RowKey"], filter=f"fields/Plan eq '{quoted}'"):
                if str(item.get("id")) in ids and str(item.get("lastModifiedDateTime") or "9999")[:10] >= since.isoformat():
                    out.add(str(item["id"]))
    except GraphError as exc:
        if exc.status != 400:  # a list that cannot filter on Plan: read every item's versions instead
            raise
        return ids
    return out


def _name(book: Workbook) -> str:
    path = getattr(book, "path", None)
    return path.name if path is not None else "This workbook"


def _ref_order(ref: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in str(ref).split("."))


__all__ = sorted(["HistoryResult", "plan_history"])

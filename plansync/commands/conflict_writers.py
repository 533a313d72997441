"""Who wrote the list's side of each conflict, and when, from the item's versions (issue 16).

An item's last modifier is not always the person who wrote the competing value: someone may have
changed another field since. For each conflict this reads the item's versions (``sync.versions``;
one ``$batch`` request per 20 items in conflict, nothing when there is no conflict) and names the
newest version that wrote the list's value into that field. When the versions no longer go back
that far, the item's last modifier is kept, as before.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sync.engine import ITEM_ID, SyncPlan
from sync.versions import last_writer, read_histories


def name_conflict_writers(client: Any, site_id: str, list_id: str, plan: SyncPlan) -> None:
    """Fill ``changed_by`` / ``changed_at`` of the plan's conflicts not named yet (in place)."""
    open_ = [c for c in plan.conflicts if not c.changed_at]
    if not open_ or not list_id or ITEM_ID not in plan.remote.columns:
        return
    ids = {c.key: str(plan.remote.at[c.key, ITEM_ID]) for c in open_ if c.key in plan.remote.index}
    histories = read_histories(client, site_id, list_id, sorted({i for i in ids.values() if i}))
    named = []
    for c in plan.conflicts:
        history = histories.get(ids.get(c.key, ""))
        change = last_writer(history, c.field, c.list) if history is not None and not c.changed_at else None
        if change is not None:
            who = f"{change.who} <{change.email}>" if change.who and change.email else (change.who or change.email)
            c = replace(c, changed_by=who or c.changed_by, changed_at=change.when)
        named.append(c)
    plan.conflicts = named


__all__ = ["name_conflict_writers"]

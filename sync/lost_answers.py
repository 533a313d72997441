"""Writes whose answer was lost and that merging again finds done: counted once, as this run's.

A write whose answer never came (a connection that dropped or hung, a 504 after the work was done)
is sent again (``sync.batching``). The list refuses the repeat: 409 for a create (its row key is
taken), 412 for an update or a withdrawal (the item's eTag moved on). ``sync.apply`` then reads the
item again and merges again, and that merge finds the change already there, so it plans nothing
for the key. The change was this run's, so the run reports it: the write counts as created,
updated or withdrawn by this run when all of these hold:

1. an earlier sending of it got no definite answer (``BatchResponse.answer_lost``). A write whose
   first answer was a 409 or 412 was refused, so what the list holds is somebody else's doing;
2. the item read again was last changed by the signed-in user: a change by anybody else since
   (or instead) is theirs;
3. it holds every value the write sent (for a withdrawal: Withdrawn is 'yes');
4. merging again plans no write for the key (a further write is counted on its own, so the key
   still counts once).

Otherwise it is not counted: somebody else's change is never reported as this run's, and in doubt
a write is left uncounted rather than counted twice. A withdrawal that deletes (``--delete-removed``)
answered 404 the second time is this run's by (1) alone: a deleted item has nothing to read.
``plansync refresh`` counts its own lost writes by the same rules (``holds_write``); its unattended
job signs in as an app, which SharePoint names by the app's id (``last_writer``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from sync.engine import ETAG, ITEM_ID, MODIFIED_BY, WITHDRAWN, Create, SyncPlan, Update, Withdrawal

Write = Create | Update | Withdrawal


def sent_values(write: Write) -> dict[str, str]:
    """The fields a write set, as sync's text."""
    if isinstance(write, Withdrawal):
        return {WITHDRAWN: "yes"}
    return dict(write.fields)


def writes_by_key(plan: SyncPlan, keys: Iterable[str]) -> dict[str, Write]:
    """The plan's write for each of ``keys`` that it writes."""
    wanted = set(keys)
    return {w.key: w for w in (*plan.creates, *plan.updates, *plan.withdrawals) if w.key in wanted}


def found_done(write: Write, fresh: pd.DataFrame, again: SyncPlan, user: str) -> bool:
    """Whether ``write`` (its answer lost) is found done by this run: rules 2-4 above.

    Args:
        fresh: the list rows read again (index = row key; fields as text, ``_modified_by``).
        again: the merge made again against ``fresh``.
        user: the signed-in user.
    """
    key = write.key
    if key not in fresh.index or writes_by_key(again, [key]):
        return False
    return holds_write(fresh.loc[key].to_dict(), sent_values(write), user)


def last_writer(item: Mapping[str, Any]) -> str:
    """Who last changed a list item: the person's sign-in, else the app's id (an unattended job)."""
    by = item.get("lastModifiedBy") or {}
    return str((by.get("user") or {}).get("email") or (by.get("application") or {}).get("id") or "")


def holds_write(row: Mapping[str, Any], sent: Mapping[str, str], user: str) -> bool:
    """Rules 2 and 3: the item (a row as ``sync.list_rows.item_row`` gives it) was last changed by
    ``user`` and holds every value ``sent``. Without a sign-in name to compare, nothing is ours."""
    if not user or str(row.get(MODIFIED_BY, "") or "").casefold() != user.casefold():
        return False
    return all(str(row.get(name, "") or "") == value for name, value in sent.items())


def count_as_done(again: SyncPlan, done: list[Write], fresh: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Put the writes found done back into ``again`` (in place), as carried out by this run.

    Each key leaves ``unchanged`` and its write is listed once; a withdrawal's base says withdrawn,
    as after a withdrawal whose answer came. Returns, per key, the item id and eTag the list holds.
    """
    keys = {w.key for w in done}
    again.unchanged = [k for k in again.unchanged if k not in keys]
    for write in done:
        if isinstance(write, Create):
            again.creates.append(write)
        elif isinstance(write, Update):
            again.updates.append(write)
        else:
            again.withdrawals.append(write)
            if write.key in again.base.index:
                again.base.at[write.key, WITHDRAWN] = "yes"
    return {k: {ITEM_ID: str(fresh.at[k, ITEM_ID]), ETAG: str(fresh.at[k, ETAG])} for k in sorted(keys)}


__all__ = sorted(["Write", "count_as_done", "found_done", "holds_write", "last_writer", "sent_values", "writes_by_key"])

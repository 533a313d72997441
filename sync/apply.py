"""Send a sync plan to the list through the Graph client, in JSON batches of 20.

Creates are idempotent because the plan was made against the list as it is (one paged read or
a delta round): a key the list already has is merged, never created again. Updates and
withdrawals carry ``If-Match`` with the eTag the plan saw; a 412 means someone changed the item
meanwhile, so the item is read again and merged again (``replan``), at most a few rounds.
A create refused as a duplicate (another sync created the key meanwhile) is treated the same way.
A write whose answer was lost and was refused when sent again (its first sending was carried out)
is found done by that merge and counted once as this run's (``sync.lost_answers`` has the rule:
never somebody else's change).

What comes back (``Applied``) says, per key, what the list now holds, so the caller can save the
base and eTags of exactly what was sent; keys whose write failed keep their old state and are
tried again next time. When the command's retry budget is spent (``sync.retry``), the batches
not yet accepted are left for the next run, each key saying so, and what was accepted is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sync.errors import ThrottledError
from sync.batching import MAX_BATCH, BatchRequest, create_item_request, delete_item_request, item_path, update_fields_request
from sync.engine import ETAG, ITEM_ID, WITHDRAWN, SyncPlan
from sync.list_rows import item_row
from sync.lost_answers import count_as_done, found_done, writes_by_key
from sync.values import ListMap

# How often a key whose eTag went stale is read and merged again before it is left for next time.
MAX_REMERGE_ROUNDS = 3

Replan = Callable[[pd.DataFrame], SyncPlan]
"""Merge again for some keys: given their fresh list rows (fields + _item_id/_etag/_modified_by)."""


@dataclass
class Failure:
    key: str
    message: str


@dataclass
class Applied:
    """The outcome of sending a plan.

    Attributes:
        plan: the plan as finally carried out (re-merged keys replaced).
        remote: per key that was written, its item id and new eTag (``_deleted`` for deleted items).
        failed: keys whose write was not accepted; their state stays as it was.
    """

    plan: SyncPlan
    remote: pd.DataFrame
    failed: list[Failure] = field(default_factory=list)


def apply_plan(
    client: Any,
    site_id: str,
    list_id: str,
    plan: SyncPlan,
    *,
    listmap: ListMap,
    replan: Replan | None = None,
    progress: Callable[[str, float], None] | None = None,
    workers: int = 4,
) -> Applied:
    """Carry out ``plan``'s creates, updates and withdrawals.

    Args:
        client: a ``sync.graph.GraphClient``.
        listmap: turns the plan's text values into list ``fields`` and back; names the key column.
        replan: merge again for keys whose item changed meanwhile (412 or duplicate create).
        progress: called with (message, fraction done).
        workers: batches in flight at once.
    """
    sent = _Sent()
    user = str(getattr(client, "user", "") or "")
    current = plan
    pending = _requests(plan, site_id, list_id, listmap)
    sent.total = max(len(pending), 1)
    for round_no in range(MAX_REMERGE_ROUNDS + 1):
        if not pending:
            break
        sent.lost = set()
        stale = _send_round(client, pending, sent, progress, workers)
        if not stale or replan is None or round_no == MAX_REMERGE_ROUNDS:
            for key in stale:
                sent.failed[key] = (
                    f"Row {key}: the list item kept changing while plansync was writing it. Nothing was overwritten; sync again."
                )
            break
        try:
            fresh = _reread(client, site_id, list_id, stale, listmap)
        except ThrottledError as exc:
            sent.failed.update({key: f"Row {key} was not sent: {exc}" for key in stale})
            break
        again = replan(fresh)
        pending = _requests(again, site_id, list_id, listmap)
        # Writes found done are this run's (sync.lost_answers): counted, not sent again.
        lost = writes_by_key(current, sent.lost.intersection(stale))
        sent.written.update(count_as_done(again, [w for w in lost.values() if found_done(w, fresh, again, user)], fresh))
        current = _merge_plans(current, again, set(stale))
        sent.total += len(pending)
    if sent.gone:  # deleted by somebody else before our delete reached the list: not this run's withdrawal
        current.withdrawals = [w for w in current.withdrawals if w.key not in sent.gone]
    remote = pd.DataFrame.from_dict(sent.written, orient="index", dtype=object) if sent.written else pd.DataFrame()
    return Applied(current, remote, [Failure(k, m) for k, m in sorted(sent.failed.items())])


@dataclass
class _Sent:
    """What the list answered so far: per key written, its outcome; per key failed, why; the keys
    whose write was refused after an earlier sending of it went unanswered (``lost``: perhaps done
    by us), and the items found deleted by somebody else (``gone``)."""

    written: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    lost: set[str] = field(default_factory=set)
    gone: set[str] = field(default_factory=set)
    done: int = 0
    total: int = 0


def _send_round(
    client: Any, pending: list[tuple[str, BatchRequest]], sent: _Sent, progress: Callable[[str, float], None] | None, workers: int
) -> dict[str, str | None]:
    """Send every pending request once; the keys whose item changed meanwhile -> item id (None: find it by key)."""
    stale: dict[str, str | None] = {}
    chunks = [pending[start : start + MAX_BATCH] for start in range(0, len(pending), MAX_BATCH)]
    # Batches go out a few at a time: each waits mostly on the network, and the order of
    # independent writes does not matter (every key is written at most once per round).
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(chunks)))) as pool:
        for chunk, (answers, stopped) in zip(chunks, pool.map(lambda c: _send(client, c), chunks)):
            for (key, req), answer in zip(chunk, answers):
                _take(key, req, answer, stopped, sent, stale)
            sent.done += len(chunk)
            if progress:
                progress(f"Sent {min(sent.done, sent.total)} of {sent.total} changes", min(sent.done / sent.total, 1.0))
    return stale


def _take(key: str, req: BatchRequest, answer: Any, stopped: str, sent: _Sent, stale: dict[str, str | None]) -> None:
    """File one answer: written, stale (merge again) or failed."""
    if answer is None:  # the retry budget was spent first: left for the next run
        sent.failed[key] = f"Row {key} was not sent: {stopped}"
    elif answer.ok:
        sent.written[key] = _outcome(req, answer.body)
    elif answer.status == 412:
        stale[key] = req.item_id
    elif answer.status == 404 and req.method == "DELETE":
        sent.written[key] = {"_deleted": True}
        if not answer.answer_lost:
            sent.gone.add(key)
    elif answer.status == 404 and req.method == "PATCH":
        stale[key] = None  # the item is gone: merge again (it will be created)
    elif answer.status == 409 and req.method == "POST":
        stale[key] = None  # created meanwhile by another run, or by this one: merge with it
    else:
        err = answer.error()
        sent.failed[key] = str(err) if err else f"HTTP {answer.status}"
    if answer is not None and key in stale and answer.answer_lost:
        sent.lost.add(key)


def _send(client: Any, chunk: list[tuple[str, BatchRequest]]) -> tuple[list, str]:
    """The answers to one batch (None for a request not accepted when the retry budget ran out), and why."""
    if getattr(client, "retry_budget_spent", False):
        why = "SharePoint stayed busy or failing until plansync's retry budget was spent; sync again to send it."
        return [None] * len(chunk), why
    try:
        return client.batch([req for _, req in chunk]), ""
    except ThrottledError as exc:
        return getattr(exc, "answered", None) or [None] * len(chunk), str(exc)


def _requests(plan: SyncPlan, site_id: str, list_id: str, listmap: ListMap) -> list[tuple[str, BatchRequest]]:
    to_list, key_column = listmap.to_list, listmap.key_column
    out: list[tuple[str, BatchRequest]] = []
    for c in plan.creates:
        fields = to_list(c.fields)
        fields[key_column] = c.key
        out.append((c.key, create_item_request(f"c{len(out)}", site_id, list_id, fields)))
    for u in plan.updates:
        out.append((u.key, update_fields_request(f"u{len(out)}", site_id, list_id, u.item_id, to_list(u.fields), u.etag)))
    for w in plan.withdrawals:
        if w.delete:
            out.append((w.key, delete_item_request(f"d{len(out)}", site_id, list_id, w.item_id, w.etag)))
        else:
            req = update_fields_request(f"w{len(out)}", site_id, list_id, w.item_id, to_list({WITHDRAWN: "yes"}), w.etag)
            out.append((w.key, req))
    return out


def _outcome(req: BatchRequest, body: Any) -> dict[str, Any]:
    """What the caller needs of a successful write: the item's id and its new eTag.

    The field values are the ones sent (the plan knows them), so the answer's fields are not parsed.
    """
    if req.method == "DELETE":
        return {"_deleted": True}
    body = body or {}
    if req.method == "POST":  # a listItem: id, eTag, fields
        fields = body.get("fields") or {}
        etag = body.get("eTag") or fields.get("@odata.etag") or ""
        return {ITEM_ID: str(body.get("id", fields.get("id", ""))), ETAG: etag}
    # PATCH .../fields answers with the flat fieldValueSet (GRAPH.md §11.1).
    return {ITEM_ID: str(req.item_id or body.get("id", "")), ETAG: body.get("@odata.etag") or body.get("eTag") or ""}


def _reread(client: Any, site_id: str, list_id: str, stale: dict[str, str | None], listmap: ListMap) -> pd.DataFrame:
    """The current list rows of the stale keys, read in batches (by id, or by key when unknown)."""
    key_column = listmap.key_column
    reqs: list[BatchRequest] = []
    for n, (key, item_id) in enumerate(stale.items()):
        if item_id:
            url = item_path(site_id, list_id, item_id) + "?$expand=fields"
        else:
            quoted = key.replace("'", "''")
            url = item_path(site_id, list_id) + f"?$expand=fields&$filter=fields/{key_column} eq '{quoted}'"
        reqs.append(BatchRequest(f"r{n}", "GET", url))
    rows: dict[str, dict[str, Any]] = {}
    for key, answer in zip(stale, client.batch(reqs)):
        if not answer.ok:
            continue  # gone: the replan creates it again
        body = answer.body or {}
        items = body.get("value") if "value" in body else [body]
        for item in items or []:
            rows[key] = item_row(item, listmap)[1]
    return pd.DataFrame.from_dict(rows, orient="index", dtype=object) if rows else pd.DataFrame()


def _merge_plans(old: SyncPlan, new: SyncPlan, keys: set[str]) -> SyncPlan:
    """``old`` with the entries of ``keys`` replaced by those of ``new``."""

    def keep(items: list) -> list:
        return [i for i in items if i.key not in keys]

    def take(items: list) -> list:
        return [i for i in items if i.key in keys]

    merged = SyncPlan(
        creates=keep(old.creates) + take(new.creates),
        updates=keep(old.updates) + take(new.updates),
        pulls=keep(old.pulls) + take(new.pulls),
        conflicts=keep(old.conflicts) + take(new.conflicts),
        refused=keep(old.refused) + take(new.refused),
        withdrawals=keep(old.withdrawals) + take(new.withdrawals),
        unchanged=sorted((set(old.unchanged) - keys) | (set(new.unchanged) & keys)),
        skipped_invalid=old.skipped_invalid,
    )
    idx = pd.Index(sorted(keys), dtype=object)
    merged.base = pd.concat([old.base.drop(index=idx, errors="ignore"), new.base.loc[new.base.index.intersection(idx)]]).sort_index()
    merged.remote = pd.concat(
        [old.remote.drop(index=idx, errors="ignore"), new.remote.loc[new.remote.index.intersection(idx)]]
    ).sort_index()
    return merged


__all__ = sorted(["Applied", "Failure", "MAX_REMERGE_ROUNDS", "apply_plan"])

"""``refresh``: re-rate the central list as at today, with no workbook (a scheduled job).

A row's Due, RAG, Overdue and Days overdue depend on today's date, but the list only learns them
when a team syncs. This job keeps them current:

1. read the list: the whole list the first time, afterwards one delta round of the changes since
   the last run, kept up to date in a cache of every item's rating inputs in the user's data folder
   (``sync.refresh_state``; never in a workbook);
2. read the rules each plan was last synced with from the rules list beside it (``Actions plan rules``,
   written by ``plansync sync``: ``sync.plan_rules``);
3. rate every item with the core's ``compute_rag`` (``sync.rerate``);
4. write only the items whose derived fields changed, only those fields, in ``$batch`` of 20 with
   ``If-Match``. A person's change between the read and the write wins: on 412 the item is read
   again, rated again and written with its new eTag (a second 412 is reported as a conflict).

After the first run a refresh costs one delta round, one read of the plans list and
ceil(changed / 20) batches. ``dry_run`` reads and rates but sends no write and keeps nothing.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from plansync.errors import GraphError, SyncError
from sync.batching import update_fields_request
from sync.engine import MODIFIED_BY
from sync.list_rows import get_items, item_row, with_fields
from sync.lost_answers import holds_write, last_writer
from sync.list_schema import COLUMN_FOR_FIELD, ROW_KEY_COLUMN, TEXT_SUFFIX, WITHDRAWN_COLUMN
from sync.values import ListMap
from sync.plan_rules import read_rules, store_rules
from sync.refresh_state import RefreshState, data_home, load_state, save_state
from sync.rerate import DERIVED, ETAG, INPUTS, KEY, Change, record_of, rerate
from sync.target import absolute_link, connected, find_list, relative_link
from validation.fields import FIELD_BY_NAME
from validation.rag import RagRules

_log = logging.getLogger("plansync")


def _select() -> list[str]:
    """The columns the job reads: the key, the rating inputs (dates with their text as written), the derived fields."""
    names = [ROW_KEY_COLUMN, COLUMN_FOR_FIELD["plan"], COLUMN_FOR_FIELD["ref"], WITHDRAWN_COLUMN]
    for name in (*INPUTS, *DERIVED):
        column = COLUMN_FOR_FIELD[name]
        names.append(column)
        if FIELD_BY_NAME[name].kind == "date":
            names.append(column + TEXT_SUFFIX)
    return names


SELECT = tuple(_select())


@dataclass
class RefreshResult:
    """What one refresh read, rated and wrote (or, for a dry run, would write).

    Attributes:
        today: the date the list was rated for.
        actions: plansync items in the list (withdrawn ones included).
        read: items the list sent (all of them on a full read, else those changed since the last run).
        full: the whole list was read.
        rated: items rated (not withdrawn, their plan's rules stored).
        changes: items whose derived fields changed (written, or to be written in a dry run).
        written: items written.
        refused: (change, reason) the list did not accept.
        conflicts: items changed by a person twice while the job was writing them.
        not_rated: items left as they are because their plan has no rules stored, by plan id.
        problems: plan rules that could not be read.
        requests: HTTP requests sent; seconds: wall time.
    """

    today: date
    list_name: str = ""
    actions: int = 0
    read: int = 0
    full: bool = False
    rated: int = 0
    changes: list[Change] = field(default_factory=list)
    written: int = 0
    refused: list[tuple[Change, str]] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    not_rated: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        """0 done; 1 some items refused, in conflict or not rated (a person must act)."""
        return 1 if (self.refused or self.conflicts or self.not_rated or self.problems) else 0

    @property
    def log_line(self) -> str:
        """The one line a run leaves in the log: counts and requests, no secrets."""
        stamp = datetime.now().astimezone().replace(microsecond=0).isoformat()
        how = "whole list read" if self.full else f"{self.read} changed since last run"
        verb = "would write" if self.dry_run else "written"
        return (
            f"{stamp} plansync refresh list {self.list_name!r} as at {self.today.isoformat()}: {self.actions} actions "
            f"({how}), {self.rated} rated, {len(self.changes)} re-rated, {self.written if not self.dry_run else len(self.changes)} {verb}, "
            f"{len(self.refused)} refused, {len(self.conflicts)} in conflict, {sum(self.not_rated.values())} not rated; "
            f"{self.requests} requests, {self.seconds:.1f} s"
        )

    def lines(self) -> list[str]:
        """For people: each re-rated item and why, then everything that needs a person."""
        verb = "Would re-rate" if self.dry_run else "Re-rated"
        left = {c.item_id for c, _ in self.refused} | {c.item_id for c in self.conflicts}
        out = [f"{verb} {c.label()}: {c.why()}" for c in self.changes if c.item_id not in left]
        out += [f"Refused {c.label()} (item {c.item_id}): {reason}" for c, reason in self.refused]
        out += [
            f"Conflict {c.label()} (item {c.item_id}): changed in the list twice while plansync was writing it; "
            "left as it is, refresh again to rate it" for c in self.conflicts
        ]
        out += [
            f"Not rated: {n} {'item' if n == 1 else 'items'} of plan {plan!r}, whose stored BRAG rules cannot be read "
            "(the next line says why); they keep their last rating." for plan, n in sorted(self.not_rated.items())
        ]
        out += [f"Not rated: {p}." for p in self.problems]
        return out

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape."""
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "actions": self.actions,
            "read": self.read,
            "full_read": self.full,
            "rated": self.rated,
            "rerated": len(self.changes),
            "written": self.written,
            "changes": [
                {"item_id": c.item_id, "key": c.key, "ref": c.ref, "plan": c.plan, "from": c.old, "to": c.new, "why": c.why()}
                for c in self.changes
            ],
            "refused": [{"item_id": c.item_id, "key": c.key, "reason": r} for c, r in self.refused],
            "conflicts": [{"item_id": c.item_id, "key": c.key} for c in self.conflicts],
            "not_rated": dict(self.not_rated),
            "problems": list(self.problems),
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
        }


def refresh_list(
    *,
    site: str | None = None,
    list_name: str | None = None,
    graph_url: str | None = None,
    as_email: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
    client: Any = None,
    environ: Mapping[str, str] = os.environ,
) -> RefreshResult:
    """Re-rate every action of the list as at ``today`` and write the items whose derived fields changed.

    Args:
        site, list_name, graph_url: where the list is (else the embedded local list server).
        as_email: a development identity of the local list server; against SharePoint the job
            signs in as the app (``PLANSYNC_CLIENT_CERT`` or ``PLANSYNC_CLIENT_SECRET``, docs/sign-in.md).
        client: a ready ``GraphClient`` (tests, scripts).
        environ: where ``PLANSYNC_HOME`` is read from (the data folder of the cache and the log).

    Raises:
        SyncError, SettingsError: the list or the sign-in cannot be used (nothing was written).
    """
    started = time.perf_counter()
    home = data_home(environ)
    day = today or date.today()
    with connected(None, client=client, as_email=as_email, site=site, list_name=list_name, graph_url=graph_url) as (gc, opened, where):
        state = load_state(home, where)
        result = RefreshResult(day, list_name=opened.list_name, dry_run=dry_run)
        result.read, result.full = _read_list(gc, opened, state)
        rules = _read_rules(gc, state, result, opened.list_name)
        result.changes, result.rated, result.not_rated = rerate(state.items, rules, today=day)
        result.actions = len(state.items)
        if not dry_run:
            _write(gc, state, result, rules)
            save_state(home, state)
        result.requests = gc.requests
    result.seconds = time.perf_counter() - started
    return result


def _read_list(gc: Any, target: Any, state: RefreshState) -> tuple[int, bool]:
    """Bring ``state.items`` up to date: (items the list sent, whether it was read whole)."""
    if not state.first_run:
        try:
            got = gc.delta(state.site_id, state.list_id, absolute_link(gc, state.delta_link), select=list(SELECT))
        except GraphError as exc:
            if exc.status != 404:
                raise
            got = None  # the list is gone (deleted, or made again): read it afresh below
        if got is not None:
            if got.resynced:  # an expired change log does not report deletions: rebuild the cache
                state.items = {}
            _apply(state, with_fields(gc, state.site_id, state.list_id, got.items, SELECT))
            state.delta_link = relative_link(gc, got.delta_link) or ""
            return len(got.items), got.resynced
    site_id, lst = find_list(gc, target, create=False)
    if lst is None:
        raise SyncError(
            f"There is no {target.describe()}. Check --site/--list/--graph-url, or sync a plan to that list first "
            "(plansync sync). Nothing was written."
        )
    state.site_id, state.list_id, state.plans_list_id, state.items = site_id, str(lst["id"]), "", {}
    got = gc.delta(site_id, state.list_id, None, select=list(SELECT))
    _apply(state, with_fields(gc, site_id, state.list_id, got.items, SELECT))
    state.delta_link = relative_link(gc, got.delta_link) or ""
    return len(got.items), True


def _apply(state: RefreshState, items: Iterable[Mapping[str, Any]]) -> None:
    listmap = ListMap.default()
    for item in items:
        item_id = str(item.get("id", ""))
        record = None if item.get("deleted") else record_of(item, listmap)
        if record is None:
            state.items.pop(item_id, None)
        else:
            state.items[item_id] = record


def _read_rules(gc: Any, state: RefreshState, result: RefreshResult, list_name: str) -> dict[str, RagRules]:
    try:
        list_id, rules, problems = read_rules(gc, state.site_id, state.plans_list_id, list_name)
    except GraphError as exc:
        if exc.status != 404 or not state.plans_list_id:
            raise
        list_id, rules, problems = read_rules(gc, state.site_id, "", list_name)  # the rules list was made again: look it up
    state.plans_list_id = list_id
    # Plans whose rules cannot be read are reported once, not once per item, and left unrated.
    result.problems = [problems[p] for p in sorted(problems)]
    # A plan without stored rules keeps plansync's defaults: sync stores only rules that differ from them.
    plans = {str(record.get(KEY, "")).split(":", 1)[0] for record in state.items.values()}
    return {**{p: RagRules() for p in plans if p and p not in problems}, **rules}


def _write(gc: Any, state: RefreshState, result: RefreshResult, rules: Mapping[str, RagRules]) -> None:
    """Send the changes; on 412 read the item again, rate it again and try once more."""
    listmap = ListMap.default()
    pending = result.changes
    for attempt in (1, 2):
        requests = [
            update_fields_request(str(n), state.site_id, state.list_id, c.item_id, listmap.to_list(c.fields), etag=c.etag or None)
            for n, c in enumerate(pending)
        ]
        stale: list[Change] = []
        lost: list[Change] = []  # refused after an unanswered sending: perhaps written by us (sync.lost_answers)
        for change, answer in zip(pending, gc.batch(requests) if requests else []):
            if answer.ok:
                result.written += 1
                record = state.items[change.item_id]
                record.update(change.new)
                body = answer.body if isinstance(answer.body, dict) else {}
                record[ETAG] = str(body.get("@odata.etag") or record[ETAG])
            elif answer.status == 412:
                stale.append(change)
                lost += [change] if answer.answer_lost else []
            elif answer.status == 404:
                state.items.pop(change.item_id, None)  # deleted meanwhile: nothing to rate
            else:
                result.refused.append((change, _refusal(answer)))
        if not stale:
            return
        if attempt == 2:
            result.conflicts.extend(stale)
            return
        # A person changed these items since they were read: their values win, so rate them again.
        fetched = get_items(gc, state.site_id, state.list_id, [c.item_id for c in stale], SELECT)
        _apply(state, fetched.values())
        again = {c.item_id: state.items[c.item_id] for c in stale if c.item_id in state.items}
        pending, _, _ = rerate(again, rules, today=result.today)
        # Our own write whose answer was lost is written, and stays a change; otherwise what is
        # reported is the rating as re-done: an item that needs no write after its person's change
        # is no longer a change.
        planned = {c.item_id for c in pending}
        done = {c.item_id for c in lost if c.item_id not in planned and _ours(fetched, c, gc.user, listmap)}
        result.written += len(done)
        stale_ids = {c.item_id for c in stale} - done
        result.changes = [c for c in result.changes if c.item_id not in stale_ids] + pending


def _ours(fetched: Mapping[str, Any], change: Change, user: str, listmap: ListMap) -> bool:
    """Whether the item read again holds this write of ours (``sync.lost_answers.holds_write``)."""
    item = fetched.get(change.item_id) or {}
    if item.get("deleted"):
        return False
    return holds_write({**item_row(item, listmap)[1], MODIFIED_BY: last_writer(item)}, change.fields, user)


def _refusal(answer: Any) -> str:
    """Why the list did not take a write, and what to do, in words (the answer's code and message)."""
    error = (answer.body or {}).get("error") if isinstance(answer.body, dict) else None
    said = f"{error.get('code', '')}: {error.get('message', '')}" if isinstance(error, dict) else f"HTTP {answer.status}"
    if answer.status in (401, 403):
        return (
            f"the list refused the write ({answer.status} {said}). Give the account the job signs in with edit rights "
            "to every item of the list (docs/refresh.md, permissions)."
        )
    return f"the list refused the write ({answer.status} {said}). Refresh again later; the item keeps its old rating meanwhile."


def keep_plan_rules(gc: Any, site_id: str, plan_ids: Iterable[str], rules: RagRules, where: Mapping[str, Any]) -> None:
    """Store the rules a plan was synced with beside the list, for ``refresh`` (called by ``sync``).

    A failure here must not fail the sync that called it: the list's rows are already written.
    It is reported on standard error and tried again at the next sync.
    """
    try:
        store_rules(gc, site_id, plan_ids, rules, list_name=str(where["list"]), home=data_home(), where=where)
    except (SyncError, OSError) as exc:
        _log.warning("plansync could not store the plan's BRAG rules for plansync refresh (%s). The next sync tries again.", exc)


__all__ = sorted(["RefreshResult", "keep_plan_rules", "refresh_list"])

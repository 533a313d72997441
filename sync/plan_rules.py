"""The BRAG rules each plan was last synced with, kept on the site beside the actions list.

``plansync refresh`` re-rates the list without any workbook, yet a team may have changed its
rules in the Settings sheet (the amber window, the status keywords that read progress text). So
``plansync sync`` stores them where the job can read them: a small list beside the actions list,
named after it (``Actions plan rules`` for ``Actions``; another actions list on the site has its
own), one item per plan::

    PlanId  york-2022                       (single line of text, indexed, unique)
    Rules   {"amber_days": 30, "keywords": {"complete": ["complete", ...], ...}}   (JSON)

A sync writes a plan's item only when its rules differ from what this machine last stored
(``<data folder>/plan-rules.json`` remembers a digest per list and plan, and when), so an unchanged
plan costs the sync no request. Otherwise it reads the rules list (one request; the list's id is
in the record) and sends one batch when something differs: once a day this check is made even
for unchanged rules, in case someone changed or deleted the item by hand. The very first sync to
a list on a computer looks the rules list up by name or creates it: three requests in all. A plan on
plansync's default rules stores nothing (``refresh`` rates a plan without stored rules by the
defaults), so most plans' syncs never pay for this. The rules are plain JSON a person can read in
SharePoint; ``rules_from_json`` ignores keys it does not know and keeps defaults for missing ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sync.batching import create_item_request, update_fields_request
from sync.refresh_state import where_digest, write_private
from validation.rag import RagRules
from validation.status import StatusKeywords

PLANS_LIST_SUFFIX = " plan rules"
PLAN_ID_COLUMN, RULES_COLUMN = "PlanId", "Rules"
RECORD_FILE = "plan-rules.json"
# Lists remembered in the record; a forgotten one only costs its next sync one read of the rules list.
_RECORD_LISTS = 200
# The record is trusted this long: then a sync reads the rules list again (two requests), so rules
# deleted or changed there by hand are put back within a day.
_RECHECK = timedelta(days=1)
_LIST_ID = "@list"  # beside the plan ids in a list's record: the rules list's id


def plans_list_name(list_name: str) -> str:
    """The rules list beside the actions list ``list_name``: 'Actions' -> 'Actions plan rules'."""
    return f"{list_name}{PLANS_LIST_SUFFIX}"


def plans_list_columns() -> list[dict[str, Any]]:
    """The columnDefinitions of the plans list."""
    return [
        {"name": PLAN_ID_COLUMN, "displayName": "Plan id",
         "text": {"allowMultipleLines": False, "maxLength": 255, "linesForEditing": 0}, "indexed": True, "enforceUniqueValues": True},
        {"name": RULES_COLUMN, "displayName": "BRAG rules (JSON)",
         "text": {"allowMultipleLines": True, "linesForEditing": 6, "textType": "plain"}},
    ]


def rules_to_json(rules: RagRules) -> str:
    """The rules as compact JSON with sorted keys (equal rules give equal text)."""
    keywords = {f.name: list(getattr(rules.keywords, f.name)) for f in fields(StatusKeywords)}
    return json.dumps({"amber_days": int(rules.amber_days), "keywords": keywords}, sort_keys=True, ensure_ascii=False)


def rules_from_json(text: str) -> RagRules:
    """Rules from their JSON; ValueError says what is wrong with it."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the rules are not a JSON object")
    amber = data.get("amber_days", RagRules().amber_days)
    if not isinstance(amber, int) or isinstance(amber, bool) or amber < 0:
        raise ValueError(f"amber_days is {amber!r}, not a whole number of days")
    given = data.get("keywords") or {}
    if not isinstance(given, dict):
        raise ValueError("keywords is not a JSON object")
    known = {f.name for f in fields(StatusKeywords)}
    words = {k: tuple(str(w) for w in v) for k, v in given.items() if k in known and isinstance(v, list)}
    return RagRules(amber_days=amber, keywords=StatusKeywords(**words))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _load_record(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _stored(entry: Any, digest: str, fresh_after: str) -> bool:
    """This machine stored these rules for the plan, recently enough to trust that they are still there."""
    return isinstance(entry, list) and len(entry) == 2 and entry[0] == digest and str(entry[1]) > fresh_after


def _existing(client: Any, site_id: str, list_name: str, known_id: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """(rules list id, plan id -> (item id, rules text)); the list is created when missing.

    With the list's id from an earlier sync this is one read; otherwise the list is looked up by
    name first (and created: then there is nothing to read).
    """
    if known_id:
        try:
            return known_id, _items(client, site_id, known_id)
        except Exception as exc:  # the client's GraphError; sync/ does not import plansync's errors
            if getattr(exc, "status", None) != 404:
                raise
    lst = client.ensure_list(site_id, plans_list_name(list_name), plans_list_columns())
    list_id = str(lst["id"])
    # A list made just now comes back without its columns, and is empty: nothing to read.
    return list_id, (_items(client, site_id, list_id) if "columns" in lst else {})


def _items(client: Any, site_id: str, list_id: str) -> dict[str, tuple[str, str]]:
    existing: dict[str, tuple[str, str]] = {}
    for item in client.iter_items(site_id, list_id, select=[PLAN_ID_COLUMN, RULES_COLUMN]):
        f = item.get("fields") or {}
        existing[str(f.get(PLAN_ID_COLUMN) or "")] = (str(item["id"]), str(f.get(RULES_COLUMN) or ""))
    return existing


def store_rules(
    client: Any,
    site_id: str,
    plan_ids: Iterable[str],
    rules: RagRules,
    *,
    list_name: str,
    home: Path,
    where: Mapping[str, Any],
    now: datetime | None = None,
) -> list[str]:
    """Write ``rules`` as the rules of each plan in ``plan_ids`` beside the actions list ``list_name``,
    where they differ; the plan ids written. ``where`` names the list in this machine's record.

    Raises the client's errors (SyncError) when the plans list cannot be read or written; a
    write the list refused leaves the plan out of the record, so the next sync tries again.
    """
    text = rules_to_json(rules)
    digest = _digest(text)
    at = (now or datetime.now(timezone.utc)).isoformat()
    fresh_after = ((now or datetime.now(timezone.utc)) - _RECHECK).isoformat()
    record_path = home / RECORD_FILE
    record = _load_record(record_path)
    name = where_digest(where)
    mine = record.pop(name, {})
    record[name] = mine  # most recently used last: the oldest lists are forgotten first
    for old in list(record)[:-_RECORD_LISTS]:
        del record[old]
    # A plan on plansync's default rules needs nothing stored (refresh rates a plan without stored rules
    # by the defaults), so the common first sync costs no request here; a plan that stored other rules
    # from this machine gets the defaults written back over them.
    default = digest == _digest(rules_to_json(RagRules()))
    pending = sorted({p for p in plan_ids if p and not _stored(mine.get(p), digest, fresh_after) and not (default and p not in mine)})
    if not pending:
        return []
    list_id, existing = _existing(client, site_id, list_name, str(mine.get(_LIST_ID) or ""))
    mine[_LIST_ID] = list_id
    requests, asked = [], []
    for n, plan_id in enumerate(pending):
        if plan_id in existing and existing[plan_id][1] == text:
            mine[plan_id] = [digest, at]  # another machine stored the same rules already
            if default:
                del mine[plan_id]
            continue
        body = {PLAN_ID_COLUMN: plan_id, RULES_COLUMN: text}
        if plan_id in existing:
            # No If-Match: the workbook's Settings as synced now are the plan's rules, whoever wrote last.
            requests.append(update_fields_request(str(n), site_id, list_id, existing[plan_id][0], {RULES_COLUMN: text}))
        else:
            requests.append(create_item_request(str(n), site_id, list_id, body))
        asked.append(plan_id)
    written = [p for p, answer in zip(asked, client.batch(requests) if requests else []) if answer.ok]
    for plan_id in written:
        mine[plan_id] = [digest, at]
        if default:
            del mine[plan_id]  # the list now holds the defaults, which need no daily check
    write_private(record_path, json.dumps(record))
    return written


def read_rules(client: Any, site_id: str, list_id: str, list_name: str) -> tuple[str, dict[str, RagRules], dict[str, str]]:
    """(rules list id, rules by plan id, problem by plan id) read from the rules list of the actions list ``list_name``.

    ``list_id`` is the id kept from an earlier run, or '' to look the list up by name (one more
    request). A site without the list has no stored rules: ('', {}, {}).
    """
    if not list_id:
        found = client.get_list(site_id, plans_list_name(list_name))
        if found is None:
            return "", {}, {}
        list_id = str(found["id"])
    rules: dict[str, RagRules] = {}
    problems: dict[str, str] = {}
    for item in client.iter_items(site_id, list_id, select=[PLAN_ID_COLUMN, RULES_COLUMN]):
        f = item.get("fields") or {}
        plan_id = str(f.get(PLAN_ID_COLUMN) or "").strip()
        if not plan_id:
            continue
        try:
            rules[plan_id] = rules_from_json(str(f.get(RULES_COLUMN) or ""))
        except ValueError as exc:
            problems[plan_id] = (
                f"the rules stored for plan {plan_id!r} in the list {plans_list_name(list_name)!r} (item {item.get('id')}) cannot be read "
                f"({exc}); sync the plan's workbook again to store them afresh"
            )
    return list_id, rules, problems


__all__ = sorted(
    ["PLANS_LIST_SUFFIX", "PLAN_ID_COLUMN", "RULES_COLUMN", "plans_list_columns", "plans_list_name", "read_rules", "rules_from_json", "rules_to_json", "store_rules"]
)

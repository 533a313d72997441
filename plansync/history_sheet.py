"""The History sheet of the reporting workbook: every plan's changes, from the list's versions (issue 16).

``fill_histories`` reads the versions only of the items the pull found changed since the last
pull (and of items never read before): their records come fresh from the list without a
``history`` entry, while unchanged items keep the one saved with them in the hidden sheet. So a
refresh costs one ``$batch`` request per 20 changed items, not per 20 items of the list. The saved
entry is the changes as read from the list's versions, kept only so they need not be read again;
the list stays the one source (a full re-read rebuilds every entry from it).

``history_rows`` lays the changes out newest first: when, plan, ref, what changed, from, to, who.
"""

from __future__ import annotations

import json
from typing import Any

from plansync.pull_sheets import local_time
from sync.engine import WITHDRAWN
from sync.versions import read_histories
from validation.sheet_names import HISTORY_SHEET

HISTORY = "history"  # the record's entry: the item's changes as JSON
HEADER: tuple[str, ...] = ("When", "Plan", "Ref", "Changed", "From", "To", "Changed by", "Sign-in", "Version")


def fill_histories(client: Any, site_id: str, list_id: str, records: dict[str, dict[str, str]]) -> int:
    """Read the versions of the items without a saved history; returns how many were read."""
    need = [item_id for item_id, record in records.items() if HISTORY not in record]
    if not need:
        return 0
    for item_id, found in read_histories(client, site_id, list_id, need).items():
        entry: dict[str, Any] = {"changes": [c.to_json() for c in found.changes]}
        if found.earlier_versions_gone:
            entry["earlier_versions_gone"] = True
        records[item_id][HISTORY] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    return len(need)


def history_rows(records: dict[str, dict[str, str]]) -> list[list[Any]]:
    """The History sheet's values from A1: a header, then one row per change, newest first."""
    changes: list[dict[str, str]] = []
    cut_short: list[str] = []
    for record in records.values():
        if record.get(WITHDRAWN) == "yes" or not record.get(HISTORY):
            continue
        try:
            entry = json.loads(record[HISTORY])
        except json.JSONDecodeError:
            continue  # a hand edit of the hidden sheet: the next full read rebuilds it
        changes += entry.get("changes", [])
        if entry.get("earlier_versions_gone"):
            cut_short.append(f"{record.get('plan') or ''} {record.get('ref') or record.get('key', '')}".strip())
    changes.sort(key=lambda c: (c.get("when", ""), c.get("version", "")), reverse=True)
    rows: list[list[Any]] = [list(HEADER)]
    for c in changes:
        rows.append([local_time(c.get("when")), c.get("plan") or None, c.get("ref") or c.get("key") or None,
                     c.get("field", "").replace("_", " "), c.get("old") or None, c.get("new") or None,
                     c.get("who") or None, c.get("email") or None, c.get("version") or None])
    if len(rows) == 1:
        rows.append(["No changes yet: each action's history starts at its first sync."])
    if cut_short:
        rows += [[], [f"The list no longer keeps the first versions of: {', '.join(sorted(cut_short))}. "
                      "Their history starts later (the list's versioning settings)."]]
    return rows


__all__ = sorted(["HEADER", "HISTORY", "HISTORY_SHEET", "fill_histories", "history_rows"])

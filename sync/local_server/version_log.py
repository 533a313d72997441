"""Item versions in SQLite: one row per change of an item (create, update, restore).

SharePoint keeps a version of a list item at every change and Graph serves them
(GRAPH.md §12); the local server does the same. ``Store`` calls ``record`` inside the same
transaction as the write, so an acknowledged write always has its version, and a rolled-back one
never does. A version's number is the item's own version counter (``1`` -> id ``"1.0"``).

Items written by an older server that kept no versions have none recorded; ``versions`` then
gives their current state as their only version, as SharePoint shows an item made before
versioning was switched on.
"""

from __future__ import annotations

import json
import sqlite3

__all__ = ["SCHEMA", "record", "version_rows"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS item_versions(
    list_id TEXT NOT NULL, item_id INTEGER NOT NULL, version INTEGER NOT NULL, fields TEXT NOT NULL,
    modified TEXT NOT NULL, modified_by TEXT NOT NULL, PRIMARY KEY(list_id, item_id, version));
"""


def record(db: sqlite3.Connection, list_id: str, item_id: int) -> None:
    """Keep the item's state as it is now (just written) as its newest version."""
    db.execute(
        "INSERT OR REPLACE INTO item_versions(list_id, item_id, version, fields, modified, modified_by)"
        " SELECT list_id, id, version, fields, modified, modified_by FROM items WHERE list_id = ? AND id = ?",
        (list_id, item_id),
    )


def version_rows(db: sqlite3.Connection, item: dict, *, before: int | None, limit: int) -> list[dict]:
    """The item's versions, newest first, those numbered below ``before`` when given, at most ``limit``."""
    rows = db.execute(
        "SELECT version, fields, modified, modified_by FROM item_versions WHERE list_id = ? AND item_id = ?"
        " AND version < ? ORDER BY version DESC LIMIT ?",
        (item["list_id"], int(item["id"]), before if before is not None else 1 << 62, limit),
    ).fetchall()
    out = [
        {"version": r["version"], "fields": json.loads(r["fields"]), "modified": r["modified"],
         "modified_by": json.loads(r["modified_by"])}
        for r in rows
    ]
    if not out and before is None:
        out = [{"version": item["version"], "fields": dict(item["fields"]), "modified": item["modified"],
                "modified_by": item["modified_by"]}]
    return out

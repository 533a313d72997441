"""The items of the local list server's lists: create, merge, delete to a tombstone, query, and the delta feed.

Each write takes the next change number (``seq``, what delta reads in order), re-indexes the
item's indexed and unique values (``item_values``) and records a version (``version_log``), all in
one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sync.local_server import version_log
from sync.local_server.database import Database, Duplicate, Missing, Stale, new_guid, now_iso, value_key

__all__ = ["ItemStore"]


class ItemStore(Database):
    """The database, with the lists' items."""

    def item(self, list_id: str, item_id: str) -> dict:
        with self._read() as db:
            return self._live_item(db, list_id, item_id)

    def create_item(self, list_id: str, fields: dict, *, user: dict, indexed: set[str], unique: set[str]) -> dict:
        with self.transaction() as db:
            item_id = db.execute("SELECT next_item FROM lists WHERE id = ?", (list_id,)).fetchone()["next_item"]
            self._check_unique(db, list_id, item_id, fields, unique)
            db.execute("UPDATE lists SET next_item = next_item + 1 WHERE id = ?", (list_id,))
            stamp = now_iso()
            who = json.dumps(user)
            db.execute(
                "INSERT INTO items(list_id, id, guid, version, fields, created, modified, created_by, modified_by,"
                " deleted, seq) VALUES (?,?,?,?,?,?,?,?,?,0,?)",
                (list_id, item_id, new_guid().upper(), 1, json.dumps(fields), stamp, stamp, who, who, self._next_seq(db)),
            )
            self._reindex(db, list_id, item_id, fields, indexed | unique)
            version_log.record(db, list_id, item_id)
            return _item_row(db.execute("SELECT * FROM items WHERE list_id = ? AND id = ?", (list_id, item_id)).fetchone())

    def update_item(
        self, list_id: str, item_id: str, changes: dict, *, if_match: str | None, user: dict,
        indexed: set[str], unique: set[str], etag: Callable[[dict], str],
    ) -> dict:
        """Merge ``changes`` into the item's fields; untouched fields are left alone (GRAPH.md §3.4)."""
        with self.transaction() as db:
            current = self._live_item(db, list_id, item_id)
            if if_match is not None and if_match != "*" and if_match != etag(current):
                raise Stale(item_id)
            fields = {**current["fields"], **changes}
            fields = {k: v for k, v in fields.items() if v is not None}
            number = int(item_id)
            self._check_unique(db, list_id, number, fields, unique)
            db.execute(
                "UPDATE items SET fields = ?, version = version + 1, modified = ?, modified_by = ?, seq = ?"
                " WHERE list_id = ? AND id = ?",
                (json.dumps(fields), now_iso(), json.dumps(user), self._next_seq(db), list_id, number),
            )
            self._reindex(db, list_id, number, fields, indexed | unique)
            version_log.record(db, list_id, number)
            return _item_row(db.execute("SELECT * FROM items WHERE list_id = ? AND id = ?", (list_id, number)).fetchone())

    def item_versions(self, list_id: str, item_id: str, *, before: int | None, limit: int) -> tuple[dict, list[dict]]:
        """The live item and its versions, newest first (``version_log.version_rows``)."""
        with self._read() as db:
            item = self._live_item(db, list_id, item_id)
            return item, version_log.version_rows(db, item, before=before, limit=limit)

    def delete_item(self, list_id: str, item_id: str, *, if_match: str | None, etag: Callable[[dict], str]) -> None:
        """Leave a tombstone (delta reports it) and free the item's unique values."""
        with self.transaction() as db:
            current = self._live_item(db, list_id, item_id)
            if if_match is not None and if_match != "*" and if_match != etag(current):
                raise Stale(item_id)
            number = int(item_id)
            db.execute(
                "UPDATE items SET deleted = 1, fields = '{}', modified = ?, seq = ? WHERE list_id = ? AND id = ?",
                (now_iso(), self._next_seq(db), list_id, number),
            )
            db.execute("DELETE FROM item_values WHERE list_id = ? AND item_id = ?", (list_id, number))

    def query_items(
        self, list_id: str, *, after_id: int, limit: int, match: tuple[str, str] | None = None,
        predicate: Callable[[dict], bool] | None = None, prefix: tuple[str, str] | None = None,
    ) -> list[dict]:
        """Live items with id > ``after_id`` in id order, at most ``limit``.

        ``match`` = (column, value_key) and ``prefix`` = (column, text the value starts with) use
        the indexed-value table; ``predicate`` filters in Python.
        """
        out: list[dict] = []
        with self._read() as db:
            if prefix is not None:
                # value_key is JSON: the JSON of a text without its closing quote starts the JSON of
                # every text it starts; U+10FFFF sorts after every other character in UTF-8.
                low = value_key(prefix[1])[:-1]
                cursor = db.execute(
                    "SELECT i.* FROM item_values v JOIN items i ON i.list_id = v.list_id AND i.id = v.item_id"
                    " WHERE v.list_id = ? AND v.column = ? AND v.value >= ? AND v.value < ? AND i.id > ?"
                    " AND i.deleted = 0 ORDER BY i.id",
                    (list_id, prefix[0], low, low + "\U0010ffff", after_id),
                )
            elif match is not None:
                cursor = db.execute(
                    "SELECT i.* FROM item_values v JOIN items i ON i.list_id = v.list_id AND i.id = v.item_id"
                    " WHERE v.list_id = ? AND v.column = ? AND v.value = ? AND i.id > ? AND i.deleted = 0"
                    " ORDER BY i.id",
                    (list_id, match[0], match[1], after_id),
                )
            else:
                cursor = db.execute(
                    "SELECT * FROM items WHERE list_id = ? AND id > ? AND deleted = 0 ORDER BY id", (list_id, after_id)
                )
            for row in cursor:
                item = _item_row(row)
                if predicate is None or predicate(item["fields"]):
                    out.append(item)
                    if len(out) >= limit:
                        break
        return out

    def changes(self, list_id: str, *, after_seq: int, limit: int, include_deleted: bool) -> list[dict]:
        """Items changed after ``after_seq`` in change order: the delta feed (latest state per item)."""
        deleted = "" if include_deleted else " AND deleted = 0"
        with self._read() as db:
            rows = db.execute(
                f"SELECT * FROM items WHERE list_id = ? AND seq > ?{deleted} ORDER BY seq LIMIT ?",
                (list_id, after_seq, limit),
            ).fetchall()
        return [_item_row(r) for r in rows]

    def delta_floor(self, list_id: str) -> int:
        with self._read() as db:
            return int(db.execute("SELECT delta_floor FROM lists WHERE id = ?", (list_id,)).fetchone()["delta_floor"])

    def purge_tombstones(self, *, older_than: timedelta | None = None, list_id: str | None = None) -> int:
        """Forget deleted items; delta tokens older than the purge then get 410 (GRAPH.md §5)."""
        cutoff = "9999" if older_than is None else (datetime.now(timezone.utc) - older_than).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.transaction() as db:
            where = "deleted = 1 AND modified < ?" + (" AND list_id = ?" if list_id else "")
            args: tuple = (cutoff, list_id) if list_id else (cutoff,)
            touched = [r["list_id"] for r in db.execute(f"SELECT DISTINCT list_id FROM items WHERE {where}", args)]
            count = db.execute(f"DELETE FROM items WHERE {where}", args).rowcount
            seq = int(db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()["value"])
            for touched_list in touched:
                db.execute("UPDATE lists SET delta_floor = ? WHERE id = ?", (seq, touched_list))
        return count

    def _live_item(self, db: sqlite3.Connection, list_id: str, item_id: str) -> dict:
        if not item_id.isdigit():
            raise Missing(item_id)
        row = db.execute(
            "SELECT * FROM items WHERE list_id = ? AND id = ? AND deleted = 0", (list_id, int(item_id))
        ).fetchone()
        if row is None:
            raise Missing(item_id)
        return _item_row(row)

    def _check_unique(self, db: sqlite3.Connection, list_id: str, item_id: int, fields: dict, unique: set[str]) -> None:
        for column in sorted(unique):
            value = fields.get(column)
            if value is None or value == "":
                continue  # blanks are not values: several items may leave a unique column empty
            clash = db.execute(
                "SELECT 1 FROM item_values WHERE list_id = ? AND column = ? AND value = ? AND item_id != ?",
                (list_id, column, value_key(value), item_id),
            ).fetchone()
            if clash:
                raise Duplicate(column)

    def _reindex(self, db: sqlite3.Connection, list_id: str, item_id: int, fields: dict, columns: set[str]) -> None:
        db.execute("DELETE FROM item_values WHERE list_id = ? AND item_id = ?", (list_id, item_id))
        for column in columns:
            value = fields.get(column)
            if value is not None and value != "":
                db.execute(
                    "INSERT INTO item_values(list_id, column, value, item_id) VALUES (?,?,?,?)",
                    (list_id, column, value_key(value), item_id),
                )


def _item_row(row: sqlite3.Row) -> dict:
    out = dict(row)
    out["id"] = str(out["id"])
    out["fields"] = json.loads(out["fields"])
    out["created_by"] = json.loads(out["created_by"])
    out["modified_by"] = json.loads(out["modified_by"])
    out["deleted"] = bool(out["deleted"])
    return out

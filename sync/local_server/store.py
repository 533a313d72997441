"""SQLite storage for the local list server: sites, lists, columns, items, delta log, device codes.

Durability rules (issue 5): WAL journal with ``synchronous=FULL``, and every multi-step write in one
``BEGIN IMMEDIATE`` transaction that commits before the HTTP answer is sent. So a ``kill -9`` leaves
each item as it was before or after a write, never half-way, and an acknowledged write is on disk.

One connection per store, guarded by a lock: the server is for one team on loopback, and
serialising requests keeps the unique-value and eTag checks race-free without extra machinery.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sync.local_server import version_log

__all__ = ["Duplicate", "Missing", "Stale", "Store", "now_iso", "value_key"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites(
    id TEXT PRIMARY KEY, hostname TEXT NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
    display_name TEXT NOT NULL, created TEXT NOT NULL, UNIQUE(hostname, path));
CREATE TABLE IF NOT EXISTS lists(
    id TEXT PRIMARY KEY, site_id TEXT NOT NULL, name TEXT NOT NULL, display_name TEXT NOT NULL,
    description TEXT NOT NULL, template TEXT NOT NULL, created TEXT NOT NULL, modified TEXT NOT NULL,
    created_by TEXT NOT NULL, modified_by TEXT NOT NULL, next_item INTEGER NOT NULL DEFAULT 1,
    delta_floor INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS columns(
    list_id TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL, definition TEXT NOT NULL,
    PRIMARY KEY(list_id, name));
CREATE TABLE IF NOT EXISTS items(
    list_id TEXT NOT NULL, id INTEGER NOT NULL, guid TEXT NOT NULL, version INTEGER NOT NULL,
    fields TEXT NOT NULL, created TEXT NOT NULL, modified TEXT NOT NULL, created_by TEXT NOT NULL,
    modified_by TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL,
    PRIMARY KEY(list_id, id));
CREATE INDEX IF NOT EXISTS items_by_seq ON items(list_id, seq);
CREATE TABLE IF NOT EXISTS item_values(
    list_id TEXT NOT NULL, column TEXT NOT NULL, value TEXT NOT NULL, item_id INTEGER NOT NULL,
    PRIMARY KEY(list_id, column, item_id));
CREATE INDEX IF NOT EXISTS item_values_by_value ON item_values(list_id, column, value);
-- Every item write first drops the item's indexed values: without this index that scans all the
-- list's values, so a write cost grew with the list (a batch of 20 took ~190 ms at 10,000 items).
CREATE INDEX IF NOT EXISTS item_values_by_item ON item_values(list_id, item_id);
CREATE TABLE IF NOT EXISTS device_codes(
    device_code TEXT PRIMARY KEY, user_code TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL,
    scope TEXT NOT NULL, expires REAL NOT NULL, state TEXT NOT NULL, email TEXT);
"""


class Missing(LookupError):
    """The site, list or item does not exist (or the item was deleted)."""


class Stale(Exception):
    """An If-Match eTag no longer matches the item's current eTag."""


class Duplicate(Exception):
    """A value is already used in a column that enforces unique values."""

    def __init__(self, column: str) -> None:
        super().__init__(column)
        self.column = column


def now_iso() -> str:
    """UTC timestamp in Graph's resource form, seconds precision and a ``Z`` suffix."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def value_key(value: object) -> str:
    """The comparable text of a field value (indexed lookups and unique checks)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _guid() -> str:
    return str(uuid.uuid4())


class Store:
    """The server's data. ``path=None`` keeps everything in memory (unit tests)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._columns: dict[str, list[dict]] = {}  # list id -> definitions; read on every item call
        target = str(path) if path is not None else ":memory:"
        self._db = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: the WAL is fsynced at every commit, so an acknowledged write survives kill -9
        # and power loss alike.
        self._db.execute("PRAGMA synchronous=FULL")
        # IF NOT EXISTS throughout: this also migrates a data folder made by an older version
        # (indexes added since are built here, once).
        self._db.executescript(_SCHEMA)
        self._db.executescript(version_log.SCHEMA)  # item versions (issue 16)
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('seq', '0')")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic block: commits on success, rolls back on any exception.

        Nested blocks are savepoints, so a failing inner block (one request of a ``$batch``)
        undoes only its own writes while the outer block still commits the rest.
        """
        with self._lock:
            if self._depth:
                name = f"sp{self._depth}"
                self._db.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield self._db
                except BaseException:
                    self._columns.clear()  # the cache may hold definitions this rollback undoes
                    self._db.execute(f"ROLLBACK TO {name}")
                    self._db.execute(f"RELEASE {name}")
                    raise
                else:
                    self._db.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._db
            except BaseException:
                self._columns.clear()
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """Reads need only the lock: no writer can run between their statements."""
        with self._lock:
            yield self._db

    # -- meta -----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        with self._read() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def _next_seq(self, db: sqlite3.Connection) -> int:
        rows = db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'seq' RETURNING value").fetchall()
        return int(rows[0]["value"])

    def current_seq(self) -> int:
        return int(self.meta("seq") or 0)

    # -- sites ----------------------------------------------------------------------------
    def ensure_site(self, hostname: str, path: str, display_name: str) -> dict:
        """Create the site once; the id is Graph's composite ``host,GUID,GUID``."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM sites WHERE hostname = ? AND path = ?", (hostname, path)).fetchone()
            if row is None:
                site_id = f"{hostname},{_guid()},{_guid()}"
                name = path.rstrip("/").rsplit("/", 1)[-1] or display_name
                db.execute(
                    "INSERT INTO sites(id, hostname, path, name, display_name, created) VALUES (?,?,?,?,?,?)",
                    (site_id, hostname, path, name, display_name, now_iso()),
                )
                row = db.execute("SELECT * FROM sites WHERE id = ?", (site_id,)).fetchone()
        return dict(row)

    def site_by_path(self, hostname: str, path: str) -> dict:
        with self._read() as db:
            row = db.execute(
                "SELECT * FROM sites WHERE hostname = ? AND lower(path) = lower(?)", (hostname, path)
            ).fetchone()
        if row is None:
            raise Missing(path)
        return dict(row)

    def sites(self) -> list[dict]:
        with self._read() as db:
            return [dict(r) for r in db.execute("SELECT * FROM sites ORDER BY created, rowid").fetchall()]

    def site(self, site_id: str) -> dict:
        with self._read() as db:
            row = db.execute("SELECT * FROM sites WHERE lower(id) = lower(?)", (site_id,)).fetchone()
        if row is None:
            raise Missing(site_id)
        return dict(row)

    # -- lists ----------------------------------------------------------------------------
    def lists(self, site_id: str) -> list[dict]:
        with self._read() as db:
            rows = db.execute("SELECT * FROM lists WHERE site_id = ? ORDER BY created, rowid", (site_id,)).fetchall()
        return [_list_row(r) for r in rows]

    def find_list(self, site_id: str, id_or_title: str) -> dict:
        """A list by GUID, else by display name or name (case-insensitive, as SharePoint)."""
        with self._read() as db:
            row = db.execute(
                "SELECT * FROM lists WHERE site_id = ? AND (lower(id) = lower(?) OR lower(display_name) = lower(?)"
                " OR lower(name) = lower(?)) ORDER BY lower(id) = lower(?) DESC LIMIT 1",
                (site_id, id_or_title, id_or_title, id_or_title, id_or_title),
            ).fetchone()
        if row is None:
            raise Missing(id_or_title)
        return _list_row(row)

    def create_list(
        self, site_id: str, *, name: str, display_name: str, description: str, template: str,
        columns: list[dict], user: dict,
    ) -> dict:
        """Insert a list and its columns in one transaction; ``Duplicate`` if the title is taken."""
        with self.transaction() as db:
            taken = db.execute(
                "SELECT 1 FROM lists WHERE site_id = ? AND (lower(display_name) = lower(?) OR lower(name) = lower(?))",
                (site_id, display_name, name),
            ).fetchone()
            if taken:
                raise Duplicate("displayName")
            list_id = _guid()
            stamp = now_iso()
            who = json.dumps(user)
            db.execute(
                "INSERT INTO lists(id, site_id, name, display_name, description, template, created, modified,"
                " created_by, modified_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (list_id, site_id, name, display_name, description, template, stamp, stamp, who, who),
            )
            for position, column in enumerate(columns):
                db.execute(
                    "INSERT INTO columns(list_id, name, position, definition) VALUES (?,?,?,?)",
                    (list_id, column["name"], position, json.dumps(column)),
                )
            return _list_row(db.execute("SELECT * FROM lists WHERE id = ?", (list_id,)).fetchone())

    def columns(self, list_id: str) -> list[dict]:
        """The list's column definitions (callers must not modify them)."""
        with self._read() as db:
            if list_id not in self._columns:
                rows = db.execute(
                    "SELECT definition FROM columns WHERE list_id = ? ORDER BY position", (list_id,)
                ).fetchall()
                self._columns[list_id] = [json.loads(r["definition"]) for r in rows]
            return list(self._columns[list_id])

    def add_column(self, list_id: str, column: dict) -> dict:
        with self.transaction() as db:
            taken = db.execute(
                "SELECT 1 FROM columns WHERE list_id = ? AND lower(name) = lower(?)", (list_id, column["name"])
            ).fetchone()
            if taken:
                raise Duplicate(column["name"])
            position = db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 AS p FROM columns WHERE list_id = ?", (list_id,)
            ).fetchone()["p"]
            db.execute(
                "INSERT INTO columns(list_id, name, position, definition) VALUES (?,?,?,?)",
                (list_id, column["name"], position, json.dumps(column)),
            )
            db.execute("UPDATE lists SET modified = ? WHERE id = ?", (now_iso(), list_id))
            self._columns.pop(list_id, None)
        return column

    # -- items ----------------------------------------------------------------------------
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
                (list_id, item_id, _guid().upper(), 1, json.dumps(fields), stamp, stamp, who, who, self._next_seq(db)),
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

    # -- device codes (OAuth device flow) -------------------------------------------------
    def add_device_code(self, device_code: str, user_code: str, client_id: str, scope: str, expires: float) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO device_codes(device_code, user_code, client_id, scope, expires, state) VALUES (?,?,?,?,?,?)",
                (device_code, user_code, client_id, scope, expires, "pending"),
            )

    def device_code(self, *, device_code: str | None = None, user_code: str | None = None) -> dict | None:
        with self._read() as db:
            if device_code is not None:
                row = db.execute("SELECT * FROM device_codes WHERE device_code = ?", (device_code,)).fetchone()
            else:
                row = db.execute("SELECT * FROM device_codes WHERE user_code = ?", (user_code,)).fetchone()
        return dict(row) if row else None

    def set_device_state(self, device_code: str, state: str, email: str | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE device_codes SET state = ?, email = COALESCE(?, email) WHERE device_code = ?",
                (state, email, device_code),
            )


def _list_row(row: sqlite3.Row) -> dict:
    out = dict(row)
    out["created_by"] = json.loads(out["created_by"])
    out["modified_by"] = json.loads(out["modified_by"])
    return out


def _item_row(row: sqlite3.Row) -> dict:
    out = dict(row)
    out["id"] = str(out["id"])
    out["fields"] = json.loads(out["fields"])
    out["created_by"] = json.loads(out["created_by"])
    out["modified_by"] = json.loads(out["modified_by"])
    out["deleted"] = bool(out["deleted"])
    return out

"""The local list server's SQLite database: its tables, one connection, and atomic blocks.

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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sync.local_server import version_log

__all__ = ["Database", "Duplicate", "Missing", "Stale", "new_guid", "now_iso", "value_key"]

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


def new_guid() -> str:
    return str(uuid.uuid4())


class Database:
    """The connection and its transactions. ``path=None`` keeps everything in memory (unit tests)."""

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

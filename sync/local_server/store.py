"""The local list server's data: sites, lists and their columns, items (``ItemStore``), device codes.

Storage and durability are ``sync.local_server.database``; items are ``sync.local_server.item_store``.
"""

from __future__ import annotations

import json
import sqlite3

from sync.local_server.database import Duplicate, Missing, new_guid, now_iso
from sync.local_server.item_store import ItemStore

__all__ = ["Store"]


class Store(ItemStore):
    """The server's data. ``path=None`` keeps everything in memory (unit tests)."""

    # -- sites ----------------------------------------------------------------------------
    def ensure_site(self, hostname: str, path: str, display_name: str) -> dict:
        """Create the site once; the id is Graph's composite ``host,GUID,GUID``."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM sites WHERE hostname = ? AND path = ?", (hostname, path)).fetchone()
            if row is None:
                site_id = f"{hostname},{new_guid()},{new_guid()}"
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
            list_id = new_guid()
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

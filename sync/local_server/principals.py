"""SharePoint's security data for the local list server: users, groups, role assignments.

The same objects SharePoint's REST API shows (``sharepoint_rest.py``), kept in their own tables of
the server's SQLite file: principals (users and groups, one id space per server, as SharePoint's
per-site ids), group members, the securable objects whose inheritance is broken, and the role
assignments (principal, role definition) on each. A scope is ``list:{list id}`` or
``item:{list id}:{item id}``; the web itself is not a stored scope (see ``rights``).

Each site has three associated groups, as a new SharePoint team site does: ``<site> Owners``
(full control; its members are the site owners), ``<site> Members`` (edit) and ``<site> Visitors``
(read). On the local server every signed-in person is a member and a visitor; only the people the
server was started with (``--site-owner``), or added since, are owners.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CONTRIBUTE",
    "EDIT",
    "FULL_CONTROL",
    "Principals",
    "READ",
    "ROLE_DEFINITIONS",
    "UNIQUE_SCOPES_PER_LIST",
    "item_scope",
    "list_scope",
    "login_name",
]

FULL_CONTROL, DESIGN, EDIT, CONTRIBUTE, READ = 1073741829, 1073741828, 1073741830, 1073741827, 1073741826
# SharePoint's built-in permission levels, with their fixed ids, reduced to the three rights the
# local server enforces: manage (permissions and groups), edit (items), read.
ROLE_DEFINITIONS: dict[int, tuple[str, frozenset[str]]] = {
    FULL_CONTROL: ("Full Control", frozenset({"manage", "edit", "read"})),
    DESIGN: ("Design", frozenset({"edit", "read"})),
    EDIT: ("Edit", frozenset({"edit", "read"})),
    CONTRIBUTE: ("Contribute", frozenset({"edit", "read"})),
    READ: ("Read", frozenset({"read"})),
}
_EVERYONE_GROUPS = ("Members", "Visitors")
# SharePoint refuses to break inheritance past this many uniquely permissioned items in one list.
UNIQUE_SCOPES_PER_LIST = 50_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sp_principals(
    id INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', UNIQUE(site_id, kind, name));
CREATE TABLE IF NOT EXISTS sp_members(group_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
    PRIMARY KEY(group_id, user_id));
CREATE TABLE IF NOT EXISTS sp_unique(scope TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS sp_assignments(scope TEXT NOT NULL, principal_id INTEGER NOT NULL,
    roledef_id INTEGER NOT NULL, PRIMARY KEY(scope, principal_id, roledef_id));
"""


def login_name(email: str) -> str:
    """SharePoint Online's claims login name of a work account."""
    return f"i:0#.f|membership|{email.strip().lower()}"


@dataclass(frozen=True)
class Principal:
    id: int
    kind: str  # user | group
    name: str  # login name (user) or title (group)
    email: str = ""
    description: str = ""


class Principals:
    """Principals, groups and role assignments in the store's database (shares its lock and transactions)."""

    def __init__(self, store, *, everyone_owns: bool = False) -> None:
        self.store = store
        self.everyone_owns = everyone_owns
        with store.transaction() as db:
            for statement in _SCHEMA.split(";"):  # not executescript: it would commit the open transaction
                if statement.strip():
                    db.execute(statement)

    # -- principals ----------------------------------------------------------------------
    def _row(self, row) -> Principal | None:
        if row is None:
            return None
        return Principal(row["id"], row["kind"], row["name"], row["email"], row["description"])

    def group(self, site_id: str, title: str) -> Principal | None:
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM sp_principals WHERE site_id = ? AND kind = 'group' AND lower(name) = lower(?)",
                             (site_id, title)).fetchone()
        return self._row(row)

    def by_id(self, site_id: str, principal_id: int) -> Principal | None:
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM sp_principals WHERE site_id = ? AND id = ?", (site_id, principal_id)).fetchone()
        return self._row(row)

    def ensure_group(self, site_id: str, title: str, description: str = "") -> Principal:
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sp_principals(site_id, kind, name, description) VALUES (?, 'group', ?, ?)",
                       (site_id, title, description))
        found = self.group(site_id, title)
        assert found is not None
        return found

    def ensure_user(self, site_id: str, email: str) -> Principal:
        email = email.strip().lower()
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sp_principals(site_id, kind, name, email) VALUES (?, 'user', ?, ?)",
                       (site_id, login_name(email), email))
            row = db.execute("SELECT * FROM sp_principals WHERE site_id = ? AND kind = 'user' AND name = ?",
                             (site_id, login_name(email))).fetchone()
        return self._row(row)  # type: ignore[return-value]

    def seed_site(self, site_id: str, display_name: str, owners: tuple[str, ...]) -> None:
        """The site's Owners, Members and Visitors groups; ``owners`` join the Owners group."""
        owner_group = self.ensure_group(site_id, f"{display_name} Owners", "Full control of the site")
        for suffix in _EVERYONE_GROUPS:
            self.ensure_group(site_id, f"{display_name} {suffix}", "Everyone signed in (local list server)")
        for email in owners:
            self.add_member(owner_group.id, self.ensure_user(site_id, email).id)

    def associated(self, site: dict, which: str) -> Principal:
        """``which`` is Owners, Members or Visitors."""
        return self.ensure_group(site["id"], f"{site['display_name']} {which}")

    # -- membership ----------------------------------------------------------------------
    def add_member(self, group_id: int, user_id: int) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sp_members(group_id, user_id) VALUES (?, ?)", (group_id, user_id))

    def remove_member(self, group_id: int, user_id: int) -> bool:
        with self.store.transaction() as db:
            return db.execute("DELETE FROM sp_members WHERE group_id = ? AND user_id = ?", (group_id, user_id)).rowcount > 0

    def members(self, group_id: int) -> list[Principal]:
        with self.store.transaction() as db:
            rows = db.execute("SELECT p.* FROM sp_members m JOIN sp_principals p ON p.id = m.user_id"
                              " WHERE m.group_id = ? ORDER BY p.email", (group_id,)).fetchall()
        return [self._row(r) for r in rows]  # type: ignore[misc]

    def emails_in(self, site_id: str, title: str) -> frozenset[str]:
        group = self.group(site_id, title)
        return frozenset(p.email for p in self.members(group.id)) if group else frozenset()

    def is_site_owner(self, site: dict, email: str) -> bool:
        if self.everyone_owns:
            return True
        return email.lower() in self.emails_in(site["id"], f"{site['display_name']} Owners")

    def _groups_of(self, site: dict, email: str) -> set[int]:
        """Ids of the user and of every group the user is in (the everyone-groups included)."""
        ids = {self.associated(site, g).id for g in _EVERYONE_GROUPS}
        if self.is_site_owner(site, email):
            ids.add(self.associated(site, "Owners").id)
        with self.store.transaction() as db:
            for row in db.execute("SELECT p.id AS uid, m.group_id AS gid FROM sp_principals p LEFT JOIN sp_members m"
                                  " ON m.user_id = p.id WHERE p.site_id = ? AND p.kind = 'user' AND p.email = ?",
                                  (site["id"], email.lower())):
                ids.add(row["uid"])
                if row["gid"] is not None:
                    ids.add(row["gid"])
        return ids

    # -- scopes and assignments ----------------------------------------------------------
    def has_unique(self, scope: str) -> bool:
        with self.store.transaction() as db:
            return db.execute("SELECT 1 FROM sp_unique WHERE scope = ?", (scope,)).fetchone() is not None

    def break_inheritance(self, scope: str, *, copy_from: list[tuple[int, int]], clear: list[str]) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sp_unique(scope) VALUES (?)", (scope,))
            for prefix in clear:
                db.execute("DELETE FROM sp_unique WHERE scope LIKE ? || '%'", (prefix,))
                db.execute("DELETE FROM sp_assignments WHERE scope LIKE ? || '%'", (prefix,))
            for principal_id, roledef in copy_from:
                db.execute("INSERT OR IGNORE INTO sp_assignments(scope, principal_id, roledef_id) VALUES (?,?,?)",
                           (scope, principal_id, roledef))

    def unique_items(self, list_id: str) -> int:
        with self.store.transaction() as db:
            return int(db.execute("SELECT COUNT(*) AS n FROM sp_unique WHERE scope LIKE ? || '%'",
                                  (f"item:{list_id}:",)).fetchone()["n"])

    def reset_inheritance(self, scope: str) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM sp_unique WHERE scope = ?", (scope,))
            db.execute("DELETE FROM sp_assignments WHERE scope = ?", (scope,))

    def assignments(self, scope: str) -> list[tuple[int, int]]:
        with self.store.transaction() as db:
            rows = db.execute("SELECT principal_id, roledef_id FROM sp_assignments WHERE scope = ?"
                              " ORDER BY principal_id, roledef_id", (scope,)).fetchall()
        return [(r["principal_id"], r["roledef_id"]) for r in rows]

    def add_assignment(self, scope: str, principal_id: int, roledef: int) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sp_assignments(scope, principal_id, roledef_id) VALUES (?,?,?)",
                       (scope, principal_id, roledef))

    def remove_assignment(self, scope: str, principal_id: int, roledef: int | None) -> None:
        with self.store.transaction() as db:
            if roledef is None:
                db.execute("DELETE FROM sp_assignments WHERE scope = ? AND principal_id = ?", (scope, principal_id))
            else:
                db.execute("DELETE FROM sp_assignments WHERE scope = ? AND principal_id = ? AND roledef_id = ?",
                           (scope, principal_id, roledef))

    def governing_scope(self, chain: list[str]) -> str | None:
        """The first scope of ``chain`` (most specific first) with its own permissions; None = the web's."""
        return next((s for s in chain if self.has_unique(s)), None)

    def rights(self, site: dict, email: str | None, chain: list[str]) -> frozenset[str]:
        """What a person (``email``) or an app (None) may do on the object whose scopes are ``chain``.

        Apps (application permissions) and site owners have full control everywhere, as on SharePoint.
        Where no scope in the chain has its own permissions, the web's apply: members edit.
        """
        if email is None or self.is_site_owner(site, email):
            return ROLE_DEFINITIONS[FULL_CONTROL][1]
        scope = self.governing_scope(chain)
        if scope is None:
            return ROLE_DEFINITIONS[EDIT][1]
        mine = self._groups_of(site, email)
        granted: set[str] = set()
        for principal_id, roledef in self.assignments(scope):
            if principal_id in mine and roledef in ROLE_DEFINITIONS:
                granted |= ROLE_DEFINITIONS[roledef][1]
        return frozenset(granted)


def item_scope(list_id: str, item_id: str) -> str:
    return f"item:{list_id}:{item_id}"


def list_scope(list_id: str) -> str:
    return f"list:{list_id}"

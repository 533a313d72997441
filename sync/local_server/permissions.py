"""Who may write what on the local list server: the ownership model (``sync.ownership``) enforced
on every Graph write, and SharePoint's effective permissions (``principals.py``) on top.

``items.py`` calls ``check_create``, ``check_update`` and ``check_delete`` before it writes, inside
the write's transaction, for top-level requests and ``$batch`` entries alike (both run through the
same handlers). A refusal is Graph's ``403 accessDenied`` and nothing is stored. Reads are not
checked: everyone signed in may read, as plansync gives every item Read for the site's members.

The item-owner rules apply to lists with plansync's ``Owner`` column; the sign-off rule to any list
with a ``Status``; role assignments set over SharePoint REST to every list.
"""

from __future__ import annotations

import json

from sync.local_server.calls import Call
from sync.local_server.errors import GraphError
from sync.local_server.principals import Principals, item_scope, list_scope
from sync.ownership import (
    KEY_COLUMN,
    OWNER_COLUMN,
    SIGNOFF_GROUP,
    SUPPORT_GROUP,
    Roles,
    Verdict,
    check_create as model_create,
    check_delete as model_delete,
    check_update as model_update,
    owner_set,
    plan_of_key,
)

__all__ = ["caller_email", "check_create", "check_delete", "check_update", "roles_for", "setup", "team_for", "team_of"]

EVERYONE = "*"


def setup(app, site_owners: tuple[str, ...]) -> Principals:
    """The server's principals; ``site_owners`` join every site's Owners group (``*``: everyone owns,
    for the embedded server that only its own user reaches)."""
    principals = Principals(app.store, everyone_owns=EVERYONE in site_owners)
    named = tuple(s for s in site_owners if s != EVERYONE)
    with app.store.transaction() as db:
        sites = [dict(r) for r in db.execute("SELECT * FROM sites")]
    for site in sites:
        principals.seed_site(site["id"], site["display_name"], named)
    return principals


def caller_email(call: Call) -> str | None:
    """The signed-in person's address (lower case), or None for an app (application permissions)."""
    if "application" in call.caller:
        return None
    return str((call.caller.get("user") or {}).get("email") or "").lower()


def roles_for(app, site: dict, email: str | None) -> Roles:
    p: Principals = app.principals
    owners = p.emails_in(site["id"], f"{site['display_name']} Owners")
    if email and p.is_site_owner(site, email):
        owners = owners | {email}
    return Roles(support=p.emails_in(site["id"], SUPPORT_GROUP), signoff=p.emails_in(site["id"], SIGNOFF_GROUP),
                 site_owners=owners)


def team_of(app, list_row: dict, plan: str) -> frozenset[str]:
    """The people of a plan: the owners of its live rows, and the creators of those without owners
    (empty for a plan not used yet)."""
    if not plan:
        return frozenset()
    low, high = json.dumps(plan + ":", ensure_ascii=False)[:-1], json.dumps(plan + ";", ensure_ascii=False)[:-1]
    with app.store.transaction() as db:
        # RowKey is unique, so its values are in item_values: one index range finds the plan's rows.
        rows = db.execute(
            # DISTINCT: a plan's hundreds of rows name a handful of owners; parse each once.
            "SELECT DISTINCT json_extract(i.fields, '$.' || ?) AS owner,"
            " json_extract(i.created_by, '$.user.email') AS creator"
            " FROM item_values v JOIN items i ON i.list_id = v.list_id AND i.id = v.item_id"
            " WHERE v.list_id = ? AND v.column = ? AND v.value >= ? AND v.value < ? AND i.deleted = 0",
            (OWNER_COLUMN, list_row["id"], KEY_COLUMN, low, high),
        ).fetchall()
    people: set[str] = set()
    for row in rows:
        owners = owner_set(row["owner"])
        creator = row["creator"]
        # A row without owners counts its creator in: who starts a plan with such rows is its team.
        people |= owners or ({str(creator).lower()} if creator else set())
    return frozenset(people)


def team_for(app, list_row: dict, plan: str, email: str) -> frozenset[str]:
    """``{email}`` when ``email`` is of the plan's team, else the whole team (empty: a plan not used yet).

    The usual case, a member adding a row to their own plan, stops at the first row naming them
    instead of reading the whole plan (a plan of 1,000 rows cost ~10 ms a create that way).
    """
    if not plan:
        return frozenset()
    low, high = json.dumps(plan + ":", ensure_ascii=False)[:-1], json.dumps(plan + ";", ensure_ascii=False)[:-1]
    with app.store.transaction() as db:
        candidates = db.execute(
            "SELECT json_extract(i.fields, '$.' || ?) AS owner, json_extract(i.created_by, '$.user.email') AS creator"
            " FROM item_values v JOIN items i ON i.list_id = v.list_id AND i.id = v.item_id"
            " WHERE v.list_id = ? AND v.column = ? AND v.value >= ? AND v.value < ? AND i.deleted = 0"
            " AND (instr(lower(COALESCE(json_extract(i.fields, '$.' || ?), '')), ?) > 0"
            " OR lower(COALESCE(json_extract(i.created_by, '$.user.email'), '')) = ?) LIMIT 20",
            (OWNER_COLUMN, list_row["id"], KEY_COLUMN, low, high, OWNER_COLUMN, email, email),
        ).fetchall()
    for row in candidates:  # the text match above is a pre-filter; this is the rule
        owners = owner_set(row["owner"])
        if email in owners or (not owners and str(row["creator"] or "").lower() == email):
            return frozenset({email})
    return team_of(app, list_row, plan)


def _owned(columns: list[dict]) -> bool:
    return any(c.get("name") == OWNER_COLUMN for c in columns)


def _deny(who: str | None, what: str, list_row: dict, reason: str) -> GraphError:
    return GraphError(403, "accessDenied", f"Access denied. {who or 'This app'} may not {what} in list "
                      f"'{list_row['display_name']}': {reason}")


def _rights(app, site: dict, email: str | None, chain: list[str], what: str, list_row: dict) -> None:
    if "edit" not in app.principals.rights(site, email, chain):
        raise _deny(email, what, list_row, "the item's permissions give you no right to edit it; the row's owners, "
                    "the support role or a site owner may.")


def _verdict(verdict: Verdict, email: str | None, what: str, list_row: dict) -> None:
    if not verdict:
        raise _deny(email, what, list_row, verdict.reason)


def check_create(app, call: Call, site: dict, list_row: dict, columns: list[dict], values: dict) -> None:
    email = caller_email(call)
    _rights(app, site, email, [list_scope(list_row["id"])], "create an item", list_row)
    if email is None:
        return
    roles = roles_for(app, site, email)
    owned = _owned(columns) and not roles.full(email)  # the support role needs no team
    team = team_for(app, list_row, plan_of_key(values.get(KEY_COLUMN)), email) if owned else frozenset()
    fields = values if _owned(columns) else {k: v for k, v in values.items() if k not in (OWNER_COLUMN, KEY_COLUMN)}
    _verdict(model_create(email, fields, roles, team), email, "create an item", list_row)


def check_update(app, call: Call, site: dict, list_row: dict, columns: list[dict], item: dict, changes: dict) -> None:
    email = caller_email(call)
    what = f"change item {item['id']}"
    _rights(app, site, email, [item_scope(list_row["id"], item["id"]), list_scope(list_row["id"])], what, list_row)
    if email is None:
        return
    roles = roles_for(app, site, email)
    before = item["fields"]
    if _owned(columns) and (roles.full(email) or owner_set(before.get(OWNER_COLUMN))):
        team = frozenset()  # the support role needs no team, nor does a row with owners
    elif _owned(columns):
        team = team_for(app, list_row, plan_of_key(before.get(KEY_COLUMN)), email)
    else:
        team, before = frozenset(), {k: v for k, v in before.items() if k not in (OWNER_COLUMN, KEY_COLUMN)}
        changes = {k: v for k, v in changes.items() if k not in (OWNER_COLUMN, KEY_COLUMN)}
    _verdict(model_update(email, before, changes, roles, team), email, what, list_row)


def check_delete(app, call: Call, site: dict, list_row: dict, columns: list[dict], item: dict) -> None:
    email = caller_email(call)
    what = f"delete item {item['id']}"
    _rights(app, site, email, [item_scope(list_row["id"], item["id"]), list_scope(list_row["id"])], what, list_row)
    if email is None:
        return
    before = item["fields"]
    roles = roles_for(app, site, email)
    if _owned(columns) and not roles.full(email) and not owner_set(before.get(OWNER_COLUMN)):
        team = team_for(app, list_row, plan_of_key(before.get(KEY_COLUMN)), email)
    else:
        team = frozenset()
        if not _owned(columns):
            before = {k: v for k, v in before.items() if k not in (OWNER_COLUMN, KEY_COLUMN)}
    _verdict(model_delete(email, before, roles, team), email, what, list_row)

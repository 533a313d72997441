"""Give list items their own SharePoint permissions, so SharePoint itself enforces the ownership model.

Graph v1.0 cannot do this for people (its ``POST .../items/{id}/permissions`` grants apps only), so
this uses SharePoint REST (``sync.sharepoint``). For each row plansync creates, or whose owners
change, ``protect`` sends::

    POST lists/getbytitle('L')/items(ID)/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)
    POST ensureuser {"logonName": owner}                            (once per owner per run)
    POST lists/getbytitle('L')/items(ID)/roleassignments/addroleassignment(principalid=P,roledefid=R)

with Contribute for the row's owners and the sign-off group, Full Control for the support group
(it sets owners, so it must be able to give a row new permissions) and the site's Owners group, Read for its Members and Visitors, and finally removes the Full Control
SharePoint gave the caller on breaking inheritance (unless the caller owns the row). A row without
owners keeps the list's permissions: it belongs to its plan's team, which SharePoint cannot express.

Microsoft advises keeping uniquely permissioned items in one list under 5,000 (50,000 is the hard
limit). plansync protects rows while the list holds at most ``MAX_PROTECTED_ITEMS`` items; past
that, new rows keep the list's permissions and the result says so (docs/sync.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sync.ownership import owner_set
from sync.roles import group_ids
from sync.sharepoint import SharePointRest, quoted

__all__ = ["MAX_PROTECTED_ITEMS", "NO_OWNER", "Protection", "grant_support_on_list", "protect"]

MAX_PROTECTED_ITEMS = 5000
NO_OWNER = "it has no owner, so it keeps the list's permissions"


@dataclass
class Protection:
    """What ``protect`` did: item ids given their own permissions, and ids left as they were, with why."""

    protected: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    requests: int = 0


def _role_ids(sp: SharePointRest) -> dict[str, int]:
    answer = sp.get("web/roledefinitions")
    return {str(r["Name"]): int(r["Id"]) for r in answer.get("value", [])}


def grant_support_on_list(sp: SharePointRest, list_title: str) -> None:
    """Give the support group Full Control of the list (so its members may set item permissions).

    The list's other permissions are kept (inheritance broken with a copy). Site owners only.
    """
    ids, roles = group_ids(sp), _role_ids(sp)
    if "support" not in ids:
        return
    base = f"web/lists/getbytitle({quoted(list_title)})"
    if not sp.get(f"{base}/hasuniqueroleassignments")["value"]:
        sp.post(f"{base}/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=false)")
    sp.post(f"{base}/roleassignments/addroleassignment(principalid={ids['support']},roledefid={roles['Full Control']})")


def protect(sp: SharePointRest, list_title: str, rows: Iterable[tuple[str, str]], *, me: str,
            reset: frozenset[str] = frozenset()) -> Protection:
    """Give each (item id, owners text) its own permissions; ``me`` is the signed-in address ('' for an app).

    Items in ``reset`` (their owners changed) first go back to the list's permissions, since breaking
    inheritance again would keep the old owners' assignments.
    """
    rows = [(item_id, owner_set(owners)) for item_id, owners in rows]
    done = Protection()
    start = sp.requests
    wanted = [(i, o) for i, o in rows if o]
    done.skipped.update({i: NO_OWNER for i, o in rows if not o})
    if not wanted:
        return done
    base = f"web/lists/getbytitle({quoted(list_title)})"
    count = int(sp.get(base, params={"$select": "ItemCount"}).get("ItemCount", 0))
    if count > MAX_PROTECTED_ITEMS:
        reason = (f"the list holds {count} items, more than the {MAX_PROTECTED_ITEMS} plansync gives their own "
                  "permissions; it keeps the list's permissions")
        done.skipped.update({i: reason for i, _ in wanted})
        return done
    groups, roles = group_ids(sp), _role_ids(sp)
    people: dict[str, int] = {}
    me_id = int(sp.post("web/ensureuser", {"logonName": me})["Id"]) if me else None

    def person(email: str) -> int:
        if email not in people:
            people[email] = int(sp.post("web/ensureuser", {"logonName": email})["Id"])
        return people[email]

    for item_id, owners in wanted:
        item = f"{base}/items({int(item_id)})"
        grants = [(person(o), roles["Contribute"]) for o in sorted(owners)]
        grants += [(groups["signoff"], roles["Contribute"])] if "signoff" in groups else []
        # The support group keeps full control: it sets owners, so it must be able to re-permission the row.
        grants += [(groups["support"], roles["Full Control"])] if "support" in groups else []
        grants += [(groups["owners"], roles["Full Control"]), (groups["members"], roles["Read"]),
                   (groups["visitors"], roles["Read"])]
        if item_id in reset:
            sp.post(f"{item}/resetroleinheritance")
        sp.post(f"{item}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)")
        for principal, roledef in grants:
            sp.post(f"{item}/roleassignments/addroleassignment(principalid={principal},roledefid={roledef})")
        if me_id is not None and me.lower() not in owners:
            sp.post(f"{item}/roleassignments/removeroleassignment(principalid={me_id},roledefid={roles['Full Control']})")
        done.protected.append(item_id)
    done.requests = sp.requests - start
    return done

"""The plansync roles of a site, kept as SharePoint groups beside the list (docs/sign-in.md, "Roles").

``plansync support`` holds the support role and ``plansync sign-off`` the sign-off role; the site's
Owners group holds its owners. Only site owners may create the groups or change who is in them
(SharePoint refuses anyone else, and so does the local list server). A workbook's Settings may
show the roles, never grant them: ``plansync sync`` reads them here.

Groups rather than a roles list because every item plansync protects names the support group in its
permissions: a person joining or leaving the group gains or loses every row at once, where a list
of names would mean rewriting the permissions of every item.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.ownership import SIGNOFF_GROUP, SUPPORT_GROUP, Roles
from sync.sharepoint import SharePointRest, quoted

__all__ = ["GROUPS", "RoleChange", "add_role", "group_ids", "read_roles", "remove_role"]

GROUPS = {"support": SUPPORT_GROUP, "signoff": SIGNOFF_GROUP}
_DESCRIPTIONS = {
    "support": "plansync support role: may change every row of plansync's lists and set their owners.",
    "signoff": "plansync sign-off role: may set and undo the status 'Signed off'.",
}


def _emails(answer: object) -> frozenset[str]:
    values = answer.get("value", []) if isinstance(answer, dict) else []
    return frozenset(str(u.get("Email") or "").lower() for u in values if u.get("Email"))


def _members(sp: SharePointRest, group: str) -> frozenset[str]:
    return _emails(sp.get(f"web/sitegroups/getbyname({quoted(group)})/users", missing_ok=True) or {})


def read_roles(sp: SharePointRest) -> Roles:
    """Who holds the support and sign-off roles, and who owns the site (three GETs)."""
    return Roles(
        support=_members(sp, SUPPORT_GROUP),
        signoff=_members(sp, SIGNOFF_GROUP),
        site_owners=_emails(sp.get("web/associatedownergroup/users")),
    )


def group_ids(sp: SharePointRest) -> dict[str, int]:
    """Principal ids of the groups item permissions name: support, sign-off, owners, members, visitors."""
    ids: dict[str, int] = {}
    for role, title in GROUPS.items():
        found = sp.get(f"web/sitegroups/getbyname({quoted(title)})", missing_ok=True)
        if found:
            ids[role] = int(found["Id"])
    for which in ("owner", "member", "visitor"):
        ids[which + "s"] = int(sp.get(f"web/associated{which}group")["Id"])
    return ids


@dataclass(frozen=True)
class RoleChange:
    email: str
    role: str
    group: str
    changed: bool  # False: the person already had (or already lacked) the role


def _ensure_group(sp: SharePointRest, role: str) -> dict:
    title = GROUPS[role]
    found = sp.get(f"web/sitegroups/getbyname({quoted(title)})", missing_ok=True)
    if found:
        return found
    return sp.post("web/sitegroups", {"Title": title, "Description": _DESCRIPTIONS[role]})


def add_role(sp: SharePointRest, email: str, role: str) -> RoleChange:
    """Put ``email`` in the role's group (made on first use). Site owners only: others get a 403 GraphError."""
    group = _ensure_group(sp, role)
    before = _members(sp, GROUPS[role])
    if email.lower() in before:
        return RoleChange(email.lower(), role, GROUPS[role], False)
    sp.post(f"web/sitegroups/getbyid({int(group['Id'])})/users", {"LoginName": f"i:0#.f|membership|{email.lower()}"})
    return RoleChange(email.lower(), role, GROUPS[role], True)


def remove_role(sp: SharePointRest, email: str, role: str) -> RoleChange:
    """Take ``email`` out of the role's group. Site owners only."""
    if email.lower() not in _members(sp, GROUPS[role]):
        return RoleChange(email.lower(), role, GROUPS[role], False)
    login = f"i:0#.f|membership|{email.lower()}"
    sp.post(f"web/sitegroups/getbyname({quoted(GROUPS[role])})/users/removebyloginname(@v)", params={"@v": f"'{login}'"})
    return RoleChange(email.lower(), role, GROUPS[role], True)

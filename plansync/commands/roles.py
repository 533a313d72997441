"""``roles``: who holds the support and sign-off roles of a site, and (site owners only) changing that.

The roles are SharePoint groups on the site beside the list (``sync.roles``), read and changed over
SharePoint REST with the same sign-in as the sync. A workbook only says where the site is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plansync.errors import GraphError, SyncError
from sync.ownership import Roles
from sync.roles import GROUPS, RoleChange, add_role, read_roles, remove_role
from sync.sharepoint import site_url
from sync.target import connected

__all__ = ["ROLE_NAMES", "RolesReport", "change_role", "site_roles", "show_roles"]

ROLE_NAMES = {"support": "the support role", "signoff": "the sign-off role"}


@dataclass
class RolesReport:
    site: str
    user: str
    roles: Roles

    def lines(self) -> list[str]:
        def names(people: frozenset[str]) -> str:
            return ", ".join(sorted(people)) or "nobody"

        return [
            f"Roles on {self.site} (kept in its SharePoint groups; a workbook's Settings grants none):",
            f"  support role ({GROUPS['support']}): {names(self.roles.support)}",
            f"  sign-off role ({GROUPS['signoff']}): {names(self.roles.signoff)}",
            f"  site owners (may change the roles): {names(self.roles.site_owners)}",
        ]

    def to_json(self) -> dict[str, Any]:
        return {"site": self.site, "support": sorted(self.roles.support), "signoff": sorted(self.roles.signoff),
                "site_owners": sorted(self.roles.site_owners)}


def site_roles(gc: Any, opened: Any) -> tuple[Any, str]:
    """(SharePoint REST client, site address) for an opened target's site, signed in as ``gc``'s user."""
    url = site_url(opened.graph_url or gc.base_url, opened.site_host, opened.site_path)
    sp = gc.sharepoint(url)
    if sp is None:
        raise SyncError(f"This sign-in cannot reach SharePoint at {url} (a fixed token has no SharePoint token). "
                        "Sign in with plansync auth login, then try again.")
    return sp, url


def show_roles(settings: Any = None, *, client: Any = None, **target: Any) -> RolesReport:
    with connected(settings, client=client, **target) as (gc, opened, _):
        sp, url = site_roles(gc, opened)
        try:
            return RolesReport(url, gc.user, read_roles(sp))
        finally:
            sp.close()


def change_role(email: str, role: str, *, add: bool, settings: Any = None, client: Any = None,
                **target: Any) -> RoleChange:
    """Add ``email`` to (or remove from) ``role`` ('support' or 'signoff'). Only the site's owners may."""
    if "@" not in email:
        raise SyncError(f"'{email}' is not a sign-in; give the person's email address, e.g. jane.smith@council.gov.uk.")
    with connected(settings, client=client, **target) as (gc, opened, _):
        sp, url = site_roles(gc, opened)
        try:
            if add:
                change = add_role(sp, email, role)
                if role == "support":
                    _support_on_list(sp, opened.list_name)
                return change
            return remove_role(sp, email, role)
        except GraphError as exc:
            if exc.status != 403:
                raise
            owners = ", ".join(sorted(read_roles(sp).site_owners)) or "the site's owners"
            raise SyncError(f"{gc.user} may not change the roles on {url}: only the site's owners may ({owners}). "
                            "Nothing was changed; ask one of them.") from exc
        finally:
            sp.close()


def _support_on_list(sp: Any, list_name: str) -> None:
    """The support group gets full control of the list, so its members can give rows their own permissions."""
    from sync.item_permissions import grant_support_on_list
    from sync.sharepoint import quoted

    if sp.get(f"web/lists/getbytitle({quoted(list_name)})", missing_ok=True) is not None:
        grant_support_on_list(sp, list_name)


# -- used by sync ------------------------------------------------------------------------------


def plan_teams(remote: Any) -> dict[str, frozenset[str]]:
    """Plan id -> the owners of its rows in the list (the team that may add rows to it)."""
    from sync.ownership import owner_set, plan_of_key

    teams: dict[str, set[str]] = {}
    if remote is None or len(remote) == 0 or "owner" not in getattr(remote, "columns", ()):
        return {}
    for key, owners in zip(remote.index, remote["owner"]):
        teams.setdefault(plan_of_key(key), set()).update(owner_set(owners))
    return {plan: frozenset(people) for plan, people in teams.items() if people}


def roles_for_sync(gc: Any, opened: Any) -> Roles:
    """The site's roles for a sync: empty when this sign-in cannot reach SharePoint REST (no SharePoint
    permission consented, a fixed token). The list still enforces the roles; the client then only
    refuses more, never less."""
    url = site_url(opened.graph_url or gc.base_url, opened.site_host, opened.site_path)
    sp = gc.sharepoint(url)
    if sp is None:
        return Roles()
    try:
        return read_roles(sp)
    except SyncError:
        return Roles()
    finally:
        sp.close()


def protect_rows(gc: Any, opened: Any, remote: Any, reowned: set[str]) -> dict[str, str]:
    """Give this plan's rows their own SharePoint permissions where they have none yet (or their owners
    changed in this sync). Returns item id -> why it was left with the list's permissions."""
    from sync.item_permissions import protect
    from sync.sharepoint import quoted

    if remote is None or len(remote) == 0 or "_item_id" not in remote.columns:
        return {}
    url = site_url(opened.graph_url or gc.base_url, opened.site_host, opened.site_path)
    sp = gc.sharepoint(url)
    if sp is None:
        return {}
    ids = {key: str(i) for key, i in zip(remote.index, remote["_item_id"]) if str(i)}
    owners = remote["owner"] if "owner" in remote.columns else None
    me = gc.user if "@" in (gc.user or "") else ""
    try:
        flags = sp.get(f"web/lists/getbytitle({quoted(opened.list_name)})/items",
                       params={"$select": "Id,HasUniqueRoleAssignments", "$top": "5000"})
        unique = {str(i["Id"]) for i in flags.get("value", []) if i.get("HasUniqueRoleAssignments")}
        rows = [(i, "" if owners is None else str(owners.get(key, ""))) for key, i in ids.items()
                if i not in unique or key in reowned]
        reset = frozenset(i for key, i in ids.items() if key in reowned and i in unique)
        return protect(sp, opened.list_name, rows, me=me, reset=reset).skipped
    except SyncError as exc:  # the rows were synced and saved; their permissions are caught up next time
        if isinstance(exc, GraphError) and exc.status == 403:
            why = ("SharePoint refused to set its permissions: the support role needs full control of the list. "
                   f"A site owner gives it with: plansync roles add {me or 'EMAIL'} --support --list {opened.list_name!r}")
        else:
            why = f"its permissions could not be set ({exc}); the next sync by the support role tries again"
        return {i: why for i in ids.values()}
    finally:
        sp.close()

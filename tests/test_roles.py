"""Roles live with the site, and rows get their own SharePoint permissions (issue 15): ``plansync roles``
over loopback HTTPS, and syncs whose SharePoint REST calls run against the local server's implementation."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from click.testing import CliRunner
import synced_plans
from synced_plans import ANN, SITE_OWNER, action_row, client, edit, https_server, items_by, site_rest, tracker

from plansync.cli import main
from sync import item_permissions
from sync.sharepoint import SharePointRest

BOB, SUE, CHIEF = "bob@council.gov.uk", "sue@council.gov.uk", "chief@council.gov.uk"


server = https_server(CHIEF)  # Chief holds the support role


@pytest.fixture
def env(server, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    monkeypatch.setenv("PLANSYNC_TOKEN_CACHE", str(tmp_path / "tokens.bin"))
    for name in ("PLANSYNC_CLIENT_SECRET", "PLANSYNC_CLIENT_CERT"):
        monkeypatch.delenv(name, raising=False)
    return ["--graph-url", server.graph_url]


def last(result) -> str:
    """The command's last line on stdout, or on stderr when it failed (a first run may warn about the token cache)."""
    return (result.stdout if result.exit_code == 0 else result.stderr).splitlines()[-1]


def roles_cli(env, *args):
    return CliRunner().invoke(main, ["roles", *args, *env])


def test_roles_show_lists_the_sites_groups(server, env):
    shown = roles_cli(env, "show", "--as", ANN, "--json")
    assert 0 == shown.exit_code, shown.output
    assert {"support": [CHIEF], "signoff": [], "site_owners": [SITE_OWNER]} == {
        k: v for k, v in json.loads(shown.stdout).items() if k != "site"}


def test_a_non_owner_of_the_site_cannot_change_the_roles(server, env):
    refused = roles_cli(env, "add", ANN, "--support", "--as", ANN)
    assert 2 == refused.exit_code
    assert (f"Error: {ANN} may not change the roles on {server.graph_url.removesuffix('/v1.0')}/sites/plansync: only "
            f"the site's owners may ({SITE_OWNER}). Nothing was changed; ask one of them.") == last(refused)
    assert 2 == roles_cli(env, "remove", CHIEF, "--support", "--as", ANN).exit_code
    shown = json.loads(roles_cli(env, "show", "--as", ANN, "--json").stdout)
    assert ([CHIEF], []) == (shown["support"], shown["signoff"])


def test_a_site_owner_adds_and_removes_the_sign_off_role(server, env):
    # (the sign-off group made here stays, empty, on the module's server)
    added = roles_cli(env, "add", SUE, "--signoff", "--as", SITE_OWNER)
    assert (0, f"Gave the sign-off role to {SUE} (SharePoint group 'plansync sign-off').") == (added.exit_code, last(added))
    assert f"{SUE} already has the sign-off role; nothing changed." == last(roles_cli(env, "add", SUE, "--signoff", "--as", SITE_OWNER))
    shown = roles_cli(env, "show", "--as", BOB).output
    assert f"  sign-off role (plansync sign-off): {SUE}\n" in shown
    removed = roles_cli(env, "remove", SUE, "--signoff", "--as", SITE_OWNER)
    assert (0, f"Took the sign-off role from {SUE} (SharePoint group 'plansync sign-off').") == (removed.exit_code, last(removed))
    assert "Say which role: --support or --signoff." in roles_cli(env, "add", SUE, "--as", SITE_OWNER).output


# -- the SharePoint path: item permissions set by sync, checked and enforced ----------------------


make_book = tracker


def row(ref, owner):
    return action_row(ref, owner=owner)


def sync(path, server, list_name, user):
    return synced_plans.sync(path, server, list_name, user, today=date(2026, 1, 15), now=datetime(2026, 1, 15, 9, 30),
                             item_permissions=True)


def sharepoint(server, email=SITE_OWNER) -> SharePointRest:
    return site_rest(server, email)


def assignments(sp, list_name, item_id) -> set[tuple[str, str]]:
    answer = sp.get(f"web/lists/getbytitle('{list_name}')/items({item_id})/roleassignments")
    return {(a["Member"].get("Email") or a["Member"]["Title"], b["Name"]) for a in answer["value"]
            for b in a["RoleDefinitionBindings"]}


def item_ids(server, list_name) -> dict[str, str]:
    return {key: i["id"] for key, i in items_by(server, list_name, user=SITE_OWNER).items()}


def test_a_support_sync_gives_each_row_its_own_permissions_and_sharepoint_enforces_them(server, tmp_path):
    name = "protected"
    path = make_book(tmp_path / "plan.xlsx", [row("1.1", ANN), row("1.2", BOB)])
    first = sync(path, server, name, CHIEF)  # creates the list: its support role has no say over it yet
    assert 2 == len(first.plan.creates)
    assert "the support role needs full control of the list" in next(iter(first.unprotected.values()))
    with sharepoint(server) as sp:  # what plansync roles add --support does once the list exists
        item_permissions.grant_support_on_list(sp, name)
    assert [] == sync(path, server, name, CHIEF).plan.creates  # the next sync gives the rows their permissions
    ids = item_ids(server, name)
    with sharepoint(server) as sp:
        assert {(ANN, "Contribute"), ("plansync sign-off", "Contribute"), ("plansync support", "Full Control"),
                ("plansync Owners", "Full Control"), ("plansync Members", "Read"),
                ("plansync Visitors", "Read")} == assignments(sp, name, ids["york-2022:1.1"])
        assert (BOB, "Contribute") in assignments(sp, name, ids["york-2022:1.2"])
    # The support role hands Bob's row to Sue: the row's permissions follow, and Bob's edit is refused.
    edit(path, {(3, "Owner sign-in"): SUE})
    sync(path, server, name, CHIEF)
    with sharepoint(server) as sp:
        after = assignments(sp, name, ids["york-2022:1.2"])
    assert (SUE, "Contribute") in after and (BOB, "Contribute") not in after
    with client(server, BOB) as gc:
        site = gc.get_site(None, "/sites/plansync")
        lst = gc.get_list(site["id"], name)
        with pytest.raises(Exception) as refused:
            gc.update_fields(site["id"], lst["id"], ids["york-2022:1.2"], {"Progress": "Bob's edit"})
    assert "403" in str(refused.value) and "accessDenied" in str(refused.value)


def test_a_managers_sync_leaves_permissions_to_the_support_roles_next_sync(server, tmp_path):
    name = "catch-up"
    path = make_book(tmp_path / "plan.xlsx", [row("1.1", ANN)])
    sync(path, server, name, ANN)  # a manager cannot set permissions on SharePoint
    with sharepoint(server) as sp:
        item_permissions.grant_support_on_list(sp, name)
    ids = item_ids(server, name)
    with sharepoint(server) as sp:
        assert False is sp.get(f"web/lists/getbytitle('{name}')/items({ids['york-2022:1.1']})/hasuniqueroleassignments")["value"]
    sync(path, server, name, CHIEF)  # nothing to change in the rows, but the row is given its permissions
    with sharepoint(server) as sp:
        assert (ANN, "Contribute") in assignments(sp, name, ids["york-2022:1.1"])


def test_past_the_supported_number_of_items_rows_keep_the_lists_permissions(server, tmp_path, monkeypatch):
    monkeypatch.setattr(item_permissions, "MAX_PROTECTED_ITEMS", 1)
    name = "too-many"
    path = make_book(tmp_path / "plan.xlsx", [row("1.1", ANN), row("1.2", BOB)])
    sync(path, server, name, CHIEF)
    with sharepoint(server) as sp:
        item_permissions.grant_support_on_list(sp, name)
    edit(path, {(2, "Progress"): "Later"})
    result = sync(path, server, name, CHIEF)
    ids = item_ids(server, name)
    assert {ids["york-2022:1.1"], ids["york-2022:1.2"]} == set(result.unprotected)
    assert "the list holds 2 items, more than the 1 plansync gives their own permissions" in result.unprotected[ids["york-2022:1.1"]]
    with sharepoint(server) as sp:
        assert False is sp.get(f"web/lists/getbytitle('{name}')/items({ids['york-2022:1.1']})/hasuniqueroleassignments")["value"]


def test_a_tampered_client_that_believes_it_has_the_support_role_gains_nothing(server, tmp_path, monkeypatch):
    from plansync.commands import sync as sync_command
    from sync.ownership import Roles

    name = "tampered"
    path = make_book(tmp_path / "plan.xlsx", [row("1.1", ANN), row("1.2", BOB)])
    sync(path, server, name, CHIEF)
    edit(path, {(3, "Progress"): "Ann rewrites Bob's row", (3, "Owner sign-in"): ANN})
    edit(path, {(4, "Ref"): "1.3", (4, "Action"): "Smuggled in", (4, "Lead"): "Ann Lead", (4, "Owner sign-in"): BOB,
                (4, "Target date"): "July 2026", (4, "Status"): "On track"})
    # Ann's copy of plansync is changed to think she holds the support role.
    monkeypatch.setattr(sync_command, "roles_for_sync", lambda gc, opened: Roles(support=frozenset({ANN})))
    result = sync(path, server, name, ANN)
    assert ([], {"york-2022:1.2", "york-2022:1.3"}) == (result.plan.refused, {f.key for f in result.failed})
    assert all("accessDenied" in f.message for f in result.failed)
    ids = item_ids(server, name)
    assert {"york-2022:1.1", "york-2022:1.2"} == set(ids)
    with client(server, SITE_OWNER) as gc:
        site = gc.get_site(None, "/sites/plansync")
        lst = gc.get_list(site["id"], name)
        bobs = gc.get_item(site["id"], lst["id"], ids["york-2022:1.2"], select=["Progress", "Owner"])["fields"]
    assert ("Started", BOB) == (bobs["Progress"], bobs["Owner"])


def test_adding_the_support_role_gives_the_group_full_control_of_the_list(server, env, tmp_path):
    name = "granted"
    sync(make_book(tmp_path / "plan.xlsx", [row("1.1", ANN)]), server, name, SITE_OWNER)
    added = roles_cli(env, "add", CHIEF, "--support", "--list", name, "--as", SITE_OWNER)
    assert (0, f"{CHIEF} already has the support role; nothing changed.") == (added.exit_code, last(added))
    with sharepoint(server) as sp:
        listed = sp.get(f"web/lists/getbytitle('{name}')/roleassignments")["value"]
        assert True is sp.get(f"web/lists/getbytitle('{name}')/hasuniqueroleassignments")["value"]
    granted = {(a["Member"]["Title"], b["Name"]) for a in listed for b in a["RoleDefinitionBindings"]}
    assert {("plansync support", "Full Control"), ("plansync Owners", "Full Control"), ("plansync Members", "Edit"),
            ("plansync Visitors", "Read")} == granted  # the site's own permissions were copied, not lost
    # Managers still add rows to their own plan, which inherit the list's permissions.
    edit(tmp_path / "plan.xlsx", {(3, "Ref"): "1.2", (3, "Action"): "Ann's second", (3, "Lead"): "Ann Lead",
                                  (3, "Owner sign-in"): ANN, (3, "Target date"): "July 2026", (3, "Status"): "On track"})
    second = sync(tmp_path / "plan.xlsx", server, name, ANN)
    assert (1, []) == (len(second.plan.creates), second.failed)

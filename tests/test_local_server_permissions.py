"""Ownership enforced by the local list server (issue 15): raw Graph and SharePoint REST requests
with development identities' tokens, in process. A refused write is 403 ``accessDenied`` and the
store is unchanged; reads stay open."""

from __future__ import annotations

import os
import stat

import httpx
import pytest
from _local_server_support import BASE, error_code, sign_in, site_id

from sync.local_server import TENANT, create_app

OWNER = "owner@council.gov.uk"  # the site's owner
ANN, BOB, SUE, SIGNER = "ann@council.gov.uk", "bob@council.gov.uk", "sue@council.gov.uk", "director@council.gov.uk"
SP = BASE + "/sites/plansync/_api/web"
PLANNED = {
    "displayName": "Actions",
    "columns": [
        {"name": "RowKey", "text": {"maxLength": 255}, "indexed": True, "enforceUniqueValues": True},
        {"name": "Owner", "text": {"maxLength": 255}},
        {"name": "Progress", "text": {"allowMultipleLines": True}},
        {"name": "Status", "choice": {"choices": ["On track", "Complete", "Signed off"]}},
        {"name": "RAG", "choice": {"choices": ["Green", "Blue"]}},
    ],
}


def graph(app, email: str) -> httpx.Client:
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)
    client.headers["Authorization"] = "Bearer " + sign_in(client, email)["access_token"]
    return client


def sharepoint(app, email: str) -> httpx.Client:
    """A client with a token for the SharePoint resource (the server's own address), as msal gets one."""
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=SP)
    token = client.post(f"{BASE}/{TENANT}/oauth2/v2.0/token", data={
        "client_id": "plansync-tests", "grant_type": "password", "username": email, "password": "local-dev",
        "scope": f"{BASE}/.default"}).json()["access_token"]
    client.headers.update({"Authorization": "Bearer " + token, "Accept": "application/json;odata=nometadata"})
    return client


def grant(app, email: str, group: str = "plansync support") -> None:
    """The site owner puts ``email`` in a plansync role group over SharePoint REST."""
    sp = sharepoint(app, OWNER)
    if sp.get(f"/sitegroups/getbyname('{group}')").status_code == 404:
        assert 201 == sp.post("/sitegroups", json={"Title": group}).status_code
    assert 201 == sp.post(f"/sitegroups/getbyname('{group}')/users", json={"LoginName": f"i:0#.f|membership|{email}"}).status_code


@pytest.fixture
def world():
    """A list where Ann owns york:1.1, Bob owns york:1.2 and Sue owns rotherham:1.1 (made by the site owner,
    as the support role makes a plan's rows on its first sync)."""
    app = create_app(site_owners=(OWNER,))
    site = site_id(graph(app, OWNER))
    created = graph(app, OWNER).post(f"/v1.0/sites/{site}/lists", json=PLANNED)
    items = f"/v1.0/sites/{site}/lists/{created.json()['id']}/items"
    ids = {}
    for key, owner in (("york:1.1", ANN), ("york:1.2", BOB), ("rotherham:1.1", SUE)):
        made = graph(app, OWNER).post(items, json={"fields": {"RowKey": key, "Owner": owner, "Progress": "Started",
                                                              "Status": "On track"}})
        assert 201 == made.status_code, made.text
        ids[key] = made.json()["id"]
    return app, items, ids


def snapshot(app, items: str) -> list[dict]:
    listed = graph(app, OWNER).get(items, params={"expand": "fields"}).json()["value"]
    return [(i["id"], i["eTag"], {k: v for k, v in i["fields"].items() if not k.startswith("@")}) for i in listed]


def test_a_managers_token_cannot_change_delete_or_create_rows_it_does_not_own(world):
    app, items, ids = world
    before = snapshot(app, items)
    ann = graph(app, ANN)
    bobs = ids["york:1.2"]
    attempts = [
        ann.patch(f"{items}/{bobs}/fields", json={"Progress": "Ann was here"}),
        ann.patch(f"{items}/{bobs}", json={"fields": {"Owner": ANN}}),
        ann.delete(f"{items}/{bobs}"),
        ann.post(items, json={"fields": {"RowKey": "york:9.9", "Owner": BOB, "Progress": "In Bob's name"}}),
        ann.post(items, json={"fields": {"RowKey": "rotherham:9.9", "Owner": ANN, "Progress": "In Sue's plan"}}),
    ]
    assert [403] * 5 == [a.status_code for a in attempts]
    assert {"accessDenied"} == {a.json()["error"]["code"] for a in attempts}
    assert "ann@council.gov.uk may not change item 2 in list 'Actions': not your row: it belongs to bob@council.gov.uk" in attempts[0].json()["error"]["message"]
    assert "not your team's plan: plan 'rotherham' belongs to sue@council.gov.uk" in attempts[4].json()["error"]["message"]
    assert before == snapshot(app, items)


def test_reads_stay_open_to_everyone_signed_in(world):
    app, items, ids = world
    got = graph(app, ANN).get(f"{items}/{ids['york:1.2']}", params={"expand": "fields"})
    assert (200, BOB) == (got.status_code, got.json()["fields"]["Owner"])


def test_the_owner_changes_and_removes_their_own_row_and_adds_rows_to_their_own_plan(world):
    app, items, ids = world
    ann = graph(app, ANN)
    assert 200 == ann.patch(f"{items}/{ids['york:1.1']}/fields", json={"Progress": "Half way"}).status_code
    assert 201 == ann.post(items, json={"fields": {"RowKey": "york:1.3", "Owner": ANN}}).status_code
    assert 201 == ann.post(items, json={"fields": {"RowKey": "leeds:1.1", "Owner": ANN}}).status_code  # a new plan
    assert 204 == ann.delete(f"{items}/{ids['york:1.1']}").status_code


def test_an_owner_may_not_hand_their_row_to_someone_else(world):
    app, items, ids = world
    refused = graph(app, ANN).patch(f"{items}/{ids['york:1.1']}/fields", json={"Owner": BOB})
    assert (403, "accessDenied") == error_code(refused)[:2]
    assert "field Owner: only the support role may change a row's owners" in refused.json()["error"]["message"]


def test_the_support_role_from_the_sites_group_changes_any_row_and_sets_owners(world):
    app, items, ids = world
    grant(app, SUE)
    sue = graph(app, SUE)
    assert 200 == sue.patch(f"{items}/{ids['york:1.2']}/fields", json={"Progress": "Checked", "Owner": ANN}).status_code
    assert 201 == sue.post(items, json={"fields": {"RowKey": "york:2.1", "Owner": BOB}}).status_code
    assert 204 == sue.delete(f"{items}/{ids['york:1.1']}").status_code
    assert ANN == graph(app, ANN).get(f"{items}/{ids['york:1.2']}/fields").json()["Owner"]


def test_refused_requests_inside_a_batch_get_403_and_the_others_run(world):
    app, items, ids = world
    path = items.removeprefix("/v1.0")
    body = {"requests": [
        {"id": "mine", "method": "PATCH", "url": f"{path}/{ids['york:1.1']}/fields", "body": {"Progress": "Mine"},
         "headers": {"Content-Type": "application/json"}},
        {"id": "bobs", "method": "PATCH", "url": f"{path}/{ids['york:1.2']}/fields", "body": {"Progress": "Not mine"},
         "headers": {"Content-Type": "application/json"}},
        {"id": "gone", "method": "DELETE", "url": f"{path}/{ids['rotherham:1.1']}"},
        {"id": "new", "method": "POST", "url": path, "body": {"fields": {"RowKey": "rotherham:5", "Owner": ANN}},
         "headers": {"Content-Type": "application/json"}},
    ]}
    answer = graph(app, ANN).post("/v1.0/$batch", json=body)
    statuses = {r["id"]: (r["status"], (r["body"] or {}).get("error", {}).get("code")) for r in answer.json()["responses"]}
    assert {"mine": (200, None), "bobs": (403, "accessDenied"), "gone": (403, "accessDenied"),
            "new": (403, "accessDenied")} == statuses
    fields = graph(app, ANN).get(f"{items}/{ids['york:1.2']}/fields").json()
    assert "Started" == fields["Progress"]
    assert 3 == len(snapshot(app, items))


def test_only_the_support_or_sign_off_role_sets_or_undoes_signed_off(world):
    app, items, ids = world
    ann = graph(app, ANN)
    refused = ann.patch(f"{items}/{ids['york:1.1']}/fields", json={"Status": "Signed off"})
    assert (403, "accessDenied") == error_code(refused)[:2]
    assert "field Status: only the support role or the sign-off role may set 'Signed off'" in refused.json()["error"]["message"]
    assert 403 == ann.post(items, json={"fields": {"RowKey": "york:3", "Owner": ANN, "Status": "Signed off"}}).status_code
    grant(app, SIGNER, "plansync sign-off")
    director = graph(app, SIGNER)
    assert 200 == director.patch(f"{items}/{ids['york:1.1']}/fields", json={"Status": "Signed off", "RAG": "Blue"}).status_code
    assert 403 == director.patch(f"{items}/{ids['york:1.1']}/fields", json={"Progress": "Rewritten"}).status_code
    undo = ann.patch(f"{items}/{ids['york:1.1']}/fields", json={"Status": "On track"})
    assert "may undo 'Signed off'" in undo.json()["error"]["message"]
    assert 403 == ann.delete(f"{items}/{ids['york:1.1']}").status_code
    assert "Signed off" == ann.get(f"{items}/{ids['york:1.1']}/fields").json()["Status"]


def test_only_site_owners_change_the_role_groups(world):
    app, _, _ = world
    ann = sharepoint(app, ANN)
    created = ann.post("/sitegroups", json={"Title": "plansync support"})
    assert 403 == created.status_code
    assert "only its owners may create groups" in created.json()["odata.error"]["message"]["value"]
    grant(app, BOB)
    joined = ann.post("/sitegroups/getbyname('plansync support')/users", json={"LoginName": ANN})
    removed = ann.post("/sitegroups/getbyname('plansync support')/users/removebyloginname(@v)", params={"@v": f"'{BOB}'"})
    assert [403, 403] == [joined.status_code, removed.status_code]
    members = ann.get("/sitegroups/getbyname('plansync support')/users").json()["value"]
    assert [BOB] == [m["Email"] for m in members]
    owners = ann.get("/associatedownergroup/users").json()["value"]
    assert [OWNER] == [m["Email"] for m in owners]


def test_a_graph_token_is_not_a_sharepoint_token(world):
    app, _, _ = world
    graph_token = graph(app, OWNER).headers["Authorization"]
    answer = httpx.Client(transport=httpx.WSGITransport(app=app)).get(f"{SP}/currentuser", headers={"Authorization": graph_token})
    assert 401 == answer.status_code
    assert "ask for the scope https://127.0.0.1:8443/.default" in answer.json()["odata.error"]["message"]["value"]


def test_item_permissions_set_over_sharepoint_rest_are_enforced_on_graph_writes(world):
    app, items, ids = world
    row = ids["york:1.2"]  # Bob's
    ann_sp = sharepoint(app, ANN)
    denied = ann_sp.post(f"/lists/getbytitle('Actions')/items({row})/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)")
    assert 403 == denied.status_code
    owner_sp = sharepoint(app, OWNER)
    base = f"/lists/getbytitle('Actions')/items({row})"
    assert 200 == owner_sp.post(f"{base}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)").status_code
    sue_id = owner_sp.post("/ensureuser", json={"logonName": SUE}).json()["Id"]
    bob_id = owner_sp.post("/ensureuser", json={"logonName": BOB}).json()["Id"]
    contribute = owner_sp.get("/roledefinitions/getbyname('Contribute')").json()["Id"]
    read = owner_sp.get("/roledefinitions/getbyname('Read')").json()["Id"]
    assert 200 == owner_sp.post(f"{base}/roleassignments/addroleassignment(principalid={bob_id},roledefid={read})").status_code
    assert True is owner_sp.get(f"{base}/hasuniqueroleassignments").json()["value"]
    assigned = {(a["Member"]["Title"], b["Name"]) for a in owner_sp.get(f"{base}/roleassignments").json()["value"]
                for b in a["RoleDefinitionBindings"]}
    assert {("Owner", "Full Control"), ("Bob", "Read")} == assigned
    # Bob owns the row, but the item's own permissions now give him Read only.
    refused = graph(app, BOB).patch(f"{items}/{row}/fields", json={"Progress": "Bob again"})
    assert (403, "accessDenied") == error_code(refused)[:2]
    assert "the item's permissions give you no right to edit it" in refused.json()["error"]["message"]
    assert 200 == owner_sp.post(f"{base}/roleassignments/addroleassignment(principalid={bob_id},roledefid={contribute})").status_code
    assert 200 == graph(app, BOB).patch(f"{items}/{row}/fields", json={"Progress": "Bob again"}).status_code
    # Contribute for Sue does not beat the ownership model: the row is still Bob's.
    assert 200 == owner_sp.post(f"{base}/roleassignments/addroleassignment(principalid={sue_id},roledefid={contribute})").status_code
    assert 403 == graph(app, SUE).patch(f"{items}/{row}/fields", json={"Progress": "Sue"}).status_code


def test_an_app_sign_in_has_full_control_as_with_application_permissions(world):
    app, items, ids = world
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)
    token = client.post(f"/{TENANT}/oauth2/v2.0/token", data={"client_id": "nightly", "client_secret": "s",
                                                               "grant_type": "client_credentials"}).json()["access_token"]
    client.headers["Authorization"] = "Bearer " + token
    assert 200 == client.patch(f"{items}/{ids['york:1.2']}/fields", json={"Status": "Signed off"}).status_code


def test_the_servers_data_files_are_readable_by_their_user_only(tmp_path):
    home = tmp_path / "server"
    app = create_app(home, site_owners=(OWNER,))
    client = graph(app, OWNER)
    site = site_id(client)
    assert 201 == client.post(f"/v1.0/sites/{site}/lists", json=PLANNED).status_code
    app.close()
    made = sorted(p.name for p in home.iterdir() if p.is_file())
    assert "plansync-lists.db" in made
    modes = {name: stat.S_IMODE(os.stat(home / name).st_mode) for name in made}
    assert {name: 0o600 for name in made} == modes


def test_past_sharepoints_limit_of_uniquely_permissioned_items_breaking_inheritance_is_refused(world, monkeypatch):
    from sync.local_server import principals

    monkeypatch.setattr(principals, "UNIQUE_SCOPES_PER_LIST", 1)
    app, _, ids = world
    sp = sharepoint(app, OWNER)
    first = sp.post(f"/lists/getbytitle('Actions')/items({ids['york:1.1']})/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)")
    second = sp.post(f"/lists/getbytitle('Actions')/items({ids['york:1.2']})/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)")
    assert (200, 400) == (first.status_code, second.status_code)
    assert ("You cannot break inheritance for this item because there are too many items with unique permissions "
            "in this list.") == second.json()["odata.error"]["message"]["value"]
    assert False is sp.get(f"/lists/getbytitle('Actions')/items({ids['york:1.2']})/hasuniqueroleassignments").json()["value"]


def test_site_owners_given_at_start_are_remembered_by_the_servers_data(tmp_path):
    create_app(tmp_path / "server", site_owners=(OWNER,)).close()
    again = create_app(tmp_path / "server")
    owners = sharepoint(again, ANN).get("/associatedownergroup/users").json()["value"]
    again.close()
    assert [OWNER] == [o["Email"] for o in owners]


def test_a_row_without_owners_belongs_to_its_plans_team(world):
    app, items, _ = world
    made = graph(app, OWNER).post(items, json={"fields": {"RowKey": "york:5", "Progress": "Nobody's"}})
    row = made.json()["id"]
    assert 200 == graph(app, ANN).patch(f"{items}/{row}/fields", json={"Progress": "Ann's team"}).status_code
    refused = graph(app, SUE).patch(f"{items}/{row}/fields", json={"Progress": "Sue's"})
    assert (403, "accessDenied") == error_code(refused)[:2]
    # The site owner who made the owner-less row counts in its team too.
    assert ("not your team's row: it has no owner and belongs to plan 'york', whose team (ann@council.gov.uk or "
            "bob@council.gov.uk or owner@council.gov.uk) or the support role may change it.") in refused.json()["error"]["message"]

"""Item versions on the local list server behave as Graph documents them (GRAPH.md §12, issue 16)."""

from __future__ import annotations

import re

import pytest
from _local_server_support import client_for, error_code, make_list, new_server

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


@pytest.fixture
def server():
    app, alice = new_server(page_size=2)
    items = make_list(alice)
    bob = client_for(app, "bob.jones@example.org")
    alice.post(items, json={"fields": {"RowKey": "R1", "Status": "On track", "Progress": "Started"}})
    bob.patch(f"{items}/1/fields", json={"Status": "At risk"})
    alice.patch(f"{items}/1/fields", json={"Progress": "Delayed by staffing"})
    yield app, alice, bob, items
    app.close()


def _all(client, url):
    out = []
    while url:
        page = client.get(url).json()
        out += page["value"]
        url = page.get("@odata.nextLink")
    return out


def test_versions_are_listed_newest_first_with_sharepoint_ids_and_who_changed_each(server):
    _, alice, _, items = server
    versions = _all(alice, f"{items}/1/versions")
    assert ["3.0", "2.0", "1.0"] == [v["id"] for v in versions]
    assert ["Alice Smith", "Bob Jones", "Alice Smith"] == [v["lastModifiedBy"]["user"]["displayName"] for v in versions]
    assert all(re.fullmatch(STAMP, v["lastModifiedDateTime"]) for v in versions)
    assert {"level": "published", "versionId": "2.0"} == versions[1]["published"]
    assert "fields" not in versions[0]


def test_versions_page_with_an_absolute_next_link_that_keeps_the_query(server):
    _, alice, _, items = server
    first = alice.get(f"{items}/1/versions?$expand=fields($select=Status)").json()
    assert 2 == len(first["value"])
    link = first["@odata.nextLink"]
    assert link.startswith("https://") and "expand=fields" in link
    rest = alice.get(link).json()
    assert ["1.0"] == [v["id"] for v in rest["value"]] and "@odata.nextLink" not in rest
    assert "On track" == rest["value"][0]["fields"]["Status"]


@pytest.mark.parametrize("query", ["expand=fields", "$expand=fields($select=Status,Progress)"])
def test_a_version_with_its_fields_holds_the_values_as_they_were(server, query):
    _, alice, _, items = server
    version = alice.get(f"{items}/1/versions/2.0?{query}").json()
    assert "2.0" == version["id"]
    assert ("At risk", "Started") == (version["fields"]["Status"], version["fields"]["Progress"])
    assert "Bob Jones" == version["lastModifiedBy"]["user"]["displayName"]


@pytest.mark.parametrize("version", ["9.0", "2.5", "latest"])
def test_an_unknown_version_is_404_item_not_found(server, version):
    _, alice, _, items = server
    status, code, _ = error_code(alice.get(f"{items}/1/versions/{version}"))
    assert (404, "itemNotFound") == (status, code)


def test_versions_of_an_unknown_or_deleted_item_are_404(server):
    _, alice, _, items = server
    assert 404 == alice.get(f"{items}/99/versions").status_code
    alice.delete(f"{items}/1")
    assert (404, "itemNotFound") == error_code(alice.get(f"{items}/1/versions"))[:2]


def test_restore_makes_a_new_version_with_the_old_values_and_keeps_the_rest(server):
    _, alice, bob, items = server
    response = bob.post(f"{items}/1/versions/1.0/restoreVersion")
    assert 204 == response.status_code and not response.content
    fields = alice.get(f"{items}/1?expand=fields").json()["fields"]
    assert ("On track", "Started") == (fields["Status"], fields["Progress"])
    versions = _all(alice, f"{items}/1/versions")
    assert ["4.0", "3.0", "2.0", "1.0"] == [v["id"] for v in versions]
    assert "Bob Jones" == versions[0]["lastModifiedBy"]["user"]["displayName"]


def test_restore_of_an_unknown_version_changes_nothing(server):
    _, alice, _, items = server
    assert 404 == alice.post(f"{items}/1/versions/7.0/restoreVersion").status_code
    assert 3 == len(_all(alice, f"{items}/1/versions"))


def test_versions_can_be_read_inside_a_batch(server):
    _, alice, _, items = server
    url = items.removeprefix("/v1.0")
    body = {"requests": [{"id": "1", "method": "GET", "url": f"{url}/1/versions?$expand=fields"}]}
    answer = alice.post("/v1.0/$batch", json=body).json()["responses"][0]
    assert 200 == answer["status"] and "3.0" == answer["body"]["value"][0]["id"]

"""Delta on list items (GRAPH.md §5, §11.8): token=, nextLink/deltaLink, deleted items, 410 on a bad token."""

from __future__ import annotations

import pytest
from _local_server_support import error_code, make_list, new_server


@pytest.fixture
def server():
    app, client = new_server(page_size=2)
    yield app, client, make_list(client)
    app.close()


def _drain(client, url: str) -> tuple[list[dict], str]:
    """Follow nextLinks; return every entry and the final deltaLink."""
    entries = []
    while True:
        body = client.get(url).json()
        entries += body["value"]
        if "@odata.deltaLink" in body:
            return entries, body["@odata.deltaLink"]
        url = body["@odata.nextLink"]


def test_first_delta_lists_every_item_over_pages_then_gives_a_delta_link(server):
    _, client, items = server
    for n in range(5):
        client.post(items, json={"fields": {"RowKey": f"R{n}"}})
    entries, link = _drain(client, f"{items}/delta")
    assert ["1", "2", "3", "4", "5"] == [e["id"] for e in entries]
    assert link.startswith("https://127.0.0.1:8443/v1.0/sites/") and "/items/delta?token=" in link


def test_delta_after_create_update_delete_reports_latest_state_and_deletions(server):
    _, client, items = server
    for n in range(3):
        client.post(items, json={"fields": {"RowKey": f"R{n}"}})
    _, link = _drain(client, f"{items}/delta")
    client.post(items, json={"fields": {"RowKey": "R3"}})
    client.patch(f"{items}/1/fields", json={"Title": "changed"})
    client.patch(f"{items}/1/fields", json={"Title": "changed again"})
    client.delete(f"{items}/2")
    entries, _ = _drain(client, link + "&expand=fields(select=Title)")
    assert ["4", "1", "2"] == [e["id"] for e in entries]
    assert "changed again" == entries[1]["fields"]["Title"]
    deleted = entries[2]
    assert ({"contentType", "deleted", "id", "parentReference"}, {"state": "deleted"}) == (set(deleted), deleted["deleted"])


def test_delta_without_expand_has_no_fields(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1"}})
    assert "fields" not in client.get(f"{items}/delta").json()["value"][0]


def test_token_latest_returns_nothing_and_a_link_for_changes_from_now(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "old"}})
    body = client.get(f"{items}/delta?token=latest").json()
    assert [] == body["value"]
    client.post(items, json={"fields": {"RowKey": "new"}})
    entries, _ = _drain(client, body["@odata.deltaLink"])
    assert ["2"] == [e["id"] for e in entries]


def test_a_delta_link_with_nothing_new_returns_an_empty_page(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1"}})
    _, link = _drain(client, f"{items}/delta")
    body = client.get(link).json()
    assert ([], True) == (body["value"], "@odata.deltaLink" in body)


def test_damaged_token_gets_410_with_a_location_that_starts_over(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1"}})
    response = client.get(f"{items}/delta?token=not-a-token&expand=fields")
    status, code, _ = error_code(response)
    assert (410, "resyncRequired", "resyncChangesApplyDifferences") == (
        status, code, response.json()["error"]["innerError"]["code"])
    location = response.headers["Location"]
    assert location.startswith("https://127.0.0.1:8443/v1.0/") and "token=" not in location
    assert ["1"] == [e["id"] for e in client.get(location).json()["value"]]


def test_token_older_than_the_purge_of_deleted_items_gets_410(server):
    app, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1"}})
    client.post(items, json={"fields": {"RowKey": "R2"}})
    _, link = _drain(client, f"{items}/delta")
    client.post(items, json={"fields": {"RowKey": "R3"}})
    client.delete(f"{items}/1")
    assert 1 == app.store.purge_tombstones()
    assert 410 == client.get(link).status_code


def test_a_token_from_another_list_gets_410(server):
    _, client, items = server
    _, link = _drain(client, f"{items}/delta")
    other = make_list(client, {"displayName": "Other"})
    token = link.split("token=", 1)[1]
    assert 410 == client.get(f"{other}/delta?token={token}").status_code

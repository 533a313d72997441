"""Reading item versions through the Graph client (sync/versions.py): batching, paging, and servers
that list versions without their fields (GRAPH.md §12, issue 16)."""

from __future__ import annotations

import json

import httpx
import pytest
from _local_server_support import BASE, make_list, new_server, sign_in

from sync.auth import StaticToken
from sync.graph import GraphClient
from sync.list_schema import list_columns
from sync.versions import read_histories


@pytest.fixture
def server():
    app, alice = new_server(page_size=2)
    items = make_list(alice, {"displayName": "Actions", "columns": list_columns()})
    for n in (1, 2, 3):
        alice.post(items, json={"fields": {"RowKey": f"p:{n}", "Ref": f"1.{n}", "Status": "On track"}})
    for status in ("At risk", "Off track", "Complete"):
        alice.patch(f"{items}/2/fields", json={"Status": status})
    site_id, list_id = items.split("/")[3], items.split("/")[5]
    yield app, site_id, list_id
    app.close()


def graph(app, strip_fields: bool = False) -> GraphClient:
    inner = httpx.WSGITransport(app=app)
    token = sign_in(httpx.Client(transport=inner, base_url=BASE))["access_token"]

    def handle(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)
        if not strip_fields or request.method != "POST":
            return response
        response.read()
        body = json.loads(response.content)
        for answer in body.get("responses", []):  # versions listed without their fields, as some servers do
            for version in (answer.get("body") or {}).get("value", []):
                version.pop("fields", None)
        return httpx.Response(response.status_code, headers={"Content-Type": "application/json"}, json=body)

    return GraphClient(f"{BASE}/v1.0", auth=StaticToken(token, user="alice.smith@example.org"),
                       transport=httpx.MockTransport(handle), sleep=lambda s: None)


def test_histories_of_several_items_come_from_one_batch_and_follow_each_items_next_link(server):
    app, site_id, list_id = server
    with graph(app) as gc:
        found = read_histories(gc, site_id, list_id, ["1", "2", "3"])
        # One batch for the three items; item 2 has 4 versions, two per page: one more page.
        assert 2 == gc.requests
    assert [("On track", "At risk"), ("At risk", "Off track"), ("Off track", "Complete")] == [
        (c.old, c.new) for c in found["2"].changes]
    assert ([], [], "1.2") == (found["1"].changes, found["3"].changes, found["2"].changes[0].ref)


def test_versions_listed_without_fields_are_read_one_by_one_in_a_batch(server):
    app, site_id, list_id = server
    with graph(app, strip_fields=True) as gc:
        found = read_histories(gc, site_id, list_id, ["1", "2"])
    assert ["At risk", "Off track", "Complete"] == [c.new for c in found["2"].changes]


def test_an_item_deleted_in_the_list_is_named_as_missing(server):
    app, site_id, list_id = server
    with graph(app) as gc:
        gc.delete_item(site_id, list_id, "3")
        found = read_histories(gc, site_id, list_id, ["2", "3"])
    assert (True, False) == (found["3"].missing, found["2"].missing)


def test_when_the_list_no_longer_keeps_the_first_versions_the_history_says_it_starts_later():
    from sync.values import ListMap
    from sync.versions import history_of

    def version(label, status, who):
        return {"id": label, "lastModifiedDateTime": "2026-01-0%sT09:00:00Z" % label[0],
                "lastModifiedBy": {"user": {"displayName": who, "email": f"{who.lower()}@x.gov.uk"}},
                "fields": {"RowKey": "p:1.1", "Ref": "1.1", "Status": status}}

    kept = [version("4.0", "Complete", "Bob"), version("3.0", "At risk", "Ann")]  # 1.0 and 2.0 are gone
    found = history_of("7", kept, ListMap.default())
    assert found.earlier_versions_gone
    assert [("At risk", "Complete", "Bob", "4.0")] == [(c.old, c.new, c.who, c.version) for c in found.changes]
    assert not history_of("7", [version("1.0", "On track", "Ann")], ListMap.default()).earlier_versions_gone

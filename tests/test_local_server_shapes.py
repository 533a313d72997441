"""The local list server's payloads have the shapes GRAPH.md shows (fixtures in tests/fixtures/graph/).

Each fixture holds a GRAPH.md example and a note naming its section, so a reader can compare it with
Microsoft's documentation. A server answer conforms when it has every key of the example, with the
same JSON type, recursively (extra keys are allowed, as in Graph).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _local_server_support import ACTIONS, BASE, client_for, make_list, new_server, site_id

from sync.local_server import TENANT, create_app

FIXTURES = Path(__file__).parent / "fixtures" / "graph"
GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def missing(actual: object, expected: object, where: str = "$") -> list[str]:
    """Paths where ``actual`` lacks a key of ``expected`` or has another JSON type."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object"]
        return [m for key, value in expected.items()
                for m in ([f"{where}.{key}: missing"] if key not in actual else missing(actual[key], value, f"{where}.{key}"))]
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected an array"]
        return [f"{where}[{i}]: no element has this shape" for i, want in enumerate(expected)
                if not any(not missing(got, want) for got in actual)]
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if isinstance(actual, bool) == isinstance(expected, bool) else [f"{where}: type differs"]
    if isinstance(expected, (int, float)):
        return [] if isinstance(actual, (int, float)) else [f"{where}: expected a number"]
    return [] if isinstance(actual, type(expected)) else [f"{where}: expected {type(expected).__name__}"]


@pytest.fixture
def server():
    app, client = new_server(page_size=1)
    site = site_id(client)
    body = {"displayName": "Books", "columns": [{"name": "Color", "text": {}}, {"name": "Name", "text": {}},
                                                {"name": "Quantity", "number": {}}, {"name": "Status", "text": {}}]}
    list_id = client.post(f"/v1.0/sites/{site}/lists", json=body).json()["id"]
    yield app, client, site, f"/v1.0/sites/{site}/lists/{list_id}"
    app.close()


def test_every_fixture_names_its_graph_md_section():
    notes = {p.name: json.loads(p.read_text())["note"] for p in FIXTURES.glob("*.json")}
    assert 13 == len(notes)
    assert [] == [name for name, note in notes.items() if not re.match(r"GRAPH\.md §\d", note)]


def test_site_by_path_has_the_site_shape_and_a_composite_id(server):
    _, client, site, _ = server
    body = client.get("/v1.0/sites/localhost:/sites/plansync").json()
    assert [] == missing(body, fixture("site")["example"])
    assert re.fullmatch(rf"localhost,{GUID},{GUID}", body["id"]) and site == body["id"]


def test_unknown_site_path_is_404_item_not_found(server):
    _, client, _, _ = server
    response = client.get("/v1.0/sites/localhost:/sites/nowhere")
    assert (404, "itemNotFound") == (response.status_code, response.json()["error"]["code"])


def test_list_creation_from_the_fixture_request_gives_the_list_shape():
    app, client = new_server()
    response = client.post(f"/v1.0/sites/{site_id(client)}/lists", json=fixture("list_create_request")["example"])
    body = response.json()
    assert (201, []) == (response.status_code, missing(body, fixture("list")["example"]))
    assert re.fullmatch(GUID, body["id"]) and re.fullmatch(STAMP, body["createdDateTime"])
    columns = client.get(f"/v1.0/sites/{site_id(client)}/lists/Actions/columns").json()["value"]
    assert ["Title", "RowKey", "Progress", "Target", "Status", "DaysOverdue", "Overdue", "Owner"] == [
        c["name"] for c in columns]
    app.close()


def test_list_creation_with_name_is_refused_as_graph_refuses_it():
    app, client = new_server()
    response = client.post(f"/v1.0/sites/{site_id(client)}/lists", json={"name": "x", "displayName": "X"})
    assert (400, "Cannot define a 'name' for a list as it is assigned by the server. Instead, provide "
            "'displayName'") == (response.status_code, response.json()["error"]["message"])
    app.close()


def test_list_can_be_read_by_title_or_id_and_enumerated(server):
    _, client, site, list_url = server
    by_id = client.get(list_url).json()
    assert by_id == client.get(f"/v1.0/sites/{site}/lists/Books").json()
    assert ["Books"] == [entry["displayName"] for entry in client.get(f"/v1.0/sites/{site}/lists").json()["value"]]


def test_adding_a_column_answers_201_with_the_definition(server):
    _, client, _, list_url = server
    response = client.post(f"{list_url}/columns", json={"name": "Owner", "displayName": "Action owner", "text": {}})
    assert (201, "Action owner") == (response.status_code, response.json()["displayName"])
    assert "Owner" in [c["name"] for c in client.get(f"{list_url}/columns").json()["value"]]


def test_created_item_has_the_list_item_shape(server):
    _, client, _, list_url = server
    response = client.post(f"{list_url}/items", json={"fields": {"Title": "Widget", "Color": "Purple"}})
    body = response.json()
    assert (201, []) == (response.status_code, missing(body, fixture("list_item")["example"]))
    assert re.fullmatch(r"\d+", body["id"]) and re.fullmatch(r'"\{[0-9A-F-]{36}\},\d+"', body["eTag"])
    assert "cTag" not in body


def test_patch_fields_answers_the_flat_field_value_set(server):
    _, client, _, list_url = server
    client.post(f"{list_url}/items", json={"fields": {"Name": "Widget", "Color": "Purple"}})
    body = client.patch(f"{list_url}/items/1/fields", json=fixture("fields_patch")["request"]).json()
    assert [] == missing(body, fixture("fields_patch")["example"])
    assert ("Widget", "Fuchsia", 934) == (body["Name"], body["Color"], body["Quantity"])


def test_items_page_has_value_and_an_absolute_next_link(server):
    _, client, _, list_url = server
    client.post(f"{list_url}/items", json={"fields": {"Title": "A"}})
    client.post(f"{list_url}/items", json={"fields": {"Title": "B"}})
    body = client.get(f"{list_url}/items?expand=fields(select=Title)").json()
    assert [] == missing(body, fixture("items_page")["example"])
    assert body["@odata.nextLink"].startswith(BASE + "/v1.0/sites/")


def test_delta_page_has_changed_and_deleted_item_shapes(server):
    _, client, _, list_url = server
    for title in ("A", "B", "C"):
        client.post(f"{list_url}/items", json={"fields": {"Title": title}})
    link = client.get(f"{list_url}/items/delta?token=latest").json()["@odata.deltaLink"]
    client.patch(f"{list_url}/items/2/fields", json={"Title": "B2"})
    client.delete(f"{list_url}/items/3")
    value, url = [], link
    while url:
        body = client.get(url).json()
        value += body["value"]
        url = body.get("@odata.nextLink")
    assert [] == missing({"value": value, "@odata.deltaLink": body["@odata.deltaLink"]}, fixture("delta_page")["example"])


def test_stale_delta_token_has_the_410_shape(server):
    _, client, _, list_url = server
    response = client.get(f"{list_url}/items/delta?token=garbage")
    expected = fixture("delta_gone")
    assert (expected["status"], [], True) == (response.status_code, missing(response.json(), expected["example"]),
                                              "Location" in response.headers)


def test_batch_from_the_fixture_answers_each_request_in_the_documented_shape(server):
    _, client, site, list_url = server
    for _ in range(7):
        client.post(f"{list_url}/items", json={"fields": {}})
    request = json.loads(json.dumps(fixture("batch")["request"])
                         .replace("/sites/{site-id}/lists/{list-id}", list_url.removeprefix("/v1.0")))
    response = client.post("/v1.0/$batch", json=request)
    body = response.json()
    statuses = {entry["id"]: entry["status"] for entry in body["responses"]}
    assert (200, {"1": 201, "2": 412}, []) == (response.status_code, statuses, missing(body, fixture("batch")["example"]))


def test_error_bodies_have_code_message_and_inner_error(server):
    _, client, _, list_url = server
    body = client.get(f"{list_url}/items/404").json()
    assert [] == missing(body, fixture("error")["example"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", body["error"]["innerError"]["date"])


def test_throttled_answer_has_the_429_shape():
    app = create_app(throttle_rate=1.0, seed=0, retry_after=2.128)
    client = client_for(app)
    response = next(r for r in (client.get("/v1.0/sites/root") for _ in range(20)) if r.status_code == 429)
    expected = fixture("throttled")
    assert (expected["headers"]["Retry-After"], []) == (response.headers["Retry-After"],
                                                          missing(response.json(), expected["example"]))
    app.close()


def test_token_and_discovery_answers_have_what_msal_reads():
    app = create_app()
    client = client_for(app)
    tokens = client.post(f"/{TENANT}/oauth2/v2.0/token", data={
        "client_id": "c", "grant_type": "password", "username": "a@example.org", "password": "local-dev",
        "scope": "https://graph.microsoft.com/Sites.ReadWrite.All"}).json()
    discovery = client.get(f"/{TENANT}/v2.0/.well-known/openid-configuration").json()
    assert ([], []) == (missing(tokens, fixture("token_response")["example"]),
                        missing(discovery, fixture("openid_configuration")["example"]))
    app.close()


def test_actions_list_columns_round_trip_typed_values():
    app, client = new_server()
    items = make_list(client, ACTIONS)
    fields = client.post(items, json={"fields": {"RowKey": "R1", "DaysOverdue": 3, "Overdue": True,
                                                 "Target": "2024-02-29", "Status": "At risk"}}).json()["fields"]
    assert ("R1", 3, True, "2024-02-29T00:00:00Z", "At risk") == tuple(
        fields[k] for k in ("RowKey", "DaysOverdue", "Overdue", "Target", "Status"))
    app.close()

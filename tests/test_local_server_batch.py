"""JSON $batch (GRAPH.md §6, §11.9): at most 20, out of order, per-request status, dependsOn and 424."""

from __future__ import annotations

import pytest
from _local_server_support import error_code, make_list, new_server

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def server():
    app, client = new_server(seed=7)
    items = make_list(client)
    yield app, client, items.removeprefix("/v1.0")
    app.close()


def _creates(items: str, count: int, start: int = 0) -> list[dict]:
    return [{"id": str(n + 1), "method": "POST", "url": items, "headers": JSON,
             "body": {"fields": {"RowKey": f"R{start + n}"}}} for n in range(count)]


def test_batch_of_20_creates_20_items_and_answers_each_by_id(server):
    _, client, items = server
    response = client.post("/v1.0/$batch", json={"requests": _creates(items, 20)})
    body = response.json()
    assert 200 == response.status_code
    assert sorted(str(n) for n in range(1, 21)) == sorted(r["id"] for r in body["responses"])
    assert {201} == {r["status"] for r in body["responses"]}
    assert [str(n) for n in range(1, 21)] != [r["id"] for r in body["responses"]]  # any order, as Graph
    assert 20 == len(client.get(f"/v1.0{items}").json()["value"])


def test_batch_of_21_is_refused_whole(server):
    _, client, items = server
    response = client.post("/v1.0/$batch", json={"requests": _creates(items, 21)})
    assert (400, "invalidRequest", "Number of requests inside batch exceeds the limit.") == error_code(response)
    assert [] == client.get(f"/v1.0{items}").json()["value"]


def test_a_body_without_content_type_is_refused(server):
    _, client, items = server
    request = {"id": "1", "method": "POST", "url": items, "body": {"fields": {"RowKey": "R1"}}}
    assert (400, "invalidRequest", "Write request id : 1 does not contain Content-Type header or body.") == \
        error_code(client.post("/v1.0/$batch", json={"requests": [request]}))


def test_failed_requests_keep_their_own_status_and_the_batch_is_200(server):
    _, client, items = server
    requests = _creates(items, 2) + [
        {"id": "3", "method": "POST", "url": items, "headers": JSON, "body": {"fields": {"RowKey": "R0"}}},
        {"id": "4", "method": "GET", "url": f"{items}/99"},
        {"id": "5", "method": "DELETE", "url": f"{items}/1"},
    ]
    requests[4]["dependsOn"] = ["1"]
    response = client.post("/v1.0/$batch", json={"requests": requests})
    statuses = {r["id"]: r["status"] for r in response.json()["responses"]}
    assert (200, {"1": 201, "2": 201, "3": 409, "4": 404, "5": 204}) == (response.status_code, statuses)
    deleted = next(r for r in response.json()["responses"] if r["id"] == "5")
    assert deleted["body"] is None
    assert ["2"] == [i["id"] for i in client.get(f"/v1.0{items}").json()["value"]]


def test_dependents_of_a_failed_request_get_424(server):
    _, client, items = server
    requests = [
        {"id": "a", "method": "PATCH", "url": f"{items}/42/fields", "headers": JSON, "body": {"Title": "x"}},
        {"id": "b", "dependsOn": ["a"], "method": "POST", "url": items, "headers": JSON,
         "body": {"fields": {"RowKey": "R9"}}},
    ]
    statuses = {r["id"]: r["status"] for r in client.post("/v1.0/$batch", json={"requests": requests}).json()["responses"]}
    assert {"a": 404, "b": 424} == statuses
    assert [] == client.get(f"/v1.0{items}").json()["value"]


def test_stale_etag_inside_a_batch_is_412_for_that_request_only(server):
    _, client, items = server
    etag = client.post(f"/v1.0{items}", json={"fields": {"RowKey": "R1"}}).json()["eTag"]
    client.patch(f"/v1.0{items}/1/fields", json={"Title": "moved on"})
    requests = [{"id": "1", "method": "PATCH", "url": f"{items}/1/fields",
                 "headers": {**JSON, "If-Match": etag}, "body": {"Title": "mine"}}]
    entry = client.post("/v1.0/$batch", json={"requests": requests}).json()["responses"][0]
    assert (412, "resourceModified") == (entry["status"], entry["body"]["error"]["code"])


def test_batch_relative_urls_work_with_or_without_leading_slash(server):
    _, client, items = server
    requests = [{"id": "1", "method": "GET", "url": "sites/root"}, {"id": "2", "method": "GET", "url": "/sites/root"}]
    assert {200} == {r["status"] for r in client.post("/v1.0/$batch", json={"requests": requests}).json()["responses"]}


def test_throttled_requests_in_a_batch_carry_their_own_retry_after():
    app, client = new_server(throttle_rate=0.5, seed=3, retry_after=2.5)
    site = client.get("/v1.0/sites/root")
    while site.status_code != 200:
        site = client.get("/v1.0/sites/root")
    requests = [{"id": str(n), "method": "GET", "url": "/sites/root"} for n in range(20)]
    response = client.post("/v1.0/$batch", json={"requests": requests})
    entries = response.json()["responses"]
    throttled = [r for r in entries if r["status"] in (429, 503)]
    assert 200 == response.status_code
    assert throttled and {"2.5"} == {r["headers"]["Retry-After"] for r in throttled}
    assert {200} == {r["status"] for r in entries if r not in throttled}
    app.close()

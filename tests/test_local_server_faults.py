"""Injected throttling and failures (GRAPH.md §7, §11.10): 429/503 with Retry-After, seeded, Graph bodies."""

from __future__ import annotations

import httpx
import pytest
from _local_server_support import BASE, client_for, make_list, sign_in

from sync.local_server import create_app, serve_in_thread


def _statuses(seed: int, count: int = 40, **options) -> list[int]:
    app = create_app(seed=seed, **options)
    client = client_for(app)
    statuses = [client.get("/v1.0/sites/root").status_code for _ in range(count)]
    app.close()
    return statuses


def test_throttled_calls_get_429_or_503_with_retry_after_and_a_graph_body():
    app = create_app(throttle_rate=1.0, seed=1, retry_after=2.128)
    client = client_for(app)
    responses = [client.get("/v1.0/sites/root") for _ in range(12)]
    assert {429, 503} == {r.status_code for r in responses}
    assert {"2.128"} == {r.headers["Retry-After"] for r in responses}
    throttled = next(r for r in responses if r.status_code == 429).json()["error"]
    assert ("activityLimitReached", "The request has been throttled", "throttledRequest") == (
        throttled["code"], throttled["message"], throttled["innerError"]["code"])
    busy = next(r for r in responses if r.status_code == 503).json()["error"]
    assert ("serviceNotAvailable", "Server Too Busy") == (busy["code"], busy["message"])
    app.close()


def test_failures_are_500_502_503_or_504_without_retry_after():
    app = create_app(fail_rate=1.0, seed=2)
    client = client_for(app)
    responses = [client.get("/v1.0/sites/root") for _ in range(24)]
    assert {500, 502, 503, 504} == {r.status_code for r in responses}
    assert not any("Retry-After" in r.headers for r in responses)
    assert {"generalException", "badGateway", "serviceNotAvailable", "gatewayTimeout"} == {
        r.json()["error"]["code"] for r in responses}
    app.close()


def test_some_gateway_timeouts_come_after_the_write_was_done():
    app = create_app(fail_rate=1.0, seed=4)
    client = client_for(app)
    app.faults.fail_rate = 0.0
    items = make_list(client)
    app.faults.fail_rate = 1.0
    answers = [client.post(items, json={"fields": {"RowKey": f"k{n}"}}).status_code for n in range(40)]
    app.faults.fail_rate = 0.0
    kept = [i["fields"]["RowKey"] for i in client.get(items + "?$expand=fields&$top=100").json()["value"]]
    # Every create was answered with a failure, yet some of them happened: only 504s, never the others.
    assert not any(200 <= a < 300 for a in answers)
    assert 0 < len(kept) <= answers.count(504)
    app.close()


def test_over_http_failures_include_hung_and_dropped_connections(tmp_path):
    with serve_in_thread(tmp_path, fail_rate=1.0, seed=3, hang_seconds=0.5) as server:
        server.app.faults.fail_rate = 0.0
        token = sign_in(httpx.Client(base_url=server.graph_url.rsplit("/v1.0", 1)[0], verify=_trust(server)))
        server.app.faults.fail_rate = 1.0
        seen = set()
        with httpx.Client(verify=_trust(server), timeout=0.2,
                          headers={"Authorization": "Bearer " + token["access_token"]}) as http:
            for _ in range(30):
                try:
                    seen.add(http.get(server.graph_url + "/sites/root").status_code)
                except httpx.ReadTimeout:
                    seen.add("timeout")
                except (httpx.RemoteProtocolError, httpx.ReadError):
                    seen.add("dropped")
    assert {"timeout", "dropped"} <= seen
    assert seen - {"timeout", "dropped"} <= {500, 502, 503, 504}


def _trust(server):
    import ssl

    return ssl.create_default_context(cafile=str(server.ca_path))


def test_the_same_seed_throttles_the_same_calls():
    first = _statuses(5, throttle_rate=0.3)
    assert first == _statuses(5, throttle_rate=0.3)
    assert 200 in first and (429 in first or 503 in first)


def test_a_person_can_sign_in_while_every_list_call_is_throttled():
    # A busy list must not also lock people out: they sign in, then sync waits for the list.
    app = create_app(throttle_rate=1.0, fail_rate=0.0, seed=1)
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)
    signed_in = [sign_in(client, "alice.smith@example.org") for _ in range(10)]  # each asserts a 200
    assert all("Bearer" == answer["token_type"] and answer["access_token"] for answer in signed_in)
    client.headers["Authorization"] = "Bearer " + signed_in[-1]["access_token"]
    assert {429, 503} >= {client.get("/v1.0/sites/root").status_code for _ in range(5)}
    app.close()


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_rates_outside_0_to_1_are_refused(rate):
    with pytest.raises(ValueError, match=f"throttle_rate must be between 0 and 1, got {rate}"):
        create_app(throttle_rate=rate)

"""One GraphClient shared by the applier's threads (four batches at a time) counts every request:
the `requests` figure in `sync --json` and the benchmarks is exact, not a lower bound."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from sync.auth import StaticToken
from sync.graph import GraphClient


class _YieldingCount:
    """The counter as a slow read: a thread switch lands between reading and writing it, as it can
    on any interpreter that switches threads mid-statement; only a lock keeps the count exact."""

    def __get__(self, obj, owner=None):
        value = obj.__dict__["_count"]
        time.sleep(0)  # give other threads the chance to read the same value
        return value

    def __set__(self, obj, value):
        obj.__dict__["_count"] = value


def test_requests_sent_from_many_threads_at_once_are_all_counted():
    client = GraphClient(
        "https://graph.example/v1.0", auth=StaticToken("t"),
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json={"id": "site"})),
    )
    http = client._http
    http.__class__ = type("Counting", (type(http),), {"requests": _YieldingCount()})
    http.__dict__["_count"] = http.__dict__.pop("requests")
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda n: client._get(f"/sites/{n}"), range(2000)))
    assert (2000, 2000) == (len(answers), client.requests)

"""Benchmark: what the local server's ownership check costs per write (issue 15).

One in-process server (WSGI, no latency), one plansync-shaped list of ``--items`` rows in plans of
``--plan-rows`` rows, each row owned by one of ten managers of its plan. The same ``$batch`` of 20
PATCHes is timed three ways in the same run:

* as an **app** (application permissions: no ownership check at all; the baseline);
* as a **site owner** (full control: the roles are looked up, the model short-cuts);
* as each row's **owner** (the ownership model runs, with the plan's team looked up by index);
* 20 **creates** into one plan by an app (baseline), then by a member of its team (the team lookup
  per create, over a plan that grows by 20 rows a round).

Run: ``python benchmarks/permissions.py [--items 10000] [--plan-rows 100] [--rounds 30]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from sync.local_server import TENANT, create_app  # noqa: E402

BASE = "https://127.0.0.1:8443"
OWNER = "owner@council.example"
COLUMNS = [
    {"name": "RowKey", "text": {"maxLength": 255}, "indexed": True, "enforceUniqueValues": True},
    {"name": "Owner", "text": {"maxLength": 255}},
    {"name": "Progress", "text": {"allowMultipleLines": True}},
    {"name": "Status", "choice": {"choices": ["On track", "Signed off"]}},
]


def client(app, email: str) -> httpx.Client:
    c = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)
    answer = c.post(f"/{TENANT}/oauth2/v2.0/token", data={"client_id": "bench", "grant_type": "password",
                                                          "username": email, "password": "local-dev",
                                                          "scope": "Sites.ReadWrite.All"})
    c.headers["Authorization"] = "Bearer " + answer.json()["access_token"]
    return c


def manager(plan: int, n: int) -> str:
    return f"manager{plan}.{n % 10}@council.example"


def timed(c: httpx.Client, body: dict, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        answer = c.post("/v1.0/$batch", json=body)
        times.append(time.perf_counter() - start)
        assert all(r["status"] < 300 for r in answer.json()["responses"]), answer.text[:300]
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--plan-rows", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    app = create_app(site_owners=(OWNER,))
    owner = client(app, OWNER)
    site = owner.get("/v1.0/sites/localhost:/sites/plansync").json()["id"]
    lst = owner.post(f"/v1.0/sites/{site}/lists", json={"displayName": "Actions", "columns": COLUMNS}).json()
    list_id = app.store.find_list(site, lst["id"])["id"]
    plans = max(1, args.items // args.plan_rows)
    who = {"user": {"email": OWNER, "displayName": "Owner"}}
    for n in range(args.items):
        plan = n % plans
        app.store.create_item(list_id, {"RowKey": f"plan{plan}:{n}", "Owner": manager(plan, n), "Progress": "x"},
                              user=who, indexed={"RowKey"}, unique={"RowKey"})
    path = f"/sites/{site}/lists/{lst['id']}/items"
    # Twenty rows of plan 0 owned by one manager (n = 0, 10, 20, ... with plans rows apart).
    mine = [n for n in range(args.items) if n % plans == 0 and n % 10 == 0][:20]
    patch = {"requests": [{"id": str(i), "method": "PATCH", "url": f"{path}/{n + 1}/fields",
                           "body": {"Progress": f"round {i}"}, "headers": {"Content-Type": "application/json"}}
                          for i, n in enumerate(mine)]}
    nightly = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)
    token = nightly.post(f"/{TENANT}/oauth2/v2.0/token", data={"client_id": "bench", "client_secret": "s",
                                                               "grant_type": "client_credentials"}).json()
    nightly.headers["Authorization"] = "Bearer " + token["access_token"]
    baseline = timed(nightly, patch, args.rounds)
    as_owner = timed(owner, patch, args.rounds)
    checked = timed(client(app, manager(0, 0)), patch, args.rounds)
    counter = iter(range(10**9))

    def creates() -> dict:
        return {"requests": [{"id": str(i), "method": "POST", "url": path, "headers": {"Content-Type": "application/json"},
                              "body": {"fields": {"RowKey": f"plan0:new{next(counter)}", "Owner": manager(0, 0)}}}
                             for i in range(20)]}

    def create_batches(c: httpx.Client) -> float:
        times = []
        for _ in range(args.rounds):
            body = creates()
            start = time.perf_counter()
            answer = c.post("/v1.0/$batch", json=body)
            times.append(time.perf_counter() - start)
            assert all(r["status"] == 201 for r in answer.json()["responses"]), answer.text[:300]
        return statistics.median(times) * 1000

    created_by_app = create_batches(nightly)
    created = create_batches(client(app, manager(0, 0)))
    print(f"list: {args.items} items in {plans} plans of {args.plan_rows} rows; median of {args.rounds} batches of 20")
    print(f"PATCH batch as an app (baseline):         {baseline:7.1f} ms")
    print(f"PATCH batch as a site owner:              {as_owner:7.1f} ms  ({as_owner / baseline:.2f}x baseline)")
    print(f"PATCH batch as the rows' owner (checked): {checked:7.1f} ms  ({checked / baseline:.2f}x baseline)")
    print(f"POST batch into plan 0 as an app:         {created_by_app:7.1f} ms  (create baseline)")
    print(f"POST batch into plan 0 as its manager:    {created:7.1f} ms  ({created / created_by_app:.2f}x create baseline)")


if __name__ == "__main__":
    main()

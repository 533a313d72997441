"""Sync benchmark: requests and wall time against the local list server at 50 ms latency.

Measures, in one run, for a plan of N rows (default 10,000):

- an initial sync (every row created), a sync after k rows changed (default 10), a sync with no change;
- beside a one-request-per-row baseline doing the same work (one POST per new row, one PATCH per
  changed row, one GET per row to check for changes), measured on a sample of rows and scaled.

Goals (issue 6): initial <= ceil(N/20)+5 requests, incremental <= ceil(k/20)+3, no change <= 3,
and 10,000 rows in <= 15 s.

And the shared-list case (issue 19): P plans of M actions (default 20 x 500) synced one after another
into ONE list, beside the same plans each in a list of its own: requests and time of each plan's
first sync, and of a k-change sync of the first plan once the others have synced (their P-1 x M
creates are changes it has not seen). Goals: a first sync <= ceil(M/20)+5, the k-change sync <=
ceil(k/20)+3 plus one request per 1,000 changes other plans made since its last sync.

    .venv/bin/python benchmarks/sync.py [--rows 10000] [--changed 10] [--latency-ms 50] [--plans 20] [--plan-rows 500]
    .venv/bin/python benchmarks/sync.py --only shared     # the shared-list case alone
"""

from __future__ import annotations

import argparse
import math
import ssl
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plansync.commands.sync import sync_workbook  # noqa: E402
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook  # noqa: E402
from sync.auth import StaticToken  # noqa: E402
from sync.graph import GraphClient  # noqa: E402
from sync.list_schema import list_columns  # noqa: E402

USER = "ann@council.gov.uk"
HEADER = ["Ref", "Action", "Lead", "Owner sign-in", "Target date", "Status", "Progress"]


def token(server) -> StaticToken:
    context = ssl.create_default_context(cafile=str(server.ca_path))
    answer = httpx.post(
        f"{server.authority}/oauth2/v2.0/token",
        data={"client_id": "bench", "grant_type": "password", "username": USER, "password": "local-dev", "scope": "Sites.ReadWrite.All"},
        verify=context,
    )
    answer.raise_for_status()
    return StaticToken(answer.json()["access_token"], user=USER)


def client(server) -> GraphClient:
    """A Graph client signed in as USER on ``server``."""
    return GraphClient(server.graph_url, auth=token(server), verify=server.ca_path)


def make_book(path: Path, rows: int, plan: str = "Bench plan") -> None:
    wb = openpyxl.Workbook(write_only=False)
    ws = wb.active
    ws.title = "Actions"
    ws.append(HEADER)
    for n in range(rows):
        ws.append([f"{n // 100 + 1}.{n % 100 + 1}", f"Action number {n} of the plan", "Ann Lead", USER, "July 2026", "On track", f"Progress {n}"])
    wb.create_sheet("Settings").append(["Plan name", plan])
    wb.save(path)


def change_rows(path: Path, k: int) -> None:
    wb = openpyxl.load_workbook(path)
    for r in range(2, 2 + k):
        wb["Actions"].cell(r, 7, f"changed {r}")
    wb.save(path)


def shared_list_case(server, folder: Path, plans: int, rows: int, k: int) -> None:
    """P plans synced into one list, beside the same plans in lists of their own; prints the table."""
    books = {}
    for p in range(1, plans + 1):
        for where in ("shared", "own"):
            books[where, p] = folder / f"{where}-{p:02d}.xlsx"
            make_book(books[where, p], rows, plan=f"Plan {p:02d}")
    first: dict[tuple[str, int], tuple[int, float]] = {}
    for where in ("shared", "own"):
        for p in range(1, plans + 1):
            req, secs, counts, _ = timed_sync(books[where, p], server, "Shared" if where == "shared" else f"Own {p:02d}")
            assert counts["created"] == rows, counts
            first[where, p] = (req, secs)
    again: dict[str, tuple[int, float]] = {}
    for where in ("shared", "own"):
        change_rows(books[where, 1], k)
        req, secs, counts, _ = timed_sync(books[where, 1], server, "Shared" if where == "shared" else "Own 01")
        assert counts["updated"] == k, counts
        again[where] = (req, secs)

    goal_first = math.ceil(rows / 20) + 5
    others = (plans - 1) * rows  # changes other plans made since plan 1's first sync
    goal_again = math.ceil(k / 20) + 3 + math.ceil(others / 1000)
    print()
    print(f"Shared list: {plans} plans x {rows} actions in one list vs each in a list of its own, "
          f"server latency {server.latency_ms:g} ms per request")
    print(f"{'first sync of':<14} {'shared req':>10} {'own req':>8} {'goal':>5} {'shared s':>9} {'own s':>7}")
    for p in range(1, plans + 1):
        (sreq, ssec), (oreq, osec) = first["shared", p], first["own", p]
        mark = "ok" if sreq <= goal_first else "OVER"
        print(f"{'Plan %02d' % p:<14} {sreq:>10} {oreq:>8} {goal_first:>4}{mark[0]} {ssec:>9.2f} {osec:>7.2f}")
    total = {w: (sum(first[w, p][0] for p in range(1, plans + 1)), sum(first[w, p][1] for p in range(1, plans + 1)))
             for w in ("shared", "own")}
    print(f"{'all first':<14} {total['shared'][0]:>10} {total['own'][0]:>8} {plans * goal_first:>5} "
          f"{total['shared'][1]:>9.2f} {total['own'][1]:>7.2f}   (requests shared/own: {total['shared'][0] / total['own'][0]:.2f})")
    (sreq, ssec), (oreq, osec) = again["shared"], again["own"]
    mark = "ok" if sreq <= goal_again else "OVER"
    print(f"{f'{k}-change':<14} {sreq:>10} {oreq:>8} {goal_again:>4}{mark[0]} {ssec:>9.2f} {osec:>7.2f}"
          f"   (plan 01, after {others:,} changes by the other plans; goal = ceil(k/20)+3 + 1 per 1,000 of them)")


def timed_sync(path: Path, server, list_name: str) -> tuple[int, float, dict, float]:
    """(requests, wall seconds, --json counts, seconds spent sending changes)."""
    tok = token(server)
    marks: dict[str, float] = {}

    def progress(message: str, fraction: float) -> None:
        for stage in ("Sending changes", "Saving the workbook"):
            if message == stage:
                marks[stage] = time.perf_counter()

    started = time.perf_counter()
    book = OpenpyxlWorkbook.open(path, write=True)
    with GraphClient(server.graph_url, auth=tok, verify=server.ca_path) as gc:
        result = sync_workbook(book, client=gc, list_name=list_name, today=date(2026, 1, 15), progress=progress)
    sending = marks.get("Saving the workbook", 0.0) - marks.get("Sending changes", 0.0)
    return result.requests, time.perf_counter() - started, result.to_json(), sending


def baseline(server, list_name: str, sample: int) -> tuple[float, float, float]:
    """Seconds per row of a one-request-per-row sync: (create, update, check)."""
    with client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        lst = gc.ensure_list(site["id"], list_name, list_columns())
        ids = []
        started = time.perf_counter()
        for n in range(sample):
            ids.append(gc.create_item(site["id"], lst["id"], {"RowKey": f"base:{n}", "Action": f"Action {n}", "Progress": "x"})["id"])
        create = (time.perf_counter() - started) / sample
        started = time.perf_counter()
        for item_id in ids:
            gc.update_fields(site["id"], lst["id"], item_id, {"Progress": "y"})
        update = (time.perf_counter() - started) / sample
        started = time.perf_counter()
        for item_id in ids:
            gc.get_item(site["id"], lst["id"], item_id)
        check = (time.perf_counter() - started) / sample
    return create, update, check


class ServerProcess:
    """The local list server in its own process (its own CPU, as in real use), at ``latency_ms``."""

    def __init__(self, home: Path, latency_ms: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.local_server", "--home", str(home), "--latency-ms", str(latency_ms)],
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        ready = dict(self.proc.stdout.readline().strip().split(": ", 1) for _ in range(3))
        self.graph_url, self.authority, self.ca_path = ready["graph"], ready["authority"], ready["ca"]
        self.latency_ms = latency_ms

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--baseline-sample", type=int, default=100)
    parser.add_argument("--plans", type=int, default=20, help="plans sharing one list (shared-list case)")
    parser.add_argument("--plan-rows", type=int, default=500, help="actions per plan (shared-list case)")
    parser.add_argument("--only", choices=("single", "shared"), default=None, help="run one case only")
    parser.add_argument("--server-home", type=Path, default=None,
                        help="where the server keeps its SQLite file (default: a temporary folder; /dev/shm shows the cost without disk syncs)")
    args = parser.parse_args()
    if args.only != "shared":
        single_plan_case(args)
    if args.only != "single":
        with tempfile.TemporaryDirectory() as tmp, ServerProcess(Path(tmp) / "server", args.latency_ms) as server:
            shared_list_case(server, Path(tmp), args.plans, args.plan_rows, args.changed)


def single_plan_case(args) -> None:
    n, k = args.rows, args.changed

    with tempfile.TemporaryDirectory() as tmp, ServerProcess(
        Path(tempfile.mkdtemp(dir=args.server_home)) if args.server_home else Path(tmp) / "server", args.latency_ms
    ) as server:
        path = Path(tmp) / "plan.xlsx"
        make_book(path, n)

        init_req, init_s, init_json, init_send = timed_sync(path, server, "Bench")
        assert init_json["created"] == n, init_json

        change_rows(path, k)
        inc_req, inc_s, inc_json, inc_send = timed_sync(path, server, "Bench")
        assert inc_json["updated"] == k, inc_json

        none_req, none_s, none_json, none_send = timed_sync(path, server, "Bench")
        assert none_json["unchanged"] == n, none_json

        create, update, check = baseline(server, "Baseline", args.baseline_sample)

    goals = {
        "initial": math.ceil(n / 20) + 5,
        "incremental": math.ceil(k / 20) + 3,
        "no change": 3,
    }
    base = {
        "initial": (n, n * create),
        "incremental": (n + k, n * check + k * update),
        "no change": (n, n * check),
    }
    ours = {"initial": (init_req, init_s, init_send), "incremental": (inc_req, inc_s, inc_send), "no change": (none_req, none_s, none_send)}
    print(f"Sync benchmark: {n} rows, {k} changed, server latency {args.latency_ms:g} ms per request")
    print(f"Baseline: one request per row (measured on {args.baseline_sample} rows, scaled to {n}).")
    print(f"{'case':<12} {'requests':>9} {'goal':>6} {'baseline req':>13} {'seconds':>8} {'sending':>8} {'baseline s':>11} {'speed-up':>9}")
    for case in ("initial", "incremental", "no change"):
        req, secs, send = ours[case]
        breq, bsecs = base[case]
        ok = "ok" if req <= goals[case] else "OVER"
        print(f"{case:<12} {req:>9} {goals[case]:>5}{ok[0]} {breq:>13} {secs:>8.2f} {send:>8.2f} {bsecs:>11.1f} {bsecs / secs:>8.1f}x")
    print("(seconds = the whole command: open, validate, read the list, send, save the workbook; sending = the writes alone)")
    verdict = "ok" if init_s <= 15 or n != 10_000 else "OVER"
    print(f"Initial sync of {n} rows: {init_s:.2f} s (goal for 10,000 rows: 15 s) {verdict}")


if __name__ == "__main__":
    main()

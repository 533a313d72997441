"""Sync benchmark: requests and wall time against the local list server at 50 ms latency.

Measures, in one run, for a plan of N rows (default 10,000):

- an initial sync (every row created), a sync after k rows changed (default 10), a sync with no change;
- beside a one-request-per-row baseline doing the same work (one POST per new row, one PATCH per
  changed row, one GET per row to check for changes), measured on a sample of rows and scaled.

Goals (issue 6): initial <= ceil(N/20)+5 requests, incremental <= ceil(k/20)+3, no change <= 3,
and 10,000 rows in <= 15 s.

    /work/venv/bin/python benchmarks/sync.py [--rows 10000] [--changed 10] [--latency-ms 50]
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


def make_book(path: Path, rows: int) -> None:
    wb = openpyxl.Workbook(write_only=False)
    ws = wb.active
    ws.title = "Actions"
    ws.append(HEADER)
    for n in range(rows):
        ws.append([f"{n // 100 + 1}.{n % 100 + 1}", f"Action number {n} of the plan", "Ann Lead", USER, "July 2026", "On track", f"Progress {n}"])
    wb.create_sheet("Settings").append(["Plan name", "Bench plan"])
    wb.save(path)


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
    with GraphClient(server.graph_url, auth=token(server), verify=server.ca_path) as gc:
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
    parser.add_argument("--server-home", type=Path, default=None,
                        help="where the server keeps its SQLite file (default: a temporary folder; /dev/shm shows the cost without disk syncs)")
    args = parser.parse_args()
    n, k = args.rows, args.changed

    with tempfile.TemporaryDirectory() as tmp, ServerProcess(
        Path(tempfile.mkdtemp(dir=args.server_home)) if args.server_home else Path(tmp) / "server", args.latency_ms
    ) as server:
        path = Path(tmp) / "plan.xlsx"
        make_book(path, n)

        init_req, init_s, init_json, init_send = timed_sync(path, server, "Bench")
        assert init_json["created"] == n, init_json

        wb = openpyxl.load_workbook(path)
        for r in range(2, 2 + k):
            wb["Actions"].cell(r, 7, f"changed {r}")
        wb.save(path)
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

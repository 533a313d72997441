"""Refresh benchmark: requests and wall time of ``plansync refresh`` on a list of N items at 50 ms latency.

A plan of N rows (default 10,000) is synced on day D. Three sets of K actions (default 200) are
due 31, 32 and 33 days after D, so each of the next three days K items turn from Green to Amber.
Measured in one run, against the local list server in its own process at ``--latency-ms``:

- first run (day D): the whole list read, nothing to write;
- next day (D+1): K items change rating: one delta round (nothing changed in the list), the plans'
  rules, ceil(K/20) batches. Goal (issue 18): <= ceil(K/20) + 3 requests;
- day D+2, steady state: the delta round also brings back the K items the job wrote yesterday;
- day D+3, **baseline**: the same job with its cache deleted, so it reads the whole list again
  before writing its K changes (what a refresh without the cache would cost every day).

    .venv/bin/python benchmarks/refresh.py [--rows 10000] [--changed 200] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sync import HEADER, USER, ServerProcess, client  # noqa: E402
from plansync.commands.refresh import refresh_list  # noqa: E402
from plansync.commands.sync import sync_workbook  # noqa: E402
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook  # noqa: E402

DAY = date(2026, 1, 15)


def make_book(path: Path, rows: int, changed: int) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Actions"
    ws.append(HEADER)
    for n in range(rows):
        if n < 3 * changed:  # set s turns Amber on day D+1+s
            target = (DAY + timedelta(days=31 + n // changed)).strftime("%d/%m/%Y")
        else:
            target = "July 2027"
        ws.append([f"{n // 100 + 1}.{n % 100 + 1}", f"Action number {n} of the plan", "Ann Lead", USER, target, "On track", f"Progress {n}"])
    wb.create_sheet("Settings").append(["Plan name", "Bench plan"])
    wb.save(path)


def run(server: ServerProcess, day: date, home: Path):
    with client(server) as gc:
        return refresh_list(client=gc, list_name="Bench", today=day, environ={"PLANSYNC_HOME": str(home)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50)
    args = parser.parse_args()
    n, k = args.rows, args.changed

    with tempfile.TemporaryDirectory() as tmp:
        server_home, home = Path(tmp) / "server", Path(tmp) / "home"
        os.environ["PLANSYNC_HOME"] = str(home)  # where sync records the plan's stored rules
        path = Path(tmp) / "plan.xlsx"
        make_book(path, n, k)
        started = time.perf_counter()
        with ServerProcess(server_home, 0) as server, client(server) as gc:  # setting up needs no latency
            sync_workbook(OpenpyxlWorkbook.open(path, write=True), client=gc, list_name="Bench", today=DAY)
        setup = time.perf_counter() - started

        with ServerProcess(server_home, args.latency_ms) as server:
            first = run(server, DAY, home)
            nxt = run(server, DAY + timedelta(days=1), home)
            steady = run(server, DAY + timedelta(days=2), home)
            shutil.rmtree(home / "refresh")  # the baseline: no cache, the whole list read again
            base = run(server, DAY + timedelta(days=3), home)

    written = (first.written, nxt.written, steady.written, base.written)
    assert written == (0, k, k, k), written
    goal = math.ceil(k / 20) + 3
    print(f"Refresh benchmark: {n} items, {k} change rating per day, server latency {args.latency_ms:g} ms per request")
    print(f"(set-up: a sync of {n} rows at no latency, {setup:.1f} s)")
    print(f"{'run':<34} {'requests':>9} {'goal':>6} {'read':>7} {'written':>8} {'seconds':>8}")
    rows = [
        ("first run (whole list read)", first, None),
        ("next day, after the first run", nxt, goal),
        ("day after: reads back its writes", steady, goal),
        ("baseline: a day later, no cache", base, None),
    ]
    for name, r, g in rows:
        verdict = "" if g is None else (" ok" if r.requests <= g else " OVER")
        print(f"{name:<34} {r.requests:>9} {str(g or '-') + verdict:>6} {r.read:>7} {r.written:>8} {r.seconds:>8.2f}")
    print(f"After the first run: {nxt.requests} requests (goal <= ceil({k}/20) + 3 = {goal}), "
          f"{base.requests / nxt.requests:.1f}x fewer requests and {base.seconds / nxt.seconds:.1f}x less time than the baseline")


if __name__ == "__main__":
    main()

"""Pull benchmark: requests and wall time of ``pull_consolidated`` against the local list server.

Measures, in one run, with P plans of N actions each synced to one list (default 4 x 1,000):

- the first pull (the whole list: change-log link + every page) = the baseline;
- a pull after k actions changed in one plan (default 10): one delta round;
- a pull with nothing changed.

Prints requests and seconds for each, and the ratio of each later pull to the first one; then
the same for reading the list alone (``sync.consolidated.read_list``), since a whole pull of a
large workbook from disk is mostly openpyxl opening and saving the file (in Excel, the add-in
works on the open workbook and pays neither).

Then the History sheet's cost (issue 16), on a list of its own with H plans of M actions (default
20 x 500): the requests and seconds to read every item's versions (the first pull; baseline), and
a history refresh after k actions changed (one delta round plus one ``$batch`` per 20 changed
items) and with nothing changed, beside what reading versions one item per request would cost.

    /work/venv/bin/python benchmarks/pull.py [--plans 4] [--actions 1000] [--changed 10] [--latency-ms 20]
        [--history-plans 20] [--history-actions 500] [--only-history]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The sync benchmark's plan header, identity and sign-in against the local list server.
from benchmarks.sync import HEADER, USER, client  # noqa: E402
from plansync.commands.pull import pull_consolidated  # noqa: E402
from plansync.commands.sync import sync_workbook  # noqa: E402
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook  # noqa: E402
from sync.consolidated import read_list  # noqa: E402
from plansync.history_sheet import fill_histories  # noqa: E402
from sync.local_server import serve_in_thread  # noqa: E402

TODAY = date(2026, 8, 1)


def make_plan(path: Path, name: str, actions: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Actions"
    ws.append(HEADER)
    for n in range(actions):
        ws.append([f"{n // 100 + 1}.{n % 100 + 1}", f"Action {n} of {name}", "Ann Lead", USER, ("July 2026", "December 2026")[n % 2], "On track", f"Progress {n}"])
    settings = wb.create_sheet("Settings")
    settings.append(["Plan name", name])
    wb.save(path)
    return path


def timed_pull(server, board: Path) -> tuple[int, float]:
    with client(server) as gc:
        started = time.perf_counter()
        result = pull_consolidated(board, client=gc, list_name="Actions", today=TODAY)
        return result.requests, time.perf_counter() - started


def timed_reads(server, plan: Path, changed: int) -> list[tuple[int, float]]:
    """The list read alone: whole, then incremental after ``changed`` more actions were synced."""
    with client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        list_id = gc.get_list(site["id"], "Actions")["id"]
        before = gc.requests
        started = time.perf_counter()
        whole = read_list(gc, site["id"], list_id, known=None, link=None)
        out = [(gc.requests - before, time.perf_counter() - started)]
        wb = openpyxl.load_workbook(plan)
        for r in range(2, 2 + changed):
            wb["Actions"].cell(r, 7, "Changed again")
        wb.save(plan)
        sync_workbook(OpenpyxlWorkbook.open(plan, write=True), client=gc, list_name="Actions", today=TODAY)
        before = gc.requests
        started = time.perf_counter()
        read_list(gc, site["id"], list_id, known=whole.items, link=whole.delta_link)
        out.append((gc.requests - before, time.perf_counter() - started))
    return out


def history_costs(server, folder: Path, plans: int, actions: int, changed: int) -> list[tuple[str, int, float]]:
    """Requests and seconds of the History sheet's version reads: every item, then a refresh after
    ``changed`` actions changed, then one with nothing changed (list reads included in the refreshes)."""
    paths = [make_plan(folder / f"history{p}.xlsx", f"History plan {p + 1}", actions) for p in range(plans)]
    for path in paths:
        with client(server) as gc:
            sync_workbook(OpenpyxlWorkbook.open(path, write=True), client=gc, list_name="History bench", today=TODAY)
    out = []
    with client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        list_id = gc.get_list(site["id"], "History bench")["id"]
        read = read_list(gc, site["id"], list_id, known=None, link=None)
        before, started = gc.requests, time.perf_counter()
        fill_histories(gc, site["id"], list_id, read.items)
        out.append(("every item's versions (first)", gc.requests - before, time.perf_counter() - started))
        wb = openpyxl.load_workbook(paths[0])
        for r in range(2, 2 + changed):
            wb["Actions"].cell(r, 6, "At risk")
        wb.save(paths[0])
        sync_workbook(OpenpyxlWorkbook.open(paths[0], write=True), client=gc, list_name="History bench", today=TODAY)
        for label in (f"refresh, {changed} changed", "refresh, nothing changed"):
            before, started = gc.requests, time.perf_counter()
            read = read_list(gc, site["id"], list_id, known=read.items, link=read.delta_link)
            fill_histories(gc, site["id"], list_id, read.items)
            out.append((label, gc.requests - before, time.perf_counter() - started))
    return out


def print_history(costs: list[tuple[str, int, float]], plans: int, actions: int, changed: int) -> None:
    total = plans * actions
    print(f"History sheet: {plans} plans x {actions} actions = {total} actions, {changed} changed")
    print(f"{'history read':<34}{'requests':>9}{'seconds':>9}{'x first':>9}")
    first = costs[0]
    for label, requests, seconds in costs:
        print(f"{label:<34}{requests:>9}{seconds:>9.2f}{seconds / first[2]:>9.2f}")
    print(f"{'(one request per item instead)':<34}{total:>9}   the refresh costs {costs[1][1]} requests, "
          f"{total / max(costs[1][1], 1):.0f}x fewer than reading every item's versions one by one")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=4)
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--history-plans", type=int, default=20)
    parser.add_argument("--history-actions", type=int, default=500)
    parser.add_argument("--only-history", action="store_true", help="Measure the History sheet's cost only.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, serve_in_thread(Path(folder) / "server", latency_ms=args.latency_ms) as server:
        costs = history_costs(server, Path(folder), args.history_plans, args.history_actions, args.changed)
        print_history(costs, args.history_plans, args.history_actions, args.changed)
        if args.only_history:
            return
        plans = [make_plan(Path(folder) / f"plan{p}.xlsx", f"Plan {p + 1}", args.actions) for p in range(args.plans)]
        for path in plans:
            with client(server) as gc:
                sync_workbook(OpenpyxlWorkbook.open(path, write=True), client=gc, list_name="Actions", today=TODAY)
        board = Path(folder) / "board.xlsx"
        full = timed_pull(server, board)
        wb = openpyxl.load_workbook(plans[0])
        for r in range(2, 2 + args.changed):
            wb["Actions"].cell(r, 7, "Changed for the benchmark")
        wb.save(plans[0])
        with client(server) as gc:
            sync_workbook(OpenpyxlWorkbook.open(plans[0], write=True), client=gc, list_name="Actions", today=TODAY)
        changed = timed_pull(server, board)
        unchanged = timed_pull(server, board)
        reads = timed_reads(server, plans[0], args.changed)
    total = args.plans * args.actions
    print(f"{args.plans} plans x {args.actions} actions = {total} actions, server latency {args.latency_ms} ms")
    print(f"{'pull':<28}{'requests':>9}{'seconds':>9}{'x first':>9}")
    for label, (requests, seconds) in (
        ("first (whole list, baseline)", full),
        (f"after {args.changed} changed", changed),
        ("nothing changed", unchanged),
    ):
        print(f"{label:<28}{requests:>9}{seconds:>9.2f}{seconds / full[1]:>9.2f}")
    print(f"{'list read alone':<28}{'requests':>9}{'seconds':>9}{'x first':>9}")
    for label, (requests, seconds) in zip(("whole list (baseline)", f"after {args.changed} changed"), reads):
        print(f"{label:<28}{requests:>9}{seconds:>9.2f}{seconds / reads[0][1]:>9.2f}")


if __name__ == "__main__":
    main()

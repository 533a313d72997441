"""Sync and pull over real HTTPS against a local list server that throttles and fails (issue 19).

Each test checks the end state, not only that the command returned: every row of the workbook is in
the list exactly once with the workbook's values (no duplicate from a retried create, no loss, no
item half-written), and the workbook's sync state agrees (a sync after it, with no faults, has
nothing to do). Waits are Retry-After 0 and a tiny backoff, so the suite stays fast.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from plansync.commands.pull import pull_consolidated
from plansync.commands.sync import sync_workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sync.graph import GraphClient
from sync.local_server import serve_in_thread
from sync.retry import RetryPolicy
from synced_plans import ANN, action_row, edit, token, tracker

TODAY = date(2026, 1, 15)
FAST = RetryPolicy(budget=120.0, base=0.001, cap=0.01)
ROWS = 2000


def make_book(path: Path, count: int, *, plan: str = "York 2022") -> Path:
    rows = [action_row(f"{n // 100 + 1}.{n % 100}", action=f"Action {n}", progress=f"Progress {n}") for n in range(1, count + 1)]
    return tracker(path, rows, plan=plan)


def faulty_client(server, *, policy: RetryPolicy = FAST, timeout: float = 60.0) -> GraphClient:
    # Real sleeps (tiny ones): a hung connection must really time out.
    return GraphClient(server.graph_url, auth=token(server, ANN), verify=server.ca_path, retry=policy, timeout=timeout)


def sync(path: Path, gc: GraphClient, list_name: str = "Actions"):
    with gc:
        return sync_workbook(OpenpyxlWorkbook.open(path, write=True), client=gc, list_name=list_name, today=TODAY,
                             now=datetime(2026, 1, 15, 9, 30))


def listed(server, list_name: str = "Actions") -> dict[str, dict]:
    """The list's items by row key, asserting that no key is there twice."""
    with faulty_client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        lst = gc.get_list(site["id"], list_name)
        found = list(gc.iter_items(site["id"], lst["id"]))
    keys = [i["fields"]["RowKey"] for i in found]
    assert len(keys) == len(set(keys)), "a retried create made a second item"
    return {i["fields"]["RowKey"]: i["fields"] for i in found}


def workbook_rows(path: Path) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(path)["Actions"]
    return {f"york-2022:{r[0]}": r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None}


def assert_list_matches(path: Path, server) -> None:
    rows, items = workbook_rows(path), listed(server)
    assert sorted(rows) == sorted(items)
    # Every item whole: the action, status and progress of its row (a torn item would lack some).
    assert [(r[1], r[5], r[6]) for _, r in sorted(rows.items())] == [
        (items[k]["Action"], items[k]["Status"], items[k]["Progress"]) for k in sorted(rows)
    ]


def quiet(server):
    server.app.faults.throttle_rate = server.app.faults.fail_rate = 0.0


FAULTS = [dict(throttle_rate=0.3), dict(fail_rate=0.2)]
FAULT_IDS = ["throttled-30", "failing-20"]


def inject(server, faults: dict) -> None:
    server.app.faults.throttle_rate = faults.get("throttle_rate", 0.0)
    server.app.faults.fail_rate = faults.get("fail_rate", 0.0)


@pytest.mark.parametrize("faults", FAULTS, ids=FAULT_IDS)
def test_a_first_sync_of_2000_rows_completes_in_one_run_under_faults(tmp_path, faults):
    path = make_book(tmp_path / "plan.xlsx", ROWS)
    with serve_in_thread(tmp_path / "server", seed=19, retry_after=0, hang_seconds=0.6, **faults) as server:
        gc = faulty_client(server, timeout=0.5)
        first = sync(path, gc)
        assert [] == first.failed
        assert gc.retries > 0  # the faults were there, and were ridden out
        # A create whose answer was lost (a 504 or a drop after the write) was adopted, never made twice.
        assert ROWS == len(first.plan.creates) + len(first.plan.unchanged)
        # ... and counted as created by this run: the end line says what the run did (sync.lost_answers).
        assert f"Synced {ROWS} actions: {ROWS} created" == first.summary
        quiet(server)
        assert_list_matches(path, server)
        # The workbook's own record of the sync is exact too: nothing left to send or bring in.
        after = sync(path, faulty_client(server))
        assert (0, 0, 0, ROWS) == (len(after.plan.creates), len(after.plan.updates), len(after.plan.pulls),
                                   len(after.plan.unchanged))


@pytest.mark.parametrize("faults", FAULTS, ids=FAULT_IDS)
def test_a_later_sync_and_a_pull_complete_in_one_run_under_faults(tmp_path, faults):
    path = make_book(tmp_path / "plan.xlsx", 300)
    with serve_in_thread(tmp_path / "server", seed=7, retry_after=0, hang_seconds=0.6) as server:
        sync(path, faulty_client(server))
        with faulty_client(server) as gc:  # someone changes an item in SharePoint meanwhile
            site = gc.get_site(None, "/sites/plansync")
            lst = gc.get_list(site["id"], "Actions")
            item = next(i for i in gc.iter_items(site["id"], lst["id"]) if i["fields"]["RowKey"] == "york-2022:2.50")
            gc.update_fields(site["id"], lst["id"], item["id"], {"Progress": "typed in SharePoint"})
        edit(path, {(r, "Progress"): f"edited {r}" for r in range(2, 62)} | {(70, "Status"): "At risk"}, delete_rows=[300])
        inject(server, faults)
        second = sync(path, faulty_client(server, timeout=0.5))
        assert ([], ["york-2022:2.50"], 1) == (second.failed, [p.key for p in second.plan.pulls], len(second.plan.withdrawals))
        # A write whose answer was lost and that the merge made again finds done still counts, once:
        # 60 progress edits and a status (sync.lost_answers).
        assert "Synced 299 actions: 61 updated, 1 brought in from the list, 1 withdrawn" == second.summary
        with faulty_client(server, timeout=0.5) as gc:
            pulled = pull_consolidated(tmp_path / "board.xlsx", client=gc, list_name="Actions", today=TODAY)
        quiet(server)
        rows, items = workbook_rows(path), listed(server)
        live = {k: f for k, f in items.items() if not f.get("Withdrawn")}
        assert sorted(rows) == sorted(live)
        assert [r[6] for _, r in sorted(rows.items())] == [live[k]["Progress"] for k in sorted(rows)]
        assert "typed in SharePoint" == rows["york-2022:2.50"][6]
        assert 299 == pulled.summary.actions
        table = openpyxl.load_workbook(tmp_path / "board.xlsx")["Consolidated"]
        header = [c.value for c in table[1]]
        keys = [r[header.index("Row key")] for r in table.iter_rows(min_row=2, values_only=True)]
        assert sorted(rows) == sorted(k for k in keys if k)


class BusyOnceWriting(GraphClient):
    """A client whose server turns very busy as soon as the first batch of writes goes out."""

    server = None

    def batch(self, requests):
        self.server.app.faults.throttle_rate = 0.9
        return super().batch(requests)


def test_when_the_retry_budget_is_spent_the_sync_stops_says_how_far_it_got_and_the_next_run_finishes(tmp_path):
    path = make_book(tmp_path / "plan.xlsx", 200)
    with serve_in_thread(tmp_path / "server", seed=3, retry_after=0.02) as server:
        gc = BusyOnceWriting(server.graph_url, auth=token(server, ANN), verify=server.ca_path,
                             retry=RetryPolicy(budget=0.3, base=0.01, cap=0.02))
        gc.server = server
        first = sync(path, gc)
        quiet(server)
        assert first.failed, "the budget was meant to run out"
        assert all(f.message.startswith(f"Row {f.key} was not sent: SharePoint stayed busy or failing")
                   and "retry budget" in f.message for f in first.failed)
        # How far it got: every row is either in the list or named as not sent, never both.
        in_list = set(listed(server))
        assert in_list.isdisjoint(f.key for f in first.failed)
        assert 200 == len(in_list) + len(first.failed)
        second = sync(path, faulty_client(server))
        assert [] == second.failed
        assert sorted(f.key for f in first.failed) == sorted(c.key for c in second.plan.creates)
        assert_list_matches(path, server)

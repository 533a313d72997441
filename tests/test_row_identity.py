"""Rows without a ref keep their identity: an interrupted first sync is finished, not duplicated (issue 19).

The sync is killed after the list has made some of its creates, the rows' words are edited, and
the sync is run again: every row has exactly one item, carrying its new words.
"""

from __future__ import annotations

import ssl
import threading
from datetime import date, datetime
from pathlib import Path

import httpx
import openpyxl
import pytest

from plansync.commands.sync import sync_workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sync.graph import GraphClient
import synced_plans
from synced_plans import ANN, COL, action_row, client, https_server, token, tracker

TODAY = date(2026, 1, 15)


server = https_server(site_owners=())


class Killed(Exception):
    """The process dies here."""


class KilledAfterBatch(httpx.BaseTransport):
    """Real HTTPS; the process dies once the server has carried out ``at`` JSON batches."""

    def __init__(self, ca_path, at: int) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(ca_path)))
        self.at, self.batches = at, 0
        self.lock = threading.Lock()

    def handle_request(self, request):
        with self.lock:
            if self.batches >= self.at:
                raise Killed()  # dead: batches still queued in other threads never go out
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/$batch"):
            with self.lock:
                self.batches += 1
                dead = self.batches >= self.at
            if dead:
                response.read()
                raise Killed()
        return response

    def close(self):
        self.inner.close()


def make_book(path: Path, texts: list[str]) -> Path:
    return tracker(path, [action_row(None, action=text) for text in texts])


def sync(path, gc, list_name):
    with gc:
        return sync_workbook(OpenpyxlWorkbook.open(path, write=True), client=gc, list_name=list_name, today=TODAY, now=datetime(2026, 1, 15, 9, 30))


def items(server, list_name) -> list[dict]:
    return [i["fields"] for i in synced_plans.items(server, list_name)]


def texts(path: Path) -> list[str]:
    return [r[COL["Action"] - 1] for r in openpyxl.load_workbook(path)["Actions"].iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("killed_after", [1, 3, 6, 10, 15])
def test_a_first_sync_killed_after_some_creates_then_edited_is_finished_not_duplicated(server, tmp_path, killed_after):
    list_name = f"identity-killed-{killed_after}"
    path = make_book(tmp_path / "plan.xlsx", [f"Review the care plans of team {n}" for n in range(1, 401)])
    gc = GraphClient(server.graph_url, auth=token(server, ANN), transport=KilledAfterBatch(server.ca_path, killed_after), sleep=lambda s: None)
    with pytest.raises(Killed):
        sync(path, gc, list_name)
    made = len(items(server, list_name))
    assert 0 < made < 400  # the list made some creates, the workbook recorded none of them

    # Between the runs, a person rewords every row (the words are what a ref-less key came from).
    wb = openpyxl.load_workbook(path)
    for line in wb["Actions"].iter_rows(min_row=2, min_col=COL["Action"], max_col=COL["Action"]):
        line[0].value = line[0].value.replace("Review", "Audit")
    wb.save(path)

    finished = sync(path, client(server), list_name)

    listed = items(server, list_name)
    assert (400, [], 400 - made) == (len(listed), finished.failed, len(finished.plan.creates))
    assert sorted(texts(path)) == sorted(i["Action"] for i in listed)
    assert 400 == len({i["RowKey"] for i in listed})
    again = sync(path, client(server), list_name)
    assert "Synced 400 actions: nothing to change" == again.summary


def test_rows_reworded_and_moved_after_a_killed_first_sync_leave_one_live_item_each(server, tmp_path):
    list_name = "identity-killed-moved"
    path = make_book(tmp_path / "plan.xlsx", [f"Review the care plans of team {n}" for n in range(1, 401)])
    gc = GraphClient(server.graph_url, auth=token(server, ANN), transport=KilledAfterBatch(server.ca_path, 6), sleep=lambda s: None)
    with pytest.raises(Killed):
        sync(path, gc, list_name)
    # The first 300 rows removed and the rest reworded: some items the killed sync made now belong
    # to no row (neither their words nor their places are left).
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    ws.delete_rows(2, 300)
    for line in ws.iter_rows(min_row=2, min_col=COL["Action"], max_col=COL["Action"]):
        line[0].value = line[0].value.replace("Review", "Audit")
    wb.save(path)

    finished = sync(path, client(server), list_name)

    assert [] == finished.failed
    listed = items(server, list_name)
    live = [i for i in listed if not i.get("Withdrawn")]
    assert (100, sorted(texts(path))) == (len(live), sorted(i["Action"] for i in live))
    assert len(listed) == len({i["RowKey"] for i in listed})
    assert "nothing to change" in sync(path, client(server), list_name).summary


def test_a_synced_row_without_a_ref_keeps_its_item_when_its_words_change_twice(server, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", ["Set up a review panel", "Train the panel"])
    first = sync(path, client(server), "identity-words")
    keys = sorted(c.key for c in first.plan.creates)
    for words in ("Set up a review panel with partners", "Set up a joint review panel"):
        wb = openpyxl.load_workbook(path)
        wb["Actions"].cell(2, COL["Action"], words)
        wb.save(path)
        again = sync(path, client(server), "identity-words")
        assert ([], 1) == (again.plan.creates, len(again.plan.updates))
    listed = items(server, "identity-words")
    assert keys == sorted(i["RowKey"] for i in listed)
    assert {"Set up a joint review panel", "Train the panel"} == {i["Action"] for i in listed}

"""Many plans in one list at close to the cost of one (issue 19), counted in HTTP requests.

A first sync of a plan into a busy list reads only that plan's items (an indexed-column filter on
the row key) and costs <= ceil(N/20) + 5; a later sync of k changed rows costs <= ceil(k/20) + 3
plus one request per 1,000 changes the other plans made since.
"""

from __future__ import annotations

import math
from datetime import datetime

import pytest
from _local_server_support import client_for, make_list

from plansync.commands.sync import sync_workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sync.batching import create_item_request
from sync.local_server import create_app, serve_in_thread
from synced_plans import action_row, client, edit, tracker

ROWS, OTHERS, CHANGED = 45, 1100, 10


def plan_book(path, plan: str, rows: int = ROWS):
    return tracker(path, [action_row(f"1.{n}", action=f"Action {n}") for n in range(1, rows + 1)], plan=plan)


def sync(path, server):
    with client(server) as gc:
        return sync_workbook(OpenpyxlWorkbook.open(path, write=True), client=gc, list_name="Shared",
                             now=datetime(2026, 1, 15, 9, 30))


def other_plans_write(server, count: int) -> None:
    """Other teams' syncs: ``count`` new items of other plans, straight into the list."""
    with client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        lst = gc.get_list(site["id"], "Shared")
        start = len(list(gc.iter_items(site["id"], lst["id"], top=5000)))
        requests = [create_item_request(str(n), site["id"], lst["id"], {"RowKey": f"other-{n % 7}:{start + n}",
                                                                          "Action": "theirs"}) for n in range(count)]
        assert all(a.ok for a in gc.batch(requests))


@pytest.fixture
def server(tmp_path):
    with serve_in_thread(tmp_path / "server") as running:
        yield running


def test_a_first_sync_into_a_busy_list_reads_only_its_own_plan(server, tmp_path):
    sync(plan_book(tmp_path / "leeds.xlsx", "Leeds"), server)
    other_plans_write(server, OTHERS)
    york = sync(plan_book(tmp_path / "york.xlsx", "York"), server)
    assert ([], ROWS) == (york.failed, len(york.plan.creates))
    assert york.requests <= math.ceil(ROWS / 20) + 5
    # The filtered read did bring York's rows: a second York sync finds all of them unchanged.
    again = sync(tmp_path / "york.xlsx", server)
    assert (ROWS, 0) == (len(again.plan.unchanged), again.plan.writes)


def test_a_later_sync_pays_one_request_per_1000_changes_of_other_plans(server, tmp_path):
    path = plan_book(tmp_path / "leeds.xlsx", "Leeds")
    sync(path, server)
    other_plans_write(server, OTHERS)
    edit(path, {(r, "Progress"): f"changed {r}" for r in range(2, 2 + CHANGED)})
    result = sync(path, server)
    assert ([], CHANGED, []) == (result.failed, len(result.plan.updates), result.plan.pulls)
    assert result.requests <= math.ceil(CHANGED / 20) + 3 + math.ceil(OTHERS / 1000)


def test_the_server_filters_by_key_prefix_on_the_index_and_pages_as_the_client_prefers():
    app = create_app(page_size=3)
    http = client_for(app)
    items = make_list(http)
    for n in range(12):
        assert 201 == http.post(items, json={"fields": {"RowKey": f"{'york' if n % 3 else 'leeds'}:{n}"}}).status_code
    url = items + "?$expand=fields&$filter=startswith(fields/RowKey,'york:')"
    page = http.get(url, headers={"Prefer": "odata.maxpagesize=5"}).json()
    assert 5 == len(page["value"]) and "@odata.nextLink" in page
    rest = http.get(page["@odata.nextLink"], headers={"Prefer": "odata.maxpagesize=5"}).json()
    keys = [i["fields"]["RowKey"] for i in page["value"] + rest["value"]]
    assert sorted(keys) == sorted(f"york:{n}" for n in range(12) if n % 3)
    delta = http.get(items + "/delta", headers={"Prefer": "odata.maxpagesize=10"}).json()
    assert 10 == len(delta["value"])  # not the server's default page of 3
    app.close()

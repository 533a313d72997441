"""Derived fields (Due, RAG, Overdue, Days overdue) on a sync that brings in someone's change (issue 19).

A manager's sync never writes any field, derived ones included, into a row the manager may not
change; and BRAG is rated on the values brought in before anything is sent.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl

from plansync.commands.sync import sync_workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sync.graph import GraphClient
import synced_plans
from synced_plans import ANN, EditBeforeFirstBatch, action_row, client, edit, https_server, items_by, list_edit, per_test_list, token, tracker

BOB, SUE = "bob@council.gov.uk", "sue@council.gov.uk"
TODAY = date(2026, 1, 15)


# Sue holds the support role on the site (issue 15); the workbooks' Settings only show it.
server = https_server(SUE)
list_name = per_test_list("derived-", 50)


def make_book(path: Path, rows, support=()) -> Path:
    return tracker(path, [action_row(ref, lead="Lead", owner=owner) for ref, owner in rows], support=support)


def sync(path, server, list_name, user, **kw):
    return synced_plans.sync(path, server, list_name, user, today=TODAY, now=datetime(2026, 1, 15, 9, 30), **kw)


def items(server, list_name) -> dict[str, dict]:
    return items_by(server, list_name)


def test_a_managers_sync_bringing_in_another_persons_change_writes_nothing_into_that_row(server, list_name, tmp_path):
    team = make_book(tmp_path / "team.xlsx", [("1.1", ANN), ("1.2", BOB)], support=[SUE])
    sync(team, server, list_name, SUE)  # the support officer syncs the team's plan; each manager keeps a copy
    ann, bob = tmp_path / "ann.xlsx", tmp_path / "bob.xlsx"
    shutil.copyfile(team, ann)
    shutil.copyfile(team, bob)
    edit(bob, {(3, "Status"): "Off track"})
    sync(bob, server, list_name, BOB)
    before = items(server, list_name)["york-2022:1.2"]
    assert ("Off track", "Red") == (before["fields"]["Status"], before["fields"]["RAG"])

    result = sync(ann, server, list_name, ANN)  # Ann's workbook still says On track (Green) for Bob's row

    assert (["york-2022:1.2"], [], []) == ([p.key for p in result.plan.pulls], result.plan.updates, result.failed)
    after = items(server, list_name)["york-2022:1.2"]
    assert (before["eTag"], "Red", "Off track") == (after["eTag"], after["fields"]["RAG"], after["fields"]["Status"])
    assert "Off track" == openpyxl.load_workbook(ann)["Actions"]["F3"].value
    assert "nothing to change" in sync(ann, server, list_name, ANN).summary


def test_brag_is_rated_on_the_values_brought_in_before_anything_is_sent(server, list_name, tmp_path):
    ann = make_book(tmp_path / "ann.xlsx", [("1.1", ANN), ("1.2", ANN)], support=[SUE])
    sync(ann, server, list_name, ANN)
    # Sue (support) marks Ann's action complete in SharePoint; nobody re-rated it there.
    list_edit(server, list_name, "york-2022:1.1", {"Status": "Complete"}, SUE)
    assert "Green" == items(server, list_name)["york-2022:1.1"]["fields"]["RAG"]

    dry = sync(ann, server, list_name, ANN, dry_run=True)
    assert [("york-2022:1.1", {"rag": "Blue"})] == [(u.key, u.fields) for u in dry.plan.updates]
    result = sync(ann, server, list_name, ANN)

    assert [("york-2022:1.1", {"rag": "Blue"})] == [(u.key, u.fields) for u in result.plan.updates]
    fields = items(server, list_name)["york-2022:1.1"]["fields"]
    assert ("Complete", "Blue") == (fields["Status"], fields["RAG"])
    assert "Complete" == openpyxl.load_workbook(ann)["Actions"]["F2"].value
    assert "nothing to change" in sync(ann, server, list_name, ANN).summary


def test_a_later_days_sync_does_not_rerate_another_persons_row_in_the_list(server, list_name, tmp_path):
    team = make_book(tmp_path / "team.xlsx", [("1.1", ANN), ("1.2", BOB)], support=[SUE])
    edit(team, {(2, "Target date"): "November 2025", (3, "Target date"): "November 2025"})  # both overdue
    sync(team, server, list_name, SUE)
    before = items(server, list_name)
    assert ("46", "46") == tuple(str(before[k]["fields"]["DaysOverdue"]) for k in ("york-2022:1.1", "york-2022:1.2"))

    with client(server, ANN) as gc:  # a week later, Ann syncs her copy
        later = sync_workbook(OpenpyxlWorkbook.open(team, write=True), client=gc, list_name=list_name, today=date(2026, 1, 22))

    assert [("york-2022:1.1", {"days_overdue": "53"})] == [(u.key, u.fields) for u in later.plan.updates]
    after = items(server, list_name)
    assert ("53", "46") == tuple(str(after[k]["fields"]["DaysOverdue"]) for k in ("york-2022:1.1", "york-2022:1.2"))
    assert before["york-2022:1.2"]["eTag"] == after["york-2022:1.2"]["eTag"]


def test_a_status_changed_while_the_sync_writes_the_row_is_rated_before_the_row_is_sent_again(server, list_name, tmp_path):
    ann = make_book(tmp_path / "ann.xlsx", [("1.1", ANN)], support=[SUE])
    sync(ann, server, list_name, ANN)
    edit(ann, {(2, "Progress"): "Half way"})
    meddle = lambda: list_edit(server, list_name, "york-2022:1.1", {"Status": "Off track"}, SUE)  # noqa: E731
    gc = GraphClient(server.graph_url, auth=token(server, ANN), transport=EditBeforeFirstBatch(server.ca_path, meddle), sleep=lambda s: None)
    with gc:
        result = sync_workbook(OpenpyxlWorkbook.open(ann, write=True), client=gc, list_name=list_name, today=TODAY)

    assert [] == result.failed
    fields = items(server, list_name)["york-2022:1.1"]["fields"]
    assert ("Half way", "Off track", "Red") == (fields["Progress"], fields["Status"], fields["RAG"])

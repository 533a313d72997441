"""``plansync history`` end to end over HTTPS: who changed what, when, from the list's own versions (issue 16)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner

from plansync.cli._main import main
import synced_plans
from synced_plans import ANN, action_row, client, edit, https_server, per_test_list, tracker

BOB, SUE = "bob.jones@council.gov.uk", "sue@council.gov.uk"


# Bob and Sue change other people's rows in the list: the list lets them, as the support role (issue 15).
server = https_server(BOB, SUE)
list_name = per_test_list()


make_book = tracker


def row(ref, status="On track", progress="Started", owner=ANN):
    return action_row(ref, owner=owner, status=status, progress=progress)


def sync(path, server, list_name, user=ANN):
    return synced_plans.sync(path, server, list_name, user, today=date(2026, 1, 15), now=datetime(2026, 1, 15, 9, 30))


def list_edit(server, list_name, ref, fields, user):
    synced_plans.list_edit(server, list_name, ref, fields, user, field="Ref", seen_by=user)


def history(server, list_name, path, *args):
    base = ["history", str(path), "--graph-url", server.graph_url, "--list", list_name, "--as", SUE]
    return CliRunner().invoke(main, [*base, *args])


@pytest.fixture
def two_people_in_turn(server, list_name, tmp_path):
    """Ann makes 1.1 At risk in her workbook and syncs; then Bob, in the list, makes it Off track with a new progress."""
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2")])
    sync(path, server, list_name)
    edit(path, {(2, "Status"): "At risk"})
    sync(path, server, list_name)
    list_edit(server, list_name, "1.1", {"Status": "Off track", "Progress": "Delayed: the team is short of staff"}, BOB)
    return path


def test_history_of_one_action_lists_both_peoples_changes_with_who_when_and_old_to_new(
        server, list_name, two_people_in_turn, cli_env):
    result = history(server, list_name, two_people_in_turn, "--ref", "1.1", "--json")
    assert 0 == result.exit_code, result.output
    found = json.loads(result.stdout)
    assert [
        ("status", "On track", "At risk", "Ann", ANN, "2.0"),
        ("status", "At risk", "Off track", "Bob Jones", BOB, "3.0"),
        ("progress", "Started", "Delayed: the team is short of staff", "Bob Jones", BOB, "3.0"),
    ] == [(c["field"], c["old"], c["new"], c["who"], c["email"], c["version"]) for c in found["changes"]]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c["when"]) for c in found["changes"])
    # One action's history is one request to the list.
    assert ({"1.1"}, 1) == ({c["ref"] for c in found["changes"]}, found["requests"])


def test_history_for_people_reads_one_line_per_change(server, list_name, two_people_in_turn, cli_env):
    result = history(server, list_name, two_people_in_turn, "--ref", "1.1")
    assert 0 == result.exit_code, result.output
    lines = result.stdout.splitlines()
    assert "York 2022: history of action 1.1, from the list's versions" == lines[0]
    assert re.fullmatch(r"  \d{4}-\d\d-\d\d \d\d:\d\d UTC  1\.1  Ann <ann@council\.gov\.uk>: status 'On track' -> 'At risk'", lines[1])
    assert lines[2].endswith("Bob Jones <bob.jones@council.gov.uk>: status 'At risk' -> 'Off track'")
    assert 4 == len(lines)


def test_history_of_the_plan_reads_every_item_in_one_batch_and_since_filters_by_date(
        server, list_name, two_people_in_turn, cli_env):
    whole = json.loads(history(server, list_name, two_people_in_turn, "--json").stdout)
    assert (3, 1) == (len(whole["changes"]), whole["requests"])
    later = json.loads(history(server, list_name, two_people_in_turn, "--json", "--since", "2999-01-01").stdout)
    assert [] == later["changes"]


def test_history_since_a_date_reads_the_versions_of_the_actions_changed_since_only(server, list_name, tmp_path, cli_env):
    path = make_book(tmp_path / "plan.xlsx", [row(f"1.{n}") for n in range(1, 26)])
    sync(path, server, list_name)
    edit(path, {(2, "Status"): "At risk"})
    sync(path, server, list_name)
    whole = json.loads(history(server, list_name, path, "--json").stdout)
    assert (1, 2) == (len(whole["changes"]), whole["requests"])  # 25 actions: two batches of versions
    none_since = json.loads(history(server, list_name, path, "--json", "--since", "2999-01-01").stdout)
    assert ([], 1) == (none_since["changes"], none_since["requests"])  # one page of items, no versions read
    today = json.loads(history(server, list_name, path, "--json", "--since", whole["changes"][0]["when"][:10]).stdout)
    assert [("1.1", "status", "On track", "At risk")] == [(c["ref"], c["field"], c["old"], c["new"]) for c in today["changes"]]


def test_history_of_an_unknown_ref_names_the_synced_refs(server, list_name, two_people_in_turn, cli_env):
    result = history(server, list_name, two_people_in_turn, "--ref", "9.9")
    assert 2 == result.exit_code
    assert "has no synced action with ref '9.9' (synced refs: 1.1, 1.2)" in result.output


def test_history_of_a_workbook_never_synced_says_to_sync_first(server, list_name, tmp_path, cli_env):
    path = make_book(tmp_path / "fresh.xlsx", [row("1.1")])
    result = history(server, list_name, path)
    assert 2 == result.exit_code
    assert "has not been synced yet" in result.output and "plansync sync fresh.xlsx" in result.output


def pull(board, server, list_name, user=SUE):
    from plansync.commands.pull import pull_consolidated

    with client(server, user) as gc:
        return pull_consolidated(board, client=gc, list_name=list_name, today=date(2026, 2, 1))


def history_sheet(board) -> list[tuple]:
    return [r for r in openpyxl.load_workbook(board)["History"].iter_rows(values_only=True)]


def test_the_history_sheet_of_a_pull_shows_the_same_changes_newest_first(server, list_name, two_people_in_turn, tmp_path):
    board = tmp_path / "board.xlsx"
    pull(board, server, list_name)
    rows = history_sheet(board)
    assert ("When", "Plan", "Ref", "Changed", "From", "To", "Changed by", "Sign-in", "Version") == rows[0]
    assert [
        ("York 2022", "1.1", "status", "At risk", "Off track", "Bob Jones", BOB, "3.0"),
        ("York 2022", "1.1", "progress", "Started", "Delayed: the team is short of staff", "Bob Jones", BOB, "3.0"),
        ("York 2022", "1.1", "status", "On track", "At risk", "Ann", ANN, "2.0"),
    ] == [r[1:] for r in rows[1:]]
    assert all(isinstance(r[0], datetime) for r in rows[1:])


def test_a_later_pull_reads_the_versions_of_the_changed_actions_only(server, list_name, two_people_in_turn, tmp_path):
    board = tmp_path / "board.xlsx"
    pull(board, server, list_name)
    list_edit(server, list_name, "1.2", {"Status": "Complete"}, BOB)
    again = pull(board, server, list_name)
    # One delta round, then one request for the versions of the one item that changed.
    assert (False, 1, 2) == (again.full, again.changed, again.requests)
    changed = [(r[2], r[3], r[4], r[5]) for r in history_sheet(board)[1:]]
    # Newest first; these changes may share their second, so only 1.2's place among its equals is not pinned.
    assert [("1.2", "status", "On track", "Complete")] == [c for c in changed if c[0] == "1.2"]
    assert 4 == len(changed)  # Ann's and Bob's changes of 1.1 are kept from the last pull


def test_a_conflict_names_who_wrote_the_competing_value_not_the_items_last_modifier(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1")])
    sync(path, server, list_name)
    list_edit(server, list_name, "1.1", {"Progress": "Bob's update"}, BOB)
    list_edit(server, list_name, "1.1", {"Status": "At risk"}, SUE)  # Sue is now the item's last modifier
    edit(path, {(2, "Progress"): "Ann's update"})
    result = sync(path, server, list_name)
    assert [("progress", "Ann's update", "Bob's update")] == [(c.field, c.workbook, c.list) for c in result.plan.conflicts]
    conflict = result.plan.conflicts[0]
    assert f"Bob Jones <{BOB}>" == conflict.changed_by and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", conflict.changed_at)
    rows = list(openpyxl.load_workbook(path)["Conflicts"].iter_rows(values_only=True))
    assert "Changed in the list by" == rows[0][5]
    assert re.fullmatch(rf"Bob Jones <{re.escape(BOB)}> on \d\d/\d\d/\d{{4}} \d\d:\d\d UTC", rows[1][5])

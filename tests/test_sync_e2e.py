"""Sync end to end: real workbooks, over HTTPS, against the local list server started here (DESIGN §6)."""

from __future__ import annotations

import functools
import json
import random
import re
import ssl
import threading
from datetime import date, datetime
from pathlib import Path

import httpx
import openpyxl
from click.testing import CliRunner

from plansync.cli import main
from plansync_0_1 import move_row_state_to_own_sheet
from sync.graph import GraphClient
from sync.local_server import serve_in_thread
import synced_plans
from synced_plans import (ANN, COL, EditBeforeFirstBatch, action_row, client, edit, grant, https_server, items, per_test_list,
                          token, tracker, update_item)

BOB, SUE = "bob@council.gov.uk", "sue@council.gov.uk"
TODAY = date(2026, 1, 15)


# Bob and Sue hold the support role, so they may change anybody's row in the list directly.
server = https_server(BOB, SUE)
# Every test syncs to a list of its own on the shared server.
list_name = per_test_list()


def row(ref, progress="Started", owner=ANN, status="On track", action=None, target="July 2026"):
    return action_row(ref, action=action, owner=owner, target=target, status=status, progress=progress)


make_book = functools.partial(tracker, support=())


def cell(path: Path, r: int, name: str):
    return openpyxl.load_workbook(path)["Actions"].cell(r, COL[name]).value


def sheet(path: Path, name: str) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]


def sync(path, server, list_name, user=ANN, gc=None, **kw):
    return synced_plans.sync(path, server, list_name, user, gc=gc, today=TODAY, now=datetime(2026, 1, 15, 9, 30), **kw)


def by_key(server, list_name) -> dict[str, dict]:
    found = items(server, list_name)
    keys = [i["fields"]["RowKey"] for i in found]
    assert len(keys) == len(set(keys)), "a key was created twice"
    return {i["fields"]["RowKey"]: i for i in found}


def list_edit(server, list_name, key, fields, user=BOB):
    update_item(server, list_name, by_key(server, list_name)[key], fields, user)


def test_first_sync_creates_every_valid_row_and_records_the_result(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2", progress="Done", status="Complete"), row("2.1")])
    result = sync(path, server, list_name)
    assert {"created": 3, "updated": 0, "pulled": 0, "unchanged": 0, "withdrawn": 0, "skipped_invalid": 0,
            "refused": [], "conflicts": [], "not_accepted": []} == {k: v for k, v in result.to_json().items() if k != "requests"}
    listed = by_key(server, list_name)
    assert ["york-2022:1.1", "york-2022:1.2", "york-2022:2.1"] == sorted(listed)
    fields = listed["york-2022:1.2"]["fields"]
    assert ("Action 1.2", "Complete", "Done", "July 2026", "Blue") == (
        fields["Action"], fields["Status"], fields["Progress"], fields["TargetText"], fields["RAG"])
    assert ["Last sync", "15/01/2026 09:30: Synced 3 actions: 3 created"] == sheet(path, "Issues")[-1][:2]
    settings = {r[0]: r[1] for r in sheet(path, "Settings")}
    assert datetime(2026, 1, 15, 9, 30) == settings["Last sync"]


def test_a_status_typed_in_another_case_goes_to_the_list_as_its_choice_and_stays_as_typed(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1", status="complete"), row("1.2", status="  on TRACK ")])
    first = sync(path, server, list_name)
    assert (2, []) == (len(first.plan.creates), first.failed)
    listed = by_key(server, list_name)
    assert ("Complete", "On track") == (listed["york-2022:1.1"]["fields"]["Status"], listed["york-2022:1.2"]["fields"]["Status"])
    assert "Synced 2 actions: nothing to change" == sync(path, server, list_name).summary
    assert ("complete", "  on TRACK ") == (cell(path, 2, "Status"), cell(path, 3, "Status"))


def test_two_rows_without_ref_with_the_same_words_keep_their_own_items_while_one_is_invalid(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row(None, action="Review the audit", target="Jully 2026"), row(None, action="Review the audit")])
    first = sync(path, server, list_name)
    assert (1, 1) == (len(first.plan.creates), first.plan.skipped_invalid)
    again = sync(path, server, list_name)
    assert (0, 0) == (len(again.plan.creates), len(again.plan.withdrawals))
    assert 1 == len(by_key(server, list_name))


def test_a_second_sync_with_no_change_sends_one_request_and_changes_nothing(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2")])
    sync(path, server, list_name)
    again = sync(path, server, list_name)
    assert (2, 0, 0, 1) == (len(again.plan.unchanged), again.plan.writes, len(again.plan.pulls), again.requests)
    assert "Synced 2 actions: nothing to change" == again.summary


def test_rows_changed_in_the_workbook_are_updated_in_the_list(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row(f"1.{n}") for n in range(1, 31)])
    sync(path, server, list_name)
    edit(path, {(3, "Progress"): "Half way", (10, "Status"): "At risk", (31, "Progress"): "Nearly"})
    result = sync(path, server, list_name)
    assert ["york-2022:1.2", "york-2022:1.30", "york-2022:1.9"] == sorted(u.key for u in result.plan.updates)
    assert 2 == result.requests  # one delta round, one batch
    listed = by_key(server, list_name)
    assert ("Half way", "At risk") == (listed["york-2022:1.2"]["fields"]["Progress"], listed["york-2022:1.9"]["fields"]["Status"])


def test_a_change_made_in_the_list_is_brought_back_into_the_workbook(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2")])
    sync(path, server, list_name)
    list_edit(server, list_name, "york-2022:1.2", {"Progress": "Updated in SharePoint"})
    result = sync(path, server, list_name)
    assert (1, 0) == (len(result.plan.pulls), len(result.plan.updates))
    assert "Updated in SharePoint" == cell(path, 3, "Progress")
    assert 0 == sync(path, server, list_name).plan.writes + len(sync(path, server, list_name).plan.pulls)


def test_different_fields_changed_on_each_side_are_merged_field_by_field(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1")])
    sync(path, server, list_name)
    list_edit(server, list_name, "york-2022:1.1", {"Status": "At risk"})
    edit(path, {(2, "Progress"): "Workbook progress"})
    result = sync(path, server, list_name)
    assert ([], "At risk") == (result.plan.conflicts, cell(path, 2, "Status"))
    assert ("Workbook progress", "At risk") == tuple(by_key(server, list_name)["york-2022:1.1"]["fields"][f] for f in ("Progress", "Status"))


def test_the_same_field_changed_on_both_sides_is_a_conflict_on_the_conflicts_sheet_until_a_person_chooses(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1")])
    sync(path, server, list_name)
    list_edit(server, list_name, "york-2022:1.1", {"Progress": "List words"}, user=SUE)
    edit(path, {(2, "Progress"): "Workbook words"})
    result = sync(path, server, list_name)
    assert [{"key": "york-2022:1.1", "field": "progress", "workbook": "Workbook words", "list": "List words"}] == result.to_json()["conflicts"]
    conflicts = sheet(path, "Conflicts")
    # Who wrote the list's value, and when: from the item's versions (issue 16).
    assert re.fullmatch(r"Sue <sue@council\.gov\.uk> on \d\d/\d\d/\d{4} \d\d:\d\d UTC", conflicts[1][5])
    conflicts[1][5] = SUE
    assert [
        ["Row key", "Field", "Cell", "Workbook value", "List value", "Changed in the list by", "Keep (workbook or list)"],
        ["york-2022:1.1", "Progress", "Actions!G2", "Workbook words", "List words", SUE, None],
    ] == conflicts
    assert ("Workbook words", "List words") == (cell(path, 2, "Progress"), by_key(server, list_name)["york-2022:1.1"]["fields"]["Progress"])
    assert "Synced 0 of 1 actions: 1 conflict (see Conflicts sheet)" == result.summary
    # Still a conflict on the next sync, until someone chooses: here, the list's words.
    assert 1 == len(sync(path, server, list_name).plan.conflicts)
    wb = openpyxl.load_workbook(path)
    wb["Conflicts"]["G2"] = "list"
    wb.save(path)
    settled = sync(path, server, list_name)
    assert ([], "List words") == (settled.plan.conflicts, cell(path, 2, "Progress"))


def test_editing_the_cell_after_a_conflict_settles_it_for_the_workbook(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1")])
    sync(path, server, list_name)
    list_edit(server, list_name, "york-2022:1.1", {"Progress": "List words"})
    edit(path, {(2, "Progress"): "Workbook words"})
    assert 1 == len(sync(path, server, list_name).plan.conflicts)
    edit(path, {(2, "Progress"): "Agreed words"})
    settled = sync(path, server, list_name)
    assert [] == settled.plan.conflicts
    assert "Agreed words" == by_key(server, list_name)["york-2022:1.1"]["fields"]["Progress"]


def test_a_change_to_somebody_elses_row_is_refused_and_the_support_role_may_make_it(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2", owner=BOB)])
    sync(path, server, list_name, user=ANN)  # Ann creates her row; Bob's is refused to her
    sync(path, server, list_name, user=BOB)  # and Bob creates his
    edit(path, {(3, "Progress"): "Ann edits Bob's row"})
    refused = sync(path, server, list_name, user=ANN)
    assert [{"key": "york-2022:1.2", "reason": "not your row: bob@council.gov.uk may change it. Ask them, or ask a site owner for the support role (plansync roles add)."}] == refused.to_json()["refused"]
    assert "Started" == by_key(server, list_name)["york-2022:1.2"]["fields"]["Progress"]
    assert "Synced 1 of 2 actions: 1 refused (not your row)" == refused.summary
    edit(path, {(3, "Owner sign-in"): ANN})  # writing her own name in does not make it hers
    assert ["york-2022:1.2"] == [r.key for r in sync(path, server, list_name, user=ANN).plan.refused]
    edit(path, {(3, "Owner sign-in"): BOB})
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B2"] = ANN  # the support role in her copy's Settings grants nothing
    wb.save(path)
    assert ["york-2022:1.2"] == [r.key for r in sync(path, server, list_name, user=ANN).plan.refused]
    assert "Started" == by_key(server, list_name)["york-2022:1.2"]["fields"]["Progress"]
    grant(server, ANN)  # the site owner gives her the role on the site
    try:
        allowed = sync(path, server, list_name, user=ANN)
    finally:
        grant(server, ANN, remove=True)
    assert ([], ["york-2022:1.2"]) == (allowed.plan.refused, [u.key for u in allowed.plan.updates])
    assert "Ann edits Bob's row" == by_key(server, list_name)["york-2022:1.2"]["fields"]["Progress"]


def test_invalid_rows_are_reported_and_skipped_the_rest_synced(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2", target="Sept-ish 2026"), row("1.3")])
    result = sync(path, server, list_name)
    assert (2, 1) == (len(result.plan.creates), result.to_json()["skipped_invalid"])
    assert ["york-2022:1.1", "york-2022:1.3"] == sorted(by_key(server, list_name))
    issues = sheet(path, "Issues")
    assert "Actions!E3" == issues[1][1]
    assert "Synced 2 of 3 actions: 2 created, 1 skipped (invalid, see Issues sheet)" == result.summary


def test_a_row_removed_from_the_workbook_is_withdrawn_and_deleted_only_when_asked(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2"), row("1.3")])
    sync(path, server, list_name)
    edit(path, {}, delete_rows=[3])
    result = sync(path, server, list_name)
    assert 1 == result.to_json()["withdrawn"]
    assert True is by_key(server, list_name)["york-2022:1.2"]["fields"].get("Withdrawn")
    edit(path, {}, delete_rows=[3])
    deleted = sync(path, server, list_name, delete_removed=True)
    assert 2 == deleted.to_json()["withdrawn"]
    assert ["york-2022:1.1"] == sorted(by_key(server, list_name))


def test_a_dry_run_prints_the_plan_and_sends_no_write(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2")])
    before = path.read_bytes()
    result = sync(path, server, list_name, dry_run=True)
    assert (2, True) == (len(result.plan.creates), result.dry_run)
    assert "Would sync 2 actions: 2 created (dry run: nothing was sent)" == result.summary
    assert ([], before) == (items(server, list_name), path.read_bytes())


def test_two_workbooks_with_the_same_refs_share_one_list_without_touching_each_others_rows(server, list_name, tmp_path):
    york = make_book(tmp_path / "york.xlsx", [row("1.1"), row("1.2")], plan="York 2022")
    leeds = make_book(tmp_path / "leeds.xlsx", [row("1.1"), row("1.2")], plan="Leeds 2023")
    sync(york, server, list_name)
    sync(leeds, server, list_name)
    edit(york, {(2, "Progress"): "York only"}, delete_rows=[3])
    sync(york, server, list_name)
    result = sync(leeds, server, list_name)
    assert (["leeds-2023:1.1", "leeds-2023:1.2"], 0) == (sorted(result.plan.unchanged), result.plan.writes)
    listed = by_key(server, list_name)
    assert ["leeds-2023:1.1", "leeds-2023:1.2", "york-2022:1.1", "york-2022:1.2"] == sorted(listed)
    assert ("York only", "Started", True, None) == (
        listed["york-2022:1.1"]["fields"]["Progress"], listed["leeds-2023:1.1"]["fields"]["Progress"],
        listed["york-2022:1.2"]["fields"].get("Withdrawn"), listed["leeds-2023:1.2"]["fields"].get("Withdrawn"))


class Crash(Exception):
    """The process dies here."""


class CrashingTransport(httpx.BaseTransport):
    """Real HTTPS that dies at request ``at``: before sending it, or after the server acted on it."""

    def __init__(self, ca_path, at: int, after: bool) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(ca_path)))
        self.at, self.after, self.seen = at, after, 0
        self.lock = threading.Lock()  # batches go out from several threads

    def handle_request(self, request):
        with self.lock:
            self.seen += 1
            number = self.seen
        if number == self.at and not self.after:
            raise Crash()
        response = self.inner.handle_request(request)
        if number == self.at:
            response.read()
            raise Crash()
        return response

    def close(self):
        self.inner.close()


def test_killed_at_a_random_point_and_run_again_nothing_is_doubled_or_lost(server, list_name, tmp_path):
    rng = random.Random(6)
    path = make_book(tmp_path / "plan.xlsx", [row(f"{r}.{n}") for r in range(1, 4) for n in range(1, 16)])
    crashes = 0
    for trial in range(20):
        # Between trials the plan moves on: edits to up to 40 rows (several batches), a new row,
        # sometimes a removed row.
        wb = openpyxl.load_workbook(path)
        ws = wb["Actions"]
        changed = rng.sample(range(2, ws.max_row + 1), rng.randint(1, min(40, ws.max_row - 1)))
        for r in changed:
            ws.cell(r, COL["Progress"], f"trial {trial}")
        ws.append(row(f"9.{trial}"))
        if trial % 4 == 3:
            ws.delete_rows(rng.randint(2, ws.max_row))
        wb.save(path)
        # Requests of this sync: one delta round, then a batch per 20 changes.
        transport = CrashingTransport(server.ca_path, at=rng.randint(1, 2 + len(changed) // 20), after=rng.random() < 0.5)
        gc = GraphClient(server.graph_url, auth=token(server, ANN), transport=transport, sleep=lambda s: None)
        try:
            sync(path, server, list_name, gc=gc)
        except Crash:
            crashes += 1
        final = sync(path, server, list_name)
        assert ([], []) == (final.failed, final.plan.conflicts)
        wb = openpyxl.load_workbook(path)
        rows = {f"york-2022:{v[0]}": v for v in wb["Actions"].iter_rows(min_row=2, values_only=True) if v[0] is not None}
        listed = by_key(server, list_name)  # asserts no key twice
        live = {k: i["fields"] for k, i in listed.items() if not i["fields"].get("Withdrawn")}
        assert sorted(rows) == sorted(live), f"trial {trial}"
        assert [rows[k][6] for k in sorted(rows)] == [live[k]["Progress"] for k in sorted(rows)]
    assert 20 == crashes


def test_thirty_percent_of_requests_throttled_the_sync_still_completes(tmp_path, list_name):
    with serve_in_thread(tmp_path / "busy", throttle_rate=0.3, seed=6, retry_after=0.01) as busy:
        path = make_book(tmp_path / "plan.xlsx", [row(f"1.{n}") for n in range(1, 46)])
        gc = client(busy, max_retries=12)
        first = sync(path, busy, list_name, gc=gc)
        assert (45, []) == (len(first.plan.creates), first.failed)
        edit(path, {(2, "Progress"): "busy day"})
        second = sync(path, busy, list_name, gc=client(busy, max_retries=12))
        assert ["york-2022:1.1"] == [u.key for u in second.plan.updates]
        listed = by_key(busy, list_name)
        assert (45, "busy day") == (len(listed), listed["york-2022:1.1"]["fields"]["Progress"])


def test_the_cli_prints_exactly_the_json_counts(server, list_name, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2", owner=BOB)])
    args = ["sync", str(path), "--graph-url", server.graph_url, "--list", list_name, "--as", ANN, "--json"]
    dry = CliRunner().invoke(main, [*args, "--dry-run"])
    assert 1 == dry.exit_code, dry.output  # a row would be refused: exit 1 (issue 19)
    assert {"created": 1, "updated": 0, "pulled": 0, "unchanged": 0, "withdrawn": 0, "skipped_invalid": 0,
            "refused": [{"key": "york-2022:1.2", "reason": "not your row: bob@council.gov.uk may change it. Ask them, or ask a site owner for the support role (plansync roles add)."}],
            "conflicts": [], "not_accepted": []} == {k: v for k, v in json.loads(dry.stdout).items() if k != "requests"}
    done = CliRunner().invoke(main, args[:-1])
    assert 1 == done.exit_code, done.output
    assert done.stdout.splitlines()[-1].startswith("Synced 1 of 2 actions: 1 created, 1 refused (not your row)")


def test_an_item_changed_while_the_sync_writes_it_is_read_again_and_merged(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1")])
    sync(path, server, list_name)
    edit(path, {(2, "Progress"): "Workbook progress"})
    transport = EditBeforeFirstBatch(server.ca_path, lambda: list_edit(server, list_name, "york-2022:1.1", {"Status": "At risk"}))
    gc = GraphClient(server.graph_url, auth=token(server, ANN), transport=transport, sleep=lambda s: None)
    result = sync(path, server, list_name, gc=gc)
    assert ([], [], ["york-2022:1.1"]) == (result.failed, result.plan.conflicts, [u.key for u in result.plan.updates])
    fields = by_key(server, list_name)["york-2022:1.1"]["fields"]
    assert ("Workbook progress", "At risk") == (fields["Progress"], fields["Status"])
    assert "At risk" == cell(path, 2, "Status")


def test_the_cli_asks_before_deleting_removed_rows_and_sends_nothing_when_told_no(server, list_name, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2")])
    args = ["sync", str(path), "--graph-url", server.graph_url, "--list", list_name, "--as", ANN]
    assert 0 == CliRunner().invoke(main, args).exit_code
    edit(path, {}, delete_rows=[3])
    declined = CliRunner().invoke(main, [*args, "--delete-removed"], input="n\n")
    assert 1 == declined.exit_code
    assert "Delete 1 list item whose rows were removed from the workbook (york-2022:1.2)? This cannot be undone [y/N]: " in declined.output
    assert "Nothing was sent. Sync without --delete-removed to mark those items withdrawn instead." in declined.output
    assert ["york-2022:1.1", "york-2022:1.2"] == sorted(by_key(server, list_name))
    confirmed = CliRunner().invoke(main, [*args, "--delete-removed"], input="y\n")
    assert 0 == confirmed.exit_code, confirmed.output
    assert "Deleted york-2022:1.2" in confirmed.stdout
    assert ["york-2022:1.1"] == sorted(by_key(server, list_name))


def test_a_row_without_ref_keeps_its_generated_key_when_its_words_are_edited(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row(None, action="Set up a review panel")])
    first = sync(path, server, list_name)
    generated = [c.key for c in first.plan.creates if ":row-" in c.key]
    assert 1 == len(generated)
    edit(path, {(3, "Action"): "Set up a review panel with partners"})
    again = sync(path, server, list_name)
    assert ([], [generated[0]]) == ([c.key for c in again.plan.creates], [u.key for u in again.plan.updates])
    assert "Set up a review panel with partners" == by_key(server, list_name)[generated[0]]["fields"]["Action"]


def test_the_sync_state_lives_beside_the_meta_in_one_hidden_sheet(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2")])
    sync(path, server, list_name)
    wb = openpyxl.load_workbook(path)
    assert "_plansync_rows" not in wb.sheetnames
    hidden = [list(r) for r in wb["_plansync"].iter_rows(values_only=True)]
    assert ["key", "value (JSON)", None, "row key"] == hidden[0][:4]
    assert ["york-2022:1.1", "york-2022:1.2"] == [line[3] for line in hidden[1:3]]
    assert json.loads(hidden[1][4])["base"]["progress"] == "Started"


def test_a_workbook_synced_by_plansync_0_1_keeps_its_rows_and_moves_them_into_one_hidden_sheet(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [row("1.1"), row("1.2"), row(None, action="Set up a review panel")])
    first = sync(path, server, list_name)
    move_row_state_to_own_sheet(path, "_plansync_rows")  # as plansync 0.1 kept it
    edit(path, {(3, "Progress"): "Half way"})

    again = sync(path, server, list_name)
    assert ([], ["york-2022:1.2"]) == ([c.key for c in again.plan.creates], [u.key for u in again.plan.updates])
    assert 3 == len(by_key(server, list_name)) == len(first.plan.creates)
    wb = openpyxl.load_workbook(path)
    assert "_plansync_rows" not in wb.sheetnames
    assert 4 == sum(1 for line in wb["_plansync"].iter_rows(min_col=4, max_col=4, values_only=True) if line[0])
    assert "nothing to change" in sync(path, server, list_name).summary

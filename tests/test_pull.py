"""Pull consolidated: every plan in the central list, in one reporting workbook a board can read.

Plans are synced with ``sync_workbook`` from real workbooks (the council samples in
tests/fixtures and small trackers made here), over HTTPS against the local list server started
here; then ``pull_consolidated`` / ``plansync pull`` reads the list into a reporting workbook.
"""

from __future__ import annotations

import functools
import json
import shutil
from datetime import date
from pathlib import Path

import httpx
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from plansync.state.bookkeeping import update_meta
from plansync.cli import main
from plansync_0_1 import move_row_state_to_own_sheet
from plansync.commands.new import new_workbook
from plansync.commands.pull import pull_consolidated
from plansync.commands.rag import refresh_rag
from plansync.errors import SyncError, WorkbookError, WorkbookLocked
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sync.auth import StaticToken
from sync.graph import GraphClient
import synced_plans
from synced_plans import ANN, action_row, client, edit, https_server, per_test_list
from validation.rag import compute_rag
from validation.summary import plans_summary
from workbook_templates.charts import chart_title
from workbook_templates.consolidated import CHART_TITLE

FIXTURES = Path(__file__).parent / "fixtures"
PERF = "performance@council.gov.uk"
SYNCED = date(2026, 1, 15)
CONSOLIDATED_HEADER = (
    "Plan", "Row key", "Recommendation", "Ref", "Action", "Lead", "Owner sign-in", "Target date", "Revised target",
    "Status", "Progress", "Due", "RAG", "Overdue", "Days overdue", "Last modified by", "Last modified at",
)


server = https_server(site_owners=())
# Every test pulls from a list of its own on the shared server.
list_name = per_test_list("pull-", 55)


def with_settings(path: Path, plan: str) -> Path:
    wb = openpyxl.load_workbook(path)
    settings = wb["Settings"] if "Settings" in wb.sheetnames else wb.create_sheet("Settings")
    settings.append(["Plan name", plan])
    settings.append(["Support role sign-ins", ANN])
    wb.save(path)
    return path


def sample(tmp_path: Path, name: str, plan: str) -> Path:
    """A copy of a council's own workbook (tests/fixtures), named as a plan, ready to sync."""
    path = tmp_path / f"{name}.xlsx"
    shutil.copyfile(FIXTURES / f"{name}.xlsx", path)
    return with_settings(path, plan)


def row(ref, target="July 2026", status="On track", progress="Started", lead="Ann Lead"):
    return action_row(ref, lead=lead, target=target, status=status, progress=progress)


tracker = functools.partial(synced_plans.tracker, support=(ANN,))


def sync(path, server, list_name, **kw):
    return synced_plans.sync(path, server, list_name, today=SYNCED, **kw)


def pull(path, server, list_name, today, **kw):
    with client(server, PERF) as gc:
        return pull_consolidated(path, client=gc, list_name=list_name, today=today, **kw)


def sheet(path: Path, name: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))


def consolidated(path: Path) -> pd.DataFrame:
    rows = [r for r in sheet(path, "Consolidated") if any(v is not None for v in r)]
    return pd.DataFrame(rows[1:], columns=rows[0])


# --- two council plans ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def councils(server, tmp_path_factory):
    """York's and Rotherham's own workbooks synced to one list, as their support officers would."""
    folder = tmp_path_factory.mktemp("councils")
    york = sample(folder, "york_ofsted_2022", "York Ofsted 2022")
    rotherham = sample(folder, "rotherham_ilacs_2022", "Rotherham ILACS 2022")
    name = "pull-councils"
    assert "Synced 31 actions: 31 created" == sync(york, server, name).summary
    assert "Synced 32 of 33 actions: 32 created, 1 skipped (invalid, see Issues sheet)" == sync(rotherham, server, name).summary
    return {"york": york, "rotherham": rotherham, "list": name}


def test_the_first_pull_makes_the_reporting_workbook_with_every_plans_actions(server, councils, tmp_path):
    board = tmp_path / "board.xlsx"
    result = pull(board, server, councils["list"], date(2022, 11, 14))
    assert "Pulled 63 actions from 2 plans: 23 overdue (see Summary)" == result.line
    assert {
        "plans": 2,
        "actions": 63,
        "by_rag": {"Blue": 5, "Green": 33, "Amber": 2, "Red": 23},
        "by_plan": [
            {"plan": "York Ofsted 2022", "actions": 31, "Blue": 0, "Green": 10, "Amber": 0, "Red": 21, "overdue": 21},
            {"plan": "Rotherham ILACS 2022", "actions": 32, "Blue": 5, "Green": 23, "Amber": 2, "Red": 2, "overdue": 2},
        ],
    } == {k: v for k, v in result.to_json().items() if k not in ("overdue", "requests")}
    assert ["Summary", "Consolidated", "History", "Settings", "_plansync"] == openpyxl.load_workbook(board).sheetnames
    table = consolidated(board)
    assert CONSOLIDATED_HEADER == tuple(table.columns)
    assert {"York Ofsted 2022": 31, "Rotherham ILACS 2022": 32} == table["Plan"].value_counts().to_dict()
    assert 63 == table["Row key"].nunique()


def test_brag_per_plan_is_what_each_teams_own_refresh_rag_says_on_the_same_day(server, councils, tmp_path):
    day = date(2022, 11, 14)
    york_copy = tmp_path / "york.xlsx"
    shutil.copyfile(councils["york"], york_copy)
    own = refresh_rag(OpenpyxlWorkbook.open(york_copy, write=True), today=day).counts()
    result = pull(tmp_path / "board.xlsx", server, councils["list"], day)
    by_plan = {p["plan"]: {v: p[v] for v in own} for p in result.to_json()["by_plan"]}
    assert own == by_plan["York Ofsted 2022"]


def test_brag_and_overdue_days_are_as_at_the_pull_date_not_the_last_sync(server, list_name, tmp_path):
    # Synced on 15/01/2026: July 2026 was months away (Green). A board on 10/08/2026 sees it overdue.
    plan = tracker(tmp_path / "leeds.xlsx", [row("1.1", "July 2026"), row("1.2", "December 2026"), row("1.3", "June 2026", "Complete")], plan="Leeds 2026")
    sync(plan, server, list_name)
    result = pull(tmp_path / "board.xlsx", server, list_name, date(2026, 8, 10))
    table = consolidated(tmp_path / "board.xlsx")
    assert [("1.1", "Red", "Yes", 10), ("1.2", "Green", "No", None), ("1.3", "Blue", "No", None)] == list(
        zip(table["Ref"], table["RAG"], table["Overdue"], table["Days overdue"].astype(object).where(table["Days overdue"].notna(), None))
    )
    assert [{"plan": "Leeds 2026", "ref": "1.1", "lead": "Ann Lead", "days_overdue": 10}] == result.to_json()["overdue"]


def test_the_summary_sheet_shows_each_plan_the_totals_and_the_overdue_actions(server, list_name, tmp_path):
    leeds = tracker(tmp_path / "leeds.xlsx", [row("1.1", "July 2026"), row("1.2", "May 2026", "Complete")], plan="Leeds 2026")
    hull = tracker(tmp_path / "hull.xlsx", [row("2.1", "June 2026", lead="Bob Lead"), row("2.2", "September 2026", "At risk")], plan="Hull 2026")
    sync(leeds, server, list_name)
    sync(hull, server, list_name)
    board = tmp_path / "board.xlsx"
    pull(board, server, list_name, date(2026, 8, 1))
    rows = [tuple(v for v in r if v is not None) for r in sheet(board, "Summary")]
    assert [
        ("Consolidated action plans: summary for the board",),
        (f"As at 01/08/2026, from the list '{list_name}' at {server.graph_url}. Pull consolidated again (plansync pull) to bring it up to date.",),
        (),
        ("Plan", "Recommendations", "Actions", "Blue", "Green", "Amber", "Red", "Complete", "Overdue",
         "Complete, awaiting sign-off", "Signed off"),
        ("Leeds 2026", 1, 2, 1, 0, 0, 1, 1, 1, 1, 0),
        ("Hull 2026", 1, 2, 0, 0, 1, 1, 0, 1, 0, 0),
        ("All plans", 2, 4, 1, 0, 1, 2, 1, 2, 1, 0),
        (),
        ("Withdrawn actions (removed from their plan; not counted above)", 0),
        (),
        ("Overdue actions, most overdue first",),
        ("Plan", "Ref", "Lead", "Days overdue", "Where"),
        ("Hull 2026", "2.1", "Bob Lead", 32, "Consolidated, row 4"),
        ("Leeds 2026", "1.1", "Ann Lead", 1, "Consolidated, row 2"),
        (),
        ("Sign-off by recommendation",),
        ("Recommendation", "Complete, awaiting sign-off", "Signed off"),
        ("Hull 2026: 2", 0, 0),
        ("Leeds 2026: 1", 1, 0),
        (),
        ("Signed off actions",),
        ("Plan", "Ref", "Recommendation", "Signed off on", "Signed off by"),
        ("None",),
    ] == rows
    ws = openpyxl.load_workbook(board)["Summary"]
    assert [CHART_TITLE] == [chart_title(c) for c in ws._charts]


def test_a_change_synced_from_one_workbook_shows_on_the_next_pull_which_reads_only_the_changes(server, list_name, tmp_path):
    leeds = tracker(tmp_path / "leeds.xlsx", [row(f"1.{n}") for n in range(1, 6)], plan="Leeds 2026")
    hull = tracker(tmp_path / "hull.xlsx", [row(f"2.{n}") for n in range(1, 6)], plan="Hull 2026")
    sync(leeds, server, list_name)
    sync(hull, server, list_name)
    board = tmp_path / "board.xlsx"
    first = pull(board, server, list_name, date(2026, 8, 1))
    edit(hull, {(3, "Status"): "Complete", (3, "Progress"): "Done in July"})
    sync(hull, server, list_name)
    again = pull(board, server, list_name, date(2026, 8, 1))
    # Again: one delta round, and the versions of the one changed item for the History sheet.
    assert (True, False, 1, 2) == (first.full, again.full, again.changed, again.requests)
    assert again.requests < first.requests
    table = consolidated(board).set_index("Row key")
    assert ("Complete", "Done in July", "Blue") == tuple(table.loc["hull-2026:2.2", ["Status", "Progress", "RAG"]])
    assert [5, 4] == [p["Red"] for p in again.to_json()["by_plan"]]


def test_a_reporting_workbook_pulled_by_plansync_0_1_still_reads_only_the_changes(server, list_name, tmp_path):
    hull = tracker(tmp_path / "hull.xlsx", [row(f"2.{n}") for n in range(1, 6)], plan="Hull 2026")
    sync(hull, server, list_name)
    board = tmp_path / "board.xlsx"
    pull(board, server, list_name, date(2026, 8, 1))
    move_row_state_to_own_sheet(board, "_plansync_pull")  # as plansync 0.1 kept it
    edit(hull, {(3, "Progress"): "Done in July"})
    sync(hull, server, list_name)
    again = pull(board, server, list_name, date(2026, 8, 1))
    assert (False, 1, 5) == (again.full, again.changed, len(consolidated(board)))
    assert "Done in July" == consolidated(board).set_index("Row key").loc["hull-2026:2.2", "Progress"]
    assert ["Summary", "Consolidated", "History", "Settings", "_plansync"] == openpyxl.load_workbook(board).sheetnames


def test_withdrawn_and_deleted_items_leave_the_report(server, list_name, tmp_path):
    leeds = tracker(tmp_path / "leeds.xlsx", [row("1.1"), row("1.2"), row("1.3")], plan="Leeds 2026")
    sync(leeds, server, list_name)
    board = tmp_path / "board.xlsx"
    pull(board, server, list_name, date(2026, 8, 1))
    edit(leeds, {}, delete_rows=[3])
    sync(leeds, server, list_name)  # row 1.2 removed from the workbook: withdrawn in the list
    withdrawn = pull(board, server, list_name, date(2026, 8, 1))
    assert (["1.1", "1.3"], 2, 1) == (consolidated(board)["Ref"].tolist(), withdrawn.summary.actions, withdrawn.withdrawn)
    assert ("Withdrawn actions (removed from their plan; not counted above)", 1) == sheet(board, "Summary")[7][:2]
    edit(leeds, {}, delete_rows=[3])
    sync(leeds, server, list_name, delete_removed=True)  # 1.3 deleted, 1.2 deleted too
    deleted = pull(board, server, list_name, date(2026, 8, 1))
    assert (["1.1"], 0, False) == (consolidated(board)["Ref"].tolist(), deleted.withdrawn, deleted.full)
    ws = openpyxl.load_workbook(board)["Consolidated"]
    leftover = [v for r in ws.iter_rows(min_row=3, values_only=True) for v in r if v is not None]
    assert ("A1:Q2", []) == (ws.tables["ConsolidatedActions"].ref, leftover)  # rows of earlier pulls are blanked


def test_pulling_again_keeps_the_persons_own_sheets_and_installs_the_table_and_chart_once(server, list_name, tmp_path):
    leeds = tracker(tmp_path / "leeds.xlsx", [row("1.1"), row("1.2")], plan="Leeds 2026")
    sync(leeds, server, list_name)
    board = tmp_path / "board.xlsx"
    pull(board, server, list_name, date(2026, 8, 1))
    wb = openpyxl.load_workbook(board)
    notes = wb.create_sheet("Board notes")
    notes["A1"] = "Quarter 2 notes for the board"
    notes["B2"] = "=Summary!C7"
    wb.save(board)
    sync(tracker(tmp_path / "hull.xlsx", [row("2.1")], plan="Hull 2026"), server, list_name)
    result = pull(board, server, list_name, date(2026, 8, 1))
    wb = openpyxl.load_workbook(board)
    assert ("Quarter 2 notes for the board", "=Summary!C7") == (wb["Board notes"]["A1"].value, wb["Board notes"]["B2"].value)
    assert (["ConsolidatedActions"], "A1:Q4") == (list(wb["Consolidated"].tables), wb["Consolidated"].tables["ConsolidatedActions"].ref)
    assert [CHART_TITLE] == [chart_title(c) for c in wb["Summary"]._charts]
    assert ["M2:M5000", "N2:N5000", "O2:O5000"] == sorted(str(cf.sqref) for cf in wb["Consolidated"].conditional_formatting)
    assert 2 == len(result.plans)


def test_an_expired_change_log_falls_back_to_reading_the_whole_list(server, list_name, tmp_path):
    leeds = tracker(tmp_path / "leeds.xlsx", [row("1.1"), row("1.2")], plan="Leeds 2026")
    sync(leeds, server, list_name)
    board = tmp_path / "board.xlsx"
    first = pull(board, server, list_name, date(2026, 8, 1))
    book = OpenpyxlWorkbook.open(board, write=True)
    from plansync.state.bookkeeping import load_meta

    state = load_meta(book)["pull"]
    update_meta(book, pull={**state, "delta_link": state["delta_link"].split("token=")[0] + "token=expired"})
    book.save()
    edit(leeds, {}, delete_rows=[3])
    sync(leeds, server, list_name, delete_removed=True)
    again = pull(board, server, list_name, date(2026, 8, 1))
    assert (True, ["1.1"]) == (again.full, consolidated(board)["Ref"].tolist())
    # First: root site, site, list, change log as of now, one page of items, one batch of the items'
    # versions (History). Again: the refused link (410), the server's fresh start, then the same
    # full read (change log as of now, items) and the one remaining item's versions.
    assert (6, 5) == (first.requests, again.requests)


def test_a_workbook_open_in_excel_is_left_untouched_with_a_clear_error(server, list_name, tmp_path):
    sync(tracker(tmp_path / "leeds.xlsx", [row("1.1")], plan="Leeds 2026"), server, list_name)
    board = tmp_path / "board.xlsx"
    pull(board, server, list_name, date(2026, 8, 1))
    (tmp_path / "~$board.xlsx").write_bytes(bytes([8]) + b"Jo Smith" + b" " * 46)
    before = board.read_bytes()
    with pytest.raises(WorkbookLocked) as caught:
        pull(board, server, list_name, date(2026, 8, 1))
    assert (
        "board.xlsx is open in Excel by Jo Smith, so plansync cannot save it. Close it in Excel (or ask Jo Smith to), "
        "then run the command again. If nobody has it open, delete the leftover lock file ~$board.xlsx beside it. "
        "Nothing was changed."
    ) == str(caught.value)
    assert before == board.read_bytes()


def test_a_list_that_does_not_exist_is_a_clear_error_and_no_workbook_is_made(server, tmp_path):
    board = tmp_path / "board.xlsx"
    with pytest.raises(SyncError) as caught:
        pull(board, server, "No such list", date(2026, 8, 1))
    assert str(caught.value).startswith("There is no list 'No such list' on ")
    assert str(caught.value).endswith(
        "yet, so there is nothing to pull. Sync a plan to it first (plansync sync PLAN.xlsx), or check the list's name "
        "(--list, or 'List name' on the Settings sheet). Nothing was changed."
    )
    assert not board.exists()


def test_a_teams_synced_plan_is_not_used_as_a_reporting_workbook(server, list_name, tmp_path):
    leeds = tracker(tmp_path / "leeds.xlsx", [row("1.1")], plan="Leeds 2026")
    sync(leeds, server, list_name)
    before = leeds.read_bytes()
    with pytest.raises(WorkbookError) as caught:
        pull(leeds, server, list_name, date(2026, 8, 1))
    assert (
        "leeds.xlsx holds a team's plan (it is synced with the list), so plansync did not pull into it. "
        "Pull into a reporting workbook of its own, e.g. plansync pull consolidated.xlsx. Nothing was changed."
    ) == str(caught.value)
    assert before == leeds.read_bytes()
    new_workbook(tmp_path / "tracker.xlsx")  # a fresh tracker, never synced, is a plan too
    with pytest.raises(WorkbookError) as caught:
        pull(tmp_path / "tracker.xlsx", server, list_name, date(2026, 8, 1))
    assert str(caught.value).startswith("tracker.xlsx holds a team's plan (a plansync tracker or adopted workbook), so")


def test_the_cli_prints_one_line_or_exactly_the_json(server, list_name, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    sync(tracker(tmp_path / "leeds.xlsx", [row("1.1"), row("1.2", "December 2026")], plan="Leeds 2026"), server, list_name)
    board = tmp_path / "board.xlsx"
    args = ["pull", str(board), "--graph-url", server.graph_url, "--list", list_name, "--as", PERF, "--today", "2026-08-01"]
    done = CliRunner().invoke(main, args)
    assert (0, "Pulled 2 actions from 1 plan: 1 overdue (see Summary)\n") == (done.exit_code, done.stdout)
    again = CliRunner().invoke(main, [*args, "--json"])
    assert 0 == again.exit_code, again.output
    assert {
        "plans": 1,
        "actions": 2,
        "by_rag": {"Blue": 0, "Green": 1, "Amber": 0, "Red": 1},
        "by_plan": [{"plan": "Leeds 2026", "actions": 2, "Blue": 0, "Green": 1, "Amber": 0, "Red": 1, "overdue": 1}],
        "overdue": [{"plan": "Leeds 2026", "ref": "1.1", "lead": "Ann Lead", "days_overdue": 1}],
        "requests": 1,
    } == json.loads(again.stdout)


def test_the_cli_reports_a_locked_workbook_with_exit_code_2(tmp_path):
    board = tmp_path / "board.xlsx"
    board.write_bytes(b"")
    board.chmod(0o444)
    done = CliRunner().invoke(main, ["pull", str(board)])
    assert 2 == done.exit_code
    assert (
        "Error: board.xlsx is read-only, so plansync cannot save it. Untick 'Read-only' in the file's properties "
        "(or save a copy you can edit), then run the command again. Nothing was changed.\n"
    ) == done.stderr


# --- the pure per-plan summary ------------------------------------------------------------------


def test_each_plan_counts_its_own_recommendations_brag_complete_and_overdue():
    actions = pd.DataFrame(
        {
            "plan": ["York", "York", "York", "Leeds", None],
            "recommendation": ["1. Records", "1. Records", "2. Visits", "1. Records", None],
            "ref": ["1.1", "1.2", "2.1", "1.1", "3.1"],
            "action": ["a", "b", "c", "d", "e"],
            "lead": ["L", "L", "L", "M", "N"],
            "target": ["July 2022", "Completed.", "December 2022", "2022-01-31", "Ongoing"],
            "status": [None, None, None, "At risk", None],
            "progress": [None] * 5,
            "_sheet": "Consolidated",
            "_row": [2, 3, 4, 5, 6],
        }
    )
    frame = plans_summary(actions, compute_rag(actions, today=date(2022, 11, 14)))
    assert {
        "York": {"recommendations": 2, "actions": 3, "Blue": 1, "Green": 1, "Amber": 0, "Red": 1, "complete": 1, "overdue": 1,
                 "complete_awaiting_sign_off": 1, "signed_off": 0},
        "Leeds": {"recommendations": 1, "actions": 1, "Blue": 0, "Green": 0, "Amber": 0, "Red": 1, "complete": 0, "overdue": 1,
                  "complete_awaiting_sign_off": 0, "signed_off": 0},
        "": {"recommendations": 1, "actions": 1, "Blue": 0, "Green": 1, "Amber": 0, "Red": 0, "complete": 0, "overdue": 0,
             "complete_awaiting_sign_off": 0, "signed_off": 0},
    } == frame.to_dict("index")


# --- reading the list: what a server may leave out ------------------------------------------------

BASE = "https://graph.example/v1.0"


def item(item_id: str, **fields) -> dict:
    return {"id": item_id, "lastModifiedDateTime": "2026-08-01T09:00:00Z",
            "lastModifiedBy": {"user": {"displayName": "Ann Lead", "email": ANN}}, "fields": fields}


def test_changed_items_sent_without_their_fields_are_fetched_in_a_batch_and_hand_made_items_are_ignored():
    from sync.consolidated import read_list

    seen: list[str] = []

    def graph(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/items/delta"):
            # Graph does not promise fields on delta items (GRAPH.md §5): here they are missing.
            return httpx.Response(200, json={"value": [{"id": "7"}, {"id": "8"}, {"id": "3", "deleted": {"state": "deleted"}}],
                                             "@odata.deltaLink": f"{BASE}/sites/s/lists/l/items/delta?token=next"})
        if request.url.path.endswith("/$batch"):
            asked = json.loads(request.content)["requests"]
            assert ["/sites/s/lists/l/items/7", "/sites/s/lists/l/items/8"] == [r["url"].split("?")[0] for r in asked]
            bodies = {"7": item("7", RowKey="leeds:1.7", Plan="Leeds", Ref="1.7", Action="Seventh"),
                      "8": item("8", Title="typed in SharePoint by hand")}
            return httpx.Response(200, json={"responses": [
                {"id": r["id"], "status": 200, "headers": {}, "body": bodies[r["url"].split("/")[-1].split("?")[0]]} for r in asked]})
        return httpx.Response(404, json={"error": {"code": "itemNotFound", "message": "no"}})

    known = {"3": {"key": "leeds:1.3", "plan": "Leeds"}, "5": {"key": "leeds:1.5", "plan": "Leeds"}}
    with GraphClient(BASE, auth=StaticToken("t", user=PERF), transport=httpx.MockTransport(graph)) as gc:
        read = read_list(gc, "s", "l", known=known, link=f"{BASE}/sites/s/lists/l/items/delta?token=old")
    assert (["5", "7"], False, 3) == (sorted(read.items), read.full, read.changed)
    assert ("leeds:1.7", "Seventh", "Ann Lead", "2026-08-01T09:00:00Z") == tuple(
        read.items["7"][k] for k in ("key", "action", "modified_by", "modified_at"))
    assert ["GET /v1.0/sites/s/lists/l/items/delta", "POST /v1.0/$batch"] == seen


def test_the_reporting_workbooks_amber_window_rates_every_plan_alike(server, list_name, tmp_path):
    sync(tracker(tmp_path / "leeds.xlsx", [row("1.1", "September 2026")], plan="Leeds 2026"), server, list_name)
    board = tmp_path / "board.xlsx"
    assert {"Blue": 0, "Green": 1, "Amber": 0, "Red": 0} == pull(board, server, list_name, date(2026, 8, 1)).summary.by_rag
    wb = openpyxl.load_workbook(board)
    amber = next(r for r in wb["Settings"].iter_rows(min_col=1, max_col=2) if r[0].value == "Amber window (days)")
    amber[1].value = 60  # 30/09/2026 is 60 days after 01/08/2026
    wb.save(board)
    assert {"Blue": 0, "Green": 0, "Amber": 1, "Red": 0} == pull(board, server, list_name, date(2026, 8, 1)).summary.by_rag


def test_sync_refuses_a_reporting_workbook_and_sends_nothing(server, list_name, tmp_path):
    # With the support role, a sync of the consolidated copy would push it back over every team's rows.
    hull = tracker(tmp_path / "hull.xlsx", [row(f"2.{n}") for n in range(1, 4)], plan="Hull 2026")
    sync(hull, server, list_name)
    board = tmp_path / "board.xlsx"
    pull(board, server, list_name, date(2026, 8, 1))
    before = board.read_bytes()
    with pytest.raises(WorkbookError) as refused:
        sync(board, server, list_name)
    assert (
        "board.xlsx is a reporting workbook made by Pull consolidated: it holds every team's actions as last read "
        "from the list, so it is refreshed by pulling, never synced. To change an action, edit it in the team's "
        "own plan and sync that. Nothing was sent."
    ) == str(refused.value)
    assert before == board.read_bytes()

"""Clicking the ribbon buttons on a workbook open in 'Excel' (xlwings' remote engine).

Each test builds a plan with ``plansync new --demo`` (64 actions), hands it to Excel as the
Excel client would, clicks one button function from addin/buttons.py, and looks at what Excel
was asked to do: cells written, sheet and cell selected, status-bar line, message boxes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from addin_plans import demo_plan as _demo
from addin_remote_excel import RemoteExcel
import addin.buttons as buttons


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("PLANSYNC_HOME", str(folder))
    return folder


def test_validate_lists_the_problem_and_selects_the_bad_cell(tmp_path, home):
    excel = RemoteExcel.from_xlsx(_demo(tmp_path, bad_target="Sept-ish 2022"))
    outcome = excel.click(buttons.validate)
    assert "Validated: 1 error, 0 warnings in 64 actions; the list is on the Issues sheet." == outcome.message
    assert ("Actions", 10, 7) == excel.selected
    issues = excel.values("Issues")
    assert ["Actions!G10", "Sept-ish 2022"] == [issues[1][1], issues[1][3]]
    assert [] == excel.alerts


def test_validate_on_a_clean_plan_says_so_and_selects_nothing(tmp_path, home):
    excel = RemoteExcel.from_xlsx(_demo(tmp_path))
    outcome = excel.click(buttons.validate)
    assert "Validated: No problems found in 64 actions." == outcome.message
    assert excel.selected is None


def test_a_click_turns_screen_updating_off_then_on_again(tmp_path, home):
    excel = RemoteExcel.from_xlsx(_demo(tmp_path))
    excel.click(buttons.validate)
    assert [False, True] == excel.screen_updating_calls()


@pytest.mark.parametrize("button", [buttons.validate, buttons.refresh_rag, buttons.summary])
def test_a_click_costs_the_same_few_bulk_calls_for_10_or_2000_actions(tmp_path, home, button):
    small = RemoteExcel.from_xlsx(_demo(tmp_path / "small", rows=10))
    large = RemoteExcel.from_xlsx(_demo(tmp_path / "large", rows=2000))
    small.click(button)
    large.click(button)
    assert (small.reads, small.writes) == (large.reads, large.writes)
    assert small.reads + small.writes <= 4


def test_refresh_rag_writes_the_ratings_into_excel(tmp_path, home):
    path = _demo(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Actions"]["N2"] = None  # RAG of the first action, cleared
    wb.save(path)
    excel = RemoteExcel.from_xlsx(path)
    outcome = excel.click(buttons.refresh_rag)
    assert "RAG refreshed for 64 actions: Blue 9, Green 35, Amber 3, Red 17; 17 overdue (as at 31/07/2022)." == outcome.message
    actions = excel.values("Actions")
    assert ["Due", "RAG", "Overdue", "Days overdue"] == actions[0][12:16]
    assert [datetime(2022, 4, 30), "Blue", "No", None] == actions[1][12:16]


def test_a_workbook_without_a_plan_gets_a_plain_message_pointing_at_adopt(tmp_path, home):
    excel = RemoteExcel.from_grids("notes.xlsx", {"Sheet1": [["Shopping list"], ["eggs"]]})
    outcome = excel.click(buttons.validate)
    assert outcome.message.endswith(" In Excel: click 'Adopt this workbook' on the plansync tab.")
    assert outcome.message.startswith("No sheet in this workbook has a header row plansync recognises")
    assert [outcome.message] == excel.alerts


def test_an_unexpected_failure_shows_a_plain_message_and_logs_the_details(tmp_path, home, monkeypatch):
    import plansync.commands.validate

    def broken(book, *, progress=None):
        raise RuntimeError("boom in the command")

    monkeypatch.setattr(plansync.commands.validate, "validate_workbook", broken)
    excel = RemoteExcel.from_xlsx(_demo(tmp_path))
    outcome = excel.click(buttons.validate)
    log = home / "logs" / "addin.log"
    assert (
        "plansync could not finish 'Validate' because of an unexpected problem, and did not save your workbook. "
        f"The details are in {log}: send that file to your support officer."
    ) == outcome.message
    assert [outcome.message] == excel.alerts
    assert "Traceback" not in outcome.message
    text = log.read_text(encoding="utf-8")
    assert "button Validate failed on plan.xlsx" in text
    assert "RuntimeError: boom in the command" in text and "Traceback (most recent call last)" in text


def test_settings_selects_the_first_setting_value(tmp_path, home):
    excel = RemoteExcel.from_xlsx(_demo(tmp_path))
    outcome = excel.click(buttons.settings)
    assert (
        "Settings: change the values in column B (plan name, amber days, SharePoint list), then click Validate."
        == outcome.message
    )
    assert ("Settings", 5, 2) == excel.selected


def test_settings_without_a_settings_sheet_points_at_adopt(tmp_path, home):
    excel = RemoteExcel.from_grids("notes.xlsx", {"Sheet1": [["Shopping list"]]})
    outcome = excel.click(buttons.settings)
    assert (
        "This workbook has no Settings sheet yet. Click 'Adopt this workbook' on the plansync tab to add one."
        == outcome.message
    )


def test_the_log_goes_to_the_per_user_data_folder_without_plansync_home():
    path = buttons.log_path({})
    assert ("plansync", "logs", "addin.log") == (path.parent.parent.name, path.parent.name, path.name)
    assert Path("/x/logs/addin.log") == buttons.log_path({"PLANSYNC_HOME": "/x"})


def test_sync_without_sign_in_says_to_click_sign_in(tmp_path, home, monkeypatch):
    monkeypatch.setenv("PLANSYNC_TOKEN_CACHE", str(tmp_path / "tokens.bin"))
    excel = RemoteExcel.from_xlsx(_demo(tmp_path))
    outcome = excel.click(buttons.sync)
    assert outcome.message.startswith("Nobody is signed in to the local list server")
    assert outcome.message.endswith(". In Excel: click 'Sign in' on the plansync tab.")
    assert [outcome.message] == excel.alerts


def test_sync_sends_the_plan_then_has_nothing_left_to_send(tmp_path, signed_in):
    excel = RemoteExcel.from_xlsx(_demo(tmp_path, rows=10))
    assert "Synced 10 actions: 10 created" == excel.click(buttons.sync).message
    assert "Synced 10 actions: nothing to change" == excel.click(buttons.sync).message
    assert [] == excel.alerts


def test_sync_skips_an_invalid_row_and_selects_its_bad_cell(tmp_path, signed_in):
    excel = RemoteExcel.from_xlsx(_demo(tmp_path, rows=10, bad_target="Jully 2022"))
    outcome = excel.click(buttons.sync)
    assert "Synced 9 of 10 actions: 9 created, 1 skipped (invalid, see Issues sheet)" == outcome.message
    assert ("Actions", 10, 7) == excel.selected


def test_sync_costs_the_same_bulk_calls_for_10_or_200_actions(tmp_path, signed_in):
    small = RemoteExcel.from_xlsx(_demo(tmp_path / "small", rows=10))
    large = RemoteExcel.from_xlsx(_demo(tmp_path / "large", rows=200))
    small.click(buttons.sync)
    large.click(buttons.sync)
    assert (small.reads, small.writes) == (large.reads, large.writes)
    # Read: Settings, Actions, _plansync. Written: _plansync, Issues (result line), Settings (Last sync).
    assert (3, 3) == (large.reads, large.writes)


def _edit_every_item_in_the_list(progress: str) -> None:
    """The Progress of every action changed in SharePoint (here: the embedded list server), by the
    signed-in person on the SharePoint site."""
    from sync.target import connected, find_list
    from validation.settings import Settings

    with connected(Settings.from_grid(None)) as (gc, opened, _):
        site_id, found = find_list(gc, opened, create=False)
        for item in list(gc.iter_items(site_id, found["id"])):
            gc.update_fields(site_id, found["id"], item["id"], {"Progress": progress})


def test_changes_brought_in_from_the_list_cost_the_same_bulk_calls_for_10_or_200_actions(tmp_path, signed_in):
    small = RemoteExcel.from_xlsx(_demo(tmp_path / "small", rows=10))
    small.click(buttons.sync)
    _edit_every_item_in_the_list("Reviewed at the board")
    assert "Synced 10 actions: 10 brought in from the list" == small.click(buttons.sync).message
    large = RemoteExcel.from_xlsx(_demo(tmp_path / "large", rows=200))
    large.click(buttons.sync)
    _edit_every_item_in_the_list("Reviewed at the board again")
    assert "Synced 200 actions: 200 brought in from the list" == large.click(buttons.sync).message
    assert (small.reads, small.writes) == (large.reads, large.writes)
    excel_column = large.values("Actions")[0].index("Progress")
    assert {"Reviewed at the board again"} == {line[excel_column] for line in large.values("Actions")[1:]}


def test_after_a_sync_the_other_buttons_still_cost_at_most_4_bulk_calls(tmp_path, signed_in):
    small = RemoteExcel.from_xlsx(_demo(tmp_path / "small", rows=10))
    large = RemoteExcel.from_xlsx(_demo(tmp_path / "large", rows=200))
    for excel in (small, large):
        excel.click(buttons.sync)
    for button in (buttons.validate, buttons.refresh_rag, buttons.summary):
        small.click(button)
        large.click(button)
        assert (small.reads, small.writes) == (large.reads, large.writes)
        assert small.reads + small.writes <= 4, button.__name__


def test_sign_in_shows_the_device_code_and_who_signed_in(tmp_path, home, monkeypatch):
    import sync.auth

    seen = {}

    def fake_login(target, as_email=None, *, echo=print, **kwargs):
        # The real device-code flow needs a person at a browser; this stands in for msal.
        seen["graph_url"] = target.graph_url
        echo("To sign in, open https://127.0.0.1/devicelogin and enter the code ABCD-1234.")
        return sync.auth.SignIn("jo@council.gov.uk", "the local list server", None)

    monkeypatch.setattr(sync.auth, "login", fake_login)
    excel = RemoteExcel.from_xlsx(_demo(tmp_path))
    outcome = excel.click(buttons.sign_in)
    assert seen["graph_url"].startswith("https://127.0.0.1:")  # the embedded server was running
    assert ["To sign in, open https://127.0.0.1/devicelogin and enter the code ABCD-1234."] == excel.alerts
    assert (
        "Signed in as jo@council.gov.uk to the local list server. Sync will record your name on every change."
        == outcome.message
    )


def test_adopt_finds_a_council_plan_adds_plansyncs_sheets_and_colours_the_rag_column(home):
    excel = RemoteExcel.from_xlsx(Path(__file__).parent / "fixtures" / "york_ofsted_2022.xlsx")
    outcome = excel.click(buttons.adopt)
    assert "Adopted Plan: 31 actions under 7 recommendations. Click Refresh RAG to rate the actions." == outcome.message
    assert ["Plan", "Version control", "_plansync", "Settings", "Issues", "Summary"] == excel.sheet_names()
    assert excel.hidden("_plansync")
    assert ["Due", "RAG", "Overdue", "Days overdue"] == excel.values("Plan")[0][5:9]
    assert ("Plan", 1, 6) == excel.selected
    rag_rules = [(f[2]["formula1"], f[2]["fill_color"]) for f in excel.formats if f[:2] == ("add", "Plan!G2:G5000")]
    assert [('"Blue"', "#bdd7ee"), ('"Green"', "#c6efce"), ('"Amber"', "#ffeb9c"), ('"Red"', "#ffc7ce")] == rag_rules
    assert ("number format", "Plan!F2:F5000", "dd/mm/yyyy") in excel.formats


def test_after_adoption_refresh_rag_rates_the_council_plan(home):
    excel = RemoteExcel.from_xlsx(Path(__file__).parent / "fixtures" / "york_ofsted_2022.xlsx")
    excel.click(buttons.adopt)
    excel.click(buttons.refresh_rag)
    plan = excel.values("Plan")
    rated = [row[6] for row in plan[1:] if len(row) > 6 and row[6] is not None]
    assert 31 == len(rated) and set(rated) <= {"Blue", "Green", "Amber", "Red"}
    assert (3, 1) == (excel.reads, excel.writes)


def test_summary_writes_the_board_summary_and_opens_it(tmp_path, home):
    excel = RemoteExcel.from_xlsx(_demo(tmp_path))
    outcome = excel.click(buttons.summary)
    assert "Summary: 64 actions, 9 complete, 17 overdue (as at 31/07/2022)." == outcome.message
    assert ("Summary", 1, 1) == excel.selected
    assert ["Rotherham ILACS action plan: summary for the board"] == excel.values("Summary")[0][:1]
    chart = {
        "name": "plansync BRAG chart",
        "chart_type": "ColumnStacked",
        "source": "$I$4:$L$15",  # Blue..Red counts with their header row
        "categories": "$H$5:$H$15",  # Rec 1..Rec 11
        "title": "Actions by BRAG, per recommendation",
    }
    assert [chart] == excel.charts("Summary")
    excel.click(buttons.summary)
    assert [chart] == excel.charts("Summary")  # drawn again, not twice


def test_when_the_data_folder_cannot_be_written_the_log_goes_to_the_temp_folder(tmp_path, monkeypatch):
    import tempfile

    import plansync.commands.validate

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("PLANSYNC_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(plansync.commands.validate, "validate_workbook", lambda book, progress=None: 1 / 0)
    excel = RemoteExcel.from_xlsx(_demo(tmp_path))
    outcome = excel.click(buttons.validate)
    assert outcome.message.endswith(f"The details are in {tmp_path / 'plansync-addin.log'}: send that file to your support officer.")
    assert "ZeroDivisionError: division by zero" in (tmp_path / "plansync-addin.log").read_text(encoding="utf-8")


def test_pull_consolidated_brings_every_synced_plan_into_the_reporting_workbook(tmp_path, signed_in):
    from workbook_templates.consolidated import build_reporting_workbook

    plan = RemoteExcel.from_xlsx(_demo(tmp_path / "team", rows=10))
    plan.click(buttons.sync)
    build_reporting_workbook().save(tmp_path / "board.xlsx")
    board = RemoteExcel.from_xlsx(tmp_path / "board.xlsx")
    outcome = board.click(buttons.pull)
    # The demo's 2022 deadlines are long past: the 5 open actions stay overdue whatever today is.
    assert "Pulled 10 actions from 1 plan: 5 overdue (see Summary)" == outcome.message
    assert ("Summary", 1, 1) == board.selected
    assert 11 == len(board.values("Consolidated"))
    assert [{"name": "ConsolidatedActions", "range_address": "$A$1:$Q$11"}] == board.tables("Consolidated")
    chart = {
        "name": "plansync BRAG chart",
        "chart_type": "ColumnStacked",
        "source": "$D$4:$G$5",
        "categories": "$A$5",  # the one plan
        "title": "Actions by BRAG, per plan",
    }
    assert [chart] == board.charts("Summary")


def _pulled_board(tmp_path, rows: int) -> RemoteExcel:
    """A reporting workbook in Excel after one Pull click, from a team plan of ``rows`` actions synced first."""
    from workbook_templates.consolidated import build_reporting_workbook

    RemoteExcel.from_xlsx(_demo(tmp_path / f"team{rows}", rows=rows)).click(buttons.sync)
    build_reporting_workbook().save(tmp_path / f"board{rows}.xlsx")
    board = RemoteExcel.from_xlsx(tmp_path / f"board{rows}.xlsx")
    board.click(buttons.pull)
    return board


def test_pull_costs_the_same_bulk_calls_for_10_or_200_actions_in_the_list(tmp_path, signed_in):
    calls = []
    for rows in (10, 200):
        board = _pulled_board(tmp_path, rows)
        board.click(buttons.pull)  # the second pull reads only the changes
        calls.append((board.reads, board.writes))
    assert calls[0] == calls[1]
    # Settings and the hidden sheet read; Consolidated, Summary, History and the hidden sheet written.
    assert (2, 4) == calls[0]


def test_pull_in_excel_replaces_the_chart_a_command_line_pull_drew(tmp_path, signed_in):
    from plansync.commands.pull import pull_consolidated

    plan = RemoteExcel.from_xlsx(_demo(tmp_path / "team", rows=10))
    plan.click(buttons.sync)
    pull_consolidated(tmp_path / "board.xlsx")  # the reporting workbook, made and pulled by the CLI
    board = RemoteExcel.from_xlsx(tmp_path / "board.xlsx")
    assert ["Actions by BRAG, per plan"] == [c["title"] for c in board.charts("Summary")]
    board.click(buttons.pull)
    assert [("plansync BRAG chart", "Actions by BRAG, per plan")] == [(c["name"], c["title"]) for c in board.charts("Summary")]
    assert [] == board.alerts


def test_pull_into_a_teams_own_plan_is_refused_in_plain_words(tmp_path, signed_in):
    plan = RemoteExcel.from_xlsx(_demo(tmp_path, rows=10))
    plan.click(buttons.sync)
    outcome = plan.click(buttons.pull)
    assert (
        "This workbook holds a team's plan (it is synced with the list), so plansync did not pull into it. "
        "Pull into a reporting workbook of its own, e.g. plansync pull consolidated.xlsx. Nothing was changed."
    ) == outcome.message
    assert [outcome.message] == plan.alerts


def test_a_bad_settings_value_is_named_and_selected(tmp_path, home):
    path = _demo(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B6"] = "thirty"  # Amber window (days)
    wb.save(path)
    excel = RemoteExcel.from_xlsx(path)
    outcome = excel.click(buttons.sign_in)
    assert (
        "Settings!B6: Amber window 'thirty' is not a number of days plansync can use. "
        "Write a whole number of days from 0 to 365, e.g. 30."
    ) == outcome.message
    assert ("Settings", 6, 2) == excel.selected
    assert [outcome.message] == excel.alerts


def _excel_calls(excel: RemoteExcel) -> list[str]:
    """Every call the last click made into Excel: reads, writes and formatting alike."""
    return [action["func"] for action in excel.actions]


def test_a_summary_click_draws_its_chart_once_and_costs_the_same_calls_for_10_or_2000_actions(tmp_path, home):
    small = RemoteExcel.from_xlsx(_demo(tmp_path / "small", rows=10))
    large = RemoteExcel.from_xlsx(_demo(tmp_path / "large", rows=2000))
    small.click(buttons.summary)
    large.click(buttons.summary)
    assert _excel_calls(small) == _excel_calls(large)
    assert 1 == _excel_calls(large).count("addChart")  # drawn by the command, not again by the ribbon
    assert ("font", "Summary!A1:A1", ["bold", True]) in large.formats  # the sheet's look, as in a file


def test_a_pull_click_costs_the_same_calls_into_excel_for_10_or_200_actions(tmp_path, signed_in):
    calls = []
    for rows in (10, 200):
        board = _pulled_board(tmp_path, rows)
        calls.append(_excel_calls(board))
        assert 1 == len(board.charts("Summary"))
    assert calls[0] == calls[1]
    assert 1 == calls[0].count("addChart")

"""`plansync rag`: due date, BRAG and overdue written back as values, as at a given day."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import openpyxl
from click.testing import CliRunner

from plansync.cli import main
from plansync.commands.rag import refresh_rag
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook

BASE = {"recommendation": "1. Front door", "action": "Do it", "lead": "DCS", "owner": "dcs@york.example"}
ROWS = [
    {**BASE, "ref": "1.1", "target": "July 2022", "status": "Complete"},                       # Blue
    {**BASE, "ref": "1.2", "target": datetime(2022, 7, 15), "status": "On track"},              # Red, 16 days over
    {**BASE, "ref": "1.3", "target": datetime(2022, 8, 30), "status": "On track"},              # Amber: due in 30 days
    {**BASE, "ref": "1.4", "target": "December 2022", "status": "On track"},                     # Green
    {**BASE, "ref": "1.5", "target": "Ongoing", "status": "On track"},                           # Green, undated
]
TODAY = "2022-07-31"


def computed(path):
    ws = openpyxl.load_workbook(path)["Actions"]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=1, max_row=ws.max_row, min_col=13, max_col=16)]


def test_rag_writes_due_rag_overdue_and_days_overdue_as_values(make_plan):
    path = make_plan(ROWS)
    result = CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    assert 0 == result.exit_code
    assert [
        ("Due", "RAG", "Overdue", "Days overdue"),
        (datetime(2022, 7, 31), "Blue", "No", None),
        (datetime(2022, 7, 15), "Red", "Yes", 16),
        (datetime(2022, 8, 30), "Amber", "No", None),
        (datetime(2022, 12, 31), "Green", "No", None),
        (None, "Green", "No", None),
    ] == computed(path)
    assert "dd/mm/yyyy" == openpyxl.load_workbook(path)["Actions"]["M3"].number_format


def test_rag_prints_a_table_and_a_summary(make_plan):
    path = make_plan(ROWS)
    result = CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    assert [
        "Ref  Due         RAG    Overdue  Recommendation",
        "1.1  31/07/2022  Blue            1. Front door",
        "1.2  15/07/2022  Red    16 days  1. Front door",
        "1.3  30/08/2022  Amber           1. Front door",
        "1.4  31/12/2022  Green           1. Front door",
        "1.5              Green           1. Front door",
        "",
        "Blue 1, Green 2, Amber 1, Red 1; 1 overdue (as at 31/07/2022).",
        "Written to Actions!M1:P6.",
    ] == result.output.splitlines()


def test_rag_json_has_the_documented_fields(make_plan):
    path = make_plan(ROWS[:2])
    result = CliRunner().invoke(main, ["rag", str(path), "--today", TODAY, "--json"])
    assert 0 == result.exit_code
    assert {
        "actions": [
            {"ref": "1.1", "recommendation": "1. Front door", "due": "2022-07-31", "rag": "Blue", "overdue": False, "days_overdue": None},
            {"ref": "1.2", "recommendation": "1. Front door", "due": "2022-07-15", "rag": "Red", "overdue": True, "days_overdue": 16},
        ]
    } == json.loads(result.output)


def test_the_settings_amber_window_and_today_are_used_and_the_flag_wins(make_plan):
    # Amber window 7 days: 30/08/2022 (30 days away) is no longer Amber.
    path = make_plan(ROWS, settings={"B6": 7, "B7": datetime(2022, 7, 31)})
    CliRunner().invoke(main, ["rag", str(path)])
    assert ["Blue", "Red", "Green", "Green", "Green"] == [row[1] for row in computed(path)[1:]]
    # --today wins over Settings: on 01/09/2022, 30/08/2022 is two days overdue.
    CliRunner().invoke(main, ["rag", str(path), "--today", "2022-09-01"])
    assert ("Red", "Yes", 2) == computed(path)[3][1:]


def test_settings_status_keywords_change_the_status_read_from_progress(make_plan):
    rows = [{**BASE, "ref": "1.1", "target": "December 2022", "progress": "Slipping badly"}]
    path = make_plan(rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    at_risk = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "At risk")
    ws.cell(at_risk, 2).value = "at risk, slipping"
    wb.save(path)
    CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    assert "Amber" == computed(path)[1][1]


def test_a_bad_amber_window_stops_rag_and_names_the_cell(make_plan):
    path = make_plan(ROWS, settings={"B6": "a month"})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    assert 2 == result.exit_code
    assert [
        "Error: Settings!B6: Amber window 'a month' is not a number of days plansync can use. "
        "Write a whole number of days from 0 to 365, e.g. 30. Then run the command again."
    ] == result.output.splitlines()
    assert before == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_bad_today_flag_is_a_usage_error(make_plan):
    path = make_plan(ROWS)
    result = CliRunner().invoke(main, ["rag", str(path), "--today", "31/07/2022"])
    assert 2 == result.exit_code
    assert "Invalid value for '--today'" in result.output


def test_a_workbook_open_in_excel_exits_2_and_is_left_byte_identical(make_plan, tmp_path):
    path = make_plan(ROWS)
    (tmp_path / "~$plan.xlsx").write_bytes(bytes([10]) + b"Jane Smith".ljust(53))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    assert 2 == result.exit_code
    assert result.output.startswith("Error: plan.xlsx is open in Excel by Jane Smith, so plansync cannot save it.")
    assert before == hashlib.sha256(path.read_bytes()).hexdigest()


def test_values_left_from_deleted_rows_are_cleared(make_plan):
    path = make_plan(ROWS)
    CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    wb = openpyxl.load_workbook(path)
    for col in range(1, 11):
        wb["Actions"].cell(row=6, column=col).value = None
    wb.save(path)
    CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    ws = openpyxl.load_workbook(path)["Actions"]
    assert [None, None, None, None] == [ws.cell(row=6, column=c).value for c in range(13, 17)]


def test_rag_on_an_adopted_layout_writes_to_the_right_of_the_teams_table(tmp_path):
    path = tmp_path / "york.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Recommendation", "Action", "Lead", "Deadline", "Progress"])
    ws.append(["1) Written records", "Review practice standards", "Head of QA", datetime(2022, 7, 1), "Underway"])
    ws.append([None, "Quality assurance reporting", "Head of QA", "Quarterly reporting", "In place"])
    wb.save(path)
    result = refresh_rag(OpenpyxlWorkbook.open(path, write=True), today=datetime(2022, 7, 31).date())
    assert "Plan!F1:I3" == result.written
    ws = openpyxl.load_workbook(path)["Plan"]
    assert [
        ("Due", "RAG", "Overdue", "Days overdue"),
        (datetime(2022, 7, 1), "Red", "Yes", 30),
        (None, "Green", "No", None),
    ] == [tuple(c.value for c in row) for row in ws.iter_rows(min_col=6, max_col=9)]
    assert ["Recommendation", "Action", "Lead", "Deadline", "Progress"] == [c.value for c in ws[1]][:5]


def test_a_council_workbook_as_it_is_gets_its_columns_and_keeps_its_merged_headings(tmp_path):
    from pathlib import Path

    path = tmp_path / "rotherham.xlsx"
    # The fixture file is read-only; copy its bytes into a writable file.
    path.write_bytes((Path(__file__).parent / "fixtures" / "rotherham_ilacs_2022.xlsx").read_bytes())
    result = CliRunner().invoke(main, ["rag", str(path), "--today", "2022-11-14"])
    assert 0 == result.exit_code
    assert [
        "Blue 5, Green 24, Amber 2, Red 2; 2 overdue (as at 14/11/2022).",
        "Written to 'Action Plan'!F4:I41.",
    ] == result.output.splitlines()[-2:]
    wb = openpyxl.load_workbook(path)
    ws = wb["Action Plan"]
    assert {"A5:E5", "A11:E11", "A25:E25", "A35:E35"} == {str(r) for r in ws.merged_cells.ranges}
    assert ("2.1", "September 2022", "Red", "Yes", 45) == (ws["A12"].value, ws["C12"].value, ws["G12"].value, ws["H12"].value, ws["I12"].value)
    assert ["Action Plan"] == wb.sheetnames


def test_an_empty_plan_says_there_is_nothing_to_rate_yet(make_plan):
    path = make_plan([])
    result = CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    assert (0, ["No actions to rate yet: type your actions on the plan's sheet, then run this again."]) == (
        result.exit_code,
        result.output.splitlines(),
    )


def test_a_cell_holding_several_actions_shows_the_most_urgent_of_them(tmp_path):
    # 3b is complete but 3a is past its own date: the row must not look Blue.
    path = tmp_path / "several.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Ref", "Action", "Lead", "Target date", "Progress"])
    ws.append(["3", "a) Train all managers b) Audit twelve files", "a) Rebecca Wall b) Susan Claydon",
               "a) June 2022 b) July 2022", "a) Underway b) Complete"])
    wb.save(path)
    result = refresh_rag(OpenpyxlWorkbook.open(path, write=True), today=datetime(2022, 8, 10).date())
    assert [("3a", "Red"), ("3b", "Blue")] == list(result.actions[["ref", "rag"]].itertuples(index=False, name=None))
    ws = openpyxl.load_workbook(path)["Plan"]
    assert (datetime(2022, 6, 30), "Red", "Yes", 41) == tuple(c.value for c in ws[2][5:9])

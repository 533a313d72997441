"""`plansync validate` on workbooks made by `plansync new`: problems at their cells, on screen and on the Issues sheet."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import time

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from plansync.cli import main
from plansync.commands.validate import ISSUE_COLUMNS, ValidateResult


GOOD = {
    "recommendation": "1. Front door",
    "ref": "1.1",
    "action": "Dip sample NFA contacts weekly",
    "lead": "HoS First Response",
    "owner": "first.response@rotherham.example",
    "target": "July 2022",
    "status": "On track",
}


def issues_sheet(path):
    return list(openpyxl.load_workbook(path)["Issues"].iter_rows(values_only=True))


def test_a_clean_plan_exits_0_and_says_so(make_plan):
    path = make_plan([GOOD, {**GOOD, "ref": "1.2"}])
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert 0 == result.exit_code
    assert ["No problems found in 2 actions."] == result.output.splitlines()
    assert [("Sheet", "Cell", "Column", "Value", "Problem", "What to do", "Severity")] == issues_sheet(path)


def test_the_demo_plan_is_clean(tmp_path):
    path = tmp_path / "demo.xlsx"
    CliRunner().invoke(main, ["new", str(path), "--demo"])
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert (0, ["No problems found in 64 actions."]) == (result.exit_code, result.output.splitlines())


def test_every_problem_is_listed_at_its_cell_and_the_exit_code_is_1(make_plan):
    path = make_plan(
        [
            {**GOOD, "target": "Jully 2022", "status": "Done"},
            {**GOOD, "ref": "1.2", "owner": "HoS First Response", "target": "=TODAY()+7"},
        ],
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert 1 == result.exit_code
    assert [
        "Cell        Column         Value               Problem",
        "Actions!G2  Target date    Jully 2022          Target date 'Jully 2022' is not a date plansync can read; write e.g. 'July 2022' or 31/07/2022.",
        "Actions!I2  Status         Done                Status 'Done' is not one of the statuses plansync knows; choose one of: Not started, On track, At risk, Off track, Complete, Signed off.",
        "Actions!F3  Owner sign-in  HoS First Response  Owner sign-in 'HoS First Response' is not an email address; write the person's sign-in, e.g. jane.smith@council.gov.uk (separate several with ;).",
        "Actions!G3  Target date    =TODAY()+7          Target date holds the formula '=TODAY()+7'; plansync needs the value itself here, not a formula.",
        "",
        "4 errors, 0 warnings in 2 actions; the list is on the Issues sheet.",
    ] == result.output.splitlines()


def test_the_issues_sheet_is_rewritten_on_each_run(make_plan):
    path = make_plan([{**GOOD, "target": "Jully 2022"}, {**GOOD, "ref": "1.2", "status": "Done"}])
    CliRunner().invoke(main, ["validate", str(path)])
    assert 3 == len(issues_sheet(path))

    wb = openpyxl.load_workbook(path)
    wb["Actions"]["I3"] = "Complete"
    wb.save(path)
    CliRunner().invoke(main, ["validate", str(path)])
    assert [
        ("Sheet", "Cell", "Column", "Value", "Problem", "What to do", "Severity"),
        (
            "Actions",
            "Actions!G2",
            "Target date",
            "Jully 2022",
            "Target date 'Jully 2022' is not a date plansync can read; write e.g. 'July 2022' or 31/07/2022.",
            "Write a day (31/07/2022) or a month (July 2022); 'Ongoing' and 'To be confirmed' are fine too.",
            "error",
        ),
    ] == issues_sheet(path)
    wb = openpyxl.load_workbook(path)
    assert "Issues" == wb.active.title
    assert wb["Issues"]["A1"].font.bold  # the header keeps the template's styling


def test_json_lists_errors_and_warnings_with_the_documented_keys(make_plan):
    path = make_plan([{**GOOD, "target": "Jully 2022"}, {**GOOD, "ref": None}])
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert 1 == result.exit_code
    assert {
        "rows": 2,
        "errors": [
            {
                "sheet": "Actions",
                "cell": "Actions!G2",
                "row": 2,
                "column": "G",
                "value": "Jully 2022",
                "check": "date_unreadable",
                "message": "Target date 'Jully 2022' is not a date plansync can read; write e.g. 'July 2022' or 31/07/2022.",
            }
        ],
        "warnings": [
            {
                "sheet": "Actions",
                "cell": "Actions!C3",
                "row": 3,
                "column": "C",
                "value": "",
                "check": "missing_ref",
                "message": "This action has no ref; plansync will give it a key of its own, but a ref makes it easier to find.",
            }
        ],
    } == json.loads(result.output)


def test_json_shows_a_time_of_day_in_a_cell_as_its_text():
    # A cell formatted as a time reads as a time of day; the --json output shows it as 12:00:00.
    issue = {"sheet": "Action Plan", "cell": "'Action Plan'!C39", "row": 39, "column": "C", "field": "action",
             "value": time(12, 0), "check": "status_undetermined", "message": "m", "fix": "f", "severity": "warning"}
    result = ValidateResult(rows=1, issues=pd.DataFrame([issue], columns=ISSUE_COLUMNS))
    assert ["12:00:00"] == [w["value"] for w in json.loads(json.dumps(result.to_json()))["warnings"]]


def test_warnings_alone_exit_0(make_plan):
    path = make_plan([{**GOOD, "ref": None}])
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert 0 == result.exit_code
    assert "0 errors, 1 warning in 1 actions; the list is on the Issues sheet." == result.output.splitlines()[-1]


def test_a_settings_problem_is_reported_at_the_settings_cell(make_plan):
    path = make_plan([GOOD], settings={"B6": "soon"})
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert 1 == result.exit_code
    assert (
        "Settings!B6  Amber window (days)  soon   Amber window 'soon' is not a number of days plansync can use. "
        "Write a whole number of days from 0 to 365, e.g. 30."
    ) == result.output.splitlines()[1]
    assert ("Settings", "Settings!B6", "Amber window (days)", "soon") == issues_sheet(path)[1][:4]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Error: plan.xlsx is not an Excel workbook (.xlsx) plansync can read. Open it in Excel and save it as 'Excel Workbook (*.xlsx)', then try again."),
        (b"Ref,Action\n1.1,Do it\n", "Error: plan.xlsx is not an Excel workbook (.xlsx) plansync can read. Open it in Excel and save it as 'Excel Workbook (*.xlsx)', then try again."),
    ],
)
def test_an_unreadable_file_exits_2_with_the_reason(tmp_path, content, message):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert (2, [message]) == (result.exit_code, result.output.splitlines())


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (
            _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
            "Error: plan.xlsx is an OpenDocument spreadsheet (.ods), not an Excel workbook. Open it in LibreOffice Calc or Excel "
            "and save it as 'Excel Workbook (*.xlsx)' (in LibreOffice: File > Save As, 'Excel 2007-365'), then try again.",
        ),
        (
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x/>"}),
            "Error: plan.xlsx is not an Excel workbook (.xlsx) plansync can read: it holds no worksheets. "
            "Open it in Excel and save it as 'Excel Workbook (*.xlsx)', then try again.",
        ),
    ],
    ids=["ods", "word"],
)
def test_another_kind_of_document_is_named_for_what_it_is_and_left_as_it_was(tmp_path, content, message):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    for command in ("validate", "rag", "adopt", "report"):
        result = CliRunner().invoke(main, [command, str(path)])
        assert (2, [message]) == (result.exit_code, result.output.splitlines()), command
    assert content == path.read_bytes()


def test_a_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.xlsx")])
    assert 2 == result.exit_code
    assert [
        f"Error: {tmp_path / 'nope.xlsx'} does not exist. Check the name and folder, or create a new plan with: plansync new nope.xlsx"
    ] == result.output.splitlines()


def test_a_workbook_open_in_excel_exits_2_and_is_left_byte_identical(make_plan, tmp_path):
    path = make_plan([{**GOOD, "target": "Jully 2022"}])
    (tmp_path / "~$plan.xlsx").write_bytes(bytes([10]) + b"Jane Smith".ljust(53) + b"\x00" * 60)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert 2 == result.exit_code
    assert [
        "Error: plan.xlsx is open in Excel by Jane Smith, so plansync cannot save it. Close it in Excel (or ask Jane Smith to), "
        "then run the command again. If nobody has it open, delete the leftover lock file ~$plan.xlsx beside it. Nothing was changed."
    ] == result.output.splitlines()
    assert before == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_read_only_workbook_exits_2_and_is_left_byte_identical(make_plan):
    path = make_plan([GOOD])
    os.chmod(path, 0o444)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert 2 == result.exit_code
    assert result.output.startswith("Error: plan.xlsx is read-only, so plansync cannot save it.")
    assert before == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_workbook_without_a_plan_table_says_what_to_do(tmp_path):
    path = tmp_path / "notes.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Meeting notes"])
    wb.save(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert 2 == result.exit_code
    assert result.output.startswith("Error: No sheet in notes.xlsx has a header row plansync recognises")


def test_validate_keeps_the_teams_formulas_and_other_sheets(make_plan):
    path = make_plan([GOOD])
    wb = openpyxl.load_workbook(path)
    wb["Actions"]["R2"] = "=LEN(D2)"
    wb.create_sheet("Notes")["A1"] = "Board on Tuesday"
    wb.save(path)
    CliRunner().invoke(main, ["validate", str(path)])
    wb = openpyxl.load_workbook(path)
    assert ("=LEN(D2)", "Board on Tuesday") == (wb["Actions"]["R2"].value, wb["Notes"]["A1"].value)

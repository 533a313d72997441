"""``plansync adopt``: the team's own workbook is found, mapped and made ready, and nothing of theirs changes."""

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from plansync.state.bookkeeping import load_meta
from plansync.cli import main
from plansync.commands.adopt import adopt_workbook
from plansync.commands.rag import refresh_rag
from plansync.commands.report import report_workbook
from plansync.commands.validate import validate_workbook
from plansync.plan import load_plan
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sample_files import writable_copy

FIXTURES = Path(__file__).parent / "fixtures"


def _copy(name, tmp_path):
    return writable_copy(FIXTURES / name, tmp_path)


def _team_workbook(path):
    """A team's plan as they keep it: styled title, merged headings, a formula, validation, notes, two other sheets."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action Plan"
    ws["A1"] = "Ofsted ILACS Inspection Action Plan"
    ws["A1"].font = Font(bold=True, size=14, color="1F4E79")
    ws.append([])
    ws.append(["Ref.", "Action", "Target End Date", "Lead Officer", "Progress", "Team notes"])
    for cell in ws[3]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.border = Border(bottom=Side(style="thin"))
    ws.append(["1. Consideration of previous history", None, None, None, None, None])
    ws.merge_cells("A4:F4")
    ws.append(["1.1", "Dip sample NFA contacts", "July 2022", "HoS First Response", "Action Complete", "=LEN(B5)"])
    ws.append(["1.2", "Review pre-screening", datetime(2022, 11, 30), "HoS First Response", "In progress – on track", None])
    ws.append([None, "Audit case files", None, "Head of Safeguarding", None, None])
    ws.append(["Overarching Note: progress is reported to the Evidence Challenge Panel", None, None, None, None, None])
    ws.merge_cells("A8:F8")
    ws.append(["2. Assessment of identity needs", None, None, None, None, None])
    ws.merge_cells("A9:F9")
    ws.append(["2.1", "Revise the placement referral form", "September 2022", "HoS Commissioning", "Action awaiting start", None])
    ws["B5"].alignment = Alignment(wrap_text=True, vertical="top")
    ws["C6"].number_format = "dd mmm yyyy"
    ws.column_dimensions["B"].width = 60
    dv = DataValidation(type="list", formula1='"Yes,No"')
    ws.add_data_validation(dv)
    dv.add("F5:F10")
    ws.conditional_formatting.add("E5:E10", CellIsRule(operator="equal", formula=['"Late"'], fill=PatternFill("solid", bgColor="FF0000")))
    ws.freeze_panes = "A4"
    other = wb.create_sheet("Version control")
    other.append(["Version", "Date"])
    other.append(["0.1 (DRAFT)", datetime(2022, 6, 17)])
    other["A1"].font = Font(italic=True)
    wb.create_sheet("Lookups")["A1"] = "=SUM(1,2)"
    wb.save(path)
    return path


def _snapshot(path, sheets=None, *, within=None):
    """Every cell's value and style, the merges, validation and conditional formatting of the given sheets."""
    wb = openpyxl.load_workbook(path)
    shot = {}
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        max_row, max_col = within.get(ws.title, (ws.max_row, ws.max_column)) if within else (ws.max_row, ws.max_column)
        cells = {}
        for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
            for c in row:
                cells[c.coordinate] = (
                    c.value, c.font.b, c.font.i, c.font.sz, str(c.font.color.rgb) if c.font.color else None,
                    c.fill.fill_type, str(c.fill.fgColor.rgb), c.border.bottom.style, c.number_format,
                    c.alignment.wrap_text, c.alignment.vertical,
                )
        shot[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validation": sorted((str(d.sqref), d.formula1) for d in ws.data_validations.dataValidation),
            "formatting": sorted((str(cf.sqref), r.operator, tuple(r.formula)) for cf in ws.conditional_formatting for r in cf.rules),
            "state": ws.sheet_state,
            "freeze": ws.freeze_panes,
            "widths": {k: v.width for k, v in ws.column_dimensions.items() if v.width},
        }
    return shot


def test_adopt_shows_the_mapping_it_found_and_what_it_could_not_place(tmp_path):
    path = _copy("rotherham_ilacs_2022.xlsx", tmp_path)
    result = CliRunner().invoke(main, ["adopt", str(path)])
    assert 0 == result.exit_code, result.output
    assert [
        "Plan found on sheet 'Action Plan', header row 4.",
        "Columns:",
        "  A   Ref.             -> Ref",
        "  B   Action           -> Action",
        "  C   Target End Date  -> Target date",
        "  D   Lead Officer     -> Lead",
        "  E   Progress         -> Progress",
        "plansync's columns: F Due, G RAG, H Overdue, I Days overdue",
        "Recommendations: 4 (from heading rows above the actions)",
        "Actions: 33",
        "Status from: the words of the Progress column (E)",
        "Status to set by a person (1):",
        "  - 'Action Plan'!E10: plansync cannot tell from its empty progress cell whether this action is complete, on track "
        "or at risk, so its status is left unknown (it is not counted complete). Write where the action stands at the start "
        "of the update (for example 'Complete - ...' or 'In progress - on track'), or add a Status column and set it.",
        "Could not place:",
        "  - 'Action Plan'!A10: This action has no ref; plansync will give it a key of its own, "
        "but a ref makes it easier to find. Type a ref for this action, e.g. 1.5.",
        "Added: headers Due, RAG, Overdue, Days overdue at 'Action Plan'!F4:I4; sheet Settings; sheet Issues; sheet Summary.",
        "The mapping is saved in the workbook. To correct it, type column letters under Column overrides on the Settings sheet.",
    ] == result.output.splitlines()


def test_adopt_json_gives_the_mapping_and_counts_and_saves_the_mapping_in_the_hidden_sheet(tmp_path):
    path = _copy("york_ofsted_2022.xlsx", tmp_path)
    result = CliRunner().invoke(main, ["adopt", str(path), "--json"])
    assert 0 == result.exit_code, result.output
    assert {
        "sheet": "Plan",
        "header_rows": [1],
        "source": "detected",
        "columns": {
            "recommendation": {"column": "A", "header": "Recommendation"},
            "action": {"column": "B", "header": "Action"},
            "lead": {"column": "C", "header": "Lead"},
            "target": {"column": "D", "header": "Deadline"},
            "progress": {"column": "E", "header": "Progress"},
        },
        "computed_columns": {"due": "F", "rag": "G", "overdue": "H", "days_overdue": "I"},
        "recommendations": 7,
        "actions": 31,
        "recommendation_from": "column",
        "split_cells": 0,
        "unplaced": [],
        "added": ["headers Due, RAG, Overdue, Days overdue at Plan!F1:I1", "sheet Settings", "sheet Issues", "sheet Summary"],
        "status_from": "the words of the Progress column (E)",
        "sheets": [
            {"sheet": "Plan", "read_as": "the plan"},
            {"sheet": "Version control", "read_as": "skipped: no header row naming an action column (a cover, key, notes or version sheet)"},
        ],
    } == {k: v for k, v in json.loads(result.output).items() if k != "status_to_set"}
    # York's updates say what is happening, not where each action stands: a person sets those.
    to_set = json.loads(result.output)["status_to_set"]
    # (25 of 31: 'This review is currently underway.' and the like read as On track.)
    assert 25 == len(to_set)
    assert to_set[0].startswith("Plan!E3: plansync cannot tell from its progress ('Action Learning Sets delivered")
    assert all(item.startswith("Plan!E") for item in to_set)
    wb = openpyxl.load_workbook(path)
    assert ["Plan", "Version control", "_plansync", "Settings", "Issues", "Summary"] == wb.sheetnames
    assert "hidden" == wb["_plansync"].sheet_state
    assert ["Due", "RAG", "Overdue", "Days overdue"] == [wb["Plan"].cell(1, c).value for c in range(6, 10)]
    saved = load_meta(OpenpyxlWorkbook.open(path))["layout"]
    assert ("Plan", [1], 6) == (saved["sheet"], saved["header_rows"], saved["computed_col"])


def test_the_teams_cells_formatting_formulas_merges_and_sheets_survive_adopt_validate_rag_and_report(tmp_path):
    path = _team_workbook(tmp_path / "plan.xlsx")
    before = _snapshot(path)
    adopted = adopt_workbook(OpenpyxlWorkbook.open(path, write=True))
    assert (4, 7) == (adopted.actions, adopted.layout.computed_col)  # right of the team's own notes column
    validate_workbook(OpenpyxlWorkbook.open(path, write=True))
    refresh_rag(OpenpyxlWorkbook.open(path, write=True), today=date(2022, 10, 1))
    report_workbook(OpenpyxlWorkbook.open(path, write=True), today=date(2022, 10, 1))

    # Compare every cell of the team's original ranges, and everything else the sheets carry.
    after = _snapshot(path, sheets=set(before), within={"Action Plan": (10, 6), "Version control": (2, 2), "Lookups": (1, 1)})
    for name in before:
        for key in ("cells", "merged", "validation", "state", "freeze"):
            assert before[name][key] == after[name][key], (name, key)
        # plansync's own columns (G:J) get their width and rules; the team's keep theirs.
        assert before[name]["widths"] == {k: after[name]["widths"].get(k) for k in before[name]["widths"]}, name
        assert set(before[name]["formatting"]) <= set(after[name]["formatting"]), name
    ws = openpyxl.load_workbook(path)["Action Plan"]
    assert [
        ["Due", "RAG", "Overdue", "Days overdue"],
        [datetime(2022, 7, 31), "Blue", "No", None],
        [datetime(2022, 11, 30), "Green", "No", None],
        [None, "Green", "No", None],
        [None, None, None, None],
        [datetime(2022, 9, 30), "Red", "Yes", 1],
    ] == [[ws.cell(r, c).value for c in range(7, 11)] for r in (3, 5, 6, 7, 8, 10)]


def test_adopting_twice_changes_nothing_more(tmp_path):
    path = _team_workbook(tmp_path / "plan.xlsx")
    adopt_workbook(OpenpyxlWorkbook.open(path, write=True))
    once = _snapshot(path)
    again = adopt_workbook(OpenpyxlWorkbook.open(path, write=True))
    assert [] == again.added
    assert once == _snapshot(path)


def test_a_mapping_corrected_on_the_settings_sheet_wins_over_detection(tmp_path):
    path = _team_workbook(tmp_path / "plan.xlsx")
    adopt_workbook(OpenpyxlWorkbook.open(path, write=True))
    wb = openpyxl.load_workbook(path)
    settings = wb["Settings"]
    overrides = next(r for r in range(1, settings.max_row + 1) if settings.cell(r, 1).value == "Column overrides")
    lead = next(r for r in range(overrides, settings.max_row + 1) if settings.cell(r, 1).value == "Lead")
    settings.cell(lead, 2).value = "F"  # the team says: the lead is in 'Team notes'
    wb.save(path)

    result = CliRunner().invoke(main, ["adopt", str(path), "--json"])
    assert 0 == result.exit_code, result.output
    mapping = json.loads(result.output)
    assert "settings" == mapping["source"]
    assert {"column": "F", "header": "Team notes"} == mapping["columns"]["lead"]
    assert "D" not in [c["column"] for c in mapping["columns"].values()]


def test_a_workbook_without_a_plan_says_what_to_do(tmp_path):
    path = tmp_path / "notes.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Version", "Date"])
    wb.save(path)
    result = CliRunner().invoke(main, ["adopt", str(path)])
    assert 2 == result.exit_code
    assert (
        "Error: No sheet in notes.xlsx has a header row plansync recognises: it looks for a row of headings "
        "such as 'Ref', 'Action', 'Lead' and 'Target date' (or 'Deadline', 'By when'). Add such a heading row "
        "above the plan, or fill in 'Plan sheet', 'Header row' and the columns under Column overrides on the "
        "Settings sheet, then adopt again.\n"
    ) == result.output


def _council_layout(path):
    """Another council's layout: numbered headings each with its own header block, a findings column
    merged over its actions, a) refs in every column, several actions in one cell, a note row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Improvement Plan"
    header = ["Findings", "Action(s)", "Lead Officer", "By when", "Progress Update"]
    rows = [
        ["Children's Services Improvement Plan 2023"],
        [],
        ["Recommendation No. 1"],
        header,
        ["Leaders do not know the quality of practice", "a) Develop the role of the QA team", "a) Rebecca Wall", "a) March 2023", "a) Complete - role agreed"],
        [None, "b) Audit twelve cases a month", "b) Susan Claydon", "b) Ongoing", "b) In progress – on track"],
        ["Overarching Note: the board reviews this plan monthly"],
        ["Recommendation No. 2"],
        header,
        ["Plans are not specific", "a) Introduce a plan template b) Train managers in its use", "a) Rebecca Wall b) Jo Bloggs", "June 2023", "Revised timescale of September 2023"],
        [None, "c) Review twelve plans", "Jo Bloggs", "May 2023", None],
    ]
    for row in rows:
        ws.append(row)
    for merged in ("A3:E3", "A5:A6", "A7:E7", "A8:E8", "A10:A11"):
        ws.merge_cells(merged)
    wb.create_sheet("Version control").append(["Version", "Date"])
    wb.save(path)
    return path


def test_a_council_layout_with_repeated_header_blocks_merged_findings_and_lettered_actions(tmp_path):
    path = _council_layout(tmp_path / "improvement.xlsx")
    adopted = adopt_workbook(OpenpyxlWorkbook.open(path, write=True))
    assert ("Improvement Plan", [4, 9], "column", 1) == (
        adopted.layout.sheet, adopted.layout.header_rows, adopted.recommendation_from, adopted.split_cells
    )
    assert (2, 5) == (adopted.recommendations, adopted.actions)
    plan = load_plan(OpenpyxlWorkbook.open(path))
    assert [
        ("Recommendation No. 1: Leaders do not know the quality of practice", "1a", "Develop the role of the QA team", "Rebecca Wall", "March 2023", 5),
        ("Recommendation No. 1: Leaders do not know the quality of practice", "1b", "Audit twelve cases a month", "Susan Claydon", "Ongoing", 6),
        ("Recommendation No. 2: Plans are not specific", "2a", "Introduce a plan template", "Rebecca Wall", "June 2023", 10),
        ("Recommendation No. 2: Plans are not specific", "2b", "Train managers in its use", "Jo Bloggs", "June 2023", 10),
        ("Recommendation No. 2: Plans are not specific", "2c", "Review twelve plans", "Jo Bloggs", "May 2023", 11),
    ] == list(plan.actions[["recommendation", "ref", "action", "lead", "target", "_row"]].itertuples(index=False, name=None))

    result = CliRunner().invoke(main, ["report", str(path), "--today", "2023-07-01", "--json"])
    assert 0 == result.exit_code, result.output
    assert {
        "recommendations": 2,
        "actions": 5,
        "complete": 1,
        "by_rag": {"Blue": 1, "Green": 1, "Amber": 2, "Red": 1},
        "fully_complete_recommendations": [],
        "overdue": [{"ref": "2c", "recommendation": 2, "lead": "Jo Bloggs", "days_overdue": 31}],
    } == {k: v for k, v in json.loads(result.output).items() if "sign" not in k}  # sign-off split: tests/test_report.py


def test_rows_inserted_above_the_table_after_adoption_are_found_again(tmp_path):
    path = _team_workbook(tmp_path / "plan.xlsx")
    adopt_workbook(OpenpyxlWorkbook.open(path, write=True))
    wb = openpyxl.load_workbook(path)
    ws = wb["Action Plan"]
    merged = [str(r) for r in ws.merged_cells.ranges]
    for rng in merged:
        ws.unmerge_cells(rng)
    ws.insert_rows(2, amount=2)  # the team adds two lines under the title, as Excel would
    for rng in merged:
        ws.merge_cells(rng.replace("4", "6").replace("8", "10").replace("9", "11"))
    wb.save(path)
    plan = load_plan(OpenpyxlWorkbook.open(path))
    assert ([5], ["1.1", "1.2", None, "2.1"]) == (plan.layout.header_rows, plan.actions["ref"].tolist())


def test_the_new_issues_sheet_lists_the_action_found_without_a_ref(tmp_path):
    path = _copy("rotherham_ilacs_2022.xlsx", tmp_path)
    adopt_workbook(OpenpyxlWorkbook.open(path, write=True))
    ws = openpyxl.load_workbook(path)["Issues"]
    assert [
        ("Sheet", "Cell", "Column", "Value", "Problem", "What to do", "Severity"),
        ("Action Plan", "'Action Plan'!A10", "Ref.", None,
         "This action has no ref; plansync will give it a key of its own, but a ref makes it easier to find.",
         "Type a ref for this action, e.g. 1.5.", "warning"),
    ] == list(ws.iter_rows(values_only=True))


def test_a_heading_of_a_whole_essay_in_a_column_plansync_does_not_know_is_quoted_short_and_adopt_still_saves(tmp_path):
    path = tmp_path / "plan.xlsx"
    _team_workbook(path)
    wb = openpyxl.load_workbook(path)
    wb["Action Plan"]["G3"] = "Notes on the approach agreed with the board. " * 800  # 36,000 characters
    wb.save(path)
    result = CliRunner().invoke(main, ["adopt", str(path), "--json"], env={"PLANSYNC_HOME": str(tmp_path / "home")})
    assert 0 == result.exit_code, result.output
    (note,) = [u for u in json.loads(result.stdout)["unplaced"] if u.startswith("Column G")]
    assert note.startswith("Column G ('Notes on the approach agreed with the board.") and len(note) < 200
    assert "layout" in load_meta(OpenpyxlWorkbook.open(path))

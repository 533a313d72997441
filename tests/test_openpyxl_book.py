"""The openpyxl adapter reads values and formulas as the seam promises and keeps what users made."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from plansync.state.bookkeeping import load_meta, save_meta, update_meta
from plansync.errors import LayoutNotFound, WorkbookError, WorkbookUnreadable
from plansync.plan import load_plan
from plansync.workbook.base import Workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook


def _user_workbook(path):
    """A team's own workbook: styled title, merged heading, a formula, validation, a second sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action Plan"
    ws["A1"] = "Ofsted ILACS Inspection Action Plan"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["Ref.", "Action", "Target End Date", "Lead Officer", "Progress"])
    ws.append(["1. Consideration of previous history", None, None, None, None])
    ws.merge_cells("A4:E4")
    ws.append(["1.1", "Undertake weekly dip sampling", "July 2022", "HoS First Response", "Action Complete"])
    ws.append(["1.2", "Review pre-screening", datetime(2022, 11, 30), "HoS First Response", "=CONCAT(\"In \",\"progress\")"])
    ws["B5"].fill = PatternFill("solid", fgColor="FFFF00")
    dv = DataValidation(type="list", formula1='"Yes,No"')
    ws.add_data_validation(dv)
    dv.add("F5:F10")
    ws.conditional_formatting.add("E5:E10", CellIsRule(operator="equal", formula=['"Late"'], fill=PatternFill("solid", bgColor="FF0000")))
    ws.column_dimensions["B"].width = 60
    other = wb.create_sheet("Version control")
    other.append(["Version", "Date"])
    other.append(["0.1 (DRAFT)", datetime(2022, 6, 17)])
    wb.save(path)
    return path


def test_the_adapter_implements_the_workbook_seam(tmp_path):
    book = OpenpyxlWorkbook.open(_user_workbook(tmp_path / "plan.xlsx"))
    assert isinstance(book, Workbook)
    assert ["Action Plan", "Version control"] == book.sheet_names()


def test_read_sheet_gives_values_formulas_as_text_and_merged_ranges(tmp_path):
    grid = OpenpyxlWorkbook.open(_user_workbook(tmp_path / "plan.xlsx")).read_sheet("Action Plan")
    assert "Ref." == grid.cell(3, 1)
    assert "July 2022" == grid.cell(5, 3)
    assert datetime(2022, 11, 30) == grid.cell(6, 3)
    assert '=CONCAT("In ","progress")' == grid.cell(6, 5)
    assert [(4, 1, 4, 5)] == grid.merged
    assert (6, 5) == (grid.max_row, grid.max_col)


def test_a_write_and_save_keeps_formatting_formulas_merges_validation_and_other_sheets(tmp_path):
    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    book.write_range("Action Plan", 5, 6, [["Blue"], ["Green"]])
    book.save()

    wb = openpyxl.load_workbook(path)
    ws = wb["Action Plan"]
    assert ["Blue", "Green"] == [ws["F5"].value, ws["F6"].value]
    assert '=CONCAT("In ","progress")' == ws["E6"].value
    assert ws["A1"].font.bold and 14 == ws["A1"].font.size
    assert "00FFFF00" == ws["B5"].fill.fgColor.rgb
    assert ["A4:E4"] == [str(r) for r in ws.merged_cells.ranges]
    assert ["F5:F10"] == [str(dv.sqref) for dv in ws.data_validations.dataValidation]
    assert ["E5:E10"] == [str(cf.sqref) for cf in ws.conditional_formatting]
    assert 60 == ws.column_dimensions["B"].width
    assert ["Version", "Date"] == [c.value for c in wb["Version control"][1]]


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    book.write_range("Action Plan", 10, 1, [["=SUM(A1:A2)"]])
    book.save()
    cell = openpyxl.load_workbook(path)["Action Plan"]["A10"]
    assert ("=SUM(A1:A2)", "s") == (cell.value, cell.data_type)


def test_dates_written_into_unformatted_cells_show_day_first(tmp_path):
    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    book.write_range("Action Plan", 5, 7, [[datetime(2022, 7, 31)]])
    book.save()
    assert "dd/mm/yyyy" == openpyxl.load_workbook(path)["Action Plan"]["G5"].number_format


def test_replace_sheet_clears_old_rows_and_can_hide_the_sheet(tmp_path):
    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    book.replace_sheet("Issues", [["Sheet", "Cell"], ["Plan", "A1"], ["Plan", "A2"]])
    book.replace_sheet("Issues", [["Sheet", "Cell"]])
    book.replace_sheet("_hidden", [["k", "v"]], hidden=True)
    book.save()
    wb = openpyxl.load_workbook(path)
    assert [("Sheet", "Cell")] == list(wb["Issues"].iter_rows(values_only=True))
    assert ("visible", "hidden") == (wb["Issues"].sheet_state, wb["_hidden"].sheet_state)


def test_select_makes_the_cell_active_on_that_sheet_only(tmp_path):
    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    book.select("Version control", 2, 1)
    book.save()
    wb = openpyxl.load_workbook(path)
    assert "Version control" == wb.active.title
    assert "A2" == wb.active.sheet_view.selection[0].activeCell
    assert [False, True] == [bool(ws.sheet_view.tabSelected) for ws in wb.worksheets]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a zip at all", "plan.xlsx is not an Excel workbook (.xlsx) plansync can read. Open it in Excel and save it as 'Excel Workbook (*.xlsx)', then try again."),
        (None, "{path} does not exist. Check the name and folder, or create a new plan with: plansync new plan.xlsx"),
    ],
)
def test_unreadable_files_say_why_and_what_to_do(tmp_path, content, message):
    path = tmp_path / "plan.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(WorkbookUnreadable) as caught:
        OpenpyxlWorkbook.open(path)
    assert message.format(path=path) == str(caught.value)
    assert 2 == caught.value.exit_code


def test_bookkeeping_round_trips_json_in_a_hidden_sheet(tmp_path):
    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    assert {} == load_meta(book)
    save_meta(book, {"plan_id": "york-2022", "layout": {"sheet": "Plan", "header_rows": [1]}})
    update_meta(book, last_sync="2022-07-31T10:00:00")
    book.save()
    again = OpenpyxlWorkbook.open(path)
    assert {
        "plan_id": "york-2022",
        "layout": {"sheet": "Plan", "header_rows": [1]},
        "last_sync": "2022-07-31T10:00:00",
    } == load_meta(again)
    assert "hidden" == again.wb["_plansync"].sheet_state
    assert ("layout", '{"header_rows": [1], "sheet": "Plan"}') == tuple(c.value for c in again.wb["_plansync"][3])


def test_saving_the_meta_leaves_the_row_state_beside_it(tmp_path):
    from plansync.state.bookkeeping import load_row_lines, save_bookkeeping

    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    save_bookkeeping(book, {"plan_id": "york", "layout": {"sheet": "Plan"}}, [["row key", "state"], ["york:1.1", '{"id": "7"}']])
    save_meta(book, {"plan_id": "york"})  # one key fewer: its line is cleared
    book.save()
    again = OpenpyxlWorkbook.open(path)
    assert {"plan_id": "york"} == load_meta(again)
    lines, legacy = load_row_lines(again)
    assert ([("york:1.1", '{"id": "7"}', "_plansync!E2")], False) == ([(x.key, x.text, x.cell) for x in lines], legacy)
    assert [["key", "value (JSON)", None, "row key", "state"], ["plan_id", '"york"', None, "york:1.1", '{"id": "7"}']] == [
        list(r) for r in again.wb["_plansync"].iter_rows(values_only=True)
    ]


def test_a_hand_damaged_sync_state_is_named_at_its_cell(tmp_path):
    from plansync.state.bookkeeping import save_bookkeeping
    from plansync.state.sync_state import load_state

    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    save_bookkeeping(book, {"plan_id": "york"}, [["row key", "state"], ["york:1.1", '{"id": "7"}'], ["york:1.2", "{oops"]])
    with pytest.raises(WorkbookError) as caught:
        load_state(book)
    assert (
        "The hidden sheet _plansync is damaged at _plansync!E3 (key 'york:1.2'): it is not the JSON plansync wrote. "
        "Undo the hand edit there, or delete that row and sync again."
    ) == str(caught.value)


def test_bookkeeping_names_a_hand_damaged_cell(tmp_path):
    path = _user_workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    book.replace_sheet("_plansync", [["key", "value (JSON)"], ["plan_id", "{oops"]], hidden=True)
    with pytest.raises(WorkbookError) as caught:
        load_meta(book)
    assert (
        "The hidden sheet _plansync is damaged at _plansync!B2 (key 'plan_id'): its value is not valid JSON. "
        "Undo the hand edit there, or delete that row and adopt the workbook again."
    ) == str(caught.value)


def test_load_plan_finds_the_header_and_fills_the_plan_name_from_the_file_name(tmp_path):
    plan = load_plan(OpenpyxlWorkbook.open(_user_workbook(tmp_path / "rotherham.xlsx")))
    assert ("Action Plan", [3]) == (plan.layout.sheet, plan.layout.header_rows)
    assert {"ref": 1, "action": 2, "target": 3, "lead": 4, "progress": 5} == plan.layout.columns
    assert ["1.1", "1.2"] == plan.actions["ref"].tolist()
    assert {"rotherham"} == set(plan.actions["plan"])
    assert [5, 6] == plan.actions["_row"].tolist()


def test_load_plan_prefers_settings_column_overrides(tmp_path):
    path = _user_workbook(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    settings = wb.create_sheet("Settings")
    for row in (["Plan name", "Rotherham ILACS"], ["Column overrides"], ["Field", "Column"], ["Progress", "B"], ["Action", "E"]):
        settings.append(row)
    wb.save(path)
    plan = load_plan(OpenpyxlWorkbook.open(path))
    assert ("settings", 5, 2) == (plan.layout.source, plan.layout.columns["action"], plan.layout.columns["progress"])
    assert {"Rotherham ILACS"} == set(plan.actions["plan"])


def test_load_plan_says_what_to_do_when_no_header_is_found(tmp_path):
    path = tmp_path / "empty.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Just", "some", "notes"])
    wb.save(path)
    with pytest.raises(LayoutNotFound) as caught:
        load_plan(OpenpyxlWorkbook.open(path))
    assert (
        "No sheet in empty.xlsx has a header row plansync recognises (it looks for headings such as 'Ref', "
        "'Action', 'Lead', 'Target date'). Run: plansync adopt, or fill in 'Plan sheet', 'Header row' and the "
        "columns under Column overrides on the Settings sheet."
    ) == str(caught.value)


def test_a_password_protected_or_old_xls_file_is_named_as_such(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504)
    with pytest.raises(WorkbookUnreadable) as caught:
        OpenpyxlWorkbook.open(path)
    assert (
        "plan.xlsx is password-protected or in the old .xls format, which plansync cannot read. Open it in Excel, "
        "remove the password (File > Info > Protect Workbook) or save it as 'Excel Workbook (*.xlsx)', then try again."
    ) == str(caught.value)

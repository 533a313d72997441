"""The ribbon writes text as text (issue 19): every text Excel would re-read when given through
``Range.value`` goes with Excel's text prefix, checked on the exact block handed to ``Range.value``."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

import addin.buttons as buttons
from addin.text_prefix import excel_text, needs_prefix
from addin.xlwings_book import merge_formulas
from addin_remote_excel import RemoteExcel
from plansync.commands.new import new_workbook
from validation.grid import Text

DDE = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "text",
    ["=1+1", DDE, "+44 1904 000000", "-5 days", "@team", "1.10", "2.13", "01/02/03", "1/2", "July 2026", "1 July 2022",
     "Jan-22", "2026-01-15", "12:30", "3 pm", "10%", "£1,000", "(12)", "1e5", "TRUE", "false", "#N/A", "'quoted'", " 42 "],
)
def test_text_excel_would_read_as_something_else_gets_the_text_prefix(text):
    assert "'" + text == excel_text(text)


@pytest.mark.parametrize("text", ["Set up a review panel", "Q3 2013", "4b", "a) Develop the role", "Ongoing", "Ann Lead",
                                  "york-2022:1.4", "On track", "May 2018 Complete June 2018", '{"id": "7"}', ""])
def test_plain_text_is_written_as_it_is(text):
    assert (False, text) == (needs_prefix(text), excel_text(text))


def test_a_text_cell_beginning_with_equals_is_read_as_text_and_a_formula_as_a_formula():
    values = [["=cmd|x", 2.0, "=text"]]
    formulas = [["=cmd|x", "=1+1", "=text"]]  # Range.Formula: a text cell's formula is its text
    grid = merge_formulas(values, formulas)
    assert (["=cmd|x", "=1+1", "=text"], [True, False, True]) == (grid[0], [isinstance(v, Text) for v in grid[0]])
    assert [True, True] == [isinstance(v, Text) for v in merge_formulas([["=a", "=b"]], None)[0]]


def _list_edit(changes: dict[str, dict]) -> None:
    """Values typed into list items in SharePoint (here: the embedded list server), by ref."""
    from sync.target import connected, find_list
    from validation.settings import Settings

    with connected(Settings.from_grid(None)) as (gc, opened, _):
        site_id, found = find_list(gc, opened, create=False)
        for item in list(gc.iter_items(site_id, found["id"])):
            ref = item["fields"]["RowKey"].split(":", 1)[1]
            if ref in changes:
                gc.update_fields(site_id, found["id"], item["id"], changes[ref])


def _plan(tmp_path):
    path = tmp_path / "plan.xlsx"
    new_workbook(path, demo=True, today=date(2022, 7, 31))
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B7"] = datetime(2022, 7, 31)
    ws = wb["Actions"]
    ws.delete_rows(6, ws.max_row)  # four actions
    wb.save(path)
    return path


def test_list_values_brought_in_by_the_sync_button_are_handed_to_excel_with_the_text_prefix(tmp_path, signed_in):
    excel = RemoteExcel.from_xlsx(_plan(tmp_path))
    excel.click(buttons.sync)
    refs = [line[2] for line in excel.values("Actions")[1:5]]
    _list_edit({refs[0]: {"Progress": DDE, "Lead": "@housing team"}, refs[1]: {"Progress": "1.10", "Target": "2003-02-01", "TargetText": "01/02/03"},
                refs[2]: {"Progress": "TRUE", "Lead": "'Sam'"}})

    assert excel.click(buttons.sync).message.endswith("3 brought in from the list")

    handed = [v for a in excel.actions if a["func"] == "setValues" and a["sheet_position"] == 0 for line in a["values"] for v in line]
    for text in (DDE, "@housing team", "1.10", "01/02/03", "TRUE", "'Sam'"):
        assert "'" + text in handed, text
        assert text not in handed, text
    # Excel holds the texts themselves; the next sync finds nothing changed and reports no formula.
    assert "Synced 4 actions: nothing to change" == excel.click(buttons.sync).message
    rows = excel.values("Actions")
    assert DDE in rows[1] and "1.10" in rows[2] and "'Sam'" in rows[3]

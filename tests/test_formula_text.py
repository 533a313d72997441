"""Text in a cell is text, whatever it begins with; only a real formula is a formula (issue 19).

A list value beginning with '=' (a DDE payload among them) is written into its cell as text by a
sync; it used to come back as "a formula", and the row was skipped by every later sync.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from plansync.commands.validate import validate_workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
import synced_plans
from synced_plans import action_row, edit, https_server, items_by, list_edit, tracker

TODAY = date(2026, 1, 15)
DDE = "=cmd|' /C calc'!A0"


server = https_server(site_owners=())


def make_book(path: Path) -> Path:
    return tracker(path, [action_row(ref) for ref in ("1.1", "1.2")])


def sync(path, server, list_name):
    return synced_plans.sync(path, server, list_name, today=TODAY, now=datetime(2026, 1, 15, 9, 30))


def fields(server, list_name) -> dict[str, dict]:
    return items_by(server, list_name)


def test_text_beginning_with_equals_from_the_list_stays_text_and_its_row_keeps_syncing(server, tmp_path):
    path = make_book(tmp_path / "plan.xlsx")
    sync(path, server, "equals")
    list_edit(server, "equals", "york-2022:1.1", {"Progress": DDE, "Action": "= agreed at the board"})
    sync(path, server, "equals")
    ws = openpyxl.load_workbook(path)["Actions"]
    assert [(DDE, "s"), ("= agreed at the board", "s")] == [(ws["G2"].value, ws["G2"].data_type), (ws["B2"].value, ws["B2"].data_type)]

    checked = validate_workbook(OpenpyxlWorkbook.open(path, write=True))
    assert [] == checked.issues[checked.issues["check"] == "formula"]["cell"].tolist()

    edit(path, {(2, "Status"): "At risk"})
    later = sync(path, server, "equals")
    assert (0, [("york-2022:1.1", {"status": "At risk", "rag": "Amber"})]) == (
        later.plan.skipped_invalid, [(u.key, u.fields) for u in later.plan.updates])
    listed = fields(server, "equals")["york-2022:1.1"]["fields"]
    assert (DDE, "= agreed at the board", "At risk") == (listed["Progress"], listed["Action"], listed["Status"])


def test_a_real_formula_is_still_reported_and_text_beginning_with_equals_is_judged_as_what_it_is(tmp_path):
    path = make_book(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    ws["G2"] = "=1+1"  # a real formula
    ws["E3"] = "=July 2026"  # text in a date column: not a date, not a formula
    ws["E3"].data_type = "s"
    wb.save(path)
    issues = validate_workbook(OpenpyxlWorkbook.open(path, write=True)).issues
    assert [("Actions!E3", "date_unreadable"), ("Actions!G2", "formula")] == sorted(zip(issues["cell"], issues["check"]))


def test_the_cli_reads_text_beginning_with_equals_as_text_in_a_workbook_excel_wrote(tmp_path):
    # The CLI reads through calamine, not openpyxl: a text cell ('=...' typed after Excel's apostrophe,
    # here written as a string by XlsxWriter) is text there too; a real formula is still reported.
    import xlsxwriter
    from click.testing import CliRunner

    from plansync.cli import main

    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Actions")
    sheet.write_row(0, 0, ["Ref", "Action", "Lead", "Target date", "Status", "Progress"])
    sheet.write_row(1, 0, ["1.1", "Review", "Ann", "July 2026", "On track"])
    sheet.write_string(1, 5, DDE)
    sheet.write_row(2, 0, ["1.2", "Audit", "Ann", "July 2026", "On track"])
    sheet.write_formula(2, 5, "=1+1")
    book.close()
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert 1 == result.exit_code, result.output
    import json

    found = json.loads(result.stdout)
    assert [("Actions!F3", "formula")] == [(i["cell"], i["check"]) for i in found["errors"] + found["warnings"]]

"""Values a Sync writes into scattered cells (rows 7, 9, 11...) cost calls per column, not per row,
and every cell between them reads back exactly as a person left it (xlwings' remote engine).

Managers change the Progress of every other action in the list, or different fields on different
rows; Sync brings those values in. Each column written is one block from the first to the last
changed row, so the cells in between are part of the write: text that looks like a number or a
date, a formula, a date, an empty cell must all come back unchanged.
"""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from addin_plans import demo_plan
from addin_remote_excel import RemoteExcel
import addin.buttons as buttons
from addin.xlwings_book import XlwingsWorkbook

LEAD, STATUS, PROGRESS = 5, 9, 10  # columns E, I and J of the demo's Actions sheet
SIGNED_OFF_ON, SIGNED_OFF_BY = 17, 18  # Q and R, added for the sign-off test


def _ref(row: int) -> str:
    """The demo plan's Ref on a sheet row (demo_plan numbers them 1.1 .. 1.10, 2.1 ...)."""
    i = row - 2
    return f"{i // 10 + 1}.{i % 10 + 1}"


def _edit_in_the_list(changes: dict[int, dict[str, str]]) -> None:
    """Items changed on SharePoint (the embedded list server) by the signed-in person: sheet row ->
    {list column: value}."""
    from sync.target import connected, find_list
    from validation.settings import Settings

    by_ref = {_ref(row): fields for row, fields in changes.items()}
    with connected(Settings.from_grid(None)) as (gc, opened, _):
        site_id, found = find_list(gc, opened, create=False)
        for item in list(gc.iter_items(site_id, found["id"])):
            if item["fields"].get("Ref") in by_ref:
                gc.update_fields(site_id, found["id"], item["id"], by_ref[item["fields"]["Ref"]])


def _typed_in_gap_rows(excel: RemoteExcel) -> None:
    """What people typed in Progress on rows no value comes back to (odd rows)."""
    excel.typed("Actions", 3, PROGRESS, "1.10")  # text Excel would re-read as the number 1.1
    excel.typed("Actions", 5, PROGRESS, "July 2026")  # text Excel would re-read as a date
    lead = excel.values("Actions")[6][LEAD - 1]
    excel.set_formula("Actions", 7, PROGRESS, '=E7&" to report"', f"{lead} to report")
    excel.typed("Actions", 9, PROGRESS, datetime(2022, 8, 1))
    excel.typed("Actions", 11, PROGRESS, None)


def _synced_then_pulled(tmp_path, rows: int) -> tuple[RemoteExcel, list[list[object]], dict, dict[tuple[int, int], str]]:
    """A plan of ``rows`` actions synced from 'Excel', then edited in the list on scattered rows
    and synced again. Returns the workbook, its Actions values and formulas before the second
    Sync, and the cells that Sync brought in."""
    excel = RemoteExcel.from_xlsx(demo_plan(tmp_path / str(rows), rows=rows))
    _typed_in_gap_rows(excel)
    excel.click(buttons.sync)
    before, formulas = excel.values("Actions"), dict(excel.formulas)
    last = rows + 1
    changes: dict[int, dict[str, str]] = {row: {"Progress": f"Reviewed on row {row}"} for row in range(2, last + 1, 2)}
    for row in range(5, last + 1, 4):  # another field on other rows
        changes[row] = {"Lead": f"Lead of row {row}"}
    _edit_in_the_list(changes)
    outcome = excel.click(buttons.sync)
    assert f"Synced {rows} actions: {len(changes)} brought in from the list" == outcome.message
    brought = {(row, PROGRESS if "Progress" in f else LEAD): next(iter(f.values())) for row, f in changes.items()}
    return excel, before, formulas, brought


def test_values_brought_in_on_scattered_rows_cost_the_same_calls_for_10_or_200_actions(tmp_path, signed_in):
    small = _synced_then_pulled(tmp_path, 10)[0]
    large = _synced_then_pulled(tmp_path, 200)[0]
    assert (small.reads, small.writes) == (large.reads, large.writes)
    # Read: Settings, Actions, _plansync. Written: _plansync, Issues, Settings; Progress and Lead one block each.
    assert (3, 5) == (large.reads, large.writes)


def test_every_cell_not_brought_in_reads_back_as_before_and_the_values_brought_in_are_in_place(tmp_path, signed_in):
    excel, before, formulas, brought = _synced_then_pulled(tmp_path, 200)
    after = excel.values("Actions")
    changed = {
        (r, c): (before[r - 1][c - 1], after[r - 1][c - 1])
        for r in range(1, len(before) + 1)
        for c in range(1, len(before[0]) + 1)
        if before[r - 1][c - 1] != after[r - 1][c - 1] or type(before[r - 1][c - 1]) is not type(after[r - 1][c - 1])
    }
    assert set(brought) == set(changed)
    assert brought == {at: new for at, (_, new) in changed.items()}
    assert formulas == excel.formulas == {("Actions", 7, PROGRESS): '=E7&" to report"'}
    assert ["1.10", "July 2026", datetime(2022, 8, 1), None] == [after[r - 1][PROGRESS - 1] for r in (3, 5, 9, 11)]


def test_a_value_from_the_list_that_looks_like_a_formula_is_written_as_text_between_kept_cells(tmp_path, signed_in):
    excel = RemoteExcel.from_xlsx(demo_plan(tmp_path, rows=10))
    _typed_in_gap_rows(excel)
    excel.click(buttons.sync)
    _edit_in_the_list({2: {"Progress": "=cmd|' /C calc'!A0"}, 8: {"Progress": "+44 1904 551550"}})
    excel.click(buttons.sync)
    assert ["=cmd|' /C calc'!A0", "+44 1904 551550"] == [excel.values("Actions")[r - 1][PROGRESS - 1] for r in (2, 8)]
    assert {("Actions", 7, PROGRESS): '=E7&" to report"'} == excel.formulas  # no formula from the list


def _signing_off(tmp_path, rows: int) -> RemoteExcel:
    """A plan with sign-off columns, synced; then the signed-in person (a site owner) signs off every
    other action in Excel and syncs again."""
    path = demo_plan(tmp_path / str(rows), rows=rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    ws.cell(1, SIGNED_OFF_ON, "Signed off on")
    ws.cell(1, SIGNED_OFF_BY, "Signed off by")
    for row in range(2, rows + 2):
        ws.cell(row, STATUS, "On track")
    wb.save(path)
    excel = RemoteExcel.from_xlsx(path)
    excel.click(buttons.sync)
    for row in range(2, rows + 2, 2):
        excel.typed("Actions", row, STATUS, "Signed off")
    excel.click(buttons.sync)
    return excel


def test_sign_offs_on_scattered_rows_are_stamped_for_the_same_calls_with_10_or_200_actions(tmp_path, signed_in):
    small, large = _signing_off(tmp_path, 10), _signing_off(tmp_path, 200)
    assert (small.reads, small.writes) == (large.reads, large.writes)
    actions = large.values("Actions")
    stamps = {r: actions[r - 1][SIGNED_OFF_ON - 1 : SIGNED_OFF_BY] for r in range(2, 202)}
    # Signed off on the plan's today (Settings' override, 31/07/2022), by the person signed in.
    assert {(datetime(2022, 7, 31), "business.support@york.example")} == {tuple(s) for r, s in stamps.items() if r % 2 == 0}
    assert {(None, None)} == {tuple(stamp) for r, stamp in stamps.items() if r % 2}


@pytest.mark.parametrize("client", ["Microsoft Excel", "Google Apps Script"])
def test_where_the_client_would_empty_a_cell_given_null_no_cell_between_is_written(tmp_path, client):
    # xlwings Server's VBA and Google Sheets clients hand over a formula's value only and do not
    # keep a cell given null: each run of changed cells is a block of its own, as before.
    excel = RemoteExcel.from_grids("plan.xlsx", {"Actions": [["Ref", "Progress"], ["1.1", "a"], ["1.2", "=B2"], ["1.3", "c"]]})
    excel.state["client"] = client
    xl = excel.open()
    XlwingsWorkbook(xl).write_cells("Actions", {(2, 2): "new a", (4, 2): "new c"})
    excel.apply(xl)
    assert 2 == excel.writes
    assert [["Ref", "Progress"], ["1.1", "new a"], ["1.2", "=B2"], ["1.3", "new c"]] == excel.values("Actions")


class _Desktop(XlwingsWorkbook):
    """``XlwingsWorkbook`` as on desktop Excel, played through the remote engine: there no JavaScript
    client keeps a cell given null, the read carries each formula as its '=...' text and Excel says
    whether a range holds merged cells, array formulas or spills (the remote engine can do none of
    this synchronously, so this stands in for those answers only)."""

    def __init__(self, excel: RemoteExcel, *, merged: bool | None = False) -> None:
        super().__init__(excel.open())
        self.excel, self.merged = excel, merged

    def _client(self) -> None:
        return None  # no JavaScript client: a null would empty the cell

    def _reads_formulas(self) -> bool:
        return True

    def _holds_parts(self, span) -> bool:
        return self.merged is not False

    def _read(self, sheet):
        grid = super()._read(sheet)
        for (name, row, col), formula in self.excel.formulas.items():
            if name == sheet.name:
                grid.values[row - grid.origin[0]][col - grid.origin[1]] = formula
        return grid


GAPS = [
    ["Ref", "Progress"],
    ["1.1", "old a"],
    ["1.2", "1.10"],  # text that Excel would re-read as the number 1.1
    ["1.3", "1.3 due"],  # shown by the formula =A4&" due"
    ["1.4", datetime(2022, 8, 1)],
    ["1.5", None],
    ["1.6", 3.5],
    ["1.7", "=not a formula"],  # text that begins with '='
    ["1.8", "old h"],
]


def _gaps_typed() -> RemoteExcel:
    excel = RemoteExcel.from_grids("plan.xlsx", {"Actions": [GAPS[0]]})
    for row, line in enumerate(GAPS[1:], start=2):
        for col, value in enumerate(line, start=1):
            excel.typed("Actions", row, col, value)
    excel.set_formula("Actions", 4, 2, '=A4&" due"', "1.3 due")
    return excel


def test_on_desktop_the_cells_between_are_written_back_as_read_in_one_block():
    excel = _gaps_typed()
    book = _Desktop(excel)
    book.write_cells("Actions", {(2, 2): "new a", (9, 2): "new h"})
    excel.apply(book.book)
    [block] = [a["values"] for a in excel.actions if a["func"] == "setValues"]
    # Text with Excel's text prefix, the formula as itself, the date, the blank, the number.
    assert [["new a"], ["'1.10"], ['=A4&" due"'], ["2022-08-01"], [""], [3.5], ["'=not a formula"], ["new h"]] == block
    assert [["Ref", "Progress"], ["1.1", "new a"], *GAPS[2:8], ["1.8", "new h"]] == excel.values("Actions")
    assert {("Actions", 4, 2): '=A4&" due"'} == excel.formulas


def test_on_desktop_an_error_typed_between_is_not_rewritten_and_costs_one_more_block():
    excel = _gaps_typed()
    excel.typed("Actions", 6, 2, "#N/A")  # an error constant: desktop Excel reads it as a blank
    book = _Desktop(excel)
    book.write_cells("Actions", {(2, 2): "new a", (5, 2): "new d", (9, 2): "new h"})
    excel.apply(book.book)
    # Cut at row 6: rows 2-5 in one block, row 9 in another.
    assert [(1, 4), (8, 1)] == [(a["start_row"], len(a["values"])) for a in excel.actions if a["func"] == "setValues"]
    assert ["#N/A", "new h"] == [line[1] for line in excel.values("Actions")[5:9:3]]


def test_on_desktop_a_range_with_merged_cells_or_arrays_is_written_run_by_run():
    excel = _gaps_typed()
    book = _Desktop(excel, merged=None)  # Excel: "some cells merged" (or part of an array, a spill)
    book.write_cells("Actions", {(2, 2): "new a", (3, 2): "new b", (9, 2): "new h"})
    excel.apply(book.book)
    assert [(1, 2), (8, 1)] == [(a["start_row"], len(a["values"])) for a in excel.actions if a["func"] == "setValues"]
    assert GAPS[3:8] == excel.values("Actions")[3:8]


def test_on_desktop_every_other_row_of_200_is_one_write():
    excel = RemoteExcel.from_grids("plan.xlsx", {"Actions": [["Ref", "Progress"], *[[f"1.{r}", f"typed {r}"] for r in range(2, 202)]]})
    book = _Desktop(excel)
    book.write_cells("Actions", {(r, 2): f"new {r}" for r in range(2, 202, 2)})
    excel.apply(book.book)
    assert 1 == excel.writes
    assert [f"new {r}" if r % 2 == 0 else f"typed {r}" for r in range(2, 202)] == [line[1] for line in excel.values("Actions")[1:]]

"""The workbook seam's contract: what every command may rely on, whichever adapter is behind it.

Each test runs twice: on ``OpenpyxlWorkbook`` (an .xlsx file) and on ``XlwingsWorkbook`` (a
workbook "open in Excel", played by xlwings' remote engine, see tests/addin_remote_excel.py).
"Persisted" means: saved and reopened for the file, sent to Excel and read back for xlwings.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from addin_remote_excel import RemoteExcel
from addin.xlwings_book import XlwingsWorkbook
from plansync.workbook.base import Workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from plansync.workbook.package_book import PackageWorkbook

SHEETS = {
    "Actions": [
        ["Ref", "Action", "Lead", "Target date", "Score"],
        ["1.1", "Audit case files", "Jo Bloggs", datetime(2022, 7, 31), 3],
        ["1.2", "Train staff", None, "Q3 2022", 2.5],
    ],
    "Notes": [["just", "text"]],
    "Old": [["hidden stuff"]],
    "Blank": [],
}
HIDDEN = ("Old",)


class FileProbe:
    """An .xlsx on disk behind OpenpyxlWorkbook (or PackageWorkbook, the package writer)."""

    opener = OpenpyxlWorkbook

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "plan.xlsx"
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, rows in SHEETS.items():
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(row)
            if name in HIDDEN:
                ws.sheet_state = "hidden"
        wb.save(self.path)
        self.book = self.opener.open(self.path, write=True)

    def persisted(self) -> Workbook:
        self.book.save()
        self.book = self.opener.open(self.path, write=True)
        return self.book

    def selected(self) -> tuple[str, str]:
        wb = openpyxl.load_workbook(self.path)
        return wb.active.title, wb.active.sheet_view.selection[0].activeCell

    def last_status(self) -> str:
        return self.book.messages[-1]


class ExcelProbe:
    """A workbook open in 'Excel' behind XlwingsWorkbook."""

    def __init__(self, tmp_path: Path) -> None:
        self.excel = RemoteExcel.from_grids("plan.xlsx", SHEETS, hidden=HIDDEN)
        self._xl = self.excel.open()
        self.book = XlwingsWorkbook(self._xl)

    def persisted(self) -> Workbook:
        self.excel.apply(self._xl)
        self._xl = self.excel.open()
        self.book = XlwingsWorkbook(self._xl)
        return self.book

    def selected(self) -> tuple[str, str]:
        self.excel.apply(self._xl)
        sheet, row, col = self.excel.selected
        return sheet, f"{openpyxl.utils.get_column_letter(col)}{row}"

    def last_status(self) -> str:
        return self.book.last_status


class PackageProbe(FileProbe):
    """An .xlsx on disk behind PackageWorkbook, which edits the zip package in place."""

    opener = PackageWorkbook


@pytest.fixture(params=["openpyxl", "package", "xlwings"])
def probe(request, tmp_path):
    probes = {"openpyxl": FileProbe, "package": PackageProbe, "xlwings": ExcelProbe}
    return probes[request.param](tmp_path)


def test_both_adapters_are_workbooks(probe):
    assert isinstance(probe.book, Workbook)


def test_sheet_names_are_in_workbook_order_hidden_ones_included(probe):
    assert ["Actions", "Notes", "Old", "Blank"] == probe.book.sheet_names()


def test_read_sheet_gives_the_cells_as_plain_values(probe):
    grid = probe.book.read_sheet("Actions")
    assert (1, 1) == grid.origin
    assert (3, 5) == (grid.max_row, grid.max_col)
    assert ["1.1", "Audit case files", "Jo Bloggs", datetime(2022, 7, 31), 3] == grid.values[1]
    assert ["1.2", "Train staff", None, "Q3 2022", 2.5] == grid.values[2]
    assert 3 == grid.cell(2, 5) and isinstance(grid.cell(2, 5), int)


def test_hidden_sheets_are_flagged(probe):
    assert probe.book.read_sheet("Old").hidden is True
    assert probe.book.read_sheet("Notes").hidden is False


def test_an_empty_sheet_has_no_rows(probe):
    grid = probe.book.read_sheet("Blank")
    assert ([], (1, 1)) == (grid.values, grid.origin)


def test_reading_a_missing_sheet_raises_key_error(probe):
    with pytest.raises(KeyError):
        probe.book.read_sheet("Nope")


def test_a_written_block_lands_at_its_cell_and_leaves_the_rest(probe):
    probe.book.write_range("Actions", 2, 6, [["Green"], ["Red"]])
    grid = probe.persisted().read_sheet("Actions")
    assert ["1.1", "Audit case files", "Jo Bloggs", datetime(2022, 7, 31), 3, "Green"] == grid.values[1]
    assert ["1.2", "Train staff", None, "Q3 2022", 2.5, "Red"] == grid.values[2]
    assert "Ref" == grid.cell(1, 1) and grid.cell(1, 6) is None


def test_scattered_cells_land_where_given_and_the_cells_between_stay_as_they_were(probe):
    probe.book.read_sheet("Actions")
    probe.book.write_cells("Actions", {(1, 5): "Mark", (3, 5): 4, (3, 2): "=not a formula"})
    assert (4, "Mark") == (probe.book.read_sheet("Actions").cell(3, 5), probe.book.read_sheet("Actions").cell(1, 5))
    grid = probe.persisted().read_sheet("Actions")
    assert ["Ref", "Action", "Lead", "Target date", "Mark"] == grid.values[0]
    assert ["1.1", "Audit case files", "Jo Bloggs", datetime(2022, 7, 31), 3] == grid.values[1]
    assert ["1.2", "=not a formula", None, "Q3 2022", 4] == grid.values[2]


def test_writing_none_empties_a_cell(probe):
    probe.book.write_range("Actions", 3, 2, [[None]])
    grid = probe.persisted().read_sheet("Actions")
    assert (None, "1.2") == (grid.cell(3, 2), grid.cell(3, 1))


def test_a_read_after_a_write_in_the_same_click_sees_the_write(probe):
    probe.book.read_sheet("Actions")
    probe.book.write_range("Actions", 4, 1, [["1.3", "New action"]])
    grid = probe.book.read_sheet("Actions")
    assert ["1.3", "New action"] == [grid.cell(4, 1), grid.cell(4, 2)]


def test_dates_written_come_back_as_dates(probe):
    probe.book.write_range("Notes", 2, 1, [[datetime(2023, 1, 31)]])
    assert datetime(2023, 1, 31) == probe.persisted().read_sheet("Notes").cell(2, 1)


def test_replace_sheet_creates_a_missing_sheet_at_the_end(probe):
    probe.book.replace_sheet("Issues", [["sheet", "cell", "message"], ["Actions", "D3", "Not a date"]])
    book = probe.persisted()
    assert "Issues" == book.sheet_names()[-1]
    grid = book.read_sheet("Issues")
    assert [["sheet", "cell", "message"], ["Actions", "D3", "Not a date"]] == grid.values
    assert grid.hidden is False


def test_replace_sheet_clears_what_was_there_before(probe):
    probe.book.replace_sheet("Notes", [["only this"]])
    assert [["only this"]] == probe.persisted().read_sheet("Notes").values


def test_replace_sheet_can_hide_plansyncs_own_sheets(probe):
    probe.book.replace_sheet("_plansync", [["key", "value (JSON)"], ["plan_id", '"york"']], hidden=True)
    book = probe.persisted()
    assert book.read_sheet("_plansync").hidden is True
    assert [["key", "value (JSON)"], ["plan_id", '"york"']] == book.read_sheet("_plansync").values


def test_remove_sheet_deletes_a_hidden_sheet_and_keeps_the_others(probe):
    probe.book.read_sheet("Old")
    probe.book.remove_sheet("Old")
    probe.book.remove_sheet("No such sheet")  # nothing to do
    assert ["Actions", "Notes", "Blank"] == probe.book.sheet_names()
    book = probe.persisted()
    assert ["Actions", "Notes", "Blank"] == book.sheet_names()
    assert "Audit case files" == book.read_sheet("Actions").cell(2, 2)


def test_select_makes_the_cell_active_on_its_sheet(probe):
    probe.book.select("Actions", 3, 4)
    probe.persisted()
    assert ("Actions", "D3") == probe.selected()


def test_status_shows_the_message(probe):
    probe.book.status("Validated 2 actions: no problems found.")
    assert "Validated 2 actions: no problems found." == probe.last_status()


def test_on_desktop_excel_formulas_arrive_as_their_text_like_openpyxl_reads_them():
    from addin.xlwings_book import merge_formulas

    # What Excel's Range.Value and Range.Formula give for: 3 | =A1*2 | 31/07/2022 | blank
    values = [[3.0, 6.0, datetime(2022, 7, 31), None]]
    formulas = [["3", "=A1*2", "44773", ""]]
    assert [[3, "=A1*2", datetime(2022, 7, 31), None]] == merge_formulas(values, formulas)
    assert [[3, 6, datetime(2022, 7, 31), None]] == merge_formulas(values, None)

"""Formatting through the workbook seam: each adapter draws what a command asks for.

The same requests go to an .xlsx file (``OpenpyxlWorkbook``, and ``PackageWorkbook``, which
edits the file's package) and to a workbook open in 'Excel' (``XlwingsWorkbook`` over xlwings'
remote engine, tests/addin_remote_excel.py). For a file we look at the saved file with openpyxl;
for Excel at what Excel was asked to do.
"""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from test_workbook_contract import ExcelProbe, FileProbe, PackageProbe
from addin.xlwings_format import CHART_NAME
from plansync.workbook.drawing import BragChart, CellStyle
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from plansync.workbook.package_book import PackageWorkbook
from validation.settings import Settings

BLOCK = [["Plan", "Blue", "Green", "Amber", "Red"], ["North", 1, 2, 3, 4], ["South", 0, 1, 0, 2]]


def _chart(rows: int) -> BragChart:
    return BragChart(title="Actions by BRAG", x_title="Plan", header_row=1, rows=rows, first_rag_col=2, category_col=1, anchor=(1, 8))


@pytest.fixture(params=["openpyxl", "package", "xlwings"])
def probe(request, tmp_path):
    probes = {"openpyxl": FileProbe, "package": PackageProbe, "xlwings": ExcelProbe}
    return probes[request.param](tmp_path)


def _saved(probe) -> openpyxl.Workbook:
    probe.book.save()
    return openpyxl.load_workbook(probe.path)


def _asked(probe) -> list[tuple]:
    """What Excel was asked to format, as (what, range, details)."""
    probe.excel.apply(probe._xl)
    return probe.excel.formats


def test_rag_colours_and_day_first_dates_reach_the_team_sheet(probe):
    probe.book.format_rag("Actions", rag_col=6, overdue_col=7, days_col=8, first_row=2, last_row=50)
    probe.book.format_dates("Actions", 5, first_row=2, last_row=50)
    if isinstance(probe, ExcelProbe):
        asked = _asked(probe)
        assert [4, 1, 1] == [sum(1 for f in asked if f[:2] == ("add", f"Actions!{c}2:{c}50")) for c in "FGH"]
        assert ("number format", "Actions!E2:E50", "dd/mm/yyyy") in asked
        return
    probe.book.write_range("Actions", 4, 5, [[datetime(2022, 9, 30)]])
    ws = _saved(probe)["Actions"]
    rules = {str(cf.sqref): len(cf.rules) for cf in ws.conditional_formatting}
    assert {"F2:F50": 4, "G2:G50": 1, "H2:H50": 1} == rules
    assert "dd/mm/yyyy" == ws["E4"].number_format
    if isinstance(probe, FileProbe) and not isinstance(probe, PackageProbe):
        assert "dd/mm/yyyy" == ws.column_dimensions["E"].number_format  # also for dates a person types there
    assert "Audit case files" == ws["B2"].value  # the team's cells are as they were


def test_installing_the_rag_colours_again_replaces_them(probe):
    for _ in range(2):
        probe.book.format_rag("Actions", rag_col=6, first_row=2, last_row=50)
    if isinstance(probe, ExcelProbe):
        asked = _asked(probe)
        assert ("clear", "Actions!F2:F50", None) == asked[5]  # the second install clears the first
        return
    assert {"F2:F50": 4} == {str(cf.sqref): len(cf.rules) for cf in _saved(probe)["Actions"].conditional_formatting}


def test_cells_take_their_fonts_fills_and_widths(probe):
    probe.book.replace_sheet("Summary", BLOCK)
    probe.book.style_cells("Summary", [(1, 1, CellStyle(bold=True, size=14)), (1, 2, CellStyle(bold=True, colour="1F4E79", fill="BDD7EE"))])
    probe.book.set_column_widths("Summary", {1: 34, 2: 16})
    if isinstance(probe, ExcelProbe):
        asked = _asked(probe)
        assert {("font", "Summary!A1:A1", ("bold", True)), ("font", "Summary!A1:A1", ("size", 14))} <= {
            (w, r, tuple(d) if isinstance(d, list) else d) for w, r, d in asked
        }
        assert ("fill", "Summary!B1:B1", "#BDD7EE") in asked
        assert [("width", "Summary!A1:A1", 34), ("width", "Summary!B1:B1", 16)] == [f for f in asked if f[0] == "width"]
        return
    ws = _saved(probe)["Summary"]
    assert (True, 14) == (ws["A1"].font.b, ws["A1"].font.sz)
    assert ("001F4E79", "00BDD7EE") == (ws["B1"].font.color.rgb, ws["B1"].fill.start_color.rgb)
    assert (34, 16) == (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width)


def test_a_new_header_cell_looks_like_the_one_left_of_it(probe, tmp_path):
    if isinstance(probe, ExcelProbe):
        probe.book.copy_cell_style("Actions", (1, 5), [(1, 6), (1, 7)])
        assert [("copy", "Actions!F1:G1", [0, "$E$1", "formats", False, False])] == _asked(probe)
        return
    wb = openpyxl.load_workbook(probe.path)
    wb["Actions"]["E1"].font = openpyxl.styles.Font(bold=True, color="FF0000")
    wb.save(probe.path)
    book = type(probe.book).open(probe.path, write=True)
    book.copy_cell_style("Actions", (1, 5), [(1, 6), (1, 7)])
    book.write_range("Actions", 1, 6, [["Due", "RAG"]])
    book.save()
    ws = openpyxl.load_workbook(probe.path)["Actions"]
    assert [(True, "00FF0000")] * 2 == [(ws[c].font.b, ws[c].font.color.rgb) for c in ("F1", "G1")]


def test_the_settings_sheet_is_added_with_every_setting(probe):
    probe.book.add_settings_sheet(Settings())
    grid = probe.persisted().read_sheet("Settings")
    assert "Plan name" in [line[0] for line in grid.values if line]
    if not isinstance(probe, ExcelProbe):
        ws = openpyxl.load_workbook(probe.path)["Settings"]
        assert ws["A1"].font.b and "A5" == ws.freeze_panes  # laid out for people in a file


def test_a_chart_is_drawn_over_its_block_and_replaced_not_added_again(probe):
    probe.book.replace_sheet("Summary", BLOCK)
    assert probe.book.draw_brag_chart("Summary", _chart(2)) is True
    if isinstance(probe, ExcelProbe):
        book = probe.persisted()
        book.replace_sheet("Summary", BLOCK)
        assert book.draw_brag_chart("Summary", _chart(2)) is True  # Excel does not say which cells a chart reads
        probe.excel.apply(probe._xl)
        charts = probe.excel.charts("Summary")
        assert [(CHART_NAME, "$B$1:$E$3", "$A$2:$A$3", "Actions by BRAG")] == [
            (c["name"], c["source"], c["categories"], c["title"]) for c in charts
        ]
        return
    ws = _saved(probe)["Summary"]
    assert ["'Summary'!$B$2:$B$3"] == [c.series[0].val.numRef.f for c in ws._charts]


def test_a_file_that_shows_the_chart_over_the_same_block_is_left_alone(tmp_path):
    path = tmp_path / "board.xlsx"
    book = OpenpyxlWorkbook(openpyxl.Workbook(), path)
    book.replace_sheet("Summary", BLOCK)
    book.draw_brag_chart("Summary", _chart(2))
    book.save()
    again = OpenpyxlWorkbook.open(path, write=True)
    assert again.draw_brag_chart("Summary", _chart(2)) is False
    assert again.draw_brag_chart("Summary", _chart(3)) is True  # one more plan: the block grew
    again.save()
    charts = openpyxl.load_workbook(path)["Summary"]._charts
    assert ["'Summary'!$B$2:$B$4"] == [c.series[0].val.numRef.f for c in charts]


def test_the_consolidated_table_fits_the_rows_and_new_rows_get_their_formats(tmp_path):
    from workbook_templates.consolidated import COLUMN_OF, DATETIME_FORMAT, build_reporting_workbook

    path = tmp_path / "board.xlsx"
    build_reporting_workbook().save(path)
    for opener in (OpenpyxlWorkbook, PackageWorkbook):
        book = opener.open(path, write=True)
        book.write_range("Consolidated", 2, 1, [["Plan A"]] * 3)
        book.fit_consolidated(3, 0)
        book.save()
        ws = openpyxl.load_workbook(path)["Consolidated"]
        assert "A1:Q4" == next(iter(ws.tables.values())).ref, opener.__name__
        assert DATETIME_FORMAT == ws.cell(row=4, column=COLUMN_OF["modified_at"]).number_format, opener.__name__


def test_in_excel_the_consolidated_table_is_resized_and_new_rows_get_date_formats(tmp_path):
    from addin_remote_excel import RemoteExcel
    from addin.xlwings_book import XlwingsWorkbook
    from workbook_templates.consolidated import build_reporting_workbook

    build_reporting_workbook().save(tmp_path / "board.xlsx")
    excel = RemoteExcel.from_xlsx(tmp_path / "board.xlsx")
    xl = excel.open()
    XlwingsWorkbook(xl).fit_consolidated(3, 1)
    excel.apply(xl)
    assert [{"name": "ConsolidatedActions", "range_address": "$A$1:$Q$4"}] == excel.tables("Consolidated")
    assert [("number format", f"Consolidated!{c}3:{c}4") for c in "LIQ"] == [f[:2] for f in excel.formats]


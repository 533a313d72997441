"""The package writer: cells set in place by Excel's rules, styles appended, refusals and leftovers."""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansync.errors import WorkbookUnreadable
from plansync.workbook.calamine_reader import read_grids
from plansync.workbook.package_book import PackageWorkbook
from plansync.workbook.sheet_patch import SheetEdits, patch_sheet

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(rows: str) -> bytes:
    return f'<?xml version="1.0"?><worksheet {MAIN}><dimension ref="A1:E3"/><sheetData>{rows}</sheetData><pageMargins left="0.7"/></worksheet>'.encode()


def _patched(xml: bytes, edits: SheetEdits, chunk: int = 1 << 20) -> bytes:
    out: list[bytes] = []
    pieces = (xml[i : i + chunk] for i in range(0, len(xml), chunk))
    patch_sheet(pieces, out.append, edits, lambda present, value: present)
    return b"".join(out)


def _edits(cells: dict[tuple[int, int], object]) -> SheetEdits:
    edits = SheetEdits()
    for (row, col), value in cells.items():
        edits.set(row, col, value)
    return edits


def test_cells_go_in_column_order_inside_their_row_and_rows_in_row_order():
    xml = _sheet('<row r="1"><c r="A1"><v>1</v></c><c r="E1"><v>5</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>')
    new = _patched(xml, _edits({(1, 3): "mid", (2, 2): "new row", (1, 6): 6.5}))
    refs = re.findall(rb'<c r="([A-Z]+\d+)"', new)
    assert [b"A1", b"C1", b"E1", b"F1", b"B2", b"A3"] == refs
    assert [b"1", b"2", b"3"] == re.findall(rb'<row r="(\d+)"', new)
    assert b'<dimension ref="A1:F3"/>' in new  # widened to what is now there
    assert new.endswith(b'</sheetData><pageMargins left="0.7"/></worksheet>')


def test_text_starting_with_equals_is_written_as_text_never_as_a_formula(tmp_path):
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Ref", "Progress"])
    wb.save(path)
    book = PackageWorkbook.open(path, write=True)
    book.write_range("Sheet", 2, 2, [["=SUM(A1:A9) is what the board asked for"]])
    book.save()
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b't="inlineStr"' in xml
    cell = openpyxl.load_workbook(path).active["B2"]
    assert ("s", "=SUM(A1:A9) is what the board asked for") == (cell.data_type, cell.value)


def test_a_formula_and_its_cached_text_are_kept_when_plansync_writes_beside_them():
    formula = b'<c r="B1" t="str"><f>UPPER(A1)</f><v>ABC</v></c>'
    xml = _sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>abc</t></is></c>'.decode() + formula.decode() + "</row>")
    new = _patched(xml, _edits({(1, 3): "Red"}))
    assert formula in new


def test_a_chunked_read_gives_the_same_sheet_as_a_whole_one():
    rows = "".join(f'<row r="{r}" spans="1:2"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>x &amp; y</t></is></c></row>' for r in range(1, 60))
    xml = _sheet(rows)
    edits = {(r, 4): f"v{r}" for r in range(1, 80, 3)}
    assert _patched(xml, _edits(edits)) == _patched(xml, _edits(edits), chunk=7)


def test_rows_plansync_does_not_write_keep_their_bytes_whatever_their_layout():
    # Pretty-printed rows, rows without r (numbered one after the row before), and edits in rows
    # the sheet does not hold, between rows it does.
    untouched = ['<row r="2">\n  <c r="A2"><v>2</v></c>\n</row>', '<row><c r="A3"><v>3</v></c></row>', '<row r="9" customHeight="1"/>']
    rows = ['<row r="1"><c r="A1"><v>1</v></c></row>', untouched[0], untouched[1], '<row r="5"><c r="A5"><v>5</v></c></row>', untouched[2], '<row r="12"><c r="A12"><v>12</v></c></row>']
    xml = _sheet("\n".join(rows) + "\n")
    edits = {(1, 2): "one", (4, 2): "four", (5, 2): "five", (7, 2): "seven", (12, 2): "twelve", (14, 2): "fourteen"}
    new = _patched(xml, _edits(edits))
    assert all(row.encode() in new for row in untouched)
    assert [b"1", b"2", b"4", b"5", b"7", b"9", b"12", b"14"] == re.findall(rb'<row r="(\d+)"', new)
    assert [b"B1", b"B4", b"B5", b"B7", b"B12", b"B14"] == re.findall(rb'<c r="(B\d+)"', new)
    assert new == _patched(xml, _edits(edits), chunk=5)
    assert xml == _patched(xml, SheetEdits())  # nothing to write: every byte as it was


def test_dates_are_serials_shown_through_an_appended_date_style_and_existing_styles_keep_their_index(tmp_path):
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "bold"
    ws["A1"].font = openpyxl.styles.Font(bold=True)
    wb.save(path)
    with zipfile.ZipFile(path) as archive:
        styles_before = archive.read("xl/styles.xml")
    for _ in range(2):  # the second run reuses the style it added
        book = PackageWorkbook.open(path, write=True)
        book.write_range("Sheet", 2, 1, [[datetime(2022, 7, 31)]])
        book.save()
    with zipfile.ZipFile(path) as archive:
        xml, styles = archive.read("xl/worksheets/sheet1.xml"), archive.read("xl/styles.xml")
    assert re.search(rb'<c r="A2" s="(\d+)"><v>44773</v></c>', xml)
    old_xfs = re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", styles_before, re.S).group(1)
    new_xfs = re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    assert new_xfs.startswith(old_xfs) and new_xfs.count(b"<xf ") == old_xfs.count(b"<xf ") + 1
    loaded = openpyxl.load_workbook(path).active
    assert (datetime(2022, 7, 31), "dd/mm/yyyy", True) == (loaded["A2"].value, loaded["A2"].number_format, loaded["A1"].font.b)
    assert datetime(2022, 7, 31) == read_grids(path)[0].values[1][0]


def test_a_value_written_over_a_formula_leaves_the_calculation_chain(tmp_path):
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append([1, "=A1*2", "=A1*3"])
    wb.save(path)
    _add_calc_chain(path, b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="B1" i="1"/><c r="C1"/></calcChain>')
    book = PackageWorkbook.open(path, write=True)
    book.write_range("Sheet", 1, 2, [["Red"]])
    book.save()
    with zipfile.ZipFile(path) as archive:
        chain = archive.read("xl/calcChain.xml")
    assert b'r="B1"' not in chain and b'<c r="C1" i="1"/>' in chain  # C1 keeps its sheet, now spelt out
    assert ["Red", "=A1*3"] == read_grids(path)[0].values[0][1:]


def _add_calc_chain(path: Path, chain: bytes) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    parts["xl/calcChain.xml"] = chain
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_a_workbook_holding_an_encrypted_part_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Ref"])
    wb.save(path)
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first part's central directory entry
    name_length = int.from_bytes(data[entry + 28 : entry + 30], "little")
    name = data[entry + 46 : entry + 46 + name_length].decode()
    data[entry + 8] |= 0x1  # "encrypted"
    path.write_bytes(bytes(data))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(WorkbookUnreadable) as caught:
        PackageWorkbook.open(path, write=True)
    assert f"{name} is encrypted" in str(caught.value) and "Nothing was changed" in str(caught.value)
    assert before == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_temporary_file_left_by_a_killed_save_is_removed_by_the_next_run(tmp_path):
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Ref"])
    wb.save(path)
    dead = tmp_path / "~plansync-999999999-abc123.tmp"  # no such process
    alive = tmp_path / f"~plansync-{os.getppid()}-def456.tmp"  # a run still saving
    dead.write_bytes(b"PK half a zip")
    alive.write_bytes(b"PK still being written")
    book = PackageWorkbook.open(path, write=True)
    book.write_range("Sheet", 2, 1, [["1.1"]])
    book.save()
    assert ["plan.xlsx", alive.name] == sorted(p.name for p in tmp_path.iterdir())


def test_a_sheet_plansync_cannot_patch_is_refused_and_the_workbook_left_as_it_was(tmp_path):
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Ref"])
    wb.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    # A worksheet written with a namespace prefix (x:sheetData): valid, but not what plansync patches.
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"<(/?)sheetData", rb"<\1x:sheetData", parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    book = PackageWorkbook.open(path, write=True)
    book.write_range("Sheet", 2, 1, [["1.1"]])
    with pytest.raises(WorkbookUnreadable, match="holds a part plansync cannot keep safely .*Nothing was changed"):
        book.save()
    assert before == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ["plan.xlsx"] == [p.name for p in tmp_path.iterdir()]


def test_a_sheet_formatted_through_wb_and_then_replaced_keeps_its_name(tmp_path):
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.active.append(["old summary"])
    wb.save(path)
    book = PackageWorkbook.open(path, write=True)
    book.wb["Summary"]  # a stand-in, as a command formatting the sheet gets
    book.replace_sheet("Summary", [["new summary"]])
    book.save()
    assert [("Summary", [["new summary"]])] == [(g.name, g.values) for g in read_grids(path)]


def test_adopts_new_headings_look_like_the_teams_heading_beside_them(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from plansync.cli import main

    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Ref", "Action", "Lead", "Target date", "Status"])
    ws.append(["1.1", "Audit case files", "Jo Bloggs", "July 2022", "On track"])
    for cell in ws[1]:
        cell.font = openpyxl.styles.Font(bold=True, color="FFFFFF")
        cell.fill = openpyxl.styles.PatternFill("solid", start_color="1F4E79")
    wb.save(path)
    assert 0 == CliRunner().invoke(main, ["adopt", str(path)]).exit_code
    ws = openpyxl.load_workbook(path).active
    headings = {c.value: c for c in ws[1] if c.value}
    assert {"Due", "RAG", "Overdue", "Days overdue"} <= set(headings)
    assert {(True, "001F4E79")} == {(headings[h].font.b, headings[h].fill.fgColor.rgb) for h in ("Due", "RAG", "Overdue", "Days overdue")}


@given(
    existing=st.dictionaries(st.integers(1, 12), st.sampled_from([None, "1", "7"]), max_size=8),
    written=st.dictionaries(st.integers(1, 12), st.sampled_from(["Red", 3, None, datetime(2022, 7, 31)]), min_size=1, max_size=5),
)
def test_the_quick_path_for_plansyncs_columns_gives_what_the_careful_path_gives(existing, written):
    from plansync.workbook import sheet_patch

    def cell(col, style):
        s = f' s="{style}"' if style else ""
        return f'<c r="{sheet_patch.column_letters(col)}4"{s}><v>{col}</v></c>'.encode()

    inner = b"".join(cell(col, existing[col]) for col in sorted(existing))
    style_for = lambda present, value: "9" if isinstance(value, datetime) else present  # noqa: E731
    quick = sheet_patch._fast_row(inner, 4, dict(written), {}, style_for)
    careful = sheet_patch._merge(inner, 4, dict(written), {}, style_for)
    assert quick is None or quick == careful
    if not existing or max(existing) < min(written):
        assert quick is not None  # plansync's columns after the team's: always the quick path


@given(
    existing=st.dictionaries(st.integers(1, 12), st.sampled_from([None, "1", "7"]), max_size=8),
    written=st.dictionaries(st.integers(1, 12), st.sampled_from(["Red", 3, None, datetime(2022, 7, 31)]), min_size=1, max_size=5),
    spans=st.booleans(),
)
def test_cells_added_after_a_rows_last_cell_are_what_the_careful_path_writes(existing, written, spans):
    from plansync.workbook import sheet_patch

    def cell(col, style):
        s = f' s="{style}"' if style else ""
        return f'<c r="{sheet_patch.column_letters(col)}4"{s}><v>{col}</v></c>'.encode()

    inner = b"".join(cell(col, existing[col]) for col in sorted(existing))
    head = b'<row r="4" spans="1:9">' if spans else b'<row r="4">'
    style_for = lambda present, value: "9" if isinstance(value, datetime) else present  # noqa: E731
    quick = sheet_patch._appended(head + inner + b"</row>", 4, dict(written), style_for, {})
    careful = b'<row r="4">' + sheet_patch._merge(inner, 4, dict(written), {}, style_for) + b"</row>"
    assert quick is None or quick == careful
    if existing and max(existing) < min(written):
        assert quick is not None  # plansync's columns after the team's: always the quick path


def test_pandas_missing_values_are_empty_cells_and_numpy_numbers_are_numbers():
    import numpy as np
    import pandas as pd

    from plansync.workbook.cell_xml import cell_xml

    assert [b""] * 4 == [cell_xml("A1", v, None) for v in (None, pd.NA, pd.NaT, np.nan)]
    assert b'<c r="A1" s="3"/>' == cell_xml("A1", pd.NA, "3")  # the cell keeps its format
    assert [b'<c r="B2"><v>5</v></c>', b'<c r="B2"><v>2.5</v></c>'] == [cell_xml("B2", v, None) for v in (np.int64(5), np.float64(2.5))]
    assert b'<c r="C3"><v>44773</v></c>' == cell_xml("C3", pd.Timestamp("2022-07-31"), None)


def test_the_one_list_of_what_plansync_owns_names_the_sheets_the_commands_write():
    from plansync.state.bookkeeping import META_SHEET
    from plansync.history_sheet import HISTORY_SHEET
    from plansync.sync_sheets import CONFLICTS_SHEET
    from plansync.workbook.owned import COMPUTED_COLUMNS, OWN_SHEETS, SETTINGS_SHEET
    from validation.fields import COMPUTED
    from validation.settings import SETTINGS_SHEET as SETTINGS
    from workbook_templates.consolidated import CONSOLIDATED_SHEET
    from workbook_templates.template import ISSUES_SHEET, SUMMARY_SHEET

    assert {ISSUES_SHEET, SUMMARY_SHEET, CONFLICTS_SHEET, CONSOLIDATED_SHEET, HISTORY_SHEET, META_SHEET} == set(OWN_SHEETS)
    assert (SETTINGS, tuple(f.label for f in COMPUTED)) == (SETTINGS_SHEET, COMPUTED_COLUMNS)

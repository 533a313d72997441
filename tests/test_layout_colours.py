"""Status shown only by a cell's fill colour: with and without the workbook's own key (issue 13)."""

import json

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
from click.testing import CliRunner
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill

from plansync.cli import main
from plansync.plan import load_plan
from plansync.workbook.fills import read_fills
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook


def _fill(colour):
    return PatternFill(start_color=colour, end_color=colour, fill_type="solid")


def _plan(path, colours, *, words=None, key=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action Plan"
    ws.append(["Ref", "Action", "Lead", "Deadline", "BRAG", "Progress"])
    for i, colour in enumerate(colours, start=1):
        ws.append([f"1.{i}", f"Action {i}", "HoS", "March 2023", (words or {}).get(i), "See the board report"])
        if colour:
            ws.cell(row=i + 1, column=5).fill = _fill(colour)
    if key:
        sheet = wb.create_sheet("Key")
        for r, (text, colour) in enumerate(key, start=1):
            sheet.cell(row=r, column=1, value=text).fill = _fill(colour)
    wb.save(path)
    return path


def _report(path):
    result = CliRunner().invoke(main, ["report", str(path), "--today", "2023-01-10", "--json"])
    assert 0 == result.exit_code, result.output
    return json.loads(result.stdout)


def test_colour_only_status_reads_the_usual_brag_shades_without_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    # Excel's standard blue, a light green, Excel's orange-amber and a dark red; one cell uncoloured.
    path = _plan(tmp_path / "plan.xlsx", ["0070C0", "92D050", "FFC000", "C00000", None])
    statuses = load_plan(OpenpyxlWorkbook.open(path)).actions["status"].tolist()
    assert ["Complete", "On track", "At risk", "Off track", None] == statuses
    summary = _report(path)
    assert (1, {"Blue": 1, "Green": 2, "Amber": 1, "Red": 1}) == (summary["complete"], summary["by_rag"])


def test_the_workbooks_own_key_wins_over_the_usual_shades(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    # As the SHSC CQC action plan's key: green means complete, amber means on track.
    key = [("Red 'Off Track'", "FF0000"), ("Amber 'On Track'", "FFC000"), ("Green 'Complete'", "00B050"), ("Blue 'Complete & CSPI'", "0070C0")]
    path = _plan(tmp_path / "plan.xlsx", ["00B050", "FFC000", "0070C0"], key=key)
    plan = load_plan(OpenpyxlWorkbook.open(path))
    assert ["Complete", "On track", "Complete"] == plan.actions["status"].tolist()
    assert "sheet 'Key'" == plan.colours.key
    assert 2 == _report(path)["complete"]


def test_conditional_format_colours_are_results_not_inputs(tmp_path):
    path = _plan(tmp_path / "plan.xlsx", [None, None])
    wb = openpyxl.load_workbook(path)
    ws = wb["Action Plan"]
    ws.conditional_formatting.add("E2:E3", CellIsRule(operator="equal", formula=['""'], fill=_fill("0070C0")))
    ws["E2"] = ""
    wb.save(path)
    assert {} == {k: v for k, v in read_fills(path, "Action Plan").items() if k[1] == 5}
    assert [None, None] == load_plan(OpenpyxlWorkbook.open(path)).actions["status"].tolist()


def test_words_beat_colour_and_the_cell_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _plan(tmp_path / "plan.xlsx", ["C00000", "0070C0"], words={1: "Complete", 2: "Complete"})
    plan = load_plan(OpenpyxlWorkbook.open(path))
    assert ["Complete", "Complete"] == plan.actions["status"].tolist()
    assert [("'Action Plan'!E2", "Complete", "Off track")] == plan.colours.notes
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    warnings = json.loads(result.stdout)["warnings"]
    assert any(w["cell"] == "'Action Plan'!E2" and "colour" in w["message"] for w in warnings)


def test_theme_colours_with_a_tint_are_read_as_excel_shows_them(tmp_path):
    from openpyxl.styles.colors import Color

    path = _plan(tmp_path / "plan.xlsx", [None])
    wb = openpyxl.load_workbook(path)
    # The file's theme (openpyxl writes the Office 2007 one): accent 3 is green 9BBB59; lighter 40%.
    wb["Action Plan"]["E2"].fill = PatternFill(fill_type="solid", fgColor=Color(theme=6, tint=0.3999))
    wb.save(path)
    colour = read_fills(path, "Action Plan")[(2, 5)]
    assert "C3D69B" == colour  # as Excel shows accent 3, lighter 40%
    assert ["On track"] == load_plan(OpenpyxlWorkbook.open(path)).actions["status"].tolist(), colour


def test_white_grey_and_pale_table_shading_is_no_status(tmp_path):
    path = _plan(tmp_path / "plan.xlsx", ["FFFFFF", "F2F2F2", "D9D9D9", "DDEBF7"])
    assert [None, None, None, None] == load_plan(OpenpyxlWorkbook.open(path)).actions["status"].tolist()


def test_coloured_cells_with_and_without_words_in_one_sheet_are_all_read(tmp_path):
    # openpyxl writes a text cell as <c r= t= s=> and an empty one as <c r= s=>: both forms count.
    path = _plan(tmp_path / "plan.xlsx", ["0070C0", "C00000"], words={2: "Off track"})
    fills = read_fills(path, "Action Plan")
    assert ("0070C0", "C00000") == (fills[(2, 5)], fills[(3, 5)])


@given(
    cells=st.lists(
        st.tuples(st.integers(1, 3), st.integers(1, 30), st.sampled_from(["0", "1", "2", "12", "21"]), st.sampled_from(["", ' t="s"', ' t="inlineStr"'])),
        max_size=25,
    ),
    row_style=st.booleans(),
)
def test_filled_cells_found_by_their_style_are_those_the_sheet_wide_scan_finds(cells, row_style):
    from plansync.workbook import fills

    rows = {}
    for col, row, style, kind in cells:
        rows.setdefault(row, {})[col] = f'<c r="{"ABC"[col - 1]}{row}"{kind} s="{style}"><v>1</v></c>'
    styled_row = ' s="1" customFormat="1"' if row_style else ""
    xml = "".join(f'<row r="{r}"{styled_row}>' + "".join(line[c] for c in sorted(line)) + "</row>" for r, line in sorted(rows.items())).encode()
    styles = [None, "FF0000", None, None, None, None, None, None, None, None, None, None, "00FF00"]
    quick = fills._cell_fills(xml, styles)
    few, fills._FEW_FILLS = fills._FEW_FILLS, -1  # every exact form by the regex over the whole sheet
    try:
        scanned = fills._cell_fills(xml, styles)
    finally:
        fills._FEW_FILLS = few
    assert list(quick.items()) == list(scanned.items())

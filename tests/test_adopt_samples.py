"""The two published council plans, as their teams keep them, are found and read whole."""

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from plansync.errors import WorkbookUnreadable
from plansync.workbook.calamine_reader import read_grids
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from validation.layout import detect_layout, read_actions

FIXTURES = Path(__file__).parent / "fixtures"
ROTHERHAM = FIXTURES / "rotherham_ilacs_2022.xlsx"
YORK = FIXTURES / "york_ofsted_2022.xlsx"


def _read(path):
    grids = read_grids(path)
    layout = detect_layout(grids)
    return layout, read_actions(next(g for g in grids if g.name == layout.sheet), layout)


def test_rotherham_has_four_recommendations_and_33_actions_one_without_a_ref():
    layout, read = _read(ROTHERHAM)
    assert ("Action Plan", [4], 6) == (layout.sheet, layout.header_rows, layout.computed_col)
    assert {"ref": 1, "action": 2, "target": 3, "lead": 4, "progress": 5} == layout.columns
    assert ("headings", 4) == (read.recommendation_from, read.headings)
    actions = read.actions
    assert 33 == len(actions)
    assert [5, 13, 9, 6] == actions.groupby("recommendation", sort=False).size().tolist()
    no_ref = actions[actions["ref"].isna()]
    assert [10] == no_ref["_row"].tolist()
    assert "Undertake case files audits" in no_ref["action"].iloc[0]
    assert no_ref["recommendation"].iloc[0].startswith("1. Consideration of previous history")
    assert ("2.13", "HoS Children in Care") == tuple(actions.loc[actions["_row"] == 24, ["ref", "lead"]].iloc[0])


def test_york_has_seven_recommendations_and_31_actions_with_undated_deadlines_kept_as_written():
    layout, read = _read(YORK)
    assert ("Plan", [1]) == (layout.sheet, layout.header_rows)
    assert {"recommendation": 1, "action": 2, "lead": 3, "target": 4, "progress": 5} == layout.columns
    actions = read.actions
    assert (31, 7, "column") == (len(actions), actions["recommendation"].nunique(), read.recommendation_from)
    assert [6, 5, 4, 4, 4, 3, 5] == actions.groupby("recommendation", sort=False).size().tolist()
    assert datetime(2022, 7, 1) == actions["target"].iloc[0]
    assert {"Quarterly reporting", "Ongoing", "Performance reviewed weekly"} == {
        t for t in actions["target"] if isinstance(t, str)
    }


@pytest.mark.parametrize("path", [ROTHERHAM, YORK], ids=["rotherham", "york"])
def test_the_fast_reader_reads_every_sheet_as_the_openpyxl_adapter_does(path):
    book = OpenpyxlWorkbook.open(path)
    expected = [book.read_sheet(n) for n in book.sheet_names()]
    fast = read_grids(path)
    assert [g.name for g in expected] == [g.name for g in fast]
    for slow, quick in zip(expected, fast):
        assert sorted(slow.merged) == sorted(quick.merged)
        cells = {(r, c) for r in range(1, slow.max_row + 1) for c in range(1, slow.max_col + 1)}
        assert {k: slow.cell(*k) for k in cells} == {k: quick.cell(*k) for k in cells}


def test_the_fast_reader_gives_formulas_as_text_numbers_dates_and_hidden_sheets_like_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan & notes"
    ws.append(["Ref", "Count", "When", "Sum"])
    ws.append(["1.1", 3, datetime(2023, 3, 31), "=B2*2"])
    ws.append(["1.2", 2.5, None, '=IF(B3>2,"big","small")'])
    ws.merge_cells("A5:D5")
    ws["A5"] = "Overarching Note: <all> & more"
    hidden = wb.create_sheet("Lookups")
    hidden.sheet_state = "hidden"
    hidden["B2"] = "x"
    path = tmp_path / "plan.xlsx"
    wb.save(path)

    book = OpenpyxlWorkbook.open(path)
    for name, quick in zip(book.sheet_names(), read_grids(path)):
        slow = book.read_sheet(name)
        assert (slow.name, slow.hidden, sorted(slow.merged)) == (quick.name, quick.hidden, sorted(quick.merged))
        for r in range(1, 6):
            assert [slow.cell(r, c) for c in range(1, 5)] == [quick.cell(r, c) for c in range(1, 5)]
    assert ["=B2*2", '=IF(B3>2,"big","small")'] == [read_grids(path)[0].cell(r, 4) for r in (2, 3)]


def test_the_fast_reader_says_what_to_do_with_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(WorkbookUnreadable) as caught:
        read_grids(path)
    assert (
        "plansync cannot read plan.xlsx: it is missing, not an .xlsx workbook, or damaged. "
        "Check the path, or open it in Excel and save it again as 'Excel Workbook (*.xlsx)'."
    ) == str(caught.value)

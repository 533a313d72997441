"""A plan kept one sheet per recommendation gets plansync's computed columns on every plan sheet
(issue 13, "Sheets"): adopt, rag and sync each write Due / RAG / Overdue / Days overdue right of
that sheet's own table, pulled values and sign-off stamps land in that sheet's own columns, and no
other cell changes.

The workbook: a cover sheet, three recommendation sheets (the second lays its columns out in
another order, the third has no title row) and a version sheet, rated as at 1 May 2026.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from plansync.cli import main
from synced_plans import ANN, client, https_server, items_by

BOB = "bob@council.gov.uk"
TODAY = "2026-05-01"
MAIN = ["Ref", "Action", "Lead", "Owner sign-in", "Target date", "Status", "Progress"]
SHUFFLED = ["Action", "Ref", "Status", "Target date", "Lead", "Owner sign-in", "Progress"]
# Every plan sheet's table spans A:G, so plansync's columns are H:K on each, on its header row.
DUE, RAG, OVERDUE, DAYS = 8, 9, 10, 11
HEADER_ROW = {"Rec 1": 3, "Rec 2": 2, "Rec 3": 1}
PLAN_SHEETS = tuple(HEADER_ROW)


def _action(ref, target, status, progress):
    return {"Ref": ref, "Action": f"Action {ref}", "Lead": "Head of Service", "Owner sign-in": ANN,
            "Target date": target, "Status": status, "Progress": progress}


def _workbook(path: Path, sign_off: bool = False) -> Path:
    """``sign_off``: each plan sheet also has sign-off columns, in another order on Rec 2."""
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover.append(["Children's services improvement plan 2026"])
    cover.append(["Owner", "Director of Children's Services"])
    sheets = [
        ("Rec 1", "Recommendation 1: Improve the quality of supervision", MAIN,
         [_action("1.1", "March 2026", "Complete", "Policy agreed at DLT"), _action("1.2", "June 2026", "On track", "Audits started")]),
        ("Rec 2", "Recommendation 2: Strengthen care plans", SHUFFLED,
         [_action("2.1", "April 2026", "On track", "Template drafted")]),
        ("Rec 3", None, MAIN,
         [_action("3.1", "July 2026", "On track", "Sessions booked"), _action("3.2", "February 2026", "At risk", "Staffing gaps")]),
    ]
    for name, title, header, actions in sheets:
        ws = wb.create_sheet(name)
        if title:
            ws.append([title])
            ws.merge_cells("A1:G1")
        if name == "Rec 1":
            ws.append([])
        if sign_off:
            header = [*header, *(["Signed off by", "Signed off on"] if name == "Rec 2" else ["Signed off on", "Signed off by"])]
        ws.append(header)
        for action in actions:
            ws.append([action.get(h) for h in header])
    wb.create_sheet("Version control").append(["Version", "Date", "Change"])
    wb["Version control"].append(["1.0", "12/01/2026", "First draft"])
    settings = wb.create_sheet("Settings")
    settings.append(["Plan name", "Children 2026"])
    settings.append(["Today (override)", datetime(2026, 5, 1)])
    wb.save(path)
    return path


def _values(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Every non-empty cell of every sheet the team wrote: sheet -> (row, col) -> value."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
        for ws in wb.worksheets
    }


def _theirs(values: dict[str, dict[tuple[int, int], object]]) -> dict[str, dict[tuple[int, int], object]]:
    """The cells plansync does not own: all but the computed columns of plan sheets and its own sheets."""
    own = {"Settings", "Issues", "Summary", "Conflicts", "_plansync"}
    return {
        sheet: {at: v for at, v in cells.items() if not (sheet in PLAN_SHEETS and at[1] >= DUE)}
        for sheet, cells in values.items()
        if sheet not in own
    }


def _computed(path: Path, sheet: str, row: int) -> list:
    ws = openpyxl.load_workbook(path)[sheet]
    return [ws.cell(row, c).value for c in (DUE, RAG, OVERDUE, DAYS)]


def _headers(path: Path) -> dict[str, list]:
    return {sheet: _computed(path, sheet, row) for sheet, row in HEADER_ROW.items()}


LABELS = ["Due", "RAG", "Overdue", "Days overdue"]
# As at 1 May 2026: what each plan sheet's computed cells show, by sheet and row.
RATED = {
    ("Rec 1", 4): [datetime(2026, 3, 31), "Blue", "No", None],
    ("Rec 1", 5): [datetime(2026, 6, 30), "Green", "No", None],
    ("Rec 2", 3): [datetime(2026, 4, 30), "Red", "Yes", 1],
    ("Rec 3", 2): [datetime(2026, 7, 31), "Green", "No", None],
    ("Rec 3", 3): [datetime(2026, 2, 28), "Red", "Yes", 62],
}


def _rated(path: Path) -> dict[tuple[str, int], list]:
    return {at: _computed(path, *at) for at in RATED}


def test_adopt_rag_and_validate_give_every_plan_sheet_its_own_computed_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _workbook(tmp_path / "plan.xlsx")
    before = _theirs(_values(path))

    adopted = CliRunner().invoke(main, ["adopt", str(path)])
    assert 0 == adopted.exit_code, adopted.output
    assert "Recommendations: 3 (" in adopted.stdout and "Actions: 5" in adopted.stdout
    assert "'Rec 2': part of the plan (laid out as the first sheet; plansync's columns H:K)" in adopted.stdout
    assert "headers Due, RAG, Overdue, Days overdue at 'Rec 3'!H1:K1" in adopted.stdout
    assert {sheet: LABELS for sheet in PLAN_SHEETS} == _headers(path)
    # Each sheet's new headings are coloured by value from the row under its own header.
    wb = openpyxl.load_workbook(path)
    assert {"I3:I5000", "I4:I5000", "I2:I5000"} == {
        str(r.sqref) for name in PLAN_SHEETS for r in wb[name].conditional_formatting if str(r.sqref).startswith("I")
    }

    rag = CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    assert 0 == rag.exit_code, rag.output
    assert "Written to 'Rec 1'!H3:K5, 'Rec 2'!H2:K3, 'Rec 3'!H1:K3." in rag.stdout
    assert RATED == _rated(path)
    assert {sheet: LABELS for sheet in PLAN_SHEETS} == _headers(path)

    validated = CliRunner().invoke(main, ["validate", str(path)])
    assert 0 == validated.exit_code, validated.output
    assert "No problems found in 5 actions." in validated.stdout
    report = json.loads(CliRunner().invoke(main, ["report", str(path), "--today", TODAY, "--json"]).stdout)
    assert (3, 5, 1) == (report["recommendations"], report["actions"], report["complete"])

    again = CliRunner().invoke(main, ["adopt", str(path)])
    assert "Already adopted: nothing was added." in again.stdout
    assert before == _theirs(_values(path))
    assert RATED == _rated(path)


def test_a_rating_that_changes_rewrites_the_sheet_of_that_action_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _workbook(tmp_path / "plan.xlsx")
    CliRunner().invoke(main, ["adopt", str(path)])
    CliRunner().invoke(main, ["rag", str(path), "--today", TODAY])
    wb = openpyxl.load_workbook(path)
    wb["Rec 3"].cell(3, 6, "Complete")  # 3.2's Status
    wb["Rec 2"].cell(3, 4, "September 2026")  # 2.1's Target date, in Rec 2's own column
    wb.save(path)

    assert 0 == CliRunner().invoke(main, ["rag", str(path), "--today", TODAY]).exit_code
    assert [datetime(2026, 9, 30), "Green", "No", None] == _computed(path, "Rec 2", 3)
    assert [datetime(2026, 2, 28), "Blue", "No", None] == _computed(path, "Rec 3", 3)
    assert RATED[("Rec 1", 4)] == _computed(path, "Rec 1", 4)


server = https_server(BOB)  # Bob holds the support role, so he may change Ann's items in the list directly.


def _list_items(server, list_name: str) -> dict[str, dict]:
    return items_by(server, list_name)


def _list_edit(server, list_name: str, ref: str, fields: dict) -> None:
    item = next(i for k, i in _list_items(server, list_name).items() if k.endswith(f":{ref}"))
    with client(server, BOB) as gc:
        site = gc.get_site(None, "/sites/plansync")
        lst = gc.get_list(site["id"], list_name)
        gc.update_fields(site["id"], lst["id"], item["id"], fields)


def test_sync_rates_every_plan_sheet_and_pulls_land_in_that_sheets_own_columns(server, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _workbook(tmp_path / "plan.xlsx")
    assert 0 == CliRunner().invoke(main, ["adopt", str(path)]).exit_code
    before = _theirs(_values(path))
    args = ["sync", str(path), "--graph-url", server.graph_url, "--list", "sheets-plan", "--as", ANN, "--json"]

    first = CliRunner().invoke(main, args)
    assert 0 == first.exit_code, first.output
    assert 5 == json.loads(first.stdout)["created"]
    assert RATED == _rated(path)  # adopt wrote the headings only: sync rated every sheet
    listed = _list_items(server, "sheets-plan")
    assert {"1.1": "Blue", "1.2": "Green", "2.1": "Red", "3.1": "Green", "3.2": "Red"} == {
        k.rsplit(":", 1)[1]: i["fields"]["RAG"] for k, i in listed.items()
    }
    assert before == _theirs(_values(path))

    # A colleague closes 2.1 and updates 3.2's progress in the list.
    _list_edit(server, "sheets-plan", "2.1", {"Status": "Complete"})
    _list_edit(server, "sheets-plan", "3.2", {"Progress": "Two social workers recruited"})
    second = CliRunner().invoke(main, args)
    assert 0 == second.exit_code, second.output
    assert 2 == json.loads(second.stdout)["pulled"]

    wb = openpyxl.load_workbook(path)
    assert "Complete" == wb["Rec 2"].cell(3, 3).value  # Rec 2's Status column is C
    assert "Two social workers recruited" == wb["Rec 3"].cell(3, 7).value
    assert [datetime(2026, 4, 30), "Blue", "No", None] == _computed(path, "Rec 2", 3)
    assert {at: v for at, v in RATED.items() if at != ("Rec 2", 3)} == {at: v for at, v in _rated(path).items() if at != ("Rec 2", 3)}
    after = _theirs(_values(path))
    before["Rec 2"][(3, 3)] = "Complete"
    before["Rec 3"][(3, 7)] = "Two social workers recruited"
    assert before == after


def test_a_sign_off_is_stamped_in_the_sign_off_columns_of_the_actions_own_sheet(server, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _workbook(tmp_path / "plan.xlsx", sign_off=True)
    args = ["sync", str(path), "--graph-url", server.graph_url, "--list", "sheets-sign-off"]
    assert 0 == CliRunner().invoke(main, [*args, "--as", ANN]).exit_code
    wb = openpyxl.load_workbook(path)
    wb["Rec 2"].cell(3, 3, "Signed off")  # 2.1's Status, signed off by Bob (support role)
    wb.save(path)
    before = _values(path)

    signed = CliRunner().invoke(main, [*args, "--as", BOB])
    assert 0 == signed.exit_code, signed.output
    ws = openpyxl.load_workbook(path)["Rec 2"]
    assert (BOB, datetime(2026, 5, 1)) == (ws.cell(3, 8).value, ws.cell(3, 9).value)  # Rec 2: by (H), then on (I)
    after = _values(path)
    for sheet in PLAN_SHEETS:  # the team's table (A:I) is unchanged but for the stamp
        theirs = {at: v for at, v in after[sheet].items() if at[1] <= 9 and (sheet, at) not in {("Rec 2", (3, 8)), ("Rec 2", (3, 9))}}
        assert {at: v for at, v in before[sheet].items() if at[1] <= 9} == theirs

"""A plan kept on several sheets, one per recommendation, beside a cover and a key (issue 13)."""

import json

import openpyxl
from click.testing import CliRunner

from plansync.cli import main


def _workbook(path):
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover.append(["Ofsted improvement plan 2023"])
    cover.append(["Owner: Director of Children's Services"])
    key = wb.create_sheet("Key")
    key.append(["Blue", "Complete"])
    recs = [
        ("Recommendation 1: Improve the quality of supervision", [("Refresh supervision policy", "March 2023", "Complete - agreed at DLT"), ("Audit twelve files a month", "Ongoing", "In progress - on track")]),
        ("Recommendation 2: Strengthen care plans", [("Introduce a care plan template", "June 2023", "In progress - on track")]),
        (None, [("Train managers in the template", "July 2023", "Action awaiting start"), ("Review twelve plans", "April 2023", "Delayed by staffing")]),
    ]
    for n, (title, actions) in enumerate(recs, start=1):
        ws = wb.create_sheet(f"Rec {n}")
        if title:
            ws.append([title])
            ws.merge_cells("A1:D1")
            ws.append([])
        ws.append(["Action", "Lead", "Target date", "Progress"])
        for action, target, progress in actions:
            ws.append([action, "HoS", target, progress])
    wb.create_sheet("Version control").append(["Version", "Date"])
    wb.save(path)
    return path


def test_every_recommendation_sheet_is_one_plan_and_other_sheets_are_named_as_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _workbook(tmp_path / "plan.xlsx")
    adopted = CliRunner().invoke(main, ["adopt", str(path), "--json"])
    assert 0 == adopted.exit_code, adopted.output
    mapping = json.loads(adopted.stdout)
    assert (3, 5) == (mapping["recommendations"], mapping["actions"])
    roles = {s["sheet"]: s["read_as"] for s in mapping["sheets"]}
    assert roles["Rec 1"].startswith("the plan")
    assert roles["Rec 2"].startswith("part of the plan") and roles["Rec 3"].startswith("part of the plan")
    assert all(roles[n].startswith("skipped") for n in ("Cover", "Key", "Version control"))

    report = CliRunner().invoke(main, ["report", str(path), "--today", "2023-05-01", "--json"])
    summary = json.loads(report.stdout)
    assert (3, 5, 1) == (summary["recommendations"], summary["actions"], summary["complete"])
    # The sheet without a title row takes its name; overdue actions say where they are.
    assert [(3, "HoS", 1)] == [(o["recommendation"], o["lead"], o["days_overdue"]) for o in summary["overdue"]][-1:]


def test_each_sheet_carries_its_recommendation_from_its_title_row_or_its_name(tmp_path):
    from plansync.plan import load_plan
    from plansync.workbook.openpyxl_book import OpenpyxlWorkbook

    path = _workbook(tmp_path / "plan.xlsx")
    actions = load_plan(OpenpyxlWorkbook.open(path)).actions
    assert [
        ("Rec 1", "Recommendation 1: Improve the quality of supervision"),
        ("Rec 1", "Recommendation 1: Improve the quality of supervision"),
        ("Rec 2", "Recommendation 2: Strengthen care plans"),
        ("Rec 3", "Rec 3"),
        ("Rec 3", "Rec 3"),
    ] == list(zip(actions["_sheet"], actions["recommendation"]))


def test_rag_writes_its_columns_on_every_plan_sheet_on_that_sheets_header_row(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _workbook(tmp_path / "plan.xlsx")
    CliRunner().invoke(main, ["adopt", str(path)])
    result = CliRunner().invoke(main, ["rag", str(path), "--today", "2023-05-01"])
    assert 0 == result.exit_code, result.output
    wb = openpyxl.load_workbook(path)
    assert ["Due", "RAG", "Overdue", "Days overdue"] == [wb["Rec 1"].cell(3, c).value for c in range(5, 9)]
    assert ["Blue", "Green"] == [wb["Rec 1"].cell(r, 6).value for r in (4, 5)]
    assert [None] * 4 == [wb["Rec 2"].cell(1, c).value for c in range(5, 9)]  # its title row
    assert ["Due", "RAG", "Overdue", "Days overdue"] == [wb["Rec 2"].cell(3, c).value for c in range(5, 9)]
    assert [["Green"], ["Green", "Red"]] == [[wb[s].cell(r, 6).value for r in rows] for s, rows in (("Rec 2", [4]), ("Rec 3", [2, 3]))]


def _one_sheet(path, name, *, title=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    if title:
        ws.append([title])
        ws.append([])  # a spacer row between the title and the header
    ws.append(["Action", "Lead", "Target date", "Progress"])
    for action in ("Refresh supervision policy", "Audit twelve files a month", "Train managers"):
        ws.append([action, "HoS", "March 2023", "In progress - on track"])
    wb.save(path)
    return path


def _adopted(path, monkeypatch, tmp_path):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(main, ["adopt", str(path), "--json"])
    assert 0 == result.exit_code, result.output
    found = json.loads(result.stdout)
    return found["actions"], found["recommendations"]


def test_a_plan_on_one_sheet_named_for_a_recommendation_is_that_recommendations(tmp_path, monkeypatch):
    path = _one_sheet(tmp_path / "plan.xlsx", "2. Improve supervision")
    assert (3, 1) == _adopted(path, monkeypatch, tmp_path)


def test_a_heading_above_the_header_with_a_blank_row_between_heads_every_action(tmp_path, monkeypatch):
    path = _one_sheet(tmp_path / "plan.xlsx", "Plan", title="Recommendation 4: Improve supervision")
    assert (3, 1) == _adopted(path, monkeypatch, tmp_path)


def test_on_a_sheet_named_as_a_plan_each_row_without_a_recommendation_is_its_own(tmp_path, monkeypatch):
    path = _one_sheet(tmp_path / "plan.xlsx", "Action plan")
    assert (3, 3) == _adopted(path, monkeypatch, tmp_path)

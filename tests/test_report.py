"""``plansync report``: what a board asks of a plan, on the Summary sheet and as JSON."""

import json
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
from click.testing import CliRunner

from plansync.cli import main
from plansync.commands.new import new_workbook
from plansync.commands.report import CHART_TITLE, report_workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sample_files import writable_copy
from workbook_templates.demo import load_demo
from validation.rag import compute_rag
from validation.summary import board_summary, recommendation_numbers

FIXTURES = Path(__file__).parent / "fixtures"


def _copy(name, tmp_path):
    return writable_copy(FIXTURES / name, tmp_path)


def _actions(rows):
    frame = pd.DataFrame(rows, columns=["recommendation", "ref", "lead", "target", "progress", "_row"], dtype=object)
    frame["_sheet"] = "Plan"
    for name in ("plan", "action", "owner", "revised_target", "status", "updated", "completed"):
        frame[name] = None
    frame["_row"] = frame["_row"].astype("int64")
    return frame


def test_the_board_summary_counts_brag_complete_recommendations_and_overdue_actions():
    actions = _actions([
        ["1. Front door", "1.1", "HoS", "July 2022", "Action Complete", 3],
        ["1. Front door", "1.2", "HoS", "August 2022", "Completed.", 4],
        ["Recommendation No. 2", "2.1", "Head of QA", "March 2022", "In progress", 6],
        ["Recommendation No. 2", "2.2", "DCS", "Ongoing", "Meets weekly", 7],
        ["Recommendation No. 2", "2.3", "Head of QA", "June 2022", None, 8],
    ])
    summary = board_summary(actions, compute_rag(actions, today=date(2022, 7, 1)))
    assert {
        "recommendations": 2,
        "actions": 5,
        "complete": 2,
        "complete_awaiting_sign_off": 2,
        "signed_off": 0,
        "signed_off_refs": [],
        "signed_off_actions": [],
        "by_rag": {"Blue": 2, "Green": 1, "Amber": 0, "Red": 2},
        "fully_complete_recommendations": [1],
        "sign_off_by_recommendation": [
            {"recommendation": "Rec 1", "complete_awaiting_sign_off": 2, "signed_off": 0},
            {"recommendation": "Rec 2", "complete_awaiting_sign_off": 0, "signed_off": 0},
        ],
        "overdue": [
            {"ref": "2.1", "recommendation": 2, "lead": "Head of QA", "days_overdue": 92},
            {"ref": "2.3", "recommendation": 2, "lead": "Head of QA", "days_overdue": 1},
        ],
    } == summary.to_json()
    assert [[2, 0, 0, 0], [0, 1, 0, 2]] == summary.by_recommendation.to_numpy().tolist()


def test_recommendations_are_numbered_by_their_text_else_the_refs_prefix_else_their_order():
    actions = _actions([
        ["3) Supervision", "a", None, None, None, 2],
        [None, "4.2", None, None, None, 3],
        ["Leadership", "x", None, None, None, 4],
    ])
    assert [3, 4, 5] == recommendation_numbers(actions).tolist()


def test_a_huge_number_in_the_recommendation_column_is_not_taken_for_its_number():
    actions = _actions([
        [1e300, "a", None, None, None, 2],
        ["2. Supervision", "b", None, None, None, 3],
    ])
    assert [3, 2] == recommendation_numbers(actions).tolist()


def test_report_json_on_rotherham_as_at_the_panel_date(tmp_path):
    path = _copy("rotherham_ilacs_2022.xlsx", tmp_path)
    result = CliRunner().invoke(main, ["report", str(path), "--today", "2022-11-14", "--json"])
    assert 0 == result.exit_code, result.output
    assert {
        "recommendations": 4,
        "actions": 33,
        "complete": 5,
        "by_rag": {"Blue": 5, "Green": 24, "Amber": 2, "Red": 2},
        "fully_complete_recommendations": [],
        "overdue": [
            {"ref": "2.1", "recommendation": 2, "lead": "HoS Commissioning and Transformation Projects", "days_overdue": 45},
            {"ref": "4.1", "recommendation": 4, "lead": "Head of Safeguarding & Quality Assurance", "days_overdue": 14},
        ],
    } == {k: v for k, v in json.loads(result.output).items() if "sign" not in k}


def test_rotherham_reads_as_five_actions_signed_off_at_the_panel_on_14_november_2022(tmp_path):
    path = _copy("rotherham_ilacs_2022.xlsx", tmp_path)
    summary = json.loads(CliRunner().invoke(main, ["report", str(path), "--today", "2022-11-14", "--json"]).output)
    assert (5, 5, 0) == (summary["complete"], summary["signed_off"], summary["complete_awaiting_sign_off"])
    assert ["1.1", "1.2", "1.3", "2.2", "2.3"] == summary["signed_off_refs"]
    assert {"2022-11-14"} == {a["signed_off_on"] for a in summary["signed_off_actions"]}
    assert [3, 2, 0, 0] == [r["signed_off"] for r in summary["sign_off_by_recommendation"]]


def test_complete_awaiting_sign_off_and_signed_off_are_counted_apart():
    actions = _actions([
        ["1. Front door", "1.1", "HoS", "July 2022", "Action Complete. Sign off approved at panel on 3 June 2022", 3],
        ["1. Front door", "1.2", "HoS", "July 2022", "Complete, subject to approval at the evidence panel", 4],
        ["Recommendation No. 2", "2.1", "Head of QA", "March 2022", "In progress", 6],
    ])
    actions["status"] = [None, None, "Signed off"]
    actions["signed_off_on"] = [None, None, "12/05/2022"]
    actions["signed_off_by"] = [None, None, "pat.jones@example.org"]
    summary = board_summary(actions, compute_rag(actions, today=date(2022, 7, 1))).to_json()
    assert (3, 1, 2) == (summary["complete"], summary["complete_awaiting_sign_off"], summary["signed_off"])
    assert [("1.1", "2022-06-03", None), ("2.1", "2022-05-12", "pat.jones@example.org")] == [
        (a["ref"], a["signed_off_on"], a["signed_off_by"]) for a in summary["signed_off_actions"]]
    assert [(1, 1), (0, 1)] == [(r["complete_awaiting_sign_off"], r["signed_off"]) for r in summary["sign_off_by_recommendation"]]


def test_york_deadlines_without_a_date_are_never_overdue(tmp_path):
    path = _copy("york_ofsted_2022.xlsx", tmp_path)
    result = CliRunner().invoke(main, ["report", str(path), "--today", "2030-01-01", "--json"])
    assert 0 == result.exit_code, result.output
    summary = json.loads(result.output)
    assert (7, 31) == (summary["recommendations"], summary["actions"])
    # 31 actions; 10 have 'Quarterly reporting', 'Ongoing' or 'Performance reviewed weekly'.
    assert 21 == len(summary["overdue"])
    assert {1, 2, 3, 4, 5, 6, 7} == {o["recommendation"] for o in summary["overdue"]}


def test_the_summary_sheet_reads_for_a_board_and_its_chart_is_installed_once(tmp_path):
    path = _copy("rotherham_ilacs_2022.xlsx", tmp_path)
    report_workbook(OpenpyxlWorkbook.open(path, write=True), today=date(2022, 11, 14))
    report_workbook(OpenpyxlWorkbook.open(path, write=True), today=date(2022, 11, 14))
    ws = openpyxl.load_workbook(path)["Summary"]
    rows = [[c for c in row[:5]] for row in ws.iter_rows(min_row=1, max_row=21, values_only=True)]
    assert [
        ["rotherham_ilacs_2022: summary for the board", None, None, None, None],
        ["As at 14/11/2022. Made by plansync report; run it again to bring it up to date.", None, None, None, None],
        [None] * 5,
        ["BRAG", "Actions", None, None, None],
        ["Blue", 5, None, None, None],
        ["Green", 24, None, None, None],
        ["Amber", 2, None, None, None],
        ["Red", 2, None, None, None],
        [None] * 5,
        ["Recommendations", 4, None, None, None],
        ["Actions", 33, None, None, None],
        ["Complete actions", 5, None, None, None],
        ["  of which complete, awaiting sign-off", 0, None, None, None],
        ["  of which signed off", 5, None, None, None],
        ["Recommendations with every action complete", "None yet", None, None, None],
        ["Overdue actions", 2, None, None, None],
        [None] * 5,
        ["Overdue actions, most overdue first", None, None, None, None],
        ["Ref", "Recommendation", "Lead", "Days overdue", "Where"],
        ["2.1", 2, "HoS Commissioning and Transformation Projects", 45, "Action Plan, row 12"],
        ["4.1", 4, "Head of Safeguarding & Quality Assurance", 14, "Action Plan, row 36"],
    ] == rows
    assert [
        ("Recommendation", "Blue", "Green", "Amber", "Red"),
        ("Rec 1", 3, 1, 1, 0),
        ("Rec 2", 2, 9, 1, 1),
        ("Rec 3", 0, 9, 0, 0),
        ("Rec 4", 0, 5, 0, 1),
    ] == list(ws.iter_rows(min_row=4, max_row=8, min_col=8, max_col=12, values_only=True))
    assert 1 == len(ws._charts)
    chart = ws._charts[0]
    assert (CHART_TITLE, "col", "stacked") == ("".join(r.t for p in chart.title.tx.rich.p for r in p.r), chart.type, chart.grouping)
    assert ["'Summary'!$I$5:$I$8", "'Summary'!$L$5:$L$8"] == [
        chart.series[0].val.numRef.f, chart.series[3].val.numRef.f
    ]


def test_report_works_on_a_template_workbook(tmp_path):
    path = tmp_path / "plan.xlsx"
    new_workbook(path, demo=True)
    result = CliRunner().invoke(main, ["report", str(path), "--today", "2022-07-31", "--json"])
    assert 0 == result.exit_code, result.output
    summary = json.loads(result.output)
    demo = load_demo(date.today()).rows
    assert (len({r["recommendation"] for r in demo}), len(demo)) == (summary["recommendations"], summary["actions"])
    assert summary["actions"] == sum(summary["by_rag"].values())
    ws = openpyxl.load_workbook(path)["Summary"]
    assert ("Recommendations", summary["recommendations"]) == (ws["A10"].value, ws["B10"].value)


def test_report_prints_the_summary_for_people(tmp_path):
    path = _copy("rotherham_ilacs_2022.xlsx", tmp_path)
    result = CliRunner().invoke(main, ["report", str(path), "--today", "2022-11-14"])
    assert 0 == result.exit_code, result.output
    assert [
        "rotherham_ilacs_2022: summary as at 14/11/2022",
        "Recommendations: 4   Actions: 33   Complete: 5 (0 awaiting sign-off, 5 signed off)",
        "BRAG: Blue 5, Green 24, Amber 2, Red 2",
        "Recommendations with every action complete: none yet",
        "Overdue actions: 2",
        "  2.1 (recommendation 2, HoS Commissioning and Transformation Projects): 45 days",
        "  4.1 (recommendation 4, Head of Safeguarding & Quality Assurance): 14 days",
        "Written to the Summary sheet.",
    ] == result.output.splitlines()


def test_report_on_a_read_only_workbook_prints_its_figures_and_says_the_summary_was_not_saved(tmp_path):
    path = _copy("rotherham_ilacs_2022.xlsx", tmp_path)
    path.chmod(0o444)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["report", str(path), "--today", "2022-11-14", "--json"])
    assert 0 == result.exit_code, result.output
    assert (4, 33, 5) == tuple(json.loads(result.stdout)[k] for k in ("recommendations", "actions", "complete"))
    warning = result.stderr.splitlines()
    assert 1 == len(warning)
    assert "read-only" in warning[0] and "Summary sheet was not saved" in warning[0] and "Read-only" in warning[0]
    assert before == path.read_bytes()

    people = CliRunner().invoke(main, ["report", str(path), "--today", "2022-11-14"])
    assert 0 == people.exit_code, people.output
    assert "Recommendations: 4   Actions: 33   Complete: 5" in people.stdout
    assert "Written to the Summary sheet." not in people.stdout

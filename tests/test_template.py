"""The template workbook: what a person sees when they open a new plan, and the demo's content."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from plansync.commands.new import new_workbook
from plansync.plan import load_plan
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from validation.fields import STATUSES
from validation.settings import Settings
from workbook_templates.demo import load_demo, shift_text
from workbook_templates.formatting import install_rag_formatting

TODAY = date(2022, 10, 15)


@pytest.fixture
def empty(tmp_path):
    path = tmp_path / "plan.xlsx"
    new_workbook(path)
    return openpyxl.load_workbook(path)


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "demo.xlsx"
    new_workbook(path, demo=True, today=TODAY)
    return openpyxl.load_workbook(path)


def test_the_template_has_the_five_sheets_with_bookkeeping_hidden(empty):
    assert ["Actions", "Settings", "Issues", "Summary", "_plansync"] == empty.sheetnames
    assert ["visible", "visible", "visible", "visible", "hidden"] == [ws.sheet_state for ws in empty.worksheets]
    assert "Actions" == empty.active.title


def test_actions_is_an_excel_table_of_the_canonical_and_computed_columns_with_a_frozen_header(empty):
    ws = empty["Actions"]
    assert [
        "Plan", "Recommendation", "Ref", "Action", "Lead", "Owner sign-in", "Target date", "Revised target",
        "Status", "Progress", "Updated", "Completed", "Due", "RAG", "Overdue", "Days overdue",
    ] == [c.value for c in ws[1]]
    assert {"PlanActions": "A1:P2"} == dict(ws.tables.items())
    assert "A2" == ws.freeze_panes


def test_status_has_a_drop_down_of_the_allowed_statuses(empty):
    (dv,) = empty["Actions"].data_validations.dataValidation
    assert ("list", '"' + ",".join(STATUSES) + '"', "I2:I5000") == (dv.type, dv.formula1, str(dv.sqref))
    assert dv.showErrorMessage


def test_rag_and_overdue_cells_are_coloured_by_conditional_formatting(empty):
    rules = {str(cf.sqref): [(r.operator, r.formula) for r in cf.rules] for cf in empty["Actions"].conditional_formatting}
    assert {
        "N2:N5000": [("equal", ['"Blue"']), ("equal", ['"Green"']), ("equal", ['"Amber"']), ("equal", ['"Red"'])],
        "O2:O5000": [("equal", ['"Yes"'])],
        "P2:P5000": [("greaterThan", ["0"])],
    } == rules


def test_installing_the_formatting_again_replaces_plansyncs_rules_and_keeps_the_teams(empty):
    ws = empty["Actions"]
    from openpyxl.formatting.rule import CellIsRule

    ws.conditional_formatting.add("J2:J50", CellIsRule(operator="equal", formula=['"late"']))
    install_rag_formatting(ws, rag_col=14, overdue_col=15, days_col=16, first_row=2)
    counts = {str(cf.sqref): len(cf.rules) for cf in ws.conditional_formatting}
    assert {"J2:J50": 1, "N2:N5000": 4, "O2:O5000": 1, "P2:P5000": 1} == counts


def test_date_columns_show_dates_day_first(empty):
    ws = empty["Actions"]
    assert ["dd/mm/yyyy"] * 5 == [ws.column_dimensions[c].number_format for c in ("G", "H", "K", "L", "M")]


def test_settings_sheet_explains_each_setting_and_reads_back_as_the_defaults(empty, tmp_path):
    ws = empty["Settings"]
    labels = {row[0]: row[2] for row in ws.iter_rows(min_row=5, max_row=12, values_only=True)}
    assert [
        "Plan name", "Amber window (days)", "Today (override)", "Support role sign-ins", "SharePoint site",
        "SharePoint list", "Graph URL", "Last sync",
    ] == list(labels)
    assert all(labels.values())
    assert 30 == ws["B6"].value
    column_a = [c.value for c in ws["A"]]
    assert {"Owners", "Status keywords", "Column overrides"} <= set(column_a)
    book = OpenpyxlWorkbook.open(tmp_path / "plan.xlsx")
    assert Settings() == Settings.from_grid(book.read_sheet("Settings"))


def test_issues_sheet_starts_with_its_header(empty):
    assert [("Sheet", "Cell", "Column", "Value", "Problem", "What to do", "Severity")] == list(
        empty["Issues"].iter_rows(values_only=True)
    )


def test_summary_counts_the_rag_column(empty):
    ws = empty["Summary"]
    assert ("Red", '=COUNTIF(Actions!N:N,"Red")') == (ws["A8"].value, ws["B8"].value)


def test_the_demo_holds_both_sample_plans_with_owners_and_every_status(demo, tmp_path):
    plan = load_plan(OpenpyxlWorkbook.open(tmp_path / "demo.xlsx"))
    assert {"Rotherham ILACS action plan": 33, "York Ofsted action plan": 31} == plan.actions["plan"].value_counts().to_dict()
    assert set(STATUSES) == set(plan.actions["status"])
    assert ("qa.head@york.example",) == plan.settings.owners_for("Head of QA")
    assert plan.actions["owner"].notna().all()


def test_demo_dates_are_real_dates_where_the_sample_had_them_and_text_stays_text(demo):
    ws = demo["Actions"]
    targets = {(ws.cell(r, 1).value[:4], ws.cell(r, 3).value): ws.cell(r, 7) for r in range(2, ws.max_row + 1)}
    # York 1.1: the sample's 01/07/2022, moved on by the 0 months between 1 Oct 2022 and Oct 2022.
    york = [ws.cell(r, 7) for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value.startswith("York")]
    assert (datetime(2022, 7, 1), "dd/mm/yyyy") == (york[0].value, york[0].number_format)
    assert "Ongoing" in [c.value for c in york]
    assert "July 2022" == targets["Roth", "1.1"].value
    assert "LLG to be established by October 2022" == targets["Roth", "4.1"].value


def test_every_brag_colour_appears_in_the_demo(demo):
    ws = demo["Actions"]
    rags = {ws.cell(r, 14).value for r in range(2, ws.max_row + 1)}
    assert {"Blue", "Green", "Amber", "Red"} == rags


@pytest.mark.parametrize(
    "text, months, moved",
    [
        ("July 2022", 2, "September 2022"),
        ("Reviewed on the 14 November 2022 by the panel", 3, "Reviewed on the 14 February 2023 by the panel"),
        ("31 August 2022", 1, "30 September 2022"),
        ("Ongoing", 12, "Ongoing"),
    ],
)
def test_demo_text_dates_move_by_whole_months(text, months, moved):
    assert moved == shift_text(text, months)


def test_the_demo_is_made_current_whatever_the_date():
    later = load_demo(date(2026, 11, 25))
    york = next(r for r in later.rows if r["plan"].startswith("York"))
    assert date(2026, 8, 1) == york["target"]  # 01/07/2022 + the 49 months from October 2022 to November 2026


def test_settings_cells_refuse_an_amber_window_or_today_excel_cannot_use(empty):
    rules = {str(dv.sqref): (dv.type, dv.formula1, dv.formula2) for dv in empty["Settings"].data_validations.dataValidation}
    assert {"B6": ("whole", "0", "365"), "B7": ("date", "1", None)} == rules

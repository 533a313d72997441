"""Validation: every problem comes back as one issue at its cell, in words a plan keeper understands."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from validation.schema import ISSUE_COLUMNS, validate_actions

# Template-like layout: header on row 4, actions from row 5.
COLUMNS = {
    "recommendation": 1,
    "ref": 2,
    "action": 3,
    "lead": 4,
    "owner": 5,
    "target": 6,
    "revised_target": 7,
    "status": 8,
    "progress": 9,
    "updated": 10,
    "completed": 11,
}
GOOD = {
    "recommendation": "1. Written records",
    "ref": "1.1",
    "action": "Review practice standards",
    "lead": "Head of QA",
    "owner": "jane.smith@york.gov.uk",
    "target": "July 2022",
    "revised_target": None,
    "status": "On track",
    "progress": "In Progress – on track",
    "updated": datetime(2022, 11, 1),
    "completed": None,
}


def _frame(*changes: dict, sheet: str = "Plan") -> pd.DataFrame:
    rows = []
    for i, change in enumerate(changes):
        row = dict(GOOD, ref=f"1.{i + 1}")
        row.update(change)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(GOOD), dtype=object)
    frame["_sheet"] = sheet
    frame["_row"] = pd.Series(range(5, 5 + len(rows)), dtype="int64")
    return frame


def _issues(*changes: dict, **kw) -> list[tuple]:
    issues = validate_actions(_frame(*changes, **kw), columns=COLUMNS)
    return list(issues[["cell", "check", "message"]].itertuples(index=False, name=None))


def test_a_clean_plan_has_no_issues_and_the_issue_columns():
    issues = validate_actions(_frame({}, {}), columns=COLUMNS)
    assert (0, list(ISSUE_COLUMNS)) == (len(issues), issues.columns.tolist())


def test_an_unreadable_target_is_reported_at_its_cell_with_what_to_write():
    issues = validate_actions(_frame({}, {"target": "Jully 2022"}), columns=COLUMNS)
    assert [
        {
            "sheet": "Plan",
            "cell": "Plan!F6",
            "row": 6,
            "column": "F",
            "field": "target",
            "value": "Jully 2022",
            "check": "date_unreadable",
            "message": "Target date 'Jully 2022' is not a date plansync can read; write e.g. 'July 2022' or 31/07/2022.",
            "fix": "Write a day (31/07/2022) or a month (July 2022); 'Ongoing' and 'To be confirmed' are fine too.",
            "severity": "error",
        }
    ] == issues.to_dict("records")


@pytest.mark.parametrize(
    "field, value, cell",
    [
        ("target", "Sept-ish 2022", "Plan!F5"),
        ("target", "31/02/2022", "Plan!F5"),
        ("revised_target", "Jully 2023", "Plan!G5"),
        ("updated", "yesterday", "Plan!J5"),
        ("completed", "Jun 2O22", "Plan!K5"),
    ],
)
def test_unreadable_dates_in_every_date_column(field, value, cell):
    label = {"target": "Target date", "revised_target": "Revised target", "updated": "Updated", "completed": "Completed"}[field]
    assert [
        (cell, "date_unreadable", f"{label} '{value}' is not a date plansync can read; write e.g. 'July 2022' or 31/07/2022.")
    ] == _issues({field: value})


def test_blank_required_fields_are_each_reported():
    assert [
        ("Plan!C5", "required", "Action is blank; every action needs this filled in."),
        ("Plan!D5", "required", "Lead is blank; every action needs this filled in."),
        ("Plan!F5", "required", "Target date is blank; every action needs this filled in."),
    ] == _issues({"action": "  ", "lead": None, "target": ""})


def test_duplicate_refs_within_one_recommendation_are_reported_at_each_copy():
    assert [
        ("Plan!B5", "duplicate_ref", "Ref '1.1' is used by more than one action under recommendation '1. Written records' (rows 5, 7); each action needs its own ref."),
        ("Plan!B7", "duplicate_ref", "Ref '1.1.' is used by more than one action under recommendation '1. Written records' (rows 5, 7); each action needs its own ref."),
    ] == _issues({"ref": "1.1"}, {"ref": "1.2"}, {"ref": "1.1."})


def test_the_same_ref_under_different_recommendations_is_fine():
    assert [] == _issues({"ref": "a)"}, {"ref": "a)", "recommendation": "2. Supervision"})


def test_a_status_outside_the_list_is_reported_and_case_is_forgiven():
    assert [
        ("Plan!H6", "status_unknown", "Status 'Done' is not one of the statuses plansync knows; choose one of: Not started, On track, At risk, Off track, Complete, Signed off."),
    ] == _issues({"status": "on TRACK"}, {"status": "Done"}, {"status": None})


def test_a_revised_target_earlier_than_the_target_is_reported():
    assert [
        ("Plan!G5", "revised_before_target", "Revised target 'June 2022' is earlier than the target date '31/07/2022'; a revised target is the later date agreed when the plan slipped."),
    ] == _issues({"revised_target": "June 2022"}, {"revised_target": datetime(2022, 9, 30)})


@pytest.mark.parametrize("owner", ["jane.smith@york.gov.uk", "a@b.org; c.d@e.gov.uk", "a@b.org, c@d.org", "a@b.org;", None, ""])
def test_owner_sign_ins_that_are_emails_are_fine(owner):
    assert [] == _issues({"owner": owner})


@pytest.mark.parametrize("owner", ["Jane Smith", "jane@", "a@b.org; Bob", "x@y", 12])
def test_owner_that_is_not_an_email_address_is_reported(owner):
    assert [
        ("Plan!E5", "owner_not_email", f"Owner sign-in '{owner}' is not an email address; write the person's sign-in, e.g. jane.smith@council.gov.uk (separate several with ;)."),
    ] == _issues({"owner": owner})


def test_text_too_long_for_a_single_line_column_is_reported_but_long_action_text_is_fine():
    assert [
        ("Plan!D5", "text_too_long", "Lead is 256 characters long; SharePoint keeps at most 255 characters in this column."),
    ] == _issues({"lead": "x" * 256, "action": "y" * 5000, "progress": "z" * 5000}, {"lead": "x" * 255})


def test_a_formula_where_text_or_a_date_is_expected_is_reported():
    assert [
        ("Plan!C5", "formula", "Action holds the formula '=A1&B1'; plansync needs the value itself here, not a formula."),
        ("Plan!F5", "formula", "Target date holds the formula '=TODAY()+7'; plansync needs the value itself here, not a formula."),
    ] == _issues({"action": "=A1&B1", "target": "=TODAY()+7"})


def test_a_missing_ref_is_a_warning_and_the_row_is_kept():
    issues = validate_actions(_frame({"ref": None}), columns=COLUMNS)
    assert [
        ("Plan!B5", "missing_ref", "warning", "This action has no ref; plansync will give it a key of its own, but a ref makes it easier to find."),
    ] == list(issues[["cell", "check", "severity", "message"]].itertuples(index=False, name=None))


def test_issues_are_ordered_by_row_then_column_and_quote_sheet_names_with_spaces():
    issues = _issues({"target": "Jully"}, {"lead": None, "action": None}, sheet="Action Plan")
    assert ["'Action Plan'!F5", "'Action Plan'!C6", "'Action Plan'!D6"] == [cell for cell, _, _ in issues]


def test_fields_without_a_column_are_not_checked():
    frame = _frame({"target": "Jully 2022", "lead": None})
    columns = {k: v for k, v in COLUMNS.items() if k != "target"}
    assert ["Plan!D5"] == validate_actions(frame, columns=columns)["cell"].tolist()


def test_long_values_are_cut_short_in_the_message_but_kept_whole_in_the_value():
    text = "Sometime after the review of the whole service has reported to the board " * 2
    issues = validate_actions(_frame({"target": text}), columns=COLUMNS)
    assert text == issues["value"].iloc[0]
    assert (
        "Target date 'Sometime after the review of the whole service has reported…' is not a date plansync can read; "
        "write e.g. 'July 2022' or 31/07/2022."
    ) == issues["message"].iloc[0]


def test_the_frame_index_does_not_matter():
    frame = _frame({}, {"target": "Jully 2022"})
    frame.index = ["x", "y"]
    assert ["Plan!F6"] == validate_actions(frame, columns=COLUMNS)["cell"].tolist()


def test_an_empty_frame_has_no_issues():
    assert 0 == len(validate_actions(_frame(), columns=COLUMNS))


def test_numpy_text_is_checked_like_any_other_text():
    # A str subclass (numpy's str_, as a frame built from a numpy array may hold) is text, as dates read it.
    assert [
        ("Plan!C5", "formula", "Action holds the formula '=A1&B1'; plansync needs the value itself here, not a formula."),
        ("Plan!D5", "required", "Lead is blank; every action needs this filled in."),
    ] == _issues({"action": np.str_("=A1&B1"), "lead": np.str_("  ")})


def test_plans_with_different_columns_in_turn_are_each_checked_on_their_own_columns():
    # The pandera schema is kept per set of located fields: a plan must not be checked with another's.
    row = {"target": "Jully 2022", "lead": None}
    without_lead = {k: v for k, v in COLUMNS.items() if k != "lead"}
    assert [["Plan!D5", "Plan!F5"], ["Plan!F5"], ["Plan!D5", "Plan!F5"]] == [
        validate_actions(_frame(row), columns=columns)["cell"].tolist() for columns in (COLUMNS, without_lead, COLUMNS)
    ]

"""One reading of the actions frame (PlanFacts) shared by validation and BRAG gives the same answers."""

from datetime import datetime

import pandas as pd
from pandas.testing import assert_frame_equal

from validation.facts import PlanFacts
from validation.rag import compute_rag
from validation.schema import validate_actions

COLUMNS = {"recommendation": 1, "ref": 2, "action": 3, "lead": 4, "owner": 5, "target": 6, "revised_target": 7, "status": 8, "progress": 9}


def _frame() -> pd.DataFrame:
    rows = [
        ("1. Records", "1.1", "Review standards", "Head of QA", "jane.smith@york.gov.uk", "July 2022", None, "On track", "In progress"),
        ("1. Records", "1.1.", "Audit files", "Head of QA", "Jane Smith", "Jully 2022", None, "Done", "Delayed by staffing"),
        ("2. Voice", "2.1", "Survey families", None, None, datetime(2023, 3, 31), datetime(2023, 1, 31), None, "Action Complete"),
        ("2. Voice", None, "=A1", "SMcL", "", "Q3 2022/23", None, "at risk", "Revised timescale of January 2023"),
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
    frame["_sheet"] = "Plan"
    frame["_row"] = pd.Series(range(5, 5 + len(rows)), dtype="int64")
    return frame


def test_validation_and_brag_sharing_one_reading_answer_as_each_reading_alone(today):
    frame = _frame()
    facts = PlanFacts(frame)
    issues = validate_actions(frame, columns=COLUMNS, facts=facts)
    rated = compute_rag(frame, today=today, facts=facts)

    assert_frame_equal(validate_actions(frame, columns=COLUMNS), issues)
    assert_frame_equal(compute_rag(frame, today=today), rated)
    assert [
        ("Plan!B5", "duplicate_ref"),
        ("Plan!B6", "duplicate_ref"),
        ("Plan!E6", "owner_not_email"),
        ("Plan!F6", "date_unreadable"),
        ("Plan!H6", "status_unknown"),
        ("Plan!D7", "required"),
        ("Plan!G7", "revised_before_target"),
        ("Plan!B8", "missing_ref"),
        ("Plan!C8", "formula"),
    ] == list(zip(issues["cell"], issues["check"]))
    assert ["Red", "Amber", "Blue", "Amber"] == rated["rag"].tolist()


def test_a_reading_of_another_frame_is_not_used(today):
    frame = _frame()
    edited = frame.copy()
    edited.loc[0, "target"] = "Sept-ish 2022"

    issues = validate_actions(edited, columns=COLUMNS, facts=PlanFacts(frame))
    rated = compute_rag(edited, today=today, facts=PlanFacts(frame))

    assert ("Plan!F5", "date_unreadable") in set(zip(issues["cell"], issues["check"]))
    assert "unreadable" == rated["due_kind"].iloc[0]

"""BRAG, due date and overdue flags (DESIGN §5): first matching rule wins, today is injected."""

from datetime import date, datetime

import pandas as pd
import pytest

from validation.rag import RAG_COLUMNS, RagRules, compute_rag

TODAY = date(2022, 11, 14)


def _actions(*rows: dict) -> pd.DataFrame:
    fields = ("ref", "target", "revised_target", "status", "progress", "completed")
    return pd.DataFrame([{f: row.get(f) for f in fields} for row in rows], columns=list(fields), dtype=object)


def _rag(rules=RagRules(), **row) -> dict:
    out = compute_rag(_actions(row), today=TODAY, rules=rules).iloc[0]
    return out.to_dict()


# ---- the order of the rules -------------------------------------------------------------------


def test_blue_beats_red_a_complete_action_past_its_date_is_blue():
    assert "Blue" == _rag(target="July 2022", status="Complete")["rag"]
    assert "Blue" == _rag(target="July 2022", status="Signed off")["rag"]


def test_blue_beats_red_even_when_the_status_says_off_track_but_a_completed_date_is_set():
    assert "Blue" == _rag(target="July 2022", status="Off track", completed=datetime(2022, 8, 1))["rag"]


def test_blue_beats_amber_a_completed_at_risk_action_is_blue():
    assert "Blue" == _rag(target="December 2022", status="At risk", completed="Completed.")["rag"]


def test_red_beats_amber_an_at_risk_action_past_its_date_is_red():
    assert "Red" == _rag(target="July 2022", status="At risk")["rag"]


def test_red_beats_amber_off_track_within_the_amber_window_is_red():
    assert "Red" == _rag(target="30/11/2022", status="Off track")["rag"]


def test_amber_beats_green_at_risk_with_a_distant_date_is_amber():
    assert "Amber" == _rag(target="December 2023", status="At risk")["rag"]


def test_green_when_nothing_else_matches():
    assert "Green" == _rag(target="December 2023", status="On track")["rag"]


# ---- each rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row, rag",
    [
        ({"target": "May 2018 Complete June 2018"}, "Blue"),  # the target text says complete
        ({"target": "July 2022", "progress": "Action Complete Sign off approved at DLT"}, "Blue"),  # inferred
        ({"target": "July 2022", "progress": "Completed."}, "Blue"),
        ({"target": "July 2022", "progress": "In Progress – on track"}, "Red"),  # past, not complete
        ({"target": "13/11/2022"}, "Red"),  # yesterday
        ({"target": "14/11/2022"}, "Amber"),  # due today: not yet overdue
        ({"target": "14/12/2022"}, "Amber"),  # the last day of the 30-day window
        ({"target": "15/12/2022"}, "Green"),
        ({"target": "Ongoing"}, "Green"),  # recurring: never overdue
        ({"target": "Quarterly reporting", "status": "Off track"}, "Red"),  # flagged by status
        ({"target": "To be confirmed"}, "Green"),
        ({"target": "Q1 2023"}, "Green"),
        ({"target": "December 2023", "revised_target": "March 2024"}, "Amber"),  # the plan slipped
        ({"target": "July 2022", "revised_target": "March 2024"}, "Amber"),  # slipped, new date ahead
        ({"target": "March 2022", "revised_target": "July 2022"}, "Red"),  # the revised date passed too
        ({"target": "July 2022", "progress": "Revised timescale of January 2024"}, "Amber"),  # from progress
    ],
)
def test_brag_rules(row, rag):
    assert rag == _rag(**row)["rag"]


def test_a_given_status_wins_over_the_progress_text():
    got = _rag(target="July 2022", status="On track", progress="Action Complete")
    assert ("Red", "On track", False) == (got["rag"], got["status"], got["complete"])


def test_status_is_matched_ignoring_case_and_spaces():
    assert "Complete" == _rag(target="July 2022", status="  complete ")["status"]


def test_the_amber_window_comes_from_the_rules():
    assert "Green" == _rag(target="30/11/2022", rules=RagRules(amber_days=7))["rag"]
    assert "Amber" == _rag(target="21/11/2022", rules=RagRules(amber_days=7))["rag"]
    assert "Green" == _rag(target="15/11/2022", rules=RagRules(amber_days=0))["rag"]


# ---- due, overdue and days overdue --------------------------------------------------------------


def test_overdue_and_days_overdue_count_from_the_effective_due_date():
    frame = _actions(
        {"target": "July 2022"},
        {"target": "July 2022", "status": "Complete"},
        {"target": "March 2022", "revised_target": "31/10/2022"},
        {"target": "Performance reviewed weekly"},
        {"target": "Jully 2022"},
    )
    got = compute_rag(frame, today=TODAY)
    assert [date(2022, 7, 31), date(2022, 7, 31), date(2022, 10, 31), None, None] == [
        None if pd.isna(d) else d.date() for d in got["due"]
    ]
    assert ["month", "month", "date", "recurring", "unreadable"] == got["due_kind"].tolist()
    assert [True, False, True, False, False] == got["overdue"].tolist()
    assert [106, None, 14, None, None] == [None if v is pd.NA else int(v) for v in got["days_overdue"]]


def test_the_result_is_index_aligned_with_the_named_columns():
    frame = _actions({"target": "July 2022"}, {"target": "Ongoing"})
    frame.index = [7, 9]
    got = compute_rag(frame, today=TODAY)
    assert list(RAG_COLUMNS) == got.columns.tolist()
    assert [7, 9] == got.index.tolist()
    assert ("datetime64[ns]", "bool", "Int64") == (str(got["due"].dtype), str(got["overdue"].dtype), str(got["days_overdue"].dtype))


def test_completed_date_comes_from_the_column_else_the_target_text():
    got = compute_rag(
        _actions({"target": "May 2018 Complete June 2018"}, {"target": "July 2022", "completed": datetime(2022, 8, 3)}),
        today=TODAY,
    )
    assert [date(2018, 6, 30), date(2022, 8, 3)] == [d.date() for d in got["completed"]]


def test_a_frame_without_optional_columns_is_rated_from_what_is_there():
    frame = pd.DataFrame({"target": ["July 2022", "December 2023"]}, dtype=object)
    assert ["Red", "Green"] == compute_rag(frame, today=TODAY)["rag"].tolist()


def test_an_empty_frame_gives_an_empty_result():
    got = compute_rag(_actions(), today=TODAY)
    assert (0, list(RAG_COLUMNS)) == (len(got), got.columns.tolist())

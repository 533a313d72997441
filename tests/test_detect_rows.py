"""Heading, note, blank and title rows under the header (DESIGN §4)."""

from plan_grids import sheet_actions


_actions = sheet_actions


def test_numbered_heading_rows_merged_across_the_table_give_the_recommendation():
    actions = _actions([
        ["Ref.", "Action", "Target End Date", "Lead Officer"],
        ["1. Consideration of previous history", None, None, None],
        ["1.1", "Dip sample contacts", "July 2022", "HoS First Response"],
        [None, "Audit case files", None, "Head of Safeguarding"],
        ["2. Assessment of identity needs", None, None, None],
        ["2.1", "Revise the referral form", "September 2022", "HoS Commissioning"],
    ], merged=[(2, 1, 2, 4), (5, 1, 5, 4)])
    assert [
        ("1. Consideration of previous history", "1.1", 3),
        ("1. Consideration of previous history", None, 4),
        ("2. Assessment of identity needs", "2.1", 6),
    ] == list(zip(actions["recommendation"], actions["ref"], actions["_row"]))


def test_a_heading_written_in_the_action_column_is_still_a_heading():
    actions = _actions([
        ["Ref", "Action", "Lead"],
        [None, "Recommendation No. 3", None],
        [None, "The quality of supervision", None],
        ["3.1", "Refresh supervision policy", "HoS"],
    ], merged=[(3, 2, 3, 3)])
    assert [("Recommendation No. 3 The quality of supervision", "3.1")] == list(zip(actions["recommendation"], actions["ref"]))


def test_a_numbered_heading_left_unmerged_in_the_action_column_is_a_heading_like_the_plans_others():
    actions = _actions([
        ["Action", "Lead", "Target date"],
        ["1. Improve the quality of supervision", None, None],
        ["Audit supervision records", "Head of QA", "July 2024"],
        ["2. Strengthen the front door", None, None],
        ["Review the threshold document", "HoS First Response", "Q3 2024"],
        ["Train the duty team", "HoS First Response", "Ongoing"],
    ], merged=[(4, 1, 4, 3)])
    assert [
        ("1. Improve the quality of supervision", "Audit supervision records"),
        ("2. Strengthen the front door", "Review the threshold document"),
        ("2. Strengthen the front door", "Train the duty team"),
    ] == list(zip(actions["recommendation"], actions["action"]))


def test_numbered_headings_typed_in_the_action_column_head_the_unnumbered_actions_below_them():
    actions = _actions([
        ["Action", "Progress", "Lead", "Timescales"],
        ["1. Improve the quality of supervision", None, None, None],
        ["Audit supervision records", "In progress", "Head of QA", "July 2024"],
        ["Train managers", "Not yet started", "DCS", "Ongoing"],
        ["2. Strengthen the front door", None, None, None],
        ["Review the threshold document", "In progress", "HoS First Response", "Q3 2024"],
    ])
    assert [
        ("1. Improve the quality of supervision", "Audit supervision records"),
        ("1. Improve the quality of supervision", "Train managers"),
        ("2. Strengthen the front door", "Review the threshold document"),
    ] == list(zip(actions["recommendation"], actions["action"]))


def test_a_heading_alone_in_the_first_column_of_a_plan_that_starts_in_column_b_is_a_heading():
    actions = _actions([
        [None, "Ref", "Action", "Lead", "Target date"],
        [None, "Recommendation 1: Improve supervision", None, None, None],
        [None, "1.1", "Audit supervision records", "Head of QA", "July 2024"],
        [None, "Strengthen the front door", None, None, None],
        [None, "2.1", "Review the threshold document", "HoS First Response", "Q3 2024"],
        [None, None, None, None, None],
        ["Key: Blue = complete, Green = on track", None, None, None, None],
    ], merged=[(2, 2, 2, 5)])
    assert [
        ("Recommendation 1: Improve supervision", "1.1"),
        ("Strengthen the front door", "2.1"),
    ] == list(zip(actions["recommendation"], actions["ref"]))


def test_a_numbered_line_alone_in_the_action_column_is_an_action_when_the_plan_has_no_such_headings():
    actions = _actions([
        ["Action", "Lead", "Target date"],
        ["1. Audit supervision records", "Head of QA", "July 2024"],
        ["2. Review the threshold document", None, None],
    ])
    assert [2, 3] == actions["_row"].tolist()


def test_blank_rows_notes_and_text_after_the_table_are_not_actions():
    actions = _actions([
        ["Ref", "Action", "Lead"],
        ["1.1", "Train staff", "HoS"],
        [None, "   ", None],
        ["Overarching Note: all actions report to the Improvement Board", None, None],
        ["Key: Blue = complete", None, None],
        ["1.2", "Audit files", "Head of QA"],
    ])
    assert ["1.1", "1.2"] == actions["ref"].tolist()
    assert [2, 6] == actions["_row"].tolist()


def test_a_row_holding_only_a_ref_is_an_action_with_its_text_missing():
    actions = _actions([["Ref", "Action", "Lead"], ["1.1", "Train staff", "HoS"], ["1.2", None, None]])
    assert [("1.1", "Train staff"), ("1.2", None)] == list(zip(actions["ref"], actions["action"]))


def test_a_recommendation_written_alone_on_its_row_in_its_column_heads_the_actions_below():
    actions = _actions([
        ["Ref", "Recommendation", "Action", "Lead"],
        [None, "1) Written records are accurate", None, None],
        ["1.1", None, "Review standards", "Head of QA"],
        ["1.2", None, "Audit records", "Head of QA"],
    ])
    assert [("1) Written records are accurate", "1.1", 3), ("1) Written records are accurate", "1.2", 4)] == list(
        zip(actions["recommendation"], actions["ref"], actions["_row"])
    )

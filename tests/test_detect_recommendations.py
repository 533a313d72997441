"""Which recommendation each action belongs to: a column, merged cells, or the ref's prefix."""

from validation.grid import SheetGrid
from validation.layout import detect_layout, extract_actions
from plan_grids import read_sheet


_read = read_sheet


def test_a_recommendation_column_with_blanks_below_each_value_covers_the_rows_below():
    read = _read([
        ["Recommendation", "Action", "Lead", "Deadline"],
        ["1) Written records", "Review standards", "Head of MASH", "Quarterly reporting"],
        [None, "Deliver learning sets", "Head of QA", "Ongoing"],
        ["2) Assessments", "Refresh standards", "Head of QA", "Performance reviewed weekly"],
    ])
    assert "column" == read.recommendation_from
    assert ["1) Written records", "1) Written records", "2) Assessments"] == read.actions["recommendation"].tolist()


def test_a_findings_column_merged_over_its_actions_covers_each_of_them():
    read = _read([
        ["Findings", "Action", "Lead", "By when"],
        ["Leaders do not know the quality of practice", "a) Develop the role of the QA team", "a) Rebecca Wall", "a) March 2023"],
        [None, "b) Audit twelve cases a month", "b) Susan Claydon", "b) Monthly"],
        ["Plans are not specific", "a) Introduce a plan template", "a) Rebecca Wall", "a) June 2023"],
    ], merged=[(2, 1, 3, 1)])
    assert [
        ("Leaders do not know the quality of practice", "a", "Develop the role of the QA team", "Rebecca Wall", "March 2023"),
        ("Leaders do not know the quality of practice", "b", "Audit twelve cases a month", "Susan Claydon", "Monthly"),
        ("Plans are not specific", "a", "Introduce a plan template", "Rebecca Wall", "June 2023"),
    ] == list(read.actions[["recommendation", "ref", "action", "lead", "target"]].itertuples(index=False, name=None))


def test_numbered_findings_tie_lettered_refs_to_their_number():
    read = _read([
        ["Findings", "Action", "Lead"],
        ["1. Leaders do not know practice", "a) Develop the QA role", "a) Rebecca Wall"],
        [None, "b) Audit cases", "b) Susan Claydon"],
        ["2. Plans are not specific", "a) Introduce a template", "HoS"],
    ], merged=[(2, 1, 3, 1)])
    assert ["1a", "1b", "2a"] == read.actions["ref"].tolist()


def test_without_headings_or_a_column_the_refs_prefix_gives_the_recommendation():
    read = _read([["Ref", "Action", "Lead"], ["1.1", "Train", "HoS"], ["2.13", "Benchmark", "HoS"], ["2.14", "Report", "HoS"]])
    assert "ref prefix" == read.recommendation_from
    assert ["1", "2", "2"] == read.actions["recommendation"].tolist()


def test_refs_written_at_the_start_of_the_action_text_become_the_ref():
    grid = SheetGrid("Plan", [
        ["Action", "Lead", "Target date"],
        ["4. Implement the review of pathways", "4. HoS", "March 2023"],
        ["2.13 Benchmark our practice", "(b) Head of QA", "a) April 2023"],
        ["2022 review of the front door", "HoS", "May 2023"],
    ])
    actions = extract_actions(grid, detect_layout([grid]))
    assert [
        ("4", "Implement the review of pathways", "4. HoS", "March 2023"),
        ("2.13", "Benchmark our practice", "Head of QA", "April 2023"),
        (None, "2022 review of the front door", "HoS", "May 2023"),
    ] == list(actions[["ref", "action", "lead", "target"]].itertuples(index=False, name=None))

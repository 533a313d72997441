"""Several actions written in one cell become separate actions with their own refs."""

from validation.detect_refs import leading_ref, split_parts

import pytest
from plan_grids import read_sheet


_read = read_sheet


def test_lettered_actions_in_one_cell_split_with_their_leads_and_dates():
    read = _read([
        ["Ref", "Action", "Lead", "Target date"],
        ["3", "a) Train all managers b) Audit twelve files", "a) Rebecca Wall\nb) Susan Claydon", "June 2023"],
        ["4", "Report to the board", "DCS", "July 2023"],
    ])
    assert 1 == read.split_cells
    assert [
        ("3a", "Train all managers", "Rebecca Wall", "June 2023", 2),
        ("3b", "Audit twelve files", "Susan Claydon", "June 2023", 2),
        ("4", "Report to the board", "DCS", "July 2023", 3),
    ] == list(read.actions[["ref", "action", "lead", "target", "_row"]].itertuples(index=False, name=None))


def test_numbered_lines_in_one_cell_split_under_the_recommendation_number():
    read = _read([
        ["Recommendation", "Action", "Lead"],
        ["2. Quality of assessments", "1. Refresh the standards\n2. Deliver workshops\n3. Audit", "Head of QA"],
    ])
    assert [("2.1", "Refresh the standards"), ("2.2", "Deliver workshops"), ("2.3", "Audit")] == list(
        read.actions[["ref", "action"]].itertuples(index=False, name=None)
    )
    assert {"Head of QA"} == set(read.actions["lead"])


@pytest.mark.parametrize("text, parts", [
    ("a) Train b) Audit", [("a", "Train"), ("b", "Audit")]),
    ("(a) Train\n(b) Audit\n(c) Report", [("a", "Train"), ("b", "Audit"), ("c", "Report")]),
    ("Train staff (see note b) below)", None),        # a lone b) inside a sentence
    ("1. Train\n2. Audit", [("1", "Train"), ("2", "Audit")]),
    ("Meet 1. weekly and 2. monthly", None),          # numbers that do not start lines
])
def test_only_a_sequence_of_markers_from_the_first_splits_a_cell(text, parts):
    assert parts == split_parts(text)


@pytest.mark.parametrize("text, ref, rest", [
    ("a) Develop the role", "a", "Develop the role"),
    ("(b) Audit", "b", "Audit"),
    ("4. Implement the review", "4", "Implement the review"),
    ("2.13 Benchmark", "2.13", "Benchmark"),
    ("4b) Report", "4b", "Report"),
    ("2022 review of pathways", None, "2022 review of pathways"),
    ("e.g. this", None, "e.g. this"),
])
def test_a_ref_at_the_start_of_text(text, ref, rest):
    assert (ref, rest) == leading_ref(text)

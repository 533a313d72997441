"""Plans written as one block per recommendation: banner, text, narrative rows, header, actions."""

from validation.grid import SheetGrid
from validation.layout import detect_layout, extract_actions
from plan_grids import sheet_actions

HEADER = ["What we will do", "By when", "Lead", "Update September 2013"]


def _block(number, text, actions):
    return [
        [f"Recommendation No. {number}", None, None, None],
        [text, None, None, None],
        ["Outcome: what difference will these actions make?", None, None, None],
        ["... and how will we know?", None, None, None],
        HEADER,
        *actions,
        [None, None, None, None],
    ]


_read = sheet_actions


def _plan():
    return [
        ["Action plan in response to the inspection", None, None, None],
        [None, None, None, None],
        *_block(1, "Strengthen management oversight", [
            ["1. Interim manager in place", "February 2013.", "SMcL", "Completed."],
            ["2. Introduce a risk assessment", "February 2013.", "SMcL", "Completed."],
        ]),
        *_block(2, "Ensure timely assessments", [
            ["1. Review the reporting format", "Completed.", "SW", "Completed"],
            ["2. Monitor performance", "May 2013.", "JH", "Scoping document produced"],
            ["3. Independent scrutiny", "May 2013.", "LK", "Revised timescale September 2013."],
        ]),
    ]


def test_each_banner_block_is_one_recommendation_and_its_text_and_narrative_rows_are_not_actions():
    actions = _read(_plan())
    assert 5 == len(actions)
    assert ["Interim manager in place", "Introduce a risk assessment", "Review the reporting format", "Monitor performance", "Independent scrutiny"] == actions["action"].tolist()
    assert [
        "Recommendation No. 1 Strengthen management oversight",
        "Recommendation No. 1 Strengthen management oversight",
        "Recommendation No. 2 Ensure timely assessments",
        "Recommendation No. 2 Ensure timely assessments",
        "Recommendation No. 2 Ensure timely assessments",
    ] == actions["recommendation"].tolist()


def test_actions_numbered_within_each_block_get_refs_qualified_by_their_recommendation():
    actions = _read(_plan())
    assert ["1.1", "1.2", "2.1", "2.2", "2.3"] == actions["ref"].tolist()


def test_numbering_that_runs_on_through_the_plan_is_kept_as_written():
    rows = _plan()
    rows[15][0] = "3. Review the reporting format"
    rows[16][0] = "4. Monitor performance"
    rows[17][0] = "5. Independent scrutiny"
    assert ["1", "2", "3", "4", "5"] == _read(rows)["ref"].tolist()


def test_priority_and_finding_banners_open_blocks_too():
    rows = _plan()
    rows[2][0] = "Priority 1"
    rows[10][0] = "Finding 2: assessments"
    actions = _read(rows)
    assert ["1.1", "1.2", "2.1", "2.2", "2.3"] == actions["ref"].tolist()
    assert actions["recommendation"].iloc[-1].startswith("Finding 2: assessments")


def test_a_narrative_row_between_actions_is_never_an_action():
    actions = _read([
        ["Ref", "Action", "Lead", "Deadline"],
        ["1.1", "Train staff", "HoS", "March 2023"],
        ["Evidence: audit results reported quarterly", None, None, None],
        ["How will we know? Fewer repeat referrals", None, None, None],
        ["1.2", "Audit files", "Head of QA", "June 2023"],
    ])
    assert ["1.1", "1.2"] == actions["ref"].tolist()


def test_a_recommendation_cell_merged_over_its_actions_gives_each_action_its_recommendation():
    grid = SheetGrid(
        "Plan",
        [
            ["Recommendation", "Action", "Lead", "Deadline"],
            ["Written records are accurate", "Review standards", "HoS", "July 2022"],
            [None, "Audit files", "Head of QA", "Quarterly reporting"],
            ["Supervision is regular", "Refresh the policy", "HoS", "August 2022"],
        ],
        merged=[(2, 1, 3, 1)],
    )
    actions = extract_actions(grid, detect_layout([grid]))
    assert ["Written records are accurate", "Written records are accurate", "Supervision is regular"] == actions["recommendation"].tolist()

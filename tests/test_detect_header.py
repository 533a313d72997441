"""Finding the plan's header row(s) by the names teams give their columns (DESIGN §4)."""

from datetime import datetime

from validation.grid import SheetGrid
from validation.layout import detect_layout, extract_actions


def _grid(rows, name="Plan", merged=()):
    return SheetGrid(name, [list(r) for r in rows], merged=list(merged))


def test_the_header_is_found_below_title_rows_by_its_aliases():
    grid = _grid([
        ["Improvement plan 2023", None, None, None],
        ["Reported to the board, March 2023", None, None, None],
        [],
        ["No.", "What we will do", "By whom", "By when"],
        ["1.1", "Train staff", "HoS", "July 2023"],
    ])
    layout = detect_layout([grid])
    assert ("Plan", [4]) == (layout.sheet, layout.header_rows)
    assert {"ref": 1, "action": 2, "lead": 3, "target": 4} == layout.columns
    assert 5 == layout.computed_col


def test_other_sheets_and_plansyncs_own_sheets_are_not_the_plan():
    version = _grid([["Version", "Date"], ["0.1 (DRAFT)", datetime(2022, 6, 17)]], name="Version control")
    issues = _grid([["Ref", "Action", "Lead", "Target date", "Progress", "Status"]], name="Issues")
    plan = _grid([["Recommendation", "Action", "Lead", "Deadline"], ["1) Records", "Review standards", "Head of QA", "Ongoing"]])
    assert "Plan" == detect_layout([version, issues, plan]).sheet
    assert detect_layout([version]) is None


def test_a_header_block_repeated_under_each_recommendation_heading_is_skipped():
    grid = _grid([
        ["Recommendation No. 1", None, None],
        ["Ref", "Action", "Lead"],
        ["1.1", "Train staff", "HoS"],
        ["Recommendation No. 2", None, None],
        ["Ref", "Action", "Lead"],
        ["2.1", "Audit files", "Head of QA"],
    ])
    layout = detect_layout([grid])
    assert [2, 5] == layout.header_rows
    actions = extract_actions(grid, layout)
    assert ["1.1", "2.1"] == actions["ref"].tolist()
    assert ["Recommendation No. 1", "Recommendation No. 2"] == actions["recommendation"].tolist()
    assert [3, 6] == actions["_row"].tolist()


def test_a_header_over_two_rows_adds_the_fields_of_its_second_row():
    grid = _grid([
        ["Ref", "Action", "Lead", "Progress", None],
        [None, None, None, "Update", "RAG status"],
        ["1.1", "Train staff", "HoS", "Started", "Green"],
    ], merged=[(1, 4, 1, 5)])
    layout = detect_layout([grid])
    assert [1, 2] == layout.header_rows
    assert {"ref": 1, "action": 2, "lead": 3, "progress": 4, "status": 5} == layout.columns
    assert ["Green"] == extract_actions(grid, layout)["status"].tolist()


def test_plansyncs_computed_columns_are_reused_and_a_teams_own_rag_column_is_kept():
    grid = _grid([
        ["Ref", "Action", "RAG", "Lead", "Due", "RAG", "Overdue", "Days overdue"],
        ["1.1", "Train staff", "Green", "HoS", None, "Red", True, 3],
    ])
    assert 5 == detect_layout([grid]).computed_col
    fresh = _grid([["Ref", "Action", "RAG", "Lead"], ["1.1", "Train staff", "Green", "HoS", None, "kept note"]])
    assert 7 == detect_layout([fresh]).computed_col  # right of the team's unlabelled note in F


def test_what_plansync_wrote_under_its_own_headings_never_makes_the_row_a_second_header_row():
    # 'No' under Overdue (and 'Cause for Concern', a heading left unmerged) once made this row a
    # second header row: the next rag wrote its headings over the row's ratings.
    grid = _grid([
        ["Area for improvement", "Action Taken", "Lead", "Status", "Due", "RAG", "Overdue", "Days overdue"],
        ["Cause for Concern", None, None, None, None, "Green", "No", None],
        ["Improve supervision", "Audit files", "HoS", "On track", None, "Green", "No", None],
    ])
    layout = detect_layout([grid])
    assert ([1], 5) == (layout.header_rows, layout.computed_col)


def test_columns_plansync_does_not_know_and_missing_required_columns_are_reported():
    grid = _grid([["Ref", "Action", "Lead", "Comments from DCS sign off"], ["1.1", "Train", "HoS", "ok"]])
    assert [
        "Column D ('Comments from DCS sign off') on Plan is not a column plansync knows; it is kept as it is.",
        "No target date column found on Plan (a header such as 'Target date', 'Deadline' or 'By when'). "
        "If the plan has one, type its column letter next to 'Target date' under Column overrides in the Settings sheet.",
    ] == detect_layout([grid]).unplaced


def test_headers_named_with_a_date_and_the_newer_aliases_are_recognised():
    grid = _grid([
        ["Ref no.", "Actions to be taken", "Lead person", "Timeframe", "Update September 2013"],
        ["1.1", "Train staff", "HoS", "March 2014", "Revised timescale of January 2014"],
        ["1.2", "Update the homeless protocol", "HoS", "April 2014", None],
    ])
    layout = detect_layout([grid])
    assert {"ref": 1, "action": 2, "lead": 3, "target": 4, "progress": 5} == layout.columns
    assert ["Train staff", "Update the homeless protocol"] == extract_actions(grid, layout)["action"].tolist()


def test_the_action_column_headed_with_a_word_of_the_teams_own_is_its_column_of_sentences():
    """Derbyshire FRS's summary report heads its column of areas for improvement 'Summary'."""
    grid = _grid([
        ["Area For Improvement Summary Report as of 1 November 2023", None, None, None, None],
        ["Summary", "Sub actions", "Deadline date", "Status", "Overall %"],
        ["AFI 1 - The service should develop a clear prevention strategy targeting people most at risk", 4, "30 Sep 2023", "Open - Actions on going off track", 68],
        ["AFI 2 - The service should make sure it quality assures its prevention activity", 3, "31 Mar 2024", "Completed - Actions done", 100],
    ])
    layout = detect_layout([grid])
    assert ([2], {"action": 1, "target": 3, "status": 4}) == (layout.header_rows, layout.columns)
    assert ["Open - Actions on going off track", "Completed - Actions done"] == extract_actions(grid, layout)["status"].tolist()


def test_a_table_of_short_words_under_a_date_heading_is_not_taken_for_a_plan():
    grid = _grid([["Name", "Date", "Status"], ["Ann", "1 May 2023", "Active"], ["Bob", "2 May 2023", "Away"]])
    assert detect_layout([grid]) is None

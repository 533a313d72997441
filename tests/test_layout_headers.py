"""Column headings as councils write them, from one table of names (issue 13)."""

import pytest

from validation.detect_names import field_for_header
from validation.grid import SheetGrid
from validation.layout import detect_layout


@pytest.mark.parametrize(
    "heading, field",
    [
        ("Original deadline", "target"), ("Target date", "target"), ("Timescale", "target"), ("By when", "target"),
        ("Due", "target"), ("Deadline", "target"), ("Target end date", "target"), ("Completion date", "target"),
        ("Revised deadline", "revised_target"), ("Revised target", "revised_target"), ("Revised timescale", "revised_target"),
        ("Responsible", "lead"), ("Owner", "lead"), ("Lead officer", "lead"), ("Directed at", "lead"),
        ("Update (Jan 2019)", "progress"), ("Commentary", "progress"), ("Progress", "progress"),
        ("Position statement", "progress"), ("Action taken", "progress"), ("Outcome", "status"), ("BRAG", "status"),
    ],
)
def test_common_headings_name_their_field(heading, field):
    assert field == field_for_header(heading)


def test_a_deadline_called_original_deadline_is_the_target_and_revised_is_kept_apart():
    grid = SheetGrid("Plan", [["Ref", "Action", "Lead officer", "Original deadline", "Revised deadline", "Position statement"]])
    layout = detect_layout([grid])
    assert {"ref": 1, "action": 2, "lead": 3, "target": 4, "revised_target": 5, "progress": 6} == layout.columns


def test_plansyncs_own_rag_and_due_columns_are_never_read_as_the_teams_fields():
    # Adopted before: plansync's Due | RAG | Overdue | Days overdue sit right of the table.
    grid = SheetGrid("Plan", [["Ref", "Action", "Lead", "Progress", "Due", "RAG", "Overdue", "Days overdue"]])
    layout = detect_layout([grid])
    assert {"ref": 1, "action": 2, "lead": 3, "progress": 4} == layout.columns
    assert 5 == layout.computed_col

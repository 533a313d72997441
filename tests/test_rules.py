"""The rules are one pandera schema: what it declares is what validation reports."""

from datetime import datetime

import pandas as pd
import pytest
from pandera.errors import SchemaErrors, SchemaWarning

from validation.fields import FIELDS as CANONICAL
from validation.messages import WORDING
from validation.rules import FRAME_CHECKS, RULES
from validation.schema import validate_actions

FIELDS = ("plan", "recommendation", "ref", "action", "lead", "owner", "target", "revised_target", "status", "progress", "updated", "completed")
COLUMNS = {name: i + 1 for i, name in enumerate(FIELDS)}

ROWS = [
    # plan, recommendation, ref, action, lead, owner, target, revised, status, progress, updated, completed
    ("York", "1. Records", "1.1", "Review", "Head of QA", "jane@york.gov.uk", "July 2022", None, "On track", "", None, None),
    ("York", "1. Records", "1.1.", "=A1", None, "Jane Smith", "Jully 2022", None, "Done", "", "soon", None),
    ("York", "2. Voice", None, "Survey", "L" * 256, "", datetime(2023, 3, 31), datetime(2023, 1, 31), None, "", None, "=B2"),
    ("York", "2. Voice", "2.1", "  ", "SMcL", None, "", "June 2023", "at risk", "", None, None),
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=list(FIELDS), dtype=object)


def test_every_check_the_issues_sheet_can_name_is_declared_in_the_schema_with_its_message():
    declared = {(name, check.name): check.description for name, column in RULES.columns.items() for check in column.checks}
    declared.update({(FRAME_CHECKS[check.name][0], check.name): check.description for check in RULES.checks})
    assert {name for _, name in declared} == set(WORDING) - {"duplicate_key"}  # duplicate_key is sync's, across plans
    assert all(WORDING[check].message == message for (_, check), message in declared.items())
    assert [c.name for c in RULES.columns["target"].checks] == ["required", "date_unreadable", "formula"]


def test_each_field_is_checked_as_its_kind_says():
    # A required field must be filled in; a date must be readable; a single line must fit SharePoint's.
    by_kind = {"date": {"date_unreadable"}, "text": {"text_too_long"}, "status": {"status_unknown"}, "email": {"owner_not_email"}, "longtext": set()}
    assert {f.name: {"formula"} | by_kind[f.kind] | ({"required"} if f.required else set()) | ({"missing_ref"} if f.name == "ref" else set()) for f in CANONICAL} == {
        name: {check.name for check in column.checks} for name, column in RULES.columns.items()
    }


def test_pandera_validating_the_schema_reports_the_failures_validation_turns_into_issues():
    frame = _frame()
    issues = validate_actions(frame, columns=COLUMNS)

    with pytest.warns(SchemaWarning, match="missing_ref"):  # a missing ref only warns
        with pytest.raises(SchemaErrors) as raised:
            RULES.validate(frame, lazy=True)
    cases = raised.value.failure_cases
    by_pandera = {(column, check, int(row)) for column, check, row in zip(cases["column"], cases["check"], cases["index"]) if check not in FRAME_CHECKS}
    by_pandera |= {(FRAME_CHECKS[check][0], check, int(row)) for check, row in zip(cases["check"], cases["index"]) if check in FRAME_CHECKS}
    by_pandera.add(("ref", "missing_ref", 2))  # reported by the warning above, not among the errors

    # Without a _row column, row positions 0, 1, ... are sheet rows 2, 3, ... (under a header).
    assert by_pandera == {(f, c, r - 2) for f, c, r in zip(issues["field"], issues["check"], issues["row"])}
    assert {
        ("ref", "duplicate_ref"), ("action", "formula"), ("lead", "required"), ("owner", "owner_not_email"),
        ("target", "date_unreadable"), ("status", "status_unknown"), ("updated", "date_unreadable"),
        ("ref", "missing_ref"), ("lead", "text_too_long"), ("revised_target", "revised_before_target"),
        ("completed", "formula"), ("action", "required"), ("target", "required"),
    } == set(zip(issues["field"], issues["check"]))

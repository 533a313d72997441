"""The list plansync creates: one typed column per canonical field (sync/list_schema.py)."""

from sync.list_schema import COLUMN_FOR_FIELD, list_columns, single_line_columns
from validation.fields import FIELD_NAMES, COMPUTED_NAMES


def by_name():
    return {c["name"]: c for c in list_columns()}


def test_row_key_is_single_line_text_indexed_and_unique():
    assert {
        "name": "RowKey", "displayName": "Row key",
        "text": {"allowMultipleLines": False, "maxLength": 255, "linesForEditing": 0},
        "indexed": True, "enforceUniqueValues": True,
    } == by_name()["RowKey"]


def test_long_text_is_multi_line_and_status_is_a_drop_down_of_the_statuses():
    columns = by_name()
    assert {"allowMultipleLines": True, "linesForEditing": 6, "textType": "plain"} == columns["Progress"]["text"]
    assert {
        "choices": ["Not started", "On track", "At risk", "Off track", "Complete", "Signed off"],
        "displayAs": "dropDownMenu", "allowTextEntry": False,
    } == columns["Status"]["choice"]


def test_dates_are_date_only_with_the_text_as_written_beside_them():
    columns = by_name()
    assert {"format": "dateOnly"} == columns["Target"]["dateTime"]
    assert "Target date (as written)" == columns["TargetText"]["displayName"]
    assert {"format": "dateOnly"} == columns["Due"]["dateTime"]


def test_computed_fields_are_typed_and_withdrawn_is_yes_no():
    columns = by_name()
    assert ["Blue", "Green", "Amber", "Red"] == columns["RAG"]["choice"]["choices"]
    assert {} == columns["Overdue"]["boolean"] == columns["Withdrawn"]["boolean"]
    assert {"decimalPlaces": "none"} == columns["DaysOverdue"]["number"]


def test_every_canonical_field_has_a_column_with_exactly_one_type():
    facets = {"text", "dateTime", "choice", "number", "boolean"}
    assert set(FIELD_NAMES + COMPUTED_NAMES) == set(COLUMN_FOR_FIELD)
    assert set(COLUMN_FOR_FIELD.values()) <= set(by_name())
    assert all(1 == len(facets & set(c)) for c in list_columns())


def test_single_line_columns_are_the_255_character_ones():
    assert {"RowKey", "Plan", "Ref", "Lead", "Owner", "TargetText", "RevisedTargetText", "UpdatedText", "CompletedText",
            "SignedOffOnText", "SignedOffBy"} == set(
        single_line_columns()
    )

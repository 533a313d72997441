"""The SharePoint list columns for the canonical fields (validation/fields.py), as columnDefinitions.

Typed per field kind (GRAPH.md §2.2-§2.3):

| field kind | column |
|---|---|
| row key | single-line text, indexed, unique (re-running a sync never makes a second item for a key) |
| ``text``, ``email`` | single-line text (SharePoint's limit: 255 characters) |
| ``longtext`` | multi-line plain text (no 255 limit) |
| ``date`` | two columns: ``<Name>`` as a dateOnly date, and ``<Name>Text`` with the date *as written* |
| ``status`` | choice of validation.fields.STATUSES, drop-down, no free text |
| computed | ``Due`` date, ``RAG`` choice, ``Overdue`` yes/no, ``DaysOverdue`` whole number |

Councils write dates such as "Q3 2013", "Ongoing" or "May 2018 Complete June 2018": a date
column cannot hold those, so the text as written gets its own column next to the date, and the
workbook round-trips unchanged. ``Plan`` is indexed too, so one plan's rows can be filtered
(SharePoint filters on one indexed column at a time). ``Withdrawn`` marks rows deleted from the
workbook (DESIGN §6). ``fields`` keys in Graph are these column ``name`` values.
"""

from __future__ import annotations

import copy
from typing import Any

from validation.fields import COMPUTED, FIELDS, RAG_VALUES, SINGLE_LINE_MAX, STATUSES

ROW_KEY_COLUMN = "RowKey"
WITHDRAWN_COLUMN = "Withdrawn"
TEXT_SUFFIX = "Text"  # <DateColumn>Text holds the date as written

# Column name per canonical field: PascalCase, no spaces, none of SharePoint's reserved names.
COLUMN_FOR_FIELD: dict[str, str] = {
    "plan": "Plan",
    "recommendation": "Recommendation",
    "ref": "Ref",
    "action": "Action",
    "lead": "Lead",
    "owner": "Owner",
    "target": "Target",
    "revised_target": "RevisedTarget",
    "status": "Status",
    "progress": "Progress",
    "updated": "Updated",
    "completed": "Completed",
    "signed_off_on": "SignedOffOn",
    "signed_off_by": "SignedOffBy",
    "due": "Due",
    "rag": "RAG",
    "overdue": "Overdue",
    "days_overdue": "DaysOverdue",
}

_SINGLE_LINE = {"text": {"allowMultipleLines": False, "maxLength": SINGLE_LINE_MAX, "linesForEditing": 0}}
_MULTI_LINE = {"text": {"allowMultipleLines": True, "linesForEditing": 6, "textType": "plain"}}
_DATE = {"dateTime": {"format": "dateOnly"}}
_COMPUTED_TYPES: dict[str, dict[str, Any]] = {
    "due": _DATE,
    "rag": {"choice": {"choices": list(RAG_VALUES), "displayAs": "dropDownMenu", "allowTextEntry": False}},
    "overdue": {"boolean": {}},
    "days_overdue": {"number": {"decimalPlaces": "none"}},
}


def _column(name: str, display: str, facet: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "displayName": display, **copy.deepcopy(facet), **extra}


def _build() -> tuple[dict[str, Any], ...]:
    columns = [_column(ROW_KEY_COLUMN, "Row key", _SINGLE_LINE, indexed=True, enforceUniqueValues=True)]
    for f in FIELDS:
        name = COLUMN_FOR_FIELD[f.name]
        if f.kind == "longtext":
            columns.append(_column(name, f.label, _MULTI_LINE))
        elif f.kind == "date":
            columns.append(_column(name, f.label, _DATE))
            columns.append(_column(name + TEXT_SUFFIX, f"{f.label} (as written)", _SINGLE_LINE))
        elif f.kind == "status":
            choice = {"choice": {"choices": list(STATUSES), "displayAs": "dropDownMenu", "allowTextEntry": False}}
            columns.append(_column(name, f.label, choice))
        else:  # text, email (several sign-ins are written "a@x; b@x")
            columns.append(_column(name, f.label, _SINGLE_LINE, **({"indexed": True} if f.name == "plan" else {})))
    for f in COMPUTED:
        columns.append(_column(COLUMN_FOR_FIELD[f.name], f.label, _COMPUTED_TYPES[f.name]))
    columns.append(_column(WITHDRAWN_COLUMN, "Withdrawn", {"boolean": {}}))
    return tuple(columns)


_COLUMNS = _build()


def list_columns() -> list[dict[str, Any]]:
    """The columnDefinitions to create the list with (fresh copies, safe to change)."""
    return copy.deepcopy(list(_COLUMNS))


def column_names() -> list[str]:
    """Every column name plansync writes, in list order (for ``$select``)."""
    return [c["name"] for c in _COLUMNS]


def single_line_columns() -> frozenset[str]:
    """Columns limited to 255 characters: a longer value must be refused before sending."""
    return frozenset(c["name"] for c in _COLUMNS if "text" in c and not c["text"]["allowMultipleLines"])


__all__ = sorted(
    [
        "COLUMN_FOR_FIELD",
        "ROW_KEY_COLUMN",
        "TEXT_SUFFIX",
        "WITHDRAWN_COLUMN",
        "column_names",
        "list_columns",
        "single_line_columns",
    ]
)

"""A field's value in its three forms: as a cell holds it, as the sync engine compares it, as the list stores it.

- **cell -> text**: ``normalise_value`` (``normalise_values`` for a frame): '' for empty, a date as
  ``2022-07-31``, a whole number without '.0', yes/no as 'yes'/'', other text stripped. BRAG's
  answer goes to the same text through ``derived_text``.
- **text -> list**: ``ListMap.to_list``. A date field goes to a dateOnly column (the date its text
  stands for) plus a ``<Name>Text`` column (the text as written, "Q3 2013"); status and RAG are
  choices, Overdue and Withdrawn yes/no, DaysOverdue a number.
- **list -> text**: ``ListMap.from_list``: the text as written wins, unless someone changed the date
  column in SharePoint (its text left as it was); then that date is taken.
- **text -> cell**: ``as_cell`` (an ISO date in a date field becomes a real date), ``cell_for``
  (and text a cell cannot hold becomes its substitute, ``sync.cell_values``).

A date written as text is read by the core once per command: ``read_dues`` takes the due dates
validation and BRAG already read (``validation.facts.PlanFacts``) and ``ListMap(dues=...)`` writes
them to the list without reading the text again.

    >>> normalise_value(datetime(2022, 7, 31))
    '2022-07-31'
    >>> as_cell("2022-07-31", "date")
    datetime.datetime(2022, 7, 31, 0, 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from sync.cell_values import cell_text, cell_value
from sync.engine import WITHDRAWN
from sync.list_schema import COLUMN_FOR_FIELD, ROW_KEY_COLUMN, TEXT_SUFFIX, WITHDRAWN_COLUMN, list_columns
from validation.dates import parse_date
from validation.facts import PlanFacts
from validation.fields import FIELD_BY_NAME

_BOOLEAN = {"overdue", WITHDRAWN}
_NUMBER = {"days_overdue"}


def normalise_value(value: object) -> str:
    """One cell or list value as the text sync compares: dates ISO, whole numbers without '.0'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (pd.Timestamp,)):
        return normalise_value(value.to_pydatetime())
    return str(value).strip()


def normalise_values(frame: pd.DataFrame, fields: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """``frame[fields]`` as text for comparing (object dtype, '' for empty)."""
    out = pd.DataFrame(index=frame.index)
    for name in fields:
        col = frame[name] if name in frame.columns else pd.Series("", index=frame.index, dtype=object)
        out[name] = col.astype(object).map(normalise_value).astype(object)
    return out


def derived_text(rag: pd.DataFrame) -> pd.DataFrame:
    """``compute_rag`` output as the text sync compares and sends: ``due`` (ISO), ``rag``,
    ``overdue`` ('yes' or ''), ``days_overdue`` (whole days or '')."""
    days = rag["days_overdue"]
    return pd.DataFrame(
        {
            "due": rag["due"].dt.strftime("%Y-%m-%d").astype(object).where(rag["due"].notna(), ""),
            "rag": rag["rag"].astype(object),
            "overdue": pd.Series(["yes" if v else "" for v in rag["overdue"].to_numpy()], index=rag.index, dtype=object),
            "days_overdue": days.astype(str).astype(object).where(days.notna(), ""),
        },
        index=rag.index,
    )


def as_cell(text: Any, kind: str) -> Any:
    """A value in sync's text as it stands in its cell: '' empty, an ISO date in a date field a
    real date, other text as written (anything not text is left as it is)."""
    if not isinstance(text, str):
        return text
    if text == "":
        return None
    if kind == "date" and len(text) == 10:
        try:
            return datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            pass
    return text


def cell_for(text: str, kind: str) -> Any:
    """What a cell is given for a value brought in from the list: ``as_cell``, and text a cell
    cannot hold as its substitute (``sync.cell_values``)."""
    value = as_cell(text, kind)
    return cell_text(value) if isinstance(value, str) else value


def fit_for_cell(value: Any) -> Any:
    """Any value bound for a cell: pandas' missing markers empty, text a cell cannot hold as its substitute."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return cell_value(value)


@lru_cache(maxsize=65536)
def _due(text: str) -> str | None:
    """The date a value as written stands for (ISO), or None ('Ongoing', 'TBC', unreadable)."""
    due = parse_date(text).due
    return None if due is None or due != due else due.date().isoformat()


def read_dues(facts: PlanFacts, fields: Iterable[str]) -> dict[str, str | None]:
    """Each date field's cell text (``normalise_value``) -> the ISO date it stands for, from the
    reading the core already made of the actions frame (``PlanFacts.dates``)."""
    out: dict[str, str | None] = {}
    for name in fields:
        if name not in FIELD_BY_NAME or FIELD_BY_NAME[name].kind != "date":
            continue
        uniques, dues = facts.cells(name).uniques, facts.dates(name).unique_due
        for value, due in zip(uniques.tolist(), dues):
            out[normalise_value(value)] = None if np.isnat(due) else str(due)[:10]
    return out


def _kind(name: str) -> str:
    if name in _BOOLEAN:
        return "boolean"
    if name in _NUMBER:
        return "number"
    if name == "due":
        return "dateonly"
    return "date" if FIELD_BY_NAME[name].kind == "date" else "text"


class ListMap:
    """The list column of each field and how its value is written and read.

    Args:
        dues: text of a date cell -> the ISO date it stands for, as already read (``read_dues``);
            other text is read here.
    """

    key_column = ROW_KEY_COLUMN

    def __init__(self, dues: Mapping[str, str | None] | None = None) -> None:
        self._column = {**COLUMN_FOR_FIELD, WITHDRAWN: WITHDRAWN_COLUMN}
        self._kinds = {name: _kind(name) for name in self._column}
        self._dues = dues or {}

    @classmethod
    def default(cls) -> ListMap:
        return cls()

    @staticmethod
    def columns() -> list[dict[str, Any]]:
        return list_columns()

    def _due_of(self, text: str) -> str | None:
        return self._dues[text] if text in self._dues else _due(text)

    def to_list(self, values: Mapping[str, str]) -> dict[str, Any]:
        """Engine text -> list ``fields`` (empty text clears the column)."""
        out: dict[str, Any] = {}
        for name, text in values.items():
            column, kind = self._column[name], self._kinds[name]
            if kind == "boolean":
                out[column] = text == "yes"
            elif kind == "number":
                out[column] = int(text) if text else None
            elif kind == "dateonly":
                out[column] = text or None
            elif kind == "date":
                out[column] = self._due_of(text) if text else None
                out[column + TEXT_SUFFIX] = text or None
            else:
                out[column] = text or None
        return out

    def from_list(self, fields: Mapping[str, Any]) -> dict[str, str]:
        """List ``fields`` -> engine text for every field plansync syncs."""
        out: dict[str, str] = {}
        for name, column in self._column.items():
            kind = self._kinds[name]
            value = fields.get(column)
            if kind == "boolean":
                out[name] = "yes" if value is True or str(value).lower() in ("true", "yes", "1") else ""
            elif kind == "number":
                out[name] = "" if value in (None, "") else str(int(float(value)))
            elif kind == "dateonly":
                out[name] = "" if not value else str(value)[:10]
            elif kind == "date":
                written = normalise_value(fields.get(column + TEXT_SUFFIX))
                day = "" if not value else str(value)[:10]
                # A date changed in SharePoint's date column (its text left as it was) wins.
                out[name] = day if day and (not written or _due(written) != day) else written
            else:
                out[name] = normalise_value(value)
        return out


__all__ = sorted(
    ["ListMap", "as_cell", "cell_for", "derived_text", "fit_for_cell", "normalise_value", "normalise_values", "read_dues"]
)

"""Between the sync engine's text values and the SharePoint list's ``fields`` (sync.list_schema).

The engine compares every field as text ('' = empty). The list types them: dates go to a
dateOnly column plus a ``<Name>Text`` column holding the date as written ("Q3 2013"), status and
RAG are choices, Overdue and Withdrawn are yes/no, DaysOverdue a number. Going back, the text as
written wins unless someone changed the date column in SharePoint, then that date is taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sync.engine import WITHDRAWN, normalise_value
from sync.list_schema import COLUMN_FOR_FIELD, ROW_KEY_COLUMN, TEXT_SUFFIX, WITHDRAWN_COLUMN, list_columns
from validation.dates import parse_date
from validation.fields import FIELD_BY_NAME

_BOOLEAN = {"overdue", WITHDRAWN}
_NUMBER = {"days_overdue"}


@lru_cache(maxsize=65536)
def _due(text: str) -> str | None:
    """The date a value as written stands for (ISO), or None ('Ongoing', 'TBC', unreadable)."""
    due = parse_date(text).due
    return None if due is None or due != due else due.date().isoformat()


def _kind(name: str) -> str:
    if name in _BOOLEAN:
        return "boolean"
    if name in _NUMBER:
        return "number"
    if name == "due":
        return "dateonly"
    return "date" if FIELD_BY_NAME[name].kind == "date" else "text"


class ListMap:
    """The column of each field and how its value is written and read."""

    key_column = ROW_KEY_COLUMN

    def __init__(self) -> None:
        self._column = {**COLUMN_FOR_FIELD, WITHDRAWN: WITHDRAWN_COLUMN}
        self._kinds = {name: _kind(name) for name in self._column}

    @classmethod
    def default(cls) -> ListMap:
        return cls()

    @staticmethod
    def columns() -> list[dict[str, Any]]:
        return list_columns()

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
                out[column] = _due(text) if text else None
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


__all__ = ["ListMap"]

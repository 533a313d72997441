"""One Settings value read from its cell: text, a whole number, a date, sign-in emails, a column.

Each reader returns the value, or raises ``ValueError`` for a value it cannot use; the rows that
use them (``validation.settings_rows``) say what is wrong and what to do.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from validation.grid import column_index

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_EMAIL_SPLIT = re.compile(r"[,;\s]+")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%d.%m.%Y")


def cell_text(value: object) -> str | None:
    """The trimmed text of a cell (a whole float as an integer); None when blank."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_today(value: object) -> date | None:
    """A date cell, or a date written day-first (31/07/2022) or as 2022-07-31; None when blank."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if text is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_whole(value: object) -> int:
    """A whole number: an int, a whole float or digits."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value) or ""
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise ValueError(value)


def emails(value: object) -> tuple[tuple[str, ...], list[str]]:
    """(good emails, bad parts) of a cell listing sign-ins."""
    text = cell_text(value) or ""
    parts = [p for p in _EMAIL_SPLIT.split(text) if p]
    good = tuple(p.lower() for p in parts if _EMAIL.match(p))
    bad = [p for p in parts if not _EMAIL.match(p)]
    return good, bad


def column_number(value: object) -> int | None:
    """A 1-based column from a letter (D) or a number (4); None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = parse_whole(value)
    else:
        text = str(value).strip()
        number = int(text) if text.isdigit() else column_index(text)
    if not 1 <= number <= 16384:
        raise ValueError(value)
    return number


__all__ = sorted(["cell_text", "column_number", "emails", "parse_today", "parse_whole"])

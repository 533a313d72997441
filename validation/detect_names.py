"""Header text as detection compares it, and the canonical field each header names."""

from __future__ import annotations

import re

from validation.fields import FIELDS

_SPACES = re.compile(r"\s+")


def normalise_header(value: object) -> str:
    """'  Target End\\nDate ' -> 'target end date' (case, spacing and trailing ':' ignored)."""
    if value is None:
        return ""
    return _SPACES.sub(" ", str(value)).strip().rstrip(":").strip().lower()


ALIAS_TO_FIELD: dict[str, str] = {}
for _f in FIELDS:
    ALIAS_TO_FIELD.setdefault(normalise_header(_f.label), _f.name)
    for _a in _f.aliases:
        ALIAS_TO_FIELD.setdefault(normalise_header(_a), _f.name)


# Headers that carry a date or a period: "Update September 2013", "Progress as at 31 March 2023",
# "Progress update (Q2)". Only short, date-like tails count, so action text such as
# "Update the homeless protocol" is never taken for a header.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_PERIOD = rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}(?:\s+\d{{2,4}})?|q[1-4](?:\s+\d{{2,4}})?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}})"
# Every header _DATED reads starts with one of these words (header detection skips other texts early).
DATED_STARTS = ("latest", "progress", "update")
_DATED = (
    (re.compile(rf"^(?:latest\s+)?(?:progress(?:\s+update)?|update)\s*[:(\-–]?\s*(?:as\s+(?:at|of)\s+|at\s+|to\s+|for\s+)?{_PERIOD}\)?$"), "progress"),
)


def field_for_header(value: object, extra: dict[str, str] | None = None) -> str | None:
    """The canonical field a header names, or None. ``extra``: a team's own headings (Settings,
    normalised as ``normalise_header`` does) -> field; they win over the built-in table.

    >>> field_for_header("Update September 2013")
    'progress'
    """
    text = normalise_header(value)
    found = extra.get(text) if extra else None
    found = found or ALIAS_TO_FIELD.get(text)
    if found is None and text:
        found = next((name for pattern, name in _DATED if pattern.match(text)), None)
    return found


__all__ = ["ALIAS_TO_FIELD", "DATED_STARTS", "field_for_header", "normalise_header"]

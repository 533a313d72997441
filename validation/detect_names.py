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


def field_for_header(value: object) -> str | None:
    """The canonical field a header names, or None."""
    return ALIAS_TO_FIELD.get(normalise_header(value))


__all__ = ["ALIAS_TO_FIELD", "field_for_header", "normalise_header"]

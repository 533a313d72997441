"""Column definitions (GRAPH.md §2.3) and the checks a write must pass, per column type.

A column has exactly one type facet. Values are checked as SharePoint checks them: single line of
text at most 255 characters (or the column's smaller ``maxLength``), multi-line text unlimited,
choices only from the list unless ``allowTextEntry``, dates readable, numbers numeric. Every refusal
is a 400 ``invalidRequest`` that names the field.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timezone

from sync.local_server.errors import GraphError

__all__ = [
    "FACETS",
    "SINGLE_LINE_LIMIT",
    "check_fields",
    "facet_of",
    "field_key",
    "indexed_names",
    "new_column",
    "title_column",
    "unique_names",
]

SINGLE_LINE_LIMIT = 255
FACETS = ("boolean", "choice", "dateTime", "number", "personOrGroup", "text")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_READ_ONLY = {"id", "ContentType", "Created", "Modified", "Author", "Editor", "_UIVersionString", "Attachments"}
_FACET_DEFAULTS = {
    "text": {"allowMultipleLines": False, "appendChangesToExistingText": False, "linesForEditing": 0,
             "maxLength": SINGLE_LINE_LIMIT},
    "dateTime": {"displayAs": "default", "format": "dateTime"},
    "choice": {"allowTextEntry": True, "choices": [], "displayAs": "dropDownMenu"},
    "number": {"decimalPlaces": "automatic", "displayAs": "number"},
    "boolean": {},
    "personOrGroup": {"allowMultipleSelection": False, "chooseFromType": "peopleAndGroups", "displayAs": "nameWithPresence"},
}


def _bad(message: str) -> GraphError:
    return GraphError(400, "invalidRequest", message)


def title_column() -> dict:
    """The ``Title`` column every ``genericList`` starts with (GRAPH.md §2.2)."""
    return new_column({"name": "Title", "text": {"allowMultipleLines": False, "maxLength": SINGLE_LINE_LIMIT}})


def new_column(body: object) -> dict:
    """Check a columnDefinition from a request and fill in the documented properties."""
    if not isinstance(body, dict):
        raise _bad("A column definition must be a JSON object.")
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise _bad("A column definition needs a 'name': the name items use in 'fields'.")
    if not _NAME.match(name):
        raise _bad(
            f"Column name '{name}' can only hold letters, digits and '_' and must not start with a digit; "
            "put the text people see in 'displayName'."
        )
    facets = [f for f in body if f in FACETS or f in ("currency", "lookup", "calculated", "hyperlinkOrPicture",
                                                       "geolocation", "term", "thumbnail", "contentApprovalStatus")]
    if len(facets) != 1:
        raise _bad(
            f"Column '{name}' must have exactly one type facet ({', '.join(FACETS)}); it has "
            f"{len(facets)}{': ' + ', '.join(facets) if facets else ''}."
        )
    facet = facets[0]
    if facet not in FACETS:
        raise _bad(f"Column '{name}' uses the '{facet}' type, which the local list server does not support.")
    settings = body[facet] if isinstance(body[facet], dict) else {}
    unique = bool(body.get("enforceUniqueValues", False))
    indexed = bool(body.get("indexed", False))
    if unique and not indexed:
        # SharePoint only enforces unique values on an indexed column; Graph's answer is not
        # documented, so the local server refuses rather than silently indexing.
        raise _bad(f"Column '{name}' enforces unique values, so it must also be indexed: add \"indexed\": true.")
    if facet == "choice" and not isinstance(settings.get("choices", []), list):
        raise _bad(f"Column '{name}': 'choices' must be a list of strings.")
    column = {
        "columnGroup": body.get("columnGroup", "Custom Columns"),
        "description": body.get("description", ""),
        "displayName": body.get("displayName") or name,
        "enforceUniqueValues": unique,
        "hidden": bool(body.get("hidden", False)),
        "id": str(uuid.uuid4()),
        "indexed": indexed,
        "name": name,
        "readOnly": bool(body.get("readOnly", False)),
        "required": bool(body.get("required", False)),
        facet: {**_FACET_DEFAULTS[facet], **settings},
    }
    return column


def facet_of(column: dict) -> str:
    return next(f for f in FACETS if f in column)


def field_key(column: dict) -> str:
    """The key a column's value has in ``fields``: person columns read as ``<Name>LookupId``."""
    return column["name"] + "LookupId" if "personOrGroup" in column else column["name"]


def indexed_names(columns: list[dict]) -> set[str]:
    return {field_key(c) for c in columns if c.get("indexed")}


def unique_names(columns: list[dict]) -> set[str]:
    return {field_key(c) for c in columns if c.get("enforceUniqueValues")}


def check_fields(columns: list[dict], values: object) -> dict:
    """Return the values to store, or raise 400 ``invalidRequest`` naming the first bad field.

    ``None`` clears a field. Keys starting ``@odata.`` are annotations and ignored.
    """
    if not isinstance(values, dict):
        raise _bad("'fields' must be a JSON object of column name to value.")
    by_key = {field_key(c): c for c in columns}
    out: dict = {}
    for key, value in values.items():
        if key.startswith("@odata."):
            continue
        column = by_key.get(key)
        if column is None:
            if key in _READ_ONLY:
                raise _bad(f"Field '{key}' is read-only.")
            raise _bad(f"Field '{key}' is not recognized")
        out[key] = None if value is None else _check_value(column, key, value)
    return out


def _check_value(column: dict, key: str, value: object) -> object:
    facet = facet_of(column)
    settings = column[facet]
    if facet == "text":
        if not isinstance(value, str):
            raise _bad(f"Field '{key}' takes text; got {type(value).__name__} {value!r}.")
        if not settings.get("allowMultipleLines"):
            limit = min(int(settings.get("maxLength") or SINGLE_LINE_LIMIT), SINGLE_LINE_LIMIT)
            if len(value) > limit:
                raise _bad(
                    f"Field '{key}' is a single line of text of at most {limit} characters; "
                    f"the value has {len(value)}."
                )
            if "\n" in value or "\r" in value:
                raise _bad(f"Field '{key}' is a single line of text; the value contains a line break.")
        return value
    if facet == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _bad(f"Field '{key}' takes a number; got {value!r}.")
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                raise _bad(f"Field '{key}' takes a number; got {value!r}.") from None
            return int(number) if number.is_integer() else number
        return value
    if facet == "boolean":
        if not isinstance(value, bool):
            raise _bad(f"Field '{key}' takes true or false; got {value!r}.")
        return value
    if facet == "choice":
        if not isinstance(value, str):
            raise _bad(f"Field '{key}' takes one of its choices as text; got {value!r}.")
        choices = settings.get("choices") or []
        if value not in choices and not settings.get("allowTextEntry", True):
            raise _bad(f"Field '{key}' only accepts one of {', '.join(repr(c) for c in choices)}; got {value!r}.")
        return value
    if facet == "dateTime":
        return _check_date(key, value, date_only=settings.get("format") == "dateOnly")
    # personOrGroup: written as the user's lookup id, the same way it is read (GRAPH.md §3.7).
    if isinstance(value, bool) or not str(value).isdigit():
        raise _bad(f"Field '{key}' takes a user lookup id such as \"13\"; got {value!r}.")
    return str(value)


def _check_date(key: str, value: object, *, date_only: bool) -> str:
    """Dates are stored and returned as UTC ``YYYY-MM-DDTHH:MM:SSZ``; dateOnly ones at midnight."""
    if not isinstance(value, str):
        raise _bad(f"Field '{key}' takes a date such as \"2024-05-31\"; got {value!r}.")
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time(), timezone.utc)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            moment = moment.astimezone(timezone.utc)
    except ValueError:
        raise _bad(f"Field '{key}' takes a date such as \"2024-05-31\"; got {value!r}.") from None
    if date_only:
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

"""OData query options on list items: ``expand``/``select``, ``$filter``, ``$top``, ``$skiptoken``.

Both spellings are accepted (``expand=fields(select=A,B)`` and ``$expand=fields($select=A,B)``,
GRAPH.md §0). ``$filter`` understands ``fields/<name> <op> <literal>`` clauses joined by ``and``,
and ``startswith(fields/<name>,'x')``; a non-indexed field is refused without the ``Prefer``
header, with the message observed from SharePoint (GRAPH.md §3.1).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass

from sync.local_server.errors import GraphError

__all__ = ["Clause", "FieldsExpansion", "MAX_TOP", "NON_INDEXED_PREFER", "expansion", "page_size", "parse_filter", "parse_skiptoken",
           "parse_top", "predicate", "skiptoken"]

NON_INDEXED_PREFER = "HonorNonIndexedQueriesWarningMayFailRandomly"
MAX_TOP = 5000  # SharePoint's list view threshold; Graph's own maximum for items is not documented


def _bad(message: str) -> GraphError:
    return GraphError(400, "invalidRequest", message)


@dataclass(frozen=True)
class FieldsExpansion:
    """Whether ``fields`` is expanded, and which of them (``None`` = all visible ones)."""

    expanded: bool
    select: tuple[str, ...] | None = None


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def expansion(expand: str | None, name: str = "fields") -> FieldsExpansion:
    """Read ``expand`` for one navigation property, e.g. ``fields(select=A,B)``."""
    if not expand:
        return FieldsExpansion(False)
    for part in _split_top_level(expand):
        match = re.fullmatch(r"([A-Za-z]+)\s*(?:\((.*)\))?", part, flags=re.S)
        if not match:
            raise _bad(f"Parsing OData Select and Expand failed: '{expand}' is not a valid expand clause.")
        if match.group(1) != name:
            continue
        inner = match.group(2)
        if not inner:
            return FieldsExpansion(True)
        options = dict(
            (k.strip().lstrip("$"), v.strip()) for k, _, v in (o.partition("=") for o in inner.split(";"))
        )
        select = options.get("select")
        if select is None:
            return FieldsExpansion(True)
        return FieldsExpansion(True, tuple(s.strip() for s in select.split(",") if s.strip()))
    return FieldsExpansion(False)


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    value: object


_CLAUSE = re.compile(
    r"\s*(?:fields/(?P<f1>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<op>eq|ne|lt|gt|le|ge)\s+(?P<lit>'(?:[^']|'')*'|[^\s)]+)"
    r"|startswith\(\s*fields/(?P<f2>[A-Za-z_][A-Za-z0-9_]*)\s*,\s*(?P<lit2>'(?:[^']|'')*')\s*\))\s*",
)


def _literal(text: str) -> object:
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    try:
        number = float(text)
    except ValueError:
        raise _bad(f"Invalid filter clause: '{text}' is not a literal (quote text as 'text').") from None
    return int(number) if number.is_integer() and "." not in text else number


def parse_filter(text: str, *, indexed: set[str], known: set[str], prefer: str | None) -> list[Clause]:
    """Clauses of a ``$filter``; 400 ``invalidRequest`` for syntax or a non-indexed field."""
    clauses: list[Clause] = []
    for piece in re.split(r"\s+and\s+", text.strip()):
        match = _CLAUSE.fullmatch(piece)
        if not match:
            raise _bad(f"Invalid filter clause: '{piece}'. Use fields/<column> eq 'value'.")
        name = match.group("f1") or match.group("f2")
        if name not in known:
            raise _bad(f"Field '{name}' is not recognized")
        if name not in indexed and NON_INDEXED_PREFER not in (prefer or ""):
            raise _bad(
                f"Field '{name}' cannot be referenced in filter or orderby as it is not indexed. Provide the "
                f"'Prefer: {NON_INDEXED_PREFER}' header to allow this, but be warned that such queries may "
                "fail on large lists."
            )
        if match.group("f1"):
            clauses.append(Clause(name, match.group("op"), _literal(match.group("lit"))))
        else:
            clauses.append(Clause(name, "startswith", _literal(match.group("lit2"))))
    return clauses


def predicate(clauses: list[Clause]) -> Callable[[dict], bool]:
    """A Python test for stored fields; values of different types never match."""

    def test(fields: dict) -> bool:
        for clause in clauses:
            value = fields.get(clause.field)
            if not _compare(value, clause.op, clause.value):
                return False
        return True

    return test


def _compare(value: object, op: str, literal: object) -> bool:
    if op == "eq":
        return value == literal
    if op == "ne":
        return value != literal
    if value is None or literal is None:
        return False
    if op == "startswith":
        return isinstance(value, str) and value.startswith(str(literal))
    if isinstance(value, bool) or isinstance(literal, bool):
        return False
    if isinstance(value, str) != isinstance(literal, str):
        return False
    return {"lt": value < literal, "gt": value > literal, "le": value <= literal, "ge": value >= literal}[op]


def page_size(call, default: int) -> int:
    """Items per page: ``Prefer: odata.maxpagesize=N`` (Graph's page-size preference), else ``$top``,
    else the server's default; never more than MAX_TOP."""
    match = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", call.header("prefer") or "")
    if match and int(match.group(1)) >= 1:
        return min(int(match.group(1)), MAX_TOP)
    return parse_top(call.param("top"), default)


def parse_top(text: str | None, default: int) -> int:
    if text is None:
        return default
    if not text.isdigit() or int(text) < 1:
        raise _bad(f"Invalid value '{text}' for $top: give a whole number of 1 or more.")
    return min(int(text), MAX_TOP)


def skiptoken(last_id: int) -> str:
    """SharePoint's paging token, ``Paged=TRUE&p_ID=<n>`` in base64, opaque to clients."""
    return base64.urlsafe_b64encode(f"Paged=TRUE&p_ID={last_id}".encode()).decode().rstrip("=")


def parse_skiptoken(text: str | None) -> int:
    if not text:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        match = re.fullmatch(r"Paged=TRUE&p_ID=(\d+)", decoded)
    except (ValueError, UnicodeDecodeError):
        match = None
    if not match:
        raise _bad("The $skiptoken is not valid; follow @odata.nextLink exactly as the server gave it.")
    return int(match.group(1))

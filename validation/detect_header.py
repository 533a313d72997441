"""Find the header row(s) of a plan by the names teams give their columns (DESIGN §4).

A header row is a row whose cells name canonical fields (label or alias, ``validation.fields``)
and that names the action column. The best one on a sheet gives the column of each field.
Some teams repeat the header block under each recommendation heading; every row that repeats
the best row's names in the same columns is a header row too. A header spread over two rows
(``Progress`` above ``Update`` and ``RAG``) adds the fields of its second row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from validation.detect_grid import grid_frame
from validation.detect_names import ALIAS_TO_FIELD, DATED_STARTS, field_for_header, normalise_header
from validation.fields import COMPUTED
from validation.grid import SheetGrid

# Header cells are short; skipping long text keeps the scan cheap on big sheets.
_MAX_HEADER_LEN = 60
# An unnamed column is read as the action column when its texts average this long (a sentence).
_ACTION_TEXT_LEN = 40
_ACTION_SAMPLE = 50
_COMPUTED_HEADERS: tuple[str, ...] = tuple(normalise_header(f.label) for f in COMPUTED)



@dataclass(frozen=True)
class HeaderFound:
    """The header of one sheet.

    Attributes:
        row: the best header row.
        rows: every header row (the best one, its second row, and repeats further down).
        columns: canonical field -> column number.
        labels: column number -> header text as written, for every non-empty header cell.
        computed_col: first column right of the team's table (where plansync's columns go).
    """

    row: int
    rows: tuple[int, ...]
    columns: dict[str, int]
    labels: dict[int, str]
    computed_col: int

    @property
    def score(self) -> int:
        return len(self.columns)


def _named_fields(frame: pd.DataFrame, aliases: dict[str, str] | None) -> pd.DataFrame:
    """The canonical field each short text cell names (else None), for only the rows where one
    does (rows of None say nothing to detection).

    A 100,000-row plan has a handful of such rows, so the rest of detection works on a few rows,
    not the whole sheet; each distinct text is named once, and most are ruled out by their first
    letters alone.
    """
    prefixes = _name_prefixes(aliases)
    mapped, keep = {}, np.zeros(len(frame), dtype=bool)
    for col in frame.columns:
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
        names = np.array(_fields_for(uniques, aliases, prefixes) + [None], dtype=object)
        if any(n is not None for n in names):
            mapped[col] = names[codes]
            keep |= mapped[col] != None  # noqa: E711 (element-wise)
    rows = np.flatnonzero(keep)
    out = {col: mapped[col][rows] if col in mapped else np.full(len(rows), None, dtype=object) for col in frame.columns}
    return pd.DataFrame(out, index=frame.index[rows], columns=frame.columns, dtype=object)


def _name_prefixes(aliases: dict[str, str] | None) -> frozenset[str]:
    """The first three letters of every name a header can have (headers dated by their tail included)."""
    names = [*ALIAS_TO_FIELD, *(aliases or {}), *DATED_STARTS]
    return frozenset(name[:3] for name in names)


def _fields_for(values, aliases: dict[str, str] | None, prefixes: frozenset[str]) -> list[str | None]:
    """``field_for_header`` of each short text (else None), skipping texts no name starts like.

    One loop, no call per value: a 100,000-row sheet has hundreds of thousands of distinct texts.
    """
    out: list[str | None] = []
    for value in values:
        name = None
        if isinstance(value, str) and len(value) <= _MAX_HEADER_LEN:
            start = value.lstrip()[:3]
            # Three printable ASCII characters, no space or colon: normalising keeps them as the
            # text's start, lowercased, so a text starting otherwise than every name names nothing.
            if start.lower() in prefixes or len(start) != 3 or not start.isascii() or not start.isprintable() or " " in start or ":" in start:
                name = field_for_header(value, aliases)
        out.append(name)
    return out


def find_header(grid: SheetGrid, aliases: dict[str, str] | None = None) -> HeaderFound | None:
    """The header of ``grid``, or None when no row names an action column and one other field.

    ``aliases``: a team's own headings from Settings (heading -> field), on top of the built-in names.
    """
    frame = grid_frame(grid)
    if frame.empty:
        return None
    fields = _named_fields(frame, aliases)
    if not fields.eq("action").any(axis=None):
        # A tracker of recommendations (one row each, no action column): the recommendation is
        # what will be done, so its column is read as the action.
        fields = fields.replace("recommendation", "action")
    if not fields.eq("action").any(axis=None):
        fields = _unnamed_action(frame, fields)
    # Only rows naming the action column and one more field can be headers; count the distinct
    # fields of those few rows (a field named twice in a row counts once).
    named = fields.notna().sum(axis=1)
    has_action = fields.eq("action").any(axis=1)
    maybe = fields[has_action & named.ge(2)]
    counts = pd.Series({r: maybe.loc[r].dropna().nunique() for r in maybe.index}, dtype="int64")
    candidates = counts[counts.ge(2)] if len(counts) else counts
    if candidates.empty:
        return None
    row = int(candidates.idxmax())
    columns = _first_columns(fields.loc[row])
    computed_col = _computed_col(frame.loc[row].map(lambda v: normalise_header(v) if isinstance(v, str) else None), frame.loc[row:])
    rows = [row]
    for extra in (row + 1, row - 1):
        if extra in fields.index and extra not in rows:
            # What plansync wrote in its own columns ('No' under Overdue) never names a field.
            more = {f: c for f, c in _first_columns(fields.loc[extra]).items() if f not in columns and c not in columns.values() and c < computed_col}
            action_cell = frame.at[extra, columns["action"]]
            if more and (action_cell is None or fields.at[extra, columns["action"]] == "action"):
                columns.update(more)
                rows.append(extra)
    rows.extend(int(r) for r in _repeats(fields, columns, exclude=set(rows)))
    labels = {int(c): str(frame.at[r, c]).strip() for r in sorted(rows, reverse=True) for c in frame.columns if isinstance(frame.at[r, c], str)}
    # plansync's own Due / RAG columns (from an earlier adoption) are never the team's fields.
    columns = {f: c for f, c in columns.items() if c < computed_col or f == "action"}
    return HeaderFound(
        row=row,
        rows=tuple(sorted(rows)),
        columns=columns,
        labels=dict(sorted(labels.items())),
        computed_col=computed_col,
    )


def _unnamed_action(frame: pd.DataFrame, fields: pd.DataFrame) -> pd.DataFrame:
    """Name the action column of a header that names a date or status column but no action one.

    Some plans head the column of what will be done with a word of their own ("Summary",
    "Issue"). In a row naming two fields, one of them the target date or status, the column
    headed with text plansync does not know whose cells below hold the longest texts (on average
    at least ``_ACTION_TEXT_LEN`` characters) is read as the action column.
    """
    named = fields.notna().sum(axis=1)
    keyed = fields.isin(("target", "status")).any(axis=1)
    for row in named[named.ge(2) & keyed].index:
        body = frame.loc[row + 1:row + _ACTION_SAMPLE]
        best, best_len = None, float(_ACTION_TEXT_LEN)
        for col in frame.columns:
            heading = frame.at[row, col]
            if fields.at[row, col] is not None or not isinstance(heading, str) or not heading.strip():
                continue
            texts = [len(v) for v in body[col] if isinstance(v, str) and v.strip()]
            mean = sum(texts) / len(texts) if texts else 0.0
            if mean >= best_len:
                best, best_len = col, mean
        if best is not None:
            fields = fields.copy()
            fields.at[row, best] = "action"
            return fields
    return fields


def _first_columns(row_fields: pd.Series) -> dict[str, int]:
    found: dict[str, int] = {}
    for col, name in row_fields.dropna().items():
        found.setdefault(str(name), int(col))
    return found


def _repeats(fields: pd.DataFrame, columns: dict[str, int], *, exclude: set[int]) -> list[int]:
    """Rows further down that name the same fields in the same columns (a repeated header block)."""
    hits = sum(fields[c].eq(f).astype(int) for f, c in columns.items())
    needed = min(3, len(columns))
    repeated = hits.ge(needed) & fields[columns["action"]].eq("action")
    return [r for r in repeated[repeated].index if r not in exclude]


def _computed_col(header: pd.Series, body: pd.DataFrame) -> int:
    """First column right of everything the team wrote from the header row down.

    plansync's own four headers (Due, RAG, Overdue, Days overdue), side by side at the right
    edge, mark where it wrote before: adopting again reuses them, and a team's own "RAG"
    column inside the table is never mistaken for plansync's.
    """
    named = [int(c) for c, v in header.items() if isinstance(v, str) and v]
    n = len(_COMPUTED_HEADERS)
    if len(named) > n and tuple(header[c] for c in named[-n:]) == _COMPUTED_HEADERS:
        return named[-n]
    used = body.notna().any(axis=0)
    return int(used[used].index.max()) + 1 if used.any() else int(body.columns.min())


__all__ = ["HeaderFound", "find_header"]

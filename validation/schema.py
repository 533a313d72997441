"""Validation of the actions frame: a pandera schema, run lazily, turned into the issues frame.

Every failure is collected (``lazy=True``), never only the first, and bad data never raises: each
problem becomes one row of the issues frame with its sheet, cell address (``Plan!D7``), row, column
letter, field, the value as written, the check's name, a message for the person keeping the plan
(``validation.messages``), a fix and a severity (``error`` or ``warning``).

Checks (names are the ``check`` column):

===================== ==============================================================================
required              action, lead or target is blank
date_unreadable       target / revised target / updated / completed is text plansync cannot read
formula               a formula where text or a date is expected
status_unknown        status is not one of ``validation.fields.STATUSES`` (case and spacing ignored)
revised_before_target revised target earlier than the target
owner_not_email       owner sign-in is not one or more email addresses separated by ``;`` or ``,``
text_too_long         more than 255 characters in a single-line field (plan, ref, lead)
duplicate_ref         the same ref twice under one recommendation (each occurrence is reported)
missing_ref           no ref (a *warning*: the row is kept and gets a generated key)
===================== ==============================================================================

Only fields that have a column (``columns``) can be located, so only those are checked.
Every predicate is vectorised: values are factorised first, because council columns repeat a lot,
and each rule runs once per distinct value.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from itertools import repeat

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from validation.dates import parse_dates
from validation.fields import FIELD_BY_NAME, FIELD_NAMES, ROW_COL, SHEET_COL, SINGLE_LINE_MAX, STATUSES
from validation.grid import cell_address, column_letter
from validation.messages import WORDING, shown
from validation.rag import status_codes_per_value

ISSUE_COLUMNS: tuple[str, ...] = ("sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity")

# Order in which checks on the same cell are listed.
CHECKS: tuple[str, ...] = tuple(WORDING)

_EMAIL = r"[^@\s;,<>()\[\]\"']+@[^@\s;,<>()\[\]\"']+\.[A-Za-z]{2,}"


class _Cells:
    """One column's cells, factorised: each rule runs once per distinct value, then maps back.

    Text rules use C-level ``map`` over the distinct strings, which is several times faster than
    ``Series.str`` on object columns without pyarrow (and refs or action texts are mostly distinct).
    """

    def __init__(self, values: pd.Series) -> None:
        self.values = values
        self.codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
        self.uniques = np.asarray(uniques, dtype=object)
        n = len(self.uniques)
        types = np.fromiter(map(type, self.uniques), dtype=object, count=n)
        self.is_text = types == str
        self.text = self.uniques if self.is_text.all() else np.where(self.is_text, self.uniques, "")
        self._stripped: np.ndarray | None = None

    def back(self, per_unique: np.ndarray, missing) -> np.ndarray:
        """Per-distinct answers as per-cell answers (code -1, a missing cell, gets ``missing``)."""
        return np.append(per_unique, np.array([missing], dtype=per_unique.dtype)).take(self.codes)

    def _map(self, fn, *args, dtype=object, text: np.ndarray | None = None) -> np.ndarray:
        source = self.text if text is None else text
        return np.fromiter(map(fn, source, *args), dtype=dtype, count=len(source))

    @property
    def stripped(self) -> np.ndarray:
        if self._stripped is None:
            self._stripped = self._map(str.strip)
        return self._stripped

    def blank(self) -> np.ndarray:
        """None, NaN, '' or only spaces."""
        return self.back(self.is_text & (self.stripped == ""), True)

    def formula(self) -> np.ndarray:
        """Text starting with '=' (after spaces): adapters hand formulas over as their text."""
        return self.back(self.is_text & self._map(str.startswith, repeat("="), dtype=bool, text=self.stripped), False)

    def length(self) -> np.ndarray:
        """Characters as SharePoint would store them: numbers and dates count as their text as shown."""
        if self.is_text.all():
            lengths = self._map(len, dtype="int64")
        else:
            shown_values = _display(pd.Series(self.uniques, dtype=object))
            lengths = np.fromiter(map(len, shown_values), dtype="int64", count=len(shown_values))
            lengths[self.is_text] = self._map(len, dtype="int64")[self.is_text]
        return self.back(lengths, 0)

    def key(self) -> np.ndarray:
        """Group number per cell of the values compared loosely (case, spacing, trailing '.' or ')' ignored)."""
        shown_values = self.uniques.copy()
        if not self.is_text.all():
            shown_values[~self.is_text] = _display(pd.Series(self.uniques[~self.is_text], dtype=object))
        lowered = np.fromiter(map(str.lower, shown_values), dtype=object, count=len(shown_values))
        trimmed = np.fromiter(map(str.strip, lowered, repeat(" \t\r\n.)")), dtype=object, count=len(lowered))
        codes, _ = pd.factorize(trimmed)
        return self.back(codes.astype("int64"), -1)

    def not_emails(self) -> np.ndarray:
        """Text that is not one or more email addresses separated by ; or , (blank parts ignored)."""
        text = pd.Series(self.text, dtype=object)
        if text.empty:
            return self.back(np.zeros(0, dtype=bool), False)
        parts = text.str.split(r"[;,]", regex=True).explode().str.strip()
        ok_part = parts.str.fullmatch(_EMAIL).fillna(False).astype(bool) | parts.eq("")
        ok = ok_part.groupby(level=0).all().to_numpy(dtype=bool)
        return self.back(~(self.is_text & ok), False)


def _display(values: pd.Series) -> np.ndarray:
    """Each cell's value as a person reads it in the Issues sheet (dates day-first)."""

    def one(v: object) -> str:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            return ""
        if isinstance(v, (datetime, pd.Timestamp)):
            return v.strftime("%d/%m/%Y") if (v.hour, v.minute, v.second) == (0, 0, 0) else v.strftime("%d/%m/%Y %H:%M")
        if isinstance(v, date):
            return v.strftime("%d/%m/%Y")
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    shown_values = np.array([one(v) for v in uniques] + [""], dtype=object)
    return shown_values.take(codes)


class _Facts:
    """The failing cells of each check, per field, for one actions frame (positional index)."""

    def __init__(self, frame: pd.DataFrame, fields: list[str]) -> None:
        self.frame = frame
        self.fields = fields
        self.fails: dict[tuple[str, str], np.ndarray] = {}
        self.other: dict[str, np.ndarray] = {}
        self.parsed: dict[str, pd.DataFrame] = {}
        self.cells: dict[str, _Cells] = {}
        for name in fields:
            self._field(name)
        if "ref" in fields:
            self._refs()
        if "revised_target" in fields and "target" in fields:
            revised = self.parsed["revised_target"]["due"].to_numpy()
            target = self.parsed["target"]["due"].to_numpy()
            earlier = ~np.isnat(revised) & ~np.isnat(target) & (revised < target)
            self.fails[("revised_target", "revised_before_target")] = earlier
            self.other["revised_before_target"] = self.parsed["target"]["due"].to_numpy()

    def _field(self, name: str) -> None:
        meta = FIELD_BY_NAME[name]
        values = self.frame[name]
        if meta.kind == "date":
            parsed = parse_dates(values)
            self.parsed[name] = parsed
            kind = parsed["kind"].to_numpy()
            blank = kind == "blank"
            formula = kind == "formula"
            self.fails[(name, "date_unreadable")] = kind == "unreadable"
            self.fails[(name, "formula")] = formula
        else:
            cells = self.cells[name] = _Cells(values)
            blank = cells.blank()
            formula = cells.formula()
            self.fails[(name, "formula")] = formula
            usable = ~blank & ~formula
            if meta.kind == "text":
                self.fails[(name, "text_too_long")] = usable & (cells.length() > SINGLE_LINE_MAX)
            if meta.kind == "status":
                known = status_codes_per_value(cells.uniques) >= 0
                self.fails[(name, "status_unknown")] = usable & ~cells.back(known, True)
            if meta.kind == "email":
                self.fails[(name, "owner_not_email")] = usable & cells.not_emails()
            if name == "ref":
                self.fails[(name, "missing_ref")] = blank
                self.ref_cells = cells
        if meta.required:
            self.fails[(name, "required")] = blank

    def _refs(self) -> None:
        blank = self.fails[("ref", "missing_ref")]
        n = len(self.frame)
        parts = [self.ref_cells.key()]
        for name in ("recommendation", "plan"):
            if name in self.frame.columns:
                cells = self.cells.get(name) or _Cells(self.frame[name])
                parts.append(cells.key())
        # Duplicates of the (plan, recommendation, ref) triple, compared loosely.
        # Duplicates of the (plan, recommendation, ref) triple, compared loosely.
        group, _ = _groups(*parts)
        dup = pd.Series(group).duplicated(keep=False).to_numpy() & ~blank
        self.fails[("ref", "duplicate_ref")] = dup
        rows = np.full(n, "", dtype=object)
        if dup.any():
            where = np.flatnonzero(dup)
            order = where[np.argsort(group[where], kind="stable")]
            bounds = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1], True])
            row_text = self.frame[ROW_COL].to_numpy()[order].astype(str)
            for start, stop in zip(bounds[:-1], bounds[1:]):
                rows[order[start:stop]] = ", ".join(row_text[start:stop])
        self.other["duplicate_ref_rows"] = rows
        rec = self.frame["recommendation"] if "recommendation" in self.frame.columns else pd.Series(None, index=self.frame.index, dtype=object)
        self.other["duplicate_ref"] = rec.to_numpy(dtype=object)


def _schema(facts: _Facts) -> pa.DataFrameSchema:
    """One pandera column per located field; each check is a named vectorised predicate."""
    columns: dict[str, pa.Column] = {}
    for name in facts.fields:
        checks = [
            pa.Check(lambda s, bad=facts.fails[(field, check)]: pd.Series(~bad, index=s.index), name=check, ignore_na=False)
            for (field, check) in facts.fails
            if field == name
        ]
        columns[name] = pa.Column(None, checks=checks, nullable=True, required=False)
    return pa.DataFrameSchema(columns)


def _failures(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["schema_context"].eq("Column") & cases["index"].notna()]
        return pd.DataFrame(
            {
                "field": cases["column"].astype(object).to_numpy(),
                "check": cases["check"].astype(object).to_numpy(),
                "pos": cases["index"].astype("int64").to_numpy(),
            }
        )
    return pd.DataFrame({"field": [], "check": [], "pos": np.array([], dtype="int64")})


def _groups(*arrays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(group number of each position, first position of each group) for equal tuples of values."""
    group = np.zeros(len(arrays[0]), dtype="int64")
    for values in arrays:
        codes, uniques = pd.factorize(values)
        group = group * (len(uniques) + 1) + codes
    group, _ = pd.factorize(group)
    first = np.full(group.max() + 1 if len(group) else 0, len(group), dtype="int64")
    np.minimum.at(first, group, np.arange(len(group)))
    return group, first


def _empty_issues() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in ISSUE_COLUMNS})
    frame["row"] = frame["row"].astype("int64")
    return frame


def validate_actions(actions: pd.DataFrame, *, columns: Mapping[str, int]) -> pd.DataFrame:
    """Check every action and return the issues frame (empty when the plan is clean).

    Args:
        actions: the actions frame (canonical fields as raw cell values, plus ``_sheet``/``_row``).
        columns: canonical field -> 1-based column number, for cell addresses.

    Returns:
        One row per problem: ``sheet, cell, row, column, field, value, check, message, fix, severity``,
        ordered by sheet, row and column. Never raises on bad data.
    """
    frame = actions.reset_index(drop=True)
    fields = [name for name in FIELD_NAMES if name in frame.columns and name in columns]
    if frame.empty or not fields:
        return _empty_issues()
    if SHEET_COL not in frame.columns:
        frame[SHEET_COL] = ""
    if ROW_COL not in frame.columns:
        frame[ROW_COL] = np.arange(2, len(frame) + 2)
    facts = _Facts(frame, fields)
    found = _failures(frame[fields], _schema(facts))
    if found.empty:
        return _empty_issues()

    pos = found["pos"].to_numpy()
    field = found["field"].to_numpy(dtype=object)
    check = found["check"].to_numpy(dtype=object)
    sheet = frame[SHEET_COL].to_numpy(dtype=object)[pos]
    sheet = np.where(pd.isna(sheet), "", sheet).astype(object)
    row = frame[ROW_COL].to_numpy(dtype="int64")[pos]
    col = pd.Series(field, dtype=object).map(dict(columns)).to_numpy(dtype="int64")

    # Cell addresses: cell_address once per (sheet, column), then the row number appended.
    group, first = _groups(sheet, col)
    prefix = np.array([cell_address(str(sheet[i]), 1, int(col[i]))[:-1] for i in first], dtype=object).take(group)
    cell = prefix + row.astype(str).astype(object)
    letter = np.array([column_letter(int(col[i])) for i in first], dtype=object).take(group)

    value = np.empty(len(pos), dtype=object)
    other = np.full(len(pos), "", dtype=object)
    rows = np.full(len(pos), "", dtype=object)
    for name in np.unique(field):
        mask = field == name
        value[mask] = _display(frame[name].iloc[pos[mask]])
    for name in ("revised_before_target", "duplicate_ref"):
        mask = check == name
        if mask.any():
            other[mask] = _display(pd.Series(facts.other[name][pos[mask]], dtype=object))
    mask = check == "duplicate_ref"
    if mask.any():
        other[mask & (other == "")] = "(none)"
        rows[mask] = facts.other["duplicate_ref_rows"][pos[mask]]

    # Wording: formatted once per distinct (check, field, value, other, rows).
    group, first = _groups(check, field, value, other, rows)
    statuses = ", ".join(STATUSES)
    texts = []
    for i in first:
        label = FIELD_BY_NAME[field[i]].label
        words = WORDING[check[i]]
        params = {
            "label": label, "lower": label.lower(), "value": shown(value[i]), "other": shown(other[i]),
            "rows": rows[i], "length": len(value[i]), "statuses": statuses,
        }
        texts.append((words.message.format(**params), words.fix.format(**params), words.severity))
    worded = np.array(texts, dtype=object).reshape(-1, 3).take(group, axis=0)
    worded = pd.DataFrame(worded, columns=["message", "fix", "severity"])

    issues = pd.DataFrame(
        {
            "sheet": sheet,
            "cell": cell,
            "row": row,
            "column": letter,
            "field": field,
            "value": value,
            "check": check,
            "message": worded["message"].to_numpy(dtype=object),
            "fix": worded["fix"].to_numpy(dtype=object),
            "severity": worded["severity"].to_numpy(dtype=object),
        }
    )
    order = pd.Series(check).map({c: i for i, c in enumerate(CHECKS)}).to_numpy()
    issues = issues.assign(_c=col, _o=order, _p=pos).sort_values(["_p", "_c", "_o"], kind="stable")
    return issues.drop(columns=["_c", "_o", "_p"]).reset_index(drop=True)


__all__ = sorted(["CHECKS", "ISSUE_COLUMNS", "validate_actions"])

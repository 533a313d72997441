"""Validation of the actions frame: a pandera schema, run lazily, turned into the issues frame.

Every failure is collected (``lazy=True``), never only the first, and bad data never raises: each
problem becomes one row of the issues frame with its sheet, cell address (``Plan!D7``), row, column
letter, field, the value as written, the check's name, a message for the person keeping the plan
(``validation.messages``), a fix and a severity (``error`` or ``warning``).

Checks (names are the ``check`` column):

==================== =====================================================================
required             action, lead or target is blank
date_unreadable      target / revised target / updated / completed is text plansync cannot read
formula              a formula where text or a date is expected
status_unknown       status is not one of ``validation.fields.STATUSES`` (case and spacing ignored)
revised_before_target revised target earlier than the target
owner_not_email      owner sign-in is not one or more email addresses separated by ``;`` or ``,``
text_too_long        more than 255 characters in a single-line field (plan, ref, lead)
duplicate_ref        the same ref twice under one recommendation (each occurrence is reported)
missing_ref          no ref (a *warning*: the row is kept and gets a generated key)
==================== =====================================================================

Only fields that have a column (``columns``) can be located, so only those are checked.
Every predicate is vectorised: values are factorised first, because council columns repeat a lot,
and each rule runs once per distinct value.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from validation.dates import parse_dates
from validation.fields import FIELD_BY_NAME, FIELD_NAMES, ROW_COL, SHEET_COL, SINGLE_LINE_MAX, STATUSES
from validation.grid import cell_address, column_letter
from validation.messages import WORDING, shown
from validation.rag import canonical_status

ISSUE_COLUMNS: tuple[str, ...] = ("sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity")

# Order in which checks on the same cell are listed.
CHECKS: tuple[str, ...] = tuple(WORDING)

_EMAIL = r"[^@\s;,<>()\[\]\"']+@[^@\s;,<>()\[\]\"']+\.[A-Za-z]{2,}"


def _uniques(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values as an object Series); code -1 stands for a missing value."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype=object)


def _back(per_unique: np.ndarray, codes: np.ndarray, missing) -> np.ndarray:
    return np.append(per_unique, np.array([missing], dtype=per_unique.dtype)).take(codes)


def _texts(uniques: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(is text, the text or '' ) for each distinct value."""
    is_text = uniques.map(type).eq(str).to_numpy(dtype=bool) if len(uniques) else np.zeros(0, dtype=bool)
    text = uniques.where(is_text, "").astype(object)
    return is_text, text


def _analyse(values: pd.Series) -> dict[str, np.ndarray]:
    """Facts about each cell of one column, computed once per distinct value."""
    codes, uniques = _uniques(values)
    is_text, text = _texts(uniques)
    stripped = text.str.strip() if len(text) else text
    blank = (is_text & stripped.eq("").to_numpy(dtype=bool)) if len(text) else np.zeros(0, dtype=bool)
    formula = (is_text & stripped.str.startswith("=").to_numpy(dtype=bool)) if len(text) else np.zeros(0, dtype=bool)
    # Length as SharePoint would store it: numbers and dates count as their text.
    length = uniques.map(lambda v: len(v) if isinstance(v, str) else len(str(v))).to_numpy(dtype="int64") if len(uniques) else np.zeros(0, dtype="int64")
    return {
        "blank": _back(blank, codes, True),
        "formula": _back(formula, codes, False),
        "length": _back(length, codes, 0),
    }


def _not_emails(values: pd.Series) -> np.ndarray:
    codes, uniques = _uniques(values)
    is_text, text = _texts(uniques)
    if not len(text):
        return np.zeros(len(values), dtype=bool)
    parts = text.str.split(r"[;,]", regex=True).explode()
    parts = parts.str.strip()
    ok_part = parts.str.fullmatch(_EMAIL) | parts.eq("")
    ok = ok_part.groupby(level=0).all().reindex(range(len(text)), fill_value=False).to_numpy(dtype=bool)
    nonempty = text.str.strip().ne("").to_numpy(dtype=bool)
    return _back(~(is_text & ok & nonempty), codes, False)


def _display(values: pd.Series) -> np.ndarray:
    """Each cell's value as a person would read it in the Issues sheet."""
    codes, uniques = _uniques(values)

    def one(v: object) -> str:
        if isinstance(v, (datetime, pd.Timestamp)):
            return v.strftime("%d/%m/%Y") if (v.hour, v.minute, v.second) == (0, 0, 0) else v.strftime("%d/%m/%Y %H:%M")
        if isinstance(v, date):
            return v.strftime("%d/%m/%Y")
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    shown_values = np.array([one(v) for v in uniques], dtype=object)
    return _back(shown_values, codes, "")


def _key(values: pd.Series) -> pd.Series:
    """A ref or recommendation compared loosely: case, spacing and a trailing '.' or ')' ignored."""
    codes, uniques = _uniques(values)
    shown_values = pd.Series(_display(pd.Series(uniques, dtype=object)), dtype=object)
    norm = shown_values.str.strip().str.lower().str.replace(r"\s+", " ", regex=True).str.rstrip(".)") if len(uniques) else shown_values
    return pd.Series(_back(norm.to_numpy(dtype=object), codes, ""), index=values.index, dtype=object)


class _Facts:
    """The failing cells of each check, per field, for one actions frame (positional index)."""

    def __init__(self, frame: pd.DataFrame, fields: list[str]) -> None:
        self.frame = frame
        self.fields = fields
        self.fails: dict[tuple[str, str], np.ndarray] = {}
        self.other: dict[str, np.ndarray] = {}
        self.parsed: dict[str, pd.DataFrame] = {}
        for name in fields:
            self._field(name)
        if "ref" in fields:
            self._refs()
        if "revised_target" in fields and "target" in fields:
            revised = self.parsed["revised_target"]["due"].to_numpy()
            target = self.parsed["target"]["due"].to_numpy()
            earlier = ~np.isnat(revised) & ~np.isnat(target) & (revised < target)
            self.fails[("revised_target", "revised_before_target")] = earlier
            self.other["revised_before_target"] = _display(pd.Series(self.parsed["target"]["due"].to_numpy(), dtype=object))

    def _field(self, name: str) -> None:
        meta = FIELD_BY_NAME[name]
        values = self.frame[name]
        facts = _analyse(values)
        blank = facts["blank"]
        if meta.kind == "date":
            parsed = parse_dates(values)
            self.parsed[name] = parsed
            kind = parsed["kind"].to_numpy()
            blank = kind == "blank"
            self.fails[(name, "date_unreadable")] = kind == "unreadable"
            self.fails[(name, "formula")] = kind == "formula"
        else:
            self.fails[(name, "formula")] = facts["formula"]
        if meta.required:
            self.fails[(name, "required")] = blank
        if meta.kind == "text":
            self.fails[(name, "text_too_long")] = (facts["length"] > SINGLE_LINE_MAX) & ~facts["formula"]
        usable = ~blank & ~facts["formula"]
        if meta.kind == "status":
            self.fails[(name, "status_unknown")] = usable & canonical_status(values).isna().to_numpy()
        if meta.kind == "email":
            self.fails[(name, "owner_not_email")] = usable & _not_emails(values)
        if name == "ref":
            self.fails[(name, "missing_ref")] = blank

    def _refs(self) -> None:
        ref = self.frame["ref"]
        blank = self.fails[("ref", "missing_ref")]
        rec = self.frame["recommendation"] if "recommendation" in self.frame.columns else pd.Series("", index=ref.index, dtype=object)
        plan = self.frame["plan"] if "plan" in self.frame.columns else pd.Series("", index=ref.index, dtype=object)
        group = _key(plan) + "\x1f" + _key(rec) + "\x1f" + _key(ref)
        dup = group.duplicated(keep=False).to_numpy() & ~blank
        self.fails[("ref", "duplicate_ref")] = dup
        rows = pd.Series("", index=ref.index, dtype=object)
        if dup.any():
            where = group[dup]
            listed = self.frame[ROW_COL][dup].astype(str).groupby(where).transform(", ".join)
            rows[dup] = listed
        self.other["duplicate_ref_rows"] = rows.to_numpy(dtype=object)
        rec_shown = _display(rec)
        self.other["duplicate_ref"] = np.where(rec_shown == "", "(none)", rec_shown).astype(object)


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
    sheet = frame[SHEET_COL].astype(object).fillna("").astype(str).to_numpy(dtype=object)[pos]
    row = frame[ROW_COL].to_numpy(dtype="int64")[pos]
    col = pd.Series(field).map(dict(columns)).to_numpy(dtype="int64")

    # Cell addresses: cell_address once per (sheet, column), then the row number appended.
    where = pd.DataFrame({"sheet": sheet, "col": col})
    prefixes = where.drop_duplicates()
    prefix_of = {(s, c): cell_address(s, 1, int(c))[:-1] for s, c in prefixes.itertuples(index=False)}
    prefix = np.array([prefix_of[k] for k in zip(sheet, col)], dtype=object) if len(prefix_of) > 1 else np.full(len(pos), next(iter(prefix_of.values())), dtype=object)
    cell = prefix + row.astype(str).astype(object)
    letter = pd.Series(col).map({c: column_letter(int(c)) for c in np.unique(col)}).to_numpy(dtype=object)

    value = np.empty(len(pos), dtype=object)
    other = np.full(len(pos), "", dtype=object)
    rows = np.full(len(pos), "", dtype=object)
    for name in np.unique(field):
        mask = field == name
        value[mask] = _display(frame[name].iloc[pos[mask]])
    for name in ("revised_before_target", "duplicate_ref"):
        mask = check == name
        if mask.any():
            other[mask] = facts.other[name][pos[mask]]
    mask = check == "duplicate_ref"
    if mask.any():
        rows[mask] = facts.other["duplicate_ref_rows"][pos[mask]]
    length = np.zeros(len(pos), dtype="int64")
    mask = check == "text_too_long"
    if mask.any():
        length[mask] = pd.Series(value[mask]).str.len().to_numpy()

    # Wording: formatted once per distinct (check, field, value, other, rows, length).
    keys = pd.DataFrame({"check": check, "field": field, "value": value, "other": other, "rows": rows, "length": length})
    distinct = keys.drop_duplicates()
    statuses = ", ".join(STATUSES)
    texts = []
    for c, f, v, o, r, n in distinct.itertuples(index=False):
        label = FIELD_BY_NAME[f].label
        words = WORDING[c]
        params = {"label": label, "lower": label.lower(), "value": shown(v), "other": shown(o), "rows": r, "length": n, "statuses": statuses}
        texts.append((words.message.format(**params), words.fix.format(**params), words.severity))
    worded = pd.DataFrame(texts, columns=["message", "fix", "severity"], index=distinct.index)
    joined = keys.merge(distinct.assign(_k=np.arange(len(distinct))), how="left", on=list(keys.columns))["_k"].to_numpy()
    worded = worded.iloc[joined]

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

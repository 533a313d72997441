"""Validation of the actions frame: the pandera checks of ``validation.rules``, turned into issues.

Every failure is collected, never only the first, and bad data never raises: each problem becomes
one row of the issues frame with its sheet, cell address (``Plan!D7``), row, column letter, field,
the value as written, the check's name, a message for the person keeping the plan
(``validation.messages``), a fix and a severity (``error``, or ``warning`` for a check declared
with ``raise_warning``).

Only fields that have a column (``columns``) can be located, so only those are checked.

Each declared check is run through pandera's check API (``Check.__call__``, which gives the check's
verdict and its failure cases) rather than ``RULES.validate``: the schema's error collection
(a ``SchemaError`` per failing check, consolidated once per column and again for the frame) costs
3-4 ms per failing check: on the benchmark's 1,000-action plan (nine kinds of mistake) 43 ms of CPU,
against 7 ms for this path (5 ms since checks that pass answer a plain True), and the plan's budget
for validate + BRAG is 20 ms. The failures are the same (``tests/test_rules.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandas.api.types import infer_dtype

from validation.facts import PlanFacts
from validation.fields import FIELD_BY_NAME, FIELD_NAMES, ROW_COL, SHEET_COL, STATUSES
from validation.grid import cell_address, column_letter
from validation.messages import WORDING, shown
from validation.rules import FRAME_CHECKS, RULES, duplicate_groups, reading

ISSUE_COLUMNS: tuple[str, ...] = ("sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity")

# Order in which checks on the same cell are listed.
CHECKS: tuple[str, ...] = tuple(WORDING)
_CHECK_ORDER = {check: i for i, check in enumerate(CHECKS)}
_STATUSES = ", ".join(STATUSES)
# pandas' text dtype ("str"), looked up once rather than by name for every column of every frame.
_TEXT = pd.api.types.pandas_dtype("str")


def _empty_issues() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in ISSUE_COLUMNS})
    frame["row"] = frame["row"].astype("int64")
    return frame


def _failing_rows(check: pa.Check, data: pd.Series | pd.DataFrame) -> np.ndarray:
    """Positions of the rows pandera reports as failure cases of ``check`` (none when it passes)."""
    result = check(data)
    if result.check_passed:
        return np.zeros(0, dtype="int64")
    return result.failure_cases.index.to_numpy(dtype="int64")


def _failures(frame: pd.DataFrame, fields: list[str]) -> list[tuple[str, pa.Check, np.ndarray]]:
    """(field, check, failing row positions) for every declared check that fails."""
    found = []
    for name in fields:
        column = frame[name]  # one Series for all the field's checks
        for check in RULES.columns[name].checks:
            found.append((name, check, _failing_rows(check, column)))
    for check in RULES.checks:
        name, needs = FRAME_CHECKS[check.name]
        if all(need in fields for need in needs):
            found.append((name, check, _failing_rows(check, frame)))
    return [(name, check, rows) for name, check, rows in found if len(rows)]


def validate_actions(actions: pd.DataFrame, *, columns: Mapping[str, int], facts: PlanFacts | None = None) -> pd.DataFrame:
    """Check every action and return the issues frame (empty when the plan is clean).

    Args:
        actions: the actions frame (canonical fields as raw cell values, plus ``_sheet``/``_row``).
        columns: canonical field -> 1-based column number, for cell addresses.
        facts: the frame already read (``PlanFacts(actions)``), when BRAG is computed too.

    Returns:
        One row per problem: ``sheet, cell, row, column, field, value, check, message, fix, severity``,
        ordered by row, then column, then check. Never raises on bad data.
    """
    frame = actions.reset_index(drop=True)
    fields = [name for name in FIELD_NAMES if name in frame.columns and name in columns]
    if frame.empty or not fields:
        return _empty_issues()
    if SHEET_COL not in frame.columns:
        frame[SHEET_COL] = ""
    if ROW_COL not in frame.columns:
        frame[ROW_COL] = np.arange(2, len(frame) + 2)
    # Facts read from another frame would answer for the wrong cells: only this frame's are used.
    facts = facts if facts is not None and facts.actions is actions else PlanFacts(frame)
    with reading(facts):
        failures = _failures(frame, fields)
    if not failures:
        return _empty_issues()
    return _issues(frame, facts, columns, failures)


def _issues(frame: pd.DataFrame, facts: PlanFacts, columns: Mapping[str, int], failures) -> pd.DataFrame:
    """The one place pandera's failure cases become the issues frame, in listing order."""
    sheet_rows = frame[ROW_COL].to_numpy()
    parts = [_worded(facts, sheet_rows, name, check, rows) for name, check, rows in failures]
    pos = np.concatenate([np.asarray(rows, dtype="int64") for _, _, rows in failures])
    field = np.concatenate([np.full(len(rows), name, dtype=object) for name, _, rows in failures])
    check = np.concatenate([np.full(len(rows), c.name, dtype=object) for _, c, rows in failures])
    col = np.concatenate([np.full(len(rows), columns[name], dtype="int64") for name, _, rows in failures])
    order = np.concatenate([np.full(len(rows), _CHECK_ORDER[c.name], dtype="int64") for _, c, rows in failures])
    listing = np.lexsort((order, col, pos))
    pos, field, check, col = pos[listing], field[listing], check[listing], col[listing]
    worded = np.concatenate(parts, axis=0)[listing]

    sheet_values = frame[SHEET_COL].to_numpy(dtype=object)[pos]
    if infer_dtype(sheet_values, skipna=False) != "string":
        sheet_values = np.array(["" if pd.isna(s) else s for s in sheet_values], dtype=object)
    sheet = sheet_values
    row = frame[ROW_COL].to_numpy(dtype="int64")[pos]
    # A cell address is the sheet and column's prefix, made once per pair, then the row number.
    prefixes: dict[tuple[object, int], str] = {}
    cell = []
    for s, c, r in zip(sheet.tolist(), col.tolist(), row.tolist()):
        prefix = prefixes.get((s, c))
        if prefix is None:
            prefix = prefixes[(s, c)] = cell_address(str(s), 1, c)[:-1]
        cell.append(prefix + str(r))
    letters = {c: column_letter(c) for c in set(col.tolist())}
    text = {
        "cell": np.array(cell, dtype=object),
        "column": np.array([letters[c] for c in col.tolist()], dtype=object),
        "field": field,
        "value": worded[:, 0],
        "check": check,
        "message": worded[:, 1],
        "fix": worded[:, 2],
        "severity": worded[:, 3],
    }
    # Text arrays rather than Series: the frame then has no indexes to align.
    out = {name: pd.array(values, dtype=_TEXT) for name, values in text.items()}
    # Sheet names are text too, unless a caller gave other values: then pandas decides, as before.
    out["sheet"] = pd.array(sheet, dtype=_TEXT) if infer_dtype(sheet, skipna=False) == "string" else sheet
    out["row"] = row
    return pd.DataFrame({name: out[name] for name in ISSUE_COLUMNS}, copy=False)


def _worded(facts: PlanFacts, sheet_rows: np.ndarray, name: str, check: pa.Check, rows: np.ndarray) -> np.ndarray:
    """Value as shown, message, fix and severity of each failure of one check (an n x 4 array);
    each distinct wording is written once."""
    words = WORDING[check.name]
    label = FIELD_BY_NAME[name].label
    cells = facts.cells(name)
    values = cells.shown_at(cells.codes[rows])
    others = _others(facts, check.name, rows)
    dup_rows = _duplicate_rows(facts, sheet_rows, rows) if check.name == "duplicate_ref" else [""] * len(rows)
    severity = "warning" if check.raise_warning else "error"
    seen: dict[tuple[str, str, str], tuple[str, str, str, str]] = {}
    out = []
    for key in zip(values.tolist(), others, dup_rows):
        found = seen.get(key)
        if found is None:
            value, other, listed = key
            params = {"label": label, "lower": label.lower(), "value": shown(value), "length": len(value), "other": shown(other), "rows": listed, "statuses": _STATUSES}
            found = seen[key] = (value, words.message.format(**params), words.fix.format(**params), severity)
        out.append(found)
    return np.array(out, dtype=object).reshape(len(out), 4)


def _others(facts: PlanFacts, check: str, rows: np.ndarray) -> list[str]:
    """The related value a check's sentence names: the target a revised target is earlier than, the
    recommendation a duplicate ref sits under ('(none)' when blank)."""
    if check == "revised_before_target":
        # Day-first from the ISO text (one numpy call) rather than a Timestamp and strftime a row.
        iso = np.datetime_as_string(facts.dates("target").due[rows].astype("datetime64[D]")).tolist()
        return [f"{day[8:10]}/{day[5:7]}/{day[:4]}" for day in iso]
    if check == "duplicate_ref":
        rec = facts.cells("recommendation")
        return [text or "(none)" for text in rec.shown_at(rec.codes[rows]).tolist()]
    return [""] * len(rows)


def _duplicate_rows(facts: PlanFacts, sheet_rows: np.ndarray, rows: np.ndarray) -> list[str]:
    """For each duplicate ref at ``rows``: the sheet rows of its group, 'r1, r2, ...' in row order."""
    group = duplicate_groups(facts)
    ref = facts.cells("ref")
    filled = ref.back(~ref.blank, False)
    listed: dict[int, list[str]] = {}
    for at in np.flatnonzero(filled & np.isin(group, group[rows])).tolist():
        listed.setdefault(int(group[at]), []).append(str(sheet_rows[at]))
    return [", ".join(listed[int(group[at])]) for at in rows.tolist()]


__all__ = sorted(["CHECKS", "ISSUE_COLUMNS", "validate_actions"])

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

How it stays fast: each column is factorised once (``validation.facts``) and each rule runs once per
distinct value. Each row's facts become one integer, a bit per (field, check) that fails; rows with
the same facts share that integer. The pandera schema then validates the *distinct* fact patterns
(a few dozen rows, one column per field with any fact set) with one check, that no bit is set, so pandera builds
failure cases per pattern, not per cell, and once rather than per rule; its verdicts are spread
back to the rows that carry each pattern, and the bits of a failing pattern name its rules. The issues frame is built
for failing cells only, and each message is worded once per distinct (check, value, other value)
(``validation.wording``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandas.api.types import infer_dtype
from pandera.errors import SchemaErrors

from validation.cells import _EMAIL, Cells, display  # noqa: F401 (_EMAIL: the benchmark loop checks owners with it)
from validation.facts import KIND_CODE, PlanFacts
from validation.fields import FIELD_BY_NAME, FIELD_NAMES, ROW_COL, SHEET_COL, SINGLE_LINE_MAX
from validation.grid import cell_address, column_letter
from validation.messages import WORDING
from validation.rag import status_codes_per_value
from validation.wording import word_issues

ISSUE_COLUMNS: tuple[str, ...] = ("sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity")

# Order in which checks on the same cell are listed.
CHECKS: tuple[str, ...] = tuple(WORDING)
_CHECK_ORDER = {check: i for i, check in enumerate(CHECKS)}



def _cell_fails(facts: PlanFacts, name: str) -> tuple[dict[str, np.ndarray], dict[str, bool]]:
    """Per distinct value of one field: which per-value checks fail, and their answer for a missing cell."""
    meta = FIELD_BY_NAME[name]
    fails: dict[str, np.ndarray] = {}
    missing: dict[str, bool] = {}
    if meta.kind == "date":
        kind = facts.dates(name).unique_kind
        blank = kind == KIND_CODE["blank"]
        fails["date_unreadable"], missing["date_unreadable"] = kind == KIND_CODE["unreadable"], False
        fails["formula"], missing["formula"] = kind == KIND_CODE["formula"], False
    else:
        cells = facts.cells(name)
        blank, formula = cells.blank, cells.formula
        fails["formula"], missing["formula"] = formula, False
        usable = ~blank & ~formula
        if meta.kind == "text":
            fails["text_too_long"], missing["text_too_long"] = usable & (cells.length > SINGLE_LINE_MAX), False
        if meta.kind == "status":
            fails["status_unknown"], missing["status_unknown"] = usable & (status_codes_per_value(cells.uniques) < 0), False
        if meta.kind == "email":
            fails["owner_not_email"], missing["owner_not_email"] = usable & cells.not_emails, False
        if name == "ref":
            fails["missing_ref"], missing["missing_ref"] = blank, True
    if meta.required:
        fails["required"], missing["required"] = blank, True
    return fails, missing


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


class _Duplicates:
    """Rows whose (plan, recommendation, ref) is shared with another row, compared loosely."""

    def __init__(self, facts: PlanFacts, frame: pd.DataFrame, ref_blank: np.ndarray) -> None:
        ref = facts.cells("ref")
        loose_ref = ref.back(ref.loose, -1)
        # Only a row whose ref (compared loosely) is on another row too can share the whole key, and
        # refs are mostly distinct: the key is built for those rows alone (group -1 for the rest).
        shared = np.bincount(loose_ref + 1).take(loose_ref + 1) > 1
        maybe = np.flatnonzero(shared & ~ref_blank)
        key = loose_ref[maybe]
        # Keys combine in mixed radix; |key| < bound. Renumbered (factorize) only when the next
        # radix could overflow int64, so usually just once, at the end.
        bound = len(ref.uniques) + 1
        for name in ("recommendation", "plan"):
            if name in frame.columns:
                cells = facts.cells(name)
                codes = np.append(cells.loose, -1).take(cells.codes[maybe])  # Cells.back for these rows only
                radix = len(cells.uniques) + 2
                if bound * radix + radix >= 2**62:
                    key, renumbered = pd.factorize(key)
                    bound = len(renumbered) + 1
                key = key * radix + codes + 1
                bound = bound * radix + radix
        group, _ = pd.factorize(key)
        self.group = np.full(len(loose_ref), -1, dtype="int64")
        self.group[maybe] = group
        self.rows = np.zeros(len(loose_ref), dtype=bool)
        self.rows[maybe] = np.bincount(group, minlength=1).take(group) > 1
        self._row_numbers = frame[ROW_COL].to_numpy()

    def row_list(self, positions: np.ndarray) -> np.ndarray:
        """For duplicate rows at ``positions``: 'r1, r2, ...' of their group, in row order."""
        where = np.flatnonzero(self.rows)
        if not len(positions) or not len(where):
            return np.zeros(0, dtype=object)
        order = where[np.argsort(self.group[where], kind="stable")]
        groups = self.group[order]
        bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
        row_text = self._row_numbers[order].astype(str)
        by_group = {int(groups[start]): ", ".join(row_text[start:stop]) for start, stop in zip(bounds[:-1], bounds[1:])}
        return np.array([by_group[int(g)] for g in self.group[positions]], dtype=object)


@lru_cache(maxsize=32)
def _schema(fields: tuple[str, ...]) -> pa.DataFrameSchema:
    """One pandera column per located field, holding that field's fact bits, and one check that each
    pattern has no bit set. One check over the whole pattern frame rather than one per (field, check):
    pandera builds failure cases once per failing check (~1.3 ms each), and the bits already say which
    rule failed, so per-rule checks only repeated that work a dozen times. Built once per tuple of
    located fields (building it took ~1 ms a call); validating with it does not change it."""
    columns = {name: pa.Column("int64", nullable=False, required=False) for name in fields}
    no_fact_fails = pa.Check(lambda patterns: (patterns == 0).all(axis=1), name="facts", ignore_na=False)
    return pa.DataFrameSchema(columns, checks=[no_fact_fails])


def _failing(patterns: pd.DataFrame, schema: pa.DataFrameSchema, rule_bits: np.ndarray) -> np.ndarray:
    """Pandera's verdict per distinct pattern, spread over the rules whose bits the failing patterns
    carry: a (patterns x rules) table, True where a check failed."""
    failed = np.zeros(len(patterns), dtype=bool)
    try:
        schema.validate(patterns, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["check"].eq("facts") & cases["index"].notna()]
        failed[cases["index"].astype("int64").to_numpy()] = True
    combined = np.bitwise_or.reduce(patterns.to_numpy(dtype="int64"), axis=1) if len(patterns.columns) else np.zeros(len(patterns), dtype="int64")
    return failed[:, None] & ((combined[:, None] & rule_bits[None, :]) != 0)


def _empty_issues() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in ISSUE_COLUMNS})
    frame["row"] = frame["row"].astype("int64")
    return frame


def validate_actions(actions: pd.DataFrame, *, columns: Mapping[str, int], facts: PlanFacts | None = None) -> pd.DataFrame:
    """Check every action and return the issues frame (empty when the plan is clean).

    Args:
        actions: the actions frame (canonical fields as raw cell values, plus ``_sheet``/``_row``).
        columns: canonical field -> 1-based column number, for cell addresses.
        facts: the frame already read (``PlanFacts(actions)``), when BRAG is computed too.

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
    # Facts read from another frame would answer for the wrong cells: only this frame's are used.
    facts = facts if facts is not None and facts.actions is actions else PlanFacts(frame)

    per_value = {name: _cell_fails(facts, name) for name in fields}
    rules = [(name, check) for name in fields for check in per_value[name][0]]
    if "ref" in fields:
        rules.append(("ref", "duplicate_ref"))
    if "revised_target" in fields and "target" in fields:
        rules.append(("revised_target", "revised_before_target"))
    # Bit order is the order issues are listed in within a row: by column, then by check.
    rules.sort(key=lambda rule: (columns[rule[0]], _CHECK_ORDER[rule[1]]))
    bit = {rule: np.int64(1) << np.int64(b) for b, rule in enumerate(rules)}

    mask = np.zeros(len(frame), dtype="int64")
    for name, (fails, missing) in per_value.items():
        unique_mask = np.zeros(len(facts.cells(name).uniques), dtype="int64")
        missing_mask = np.int64(0)
        for check, failed in fails.items():
            unique_mask |= np.where(failed, bit[(name, check)], np.int64(0))
            missing_mask |= bit[(name, check)] if missing[check] else np.int64(0)
        if missing_mask or unique_mask.any():  # a clean column (the usual case) adds nothing
            mask |= facts.cells(name).back(unique_mask, missing_mask)
    dups = None
    if "ref" in fields:
        ref_blank = facts.cells("ref").back(facts.cells("ref").blank, True)
        dups = _Duplicates(facts, frame, ref_blank)
        mask |= np.where(dups.rows, bit[("ref", "duplicate_ref")], np.int64(0))
    if ("revised_target", "revised_before_target") in bit:
        revised, target = facts.dates("revised_target").due, facts.dates("target").due
        earlier = ~np.isnat(revised) & ~np.isnat(target) & (revised < target)
        mask |= np.where(earlier, bit[("revised_target", "revised_before_target")], np.int64(0))

    # Pandera over the distinct fact patterns, one column per field holding that field's bits. A
    # field none of whose bits is set anywhere (a clean column) cannot fail: it gets no column, as
    # pandera's checks cost ~0.1 ms a column.
    pattern_of_row, patterns = pd.factorize(mask)
    patterns = np.asarray(patterns, dtype="int64")
    field_bits = {name: np.int64(sum(int(b) for (f, _), b in bit.items() if f == name)) for name in fields}
    seen = np.bitwise_or.reduce(patterns) if len(patterns) else np.int64(0)
    failing_fields = tuple(name for name in fields if seen & field_bits[name])
    pattern_frame = pd.DataFrame({name: patterns & field_bits[name] for name in failing_fields}, index=pd.RangeIndex(len(patterns)))
    table = _failing(pattern_frame, _schema(failing_fields), np.array([bit[rule] for rule in rules], dtype="int64"))
    pos, rule_at = _failures(table, pattern_of_row)
    if not len(pos):
        return _empty_issues()
    return _issues(frame, facts, columns, rules, pos, rule_at, dups)


def _failures(table: np.ndarray, pattern_of_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each (row position, rule number) that failed, by row then rule: each failing row repeats its
    pattern's list of failed rules (no per-row copy of the patterns x rules table)."""
    per_pattern = table.sum(axis=1)
    count = per_pattern.take(pattern_of_row)
    bad = np.flatnonzero(count)
    count = count[bad]
    pos = np.repeat(bad, count)
    _, rules_failed = np.nonzero(table)  # by pattern, then rule
    list_start = np.cumsum(per_pattern) - per_pattern
    # Where each failure sits in its pattern's list: 0, 1, ... within each failing row.
    nth = np.arange(len(pos)) - np.repeat(np.cumsum(count) - count, count)
    return pos, rules_failed.take(np.repeat(list_start.take(pattern_of_row[bad]), count) + nth)


def _where_rule(rules: list[tuple[str, str]], rule_at: np.ndarray, rule: tuple[str, str]) -> np.ndarray:
    """Positions (into ``rule_at``) of the failures of one rule; none when it was not checked."""
    return np.flatnonzero(rule_at == rules.index(rule)) if rule in rules else np.zeros(0, dtype="int64")


def _issues(frame, facts: PlanFacts, columns, rules, pos: np.ndarray, rule_at: np.ndarray, dups) -> pd.DataFrame:
    """The issues frame for the failing (row position, rule) pairs, already in listing order."""
    rule_field = np.array([f for f, _ in rules], dtype=object)
    rule_check = np.array([c for _, c in rules], dtype=object)
    rule_col = np.array([columns[f] for f, _ in rules], dtype="int64")
    field = rule_field.take(rule_at)
    check = rule_check.take(rule_at)
    col = rule_col.take(rule_at)
    # Sheet names factorised: a missing one (code -1) reads as ''.
    sheet_code, sheets = pd.factorize(frame[SHEET_COL].iloc[pos].to_numpy(dtype=object))
    sheet = np.append(np.asarray(sheets, dtype=object), "").take(sheet_code)
    row = frame[ROW_COL].to_numpy(dtype="int64")[pos]

    # Cell addresses: cell_address once per (sheet, column), then the row number appended (a list
    # comprehension: numpy's object '+' and str conversion of the rows cost more).
    group, first = _groups(sheet_code, col)
    prefix = [cell_address(str(sheet[i]), 1, int(col[i]))[:-1] for i in first]
    cell = np.array([prefix[g] + str(r) for g, r in zip(group.tolist(), row.tolist())], dtype=object)
    letter = np.array([column_letter(int(c)) for c in rule_col], dtype=object).take(rule_at)

    # What the wording depends on, as integer codes: the cell's distinct value, the other value
    # (the target a revised target is compared with, the recommendation of a duplicate ref) and,
    # for duplicates, their group. Rules are told apart by their number, not by comparing texts.
    value_code = np.full(len(pos), -1, dtype="int64")
    names = list(dict.fromkeys(name for name, _ in rules))
    name_at = np.array([names.index(name) for name, _ in rules], dtype="int64").take(rule_at)
    for k, name in enumerate(names):
        here = np.flatnonzero(name_at == k)
        if len(here):
            value_code[here] = facts.cells(name).codes[pos[here]]
    other_code = np.full(len(pos), -2, dtype="int64")
    dup_group = np.full(len(pos), -1, dtype="int64")
    is_revised = _where_rule(rules, rule_at, ("revised_target", "revised_before_target"))
    if len(is_revised):
        other_code[is_revised] = facts.cells("target").codes[pos[is_revised]]
    is_dup = _where_rule(rules, rule_at, ("ref", "duplicate_ref"))
    if len(is_dup):
        other_code[is_dup] = facts.cells("recommendation").codes[pos[is_dup]]
        dup_group[is_dup] = dups.group[pos[is_dup]]
    group, first = _groups(rule_at, value_code, other_code, dup_group)

    worded = word_issues(facts, dups, field.take(first), check.take(first), value_code.take(first), other_code.take(first), pos.take(first))
    worded = worded.take(group, axis=0)
    # Text columns are given pandas' text dtype ("str", what it would infer) rather than left to
    # inference, which also reads every value looking for dates: ~0.2 ms a column.
    text = {
        "cell": cell,
        "column": letter,
        "field": field,
        "value": worded[:, 0],
        "check": check,
        "message": worded[:, 1],
        "fix": worded[:, 2],
        "severity": worded[:, 3],
    }
    columns_out = {name: pd.Series(values, dtype="str", copy=False) for name, values in text.items()}
    # Sheet names are text too, unless a caller gave other values: then pandas decides, as before.
    columns_out["sheet"] = pd.Series(sheet, dtype="str", copy=False) if infer_dtype(sheet, skipna=False) == "string" else sheet
    columns_out["row"] = row
    return pd.DataFrame({name: columns_out[name] for name in ISSUE_COLUMNS}, copy=False)  # new arrays: no copy needed


__all__ = sorted(["CHECKS", "ISSUE_COLUMNS", "validate_actions"])

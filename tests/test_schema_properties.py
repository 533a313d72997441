"""Properties: any cell values at all never crash validation, and every invalid cell is reported at its
address (and nothing else is). The expected issues come from a plain per-cell reading of the rules."""

import math
import re
from datetime import date, datetime, timezone

import numpy as np

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validation.date_columns import parse_dates
from validation.dates import parse_date
from validation.fields import FIELD_BY_NAME, SINGLE_LINE_MAX, STATUSES
from validation.grid import cell_address
from validation.rag import compute_rag
from validation.revised import _revised_in, find_revised_date
from validation.schema import ISSUE_COLUMNS, validate_actions

FIELDS = ("plan", "recommendation", "ref", "action", "lead", "owner", "target", "revised_target", "status", "progress", "updated", "completed")
COLUMNS = {name: i + 2 for i, name in enumerate(FIELDS)}  # starts at column B
SHEET = "Action Plan"
FIRST_ROW = 3

_MONTHS = ["January", "Feb", "March", "Sept", "Sep", "july", "DECEMBER", "Jully", "Jun"]
date_like = st.one_of(
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(0, 40), st.integers(0, 14), st.sampled_from(["2022", "22", "1899", "2300", "0022"])),
    st.builds(lambda m, y: f"{m} {y}", st.sampled_from(_MONTHS), st.integers(1890, 2310)),
    st.builds(lambda d, m, y: f"{d}st {m} {y}", st.integers(0, 35), st.sampled_from(_MONTHS), st.sampled_from(["2022", "2013"])),
    st.builds(lambda q, y, fy: f"Q{q} {y}{fy}", st.integers(0, 5), st.sampled_from(["2013", "2022"]), st.sampled_from(["", "/14", "-23"])),
    st.builds(
        lambda a, b, c: f"{a} {b} {c}",
        st.sampled_from(["By when:", "End of", "During Q3 (by end of", "LLG to be established by", "Monthly from", "Revised timescale of"]),
        st.sampled_from(["July 2022", "31/02/2022", "Q4 2013", "Sept-ish 2022", "01/07/22", ""]),
        st.sampled_from(["", ")", "Complete June 2018", "complete", "to be confirmed", "weekly", "."]),
    ),
    st.sampled_from(["Ongoing", "Quarterly reporting", "To be confirmed", "Completed.", "May 2018 Complete June 2018", "TBC", "=TODAY()+7", " ", ""]),
)
cell_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(min_size=250, max_size=600),  # huge strings
    st.builds(lambda t: "=" + t, st.text(max_size=10)),  # formulas
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2400, 1, 1)),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)),
    st.builds(np.datetime64, st.sampled_from(["2022-07-01", "1615-01-01", "2300-12-31"])),
    date_like,
    st.sampled_from([*STATUSES, "on track", "Done", "a@b.org", "a@b.org; c@d.gov.uk", "Jane Smith", "1.1", "1.1.", "a)"]),
)


@st.composite
def action_frames(draw):
    n = draw(st.integers(1, 8))
    rows = [{name: draw(cell_values) for name in FIELDS} for _ in range(n)]
    frame = pd.DataFrame(rows, columns=list(FIELDS), dtype=object)
    frame["_sheet"] = SHEET
    frame["_row"] = pd.Series(range(FIRST_ROW, FIRST_ROW + n), dtype="int64")
    return frame


# ---- the rules, read cell by cell ---------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s;,<>()\[\]\"']+@[^@\s;,<>()\[\]\"']+\.[A-Za-z]{2,}")


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _blank(v) -> bool:
    return _missing(v) or (isinstance(v, str) and not v.strip())


def _formula(v) -> bool:
    return isinstance(v, str) and v.strip().startswith("=")


def _shown(v) -> str:
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y") if (v.hour, v.minute, v.second) == (0, 0, 0) else v.strftime("%d/%m/%Y %H:%M")
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if _missing(v) else str(v)


def expected_issues(frame: pd.DataFrame) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    refs: dict[tuple, list[str]] = {}
    statuses = {s.lower() for s in STATUSES}
    for rec in frame.to_dict("records"):
        def at(name):
            return cell_address(SHEET, rec["_row"], COLUMNS[name])

        parsed = {}
        for name in FIELDS:
            v = rec[name]
            kind = FIELD_BY_NAME[name].kind
            if kind == "date":
                parsed[name] = parse_date(v)
                if parsed[name].kind in ("unreadable", "formula"):
                    found.add((at(name), "date_unreadable" if parsed[name].kind == "unreadable" else "formula"))
                blank = parsed[name].kind == "blank"
            else:
                blank = _blank(v)
                if _formula(v):
                    found.add((at(name), "formula"))
            if FIELD_BY_NAME[name].required and blank:
                found.add((at(name), "required"))
            usable = not blank and not _formula(v)
            if kind == "text" and usable and len(_shown(v)) > SINGLE_LINE_MAX:
                found.add((at(name), "text_too_long"))
            if kind == "status" and usable and not (isinstance(v, str) and " ".join(v.split()).lower() in statuses):
                found.add((at(name), "status_unknown"))
            if kind == "email" and usable:
                parts = [p.strip() for p in re.split(r"[;,]", v)] if isinstance(v, str) else [None]
                if not all(p == "" or (p is not None and _EMAIL.fullmatch(p)) for p in parts):
                    found.add((at(name), "owner_not_email"))
        t, r = parsed["target"].due, parsed["revised_target"].due
        if not pd.isna(t) and not pd.isna(r) and r < t:
            found.add((at("revised_target"), "revised_before_target"))
        if _blank(rec["ref"]):
            found.add((at("ref"), "missing_ref"))
        else:
            key = tuple(_shown(rec[k]).lower().strip(" \t\r\n.)") for k in ("ref", "recommendation", "plan"))
            refs.setdefault(key, []).append(at("ref"))
    for cells in refs.values():
        if len(cells) > 1:
            found.update((cell, "duplicate_ref") for cell in cells)
    return found


# ---- properties ---------------------------------------------------------------------------------

PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(action_frames())
def test_random_cells_never_crash_validation_and_every_invalid_cell_is_reported_at_its_address(frame):
    issues = validate_actions(frame, columns=COLUMNS)
    assert list(ISSUE_COLUMNS) == issues.columns.tolist()
    assert expected_issues(frame) == set(zip(issues["cell"], issues["check"]))
    assert len(issues) == len(set(zip(issues["cell"], issues["check"])))  # each problem once
    assert issues["message"].map(lambda m: isinstance(m, str) and m.endswith(".")).all()
    assert set(issues["severity"]) <= {"error", "warning"}


@PROPERTY
@given(action_frames())
def test_random_cells_never_crash_brag(frame):
    rated = compute_rag(frame, today=date(2022, 11, 14))
    assert set(rated["rag"]) <= {"Blue", "Green", "Amber", "Red"}
    assert (rated["overdue"] == rated["days_overdue"].notna()).all()
    assert not (rated["overdue"] & rated["complete"]).any()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(date_like, cell_values), min_size=1, max_size=12))
def test_reading_a_column_at_once_agrees_with_reading_each_cell(values):
    column = parse_dates(pd.Series(values, dtype=object))
    for value, (due, kind, completed) in zip(values, column.itertuples(index=False, name=None)):
        one = parse_date(value)
        assert (one.kind, one.due, one.completed) == (kind, due, completed) or (
            one.kind == kind and pd.isna(one.due) == pd.isna(due) and pd.isna(one.completed) == pd.isna(completed)
            and (pd.isna(due) or one.due == due) and (pd.isna(completed) or one.completed == completed)
        ), value


revised_texts = st.builds(
    lambda a, b, c: f"{a}{b}{c}",
    st.sampled_from(["", "Update: ", "x" * 70, "Progress slipped.\n"]),
    st.sampled_from(["Revised timescale of ", "Timescale likely now to be ", "Deadline extended to ", "revised target ", "now expected "]),
    st.one_of(date_like, st.text(max_size=20)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(revised_texts, cell_values), min_size=1, max_size=8))
def test_finding_revised_dates_in_a_column_agrees_with_reading_each_text(values):
    column = find_revised_date(pd.Series(values, dtype=object))
    expected = [_revised_in(v) for v in values]
    assert [None if pd.isna(v) else v for v in expected] == [None if pd.isna(v) else v for v in column]

"""Every rule a row of an action plan must meet, declared as one pandera schema: ``RULES``.

Each rule is a named, vectorised pandera check (a function of a column, or of the frame for rules
that compare columns, returning True for each row that passes, aligned to the index, or plain
True when every row passes: pandera then has no failure cases to look for). Its ``description`` is the
message the Issues sheet shows (``validation.messages``), and a check that only warns says so
with ``raise_warning``. ``validation.schema`` runs these checks and turns pandera's failure cases
into the issues frame.

===================== ====================== ====================================================
check                 fields                 fails when
===================== ====================== ====================================================
required              action, lead, target   the cell is blank
date_unreadable       every date field       text plansync cannot read as a date
formula               every typed field      a formula where text or a date is expected
status_unknown        status                 not one of ``validation.fields.STATUSES`` (case and
                                             spacing ignored)
revised_before_target revised_target         earlier than the target (a frame check)
owner_not_email       owner                  not one or more email addresses separated by ; or ,
text_too_long         plan, ref, lead        more than 255 characters (a SharePoint single line)
duplicate_ref         ref                    the same ref (compared loosely) twice under one
                                             recommendation of one plan (a frame check)
missing_ref           ref                    no ref (a warning: the row gets a generated key)
===================== ====================== ====================================================

Speed lives inside the checks: each reads its column through ``validation.facts.PlanFacts``, which
factorises a column once and reads each distinct value once. ``validation.schema`` lends the checks
the reading it shares with BRAG (``reading``); a check run without one (``RULES.validate(frame)``
by hand) reads the values it is given.

    >>> RULES.validate(actions, lazy=True)                           # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd
import pandera.pandas as pa

from validation.cells import Cells
from validation.facts import KIND_CODE, DateFacts, PlanFacts
from validation.fields import SINGLE_LINE_MAX
from validation.messages import WORDING
from validation.rag import status_codes_per_value

_READING: ContextVar[PlanFacts | None] = ContextVar("plansync_reading", default=None)


@contextmanager
def reading(facts: PlanFacts) -> Iterator[None]:
    """Checks run inside read their columns from ``facts`` (the frame being validated, read once)."""
    token = _READING.set(facts)
    try:
        yield
    finally:
        _READING.reset(token)


def _facts(data: pd.Series | pd.DataFrame) -> PlanFacts:
    facts = _READING.get()
    if facts is not None and facts.rows == len(data):
        return facts
    return PlanFacts(data.to_frame() if isinstance(data, pd.Series) else data)


def _cells(values: pd.Series) -> Cells:
    return _facts(values).cells(values.name)


def _dates(values: pd.Series) -> DateFacts:
    return _facts(values).dates(values.name)


def _rows(values, per_row: np.ndarray) -> pd.Series | bool:
    """The check's verdict per row, aligned to the index; just True when every row passes (pandera
    reads a scalar verdict without looking for failure cases, and most checks pass)."""
    if per_row.all():
        return True
    return pd.Series(per_row, index=values.index, copy=False)


# ---- checks of one column: True where the row passes ---------------------------------------------


def filled_in(values: pd.Series) -> pd.Series:
    cells = _cells(values)
    return _rows(values, cells.back(~cells.blank, False))


def date_filled_in(values: pd.Series) -> pd.Series:
    return _rows(values, _dates(values).kind != KIND_CODE["blank"])


def readable_date(values: pd.Series) -> pd.Series:
    return _rows(values, _dates(values).kind != KIND_CODE["unreadable"])


def date_not_formula(values: pd.Series) -> pd.Series:
    return _rows(values, _dates(values).kind != KIND_CODE["formula"])


def not_formula(values: pd.Series) -> pd.Series:
    cells = _cells(values)
    return _rows(values, cells.back(~cells.formula, True))


def _typed(cells: Cells, ok: np.ndarray) -> np.ndarray:
    """A rule on the value itself: blanks and formulas pass (other rules speak for them)."""
    return cells.back(ok | cells.blank | cells.formula, True)


def known_status(values: pd.Series) -> pd.Series:
    cells = _cells(values)
    return _rows(values, _typed(cells, status_codes_per_value(cells.uniques) >= 0))


def email_addresses(values: pd.Series) -> pd.Series:
    cells = _cells(values)
    return _rows(values, _typed(cells, cells.emails))


def fits_single_line(values: pd.Series) -> pd.Series:
    cells = _cells(values)
    return _rows(values, _typed(cells, cells.length <= SINGLE_LINE_MAX))


def has_ref(values: pd.Series) -> pd.Series:
    return filled_in(values)


# ---- checks of the frame -------------------------------------------------------------------------


def revised_not_before_target(frame: pd.DataFrame) -> pd.Series:
    facts = _facts(frame)
    revised, target = facts.dates("revised_target").due, facts.dates("target").due
    return _rows(frame, ~(revised < target))  # NaT compares False: a missing date passes


def duplicate_groups(facts: PlanFacts) -> np.ndarray:
    """Per row, a number shared by rows whose (plan, recommendation, ref) read the same loosely
    (worked out once per reading: the issues name each duplicate's group too)."""
    found = facts.derived.get("duplicate_groups")
    if found is None:
        found = np.zeros(facts.rows, dtype="int64")
        for name in ("plan", "recommendation", "ref"):
            loose = facts.cells(name).loose_at_rows()
            found = pd.factorize(found * (int(loose.max(initial=0)) + 1) + loose)[0].astype("int64")
        facts.derived["duplicate_groups"] = found
    return found


def ref_unique(frame: pd.DataFrame) -> pd.Series:
    facts = _facts(frame)
    ref = facts.cells("ref")
    filled = ref.back(~ref.blank, False)
    group = duplicate_groups(facts)
    # Rows without a ref are not counted: they get a missing_ref warning and a generated key.
    shared = np.bincount(group, weights=filled).take(group) > 1
    return _rows(frame, ~(shared & filled))


# ---- the schema ----------------------------------------------------------------------------------


def _check(fn, name: str) -> pa.Check:
    words = WORDING[name]
    return pa.Check(fn, name=name, description=words.message, ignore_na=False, raise_warning=words.severity == "warning")


def _column(*checks: pa.Check) -> pa.Column:
    return pa.Column(checks=list(checks), nullable=True, required=False)


# Each check once, under its name; a field lists its checks in the order issues on one cell are listed.
REQUIRED = _check(filled_in, "required")
REQUIRED_DATE = _check(date_filled_in, "required")
READABLE_DATE = _check(readable_date, "date_unreadable")
NO_FORMULA = _check(not_formula, "formula")
NO_DATE_FORMULA = _check(date_not_formula, "formula")
KNOWN_STATUS = _check(known_status, "status_unknown")
EMAILS = _check(email_addresses, "owner_not_email")
SINGLE_LINE = _check(fits_single_line, "text_too_long")
HAS_REF = _check(has_ref, "missing_ref")

RULES = pa.DataFrameSchema(
    {
        "plan": _column(NO_FORMULA, SINGLE_LINE),
        "recommendation": _column(NO_FORMULA),
        "ref": _column(NO_FORMULA, SINGLE_LINE, HAS_REF),
        "action": _column(REQUIRED, NO_FORMULA),
        "lead": _column(REQUIRED, NO_FORMULA, SINGLE_LINE),
        "owner": _column(NO_FORMULA, EMAILS),
        "target": _column(REQUIRED_DATE, READABLE_DATE, NO_DATE_FORMULA),
        "revised_target": _column(READABLE_DATE, NO_DATE_FORMULA),
        "status": _column(NO_FORMULA, KNOWN_STATUS),
        "progress": _column(NO_FORMULA),
        "updated": _column(READABLE_DATE, NO_DATE_FORMULA),
        "completed": _column(READABLE_DATE, NO_DATE_FORMULA),
        "signed_off_on": _column(READABLE_DATE, NO_DATE_FORMULA),
        "signed_off_by": _column(NO_FORMULA, SINGLE_LINE),
    },
    checks=[_check(revised_not_before_target, "revised_before_target"), _check(ref_unique, "duplicate_ref")],
    name="action plan rows",
)

# The field a frame check's failures are reported at, and the fields it needs located.
FRAME_CHECKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "revised_before_target": ("revised_target", ("revised_target", "target")),
    "duplicate_ref": ("ref", ("ref",)),
}

__all__ = sorted(["FRAME_CHECKS", "RULES", "duplicate_groups", "reading"])

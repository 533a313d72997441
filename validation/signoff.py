"""Sign-off at the evidence panel (issue 16): who may sign off, and when an action was signed off (pure).

Councils close an action in two steps: the lead says it is **Complete**, then a panel approves the
evidence and the action is **Signed off** (``Action Complete. Sign off approved at the Evidence
Challenge Panel on 14 November 2022``). Both are Blue; a board asks for them apart.

- ``sign_off(actions, rag)``: per action, whether it is signed off, on which date and by whom:
  the 'Signed off on' / 'Signed off by' columns when the workbook has them, else the date the
  progress text gives for the approval.
- ``may_sign_off(user, signers)``: the one rule for who may set or undo Signed off. ``signers`` is
  the set of sign-ins with a sign-off-capable role; the sync command passes its support role for
  now, and the list's roles (issue 15) feed the same set when they exist.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime

import numpy as np
import pandas as pd

from validation.dates import month_number, parse_date

SIGNED_OFF = "Signed off"
COMPLETE = "Complete"

SIGN_OFF_REFUSED = (
    "only the support role (or a sign-off role) may set or undo Signed off: the panel signs an action off, "
    "not its lead. Set the status back to {previous!r}, or ask {signers} to sign it off."
)

_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}
_MONTH_RE = "|".join(sorted({m for m in _MONTHS} | {m[:3] for m in _MONTHS} | {"sept"}, key=len, reverse=True))
# The approval phrase, then (within a sentence or two) the first date after it.
_APPROVED = re.compile(r"\bsign(?:ed)?[\s-]*off\b[^.]{0,20}?\bapproved\b|\bsigned[\s-]*off\b", re.I)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})\s*(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?,?\s+(\d{{4}})\b|\b(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})\b", re.I
)


def may_sign_off(user: str, signers: Collection[str]) -> bool:
    """Whether ``user`` may set or undo Signed off: one of ``signers`` (sign-ins, any case)."""
    return (user or "").strip().lower() in {s.strip().lower() for s in signers}


def approval_date(text: object) -> date | None:
    """The date a progress text says sign-off was approved on, or None.

    >>> approval_date("Action Complete Sign off approved at the Evidence Challenge Panel on the 14 November 2022")
    datetime.date(2022, 11, 14)
    """
    if not isinstance(text, str):
        return None
    found = _APPROVED.search(text)
    if not found:
        return None
    match = _DAY_MONTH_YEAR.search(text, found.end(), found.end() + 200)
    if not match:
        return None
    try:
        if match.group(1):
            month = month_number(match.group(2))
            return date(int(match.group(3)), month, int(match.group(1)))
        return date(int(match.group(6)), int(match.group(5)), int(match.group(4)))  # day first (UK)
    except ValueError:
        return None


def sign_off(actions: pd.DataFrame, rag: pd.DataFrame) -> pd.DataFrame:
    """Per action (index-aligned): ``signed_off`` (bool), ``awaiting_sign_off`` (Complete, not signed
    off), ``signed_off_on`` (datetime64, NaT when unknown) and ``signed_off_by`` (text or None)."""
    status = rag["status"].astype(object)
    signed = status.eq(SIGNED_OFF).fillna(False).astype(bool)
    complete = rag["complete"].astype(bool)
    blank = pd.Series(None, index=actions.index, dtype=object)
    given = actions["signed_off_on"] if "signed_off_on" in actions else blank
    by = actions["signed_off_by"] if "signed_off_by" in actions else blank
    progress = actions["progress"] if "progress" in actions else blank
    # Each distinct text is read once: a plan repeats the same sign-off sentence for many actions.
    stated = progress.map({t: approval_date(t) for t in pd.unique(progress.dropna().to_numpy(dtype=object))})
    written = given.map(lambda v: parse_date(v).due if v is not None and v == v else pd.NaT)
    on = pd.to_datetime(written.where(written.notna(), stated.map(lambda d: pd.Timestamp(d) if d else pd.NaT)))
    return pd.DataFrame(
        {
            "signed_off": signed,
            "awaiting_sign_off": complete & ~signed,
            "signed_off_on": on.where(signed, pd.NaT).astype("datetime64[ns]"),
            "signed_off_by": by.where(signed & by.notna(), None).astype(object),
        },
        index=actions.index,
    )


def as_day(value: object) -> str | None:
    """A sign-off date as ISO text for JSON, None when unknown."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date().isoformat()
    return str(value)


__all__ = sorted(["COMPLETE", "SIGNED_OFF", "SIGN_OFF_REFUSED", "approval_date", "as_day", "may_sign_off", "sign_off"])

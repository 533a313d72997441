"""BRAG (Blue/Red/Amber/Green), due date and overdue flags for every action (DESIGN §5).

Rules, evaluated in this order, first match wins (``today`` is always passed in):

1. **Blue**  complete: status Complete or Signed off; or, when no status is given, the progress
   text says complete; or the target text says complete (``May 2018 Complete June 2018``,
   ``Completed.``); or a completed date is set.
2. **Red**   not complete and the effective due date (revised target if any, else target) is before
   today; or status Off track.
3. **Amber** due within the amber window (today .. today + ``amber_days``); or status At risk; or the
   plan slipped (revised target later than target).
4. **Green** everything else, including undated recurring and "to be confirmed" actions.

Overdue = not complete and effective due date before today; days overdue = today - due.
Recurring and to-be-confirmed actions have no due date, so they are never overdue.
A revised target comes from the revised target column, else from the progress text
(``Revised timescale of January 2014``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from validation.dates import find_revised_date, parse_dates
from validation.fields import COMPLETE_STATUSES, STATUSES
from validation.status import StatusKeywords, infer_status

RAG_COLUMNS: tuple[str, ...] = (
    "due",
    "due_kind",
    "rag",
    "overdue",
    "days_overdue",
    "complete",
    "status",
    "revised_target",
    "completed",
)

_STATUS_BY_LOWER = {s.lower(): s for s in STATUSES}


@dataclass(frozen=True)
class RagRules:
    """The team's BRAG settings: the amber window in days and the status keywords."""

    amber_days: int = 30
    keywords: StatusKeywords = field(default_factory=StatusKeywords)


def _column(actions: pd.DataFrame, name: str) -> pd.Series:
    if name in actions.columns:
        return actions[name]
    return pd.Series(None, index=actions.index, dtype=object)


def canonical_status(values: pd.Series) -> pd.Series:
    """Statuses as typed, matched to ``STATUSES`` ignoring case and spacing; NA when not one of them."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    texts = pd.Series(uniques, dtype=object)
    is_text = texts.map(type).eq(str)
    key = texts.where(is_text, "").astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    mapped = key.map(_STATUS_BY_LOWER).to_numpy(dtype=object)
    out = np.append(mapped, None).take(codes)
    return pd.Series(out, index=values.index, dtype=object).where(pd.notna(out), pd.NA)


def compute_rag(actions: pd.DataFrame, *, today: date, rules: RagRules = RagRules()) -> pd.DataFrame:
    """Due date, BRAG and overdue flags for each action, index-aligned with ``actions``.

    Returns columns ``due``, ``due_kind``, ``rag``, ``overdue``, ``days_overdue`` (Int64, NA when
    not overdue), ``complete``, ``status`` (as given, else inferred), ``revised_target`` and
    ``completed``.
    """
    now = pd.Timestamp(today).normalize()
    target = parse_dates(_column(actions, "target"))
    revised_given = parse_dates(_column(actions, "revised_target"))
    completed_given = parse_dates(_column(actions, "completed"))
    progress = _column(actions, "progress")

    revised = revised_given["due"].where(revised_given["due"].notna(), find_revised_date(progress))
    given_status = canonical_status(_column(actions, "status"))
    status = given_status.where(given_status.notna(), infer_status(progress, _column(actions, "target"), rules.keywords))
    completed = completed_given["due"].where(completed_given["due"].notna(), target["completed"])

    status_arr = status.to_numpy(dtype=object, na_value=None)
    complete = (
        np.isin(status_arr, list(COMPLETE_STATUSES))
        | (target["kind"].to_numpy() == "complete")
        | (completed_given["kind"].to_numpy() == "complete")
        | completed.notna().to_numpy()
    )
    has_revised = revised.notna().to_numpy()
    due = revised.where(has_revised, target["due"])
    due_kind = np.where(has_revised, revised_given["kind"].where(revised_given["due"].notna(), "date").to_numpy(), target["kind"].to_numpy())

    due_ns = due.to_numpy()
    dated = ~np.isnat(due_ns)
    overdue = ~complete & dated & (due_ns < now.to_datetime64())
    within = ~complete & dated & (due_ns <= (now + pd.Timedelta(days=rules.amber_days)).to_datetime64())
    slipped = has_revised & (revised.to_numpy() > target["due"].to_numpy())
    rag = np.select(
        [complete, overdue | (status_arr == "Off track"), within | (status_arr == "At risk") | slipped],
        ["Blue", "Red", "Amber"],
        default="Green",
    )
    days = (now.to_datetime64() - due_ns).astype("timedelta64[D]").astype("int64")
    days_overdue = pd.array(np.where(overdue, days, 0), dtype="Int64")
    days_overdue[~overdue] = pd.NA
    return pd.DataFrame(
        {
            "due": due,
            "due_kind": pd.Series(due_kind, index=actions.index, dtype=object),
            "rag": pd.Series(rag, index=actions.index, dtype=object),
            "overdue": overdue,
            "days_overdue": days_overdue,
            "complete": complete,
            "status": status,
            "revised_target": revised,
            "completed": completed,
        },
        index=actions.index,
    )


__all__ = sorted(["RAG_COLUMNS", "RagRules", "canonical_status", "compute_rag"])

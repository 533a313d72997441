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

from validation.dates import parse_per_value, revised_per_text
from validation.fields import STATUSES
from validation.status import STATUS_CODE, StatusKeywords, combine_status, complete_per_text, status_labels, status_per_text

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

_STATUS_BY_LOWER = {s.lower(): STATUS_CODE[s] for s in STATUSES}
_NAT = np.datetime64("NaT", "ns")


@dataclass(frozen=True)
class RagRules:
    """The team's BRAG settings: the amber window in days and the status keywords."""

    amber_days: int = 30
    keywords: StatusKeywords = field(default_factory=StatusKeywords)


class _Column:
    """One column factorised once: rules run per distinct value, answers are taken back per row."""

    def __init__(self, actions: pd.DataFrame, name: str) -> None:
        if name in actions.columns:
            self.codes, uniques = pd.factorize(actions[name].to_numpy(dtype=object), use_na_sentinel=True)
            self.uniques = np.asarray(uniques, dtype=object)
        else:
            self.codes, self.uniques = np.full(len(actions), -1, dtype="int64"), np.zeros(0, dtype=object)

    def take(self, per_value: np.ndarray, missing) -> np.ndarray:
        return np.append(per_value, np.array([missing], dtype=per_value.dtype)).take(self.codes)


def status_codes_per_value(uniques: np.ndarray) -> np.ndarray:
    """Typed statuses matched to ``STATUSES`` ignoring case and spacing: codes, -1 when not one."""
    is_text = np.fromiter(map(type, uniques), dtype=object, count=len(uniques)) == str
    keys = [" ".join(v.split()).lower() if t else "" for v, t in zip(uniques, is_text)]
    return np.fromiter((_STATUS_BY_LOWER.get(k, -1) for k in keys), dtype="int8", count=len(keys))


def canonical_status(values: pd.Series) -> pd.Series:
    """Statuses as typed, matched to ``STATUSES`` ignoring case and spacing; NA when not one of them."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    per_row = np.append(status_codes_per_value(np.asarray(uniques, dtype=object)), np.int8(-1)).take(codes)
    return status_labels(per_row, values.index)


def compute_rag(actions: pd.DataFrame, *, today: date, rules: RagRules = RagRules()) -> pd.DataFrame:
    """Due date, BRAG and overdue flags for each action, index-aligned with ``actions``.

    Returns columns ``due``, ``due_kind``, ``rag``, ``overdue``, ``days_overdue`` (Int64, NA when
    not overdue), ``complete``, ``status`` (as given, else inferred), ``revised_target`` and
    ``completed``.
    """
    now = np.datetime64(pd.Timestamp(today).date(), "D").astype("datetime64[ns]")
    kw = rules.keywords

    target = _Column(actions, "target")
    t_read = parse_per_value(target.uniques)
    t_due = target.take(t_read["due"].to_numpy(), _NAT)
    t_kind = target.take(t_read["kind"].to_numpy(dtype=object), "blank")
    t_done_text = target.take(complete_per_text(target.uniques, kw), False)
    t_completed = target.take(t_read["completed"].to_numpy(), _NAT)

    revised_col = _Column(actions, "revised_target")
    r_read = parse_per_value(revised_col.uniques)
    r_given = revised_col.take(r_read["due"].to_numpy(), _NAT)
    r_kind = revised_col.take(r_read["kind"].to_numpy(dtype=object), "blank")

    completed_col = _Column(actions, "completed")
    c_read = parse_per_value(completed_col.uniques)
    c_given = completed_col.take(c_read["due"].to_numpy(), _NAT)
    c_kind = completed_col.take(c_read["kind"].to_numpy(dtype=object), "blank")

    progress = _Column(actions, "progress")
    p_revised = progress.take(revised_per_text(progress.uniques), _NAT)
    p_status = progress.take(status_per_text(progress.uniques, kw), np.int8(-1))

    status_col = _Column(actions, "status")
    given = status_col.take(status_codes_per_value(status_col.uniques), np.int8(-1))

    # Status as given; else inferred from the progress text and the target text.
    status = np.where(given >= 0, given, combine_status(p_status, t_done_text)).astype("int8")
    revised = np.where(np.isnat(r_given), p_revised, r_given)
    completed = np.where(np.isnat(c_given), t_completed, c_given)

    complete = (
        (status == STATUS_CODE["Complete"])
        | (status == STATUS_CODE["Signed off"])
        | (t_kind == "complete")
        | (c_kind == "complete")
        | ~np.isnat(completed)
    )
    has_revised = ~np.isnat(revised)
    due = np.where(has_revised, revised, t_due)
    due_kind = np.where(has_revised, np.where(np.isnat(r_given), "date", r_kind), t_kind)

    dated = ~np.isnat(due)
    overdue = ~complete & dated & (due < now)
    within = ~complete & dated & (due <= now + np.timedelta64(rules.amber_days, "D"))
    slipped = has_revised & ~np.isnat(t_due) & (revised > t_due)
    rag = np.select(
        [complete, overdue | (status == STATUS_CODE["Off track"]), within | (status == STATUS_CODE["At risk"]) | slipped],
        ["Blue", "Red", "Amber"],
        default="Green",
    ).astype(object)
    # Whole days late; undated rows are given today so no NaT reaches the arithmetic.
    days = (now - np.where(dated, due, now)).astype("timedelta64[D]").astype("int64")
    days_overdue = pd.array(np.where(overdue, days, 0), dtype="Int64")
    days_overdue[~overdue] = pd.NA
    index = actions.index
    return pd.DataFrame(
        {
            "due": pd.Series(due, index=index, dtype="datetime64[ns]"),
            "due_kind": pd.Series(due_kind.astype(object), index=index, dtype=object),
            "rag": pd.Series(rag, index=index, dtype=object),
            "overdue": pd.Series(overdue, index=index, dtype=bool),
            "days_overdue": pd.Series(days_overdue, index=index),
            "complete": pd.Series(complete, index=index, dtype=bool),
            "status": status_labels(status, index),
            "revised_target": pd.Series(revised, index=index, dtype="datetime64[ns]"),
            "completed": pd.Series(completed, index=index, dtype="datetime64[ns]"),
        },
        index=index,
    )


__all__ = sorted(["RAG_COLUMNS", "RagRules", "canonical_status", "compute_rag", "status_codes_per_value"])

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

from validation.cells import factorize_cells
from validation.dates import KINDS
from validation.facts import KIND_CODE, PlanFacts
from validation.fields import STATUSES
from validation.revised import revised_per_text
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
_RAG = np.array(["Blue", "Red", "Amber", "Green"], dtype=object)
_KINDS = np.array(KINDS, dtype=object)


@dataclass(frozen=True)
class RagRules:
    """The team's BRAG settings: the amber window in days and the status keywords."""

    amber_days: int = 30
    keywords: StatusKeywords = field(default_factory=StatusKeywords)


def status_codes_per_value(uniques: np.ndarray) -> np.ndarray:
    """Typed statuses matched to ``STATUSES`` ignoring case and spacing: codes, -1 when not one."""
    is_text = np.fromiter(map(type, uniques), dtype=object, count=len(uniques)) == str
    keys = [" ".join(v.split()).lower() if t else "" for v, t in zip(uniques, is_text)]
    return np.fromiter((_STATUS_BY_LOWER.get(k, -1) for k in keys), dtype="int8", count=len(keys))


def canonical_status(values: pd.Series) -> pd.Series:
    """Statuses as typed, matched to ``STATUSES`` ignoring case and spacing; NA when not one of them."""
    codes, uniques = factorize_cells(values)
    per_row = np.append(status_codes_per_value(uniques), np.int8(-1)).take(codes)
    return status_labels(per_row, values.index)


def compute_rag(actions: pd.DataFrame, *, today: date, rules: RagRules = RagRules(), facts: PlanFacts | None = None) -> pd.DataFrame:
    """Due date, BRAG and overdue flags for each action, index-aligned with ``actions``.

    Returns columns ``due``, ``due_kind``, ``rag``, ``overdue``, ``days_overdue`` (Int64, NA when
    not overdue), ``complete``, ``status`` (as given, else inferred), ``revised_target`` and
    ``completed``. ``facts`` is the frame already read (``PlanFacts(actions)``), when it is
    validated too: each column is then factorised and its dates parsed once for both.
    """
    now = np.datetime64(pd.Timestamp(today).date(), "D").astype("datetime64[ns]")
    kw = rules.keywords
    # Facts read from another frame would answer for the wrong cells: only this frame's are used.
    facts = facts if facts is not None and facts.actions is actions else PlanFacts(actions)

    target = facts.dates("target")
    target_cells = facts.cells("target")
    t_due, t_kind = target.due, target.kind
    t_done_text = target_cells.back(complete_per_text(target_cells.uniques, kw), False)
    revised_read = facts.dates("revised_target")
    r_given, r_kind = revised_read.due, revised_read.kind
    completed_read = facts.dates("completed")
    c_given, c_kind = completed_read.due, completed_read.kind

    progress = facts.cells("progress")
    p_revised = progress.back(revised_per_text(progress.uniques), _NAT)
    p_status = progress.back(status_per_text(progress.uniques, kw), np.int8(-1))

    status_col = facts.cells("status")
    given = status_col.back(status_codes_per_value(status_col.uniques), np.int8(-1))
    # A status column in the team's own words ("Completed", "In Progress") answers when the
    # progress text says nothing (validation still asks for one of the listed statuses).
    worded = status_col.back(status_per_text(status_col.uniques, kw), np.int8(-1))
    p_status = np.where(p_status >= 0, p_status, worded).astype("int8")

    # Status as given; else inferred from the progress text and the target text.
    status = np.where(given >= 0, given, combine_status(p_status, t_done_text)).astype("int8")
    revised = np.where(np.isnat(r_given), p_revised, r_given)
    completed = np.where(np.isnat(c_given), target.completed, c_given)

    complete = (
        (status == STATUS_CODE["Complete"])
        | (status == STATUS_CODE["Signed off"])
        | (t_kind == KIND_CODE["complete"])
        | (c_kind == KIND_CODE["complete"])
        | ~np.isnat(completed)
    )
    has_revised = ~np.isnat(revised)
    due = np.where(has_revised, revised, t_due)
    due_kind = np.where(has_revised, np.where(np.isnat(r_given), np.int8(KIND_CODE["date"]), r_kind), t_kind)

    dated = ~np.isnat(due)
    open_ = ~complete
    # NaT compares False, so undated rows are neither overdue nor within the window.
    overdue = open_ & (due < now)
    within = open_ & (due <= now + np.timedelta64(rules.amber_days, "D"))
    slipped = has_revised & ~np.isnat(t_due) & (revised > t_due)
    # Integer codes into _RAG, the rules set from last to first so that the first that holds wins
    # (what np.select does, without its int64 choice arrays).
    rag = np.full(len(complete), 3, dtype=np.int8)
    rag[within | (status == STATUS_CODE["At risk"]) | slipped] = 2
    rag[overdue | (status == STATUS_CODE["Off track"])] = 1
    rag[complete] = 0
    # Whole days late; undated rows are given today so no NaT reaches the arithmetic.
    days = (now - np.where(dated, due, now)).astype("timedelta64[D]").astype("int64")
    days_overdue = pd.arrays.IntegerArray(np.where(overdue, days, 0), ~overdue)
    index = actions.index
    return pd.DataFrame(
        {
            "due": pd.Series(due, index=index, copy=False, dtype="datetime64[ns]"),
            "due_kind": pd.Series(_KINDS.take(due_kind.astype("int64")), index=index, copy=False, dtype=object),
            "rag": pd.Series(_RAG.take(rag), index=index, copy=False, dtype=object),
            "overdue": pd.Series(overdue, index=index, copy=False, dtype=bool),
            "days_overdue": pd.Series(days_overdue, index=index, copy=False),
            "complete": pd.Series(complete, index=index, copy=False, dtype=bool),
            "status": status_labels(status, index),
            "revised_target": pd.Series(revised, index=index, copy=False, dtype="datetime64[ns]"),
            "completed": pd.Series(completed, index=index, copy=False, dtype="datetime64[ns]"),
        },
        index=index,
        copy=False,  # every array above is new: no need for pandas (3 copies by default) to copy them again
    )


__all__ = sorted(["RAG_COLUMNS", "RagRules", "canonical_status", "compute_rag", "status_codes_per_value"])

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
    # Facts read from another frame would answer for the wrong cells: only this frame's are used.
    facts = facts if facts is not None and facts.actions is actions else PlanFacts(actions)
    status = _status(facts, rules.keywords)
    dates = _Dates.read(facts)
    complete = (
        (status == STATUS_CODE["Complete"])
        | (status == STATUS_CODE["Signed off"])
        | (dates.target_kind == KIND_CODE["complete"])
        | (dates.completed_kind == KIND_CODE["complete"])
        | ~np.isnat(dates.completed)
    )
    # NaT compares False, so undated rows are neither overdue nor within the window.
    overdue = ~complete & (dates.due < now)
    rag = _rag_codes(status, complete, overdue, dates, now + np.timedelta64(rules.amber_days, "D"))
    # Whole days late; undated rows are given today so no NaT reaches the arithmetic.
    days = (now - np.where(np.isnat(dates.due), now, dates.due)).astype("timedelta64[D]").astype("int64")
    days_overdue = pd.arrays.IntegerArray(np.where(overdue, days, 0), ~overdue)
    index = actions.index

    def text(values: np.ndarray) -> pd.Series:  # object columns stay object (an array would become str)
        return pd.Series(values, index=index, copy=False, dtype=object)

    columns = {
        "due": dates.due,
        "due_kind": text(_KINDS.take(dates.due_kind.astype("int64"))),
        "rag": text(_RAG.take(rag)),
        "overdue": overdue,
        "days_overdue": days_overdue,
        "complete": complete,
        "status": status_labels(status, index),
        "revised_target": dates.revised,
        "completed": dates.completed,
    }
    # Every array above is new: no need for pandas (3 copies by default) to copy them again.
    return pd.DataFrame(columns, index=index, copy=False)


def _status(facts: PlanFacts, kw: StatusKeywords) -> np.ndarray:
    """Per row, the status code: as given in the status column, else inferred from the progress
    text (or, when it says nothing, the status column in the team's own words) and the target."""
    target = facts.cells("target")
    done_by_target = target.back(complete_per_text(target.uniques, kw), False)
    progress = facts.cells("progress")
    stated = progress.back(status_per_text(progress.uniques, kw), np.int8(-1))
    status_col = facts.cells("status")
    given = status_col.back(status_codes_per_value(status_col.uniques), np.int8(-1))
    # A status column in the team's own words ("Completed", "In Progress") answers when the
    # progress text says nothing (validation still asks for one of the listed statuses).
    worded = status_col.back(status_per_text(status_col.uniques, kw), np.int8(-1))
    stated = np.where(stated >= 0, stated, worded).astype("int8")
    return np.where(given >= 0, given, combine_status(stated, done_by_target)).astype("int8")


@dataclass(frozen=True)
class _Dates:
    """Per row: the target's due date and kind, the revised target (the column's, else one the
    progress text announces), the completed date and kind, and the effective due date and kind."""

    target_due: np.ndarray
    target_kind: np.ndarray
    revised: np.ndarray
    completed: np.ndarray
    completed_kind: np.ndarray
    due: np.ndarray
    due_kind: np.ndarray

    @classmethod
    def read(cls, facts: PlanFacts) -> _Dates:
        target, given, done = facts.dates("target"), facts.dates("revised_target"), facts.dates("completed")
        progress = facts.cells("progress")
        announced = progress.back(revised_per_text(progress.uniques), _NAT)
        revised = np.where(np.isnat(given.due), announced, given.due)
        has_revised = ~np.isnat(revised)
        # A revised date read from the progress text is a date; the column's keeps its own kind.
        revised_kind = np.where(np.isnat(given.due), np.int8(KIND_CODE["date"]), given.kind)
        return cls(
            target_due=target.due,
            target_kind=target.kind,
            revised=revised,
            completed=np.where(np.isnat(done.due), target.completed, done.due),
            completed_kind=done.kind,
            due=np.where(has_revised, revised, target.due),
            due_kind=np.where(has_revised, revised_kind, target.kind),
        )


def _rag_codes(status: np.ndarray, complete: np.ndarray, overdue: np.ndarray, dates: _Dates, amber_until: np.datetime64) -> np.ndarray:
    """Integer codes into ``_RAG``, the rules set from last to first so that the first that holds
    wins (what np.select does, without its int64 choice arrays)."""
    within = ~complete & (dates.due <= amber_until)
    slipped = ~np.isnat(dates.revised) & ~np.isnat(dates.target_due) & (dates.revised > dates.target_due)
    rag = np.full(len(complete), 3, dtype=np.int8)
    rag[within | (status == STATUS_CODE["At risk"]) | slipped] = 2
    rag[overdue | (status == STATUS_CODE["Off track"])] = 1
    rag[complete] = 0
    return rag


__all__ = sorted(["RAG_COLUMNS", "RagRules", "canonical_status", "compute_rag", "status_codes_per_value"])

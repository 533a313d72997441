"""Status inferred from what a team wrote, for workbooks without a status column (DESIGN §5).

Teams write their status into the progress text: ``Action Complete Sign off approved ...``,
``In Progress – on track``, ``Action awaiting start``. ``infer_status`` turns that text into one of
the canonical statuses (``validation.fields.STATUSES``) or NA when the text says nothing we know.

Phrases are matched case-insensitively as whole words, after dashes (``–``, ``—``) and spacing are
normalised. The first status in this order whose phrases appear wins:

1. ``Signed off``   e.g. ``sign off approved``  (only when the text does not hold back, see below)
2. ``Complete``     e.g. ``Action Complete``, ``Complete - ...``, ``Completed.``
3. ``Off track``    e.g. ``off track``, ``not on track``
4. ``At risk``      e.g. ``at risk``, ``delayed``, ``further time``
5. ``Not started``  e.g. ``awaiting start``, ``not started`` (before On track: "not started" holds "started")
6. ``On track``     e.g. ``on track``, ``in progress``, ``underway``

Text that holds a completion back (``to be completed``, ``once completed``, ``not yet complete``,
``further time``) never counts as complete. So ``Reviewed at the Evidence Challenge Panel ... who
agreed that the action was complete but requested further time for assurance`` is **At risk**:
the work is reported done but the panel did not close it, so it still needs watching (and is Red
once its date has passed).

The date column can also say complete (``May 2018 Complete June 2018``, ``Completed.``); that
makes the action Complete whatever the progress text says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class StatusKeywords:
    """Phrases that tell each status, lower case; a Settings sheet may replace any list."""

    signed_off: tuple[str, ...] = ("signed off", "sign off approved", "sign-off approved", "closed by", "formally closed")
    complete: tuple[str, ...] = ("action complete", "complete", "completed", "action completed", "achieved", "done")
    not_complete: tuple[str, ...] = (
        "to complete",
        "to be complete",
        "to be completed",
        "once complete",
        "once completed",
        "when complete",
        "when completed",
        "until complete",
        "until completed",
        "not complete",
        "not completed",
        "not yet complete",
        "not yet completed",
        "will complete",
        "will be complete",
        "will be completed",
        "should be completed",
        "complete by",
        "further time",
        "more time",
        "not done",
        "not yet signed off",
        "awaiting sign off",
        "awaiting sign-off",
    )
    off_track: tuple[str, ...] = ("off track", "not on track", "stalled", "not progressing", "significantly delayed")
    at_risk: tuple[str, ...] = ("at risk", "delayed", "delay", "behind schedule", "slipped", "further time", "more time")
    on_track: tuple[str, ...] = ("on track", "in progress", "underway", "under way", "progressing", "ongoing", "started")
    not_started: tuple[str, ...] = ("awaiting start", "not started", "not yet started", "yet to start", "not commenced", "not yet commenced")


# Order matters: the first matching status wins.
_ORDER: tuple[tuple[str, str], ...] = (
    ("signed_off", "Signed off"),
    ("complete", "Complete"),
    ("off_track", "Off track"),
    ("at_risk", "At risk"),
    ("not_started", "Not started"),
    ("on_track", "On track"),
)

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")


def _phrase_re(phrases: tuple[str, ...]) -> str:
    if not phrases:
        return r"(?!x)x"  # matches nothing
    parts = sorted({_SPACES.sub(" ", _DASHES.sub("-", p.strip().lower())) for p in phrases if p.strip()}, key=len, reverse=True)
    if not parts:
        return r"(?!x)x"
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)
    return rf"(?<![\w-])(?:{body})(?![\w])"


def _normalised_text(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct texts in lower case with dashes and spaces normalised)."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    texts = pd.Series(uniques, dtype=object)
    is_text = texts.map(type).eq(str)
    norm = texts.where(is_text, "").astype(str).str.lower().str.replace(_DASHES, "-", regex=True)
    return codes, norm


def _contains(norm: pd.Series, phrases: tuple[str, ...]) -> np.ndarray:
    if norm.empty:
        return np.zeros(0, dtype=bool)
    return norm.str.contains(_phrase_re(phrases), regex=True).to_numpy(dtype=bool)


def says_complete(text: pd.Series, keywords: StatusKeywords = StatusKeywords()) -> pd.Series:
    """Whether each text says the action is complete (or signed off), without holding it back."""
    codes, norm = _normalised_text(text)
    done = (_contains(norm, keywords.complete) | _contains(norm, keywords.signed_off)) & ~_contains(norm, keywords.not_complete)
    out = np.append(done, False).take(codes)
    return pd.Series(out, index=text.index, dtype=bool)


def infer_status(progress: pd.Series, target_text: pd.Series, keywords: StatusKeywords = StatusKeywords()) -> pd.Series:
    """The canonical status the progress and target text state, or NA.

    >>> infer_status(pd.Series(["In Progress – on track"]), pd.Series(["March 2023"])).tolist()
    ['On track']
    """
    codes, norm = _normalised_text(progress)
    held_back = _contains(norm, keywords.not_complete)
    conditions = []
    for attr, _ in _ORDER:
        hit = _contains(norm, getattr(keywords, attr))
        if attr in ("signed_off", "complete"):
            hit = hit & ~held_back
        conditions.append(hit)
    labels = [label for _, label in _ORDER]
    per_text = np.select(conditions, labels, default=None) if len(norm) else np.array([], dtype=object)
    per_text = np.append(per_text.astype(object), None)
    status = per_text.take(codes)
    target_done = says_complete(target_text, keywords).to_numpy()
    status = np.where(target_done & (status != "Signed off"), "Complete", status)
    return pd.Series(status, index=progress.index, dtype=object).where(pd.notna(status), pd.NA).rename("status")


__all__ = sorted(["StatusKeywords", "infer_status", "says_complete"])

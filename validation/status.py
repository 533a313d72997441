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

``Signed off`` and ``Complete`` count only where the text states the action itself is done: at its
opening (``Complete - ...``, ``Completed.``, ``Closed``), as a sentence of its own, or said of the
action (``This action is now complete``); ``staff have completed the first module`` is not the
action complete (``validation.complete_statement``). The target text is read as before.

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
from functools import lru_cache

import numpy as np
import pandas as pd

from validation.cells import factorize_cells
from validation.complete_statement import states_complete
from validation.fields import STATUSES
from validation.words import Joined


@dataclass(frozen=True)
class StatusKeywords:
    """Phrases that tell each status, lower case; a Settings sheet may replace any list."""

    signed_off: tuple[str, ...] = ("signed off", "sign off approved", "sign-off approved", "closed by", "formally closed")
    complete: tuple[str, ...] = ("action complete", "complete", "completed", "action completed", "achieved", "done", "closed", "actioned", "implemented")
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

# Dashes people type or Word inserts (en dash, em dash, minus ...) all read as '-'.
_DASH_TABLE = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_SPACES = re.compile(r"\s+")
_NOTHING = re.compile(r"(?!x)x")

# Canonical statuses as small integer codes (-1: none), so rows compare as integers.
STATUS_CODE: dict[str, int] = {label: i for i, label in enumerate(STATUSES)}


@lru_cache(maxsize=64)
def _phrase_re(phrases: tuple[str, ...]) -> re.Pattern:
    """Any of the phrases as whole words, case-insensitive, any spacing, dashes normalised."""
    parts = sorted(_phrase_parts(phrases), key=len, reverse=True)
    if not parts:
        return _NOTHING
    # Words may be split by any spacing or a hyphen: "on track" also matches "on-track".
    body = "|".join(re.escape(p).replace(r"\ ", r"[\s\-]+") for p in parts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])")


def _phrase_parts(phrases: tuple[str, ...]) -> set[str]:
    return {_SPACES.sub(" ", p.strip().lower().translate(_DASH_TABLE)) for p in phrases if p.strip()}


@lru_cache(maxsize=64)
def _needles(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The longest word of each phrase: a normalised text can only hold the phrase if it holds that
    word as it is (words are literal in ``_phrase_re``; only the gaps between them vary). A word
    holding another one is left out: every text holding it holds the shorter one ("completed",
    "complete")."""
    words = {max(part.split(" "), key=len) for part in _phrase_parts(phrases)}
    return tuple(sorted(w for w in words if not any(other != w and other in w for other in words)))


# The dashes of _DASH_TABLE, each replaced over all texts at once.
_DASHES = tuple(map(chr, _DASH_TABLE))


def _dashes_normalised(text: str) -> str:
    """Every dash of ``_DASH_TABLE`` as '-': a C-level ``replace`` for each dash the text holds,
    ~20x faster on a column's joined texts than one regex ``sub`` (which steps through every
    character) or ``translate`` (a table lookup for every character beyond ASCII)."""
    for dash in _DASHES:
        if dash in text:
            text = text.replace(dash, "-")
    return text


class _Normalised:
    """Distinct cell values as lower-case text with dashes normalised ('' for non-text): ``texts``,
    and the same joined (``words``), to find which texts hold a word in one ``str.find`` run."""

    def __init__(self, uniques: np.ndarray) -> None:
        is_text = np.fromiter(map(type, uniques), dtype=object, count=len(uniques)) == str
        text = uniques if is_text.all() else np.where(is_text, uniques, "")
        lowered = list(map(str.lower, text))
        # Dashes replaced in one pass over the joined texts rather than a translate per text: each
        # dash becomes one '-', so the lengths and NULs stay and the split gives back each text.
        dashed = _dashes_normalised("\x00".join(lowered))
        self.words = Joined(lowered, dashed)
        if self.words.text is not None:
            self.texts = np.array(dashed.split("\x00"), dtype=object)
        else:  # no texts, or one holds NUL: text by text
            self.texts = np.array([t.translate(_DASH_TABLE) for t in lowered], dtype=object)


def _contains(norm: _Normalised, phrases: tuple[str, ...], among: np.ndarray | None = None) -> np.ndarray:
    """Whether each text holds one of the phrases: one regex search per text that holds the longest
    word of one of them (most texts hold none, and skipping them is exact). ``among``: only the
    texts where it is True are searched (the others answer False)."""
    found = np.zeros(len(norm.texts), dtype=bool)
    maybe = norm.words.holding(_needles(tuple(phrases)))
    if among is not None:
        maybe = maybe[among[maybe]]
    if len(maybe):
        search = _phrase_re(tuple(phrases)).search
        found[maybe] = np.fromiter(map(bool, map(search, norm.texts[maybe])), dtype=bool, count=len(maybe))
    return found


def _states(norm: _Normalised, phrases: tuple[str, ...], holding: np.ndarray) -> np.ndarray:
    """Of the texts ``holding`` one of the phrases (``_contains``), those where it states the action
    itself is done (``validation.complete_statement``): a part of the work completed is not the
    action complete."""
    found = holding.copy()
    if found.any():
        parts = tuple(sorted(_phrase_parts(tuple(phrases))))
        rows = np.flatnonzero(found)
        found[rows] = np.fromiter((states_complete(t, parts) for t in norm.texts[rows]), dtype=bool, count=len(rows))
    return found


def complete_per_text(uniques: np.ndarray, keywords: StatusKeywords) -> np.ndarray:
    """For distinct cell values: says complete (or signed off) without holding it back."""
    norm = _Normalised(uniques)
    says = _contains(norm, keywords.complete) | _contains(norm, keywords.signed_off)
    return says & ~_contains(norm, keywords.not_complete, among=says)


def status_per_text(uniques: np.ndarray, keywords: StatusKeywords) -> np.ndarray:
    """For distinct cell values: the code (``STATUS_CODE``) of the status the text states, -1 for none.

    Statuses are tried in ``_ORDER`` on the texts no earlier status took (the first that holds
    wins), and whether a text holds a completion back is asked only of texts that say complete or
    signed off: the answers are those of trying every status on every text."""
    norm = _Normalised(uniques)
    codes = np.full(len(norm.texts), -1, dtype="int8")
    # Which texts hold a completion phrase is found once: it decides both what is held back and
    # where Signed off and Complete are stated.
    says = {attr: _contains(norm, getattr(keywords, attr)) for attr in ("signed_off", "complete")}
    open_ = ~_contains(norm, keywords.not_complete, among=says["signed_off"] | says["complete"])  # not held back
    for attr, label in _ORDER:
        undecided = codes < 0
        if attr in says:
            hit = _states(norm, getattr(keywords, attr), says[attr] & undecided & open_)
        else:
            hit = _contains(norm, getattr(keywords, attr), among=undecided)
        codes[hit] = STATUS_CODE[label]
    return codes


def combine_status(progress_codes: np.ndarray, target_done: np.ndarray) -> np.ndarray:
    """A target that says complete makes the action Complete (unless the progress says Signed off)."""
    return np.where(target_done & (progress_codes != STATUS_CODE["Signed off"]), STATUS_CODE["Complete"], progress_codes).astype("int8")


def status_labels(codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Status codes as the canonical labels, NA for -1."""
    labels = np.array([*STATUSES, pd.NA], dtype=object)
    return pd.Series(labels.take(codes.astype("int64")), index=index, dtype=object, name="status", copy=False)  # a new array: no copy


def says_complete(text: pd.Series, keywords: StatusKeywords = StatusKeywords()) -> pd.Series:
    """Whether each text says the action is complete (or signed off), without holding it back."""
    codes, uniques = factorize_cells(text)
    out = np.append(complete_per_text(uniques, keywords), False).take(codes)
    return pd.Series(out, index=text.index, dtype=bool)


def infer_status(progress: pd.Series, target_text: pd.Series, keywords: StatusKeywords = StatusKeywords()) -> pd.Series:
    """The canonical status the progress and target text state, or NA.

    >>> infer_status(pd.Series(["In Progress – on track"]), pd.Series(["March 2023"])).tolist()
    ['On track']
    """
    codes, uniques = factorize_cells(progress)
    per_row = np.append(status_per_text(uniques, keywords), np.int8(-1)).take(codes)
    t_codes, t_uniques = factorize_cells(target_text)
    target_done = np.append(complete_per_text(t_uniques, keywords), False).take(t_codes)
    return status_labels(combine_status(per_row, target_done), progress.index)


__all__ = sorted(
    [
        "STATUS_CODE",
        "StatusKeywords",
        "combine_status",
        "complete_per_text",
        "infer_status",
        "says_complete",
        "status_labels",
        "status_per_text",
    ]
)

"""Revised targets announced in progress text: ``Revised timescale of January 2014``.

An announcement (``revised timescale``, ``deadline now``, ``extended to`` ...) followed on the same
line, within about 80 characters, by a readable date (``validation.dates``) gives the revised target;
the first such announcement in the text counts. ``find_revised_date`` reads a column once per
distinct text; ``_revised_in`` is the per-value reference it agrees with.
"""

from __future__ import annotations

import re
from itertools import repeat

import numpy as np
import pandas as pd

from validation.cells import factorize_cells
from validation.date_columns import _dates_vec, find_all_folded, lower_case_twin
from validation.dates import _DATE_RE, _NAT, _match_date
from validation.words import AnyCase

# Words that announce a revised target; the date must follow within about 80 characters, same line.
_REVISED_RE = re.compile(
    r"\b(?:revised\s+(?:target|timescale|deadline|date|completion\s+date|end\s+date)s?"
    r"|(?:timescale|deadline|target(?:\s+date)?|completion(?:\s+date)?)\s+(?:is\s+)?(?:likely\s+)?(?:now|revised|extended|moved|changed)"
    r"|now\s+(?:expected|due|anticipated|likely)|extended\s+(?:to|until))\b",
    re.IGNORECASE,
)
_TAIL = r".{0,80}\S*"
_TAIL_RE = re.compile(_TAIL)
_REVISED_TAIL_RE = re.compile(_REVISED_RE.pattern + rf"(?=(?P<tail>{_TAIL}))", re.IGNORECASE)
_REVISED_TAIL_LOWER_RE = lower_case_twin(_REVISED_TAIL_RE)


def _revised_in(text: object) -> pd.Timestamp | type(pd.NaT):
    """The per-value reference of ``find_revised_date``: the first announcement followed by a date."""
    if not isinstance(text, str):
        return _NAT
    for m in _REVISED_RE.finditer(text):
        tail = _TAIL_RE.match(text, m.end()).group(0)
        found = _DATE_RE.search(tail)
        if found is not None:
            when = _match_date(found)
            if when is not None:
                return when
    return _NAT


def find_revised_date(text: pd.Series) -> pd.Series:
    """The revised target a progress text announces, or NaT.

    ``Revised timescale of January 2014`` -> 31/01/2014; ``Timescale likely now to be March 2014``
    -> 31/03/2014. The first announcement followed (on the same line) by a readable date counts.
    """
    codes, uniques = factorize_cells(text)
    found = np.append(revised_per_text(uniques), np.datetime64("NaT", "ns"))
    return pd.Series(found.take(codes), index=text.index, name="revised_target")


# Every announcement _REVISED_RE finds holds one of these words.
_ANNOUNCING = ("revised", "timescale", "deadline", "target", "completion", "now", "extended")


def _may_announce(uniques: np.ndarray) -> np.ndarray:
    """Positions of the texts the announcement regex must read (``AnyCase``): most progress texts
    announce nothing and are skipped."""
    text_at = np.flatnonzero(np.fromiter(map(isinstance, uniques, repeat(str)), dtype=bool, count=len(uniques)))
    return text_at[AnyCase(uniques[text_at].tolist()).holding(_ANNOUNCING)]


def revised_per_text(uniques: np.ndarray) -> np.ndarray:
    """``find_revised_date`` for distinct cell values: datetime64[ns], NaT when none."""
    found = np.full(len(uniques), np.datetime64("NaT", "ns"))
    maybe = _may_announce(uniques)
    at, groups = find_all_folded(_REVISED_TAIL_RE, _REVISED_TAIL_LOWER_RE, uniques[maybe])
    at = maybe[at]
    if len(at):
        due, _, _ = _dates_vec(groups["tail"], pick="first")
        good = ~np.isnat(due)
        # The first announcement (in text order) whose date is readable.
        g_owner, g_due = at[good], due[good]
        keep = np.r_[True, g_owner[1:] != g_owner[:-1]] if len(g_owner) else np.zeros(0, dtype=bool)
        found[g_owner[keep]] = g_due[keep]
    return found


__all__ = sorted(["find_revised_date", "revised_per_text"])

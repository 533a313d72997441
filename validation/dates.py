"""Dates as councils write them (DESIGN §3): day-first, month-only, quarters, recurring, "to be confirmed".

A value is read into a due date, a *kind* and, when the text says the action was finished, a
completed date:

=========== ===========================================================================
kind        what was written
=========== ===========================================================================
date        an Excel date, ``01/07/2022`` (day-first always), ``1 July 2022``, ``1st July 2022``
month       ``July 2022``, ``End of April 2013``, ``By when: March 2013.`` -> last day of the month
quarter     ``Q3 2013`` -> 30/09/2013 (calendar quarter); ``Q3 2013/14`` -> 31/12/2013 (financial year)
recurring   ``Ongoing``, ``Quarterly reporting``, ``Performance reviewed weekly`` (no due date)
tbc         ``To be confirmed``, ``Review dates to be confirmed``, ``TBC`` (no due date)
complete    ``Completed.``, ``May 2018 Complete June 2018`` (due May 2018, completed June 2018)
blank       nothing written
unreadable  text with no date plansync can read: ``Jully 2022``, ``Sept-ish 2022``, ``31/02/2022``
formula     ``=TODAY()+7``: a formula where a date is expected
=========== ===========================================================================

An explicit date inside text wins over a quarter (``During Q3 (by end of December 2013)`` is
31/12/2013), and when text holds several dates the latest is the due date (the end of a range).
Nothing is guessed: slash dates are never read month-first, and numbers (Excel serials that lost
their date format) and yes/no values are ``unreadable``.

``parse_dates`` reads a whole column at once: it factorises the column (council columns repeat a
lot), runs vectorised regex extraction over the distinct texts only, and maps the answers back.
``parse_date`` reads one value with the same rules (the per-value reference implementation).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

KINDS: tuple[str, ...] = (
    "date",
    "month",
    "quarter",
    "recurring",
    "tbc",
    "complete",
    "blank",
    "unreadable",
    "formula",
)
# Kinds that never have a due date and are never overdue.
UNDATED_KINDS: frozenset[str] = frozenset({"recurring", "tbc", "blank"})

_MONTHS: dict[str, int] = {}
for _n in range(1, 13):
    _full = calendar.month_name[_n].lower()
    _MONTHS[_full] = _n
    _MONTHS[_full[:3]] = _n
_MONTHS["sept"] = 9

# Longest names first so "september" is preferred over "sep".
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH = rf"(?:{_MONTH_ALT})"
_ORD = r"(?:st|nd|rd|th)?"

# One alternation so that extraction finds every written date in text order.
# Groups: numeric d/m/y | ISO y-m-d | day month year | month day year | month year | month-yy | quarter
_DATE_RE = re.compile(
    r"(?<![\d/.\-])(?P<nd>\d{1,2})[/.\-](?P<nm>\d{1,2})[/.\-](?P<ny>\d{4}|\d{2})(?![\d/.\-]*\d)"
    r"|(?<!\d)(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d)"
    rf"|\b(?P<dd>\d{{1,2}}){_ORD}(?:\s+of)?[\s\-]+(?P<dm>{_MONTH})\.?,?[\s\-]+(?P<dy>\d{{4}})\b"
    rf"|\b(?P<md>{_MONTH})\.?\s+(?P<mdd>\d{{1,2}}){_ORD},?\s+(?P<mdy>\d{{4}})\b"
    rf"|\b(?P<mm>{_MONTH})\.?,?\s+(?P<my>\d{{4}})\b"
    rf"|\b(?P<sm>{_MONTH})[\-'’\s]+'?(?P<sy>\d{{2}})\b(?![/.\-]\d)"
    r"|\bq(?P<q>[1-4])\s*(?:of\s+)?(?P<qy>\d{4})(?:\s*[/\-]\s*(?P<qfy>\d{2}|\d{4}))?\b",
    re.IGNORECASE,
)

_FORMULA_RE = re.compile(r"^\s*=")
# "complete" as a statement of fact: not "to be completed", not "complete by March".
_COMPLETE_RE = re.compile(r"\b(?:action\s+)?complete(?:d)?\b", re.IGNORECASE)
_NOT_COMPLETE_RE = re.compile(
    r"\b(?:be|to|not|yet|until|once|when|will|should|must)\s+(?:be\s+)?completed?\b"
    r"|\bcompleted?\s+(?:by|in|within|before|during|no\s+later)\b",
    re.IGNORECASE,
)
_TBC_RE = re.compile(
    r"\bto\s+be\s+(?:confirmed|agreed|determined|decided|set|arranged)\b|\btb[cad]\b|\bnot\s+yet\s+(?:known|set|agreed)\b",
    re.IGNORECASE,
)
_RECURRING_RE = re.compile(
    r"\b(?:on-?going|continuous(?:ly)?|daily|weekly|fortnightly|monthly|bi-?monthly|quarterly|annual(?:ly)?|"
    r"yearly|termly|half-?yearly|six-?monthly|regular(?:ly)?|routine(?:ly)?|as\s+required|as\s+needed|"
    r"every\s+(?:week|month|quarter|year)|each\s+(?:week|month|quarter|year)|business\s+as\s+usual|bau|rolling)\b",
    re.IGNORECASE,
)
# "Monthly from July 2022": a recurring action that starts on a date, not one due on it.
_FROM_DATE_RE = re.compile(r"\b(?:from|starting|commencing|beginning)\s+(?:in\s+|on\s+)?$", re.IGNORECASE)

_NAT = pd.NaT


@dataclass(frozen=True)
class ParsedDate:
    """What one written date means.

    Attributes:
        due: the due date (a ``pd.Timestamp``), or ``NaT`` when there is none.
        kind: one of ``KINDS``.
        completed: the completion date the text gives (``May 2018 Complete June 2018``), or ``NaT``.
    """

    due: pd.Timestamp | type(pd.NaT)
    kind: str
    completed: pd.Timestamp | type(pd.NaT) = _NAT


def _month_end(year: int, month: int) -> pd.Timestamp:
    return pd.Timestamp(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    y = int(text)
    # Two-digit years are this century: councils plans do not reach back to the 1900s.
    return 2000 + y if len(text) <= 2 else y


def _match_date(m: re.Match) -> pd.Timestamp | None:
    """The date one regex match names, or None when it names an impossible day (31/02/2022)."""
    g = m.groupdict()
    try:
        if g["nd"]:
            return pd.Timestamp(_year(g["ny"]), int(g["nm"]), int(g["nd"]))
        if g["iy"]:
            return pd.Timestamp(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g["dd"]:
            return pd.Timestamp(int(g["dy"]), _MONTHS[g["dm"].lower()], int(g["dd"]))
        if g["md"]:
            return pd.Timestamp(int(g["mdy"]), _MONTHS[g["md"].lower()], int(g["mdd"]))
        if g["mm"]:
            return _month_end(int(g["my"]), _MONTHS[g["mm"].lower()])
        if g["sm"]:
            return _month_end(_year(g["sy"]), _MONTHS[g["sm"].lower()])
        q = int(g["q"])
        y = int(g["qy"])
        if g["qfy"]:
            # Financial year (April to March): Q1 ends June, Q4 ends March of the next year.
            month = q * 3 + 3
            return _month_end(y + 1, month - 12) if month > 12 else _month_end(y, month)
        return _month_end(y, q * 3)
    except ValueError:
        return None


def _kind_of_match(m: re.Match) -> str:
    g = m.groupdict()
    if g["nd"] or g["iy"] or g["dd"] or g["md"]:
        return "date"
    if g["mm"] or g["sm"]:
        return "month"
    return "quarter"


def _dates_in(text: str) -> tuple[pd.Timestamp | None, str, bool]:
    """(latest date, its kind, whether any written date was impossible) for a piece of text."""
    best: pd.Timestamp | None = None
    best_kind = ""
    explicit: pd.Timestamp | None = None
    explicit_kind = ""
    bad = False
    for m in _DATE_RE.finditer(text):
        when = _match_date(m)
        if when is None:
            bad = True
            continue
        kind = _kind_of_match(m)
        if kind == "quarter":
            if best is None or when > best:
                best, best_kind = when, kind
        elif explicit is None or when > explicit:
            explicit, explicit_kind = when, kind
    if explicit is not None:
        # An explicit day or month wins over a quarter written next to it.
        return explicit, explicit_kind, bad
    return best, best_kind, bad


def _parse_text(text: str) -> ParsedDate:
    text = " ".join(text.split())
    if not text:
        return ParsedDate(_NAT, "blank")
    if _FORMULA_RE.match(text):
        return ParsedDate(_NAT, "formula")
    says_complete = False
    for m in _COMPLETE_RE.finditer(text):
        says_complete = True
        break
    if says_complete and _NOT_COMPLETE_RE.search(text):
        says_complete = False
    if says_complete:
        m = _COMPLETE_RE.search(text)
        before, after = text[: m.start()], text[m.end():]
        due, _, bad_before = _dates_in(before)
        done, _, bad_after = _dates_in(after)
        if bad_before or bad_after:
            return ParsedDate(_NAT, "unreadable")
        return ParsedDate(_NAT if due is None else due, "complete", _NAT if done is None else done)
    due, kind, bad = _dates_in(text)
    if bad:
        return ParsedDate(_NAT, "unreadable")
    if due is not None:
        if _RECURRING_RE.search(text):
            first = _DATE_RE.search(text)
            if first is not None and _FROM_DATE_RE.search(text[: first.start()]):
                return ParsedDate(_NAT, "recurring")
        return ParsedDate(due, kind)
    if _TBC_RE.search(text):
        return ParsedDate(_NAT, "tbc")
    if _RECURRING_RE.search(text):
        return ParsedDate(_NAT, "recurring")
    return ParsedDate(_NAT, "unreadable")


def parse_date(value: object) -> ParsedDate:
    """Read one cell value as a council date.

    >>> parse_date("End of April 2013").due
    Timestamp('2013-04-30 00:00:00')
    >>> parse_date("Jully 2022").kind
    'unreadable'
    """
    if value is None or value is pd.NaT:
        return ParsedDate(_NAT, "blank")
    if isinstance(value, (bool, np.bool_)):
        return ParsedDate(_NAT, "unreadable")
    if isinstance(value, (datetime, date, np.datetime64)):
        ts = pd.Timestamp(value)
        if ts is pd.NaT:
            return ParsedDate(_NAT, "blank")
        return ParsedDate(ts.normalize().tz_localize(None) if ts.tzinfo else ts.normalize(), "date")
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return ParsedDate(_NAT, "blank")
    if isinstance(value, str):
        return _parse_text(value)
    if value is pd.NA:
        return ParsedDate(_NAT, "blank")
    # Numbers are Excel serials that lost their date format, or years: never guessed.
    return ParsedDate(_NAT, "unreadable")


def parse_dates(values: pd.Series) -> pd.DataFrame:
    """Read a column of cell values as council dates.

    Returns a frame index-aligned with ``values``: ``due`` (datetime64, NaT when none),
    ``kind`` (one of ``KINDS``) and ``completed`` (datetime64, NaT when none).
    """
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    parsed = [parse_date(v) for v in uniques]
    parsed.append(ParsedDate(_NAT, "blank"))  # code -1: missing
    due = pd.DatetimeIndex([p.due for p in parsed], dtype="datetime64[ns]")
    done = pd.DatetimeIndex([p.completed for p in parsed], dtype="datetime64[ns]")
    kind = np.array([p.kind for p in parsed], dtype=object)
    return pd.DataFrame(
        {
            "due": due.take(codes),
            "kind": kind.take(codes),
            "completed": done.take(codes),
        },
        index=values.index,
    )


_REVISED_RE = re.compile(
    r"\b(?:revised\s+(?:target|timescale|deadline|date|completion\s+date|end\s+date)s?"
    r"|(?:timescale|deadline|target(?:\s+date)?|completion(?:\s+date)?)\s+(?:is\s+)?(?:likely\s+)?(?:now|revised|extended|moved|changed)"
    r"|now\s+(?:expected|due|anticipated|likely)|extended\s+(?:to|until))\b"
    r"[^.;\n]*?",
    re.IGNORECASE,
)


def _revised_in(text: object) -> pd.Timestamp | type(pd.NaT):
    if not isinstance(text, str):
        return _NAT
    for m in _REVISED_RE.finditer(text):
        rest = text[m.end():]
        found = _DATE_RE.search(rest[:80])
        if found is not None:
            when = _match_date(found)
            if when is not None:
                return when
    return _NAT


def find_revised_date(text: pd.Series) -> pd.Series:
    """The revised target a progress text announces, or NaT.

    ``Revised timescale of January 2014`` -> 31/01/2014; ``Timescale likely now to be March 2014``
    -> 31/03/2014.
    """
    codes, uniques = pd.factorize(text.astype(object), use_na_sentinel=True)
    found = [_revised_in(v) for v in uniques]
    found.append(_NAT)
    return pd.Series(pd.DatetimeIndex(found, dtype="datetime64[ns]").take(codes), index=text.index, name="revised_target")


__all__ = sorted(["KINDS", "ParsedDate", "UNDATED_KINDS", "find_revised_date", "parse_date", "parse_dates"])

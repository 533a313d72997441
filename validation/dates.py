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

``parse_date`` reads one value (the per-value reference implementation). ``validation.date_columns``
reads a whole column by the same patterns and rules, once per distinct value and vectorised;
``validation.revised`` finds the revised targets that progress text announces.
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
# Case-insensitive matching lets four non-ASCII letters stand for ASCII ones (İ, ı, K, ſ); a
# month name matched with one must still find its number rather than crash the reading.
_ASCII_TWINS = str.maketrans({"İ": "i", "ı": "i", "K": "k", "ſ": "s"})


def month_number(name: str) -> int:
    """1-12 for a month name the date patterns matched, whatever its case."""
    return _MONTHS[name.translate(_ASCII_TWINS).lower()]


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

# "complete" as a statement of fact: followed by nothing, punctuation, a date or a sign-off
# ("Completed.", "May 2018 Complete June 2018", "Complete - ..."), not an instruction
# ("Complete review by July 2022"), not "to be completed", not "complete by March".
_COMPLETE = (
    r"\b(?:action\s+)?complete(?:d)?\b"
    rf"(?=\s*(?:$|[-\u2013\u2014.:,;)!(]|\d|{_MONTH}\b|q[1-4]\b|on\b|sign|and\b|but\b|as\b|with\b))"
)
_COMPLETE_RE = re.compile(_COMPLETE, re.IGNORECASE)
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
_FROM_DATE_RE = re.compile(
    rf"\b(?:from|starting|commencing|beginning)\s+(?:in\s+|on\s+)?(?:\d{{1,2}}[/.\-]\d|\d{{1,2}}{_ORD}\s+{_MONTH}|{_MONTH}|q[1-4])",
    re.IGNORECASE,
)

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


# Years plansync reads; outside them a "date" is a typing slip (0022, 20222), never guessed.
_FIRST_YEAR, _LAST_YEAR = 1900, 2199


def _year(text: str) -> int:
    y = int(text)
    # Two-digit years are this century: council plans do not reach back to the 1900s.
    return 2000 + y if len(text) <= 2 else y


def _match_date(m: re.Match) -> pd.Timestamp | None:
    """The date one regex match names, or None when it names an impossible day (31/02/2022)."""
    g = m.groupdict()
    try:
        if g["nd"]:
            y, mo, d = _year(g["ny"]), int(g["nm"]), int(g["nd"])
        elif g["iy"]:
            y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        elif g["dd"]:
            y, mo, d = int(g["dy"]), month_number(g["dm"]), int(g["dd"])
        elif g["md"]:
            y, mo, d = int(g["mdy"]), month_number(g["md"]), int(g["mdd"])
        elif g["mm"]:
            y, mo, d = int(g["my"]), month_number(g["mm"]), None
        elif g["sm"]:
            y, mo, d = _year(g["sy"]), month_number(g["sm"]), None
        else:
            q, y, d = int(g["q"]), int(g["qy"]), None
            mo = q * 3
            if g["qfy"]:
                # Financial year (April to March): Q1 ends June, Q4 ends March of the next year.
                mo += 3
                if mo > 12:
                    y, mo = y + 1, mo - 12
        if not _FIRST_YEAR <= y <= _LAST_YEAR:
            return None
        return _month_end(y, mo) if d is None else pd.Timestamp(y, mo, d)
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
    """(latest date, its kind, whether any written date was impossible) for a piece of text.

    An explicit day or month wins over a quarter written next to it.
    """
    found: list[tuple[bool, pd.Timestamp, str]] = []
    bad = False
    for m in _DATE_RE.finditer(text):
        when = _match_date(m)
        if when is None:
            bad = True
            continue
        kind = _kind_of_match(m)
        found.append((kind != "quarter", when, kind))
    if not found:
        return None, "", bad
    _, when, kind = max(found, key=lambda f: (f[0], f[1]))
    return when, kind, bad


def _parse_text(text: str) -> ParsedDate:
    text = " ".join(text.split())
    if not text:
        return ParsedDate(_NAT, "blank")
    if text.startswith("="):
        return ParsedDate(_NAT, "formula")
    first = _COMPLETE_RE.search(text)
    if first is not None and not _NOT_COMPLETE_RE.search(text):
        due, _, bad_before = _dates_in(text[: first.start()])
        done, _, bad_after = _dates_in(text[first.end():])
        if bad_before or bad_after:
            return ParsedDate(_NAT, "unreadable")
        return ParsedDate(_NAT if due is None else due, "complete", _NAT if done is None else done)
    due, kind, bad = _dates_in(text)
    if bad:
        return ParsedDate(_NAT, "unreadable")
    if due is not None:
        if _RECURRING_RE.search(text) and _FROM_DATE_RE.search(text):
            return ParsedDate(_NAT, "recurring")
        return ParsedDate(due, kind)
    if _TBC_RE.search(text):
        return ParsedDate(_NAT, "tbc")
    if _RECURRING_RE.search(text):
        return ParsedDate(_NAT, "recurring")
    return ParsedDate(_NAT, "unreadable")


def _timestamp(value: date | datetime | np.datetime64) -> pd.Timestamp | None:
    """A date cell as a midnight timestamp, or None outside the years plansync reads."""
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        return None
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if not _FIRST_YEAR <= ts.year <= _LAST_YEAR:
        return None
    return ts.normalize().as_unit("ns")


def parse_date(value: object) -> ParsedDate:
    """Read one cell value as a council date (the same rules as ``validation.date_columns.parse_dates``).

    >>> parse_date("End of April 2013").due
    Timestamp('2013-04-30 00:00:00')
    >>> parse_date("Jully 2022").kind
    'unreadable'
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return ParsedDate(_NAT, "blank")
    if isinstance(value, (bool, np.bool_)):
        return ParsedDate(_NAT, "unreadable")
    if isinstance(value, (datetime, date, np.datetime64)):
        if isinstance(value, np.datetime64) and np.isnat(value):
            return ParsedDate(_NAT, "blank")
        ts = _timestamp(value)
        return ParsedDate(_NAT, "unreadable") if ts is None else ParsedDate(ts, "date")
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return ParsedDate(_NAT, "blank")
    if isinstance(value, str):
        return _parse_text(value)
    # Numbers are Excel serials that lost their date format, or bare years: never guessed.
    return ParsedDate(_NAT, "unreadable")


__all__ = sorted(["KINDS", "ParsedDate", "UNDATED_KINDS", "parse_date"])

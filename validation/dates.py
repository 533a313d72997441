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
from itertools import repeat
from operator import attrgetter

import numpy as np
import pandas as pd

from validation.distinct import factorize_cells
from validation.words import AnyCase

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
            y, mo, d = int(g["dy"]), _MONTHS[g["dm"].lower()], int(g["dd"])
        elif g["md"]:
            y, mo, d = int(g["mdy"]), _MONTHS[g["md"].lower()], int(g["mdd"])
        elif g["mm"]:
            y, mo, d = int(g["my"]), _MONTHS[g["mm"].lower()], None
        elif g["sm"]:
            y, mo, d = _year(g["sy"]), _MONTHS[g["sm"].lower()], None
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
    """Read one cell value as a council date (the same rules as ``parse_dates``).

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


# ---- vectorised reading of a column -------------------------------------------------------------

_NUMERIC_DAY = ("nd", "id", "dd", "mdd")
_YEAR_GROUPS = ("ny", "iy", "dy", "mdy", "my", "sy", "qy")
_NAME_MONTHS = ("dm", "md", "mm", "sm")


def _first(cols: dict[str, np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    """Per match, the first of these groups that matched (None when none did)."""
    out = cols[names[0]].copy()
    for name in names[1:]:
        missing = pd.isna(out)
        out[missing] = cols[name][missing]
    return out


def _to_int(texts: np.ndarray) -> np.ndarray:
    """Digit strings (None where a group did not match) as int64, 0 for None."""
    present = ~pd.isna(texts)
    out = np.zeros(len(texts), dtype="int64")
    if present.any():
        out[present] = np.asarray(texts[present], dtype=str).astype("int64")
    return out


def _build_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """datetime64[ns] for each (year, month, day); day 0 means the month's last day; NaT when impossible."""
    valid = (year >= _FIRST_YEAR) & (year <= _LAST_YEAR) & (month >= 1) & (month <= 12)
    months = np.where(valid, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    start = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - start).astype("int64")
    valid &= (day >= 0) & (day <= length)
    when = start + np.where(day == 0, length - 1, day - 1).astype("timedelta64[D]")
    return np.where(valid, when.astype("datetime64[ns]"), np.datetime64("NaT", "ns"))


def _find_all(regex: re.Pattern, texts: np.ndarray, *, first: bool = False) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Every match of ``regex`` in each text: (position of its text, each named group per match).

    What ``Series.str.extractall`` does (one ``findall`` per distinct text, texts that are not
    strings skipped), without building a MultiIndex frame, which costs more than the matching.
    ``first``: only the first match of each text, found by ``search``, which stops there.
    """
    if first:
        found = [(i, m.groups()) for i, text in enumerate(texts) if isinstance(text, str) and (m := regex.search(text)) is not None]
    else:
        found = [(i, groups) for i, text in enumerate(texts) if isinstance(text, str) for groups in regex.findall(text)]
    names = sorted(regex.groupindex, key=regex.groupindex.get)
    if not found:
        return np.zeros(0, dtype="int64"), {name: np.zeros(0, dtype=object) for name in names}
    owner = np.fromiter((i for i, _ in found), dtype="int64", count=len(found))
    table = np.empty((len(found), len(names)), dtype=object)
    table[:] = [groups if isinstance(groups, tuple) else (groups,) for _, groups in found]
    table[table == ""] = None  # findall gives '' for a group that did not take part
    return owner, {name: table[:, k] for k, name in enumerate(names)}


def _dates_vec(texts: np.ndarray, pick: str = "latest") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each text: the date it names, its kind, and whether a written date was impossible.

    ``pick="latest"``: the latest explicit day or month, else the latest quarter (a due date).
    ``pick="first"``: the first date written, NaT when that one is impossible (a revised date);
    only that date is read (the search stops there), so ``bad`` tells about it alone.
    Returns arrays ``due``, ``kind`` ('' when none), ``bad``."""
    n = len(texts)
    due_out = np.full(n, np.datetime64("NaT", "ns"))
    kind_out = np.full(n, "", dtype=object)
    bad_out = np.zeros(n, dtype=bool)
    owner, cols = _find_all(_DATE_RE, texts, first=pick == "first")
    if not len(owner):
        return due_out, kind_out, bad_out
    year_text = _first(cols, _YEAR_GROUPS)
    year = _to_int(year_text)
    year = np.where(np.fromiter(map(len, year_text), dtype="int64", count=len(year_text)) <= 2, year + 2000, year)
    month_name = _first(cols, _NAME_MONTHS)
    named = ~pd.isna(month_name)
    month = _to_int(_first(cols, ("nm", "im")))
    if named.any():
        month[named] = [_MONTHS[name.lower()] for name in month_name[named]]
    is_q = ~pd.isna(cols["q"])
    q_month = _to_int(cols["q"]) * 3 + np.where(~pd.isna(cols["qfy"]), 3, 0)
    year = np.where(is_q & (q_month > 12), year + 1, year)
    month = np.where(is_q, np.where(q_month > 12, q_month - 12, q_month), month)
    day_text = _first(cols, _NUMERIC_DAY)
    has_day = ~pd.isna(day_text)
    day = _to_int(day_text)
    # A numeric day of 0 ("00/07/2022") is impossible; 0 is reserved for "last day of the month".
    day = np.where(has_day & (day == 0), 99, day)
    due = _build_dates(year, month, day)
    kind = np.where(has_day, "date", np.where(is_q, "quarter", "month")).astype(object)
    bad = np.isnat(due)

    np.logical_or.at(bad_out, owner, bad)
    if pick == "first":
        starts = np.r_[True, owner[1:] != owner[:-1]]
        keep = starts & ~bad
        due_out[owner[keep]] = due[keep]
        kind_out[owner[keep]] = kind[keep]
        return due_out, kind_out, bad_out
    good = ~bad
    if good.any():
        # Latest explicit date wins; quarters only when no explicit date: sort, keep each text's last.
        order = np.lexsort((due[good].astype("int64"), ~is_q[good], owner[good]))
        g_owner = owner[good][order]
        last = np.r_[g_owner[1:] != g_owner[:-1], True]
        due_out[g_owner[last]] = due[good][order][last]
        kind_out[g_owner[last]] = kind[good][order][last]
    return due_out, kind_out, bad_out


_SPLIT_COMPLETE_RE = re.compile(rf"^(?P<before>.*?){_COMPLETE}(?P<after>.*)$", re.IGNORECASE | re.DOTALL)


# Words each regex cannot match without (lower case), to sift texts with ``AnyCase`` first: most
# targets are plain dates and hold none of them.
_COMPLETE_WORDS = ("complete",)  # both _COMPLETE_RE and _NOT_COMPLETE_RE
_TBC_WORDS = ("confirmed", "agreed", "determined", "decided", "set", "arranged", "tb", "known")
_RECURRING_WORDS = (
    "going", "continuous", "daily", "weekly", "fortnightly", "monthly", "quarterly", "annual", "yearly", "termly",
    "regular", "routine", "required", "needed", "every", "each", "business", "bau", "rolling",
)


def _matches(regex: re.Pattern, texts: np.ndarray, maybe: np.ndarray) -> np.ndarray:
    """Whether ``regex`` is found in each text: one C-level ``search`` (no pandas ``.str``) for each
    text at positions ``maybe``, the only ones that can hold it."""
    found = np.zeros(len(texts), dtype=bool)
    found[maybe] = np.fromiter(map(bool, map(regex.search, texts[maybe])), dtype=bool, count=len(maybe))
    return found


def _parse_texts(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``parse_date`` for many distinct texts at once: (due, kind, completed) arrays."""
    # Spacing collapsed as parse_date does it (split and regex \s agree on what a space is).
    t = np.fromiter((" ".join(text.split()) for text in texts), dtype=object, count=len(texts))
    n = len(t)
    blank = t == ""
    formula = np.fromiter(map(str.startswith, t, repeat("=")), dtype=bool, count=n)
    says_complete = AnyCase(t.tolist()).holding(_COMPLETE_WORDS)
    complete = _matches(_COMPLETE_RE, t, says_complete) & ~_matches(_NOT_COMPLETE_RE, t, says_complete)
    complete &= ~blank & ~formula

    due = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    done = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    kind = np.full(n, "unreadable", dtype=object)

    if complete.any():
        split = [_SPLIT_COMPLETE_RE.search(text) for text in t[complete]]
        # The parts before and after "complete" read in one go: the due date, then the completion.
        parts = np.array([m and m.group("before") for m in split] + [m and m.group("after") for m in split], dtype=object)
        found_due, _, found_bad = _dates_vec(parts)
        k = len(split)
        spoilt = found_bad[:k] | found_bad[k:]
        due[complete] = np.where(spoilt, np.datetime64("NaT"), found_due[:k])
        done[complete] = np.where(spoilt, np.datetime64("NaT"), found_due[k:])
        kind[complete] = np.where(spoilt, "unreadable", "complete")

    rest = ~blank & ~formula & ~complete
    if rest.any():
        rt = t[rest]
        found_due, found_kind, bad = _dates_vec(rt)
        has = ~bad & (found_kind != "")
        sift = AnyCase(rt.tolist())
        recurring = _matches(_RECURRING_RE, rt, sift.holding(_RECURRING_WORDS))
        tbc = _matches(_TBC_RE, rt, sift.holding(_TBC_WORDS))
        from_date = _matches(_FROM_DATE_RE, rt, np.flatnonzero(recurring))  # only recurring texts matter
        sub_kind = np.select(
            [bad, has & recurring & from_date, has, tbc, recurring],
            ["unreadable", "recurring", found_kind, "tbc", "recurring"],
            default="unreadable",
        )
        due[rest] = np.where((sub_kind != "recurring") & has, found_due, np.datetime64("NaT"))
        kind[rest] = sub_kind
    kind[blank] = "blank"
    kind[formula & ~blank] = "formula"
    return due, kind, done


def _parse_uniques(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read distinct cell values of any type: (due, kind, completed) arrays."""
    n = len(uniques)
    due = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    done = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    kind = np.full(n, "unreadable", dtype=object)
    types = np.fromiter(map(type, uniques), dtype=object, count=n)
    type_kind = {t: _type_kind(t) for t in set(types)}
    tk = np.fromiter(map(type_kind.__getitem__, types), dtype=object, count=n)
    is_text = tk == "text"
    if is_text.any():
        due[is_text], kind[is_text], done[is_text] = _parse_texts(uniques[is_text])
    is_date = tk == "date"
    if is_date.any():
        when = _timestamps(uniques[is_date])
        due[is_date] = when
        kind[is_date] = np.where(np.isnat(when), "unreadable", "date")
    # Float NaN and NaT are caught by factorize; anything else (numbers, yes/no) stays unreadable.
    return due, kind, done


def _timestamps(values: np.ndarray) -> np.ndarray:
    """Date cells as midnight datetime64[ns]; NaT outside the years plansync reads."""
    n = len(values)
    # C-level map passes rather than a generator per value (date columns hold ~1,000 distinct days).
    zoned = np.fromiter(map(getattr, values, repeat("tzinfo"), repeat(None)), dtype=object, count=n) != None  # noqa: E711
    odd = zoned | np.fromiter(map(isinstance, values, repeat(np.datetime64)), dtype=bool, count=n)
    if odd.any():
        # numpy dates and dates with a time zone (never from Excel): one by one, as the wall-clock date.
        out = np.full(len(values), np.datetime64("NaT", "ns"))
        stamps = [_timestamp(v) for v in values[odd]]
        out[odd] = [np.datetime64("NaT", "ns") if t is None else t.to_datetime64() for t in stamps]
        out[~odd] = _timestamps(values[~odd])
        return out
    years = np.fromiter(map(attrgetter("year"), values), dtype="int64", count=n)
    in_range = (years >= _FIRST_YEAR) & (years <= _LAST_YEAR)
    if not in_range.all():
        # Out-of-range years first, so nothing overflows on the way to nanoseconds.
        out = np.full(len(values), np.datetime64("NaT", "ns"))
        out[in_range] = _timestamps(values[in_range])
        return out
    when = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype="datetime64[ns]")
    day = when.astype("datetime64[D]")
    years = day.astype("datetime64[Y]").astype("int64") + 1970
    ok = ~np.isnat(when) & (years >= _FIRST_YEAR) & (years <= _LAST_YEAR)
    return np.where(ok, day.astype("datetime64[ns]"), np.datetime64("NaT", "ns"))


def _type_kind(t: type) -> str:
    if issubclass(t, (bool, np.bool_)):
        return "other"
    if issubclass(t, str):
        return "text"
    if issubclass(t, (datetime, date, np.datetime64)):
        return "date"
    return "other"


def read_per_value(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``parse_per_value`` as arrays (due, kind, completed), for callers that go on with numpy:
    building the frame, and reading it back, cost more than reading a column's distinct dates."""
    return _parse_uniques(np.asarray(uniques, dtype=object))


def parse_per_value(uniques: np.ndarray) -> pd.DataFrame:
    """``parse_dates`` for distinct cell values (no missing ones): columns due, kind, completed."""
    due, kind, done = read_per_value(uniques)
    return pd.DataFrame({"due": due, "kind": kind, "completed": done})


def parse_dates(values: pd.Series) -> pd.DataFrame:
    """Read a column of cell values as council dates.

    Returns a frame index-aligned with ``values``: ``due`` (datetime64, NaT when none),
    ``kind`` (one of ``KINDS``) and ``completed`` (datetime64, NaT when none).

    >>> parse_dates(pd.Series(["Q3 2013", "Ongoing"]))["kind"].tolist()
    ['quarter', 'recurring']
    """
    codes, uniques = factorize_cells(values)
    due, kind, done = read_per_value(uniques)
    # Code -1 (a missing value) reads as blank.
    due = np.append(due, np.datetime64("NaT", "ns")).take(codes)
    done = np.append(done, np.datetime64("NaT", "ns")).take(codes)
    kind = np.append(kind, "blank").take(codes)
    return pd.DataFrame({"due": due, "kind": kind, "completed": done}, index=values.index)


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
    at, groups = _find_all(_REVISED_TAIL_RE, uniques[maybe])
    at = maybe[at]
    if len(at):
        due, _, _ = _dates_vec(groups["tail"], pick="first")
        good = ~np.isnat(due)
        # The first announcement (in text order) whose date is readable.
        g_owner, g_due = at[good], due[good]
        keep = np.r_[True, g_owner[1:] != g_owner[:-1]] if len(g_owner) else np.zeros(0, dtype=bool)
        found[g_owner[keep]] = g_due[keep]
    return found


__all__ = sorted(["KINDS", "ParsedDate", "UNDATED_KINDS", "find_revised_date", "parse_date", "parse_dates", "parse_per_value", "read_per_value", "revised_per_text"])

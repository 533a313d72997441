"""Council dates read a whole column at a time: the rules of ``validation.dates``, vectorised.

A column is factorised (council columns repeat a lot: the same target month on many rows), each
distinct value is read once, and the answers are mapped back by code. Texts are read with plain
regex calls over numpy arrays (no pandas ``.str``): the date pattern once per text, and the
complete, recurring and "to be confirmed" patterns only for texts holding a word each needs
(``validation.words.AnyCase``). ``parse_date`` gives the same answer for each value (tests pin it).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import repeat
from operator import attrgetter, methodcaller

import numpy as np
import pandas as pd

from validation.cells import factorize_cells
from validation.dates import (
    _COMPLETE,
    _COMPLETE_RE,
    _DATE_RE,
    _FIRST_YEAR,
    _FROM_DATE_RE,
    _LAST_YEAR,
    month_number,
    _NOT_COMPLETE_RE,
    _RECURRING_RE,
    _TBC_RE,
    _timestamp,
)
from validation.words import AnyCase

_NUMERIC_DAY = ("nd", "id", "dd", "mdd")
_UNIX_DAY_ONE = date(1970, 1, 1).toordinal()
_YEAR_GROUPS = ("ny", "iy", "dy", "mdy", "my", "sy", "qy")
_NAME_MONTHS = ("dm", "md", "mm", "sm")


def _none(groups: np.ndarray) -> np.ndarray:
    """Where a group did not match (None; a match is text): one C-level comparison, not ``pd.isna``."""
    return np.equal(groups, None)


def _first(cols: dict[str, np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    """Per match, the first of these groups that matched (None when none did)."""
    out = cols[names[0]].copy()
    for name in names[1:]:
        missing = _none(out)
        out[missing] = cols[name][missing]
    return out


def _to_int(texts: np.ndarray) -> np.ndarray:
    """Digit strings (None where a group did not match) as int64, 0 for None."""
    present = ~_none(texts)
    out = np.zeros(len(texts), dtype="int64")
    if present.any():
        # int() of each text, in numpy's C loop: a third of the time or less of going through a fixed-width
        # string array first (the same digits read, those of other scripts that \d matches too).
        out[present] = texts[present].astype("int64")
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


def lower_case_twin(regex: re.Pattern) -> re.Pattern:
    """``regex`` (IGNORECASE, its letters all lower case, none inside a character class) without
    IGNORECASE: on ASCII text lower-cased first it finds the same matches, a third faster or more.
    Beyond ASCII, case folding and lower-casing differ ('ſ' matches 's'): such texts keep ``regex``."""
    return re.compile(regex.pattern, regex.flags & ~re.IGNORECASE)


_DATE_LOWER_RE = lower_case_twin(_DATE_RE)


def find_all_folded(regex: re.Pattern, twin: re.Pattern, texts: np.ndarray, *, first: bool = False) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``_find_all(regex, texts)``, ASCII texts matched lower-cased by ``twin`` (``lower_case_twin``)."""
    plain = np.fromiter((isinstance(t, str) and t.isascii() for t in texts), dtype=bool, count=len(texts))
    if plain.all():
        return _find_all(twin, np.array([t.lower() for t in texts], dtype=object), first=first)
    at_plain, at_other = np.flatnonzero(plain), np.flatnonzero(~plain)
    plain_owner, plain_cols = find_all_folded(regex, twin, texts[at_plain], first=first)
    other_owner, other_cols = _find_all(regex, texts[at_other], first=first)
    # Back in text order; a text's own matches keep their order (a stable sort).
    owner = np.concatenate([at_plain[plain_owner], at_other[other_owner]])
    order = np.argsort(owner, kind="stable")
    return owner[order], {name: np.concatenate([plain_cols[name], other_cols[name]])[order] for name in plain_cols}


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
    owner, cols = find_all_folded(_DATE_RE, _DATE_LOWER_RE, texts, first=pick == "first")
    if not len(owner):
        return due_out, kind_out, bad_out
    year_text = _first(cols, _YEAR_GROUPS)
    year = _to_int(year_text)
    year = np.where(np.fromiter(map(len, year_text), dtype="int64", count=len(year_text)) <= 2, year + 2000, year)
    month_name = _first(cols, _NAME_MONTHS)
    named = ~_none(month_name)
    month = _to_int(_first(cols, ("nm", "im")))
    if named.any():
        month[named] = [month_number(name) for name in month_name[named]]
    is_q = ~_none(cols["q"])
    q_month = _to_int(cols["q"]) * 3 + np.where(~_none(cols["qfy"]), 3, 0)
    year = np.where(is_q & (q_month > 12), year + 1, year)
    month = np.where(is_q, np.where(q_month > 12, q_month - 12, q_month), month)
    day_text = _first(cols, _NUMERIC_DAY)
    has_day = ~_none(day_text)
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
    sift = AnyCase(t.tolist())
    says_complete = sift.holding(_COMPLETE_WORDS)
    complete = _matches(_COMPLETE_RE, t, says_complete) & ~_matches(_NOT_COMPLETE_RE, t, says_complete)
    complete &= ~blank & ~formula
    rest = ~blank & ~formula & ~complete

    split = [_SPLIT_COMPLETE_RE.search(text) for text in t[complete]]
    k, rt = len(split), t[rest]
    # One reading of every date: the parts before and after "complete" (the due date, then the
    # completion), then the other texts.
    parts = [m and m.group("before") for m in split] + [m and m.group("after") for m in split]
    found_due, found_kind, found_bad = _dates_vec(np.array(parts + rt.tolist(), dtype=object))

    due = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    done = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    kind = np.full(n, "unreadable", dtype=object)
    if k:
        spoilt = found_bad[:k] | found_bad[k : 2 * k]
        due[complete] = np.where(spoilt, np.datetime64("NaT"), found_due[:k])
        done[complete] = np.where(spoilt, np.datetime64("NaT"), found_due[k : 2 * k])
        kind[complete] = np.where(spoilt, "unreadable", "complete")
    if len(rt):
        r_due, r_kind, bad = found_due[2 * k :], found_kind[2 * k :], found_bad[2 * k :]
        has = ~bad & (r_kind != "")
        recurring = _matches(_RECURRING_RE, rt, _among(sift.holding(_RECURRING_WORDS), rest))
        tbc = _matches(_TBC_RE, rt, _among(sift.holding(_TBC_WORDS), rest))
        from_date = _matches(_FROM_DATE_RE, rt, np.flatnonzero(recurring))  # only recurring texts matter
        sub_kind = np.select(
            [bad, has & recurring & from_date, has, tbc, recurring],
            ["unreadable", "recurring", r_kind, "tbc", "recurring"],
            default="unreadable",
        )
        due[rest] = np.where((sub_kind != "recurring") & has, r_due, np.datetime64("NaT"))
        kind[rest] = sub_kind
    kind[blank] = "blank"
    kind[formula & ~blank] = "formula"
    return due, kind, done


def _among(positions: np.ndarray, subset: np.ndarray) -> np.ndarray:
    """``positions`` (of all texts) that fall in ``subset`` (a mask), as positions within it."""
    marked = np.zeros(len(subset), dtype=bool)
    marked[positions] = True
    return np.flatnonzero(marked[subset])


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
    # The day of each naive date or datetime (its time dropped), by its ordinal: no parsing needed.
    days = np.fromiter(map(methodcaller("toordinal"), values), dtype="int64", count=n) - _UNIX_DAY_ONE
    return days.astype("datetime64[D]").astype("datetime64[ns]")


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


__all__ = sorted(["find_all_folded", "lower_case_twin", "parse_dates", "parse_per_value", "read_per_value"])

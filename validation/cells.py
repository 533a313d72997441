"""One column of cells, factorised once: every rule runs once per distinct value, then maps back.

Council columns repeat a lot (the same lead, status or target month on many rows), so the costly
part of any rule is touching each cell. ``Cells`` touches each cell exactly once (``validation.distinct``)
and keeps the facts rules need about each *distinct* value (text or not, blank, formula, length,
the loose key duplicate refs are compared by, the value as shown). Rules combine those per-value
facts and take them back to rows with one integer ``take``.

Text facts use C-level ``map`` over the distinct strings, which is several times faster than
``Series.str`` on object columns without pyarrow (and refs or action texts are mostly distinct).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import repeat

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from validation.distinct import factorize_cells

_EMAIL = r"[^@\s;,<>()\[\]\"']+@[^@\s;,<>()\[\]\"']+\.[A-Za-z]{2,}"
# What the loose comparison of refs, recommendations and plans ignores at either end.
_LOOSE_ENDS = " \t\r\n.)"


def display(value: object) -> str:
    """A cell's value as a person reads it in the Issues sheet (dates day-first)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (datetime, pd.Timestamp)):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Look-up tables by code point, as cheap as one take (np.isin compares against each code in turn):
# the loose ends, and every code point ``str.isspace`` accepts (the last is U+3000, so a text can
# only be all spaces if its first character is one of them).
_IS_LOOSE_END = np.zeros(128, dtype=bool)
_IS_LOOSE_END[[ord(end) for end in _LOOSE_ENDS]] = True
_IS_SPACE = np.array([chr(c).isspace() for c in range(0x3001)], dtype=bool)


def _marked(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table[code]`` for each code point, False beyond the table's end."""
    codes = codes.astype(np.int64)  # code points may come as uint8 (ASCII text)
    return table.take(np.minimum(codes, len(table) - 1)) & (codes < len(table))


def _already_loose(joined: str, chars: np.ndarray, nul: np.ndarray) -> bool:
    """Whether every NUL-separated text already reads the same compared loosely (lower case, no
    loose ends). A capital always changes under ``lower``, so one comparison of the whole text says
    whether any single text would. Loose ends are the characters beside a NUL or at either end of
    the whole text (``chars``, its code points; ``nul``, where its NULs are): read off the array, not
    one substring search per loose end (which crawls through refs full of dots)."""
    if joined.lower() != joined:
        return False
    if not len(chars):
        return True
    beside = np.concatenate(([0, len(chars) - 1], nul - 1, nul + 1))
    # Clipping maps a position just off either end onto that end, which is looked at anyway.
    return not _marked(_IS_LOOSE_END, chars.take(beside, mode="clip")).any()


class Cells:
    """One column's cells: ``codes`` per row (-1 for a missing cell) into the distinct ``uniques``.

    Every fact below is per distinct value (an array as long as ``uniques``), computed on first use
    and kept; ``back`` turns one into a per-row array.
    """

    def __init__(self, values: pd.Series | np.ndarray | None, rows: int) -> None:
        if values is None:
            self.codes = np.full(rows, -1, dtype="int64")
            self.uniques = np.zeros(0, dtype=object)
        else:
            self.codes, self.uniques = factorize_cells(values)
        self._cache: dict[str, np.ndarray] = {}

    def back(self, per_unique: np.ndarray, missing) -> np.ndarray:
        """Per-distinct answers as per-row answers (code -1, a missing cell, gets ``missing``)."""
        return np.append(per_unique, np.array([missing], dtype=per_unique.dtype)).take(self.codes)

    def _cached(self, name: str, make) -> np.ndarray:
        found = self._cache.get(name)
        if found is None:
            found = self._cache[name] = make()
        return found

    def _map(self, fn, *args, dtype=object, source: np.ndarray | None = None) -> np.ndarray:
        source = self.text if source is None else source
        return np.fromiter(map(fn, source, *args), dtype=dtype, count=len(source))

    @property
    def is_text(self) -> np.ndarray:
        """Which distinct values are text: ``str`` or a subclass of it (numpy's ``str_``), as dates read them."""

        def make() -> np.ndarray:
            # The usual all-text column is told in one C-level pass (refs are mostly distinct).
            if infer_dtype(self.uniques, skipna=False) == "string":
                return np.ones(len(self.uniques), dtype=bool)
            return np.fromiter(map(isinstance, self.uniques, repeat(str)), dtype=bool, count=len(self.uniques))

        return self._cached("is_text", make)

    @property
    def text(self) -> np.ndarray:
        """Each distinct value if it is text, else ''."""
        return self._cached("text", lambda: self.uniques if self.is_text.all() else np.where(self.is_text, self.uniques, ""))

    @property
    def stripped(self) -> np.ndarray:
        return self._cached("stripped", lambda: self._map(str.strip))

    @property
    def text_length(self) -> np.ndarray:
        """Characters in each distinct text (0 for values that are not text)."""

        def make() -> np.ndarray:
            points = self.code_points
            if points is None or not len(self.uniques):
                return self._map(len, dtype="int64")
            # Texts lie between the NULs: their lengths are the gaps.
            chars, nul = points
            return (np.diff(np.concatenate(([-1], nul, [len(chars)]))) - 1).astype("int64")

        return self._cached("text_length", make)

    @property
    def joined(self) -> str | None:
        """Every distinct text joined by NUL, for one C-level search over all of them; None when a
        text holds NUL itself (no cell can: the xlsx format forbids it)."""
        if "joined" not in self._cache:
            self._join()
        return self._cache["joined"]

    @property
    def code_points(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``joined`` as one array of code points, and where its NULs are (one between each two
        texts): lengths, first characters and loose ends are read off it in C rather than by one
        Python call per distinct text (refs are mostly distinct). None without ``joined``."""
        if "code_points" not in self._cache:
            self._join()
        return self._cache["code_points"]

    def _join(self) -> None:
        joined = "\x00".join(self.text.tolist())  # from a list: join would make one anyway, more slowly
        separators = max(len(self.text) - 1, 0)
        try:
            # ASCII text (the usual refs and leads; str knows it at no cost) as one byte a character:
            # a quarter of the memory to scan for NULs.
            if joined.isascii():
                chars = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
            else:
                chars = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:  # a lone surrogate: no code points, so text by text instead
            points = None
            nuls = joined.count("\x00")
        else:
            points = (chars, np.flatnonzero(chars == 0))
            nuls = len(points[1])
        # More NULs than separators: some text holds one, and the NULs no longer mark the texts.
        self._cache["joined"] = joined if nuls == separators else None
        self._cache["code_points"] = points if nuls == separators else None

    @property
    def blank(self) -> np.ndarray:
        """Only spaces or '' (missing cells are blank too: ``back(blank, True)``)."""

        def make() -> np.ndarray:
            empty = self.text_length == 0
            points = self.code_points
            if points is None:
                # isspace and strip agree on what a space is; isspace allocates no new string.
                return self.is_text & (empty | self._map(str.isspace, dtype=bool))
            # Only a text whose first character is a space can be all spaces: isspace just for those.
            chars, nul = points
            # An empty last text starts just past the end: clipped onto the last character, as
            # empty texts are not looked at here anyway.
            starts = np.concatenate(([0], nul + 1))
            first = chars.take(starts, mode="clip") if len(chars) else np.zeros(len(starts), dtype=np.uint32)
            spaces = np.zeros(len(self.uniques), dtype=bool)
            maybe = _marked(_IS_SPACE, first) & ~empty
            if maybe.any():
                spaces[maybe] = self._map(str.isspace, dtype=bool, source=self.text[maybe])
            return self.is_text & (empty | spaces)

        return self._cached("blank", make)

    @property
    def formula(self) -> np.ndarray:
        """Text starting with '=' (after spaces): adapters hand formulas over as their text."""

        def make() -> np.ndarray:
            if self.joined is not None and "=" not in self.joined:
                return np.zeros(len(self.uniques), dtype=bool)
            return self.is_text & self._map(str.startswith, repeat("="), dtype=bool, source=self.stripped)

        return self._cached("formula", make)

    @property
    def shown(self) -> np.ndarray:
        """Each distinct value as a person reads it (``display``)."""
        return self._cached("shown", lambda: np.fromiter(map(display, self.uniques), dtype=object, count=len(self.uniques)))

    def shown_at(self, codes: np.ndarray) -> np.ndarray:
        """``display`` of the values with these codes ('' for -1), computed only for those values."""
        if "shown" in self._cache:
            return np.append(self._cache["shown"], "").take(codes)
        need, where = np.unique(codes, return_inverse=True)
        texts = np.array([display(self.uniques[c]) if c >= 0 else "" for c in need.tolist()], dtype=object)
        return texts.take(where.reshape(-1))

    @property
    def length(self) -> np.ndarray:
        """Characters as SharePoint would store them: numbers and dates count as their text as shown."""

        def make() -> np.ndarray:
            if self.is_text.all():
                return self.text_length
            return self._map(len, dtype="int64", source=self.shown)

        return self._cached("length", make)

    @property
    def loose(self) -> np.ndarray:
        """Group number of each distinct value compared loosely (case, spacing, trailing '.' or ')' ignored)."""

        def make() -> np.ndarray:
            if self.is_text.all() and self.joined is not None and self.code_points is not None and _already_loose(self.joined, *self.code_points):
                # No capitals and no loose ends anywhere: the distinct values are the groups (the
                # common case for refs, which are mostly distinct: no per-value work at all).
                return np.arange(len(self.uniques), dtype="int64")
            shown_values = self.uniques if self.is_text.all() else np.where(self.is_text, self.uniques, self.shown)
            lowered = self._map(str.lower, source=shown_values)
            trimmed = self._map(str.strip, repeat(_LOOSE_ENDS), source=lowered)
            if (trimmed == shown_values).all():
                # Already in loose form: the distinct values are the groups (the common case for refs).
                return np.arange(len(trimmed), dtype="int64")
            codes, _ = pd.factorize(trimmed)
            return codes.astype("int64")

        return self._cached("loose", make)

    @property
    def not_emails(self) -> np.ndarray:
        """Text that is not one or more email addresses separated by ; or , (blank parts ignored)."""

        def make() -> np.ndarray:
            # One plain call per distinct text: owner columns hold a handful of addresses, and pandas'
            # split/explode/groupby cost ~1 ms however few there are.
            ok = np.fromiter(map(_emails_only, self.text), dtype=bool, count=len(self.text))
            return ~(self.is_text & ok)

        return self._cached("not_emails", make)


_EMAIL_RE = re.compile(_EMAIL)
_EMAIL_SEPARATORS = re.compile(r"[;,]")


def _emails_only(text: str) -> bool:
    return all(part == "" or _EMAIL_RE.fullmatch(part) for part in map(str.strip, _EMAIL_SEPARATORS.split(text)))


__all__ = sorted(["Cells", "display"])

"""One column of cells, factorised once: a rule reads each distinct value once, then maps back.

Council columns repeat a lot (the same lead, status or target month on many rows), so a rule
(``validation.rules``) asks ``Cells`` about each *distinct* value (text or not, blank, formula,
length, the loose key duplicate refs are compared by, the value as shown) and takes the answers
back to rows with one integer ``take``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import repeat

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

EMAIL = r"[^@\s;,<>()\[\]\"']+@[^@\s;,<>()\[\]\"']+\.[A-Za-z]{2,}"
# What the loose comparison of refs, recommendations and plans ignores at either end.
LOOSE_ENDS = " \t\r\n.)"


def factorize_cells(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` of a column of cell values: ``codes`` per cell (int64, -1 for a missing
    cell: None, NaN, NaT, pd.NA), ``uniques`` the distinct other values (object array) in order of
    first appearance."""
    data = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(data, use_na_sentinel=True)
    return codes.astype("int64", copy=False), np.asarray(uniques, dtype=object)


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


_EMAIL_RE = re.compile(EMAIL)
_EMAIL_SEPARATORS = re.compile(r"[;,]")


def emails_only(text: str) -> bool:
    """One or more email addresses separated by ; or , (blank parts ignored)."""
    return all(part == "" or _EMAIL_RE.fullmatch(part) for part in map(str.strip, _EMAIL_SEPARATORS.split(text)))


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

    def _each(self, name: str, fn, source: np.ndarray | None = None, dtype=bool) -> np.ndarray:
        """``fn`` of each distinct value (of ``source``, default the texts), kept under ``name``."""
        found = self._cache.get(name)
        if found is None:
            source = self.text if source is None else source
            found = self._cache[name] = np.fromiter(map(fn, source), dtype=dtype, count=len(source))
        return found

    @property
    def is_text(self) -> np.ndarray:
        """Which distinct values are text: ``str`` or a subclass of it (numpy's ``str_``), as dates read them."""
        if "is_text" not in self._cache:
            # The usual all-text column is told in one C-level pass.
            if infer_dtype(self.uniques, skipna=False) == "string":
                self._cache["is_text"] = np.ones(len(self.uniques), dtype=bool)
            else:
                self._cache["is_text"] = np.fromiter(map(isinstance, self.uniques, repeat(str)), dtype=bool, count=len(self.uniques))
        return self._cache["is_text"]

    @property
    def text(self) -> np.ndarray:
        """Each distinct value if it is text, else ''."""
        if "text" not in self._cache:
            self._cache["text"] = np.where(self.is_text, self.uniques, "").astype(object)
        return self._cache["text"]

    @property
    def stripped(self) -> np.ndarray:
        return self._each("stripped", str.strip, dtype=object)

    @property
    def blank(self) -> np.ndarray:
        """Only spaces or '' (missing cells are blank too: ``back(blank, True)``)."""
        if "blank" not in self._cache:
            self._cache["blank"] = self.is_text & (self.stripped == "")
        return self._cache["blank"]

    @property
    def formula(self) -> np.ndarray:
        """Text starting with '=' (after spaces): adapters hand formulas over as their text."""
        if "formula" not in self._cache:
            self._cache["formula"] = np.fromiter(map(str.startswith, self.stripped, repeat("=")), dtype=bool, count=len(self.uniques))
        return self._cache["formula"]

    @property
    def shown(self) -> np.ndarray:
        """Each distinct value as a person reads it (``display``); text is shown as it is."""
        if "shown" not in self._cache:
            shown = self.uniques.copy()
            other = np.flatnonzero(~self.is_text)
            shown[other] = [display(value) for value in self.uniques[other]]
            self._cache["shown"] = shown
        return self._cache["shown"]

    def shown_at(self, codes: np.ndarray) -> np.ndarray:
        """``display`` of the values with these codes ('' for -1), worked out for those values only
        (a date column's failing cells are a few of its many distinct dates)."""
        if "shown" in self._cache:
            return np.append(self._cache["shown"], "").take(codes)
        need, where = np.unique(codes, return_inverse=True)
        texts = np.array([display(self.uniques[c]) if c >= 0 else "" for c in need.tolist()], dtype=object)
        return texts.take(where.reshape(-1))

    @property
    def length(self) -> np.ndarray:
        """Characters as SharePoint would store them: numbers and dates count as their text as shown."""
        return self._each("length", len, source=self.shown, dtype="int64")

    @property
    def loose(self) -> np.ndarray:
        """Group number of each distinct value compared loosely (case, spacing, trailing '.' or ')'
        ignored), and one more at the end: the group of a blank."""
        if "loose" not in self._cache:
            keys = [shown.lower().strip(LOOSE_ENDS) for shown in self.shown.tolist()]
            self._cache["loose"] = pd.factorize(np.array(keys + [""], dtype=object))[0].astype("int64")
        return self._cache["loose"]

    def loose_at_rows(self) -> np.ndarray:
        """``loose`` per row, a missing cell in the group of ''."""
        return self.loose.take(np.where(self.codes < 0, len(self.uniques), self.codes))

    @property
    def emails(self) -> np.ndarray:
        """Text that is one or more email addresses separated by ; or , (blank parts ignored)."""
        return self.is_text & self._each("emails", emails_only)


__all__ = sorted(["Cells", "EMAIL", "LOOSE_ENDS", "display", "emails_only", "factorize_cells"])

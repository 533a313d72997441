"""List values a cell cannot hold: shown as faithfully as Excel allows, never written back.

A SharePoint list holds text an Excel cell cannot: C0 control characters (a ``\\x07`` sent by a
flow, a ``\\x00`` pasted from another system) and texts over 32,767 characters. plansync shows
such a value in its cell as closely as a cell allows:

* each control character but tab, line feed and carriage return as its Unicode control picture
  (``\\x07`` -> ``␇``, U+2407), which a person can read and which no list value is mistaken for;
  a lone surrogate or U+FFFE/U+FFFF (not allowed in an .xlsx file) as U+FFFD;
* a text over 32,767 characters cut, ending with a visible marker that says how long the list's
  text is.

The list keeps the true value: the sync state's base holds it, and a cell that still shows the
substitute is *not* a change (``keep_true_values``), so the cleaned or cut text is never sent over
the item. Only a person's new text in that cell replaces the list's value.

    >>> cell_text("Done\\x07")
    'Done␇'
    >>> len(cell_text("x" * 40_000)) == CELL_MAX
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

CELL_MAX = 32_767
"""Excel's limit on the characters of one cell."""

CUT_MARK = " [... cut by plansync: the list holds all {length:,} characters]"

# What an .xlsx cell cannot hold: C0 controls but tab/LF/CR (as openpyxl's ILLEGAL_CHARACTERS_RE),
# lone surrogates and the two non-characters XML forbids.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")


def _picture(match: re.Match) -> str:
    return chr(0x2400 + ord(match.group()))


def cell_text(value: str) -> str:
    """``value`` as a cell can hold it (itself when it fits)."""
    text = _CONTROL.sub(_picture, value)
    text = _NOT_XML.sub("\ufffd", text)
    if len(text) > CELL_MAX:
        mark = CUT_MARK.format(length=len(value))
        text = text[: CELL_MAX - len(mark)] + mark
    return text


def cell_value(value: object) -> object:
    """Any value bound for a cell: text through ``cell_text``, everything else as it is."""
    return cell_text(value) if isinstance(value, str) else value


def cell_rows(rows: Iterable[Iterable[object]]) -> list[list[object]]:
    """A block of values bound for cells, each text through ``cell_text``."""
    return [[cell_value(v) for v in line] for line in rows]


def fits(value: object) -> bool:
    """Whether a cell can hold ``value`` as it is."""
    if not isinstance(value, str):
        return True
    return len(value) <= CELL_MAX and not _CONTROL.search(value) and not _NOT_XML.search(value)


# Every byte but the C0 controls a cell refuses: deleting these from UTF-8 text leaves only those.
_ALLOWED_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)) or b >= 0x80)


def _odd(texts: pd.Series) -> pd.Series:
    """Per text, whether a cell cannot hold it. The usual case, all of them fit, is settled with
    C-level byte operations over all the texts at once (a per-text regex costs ~10x more)."""
    values = texts.to_numpy(dtype=object).tolist()
    if max(map(len, values), default=0) <= CELL_MAX:
        try:
            data = "".join(values).encode("utf-8")  # a lone surrogate cannot be encoded
        except UnicodeEncodeError:
            data = None
        # UTF-8 keeps C0 controls as single bytes; U+FFFE and U+FFFF are EF BF BE / EF BF BF.
        if data is not None and not data.translate(None, _ALLOWED_BYTES) and b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data:
            return pd.Series(False, index=texts.index, dtype=bool)
    return pd.Series([not fits(v) for v in values], index=texts.index, dtype=bool)


def shown_as(value: str) -> str:
    """What the workbook reads back from a cell given ``value``, as sync compares it (stripped)."""
    return cell_text(value).strip()


_CUT_START = CUT_MARK.split(":", 1)[0]  # " [... cut by plansync"
_PICTURES = re.compile("[\u2400-\u241f\ufffd]")


def edited_substitutes(workbook: pd.DataFrame, base: pd.DataFrame, fields: Iterable[str]) -> list[tuple[str, str]]:
    """(key, field) of cells edited while still showing a substitute (the cut marker, or control
    pictures standing for a list value's control characters): sending them would cut or clean the
    list's value, so they are kept back (``keep_true_values``) and listed for a person."""
    found: list[tuple[str, str]] = []
    keys = workbook.index.intersection(base.index)
    for name in fields:
        if not len(keys) or name not in base.columns or name not in workbook.columns:
            continue
        true = base.loc[keys, name].astype(object).fillna("").astype(str)
        odd = true[_odd(true)]
        for key, value in odd.items():
            now = str(workbook.at[key, name])
            if now != shown_as(value) and (_CUT_START in now or _PICTURES.search(now)):
                found.append((str(key), name))
    return sorted(found)


def keep_true_values(workbook: pd.DataFrame, base: pd.DataFrame, fields: Iterable[str]) -> pd.DataFrame:
    """``workbook`` with each cell that still shows the substitute of its base value given that
    base value back, so the substitute is not a change and is never sent to the list.

    Args:
        workbook: the rows as read, values as text, index = row key.
        base: the values as last synced (the list's true values), index = row key.
        fields: the fields to look at.
    """
    keys = workbook.index.intersection(base.index)
    if not len(keys):
        return workbook
    out = workbook
    for name in fields:
        if name not in base.columns or name not in workbook.columns:
            continue
        true = base.loc[keys, name].astype(object).fillna("").astype(str)
        odd = true[_odd(true)]
        if odd.empty:
            continue
        shown = odd.map(shown_as)
        now = workbook.loc[odd.index, name].astype(str)
        # Unchanged, or edited but still carrying the substitute's marks: either way not sent.
        traces = now.map(lambda t: _CUT_START in t or bool(_PICTURES.search(t)))
        same = (now.to_numpy() == shown.to_numpy()) | traces.to_numpy(dtype=bool)
        if same.any():
            if out is workbook:
                out = workbook.copy()
            out.loc[odd.index[same], name] = odd[same].to_numpy()
    return out


@dataclass(frozen=True)
class Substitute:
    """A value shown in a cell as a substitute: its row key, field, the list's length and why."""

    key: str
    field: str
    length: int
    control: bool
    cut: bool


def substitutes(base: pd.DataFrame, fields: Iterable[str]) -> list[Substitute]:
    """Every (key, field) whose value as last synced a cell cannot hold, in key order."""
    found: list[Substitute] = []
    if base.empty:
        return found
    for name in fields:
        if name not in base.columns:
            continue
        texts = base[name].astype(object).fillna("").astype(str)
        for key, text in texts[_odd(texts)].items():
            control = bool(_CONTROL.search(text) or _NOT_XML.search(text))
            found.append(Substitute(str(key), name, len(text), control, len(_CONTROL.sub("x", text)) > CELL_MAX))
    return sorted(found, key=lambda s: (s.key, s.field))


__all__ = sorted(
    [
        "CELL_MAX",
        "CUT_MARK",
        "Substitute",
        "cell_rows",
        "cell_text",
        "cell_value",
        "edited_substitutes",
        "fits",
        "keep_true_values",
        "shown_as",
        "substitutes",
    ]
)

"""One cell as SpreadsheetML writes it: ``<c r="F2" s="3" t="inlineStr"><is><t>Red</t></is></c>``.

Excel's rules we follow (ECMA-376 Part 1, 18.3.1.4 and 18.3.1.96):

- text is an inline string (``t="inlineStr"``), so we never have to rewrite the shared string table;
  text that begins with ``=`` is still text: plansync writes values, never formulas (no ``<f>``);
- numbers have no ``t``; booleans are ``t="b"`` with 0/1;
- dates are numbers (days since 30/12/1899) shown through a date number format (the caller gives
  the style index);
- characters XML 1.0 cannot hold (control characters) are written as ``_xHHHH_``, as Excel does,
  and a literal ``_xHHHH_`` in the text is protected by escaping its underscore.
"""

from __future__ import annotations

import numbers
import re
from functools import lru_cache
from datetime import date, datetime, time
from typing import Any

_EPOCH = datetime(1899, 12, 30)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PLAIN = re.compile("[^&<>_\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*")
_LITERAL_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")


@lru_cache(maxsize=16384)
def column_letters(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def escape_text(text: str) -> str:
    """Text for an XML text node, with Excel's _xHHHH_ escapes for what XML cannot hold."""
    if _PLAIN.fullmatch(text):
        return text
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    text = _BAD_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def date_serial(value: date | datetime) -> float | int:
    """Excel's serial number of a date (1900 date system, as every workbook plansync makes)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    delta = value - _EPOCH
    serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return int(serial) if serial == int(serial) else serial


def is_date(value: Any) -> bool:
    return isinstance(value, (date, datetime))


def cell_xml(ref: str, value: Any, style: str | None) -> bytes:
    """The ``<c>`` element holding ``value`` (None gives an empty cell that keeps its style, or nothing)."""
    s = f' s="{style}"' if style is not None and style != "0" else ""
    kind = type(value)
    if kind is str and value:
        text = escape_text(value)
        space = ' xml:space="preserve"' if text[0] in _SPACES or text[-1] in _SPACES or "\n" in text else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'.encode("utf-8")
    if value is None or kind is str or _missing(value):
        return f'<c r="{ref}"{s}/>'.encode() if s else b""
    if kind is bool or isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'.encode()
    if kind is int or kind is float or isinstance(value, (numbers.Integral, numbers.Real)):
        if value in (float("inf"), float("-inf")):
            return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'.encode()
        return f'<c r="{ref}"{s}><v>{_number(value)}</v></c>'.encode()
    if isinstance(value, (date, datetime)):
        return f'<c r="{ref}"{s}><v>{_number(date_serial(value))}</v></c>'.encode()
    return cell_xml(ref, str(value), style)


_SPACES = " \t\r\n"


def _missing(value: Any) -> bool:
    """NaN, NaT and pandas' NA: an empty cell (NA refuses to say whether it equals itself)."""
    try:
        return bool(value != value)
    except TypeError:
        return True


def _number(value: float | int) -> str:
    if type(value) is int:
        return str(value)
    if isinstance(value, numbers.Integral) or float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


__all__ = sorted(["cell_xml", "column_letters", "column_number", "date_serial", "escape_text", "is_date"])

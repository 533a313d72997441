"""Text handed to Excel through ``Range.value`` stays text: Excel's text prefix where needed (issue 19).

``Range.value`` is read by Excel as if a person typed it: a list value beginning with ``=``,
``+``, ``-`` or ``@`` becomes a live formula (a DDE payload such as ``=cmd|' /C calc'!A0``
among them), a ref ``1.10`` the number 1.1, ``01/02/03`` or ``July 2026`` a date, ``10%`` a
number, ``TRUE`` a boolean, and a leading apostrophe is taken as the prefix and dropped. Excel's
own answer is the text prefix: a leading apostrophe, which Excel keeps out of the value (it is
the cell's PrefixCharacter), so the cell reads back as exactly the text given.

``needs_prefix`` is deliberately generous: a prefix on text Excel would have left alone costs
nothing (the value reads back the same), a missing one changes the value.

    >>> excel_text("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> excel_text("Set up a review panel")
    'Set up a review panel'
"""

from __future__ import annotations

import re

# What Excel may turn into a formula: the first character as typed.
_FORMULA_START = ("=", "+", "-", "@")
# Words Excel reads inside dates and times: months, days, am/pm (and a lone a/p: "4 a" is 04:00).
_DATE_WORDS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|"
    r"fri(?:day)?|sat(?:urday)?|sun(?:day)?|[ap]\.?m?\.?)\b",
    re.IGNORECASE,
)
# After the date words are gone: digits with the marks of numbers, dates, times, fractions,
# percentages, currency and scientific notation only.
_NUMBER_LIKE = re.compile(r"[\d\s.,:/\\\-+()%$£€¥eE]*\d[\d\s.,:/\\\-+()%$£€¥eE]*")
_WORDS_EXCEL_READS = frozenset({"true", "false", "#n/a", "#value!", "#ref!", "#div/0!", "#num!", "#name?", "#null!", "#getting_data", "#spill!", "#calc!"})


def needs_prefix(text: str) -> bool:
    """Whether Excel, given ``text`` through ``Range.value``, might store anything but that text."""
    stripped = text.strip()
    if not stripped:
        return False
    if text.startswith("'") or stripped.startswith(_FORMULA_START):
        return True
    if stripped.lower() in _WORDS_EXCEL_READS:
        return True
    return _NUMBER_LIKE.fullmatch(_DATE_WORDS.sub(" ", stripped)) is not None


def excel_text(text: str) -> str:
    """``text`` as given to ``Range.value`` so that the cell holds exactly ``text``."""
    return "'" + text if needs_prefix(text) else text


__all__ = ["excel_text", "needs_prefix"]

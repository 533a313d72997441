"""Refs written at the start of the text, and several actions written in one cell (DESIGN §4).

Teams often have no ref column: the ref opens the action text (``a) Develop the role ...``,
``4. Implement the review ...``, ``2.13 Benchmark ...``), and is repeated in the lead and date
columns (``a) Rebecca Wall``). Some write several actions in one cell, lettered
(``a) ... b) ...``) or on numbered lines. These helpers split such text; they work on one
string because they run only on the few cells a vectorised mask picked out.
"""

from __future__ import annotations

import re

# A ref at the start of a text: "a)", "(a)", "a.", "4.", "4)", "2.13", "2.13.", "4b)".
# A bare number must end in "." or ")" ("2022 review" is not a ref); a dotted number need not.
LEADING_REF = re.compile(
    r"""^\s*(?:
        \((?P<p>[a-z]|[0-9]{1,2})\)            # (a) (4)
      | (?P<d>[0-9]{1,3}(?:\.[0-9]{1,3})+)\.?\)?(?=\s)  # 2.13  2.13.  2.1)
      | (?P<n>[0-9]{1,2}[a-z]?)[.)]          # 4.  4)  4b)
      | (?P<l>[a-zA-Z])\)                    # a)  A)
      | (?P<ld>[a-z])\.(?=\s)                # a.
    )\s+""",
    re.X,
)

# Markers that may open each of several actions in one cell. Lettered ones may sit on one line.
_LETTER_MARK = re.compile(r"(?:^|(?<=\s))\(?([a-zA-Z])\)\s+")
_NUMBER_LINE_MARK = re.compile(r"(?m)^\s*([0-9]{1,2})[.)]\s+")

# Any leading marker worth stripping from a lead or date cell ("a) Rebecca Wall").
STRIP_MARK = re.compile(r"^\s*(?:\(?[a-zA-Z]\)|\([0-9]{1,2}\)|[0-9]{1,2}\)|[a-z]\.(?=\s))\s+")


def leading_ref(text: object) -> tuple[str | None, str]:
    """Split a ref written at the start of ``text``: ``'a) Develop'`` -> ``('a', 'Develop')``.

    Returns ``(None, text)`` when the text does not open with a ref.

    >>> leading_ref("4. Implement the review")
    ('4', 'Implement the review')
    """
    if not isinstance(text, str):
        return None, text  # type: ignore[return-value]
    match = LEADING_REF.match(text)
    if not match:
        return None, text
    ref = next(v for v in match.groupdict().values() if v)
    return ref, text[match.end():].strip()


def split_parts(text: object) -> list[tuple[str, str]] | None:
    """Several actions in one cell -> ``[(marker, text), ...]``, or None for a single action.

    Lettered parts must run a, b, c ... from ``a``; numbered parts must each start a line and
    run 1, 2, 3 ... so a stray ``b)`` inside a sentence does not split it.

    >>> split_parts("a) Train staff b) Audit files")
    [('a', 'Train staff'), ('b', 'Audit files')]
    """
    if not isinstance(text, str):
        return None
    for pattern, first in ((_LETTER_MARK, "a"), (_LETTER_MARK, "A"), (_NUMBER_LINE_MARK, "1")):
        marks = _in_sequence(list(pattern.finditer(text)), first)
        if len(marks) >= 2 and not text[: marks[0].start()].strip():
            parts = []
            for i, mark in enumerate(marks):
                end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
                parts.append((mark.group(1), text[mark.end():end].strip()))
            return parts
    return None


def _in_sequence(marks: list[re.Match], first: str) -> list[re.Match]:
    """Keep the markers that continue the sequence first, next, ... in order."""
    kept: list[re.Match] = []
    expected = first
    for mark in marks:
        if mark.group(1) == expected:
            kept.append(mark)
            expected = chr(ord(expected) + 1) if expected.isalpha() else str(int(expected) + 1)
    return kept


def part_for(value: object, marker: str) -> object:
    """The piece of ``value`` that belongs to the action marked ``marker``.

    A lead or date cell written ``a) Rebecca Wall b) Susan Claydon`` gives each action its own
    piece; a cell without the same markers is shared by all actions of the row (marker stripped).
    """
    parts = split_parts(value)
    if parts:
        for mark, text in parts:
            if mark == marker:
                return text
        return None
    return strip_marker(value)


def strip_marker(value: object) -> object:
    """``'a) Rebecca Wall'`` -> ``'Rebecca Wall'``; anything else unchanged."""
    if isinstance(value, str):
        match = STRIP_MARK.match(value)
        if match and value[match.end():].strip():
            return value[match.end():].strip()
    return value


__all__ = ["LEADING_REF", "STRIP_MARK", "leading_ref", "part_for", "split_parts", "strip_marker"]

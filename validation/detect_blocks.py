"""Plans written as one block per recommendation (DESIGN §4).

Some teams write each recommendation as its own block: a banner row (``Recommendation No. 3``,
``Priority 2``, ``Finding 4: ...``), the recommendation's text, narrative rows (``Outcome: ...``,
``... and how will we know?``, ``Evidence``), then the header row again and the actions under it,
often numbered 1, 2, 3 within the block. Everything between a banner and its header is about the
recommendation, never an action; narrative rows are skipped wherever they are; and actions numbered
within their block get refs qualified by their recommendation (``3.2``), so each is told apart.
"""

from __future__ import annotations

import re

import pandas as pd

from validation.grid import SheetGrid
from validation.detect_rows import ACTION, BLANK, HEADER, HEADING, HEADING_PATTERN, NOTE, recommendation_number

# A row of narrative about a recommendation: what it will change and how the team will know.
NARRATIVE_PATTERN = (
    r"^\s*(?:<[a-z]+[^>]*>\s*)*(?:\.{2,}|…)?\s*(?:and\s+)?"
    r"(?:outcomes?\b|intended\s+outcomes?\b|expected\s+outcomes?\b|how\s+will\s+we\s+know|what\s+difference"
    r"|evidence\s*(?:of\s+(?:impact|success|progress))?\s*(?:[:?\-–]|$)|success\s+(?:criteria|measures?)\b"
    r"|measures?\s+of\s+success\b|impact\s*[:?\-–]|why\s+(?:is\s+)?this\s+(?:is\s+)?important)"
)
_NARRATIVE = re.compile(NARRATIVE_PATTERN, re.I)
_BANNER = re.compile(HEADING_PATTERN, re.I)
_BARE_NUMBER = re.compile(r"^\s*([0-9]{1,3})[.)]?\s*$")


def is_narrative(text: object) -> bool:
    """``'Outcome: what difference will these actions make?'`` -> True."""
    return isinstance(text, str) and _NARRATIVE.match(text) is not None


def is_banner(text: object) -> bool:
    """``'Recommendation No. 3'``, ``'Priority 2'``, ``'Finding 4: ...'`` -> True."""
    return isinstance(text, str) and _BANNER.match(text) is not None


def mark_blocks(table: pd.DataFrame, kinds: pd.Series) -> pd.Series:
    """``kinds`` with block preambles and narrative rows set right.

    A one-cell row of narrative is a note wherever it is. Between a banner (a heading row) and the
    next header row, when only one-cell rows sit there, each row is part of the recommendation's
    heading (its text) or narrative: never an action.
    """
    kinds = kinds.copy()
    count = table.notna().sum(axis=1)
    single = count.eq(1)
    for row in kinds.index[single.to_numpy()]:
        text = table.loc[row].dropna().iloc[0]
        if kinds[row] == ACTION and is_narrative(text):
            kinds[row] = NOTE
    # By position over plain lists: a 100,000-row plan would otherwise pay a Series lookup per row.
    marks, ones = kinds.tolist(), single.tolist()
    for i in range(len(marks)):
        if marks[i] != HEADING:
            continue
        end = i + 1
        while end < len(marks) and marks[end] not in (HEADER, HEADING):
            end += 1
        if end == len(marks) or marks[end] != HEADER:
            continue
        between = range(i + 1, end)
        if not all(ones[r] or marks[r] == BLANK for r in between):
            continue
        for r in between:
            if marks[r] == ACTION:
                marks[r] = HEADING
    return pd.Series(marks, index=kinds.index, dtype=kinds.dtype, name=kinds.name)


def banner_above(grid: SheetGrid, header: int, last_col: int) -> int | None:
    """The banner opening the first block (``Recommendation No. 1``, its text and narrative rows,
    then the header), or None: only one-cell rows may sit between the banner and the header."""
    row = header - 1
    while row >= grid.origin[0]:
        texts = [v for v in (grid.cell(row, c) for c in range(grid.origin[1], last_col + 1)) if v is not None and str(v).strip()]
        if len(texts) != 1:
            return None
        if is_banner(texts[0]):
            return row
        row -= 1
    return None


def qualify_block_numbers(refs: pd.Series, recommendations: pd.Series) -> pd.Series:
    """Refs that are bare numbers restarting in each recommendation become ``N.k``.

    ``1``, ``2`` under Recommendation No. 3 and ``1`` under No. 4 -> ``3.1``, ``3.2``, ``4.1``.
    Numbering that runs on through the plan (each number once) is left as written.
    """
    bare = pd.Series([_bare_number(v) if _may_be_bare(v) else None for v in refs.to_numpy(dtype=object)], index=refs.index, dtype=object)
    numbers = _each_distinct(recommendations, recommendation_number)
    usable = bare.notna() & numbers.notna()
    if not usable.any() or numbers[usable].nunique() < 2:
        return refs
    if not bare[usable].duplicated().any():
        return refs
    qualified = numbers[usable].astype(int).astype(str) + "." + bare[usable].astype(str)
    out = refs.astype(object).copy()
    out[usable] = qualified
    return out


def _may_be_bare(value: object) -> bool:
    """False for what cannot be a bare number, cheaply: a longer text with no space around it."""
    if isinstance(value, str):
        return len(value) <= 4 or value[0].isspace() or value[-1].isspace()
    return isinstance(value, int)


def _bare_number(value: object) -> str | None:
    match = _BARE_NUMBER.match(str(value)) if isinstance(value, (str, int)) else None
    return match.group(1) if match else None


def _each_distinct(values: pd.Series, func) -> pd.Series:
    """``values.map(func)``, with ``func`` run once per distinct value (of its own type: 1 is not True)."""
    done: dict = {}
    out = []
    for value in values.to_numpy(dtype=object):
        try:
            key = (type(value), value)
            result = done[key] if key in done else done.setdefault(key, func(value))
        except TypeError:  # unhashable, or pandas' NA that cannot be compared
            result = func(value)
        out.append(result)
    return pd.Series(out, index=values.index, dtype=object)


__all__ = ["NARRATIVE_PATTERN", "banner_above", "is_banner", "is_narrative", "mark_blocks", "qualify_block_numbers"]

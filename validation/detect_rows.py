"""What each row under the header is: an action, a recommendation heading, a note, or nothing.

Teams put a recommendation's text in a heading row above its actions (``1. Consideration of
...``, ``Recommendation No. 3``), often merged across the table; they add notes
(``Overarching Note: ...``), blank spacer rows and repeated header blocks. Only action rows
become actions; heading rows give the recommendation of the actions below them.
"""

from __future__ import annotations

import re

import pandas as pd

from validation.detect_grid import first_present

# A row is a note when its only text starts like this.
NOTE_PATTERN = r"^\s*(?:overarching\s+|general\s+|please\s+)?(?:notes?|nb|n\.b\.|key|legend)\b\s*[:.\-–]?"
# Text that is a recommendation heading wherever it sits (even in the action column).
HEADING_PATTERN = (
    r"^\s*(?:recommendations?|findings?|areas?\s+for\s+improvement|priority|priorities)"
    r"\s*(?:no\.?|number|#)?\s*[0-9]+\b"
)
# A numbered line (``2. Improve supervision``, ``3) The front door``), not a ref such as ``2.1``.
NUMBERED_LINE = r"^\s*\(?[0-9]{1,3}[.)]\s+\S"
# A lone ref (``1.5``, ``a)``) is an action whose text is missing, not a heading.
_BARE_REF = r"^\s*(?:[0-9]+(?:\.[0-9]+)*\.?|\(?[a-zA-Z]\)?)\s*$"
_NUMBER = re.compile(
    r"^\s*(?:(?:recommendations?|findings?|areas?\s+for\s+improvement|priority)\s*(?:no\.?|number|#)?\s*)?"
    r"\(?([0-9]{1,3})(?:[.):\s]|$)",
    re.I,
)

ACTION, HEADING, NOTE, BLANK, HEADER = "action", "heading", "note", "blank", "header"


def classify_rows(
    table: pd.DataFrame,
    *,
    action_col: int,
    header_rows: tuple[int, ...] | list[int],
    merged: list[tuple[int, int, int, int]],
    recommendation_col: int | None = None,
    first_col: int | None = None,
) -> pd.Series:
    """The kind of each row of ``table`` (rows under the first header, the team's columns only).

    ``first_col``: the header's first column (a plan may start in column B, with a note left of
    it in A); the table's first column when not given.

    A row holding one cell is a heading when that cell is in the first or the recommendation
    column, is laid across the table (merged), or reads like one (``Recommendation No. 3``).

    Returns a Series of ``action``, ``heading``, ``note``, ``blank`` or ``header``.
    """
    present = table.notna()
    count = present.sum(axis=1)
    if first_col is None:
        first_col = table.columns.min()
    # Only rows holding exactly one cell can be headings or notes: look at those few closely.
    single = count.eq(1).to_numpy()
    one = table[single]
    only_text = first_present(one).astype("string")
    only_col = present[single].idxmax(axis=1) if single.any() else pd.Series(dtype=object)
    wide = set(_wide_merge_rows(merged, table.columns))
    note_one = only_text.str.contains(NOTE_PATTERN, case=False, regex=True).fillna(False).astype(bool)
    heading_text = only_text.str.contains(HEADING_PATTERN, case=False, regex=True).fillna(False).astype(bool)
    bare_ref = only_text.str.contains(_BARE_REF, regex=True).fillna(False).astype(bool)
    action_empty = ~present.loc[single, action_col]
    in_first_col = only_col.eq(first_col) | only_col.eq(recommendation_col)
    heading_one = ~note_one & ~bare_ref & (
        heading_text | pd.Series(one.index.isin(list(wide)), index=one.index) | (action_empty & in_first_col)
    )
    # A lone numbered line in the action column is a heading too when numbering marks the plan's
    # headings: its other headings (found by their merge or their wording) are numbered lines, or
    # no action (a row with more filled in) is one. One heading left unmerged, or headings typed in
    # the action column, are then headings, not actions without lead or date.
    numbered = only_text.str.contains(NUMBERED_LINE, regex=True).fillna(False).astype(bool) & ~note_one & ~bare_ref
    numbered &= only_col.isin([action_col, first_col])
    if numbered.any() and ((heading_one & numbered).any() or not _numbered_actions(table, action_col, count)):
        heading_one = heading_one | numbered
    heading = pd.Series(False, index=table.index)
    heading[heading_one[heading_one].index] = True
    note = pd.Series(False, index=table.index)
    note[note_one[note_one].index] = True
    kinds = pd.Series(ACTION, index=table.index, dtype=object)
    kinds[heading] = HEADING
    kinds[note] = NOTE
    kinds[count.eq(0)] = BLANK
    kinds[table.index.isin(list(header_rows))] = HEADER
    return kinds


def _numbered_actions(table: pd.DataFrame, action_col: int, count: pd.Series) -> bool:
    """Whether any row with more than its action filled in has a numbered line as its action."""
    texts = table.loc[count.ge(2).to_numpy(), action_col].dropna().astype(str)
    return bool(texts.str.contains(NUMBERED_LINE, regex=True).any())


def _wide_merge_rows(merged: list[tuple[int, int, int, int]], cols: pd.Index) -> list[int]:
    """Rows where a merge spans two or more of the table's columns (a heading laid across it)."""
    if not len(cols):
        return []
    lo, hi = int(cols.min()), int(cols.max())
    return [top for top, left, bottom, right in merged if min(right, hi) - max(left, lo) >= 1]


def heading_of_rows(table: pd.DataFrame, kinds: pd.Series) -> pd.Series:
    """For every row, the text of the recommendation heading above it (consecutive headings joined).

    A heading block ends at the first action row; the next heading row starts a new block.
    """
    is_heading = kinds.eq(HEADING)
    text = first_present(table[is_heading])
    text = text.map(lambda v: None if v is None else str(v).strip())
    block_id = _block_ids(is_heading, kinds)
    joined = text.groupby(block_id[is_heading]).agg(lambda s: " ".join(v for v in s if v))
    return block_id.map(joined).where(block_id.ge(0), None)


def _block_ids(is_heading: pd.Series, kinds: pd.Series) -> pd.Series:
    """Number heading blocks 0, 1, ...; each row gets the block above it (-1 before the first)."""
    is_action = kinds.eq(ACTION)
    # A heading row opens a new block when an action row came since the previous heading row.
    actions_so_far = is_action.astype(int).cumsum()
    last_heading_actions = actions_so_far.where(is_heading).ffill().shift(1)
    opens = is_heading & (last_heading_actions.isna() | actions_so_far.ne(last_heading_actions))
    ids = opens.astype(int).cumsum() - 1
    return ids.where(ids.ge(0), -1).astype(int)


def recommendation_number(text: object) -> int | None:
    """The number a recommendation's text starts with: ``'1. Consideration ...'`` -> 1,
    ``'Recommendation No. 3'`` -> 3, ``'2) The quality ...'`` -> 2; None when there is none."""
    if text is None or (isinstance(text, float) and text != text):
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        # As in text, up to three digits: 1e300 in the column is not a recommendation's number.
        return int(text) if float(text).is_integer() and 0 <= text < 1000 else None
    match = _NUMBER.match(str(text))
    return int(match.group(1)) if match else None


def recommendation_otherwise(out: pd.DataFrame, title: str | None) -> tuple[pd.DataFrame, str]:
    """When no column or heading names the recommendations: the ref's prefix (2.13 -> 2), else the
    sheet's title (a plan kept one sheet per recommendation), else each row is its own (a tracker
    with one row per recommendation, named by its ref, else its text)."""
    if not len(out):
        return out, ""
    prefix = out["ref"].map(ref_prefix)
    if prefix.notna().any():
        out["recommendation"] = prefix.where(prefix.notna(), None)
        return out, "ref prefix"
    if title:
        out["recommendation"] = title
        return out, "sheet title"
    own = out["ref"].where(out["ref"].notna(), out["action"])
    out["recommendation"] = own.where(own.notna(), None)
    return out, "each row"


def ref_prefix(ref: object) -> str | None:
    """The recommendation a ref belongs to: ``'2.13'`` -> ``'2'``, ``'4b'`` -> ``'4'``."""
    if ref is None or (isinstance(ref, float) and ref != ref):
        return None
    match = re.match(r"^\s*([0-9]{1,3})(?:[.\-][0-9]|[a-z])", str(ref))
    return match.group(1) if match else None


__all__ = [
    "ACTION",
    "BLANK",
    "HEADER",
    "HEADING",
    "HEADING_PATTERN",
    "NOTE",
    "NOTE_PATTERN",
    "NUMBERED_LINE",
    "classify_rows",
    "heading_of_rows",
    "recommendation_number",
    "recommendation_otherwise",
    "ref_prefix",
]

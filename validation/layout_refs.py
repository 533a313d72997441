"""The actions frame's refs and cells of several actions, tidied after ``validation.layout`` reads them.

A cell holding ``a) ... b) ...`` becomes one row per action, a ref written at the start of the
text becomes the row's ref, bare numbers restarting under each recommendation are tied to it, and
markers repeated in other columns (``a) Rebecca Wall``) are stripped (DESIGN §4).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from validation.detect_blocks import qualify_block_numbers
from validation.detect_refs import LEADING_REF, part_for, split_parts, strip_marker
from validation.detect_rows import recommendation_number, recommendation_otherwise

# Columns that may repeat a ref marker (``a) Rebecca Wall``) or hold one piece per action of a cell.
_PER_PART_FIELDS = ("lead", "owner", "target", "revised_target", "status", "progress", "updated", "completed")
_MARKER_FIELDS = ("lead", "owner", "target", "revised_target", "status", "updated", "completed")
# Cheap vectorised pre-filters, so the per-cell splitters only see cells that may need them.
_LEADING_REF_AND_REST = re.compile(LEADING_REF.pattern + r"(?P<rest>.*)", re.X | re.S)
# Two lettered markers ("a) ... b) "), or two lines opening with a number ("1. ...\n2. ...").
_SEVERAL_MARKS = re.compile(
    r"(?:^|\s)\(?[a-zA-Z]\)\s.*?\s\(?[a-zA-Z]\)\s|^\s*[0-9]{1,2}[.)]\s.*?\n\s*[0-9]{1,2}[.)]\s", re.S | re.M
)


def tidy_actions(out: pd.DataFrame, rec_from: str, title: str | None) -> tuple[pd.DataFrame, str, int]:
    """Cells of several actions split, refs taken from the text and tied to their recommendation,
    markers stripped; with the number of cells split."""
    out["_split"] = False
    out, split_cells = _split_cells(out)
    out = _refs_from_text(out)
    out["ref"] = qualify_block_numbers(out["ref"], out["recommendation"])
    out = out.drop(columns="_split")
    if not rec_from:
        out, rec_from = recommendation_otherwise(out, title)
    for name in _MARKER_FIELDS:
        out[name] = _strip_markers(out[name])
    return out, rec_from, split_cells


def _split_cells(out: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Each cell holding ``a) ... b) ...`` or numbered lines becomes one row per action."""
    # str.count runs in C; only cells with two ") " or a line break are worth the regex.
    maybe = pd.Series(
        [
            type(v) is str and (v.count(") ") + v.count(")\n") >= 2 or "\n" in v) and _SEVERAL_MARKS.search(v) is not None
            for v in out["action"].to_numpy(dtype=object)
        ],
        index=out.index,
        dtype=bool,
    )
    if not maybe.any():
        return out, 0
    parts = out.loc[maybe, "action"].map(split_parts)
    parts = parts[parts.notna()]
    if parts.empty:
        return out, 0
    pieces = []
    for row, row_parts in parts.items():
        source = out.loc[row]
        base = _rec_base(source["ref"], source["recommendation"])
        for marker, text_part in row_parts:
            record = source.copy()
            record["action"] = text_part
            record["ref"] = _qualified(base, marker)
            record["_split"] = True
            for name in _PER_PART_FIELDS:
                record[name] = part_for(source[name], marker)
            pieces.append(record)
    split = pd.DataFrame(pieces).astype(object)
    split.index.name = out.index.name
    # Keep sheet order: the parts take their cell's place.
    merged = pd.concat([out[~out.index.isin(parts.index)], split])
    merged = merged.iloc[pd.Index(merged.index).argsort(kind="stable")]
    return merged, len(parts)


def _rec_base(ref: object, recommendation: object) -> str | None:
    """What a marker is appended to: the row's own ref, else its recommendation's number."""
    if ref is not None and not (isinstance(ref, float) and ref != ref) and str(ref).strip():
        return str(ref).strip().rstrip(".)")
    number = recommendation_number(recommendation)
    return str(number) if number is not None else None


def _qualified(base: str | None, marker: str) -> str:
    """``('3', 'a')`` -> ``'3a'``; ``('2', '1')`` -> ``'2.1'``; no base -> the marker itself.

    A letter alone (``a)``) repeats under every recommendation, so it is tied to its
    recommendation to stay unique within the plan.
    """
    if base is None:
        return marker
    return f"{base}{marker}" if marker.isalpha() else f"{base}.{marker}"


def _refs_from_text(out: pd.DataFrame) -> pd.DataFrame:
    """A ref written at the start of the action text becomes the row's ref (text without it).

    Cells already split into several actions have their refs; a row whose ref column says the
    same ref as its text (``1.2`` next to ``1.2 Develop ...``) only loses the repeat. A lone
    letter (``a)``) repeats under every recommendation, so it is tied to its number (``3a``).
    One pass over the action texts: this runs on every action of big plans.
    """
    split = out["_split"].to_numpy(dtype=bool)
    actions = out["action"].to_numpy(dtype=object)
    refs = out["ref"].to_numpy(dtype=object).copy()
    recs = out["recommendation"].to_numpy(dtype=object)
    new_actions = actions.copy()
    bases: dict[object, str | None] = {}
    changed = False
    for i, text in enumerate(actions):
        if split[i] or type(text) is not str:
            continue
        match = _LEADING_REF_AND_REST.match(text)
        if match is None:
            continue
        groups = match.groups()
        found = groups[0] or groups[1] or groups[2] or groups[3] or groups[4]
        current = refs[i]
        if current is None or (isinstance(current, float) and current != current) or not str(current).strip():
            if len(found) == 1 and found.isalpha():
                key = recs[i] if isinstance(recs[i], (str, int, float)) else None
                if key not in bases:
                    bases[key] = _rec_base(None, key)
                found = _qualified(bases[key], found)
            refs[i] = found
        elif str(current).strip().rstrip(".)") != found:
            continue
        new_actions[i] = groups[-1].strip()
        changed = True
    if not changed:
        return out
    out = out.copy()
    out["ref"] = refs
    out["action"] = new_actions
    return out


def _strip_markers(values: pd.Series) -> pd.Series:
    """``a) Rebecca Wall`` in a lead or date column -> ``Rebecca Wall`` (each distinct value once)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    stripped = [strip_marker(u) if type(u) is str else u for u in uniques]
    changed = np.array([a is not b for a, b in zip(stripped, uniques)] + [False], dtype=bool)
    if not changed.any():
        return values
    values = values.copy()
    rows = np.flatnonzero(changed[codes])
    values.iloc[rows] = np.array(stripped + [None], dtype=object)[codes[rows]]
    return values


__all__ = ["tidy_actions"]

"""Stable row keys: how sync tells one action from another, run after run (DESIGN §6).

A key is the plan id (a slug of the plan name) plus the action's ref: ``rotherham-ilacs-2022:1.4``.
Several plans share one SharePoint list and every plan has a ``1.1``, so the plan part keeps their
rows apart. A row without a ref gets a generated id, ``<plan>:row-<8 hex>``, derived from its
action text so that a re-run after a crash (before the hidden sheet was saved) derives the same
key again and never creates a second item. Once stored in the hidden sheet, a generated key is
re-attached to its row on later runs even when the action text is edited (same sheet row) or the
row moves (same text).

A content hash is *not* the identity of rows with a ref: the ref is (STYLE §13).
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd

from validation.fields import ROW_COL, SHEET_COL
from validation.grid import cell_address

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
# A plan id leaves room for the ref inside SharePoint's 255-character single line of text.
_SLUG_MAX = 60
_REF_MAX = 120

KEY_COLUMNS = ("key", "generated", "fingerprint")

DUPLICATE_REF_MESSAGE = (
    "{cell}: ref {ref} is also used by the action on row {other}. Sync cannot tell two actions "
    "with the same ref apart, so neither row is synced."
)
DUPLICATE_REF_FIX = "Give one of them a different ref, for example {ref}a."


def plan_slug(name: object) -> str:
    """The plan id used in keys: lower case, words joined by '-'.

    >>> plan_slug("Rotherham ILACS 2022")
    'rotherham-ilacs-2022'
    """
    text = _NOT_SLUG.sub("-", str(name or "").lower()).strip("-")
    return text[:_SLUG_MAX].strip("-") or "plan"


def normalise_ref(value: object) -> str:
    """A ref as text: ``1.4`` (an Excel number) -> '1.4', ' 2.13. ' -> '2.13', 3.0 -> '3'; blank -> ''."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell read through pandas
            return ""
        text = repr(value)
        text = text[:-2] if text.endswith(".0") else text
    else:
        text = str(value)
    text = _SPACES.sub(" ", text).strip().rstrip(".").strip()
    return text[:_REF_MAX]


def _fingerprint(actions: pd.DataFrame) -> pd.Series:
    """A short hash of the action text (case and spacing ignored); the position when it is blank."""
    text = actions["action"].astype("object").where(actions["action"].notna(), "")
    norm = text.map(lambda v: _SPACES.sub(" ", str(v)).strip().lower())
    where = actions[SHEET_COL].astype(str) + "!" + actions[ROW_COL].astype(str)
    basis = norm.where(norm != "", "@" + where)
    return basis.map(lambda s: hashlib.sha1(s.encode("utf-8")).hexdigest()[:8])


def _match_one_to_one(left: pd.DataFrame, right: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """Pair rows of ``left`` (index kept in 'idx') with rows of ``right`` sharing ``on``, each used once, in order."""
    lft = left.assign(_n=left.groupby(on).cumcount())
    rgt = right.assign(_n=right.groupby(on).cumcount())
    return lft.merge(rgt, on=[*on, "_n"], how="inner")


def assign_keys(
    actions: pd.DataFrame,
    *,
    plan_id: str,
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The stable key of every action row.

    Args:
        actions: the actions frame (``ref``, ``action``, ``_sheet``, ``_row``).
        plan_id: the plan's slug (see ``plan_slug``).
        known: generated keys stored by earlier runs: columns ``key``, ``fingerprint``,
            ``sheet``, ``row``. Rows with a ref ignore it.

    Returns:
        A frame index-aligned with ``actions``: ``key``, ``generated`` (bool) and ``fingerprint``
        (what to store for generated keys so later runs can re-attach them).

    >>> frame = pd.DataFrame({"ref": [1.4, None], "action": ["a", "b"], "_sheet": "A", "_row": [2, 3]})
    >>> assign_keys(frame, plan_id="york")["key"].tolist()
    ['york:1.4', 'york:row-e9d71f5e']
    """
    refs = actions["ref"].map(normalise_ref) if len(actions) else pd.Series([], dtype=object)
    fingerprint = _fingerprint(actions) if len(actions) else pd.Series([], dtype=object)
    out = pd.DataFrame(
        {"key": (plan_id + ":" + refs.astype(str)).astype(object), "generated": refs == "", "fingerprint": fingerprint},
        index=actions.index,
    )
    refless = out.index[out["generated"]]
    if not len(refless):
        return out
    rows = pd.DataFrame(
        {
            "idx": refless,
            "fingerprint": fingerprint.loc[refless].to_numpy(),
            "sheet": actions.loc[refless, SHEET_COL].astype(str).to_numpy(),
            "row": actions.loc[refless, ROW_COL].astype("int64").to_numpy(),
        }
    )
    chosen = pd.Series(pd.NA, index=refless, dtype=object)
    stored = (
        known.loc[known["key"].astype(str).str.startswith(plan_id + ":row-"), ["key", "fingerprint", "sheet", "row"]]
        .astype({"key": object, "fingerprint": object, "sheet": object, "row": "int64"})
        .reset_index(drop=True)
        if known is not None and len(known)
        else pd.DataFrame({"key": [], "fingerprint": [], "sheet": [], "row": []}).astype({"row": "int64"})
    )
    # 1. Same text: the row kept its words (perhaps it moved). 2. Same place: its words were edited.
    for on in (["fingerprint"], ["sheet", "row"]):
        open_rows = rows[chosen.loc[rows["idx"]].isna().to_numpy()]
        used = set(chosen.dropna())
        free = stored[~stored["key"].isin(used)]
        if open_rows.empty or free.empty:
            break
        pairs = _match_one_to_one(open_rows[["idx", *on]], free[["key", *on]], on)
        chosen.loc[pairs["idx"].to_numpy()] = pairs["key"].to_numpy()
    # 3. New rows: an id from the text, so a re-run after a crash derives the same one.
    fresh = chosen.isna()
    if fresh.any():
        used = set(chosen.dropna()) | set(stored["key"])
        base = plan_id + ":row-" + fingerprint.loc[chosen.index[fresh]].astype(str)
        new_keys = []
        for key in base:
            candidate, n = key, 1
            while candidate in used:
                n += 1
                candidate = f"{key}-{n}"
            used.add(candidate)
            new_keys.append(candidate)
        chosen.loc[fresh] = new_keys
    out.loc[refless, "key"] = chosen.to_numpy()
    return out


def duplicate_ref_issues(actions: pd.DataFrame, keys: pd.Series, *, columns: dict[str, int]) -> pd.DataFrame:
    """An issues frame with one error per row whose key is also another row's key.

    Args:
        actions: the actions frame (``ref``, ``_sheet``, ``_row``).
        keys: ``assign_keys(...)["key"]``, index-aligned with ``actions``.
        columns: canonical field -> 1-based column number (for the cell address of the ref).
    """
    cols = ["sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity"]
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return pd.DataFrame(columns=cols)
    rows = actions.loc[dup, [SHEET_COL, ROW_COL, "ref"]].assign(key=keys[dup])
    # The other row named in the message: the first other row with the same key.
    first = rows.groupby("key")[ROW_COL].transform("first")
    second = rows.groupby("key")[ROW_COL].transform(lambda s: s.iloc[1])
    other = first.where(first != rows[ROW_COL], second)
    col = int(columns.get("ref", 1))
    records = []
    for (_, r), oth in zip(rows.iterrows(), other):
        ref = normalise_ref(r["ref"])
        cell = cell_address(str(r[SHEET_COL]), int(r[ROW_COL]), col)
        records.append(
            {
                "sheet": r[SHEET_COL],
                "cell": cell,
                "row": int(r[ROW_COL]),
                "column": col,
                "field": "ref",
                "value": r["ref"],
                "check": "unique_ref",
                "message": DUPLICATE_REF_MESSAGE.format(cell=cell, ref=ref, other=int(oth)),
                "fix": DUPLICATE_REF_FIX.format(ref=ref),
                "severity": "error",
            }
        )
    return pd.DataFrame(records, columns=cols)


__all__ = sorted(["KEY_COLUMNS", "assign_keys", "duplicate_ref_issues", "normalise_ref", "plan_slug"])

"""Stable row keys: how sync tells one action from another, run after run (DESIGN §6).

A key is the plan id (a slug of the plan name) plus the action's ref: ``rotherham-ilacs-2022:1.4``.
Several plans share one SharePoint list and every plan has a ``1.1``, so the plan part keeps their
rows apart. The plan part is the row's own Plan cell when it has one (a workbook may hold several
plans, as the demo does), else the plan id the caller gives (Settings plan name, else file name). A row without a ref gets a generated id, ``<plan>:row-<8 hex>``, derived from its
action text so that a re-run after a crash (before the hidden sheet was saved) derives the same
key again and never creates a second item. Once stored in the hidden sheet, a generated key is
re-attached to its row on later runs even when the action text is edited (same sheet row) or the
row moves (same text).

A content hash is *not* the identity of rows with a ref: the ref is (STYLE §13).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

from validation.fields import ROW_COL, SHEET_COL
from validation.grid import cell_address, column_letter
from validation.messages import WORDING

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
# A plan id leaves room for the ref inside SharePoint's 255-character single line of text.
_SLUG_MAX = 60
_REF_MAX = 120

KEY_COLUMNS = ("key", "generated", "fingerprint")

ISSUE_COLUMNS = ["sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity"]


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


def row_plan_ids(actions: pd.DataFrame, *, plan_id: str) -> pd.Series:
    """Each row's plan id: the slug of its own Plan cell, ``plan_id`` where that cell is blank.

    >>> frame = pd.DataFrame({"plan": ["York Ofsted 2022", None, " "]})
    >>> row_plan_ids(frame, plan_id="rotherham").tolist()
    ['york-ofsted-2022', 'rotherham', 'rotherham']
    """
    if "plan" not in actions.columns or not len(actions):
        return pd.Series(plan_id, index=actions.index, dtype=object)
    names = actions["plan"].astype(object)
    text = names.where(names.notna(), "").map(lambda v: str(v).strip())
    # Council plans repeat one name down the column: slug each distinct name once.
    codes, uniques = pd.factorize(text)
    slugs = np.array([plan_slug(name) if name else plan_id for name in uniques], dtype=object)
    return pd.Series(slugs.take(codes), index=actions.index, dtype=object)


def plan_of_key(keys: pd.Series) -> pd.Series:
    """The plan part of keys (``york:1.4`` -> ``york``); a slug holds no ':'."""
    return keys.astype(str).str.split(":", n=1).str[0].astype(object)


def assign_keys(
    actions: pd.DataFrame,
    *,
    plan_id: str,
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The stable key of every action row.

    Args:
        actions: the actions frame (``ref``, ``action``, ``_sheet``, ``_row``, and ``plan`` if the
            workbook has a Plan column).
        plan_id: the plan's slug (see ``plan_slug``) for rows whose Plan cell is blank.
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
    plans = row_plan_ids(actions, plan_id=plan_id)
    out = pd.DataFrame(
        {"key": (plans + ":" + refs.astype(str)).astype(object), "generated": refs == "", "fingerprint": fingerprint},
        index=actions.index,
    )
    refless = out.index[out["generated"]]
    if not len(refless):
        return out
    rows = pd.DataFrame(
        {
            "idx": refless,
            "plan": plans.loc[refless].to_numpy(),
            "fingerprint": fingerprint.loc[refless].to_numpy(),
            "sheet": actions.loc[refless, SHEET_COL].astype(str).to_numpy(),
            "row": actions.loc[refless, ROW_COL].astype("int64").to_numpy(),
        }
    )
    stored = _stored_generated_keys(known, plans=set(rows["plan"]))
    chosen = _reattach(rows, stored, index=refless)
    fresh = chosen.isna()
    if fresh.any():
        # 3. New rows: an id from the text, so a re-run after a crash derives the same one.
        base = plans.loc[chosen.index[fresh]] + ":row-" + fingerprint.loc[chosen.index[fresh]].astype(str)
        chosen.loc[fresh] = _unused(base, used=set(chosen.dropna()) | set(stored["key"]))
    out.loc[refless, "key"] = chosen.to_numpy()
    return out


def _stored_generated_keys(known: pd.DataFrame | None, *, plans: set[str]) -> pd.DataFrame:
    """The generated keys earlier runs stored for these plans (the stored table may hold other
    plans'): columns ``key``, ``fingerprint``, ``sheet``, ``row``, ``plan``."""
    if known is None or not len(known):
        return pd.DataFrame({"key": [], "fingerprint": [], "sheet": [], "row": [], "plan": []}).astype({"row": "int64"})
    stored = known[["key", "fingerprint", "sheet", "row"]].astype({"key": object, "fingerprint": object, "sheet": object, "row": "int64"})
    stored = stored.assign(plan=plan_of_key(stored["key"]))
    stored = stored[stored["plan"].isin(plans) & stored["key"].str.contains(":row-", regex=False)]
    return stored.reset_index(drop=True)


def _reattach(rows: pd.DataFrame, stored: pd.DataFrame, *, index: pd.Index) -> pd.Series:
    """The stored key each refless row takes back (NA where none), on ``index`` (the rows' ``idx``):
    1. same text in the same place; 2. same text (the row kept its words, perhaps it moved);
    3. same place (its words were edited). Each stored key goes to one row. The first step keeps
    rows with the same words apart: without it the first of them would take the key of another."""
    chosen = pd.Series(pd.NA, index=index, dtype=object)
    for on in (["plan", "fingerprint", "sheet", "row"], ["plan", "fingerprint"], ["plan", "sheet", "row"]):
        open_rows = rows[chosen.loc[rows["idx"]].isna().to_numpy()]
        used = set(chosen.dropna())
        free = stored[~stored["key"].isin(used)]
        if open_rows.empty or free.empty:
            break
        pairs = _match_one_to_one(open_rows[["idx", *on]], free[["key", *on]], on)
        chosen.loc[pairs["idx"].to_numpy()] = pairs["key"].to_numpy()
    return chosen


def _unused(keys: pd.Series, *, used: set[str]) -> list[str]:
    """Each key, or ``key-2``, ``key-3``... when it is taken (by ``used`` or an earlier one here)."""
    new_keys = []
    for key in keys:
        candidate, n = key, 1
        while candidate in used:
            n += 1
            candidate = f"{key}-{n}"
        used.add(candidate)
        new_keys.append(candidate)
    return new_keys


def duplicate_key_issues(actions: pd.DataFrame, keys: pd.Series, issues: pd.DataFrame, *, columns: dict[str, int]) -> pd.DataFrame:
    """``issues`` plus one error per row whose key another row also has, the rows sync skips.

    This one check serves both ``validate`` and ``sync``, so what ``validate`` reports is exactly
    what ``sync`` would skip. Rows already reported as ``duplicate_ref`` (same ref under one
    recommendation) are not reported twice.

    Args:
        actions: the actions frame (``ref``, ``_sheet``, ``_row``, ``plan`` if any).
        keys: ``assign_keys(...)["key"]``, index-aligned with ``actions``.
        issues: the issues frame from ``validate_actions``.
        columns: canonical field -> 1-based column number (for the cell address of the ref).
    """
    dup = keys.duplicated(keep=False).to_numpy()
    if len(issues):
        flagged = issues.loc[issues["check"] == "duplicate_ref", ["sheet", "row"]]
        seen = pd.MultiIndex.from_frame(flagged.astype({"sheet": object, "row": "int64"}))
        here = pd.MultiIndex.from_arrays([actions[SHEET_COL].astype(object), actions[ROW_COL].astype("int64")])
        report = dup & ~here.isin(seen)
    else:
        report = dup
    if not report.any():
        return issues
    wording = WORDING["duplicate_key"]
    key = keys[dup].astype(str)
    sheet = actions.loc[dup, SHEET_COL].astype(str)
    row = actions.loc[dup, ROW_COL].astype("int64")
    # Where the rows sharing a key are: row numbers, with the sheet when they span several sheets.
    several = sheet.groupby(key).transform("nunique") > 1
    where = row.astype(str).where(~several, sheet + " row " + row.astype(str))
    rows_text = where.groupby(key).transform(", ".join)
    plan_names = actions["plan"] if "plan" in actions.columns else pd.Series(None, index=actions.index, dtype=object)
    plan_text = plan_of_key(key).where(plan_names[dup].isna() | (plan_names[dup].astype(str).str.strip() == ""),
                                       plan_names[dup].astype(str).str.strip())
    keep = report[dup]
    col = int(columns.get("ref", 1))
    ref = actions.loc[dup, "ref"].map(normalise_ref)
    prefix = {s: cell_address(s, 1, col)[:-1] for s in sheet.unique()}
    found = pd.DataFrame(
        {
            "sheet": actions.loc[dup, SHEET_COL].astype(object),
            "cell": sheet.map(prefix) + row.astype(str),
            "row": row,
            "column": column_letter(col),
            "field": "ref",
            "value": ref.astype(object),
            "check": "duplicate_key",
            "message": [wording.message.format(value=v, other=p, rows=r) for v, p, r in zip(ref, plan_text, rows_text)],
            "fix": [wording.fix.format(value=v) for v in ref],
            "severity": wording.severity,
        }
    )[keep]
    base = issues.reindex(columns=list(dict.fromkeys([*ISSUE_COLUMNS, *issues.columns]))) if len(issues) else None
    return pd.concat([base, found], ignore_index=True) if base is not None else found.reset_index(drop=True)


__all__ = sorted(
    ["KEY_COLUMNS", "assign_keys", "duplicate_key_issues", "normalise_ref", "plan_of_key", "plan_slug", "row_plan_ids"]
)

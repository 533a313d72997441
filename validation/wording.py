"""The words of the issues frame, for many failing cells at once (``validation.schema``).

Each distinct wording (check, cell value, related value, duplicate group) is worded once: each
check's parameters (``validation.messages`` placeholders) are worked out only if its sentences use
them, only for its rows, and each value is quoted once however many wordings share it.
"""

from __future__ import annotations

from functools import lru_cache
from string import Formatter

import numpy as np
import pandas as pd

from validation.facts import PlanFacts
from validation.fields import FIELD_BY_NAME, STATUSES
from validation.messages import WORDING, shown


def _fill(template: str, params: dict[str, object]) -> np.ndarray:
    """``template.format(**params)`` for arrays of parameters at once, by joining the pieces."""
    out: object = ""
    for literal, name, spec, conversion in Formatter().parse(template):
        out = out + literal if literal else out
        if name is not None:
            if spec or conversion:
                raise ValueError(f"wording placeholders take no format spec: {template!r}")
            out = out + params[name]
    return np.asarray(out, dtype=object)


def _day_first(when: np.ndarray) -> np.ndarray:
    """datetime64 values as 31/07/2022 ('' for NaT), from their ISO text rather than a strftime each."""
    iso = np.datetime_as_string(when.astype("datetime64[D]")).tolist()
    text = np.array([f"{s[8:10]}/{s[5:7]}/{s[:4]}" for s in iso], dtype=object)
    return np.where(np.isnat(when), "", text).astype(object)


def _quoted(texts: np.ndarray) -> np.ndarray:
    """``shown`` of each text, once per distinct text."""
    codes, distinct = pd.factorize(texts)
    return np.array([shown(text) for text in distinct], dtype=object).take(codes)


@lru_cache(maxsize=None)
def _placeholders(template: str) -> frozenset[str]:
    """The names a wording template fills in."""
    return frozenset(name for _, name, _, _ in Formatter().parse(template) if name is not None)


_LABELS = {name: field.label for name, field in FIELD_BY_NAME.items()}


def word_issues(facts: PlanFacts, dups, field, check, value_code, other_code, pos) -> np.ndarray:
    """Value as shown, message, fix and severity for each distinct wording (an n x 4 object array).

    Each check's parameters are worked out only if its sentences use them, and only for its rows."""
    n = len(field)
    out = np.empty((n, 4), dtype=object)
    # Factorised rather than np.unique: sorting object arrays compares strings one pair at a time.
    field_code, names = pd.factorize(field)
    for i, name in enumerate(names):
        here = field_code == i
        out[here, 0] = facts.cells(name).shown_at(value_code[here])
    check_code, checks = pd.factorize(check)
    for i, what in enumerate(checks):
        here = np.flatnonzero(check_code == i)
        words = WORDING[what]
        wanted = _placeholders(words.message) | _placeholders(words.fix)
        params: dict[str, object] = {}
        if wanted & {"label", "lower"}:
            label_code, label_of = pd.factorize(field[here])
            params["label"] = np.array([_LABELS[name] for name in label_of], dtype=object).take(label_code)
            params["lower"] = np.array([_LABELS[name].lower() for name in label_of], dtype=object).take(label_code)
        if "value" in wanted:
            params["value"] = _quoted(out[here, 0])
        if "length" in wanted:
            params["length"] = np.array([str(len(text)) for text in out[here, 0]], dtype=object)
        if "other" in wanted:
            params["other"] = _quoted(_other(facts, what, other_code[here]))
        if "rows" in wanted:
            params["rows"] = dups.row_list(pos[here]) if what == "duplicate_ref" else np.full(len(here), "", dtype=object)
        if "statuses" in wanted:
            params["statuses"] = ", ".join(STATUSES)
        out[here, 1] = _fill(words.message, params)
        out[here, 2] = _fill(words.fix, params)
        out[here, 3] = words.severity
    return out


def _other(facts: PlanFacts, check: str, other_code: np.ndarray) -> np.ndarray:
    """The related value a check's sentence names: the target a revised target is earlier than (by
    the target's code), the recommendation a duplicate ref sits under ('(none)' when blank)."""
    if check == "revised_before_target":
        # Once per distinct target: one revised date is often compared with many targets.
        need, where = np.unique(other_code, return_inverse=True)
        return _day_first(facts.dates("target").unique_due.take(need)).take(where.reshape(-1))
    if check == "duplicate_ref":
        rec = facts.cells("recommendation").shown_at(other_code)
        return np.where(rec == "", "(none)", rec).astype(object)
    return np.full(len(other_code), "", dtype=object)


__all__ = sorted(["word_issues"])

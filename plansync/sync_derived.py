"""Derived fields (Due, RAG, Overdue, Days overdue) rated again on values a sync brings in (DESIGN §6, issue 19).

The workbook's BRAG is computed from the workbook's values. When a sync brings in another
person's change (a new status, a revised target), BRAG computed before it would be stale: sending
it would put the wrong colour on the list until the next sync. So the rows that take values from
the list are rated again on those values before anything is sent (``rerated_with_pulls``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from sync.engine import Pull
from sync.values import as_cell, derived_text
from validation.fields import FIELD_BY_NAME
from validation.rag import RagRules, compute_rag


def rerated_with_pulls(
    workbook: pd.DataFrame,
    actions_by_key: pd.DataFrame,
    pulls: Iterable[Pull],
    *,
    today: date,
    rules: RagRules,
) -> pd.DataFrame:
    """``workbook`` (sync's text frame, index = row key) with the derived fields of every row that
    takes values from the list computed again on those values.

    Args:
        actions_by_key: the actions frame as read (raw cell values), index = row key.
        pulls: what the sync plan brings in.
        today: the date BRAG is computed for.
        rules: the plan's BRAG rules.
    """
    taken = {p.key: p.fields for p in pulls if p.key in workbook.index and p.key in actions_by_key.index}
    if not taken:
        return workbook
    rows = actions_by_key[~actions_by_key.index.duplicated(keep="first")].loc[list(taken)].astype(object)
    for key, fields in taken.items():
        for name, text in fields.items():
            if name in rows.columns:
                rows.at[key, name] = as_cell(text, FIELD_BY_NAME[name].kind)
    fresh = derived_text(compute_rag(rows, today=today, rules=rules))
    out = workbook.copy()
    cols = [c for c in fresh.columns if c in out.columns]
    out.loc[fresh.index, cols] = fresh[cols].to_numpy()
    return out


__all__ = ["rerated_with_pulls"]

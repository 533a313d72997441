"""Re-rating list items as at a day: the core's ``compute_rag`` on a frame built from the items.

No second copy of the BRAG rules lives here. An item's rating inputs (target, revised target,
status, completed, progress: each as the sync engine's text, dates as written) go into an actions
frame, ``validation.rag.compute_rag`` rates it with the rules its plan was last synced with, and
the answer is put in the same text form ``plansync sync`` writes (``due`` ISO date, ``rag``,
``overdue`` 'yes' or '', ``days_overdue`` whole days or ''). Items whose text differs are the ones to
write; only the derived fields are ever written.

    >>> record = {"key": "york:1.1", "target": "2026-01-31", "status": "On track", "rag": "Green", ...}  # doctest: +SKIP
    >>> changes = rerate({"12": record}, {"york": RagRules()}, today=date(2026, 2, 14))           # doctest: +SKIP
    >>> changes[0].why()                                                                        # doctest: +SKIP
    'Green → Red: due 31/01/2026, 14 days overdue'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

import pandas as pd

from sync.engine import WITHDRAWN
from sync.values import ListMap, derived_text
from validation.fields import COMPUTED_NAMES
from validation.rag import RagRules, compute_rag

# What compute_rag reads of an action (progress: status and revised dates in the text).
INPUTS: tuple[str, ...] = ("target", "revised_target", "status", "completed", "progress")
DERIVED: tuple[str, ...] = COMPUTED_NAMES  # due, rag, overdue, days_overdue
KEY, ETAG = "key", "etag"


def record_of(item: Mapping[str, Any], listmap: ListMap) -> dict[str, str] | None:
    """One list item as the refresh cache keeps it; None when it is not a plansync row (no key)."""
    fields = item.get("fields") or {}
    key = str(fields.get(listmap.key_column) or "").strip()
    if ":" not in key:
        return None  # added in SharePoint by hand, or not by plansync: no plan, no rules
    text = listmap.from_list(fields)
    etag = str(item.get("eTag") or fields.get("@odata.etag") or "")
    record = {KEY: key, ETAG: etag, WITHDRAWN: text.get(WITHDRAWN, ""), "ref": text.get("ref", ""), "plan": text.get("plan", "")}
    record.update({name: text.get(name, "") for name in (*INPUTS, *DERIVED)})
    return record


@dataclass(frozen=True)
class Change:
    """One item whose derived fields are out of date."""

    item_id: str
    key: str
    etag: str
    old: dict[str, str]
    new: dict[str, str]
    ref: str = ""
    plan: str = ""

    @property
    def fields(self) -> dict[str, str]:
        """Only the derived fields that differ (what is written)."""
        return {k: v for k, v in self.new.items() if self.old.get(k, "") != v}

    def label(self) -> str:
        """'2.3 (York 2022)' or the row key when the item has no ref."""
        name = self.ref or self.key
        return f"{name} ({self.plan})" if self.plan else name

    def why(self) -> str:
        """'Amber → Red: due 30/11/2026, 6 days overdue' (the rating, then what made it)."""
        old_rag, new_rag = self.old.get("rag") or "no rating", self.new.get("rag") or "no rating"
        head = f"{old_rag} → {new_rag}" if old_rag != new_rag else f"{new_rag}"
        due = self.new.get("due", "")
        parts = [f"due {_day_first(due)}" if due else "no due date"]
        days, was = self.new.get("days_overdue", ""), self.old.get("days_overdue", "")
        if days:
            parts.append(f"{days} day{'' if days == '1' else 's'} overdue" + (f" (was {was})" if was and was != days else ""))
        elif self.old.get("overdue") and not self.new.get("overdue"):
            parts.append("no longer overdue")
        if self.old.get("due", "") != due and self.old.get("due"):
            parts.append(f"was due {_day_first(self.old['due'])}")
        return f"{head}: {', '.join(parts)}"


def _day_first(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if len(iso) >= 10 else iso


def rerate(
    records: Mapping[str, Mapping[str, str]], rules: Mapping[str, RagRules], *, today: date
) -> tuple[list[Change], int, dict[str, int]]:
    """(items whose derived fields change, items rated, items not rated by plan id).

    Withdrawn items (rows removed from their workbook) are left as they are. Items of a plan with
    no rules in ``rules`` are not rated (the caller gives the defaults to plans that stored none, and
    leaves out plans whose stored rules cannot be read: rating those by guessed rules could contradict
    the team's own).
    """
    if not records:
        return [], 0, {}
    columns = [KEY, ETAG, WITHDRAWN, "ref", "plan", *INPUTS, *DERIVED]
    frame = pd.DataFrame.from_records(
        list(map(itemgetter(*columns), records.values())), index=list(records), columns=columns
    ).astype(object)
    frame = frame[frame[WITHDRAWN] != "yes"]
    plans = frame[KEY].str.split(":", n=1).str[0]
    known = plans.isin(list(rules))
    unrated = plans[~known].value_counts().to_dict()
    changes: list[Change] = []
    # One compute_rag per distinct rule set: most plans keep the defaults.
    groups: dict[str, list[str]] = {}
    for plan_id in pd.unique(plans[known]):
        groups.setdefault(repr(rules[plan_id]), []).append(plan_id)
    for plan_ids in groups.values():
        part = frame[plans.isin(plan_ids)]
        new = derived_text(compute_rag(part[list(INPUTS)], today=today, rules=rules[plan_ids[0]]))
        old = part[list(DERIVED)]
        differs = (new != old).any(axis=1).to_numpy()
        rows, fresh = part[differs].to_dict("records"), new[differs].to_dict("records")
        for item_id, row, now in zip(part.index[differs], rows, fresh):
            changes.append(Change(str(item_id), row[KEY], row[ETAG], {k: row[k] for k in DERIVED}, now, row["ref"], row["plan"]))
    return changes, int(known.sum()), {str(k): int(v) for k, v in unrated.items()}


__all__ = sorted(["Change", "DERIVED", "ETAG", "INPUTS", "KEY", "record_of", "rerate"])

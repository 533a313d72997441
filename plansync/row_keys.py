"""Row keys and the problems that stop rows syncing: one check for ``validate`` and ``sync``.

``validate`` must report exactly the rows ``sync`` would skip, so both start here: the plan's
own checks (``validation.schema``) plus one error per row whose key (plan + ref, DESIGN §6) another
row also has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from plansync.formula_text import text_not_formula
from plansync.plan import LoadedPlan
from plansync.row_identity import known_keys
from plansync.state.sync_state import SyncState, load_state
from validation.facts import PlanFacts
from validation.keys import assign_keys, duplicate_key_issues, plan_slug
from validation.schema import validate_actions


@dataclass
class KeyedPlan:
    """A loaded plan's keys and problems.

    Attributes:
        plan_id: the plan id of rows whose Plan cell is blank (kept from the first sync).
        state: the sync state the workbook holds (empty if never synced).
        keys: ``assign_keys`` output, index-aligned with the actions frame.
        issues: the issues frame: every problem, duplicate keys included.
    """

    plan_id: str
    state: SyncState
    keys: pd.DataFrame
    issues: pd.DataFrame


def key_plan(loaded: LoadedPlan, *, facts: PlanFacts | None = None) -> KeyedPlan:
    """Key every action row and check the plan.

    ``facts`` is the actions frame already read (``PlanFacts(loaded.actions)``), when the caller
    rates the plan too: its dates are then parsed once for both.

    Raises:
        WorkbookError: the hidden sync state was edited by hand and cannot be read.
    """
    book, actions, layout = loaded.book, loaded.actions, loaded.layout
    meta = loaded.meta
    stem = Path(book.path).stem if book.path is not None else layout.sheet
    # Fixed at the first sync: renaming the file or the Settings plan name must not re-key rows.
    state = load_state(book, meta=meta)
    plan_id = str(state.target.get("plan_id") or meta.get("plan_id") or plan_slug(loaded.settings.plan_name or stem))
    # Keys a killed sync was creating are known too (plansync.row_identity).
    keys = assign_keys(actions, plan_id=plan_id, known=known_keys(state))
    issues = duplicate_key_issues(actions, keys["key"], validate_actions(actions, columns=layout.columns, facts=facts), columns=layout.columns)
    issues = text_not_formula(issues, actions)  # text beginning with '=' is text, not a formula
    return KeyedPlan(plan_id=plan_id, state=state, keys=keys, issues=issues)


__all__ = sorted(["KeyedPlan", "key_plan"])

"""The workbook side of a sync: every action row validated, rated, keyed, and as the text the merge compares.

Rows with an error (a shared key among them) are reported and skipped, never pushed. The target
and the other date cells are read once (``validation.facts.PlanFacts``): validation, BRAG and the
list's date columns (``SyncRows.dues``) share that reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from plansync.plan import LoadedPlan
from plansync.row_keys import key_plan
from plansync.state.sync_state import SyncState
from sync.values import derived_text, normalise_value, normalise_values, read_dues
from validation.facts import PlanFacts
from validation.fields import COMPUTED_NAMES, FIELD_NAMES, ROW_COL, SHEET_COL
from validation.keys import plan_of_key
from validation.rag import canonical_status, compute_rag

# Fields pushed, never pulled: the plan's name and what plansync computes.
_DERIVED = ("plan", *COMPUTED_NAMES)


@dataclass
class SyncRows:
    """The workbook side of a sync: its rows validated, rated, keyed and as sync's text.

    Attributes:
        workbook: the valid rows as text (``sync.values``), index = row key; derived fields included.
        owners: per key, who may change the row ('a@x; b@y').
        fields: the merged fields; derived: the fields pushed, never pulled.
        skip, skipped: keys of invalid rows, and how many rows were invalid.
        dues: each date cell's text -> the date it stands for, as validation and BRAG read it.
    """

    workbook: pd.DataFrame
    owners: pd.Series
    fields: list[str]
    derived: list[str]
    skip: frozenset[str]
    skipped: int
    count: int
    issues: pd.DataFrame
    plan_id: str
    plan_ids: frozenset[str]  # every plan this workbook holds or has synced (their rows in the list are ours)
    state: SyncState
    cells: dict[str, tuple[str, int]]  # key -> (sheet, row)
    layout_columns: dict[str, int]
    rated_on: date  # the date BRAG was computed for
    rag: pd.DataFrame  # ``compute_rag`` of the workbook's rows as read
    by_key: pd.DataFrame  # the actions as read, index = row key
    dues: dict[str, str | None]  # date text -> ISO date, read once (``sync.values.read_dues``)


def prepare_rows(loaded: LoadedPlan, *, today: date | None) -> SyncRows:
    """Validate, compute BRAG and key the rows; the workbook side of the merge as text."""
    settings, actions, layout = loaded.settings, loaded.actions, loaded.layout
    # One reading of the dates for validation, BRAG and the list's date columns.
    facts = PlanFacts(actions)
    keyed = key_plan(loaded, facts=facts)
    state, plan_id, keys, issues = keyed.state, keyed.plan_id, keyed.keys, keyed.issues
    # Rows with an error, a shared key among them, are reported and skipped: never pushed.
    errors = issues[issues["severity"] == "error"] if len(issues) else issues
    bad_rows = set(zip(errors["sheet"], errors["row"])) if len(errors) else set()
    invalid = pd.Series([(s, r) in bad_rows for s, r in zip(actions[SHEET_COL], actions[ROW_COL])], index=actions.index, dtype=bool)

    rated_on = today or settings.today or date.today()
    rag = compute_rag(actions, today=rated_on, rules=settings.rag_rules, facts=facts)
    fields = [f for f in FIELD_NAMES if f in layout.columns and f != "plan"]
    values = _status_as_choice(normalise_values(actions, fields), actions)
    derived = list(_DERIVED)
    values["plan"] = actions["plan"].map(normalise_value)
    for name, column in derived_text(rag).items():
        values[name] = column
    values.index = pd.Index(keys["key"], dtype=object)

    owners = _owners(actions, settings)
    owners.index = values.index
    owners = owners[~owners.index.duplicated(keep="first")]
    # A synced row belongs to its owners as last synced: writing your own name into the Owner
    # cell of somebody else's row does not make it yours.
    if len(state.base):
        synced = _owners(state.base.rename(columns=str), settings)
        synced = synced[synced != ""]
        owners.loc[owners.index.intersection(synced.index)] = synced.loc[owners.index.intersection(synced.index)]
    skip_keys = frozenset(values.index[invalid.to_numpy()])
    good = ~invalid.to_numpy()
    cells = {k: (s, int(r)) for k, s, r in zip(values.index, actions[SHEET_COL], actions[ROW_COL])}
    generated = keys.loc[keys["generated"], ["key", "fingerprint"]].assign(
        sheet=actions.loc[keys["generated"], SHEET_COL].astype(str), row=actions.loc[keys["generated"], ROW_COL].astype("int64")
    )
    state.generated = generated.reset_index(drop=True)
    return SyncRows(
        workbook=values[~values.index.duplicated(keep=False) & good],
        owners=owners,
        fields=fields,
        derived=derived,
        skip=skip_keys,
        skipped=int(invalid.sum()),
        count=int(len(actions)),
        issues=issues,
        plan_id=plan_id,
        plan_ids=frozenset({plan_id, *plan_of_key(keys["key"]), *plan_of_key(pd.Series(state.base.index, dtype=object))}),
        state=state,
        cells=cells,
        layout_columns=dict(layout.columns),
        rated_on=rated_on,
        rag=rag,
        by_key=actions.set_axis(values.index),
        dues=read_dues(facts, fields),
    )


def _status_as_choice(values: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """The list's Status is a choice: 'complete' or 'On Track', which validation accepts, goes as
    the choice it stands for ('Complete', 'On track'), or the list refuses it."""
    if "status" in values:
        typed = canonical_status(actions["status"])
        values["status"] = typed.where(typed.notna(), values["status"]).astype(object)
    return values


def _owners(actions: pd.DataFrame, settings: Any) -> pd.Series:
    """Who may change each row: its owner sign-ins, else the Settings owners of its lead."""
    written = actions["owner"].map(normalise_value) if "owner" in actions.columns else pd.Series("", index=actions.index)
    lead = actions["lead"] if "lead" in actions.columns else pd.Series(None, index=actions.index, dtype=object)
    # Looked up once per distinct lead (a plan names a few dozen leads over thousands of rows).
    owners_of = {v: "; ".join(settings.owners_for(v)) for v in pd.unique(lead.to_numpy(dtype=object)) if v is not None}
    by_lead = lead.map(lambda v: owners_of.get(v, "") if v is not None else "")
    return written.where(written != "", by_lead).astype(object)


__all__ = sorted(["SyncRows", "prepare_rows"])

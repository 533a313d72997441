"""The sync plan: what to create, update, pull, refuse and report, from three DataFrames.

Pure: no HTTP, no workbook. Inputs are indexed by row key, one column per synced field, every
value already normalised to text ('' = empty, see ``normalise_values``):

- ``workbook``: the rows as they are now (valid rows only; invalid ones are passed as ``skip``);
- ``base``: the field values as last synced (from the hidden sheet ``_plansync``);
- ``remote``: the list items now, plus ``_item_id``, ``_etag``, ``_modified_by``.

Per field, a three-way merge (DESIGN §6): changed on one side only -> take it; changed on both
sides to the same value -> nothing to do; to different values -> a conflict, nothing overwritten
until a person chooses (``resolutions``). Derived fields (RAG, due, ...) are pushed whenever the
list differs, never pulled. A row whose owner is not ``user`` has its pushes refused unless the
user has the support role. Rows gone from the workbook are withdrawn (or deleted).

Rows are many and changes few: a hash per row (of its fields in sorted-name order) finds the rows
where anything differs, and the per-field comparison is vectorised over those rows only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from sync import ownership

WITHDRAWN = "withdrawn"
"""The field that marks a list item whose row was removed from the workbook ('yes' or '')."""

ITEM_ID, ETAG, MODIFIED_BY = "_item_id", "_etag", "_modified_by"

NOT_YOUR_ROW = "not your row: {owners} may change it. Ask them, or ask a site owner for the support role (plansync roles add)."
NOT_YOUR_TEAMS_PLAN = (
    "not your team's plan: plan '{plan}' belongs to {team}. Ask one of them or the support role to add the row."
)
NOT_YOUR_ROW_TO_WITHDRAW = (
    "not your row: it was removed from the workbook, but only {owners} may withdraw it from the list. "
    "Put the row back, or ask them."
)


@dataclass(frozen=True)
class Create:
    key: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Update:
    key: str
    item_id: str
    etag: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Pull:
    key: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Withdrawal:
    key: str
    item_id: str
    etag: str
    delete: bool = False


@dataclass(frozen=True)
class Conflict:
    key: str
    field: str
    workbook: str
    list: str
    changed_by: str = ""
    changed_at: str = ""  # when the list's value was written (from the item's versions), UTC


@dataclass(frozen=True)
class Refusal:
    key: str
    reason: str


@dataclass
class SyncPlan:
    """Everything one sync would do; what ``--dry-run`` prints.

    ``base`` holds the field values each key will have as 'last synced' once every write in the
    plan has succeeded (conflicting and refused fields keep their old base, so they come up again).
    ``remote`` is the list as it will be after those writes (item id and eTag as known now).
    """

    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    pulls: list[Pull] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped_invalid: int = 0
    base: pd.DataFrame = field(default_factory=pd.DataFrame)
    remote: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def writes(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.withdrawals)

    def counts(self, *, requests: int = 0) -> dict:
        """The ``--json`` shape."""
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "pulled": len(self.pulls),
            "unchanged": len(self.unchanged),
            "withdrawn": len(self.withdrawals),
            "skipped_invalid": self.skipped_invalid,
            "refused": [{"key": r.key, "reason": r.reason} for r in self.refused],
            "conflicts": [
                {"key": c.key, "field": c.field, "workbook": c.workbook, "list": c.list} for c in self.conflicts
            ],
            "requests": requests,
        }


def normalise_value(value: object) -> str:
    """One cell or list value as the text sync compares: dates ISO, whole numbers without '.0'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (pd.Timestamp,)):
        return normalise_value(value.to_pydatetime())
    return str(value).strip()


def normalise_values(frame: pd.DataFrame, fields: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """``frame[fields]`` as text for comparing (object dtype, '' for empty)."""
    out = pd.DataFrame(index=frame.index)
    for name in fields:
        col = frame[name] if name in frame.columns else pd.Series("", index=frame.index, dtype=object)
        out[name] = col.astype(object).map(normalise_value).astype(object)
    return out


def row_hashes(frame: pd.DataFrame, fields: list[str] | tuple[str, ...]) -> pd.Series:
    """A hash per row of the given fields, to find changed rows cheaply.

    Columns are taken in sorted name order (as sorted-key JSON would), each value hashed
    vectorised by pandas and combined per row, so 10,000 rows cost milliseconds, not a JSON dump each.
    """
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="uint64")
    ordered = frame[sorted(fields)].astype(str)
    return pd.Series(
        pd.util.hash_pandas_object(ordered, index=False).to_numpy(), index=frame.index, dtype="uint64"
    )


def owner_set(text: str) -> frozenset[str]:
    """'a@x.gov.uk; B@x.gov.uk' -> {'a@x.gov.uk', 'b@x.gov.uk'} (the one model: ``sync.ownership``)."""
    return ownership.owner_set(text)


def _allowed(owners: pd.Series, keys: pd.Index, user: str, support: bool, teams: dict | None = None) -> pd.Series:
    """Whether ``user`` may change each row: support role, one of its owners, or, for a row without
    owners, its plan's team (anyone when the team is not known) (``sync.ownership``)."""
    if support:
        return pd.Series(True, index=keys)
    own = owners.reindex(keys).fillna("").astype(str)
    sets = own.map(owner_set)
    who = (user or "").lower()
    teams = teams or {}

    def may(key: str, people: frozenset[str]) -> bool:
        team = teams.get(ownership.plan_of_key(key)) if not people else None
        return who in people if people else (not team or who in team)

    return pd.Series([may(k, p) for k, p in zip(keys, sets)], index=keys, dtype=bool)


def _who(owners: pd.Series, key: str, teams: dict | None = None) -> str:
    people = sorted(owner_set(str(owners.get(key, "") or "")))
    if not people and teams and teams.get(ownership.plan_of_key(key)):
        return "its plan's team (" + " or ".join(sorted(teams[ownership.plan_of_key(key)])) + ")"
    return " or ".join(people) if people else "the row's owner"


def _frame(frame: pd.DataFrame | None, cols: list[str]) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}, index=pd.Index([], dtype=object))
    out = frame.reindex(columns=cols).astype(object)
    return out.where(out.notna(), "")


def plan_sync(
    workbook: pd.DataFrame,
    base: pd.DataFrame | None,
    remote: pd.DataFrame | None,
    *,
    fields: list[str] | tuple[str, ...],
    derived: list[str] | tuple[str, ...] = (),
    owners: pd.Series | None = None,
    user: str = "",
    support: bool = False,
    delete_removed: bool = False,
    skip: frozenset[str] | set[str] = frozenset(),
    skipped_invalid: int = 0,
    resolutions: dict[tuple[str, str], str] | None = None,
    teams: dict[str, frozenset[str]] | None = None,
) -> SyncPlan:
    """Plan one sync. See the module docstring for the three input frames.

    Args:
        fields: the merged fields (pushed, pulled, or in conflict).
        derived: computed fields, pushed whenever the list differs, never pulled; ``WITHDRAWN``
            is always derived (a row in the workbook is not withdrawn).
        owners: per key, the sign-ins allowed to change the row ('a@x; b@y'); none = anyone.
        user: the signed-in user.
        support: the user has the support role (may change any row).
        delete_removed: delete the items of rows removed from the workbook instead of withdrawing them.
        skip: keys of invalid rows: neither synced nor withdrawn.
        skipped_invalid: how many workbook rows were invalid (reported).
        resolutions: (key, field) -> 'workbook' or 'list', chosen by a person for a conflict.
        teams: plan id -> the people who own its rows in the list; a new row of a plan whose team
            does not include ``user`` is refused without the support role (``sync.ownership``).
    """
    fields = list(fields)
    derived = [d for d in derived if d != WITHDRAWN] + [WITHDRAWN]
    allf = fields + derived
    resolutions = resolutions or {}
    owners = owners if owners is not None else pd.Series(dtype=object)
    plan = SyncPlan(skipped_invalid=skipped_invalid)

    w = _frame(workbook, allf)
    w[WITHDRAWN] = ""
    w = w[~w.index.isin(list(skip))]
    b = _frame(base, allf)
    r = _frame(remote, allf + [ITEM_ID, ETAG, MODIFIED_BY])
    in_w, in_b, in_r = w.index, b.index, r.index

    # A row known to the list but not to the base (a crash after the create, before the hidden
    # sheet was saved): the list's values are its base, so nothing is created twice.
    adopt = in_w.intersection(in_r).difference(in_b)
    b = pd.concat([b, r.loc[adopt, allf]]) if len(adopt) else b
    in_b = b.index

    new_base = b.copy()
    new_remote = r.copy()

    # --- rows that only the workbook has (or whose item vanished from the list): create.
    to_create = in_w.difference(in_r)
    ok = _allowed(owners, to_create, user, support, teams)
    for key in to_create[~ok.to_numpy()] if len(to_create) else []:
        plan.refused.append(Refusal(key, NOT_YOUR_ROW.format(owners=_who(owners, key, teams))))
    created = to_create[ok.to_numpy()] if len(to_create) else to_create
    if teams and not support and len(created):
        outside = [k for k in created if teams.get(ownership.plan_of_key(k)) and (user or "").lower() not in teams[ownership.plan_of_key(k)]]
        for key in outside:
            team = " or ".join(sorted(teams[ownership.plan_of_key(key)]))
            plan.refused.append(Refusal(key, NOT_YOUR_TEAMS_PLAN.format(plan=ownership.plan_of_key(key), team=team)))
        created = created.difference(pd.Index(outside))
    if len(created):
        values = w.loc[created, allf]
        plan.creates = [Create(k, {f: v for f, v in rec.items() if v != ""}) for k, rec in zip(created, values.to_dict("records"))]
        new_base = pd.concat([new_base.drop(index=created.intersection(new_base.index)), values])
        new_remote = pd.concat(
            [new_remote.drop(index=created.intersection(new_remote.index)), values.assign(**{ITEM_ID: "", ETAG: "", MODIFIED_BY: user})]
        )

    # --- rows the workbook no longer has: withdraw (or delete), if the user may.
    gone = in_b.difference(in_w).difference(pd.Index(list(skip)))
    gone_listed = gone.intersection(in_r)
    gone_owners = owners.copy()
    if len(gone_listed):
        # The workbook row is gone, so its owners are the ones last synced.
        fallback = b.loc[gone_listed, "owner"] if "owner" in b.columns else pd.Series("", index=gone_listed)
        gone_owners = pd.concat([owners.drop(index=gone_listed, errors="ignore"), fallback.astype(str)])
    ok = _allowed(gone_owners, gone_listed, user, support, teams)
    for key, may in zip(gone_listed, ok):
        already = r.at[key, WITHDRAWN] == "yes"
        if already and not delete_removed:
            continue
        if not may:
            plan.refused.append(Refusal(key, NOT_YOUR_ROW_TO_WITHDRAW.format(owners=_who(gone_owners, key, teams))))
            continue
        plan.withdrawals.append(Withdrawal(key, str(r.at[key, ITEM_ID]), str(r.at[key, ETAG]), delete=delete_removed))
        if delete_removed:
            new_base = new_base.drop(index=key)
            new_remote = new_remote.drop(index=key)
        else:
            new_base.at[key, WITHDRAWN] = "yes"
            new_remote.at[key, WITHDRAWN] = "yes"
    # Removed rows whose item is gone too: nothing left to remember.
    vanished = gone.difference(in_r)
    new_base = new_base.drop(index=vanished.intersection(new_base.index))

    # --- rows on all three sides: find the rows where anything differs, then merge per field.
    both = in_w.intersection(in_b).intersection(in_r)
    if len(both):
        hw, hb, hr = row_hashes(w.loc[both], allf), row_hashes(b.loc[both], allf), row_hashes(r.loc[both], allf)
        differs = both[((hw != hb) | (hw != hr)).to_numpy()]
        plan.unchanged.extend(both.difference(differs).tolist())
        _merge(plan, w, b, r, differs, fields, derived, owners, user, support, resolutions, new_base, new_remote, teams)

    plan.unchanged = sorted(set(plan.unchanged))
    plan.base = new_base.sort_index()
    plan.remote = new_remote.sort_index()
    return plan


def _merge(plan, w, b, r, keys, fields, derived, owners, user, support, resolutions, new_base, new_remote, teams=None) -> None:
    if not len(keys):
        return
    W, B, R = w.loc[keys, fields], b.loc[keys, fields], r.loc[keys, fields]
    wc, rc, same = W.ne(B), R.ne(B), W.eq(R)
    both_changed = wc & rc & ~same
    res = pd.DataFrame("", index=keys, columns=fields, dtype=object)
    for (key, name), side in resolutions.items():
        if key in res.index and name in res.columns:
            res.at[key, name] = side
    push = (wc & ~rc) | (both_changed & res.eq("workbook"))
    pull = (rc & ~wc) | (both_changed & res.eq("list"))
    conflict = both_changed & ~res.isin(["workbook", "list"])
    Wd, Rd = w.loc[keys, derived], r.loc[keys, derived]
    push_derived = Wd.ne(Rd)

    allowed = _allowed(owners, keys, user, support, teams)
    refused = push.any(axis=1) & ~allowed
    push = push & ~refused.to_numpy()[:, None]
    # Derived fields too are a write: never into a row the user may not change (issue 19).
    push_derived = push_derived & allowed.to_numpy()[:, None]

    for key in keys[refused.to_numpy()]:
        plan.refused.append(Refusal(key, NOT_YOUR_ROW.format(owners=_who(owners, key, teams))))
    for key, name in zip(*_where(conflict)):
        plan.conflicts.append(Conflict(key, name, W.at[key, name], R.at[key, name], str(r.at[key, MODIFIED_BY])))

    any_push = push.any(axis=1) | push_derived.any(axis=1)
    any_pull = pull.any(axis=1)
    for key in keys[any_push.to_numpy()]:
        sent = {f: W.at[key, f] for f in fields if push.at[key, f]}
        sent.update({f: Wd.at[key, f] for f in derived if push_derived.at[key, f]})
        plan.updates.append(Update(key, str(r.at[key, ITEM_ID]), str(r.at[key, ETAG]), sent))
    for key in keys[any_pull.to_numpy()]:
        plan.pulls.append(Pull(key, {f: R.at[key, f] for f in fields if pull.at[key, f]}))
    quiet = ~(any_push | any_pull | conflict.any(axis=1) | refused)
    plan.unchanged.extend(keys[quiet.to_numpy()].tolist())

    # The base after this sync: pushed and agreeing fields take the workbook's value, pulled
    # fields the list's; conflicting and refused fields keep the old base so they come up again.
    settled = push | pull | same
    merged = B.where(~settled, W.where(push | same, R))
    new_base.loc[keys, fields] = merged
    new_base.loc[keys, derived] = Rd.where(~push_derived, Wd)
    new_remote.loc[keys, fields] = R.where(~push, W)
    new_remote.loc[keys, derived] = Rd.where(~push_derived, Wd)


def _where(mask: pd.DataFrame) -> tuple[list, list]:
    stacked = mask.stack()
    hits = stacked[stacked]
    return [k for k, _ in hits.index], [f for _, f in hits.index]


__all__ = sorted(
    [
        "Conflict",
        "Create",
        "ETAG",
        "ITEM_ID",
        "NOT_YOUR_TEAMS_PLAN",
        "MODIFIED_BY",
        "NOT_YOUR_ROW",
        "NOT_YOUR_ROW_TO_WITHDRAW",
        "Pull",
        "Refusal",
        "SyncPlan",
        "Update",
        "WITHDRAWN",
        "Withdrawal",
        "normalise_value",
        "normalise_values",
        "owner_set",
        "plan_sync",
        "row_hashes",
    ]
)

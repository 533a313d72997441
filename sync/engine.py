"""The sync plan: what to create, update, pull, refuse and report, from three DataFrames.

Pure: no HTTP, no workbook. Inputs are indexed by row key, one column per synced field, every
value already normalised to text ('' = empty, see ``sync.values.normalise_values``):

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

    ``base``: the field values each key will have as 'last synced' once every write succeeded (conflicting
    and refused fields keep their old base, so they come up again); ``remote``: the list after those writes
    (item id and eTag as known now). Its writes are this run's, each key once, never somebody else's (``sync.lost_answers``).
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
        """The ``--json`` shape (what was planned; ``plansync.sync_summary`` counts what the list accepted)."""
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
    who = _Who(owners if owners is not None else pd.Series(dtype=object), user, support, teams)
    m = _sides(workbook, base, remote, fields, derived, skip, who, SyncPlan(skipped_invalid=skipped_invalid))
    in_w, in_b, in_r = m.w.index, m.b.index, m.r.index
    _create(m, in_w.difference(in_r))
    _withdraw(m, in_b.difference(in_w).difference(pd.Index(list(skip))), delete_removed)

    # --- rows on all three sides: find the rows where anything differs, then merge per field.
    both = in_w.intersection(in_b).intersection(in_r)
    if len(both):
        allf = fields + derived
        hw, hb, hr = row_hashes(m.w.loc[both], allf), row_hashes(m.b.loc[both], allf), row_hashes(m.r.loc[both], allf)
        differs = both[((hw != hb) | (hw != hr)).to_numpy()]
        m.plan.unchanged.extend(both.difference(differs).tolist())
        _merge(m, differs, resolutions or {})

    plan = m.plan
    plan.unchanged = sorted(set(plan.unchanged))
    plan.base = m.new_base.sort_index()
    plan.remote = m.new_remote.sort_index()
    return plan


@dataclass
class _Who:
    """Who is merging, and whose rows are whose (``sync.ownership``)."""

    owners: pd.Series  # per key, the sign-ins allowed to change the row
    user: str
    support: bool
    teams: dict[str, frozenset[str]] | None

    def allowed(self, keys: pd.Index, owners: pd.Series | None = None) -> pd.Series:
        """Whether the user may change each row: support role, one of its owners, or, for a row
        without owners, its plan's team (anyone when the team is not known)."""
        if self.support:
            return pd.Series(True, index=keys)
        own = (self.owners if owners is None else owners).reindex(keys).fillna("").astype(str)
        sets = own.map(owner_set)
        who = (self.user or "").lower()
        teams = self.teams or {}

        def may(key: str, people: frozenset[str]) -> bool:
            team = teams.get(ownership.plan_of_key(key)) if not people else None
            return who in people if people else (not team or who in team)

        return pd.Series([may(k, p) for k, p in zip(keys, sets)], index=keys, dtype=bool)

    def named(self, key: str, owners: pd.Series | None = None) -> str:
        """Who may change the row, in words."""
        people = sorted(owner_set(str((self.owners if owners is None else owners).get(key, "") or "")))
        teams = self.teams
        if not people and teams and teams.get(ownership.plan_of_key(key)):
            return "its plan's team (" + " or ".join(sorted(teams[ownership.plan_of_key(key)])) + ")"
        return " or ".join(people) if people else "the row's owner"


@dataclass
class _Merge:
    """One merge in progress: the three sides on the same columns (``w`` workbook, ``b`` base,
    ``r`` remote), the fields, who merges, and what it comes to so far."""

    w: pd.DataFrame
    b: pd.DataFrame
    r: pd.DataFrame
    fields: list[str]
    derived: list[str]
    who: _Who
    plan: SyncPlan
    new_base: pd.DataFrame
    new_remote: pd.DataFrame


def _sides(workbook, base, remote, fields: list[str], derived: list[str], skip, who: _Who, plan: SyncPlan) -> _Merge:
    allf = fields + derived
    w = _frame(workbook, allf)
    w[WITHDRAWN] = ""
    w = w[~w.index.isin(list(skip))]
    b = _frame(base, allf)
    r = _frame(remote, allf + [ITEM_ID, ETAG, MODIFIED_BY])
    # A row known to the list but not to the base (a crash after the create, before the hidden
    # sheet was saved): the list's values are its base, so nothing is created twice.
    adopt = w.index.intersection(r.index).difference(b.index)
    b = pd.concat([b, r.loc[adopt, allf]]) if len(adopt) else b
    return _Merge(w, b, r, fields, derived, who, plan, b.copy(), r.copy())


def _create(m: _Merge, to_create: pd.Index) -> None:
    """Rows that only the workbook has (or whose item vanished from the list): create, if the user may."""
    plan, who, user = m.plan, m.who, m.who.user
    ok = who.allowed(to_create)
    for key in to_create[~ok.to_numpy()] if len(to_create) else []:
        plan.refused.append(Refusal(key, NOT_YOUR_ROW.format(owners=who.named(key))))
    created = to_create[ok.to_numpy()] if len(to_create) else to_create
    teams = who.teams
    if teams and not who.support and len(created):
        outside = [k for k in created if teams.get(ownership.plan_of_key(k)) and (user or "").lower() not in teams[ownership.plan_of_key(k)]]
        for key in outside:
            team = " or ".join(sorted(teams[ownership.plan_of_key(key)]))
            plan.refused.append(Refusal(key, NOT_YOUR_TEAMS_PLAN.format(plan=ownership.plan_of_key(key), team=team)))
        created = created.difference(pd.Index(outside))
    if len(created):
        values = m.w.loc[created, m.fields + m.derived]
        plan.creates = [Create(k, {f: v for f, v in rec.items() if v != ""}) for k, rec in zip(created, values.to_dict("records"))]
        m.new_base = pd.concat([m.new_base.drop(index=created.intersection(m.new_base.index)), values])
        m.new_remote = pd.concat(
            [m.new_remote.drop(index=created.intersection(m.new_remote.index)), values.assign(**{ITEM_ID: "", ETAG: "", MODIFIED_BY: user})]
        )


def _withdraw(m: _Merge, gone: pd.Index, delete_removed: bool) -> None:
    """Rows the workbook no longer has: withdraw (or delete), if the user may."""
    b, r = m.b, m.r
    gone_listed = gone.intersection(r.index)
    gone_owners = m.who.owners.copy()
    if len(gone_listed):
        # The workbook row is gone, so its owners are the ones last synced.
        fallback = b.loc[gone_listed, "owner"] if "owner" in b.columns else pd.Series("", index=gone_listed)
        gone_owners = pd.concat([m.who.owners.drop(index=gone_listed, errors="ignore"), fallback.astype(str)])
    ok = m.who.allowed(gone_listed, gone_owners)
    for key, may in zip(gone_listed, ok):
        already = r.at[key, WITHDRAWN] == "yes"
        if already and not delete_removed:
            continue
        if not may:
            m.plan.refused.append(Refusal(key, NOT_YOUR_ROW_TO_WITHDRAW.format(owners=m.who.named(key, gone_owners))))
            continue
        m.plan.withdrawals.append(Withdrawal(key, str(r.at[key, ITEM_ID]), str(r.at[key, ETAG]), delete=delete_removed))
        if delete_removed:
            m.new_base = m.new_base.drop(index=key)
            m.new_remote = m.new_remote.drop(index=key)
        else:
            m.new_base.at[key, WITHDRAWN] = "yes"
            m.new_remote.at[key, WITHDRAWN] = "yes"
    # Removed rows whose item is gone too: nothing left to remember.
    vanished = gone.difference(r.index)
    m.new_base = m.new_base.drop(index=vanished.intersection(m.new_base.index))


def _merge(m: _Merge, keys: pd.Index, resolutions: dict[tuple[str, str], str]) -> None:
    """Rows on all three sides that differ somewhere: per field, push, pull, or a conflict."""
    if not len(keys):
        return
    fields, derived, w, r, plan = m.fields, m.derived, m.w, m.r, m.plan
    W, B, R = w.loc[keys, fields], m.b.loc[keys, fields], r.loc[keys, fields]
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

    allowed = m.who.allowed(keys)
    refused = push.any(axis=1) & ~allowed
    push = push & ~refused.to_numpy()[:, None]
    # Derived fields too are a write: never into a row the user may not change (issue 19).
    push_derived = push_derived & allowed.to_numpy()[:, None]

    for key in keys[refused.to_numpy()]:
        plan.refused.append(Refusal(key, NOT_YOUR_ROW.format(owners=m.who.named(key))))
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
    m.new_base.loc[keys, fields] = B.where(~settled, W.where(push | same, R))
    m.new_base.loc[keys, derived] = Rd.where(~push_derived, Wd)
    m.new_remote.loc[keys, fields] = R.where(~push, W)
    m.new_remote.loc[keys, derived] = Rd.where(~push_derived, Wd)


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
        "owner_set",
        "plan_sync",
        "row_hashes",
    ]
)

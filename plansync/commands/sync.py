"""``sync``: bring a workbook and the central list together (DESIGN §6).

Steps: load the plan, validate it (invalid rows are reported and skipped, never pushed),
recompute BRAG, give every row its key, read the list (a delta round since the last sync, or the
whole list the first time), plan the three-way merge (``sync.engine``), send it in batches
(``sync.apply``), then write pulled values, the Conflicts sheet, the sync state, a one-line result
on the Issues sheet and the last-sync time in Settings, and save the workbook once (atomically).
A dry run stops after the plan: it reads, but sends no write and saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any

import pandas as pd

from plansync import sync_summary
from plansync.commands.conflict_writers import name_conflict_writers
from plansync.commands.rag import rate_plan, sheets_showing_computed, write_rated
from plansync.commands.roles import plan_teams, protect_rows, roles_for_sync
from plansync.commands.signoff import check_sign_off, sign_off_signers, write_stamps
from plansync.errors import NotAPlan
from plansync.list_values import kept_back, with_substitutes
from plansync.plan import LoadedPlan, load_plan
from plansync.row_identity import adopt_orphans, keep_before_create, pending_after
from plansync.row_keys import key_plan
from plansync.sync_derived import as_cell, derived_text, rerated_with_pulls
from plansync.sync_state import SyncState, load_state, save_state
from plansync.sync_sheets import read_resolutions, write_conflicts, write_last_sync, write_sync_line
from plansync.workbook.base import Progress, Workbook
from plansync.workbook.blocks import write_cells
from sync.apply import Failure, apply_plan
from sync.cell_values import cell_text, edited_substitutes, keep_true_values
from sync.engine import ETAG, ITEM_ID, MODIFIED_BY, SyncPlan, normalise_value, normalise_values, plan_sync
from sync.listmap import ListMap
from sync.shared_list import PAGE_SIZE, latest_link, read_plan_items
from sync.target import absolute_link, connected, find_list, relative_link
from validation.fields import COMPUTED_NAMES, FIELD_NAMES, ROW_COL, SHEET_COL
from validation.keys import plan_of_key
from validation.rag import compute_rag
from workbook_templates.consolidated import REPORTING_KEY

# Over this many writes (one delta page), the next incremental read would have to page through our
# own writes; the change log is then restarted at "now" right after sending (see docs/sync.md).
_SKIP_AHEAD_WRITES = PAGE_SIZE
# Fields pushed, never pulled: the plan's name and what plansync computes.
_DERIVED = ("plan", *COMPUTED_NAMES)


@dataclass
class SyncResult:
    """What one sync did (or, for a dry run, would do).

    Attributes:
        plan: the sync plan as carried out.
        requests: HTTP requests sent to the list.
        dry_run: nothing was written.
        failed: rows whose write the list did not accept (tried again next sync).
        issues: the validation issues (errors are the skipped rows).
        user: who was signed in.
        actions: how many rows the sync looked at.
    """

    plan: SyncPlan
    requests: int = 0
    dry_run: bool = False
    failed: list[Failure] = field(default_factory=list)
    issues: pd.DataFrame = field(default_factory=pd.DataFrame)
    user: str = ""
    actions: int = 0
    unprotected: dict[str, str] = field(default_factory=dict)  # item id -> why it keeps the list's permissions
    sign_off_refused: list = field(default_factory=list)  # Refusals of Signed off (issue 16)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape: counts of what the list accepted (``plansync.sync_summary``)."""
        return sync_summary.counts(self)

    @property
    def summary(self) -> str:
        """One line in words, e.g. 'Synced 214 actions: 12 created, 3 updated, 1 brought in from the list'."""
        return sync_summary.summary_line(self)

    @property
    def exit_code(self) -> int:
        """0 every row in step with the list; 1 rows skipped, refused, in conflict or not accepted."""
        return sync_summary.exit_code(self)


def _report(progress: Progress | None, message: str, done: float) -> None:
    if progress is not None:
        progress(message, done)


def sync_workbook(
    book: Workbook,
    *,
    dry_run: bool = False,
    as_email: str | None = None,
    site: str | None = None,
    list_name: str | None = None,
    graph_url: str | None = None,
    delete_removed: bool = False,
    progress: Progress | None = None,
    client: Any = None,
    today: date | None = None,
    now: datetime | None = None,
    item_permissions: bool | None = None,
) -> SyncResult:
    """Sync the workbook's plan with the central list.

    Args:
        dry_run: plan only; send no write and save nothing.
        as_email: sign in as this development identity (local list server only).
        site, list_name, graph_url: override where the list is (else Settings, else the local server).
        delete_removed: delete the items of rows removed from the workbook (else they are withdrawn).
        client: a ready ``GraphClient`` (tests, scripts); its server is used as is.
        today: the date BRAG is computed for (default: Settings' override, else today).
        now: the time written as last sync (default: now).
        item_permissions: give rows their own SharePoint permissions (docs/sync.md); default: on
            SharePoint, not on a local list server (which enforces ownership itself).

    Raises:
        LayoutNotFound, SettingsError: the plan or its settings cannot be read.
        SyncError: the list could not be reached or kept refusing (nothing is saved then).
    """
    loaded = load_plan(book, progress=None)
    _refuse_reporting_workbook(loaded)
    settings = loaded.require_settings()
    _report(progress, "Checking the plan", 0.02)
    frame = _prepare(loaded, today=today)

    with connected(
        settings, client=client, as_email=as_email, site=site, list_name=list_name, graph_url=graph_url, manage_lists=True
    ) as (gc, opened, where):
        listmap = ListMap.default()
        state = frame.state
        if state.target.get("where") != where:
            state = SyncState(generated=state.generated)  # another list: start afresh there
        # A cell still showing the substitute of a list value it cannot hold is not a change.
        blocked = edited_substitutes(frame.workbook, state.base, frame.fields)
        frame.workbook = keep_true_values(frame.workbook, state.base, frame.fields)
        _report(progress, "Reading the list", 0.05)
        site_id, list_id, remote, delta_link = _read_list(gc, opened, state, frame.plan_ids, listmap, create=not dry_run)
        adopt_orphans(state, remote, frame.workbook.index, frame.skip)  # a killed sync's items no row claims: withdrawn

        resolutions = read_resolutions(book, frame.workbook)
        user = (getattr(gc, "user", "") or "").lower()
        # The support role comes from the site's groups, never from Settings (which anyone can edit),
        # and is read only when a row needs more than ownership (site_roles below).
        support = False
        teams = plan_teams(remote)
        site_roles: list[Any] = []

        def roles() -> Any:
            if not site_roles:
                site_roles.append(roles_for_sync(gc, opened))
            return site_roles[0]

        # Issue 16: only a sign-off-capable person may set or undo Signed off (refused at the cell).
        signed = check_sign_off(frame, state.base, remote, user=user, signers=lambda: sign_off_signers(roles()),
                                today=frame.rated_on)

        def replan(fresh: pd.DataFrame, keys: list[str] | None = None) -> SyncPlan:
            rows = frame.workbook.index if keys is None else pd.Index(keys)
            return plan_sync(
                frame.workbook.loc[frame.workbook.index.intersection(rows)],
                state.base.loc[state.base.index.intersection(rows)] if keys is not None else state.base,
                fresh,
                fields=frame.fields,
                derived=frame.derived,
                owners=frame.owners,
                user=user,
                support=support,
                delete_removed=delete_removed,
                skip=frame.skip,
                skipped_invalid=frame.skipped,
                resolutions=resolutions,
                teams=teams,
            )

        def rated_plan(fresh: pd.DataFrame, keys: list[str] | None = None) -> SyncPlan:
            planned = replan(fresh, keys)
            if planned.pulls:  # BRAG of rows taking values from the list: rated on those values before anything is sent
                frame.workbook = rerated_with_pulls(frame.workbook, frame.by_key, planned.pulls, today=frame.rated_on, rules=settings.rag_rules)
                planned = replan(fresh, keys)
            return planned

        plan = rated_plan(remote)
        protecting = item_permissions if item_permissions is not None else not opened.local
        if (plan.refused or signed.refused or (protecting and not dry_run)) and roles().full(user):
            support = True
            plan = rated_plan(remote)
        plan.refused += signed.refused
        plan.refused.extend(kept_back(blocked))  # edits of a cut or cleaned value: never sent, listed
        name_conflict_writers(gc, site_id, list_id, plan)  # who wrote the list's value, from its versions
        result = SyncResult(plan, dry_run=dry_run, issues=frame.issues, user=user, actions=frame.count,
                            sign_off_refused=signed.refused)
        if dry_run:
            result.requests = gc.requests
            return result

        # Generated keys of rows about to be created are saved first: a run killed after some
        # creates is finished by the next, never duplicated (plansync.row_identity).
        keep_before_create(book, state, frame.state.generated, [c.key for c in plan.creates], frame.plan_id, where)
        _report(progress, "Sending changes", 0.2)
        applied = apply_plan(
            gc,
            site_id,
            list_id,
            plan,
            to_list=listmap.to_list,
            from_list=listmap.from_list,
            key_column=listmap.key_column,
            replan=lambda fresh: rated_plan(fresh, list(fresh.index)),
            progress=(lambda msg, f: _report(progress, msg, 0.2 + 0.7 * f)) if progress else None,
        )
        result.plan, result.failed = applied.plan, applied.failed
        result.plan.refused += [r for r in signed.refused if r not in result.plan.refused]
        name_conflict_writers(gc, site_id, list_id, result.plan)
        from plansync.commands.refresh import keep_plan_rules  # what `plansync refresh` rates these plans by (docs/refresh.md)

        keep_plan_rules(gc, site_id, frame.plan_ids, settings.rag_rules, where)
        if applied.plan.writes > _SKIP_AHEAD_WRITES or delta_link is None:
            delta_link = _skip_ahead(gc, site_id, list_id, delta_link)
        new_state = _next_state(state, applied, frame, site_id, list_id, where, relative_link(gc, delta_link))
        new_state.target.update(pending_after(frame.state.generated, [f.key for f in applied.failed]))
        result.requests = gc.requests
        if protecting and (support or "@" not in user):  # SharePoint lets only full control set permissions
            reowned = {u.key for u in applied.plan.updates if "owner" in u.fields}
            result.unprotected = protect_rows(gc, opened, new_state.remote, reowned)

    _report(progress, "Saving the workbook", 0.95)
    _write_pulls(book, loaded, frame, result.plan)
    for sheet in loaded.sheet_layouts():  # each plan sheet has its own sign-off columns
        write_stamps(book, {k: v for k, v in signed.stamped.items() if frame.cells.get(k, ("", 0))[0] == sheet.sheet}, frame.cells, sheet.columns)
    _refresh_computed(book, loaded, frame, result.plan)
    write_conflicts(book, result.plan, frame.cells, frame.layout_columns)
    save_state(book, new_state)
    stamp = (now or datetime.now(timezone.utc)).astimezone().replace(microsecond=0)
    issues = with_substitutes(frame.issues, new_state.base, frame.fields, frame.cells, frame.layout_columns)
    write_sync_line(book, stamp, result.summary, issues)
    write_last_sync(book, stamp)
    book.save()
    _report(progress, result.summary, 1.0)
    return result


def _refuse_reporting_workbook(loaded: LoadedPlan) -> None:
    """A reporting workbook holds every team's rows as last pulled: syncing it would push that copy
    back over the teams' own edits (with the support role, nothing would stop it)."""
    if loaded.meta.get(REPORTING_KEY):
        name = loaded.book.path.name if loaded.book.path is not None else "This workbook"
        raise NotAPlan(
            f"{name} is a reporting workbook made by Pull consolidated: it holds every team's actions as last read "
            "from the list, so it is refreshed by pulling, never synced. To change an action, edit it in the team's "
            "own plan and sync that. Nothing was sent.",
            path=str(loaded.book.path) if loaded.book.path is not None else None,
        )


@dataclass
class _Frame:
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


def _prepare(loaded: LoadedPlan, *, today: date | None) -> _Frame:
    """Validate, compute BRAG and key the rows; the workbook side of the merge as text."""
    settings, actions, layout = loaded.settings, loaded.actions, loaded.layout
    keyed = key_plan(loaded)
    state, plan_id, keys, issues = keyed.state, keyed.plan_id, keyed.keys, keyed.issues
    # Rows with an error, a shared key among them, are reported and skipped: never pushed.
    errors = issues[issues["severity"] == "error"] if len(issues) else issues
    bad_rows = set(zip(errors["sheet"], errors["row"])) if len(errors) else set()
    invalid = pd.Series([(s, r) in bad_rows for s, r in zip(actions[SHEET_COL], actions[ROW_COL])], index=actions.index, dtype=bool)

    rated_on = today or settings.today or date.today()
    rag = compute_rag(actions, today=rated_on, rules=settings.rag_rules)
    fields = [f for f in FIELD_NAMES if f in layout.columns and f != "plan"]
    values = normalise_values(actions, fields)
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
    return _Frame(
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
    )


def _owners(actions: pd.DataFrame, settings: Any) -> pd.Series:
    """Who may change each row: its owner sign-ins, else the Settings owners of its lead."""
    written = actions["owner"].map(normalise_value) if "owner" in actions.columns else pd.Series("", index=actions.index)
    lead = actions["lead"] if "lead" in actions.columns else pd.Series(None, index=actions.index, dtype=object)
    # Looked up once per distinct lead (a plan names a few dozen leads over thousands of rows).
    owners_of = {v: "; ".join(settings.owners_for(v)) for v in pd.unique(lead.to_numpy(dtype=object)) if v is not None}
    by_lead = lead.map(lambda v: owners_of.get(v, "") if v is not None else "")
    return written.where(written != "", by_lead).astype(object)


def _read_list(gc: Any, opened: Any, state: SyncState, plan_ids: frozenset[str], listmap: ListMap, *, create: bool):
    """(site id, list id, this plan's rows in the list now, delta link).

    With the ids and a delta link from the last sync, one delta round brings the changes since;
    otherwise the site and list are looked up (the list created if missing) and read whole.
    """
    from plansync.errors import GraphError

    site_id, list_id = state.target.get("site_id"), state.target.get("list_id")
    link = state.target.get("delta_link")
    if site_id and list_id and link:
        try:
            result = gc.delta(site_id, list_id, absolute_link(gc, link), page_size=PAGE_SIZE)
            known = None if result.resynced else state.remote
            return site_id, list_id, _rows(result.items, known, plan_ids, listmap), result.delta_link
        except GraphError as exc:
            if exc.status != 404:
                raise
    site_id, lst = find_list(gc, opened, create=create)
    if lst is None:  # a dry run against a list that does not exist yet: everything is new
        return site_id, "", pd.DataFrame(), None
    # A list this sync has just created is empty: no need to read it (the answer to the create
    # carries no columns, a list read does).
    if "columns" not in lst:
        return site_id, str(lst["id"]), pd.DataFrame(), None
    # A list other plans share: read only this workbook's plans (sync.shared_list).
    items, link = read_plan_items(gc, site_id, str(lst["id"]), plan_ids, listmap.key_column)
    return site_id, str(lst["id"]), _rows(items, None, plan_ids, listmap), link


def _skip_ahead(gc: Any, site_id: str, list_id: str, link: str | None) -> str | None:
    """The change-log link as of now, past this sync's own writes; the old link if the server stays
    busy (the retry budget is spent): the next sync then reads past them itself."""
    from plansync.errors import ThrottledError

    try:
        return gc.delta(site_id, list_id, latest_link(gc, site_id, list_id), page_size=PAGE_SIZE).delta_link
    except ThrottledError:
        return link


def _rows(items: list[dict], known: pd.DataFrame | None, plan_ids: frozenset[str], listmap: ListMap) -> pd.DataFrame:
    """This workbook's list rows (of its plans): ``known`` (last seen) updated with ``items`` (changed or deleted)."""
    gone: set[str] = set()
    changed: dict[str, dict] = {}
    for item in items:
        item_id = str(item.get("id", ""))
        gone.add(item_id)  # deleted, or replaced by its new state below
        if item.get("deleted"):
            continue
        fields = item.get("fields") or {}
        key = str(fields.get(listmap.key_column) or "")
        if key.split(":", 1)[0] not in plan_ids or ":" not in key:
            continue
        who = ((item.get("lastModifiedBy") or {}).get("user") or {}).get("email", "")
        etag = item.get("eTag") or fields.get("@odata.etag") or ""
        changed[key] = {**listmap.from_list(fields), ITEM_ID: item_id, ETAG: etag, MODIFIED_BY: who}
    fresh = pd.DataFrame.from_dict(changed, orient="index", dtype=object) if changed else pd.DataFrame()
    if known is None or known.empty:
        return fresh.fillna("") if len(fresh) else fresh
    keep = known[~known[ITEM_ID].astype(str).isin(gone)]
    out = pd.concat([keep, fresh]) if len(fresh) else keep
    return out.fillna("")


def _next_state(state: SyncState, applied, frame: _Frame, site_id, list_id, where: dict, delta_link: str) -> SyncState:
    """The state to save: the plan's outcome for what was accepted, the old state for what failed."""
    plan = applied.plan
    failed = {f.key for f in applied.failed}
    base, remote = plan.base.copy(), plan.remote.copy()
    # Keys whose write failed keep what they had.
    for key in failed:
        base = base.drop(index=key, errors="ignore")
        remote = remote.drop(index=key, errors="ignore")
        if key in state.base.index:
            base.loc[key] = state.base.loc[key].reindex(base.columns).fillna("")
        if key in state.remote.index:
            remote.loc[key] = state.remote.loc[key].reindex(remote.columns).fillna("")
    # What the list answered for each write: ids and eTags of new and changed items.
    if len(applied.remote):
        got = applied.remote
        deleted = got.index[got.get("_deleted", pd.Series(False, index=got.index)).fillna(False).astype(bool)]
        base = base.drop(index=deleted, errors="ignore")
        remote = remote.drop(index=deleted, errors="ignore")
        live = got.drop(index=deleted)
        for col in (ITEM_ID, ETAG):
            if col in live.columns:
                remote.loc[live.index.intersection(remote.index), col] = live.loc[live.index.intersection(remote.index), col]
    remote = remote[remote[ITEM_ID].astype(str) != ""] if len(remote) and ITEM_ID in remote.columns else remote
    return SyncState(
        base=base.fillna(""),
        remote=remote.fillna(""),
        generated=frame.state.generated,
        sheet_rows=frame.state.sheet_rows,
        target={
            "where": where,
            "site_id": site_id,
            "list_id": list_id,
            "plan_id": frame.plan_id,
            "delta_link": delta_link,
        },
    )


def _write_pulls(book: Workbook, loaded: LoadedPlan, frame: _Frame, plan: SyncPlan) -> None:
    """Write values brought in from the list into their cells (dates as dates), in as few blocks
    as the changed cells allow (one call into Excel per block, not per cell). Each plan sheet
    has its own columns (a plan kept on several sheets need not lay them all out alike)."""
    from validation.fields import FIELD_BY_NAME

    columns_of = {layout.sheet: layout.columns for layout in loaded.sheet_layouts()}
    by_sheet: dict[str, dict[tuple[int, int], Any]] = {}
    for pull in plan.pulls:
        sheet, row = frame.cells[pull.key]
        for name, value in pull.fields.items():
            col = columns_of.get(sheet, frame.layout_columns).get(name)
            if col is not None:
                by_sheet.setdefault(sheet, {})[(row, col)] = _cell_value(value, FIELD_BY_NAME[name].kind)
    for sheet, cells in by_sheet.items():
        write_cells(book, sheet, cells)


def _refresh_computed(book: Workbook, loaded: LoadedPlan, frame: _Frame, plan: SyncPlan) -> None:
    """Keep Due / RAG / Overdue / Days overdue in the workbook in step with what was sent to the list
    (and with values brought in from it), on each plan sheet that shows those columns: one bulk
    write per sheet, only when a value on it changed."""
    shown = sheets_showing_computed(loaded)
    if not shown:
        return
    # Rated again only when values came in (re-read from the sheets in memory: no call into Excel);
    # otherwise the BRAG the sync sent is what the workbook shows.
    if plan.pulls:
        current = load_plan(book)
        rated = rate_plan(current, frame.rated_on)
    else:
        current = loaded
        rated = rate_plan(current, frame.rated_on, computed=frame.rag)
    changed = [b for b in rated.blocks if b.sheet in shown and b.differs_from(current)]
    if changed:
        write_rated(book, replace(rated, blocks=changed))


def _cell_value(text: str, kind: str) -> Any:
    value = as_cell(text, kind)
    # A list value a cell cannot hold goes in as its substitute (sync.cell_values).
    return cell_text(value) if isinstance(value, str) else value


__all__ = sorted(["SyncResult", "sync_workbook"])

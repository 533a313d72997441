"""``sync``: bring a workbook and the central list together (DESIGN §6).

Steps: load the plan; validate it (invalid rows are reported and skipped, never pushed), recompute
BRAG and give every row its key, as the text the merge compares (``plansync.commands.sync_rows``);
read the list (``sync.list_rows``: a delta round since the last sync, or this workbook's plans'
items the first time); plan the three-way merge (``sync.engine``) and send it in batches
(``sync.apply``); then write back (``plansync.commands.sync_writes``) pulled values, the Conflicts
sheet, the sync state, a one-line result on the Issues sheet and the last-sync time in Settings,
and save the workbook once (atomically). A dry run stops after the plan: it reads, but sends no
write and saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from plansync import sync_summary
from plansync.commands.conflict_writers import name_conflict_writers
from plansync.commands.roles import plan_teams, protect_rows, roles_for_sync
from plansync.commands.signoff import check_sign_off, sign_off_signers
from plansync.commands.sync_rows import SyncRows, prepare_rows
from plansync.commands.sync_writes import next_state, write_back
from plansync.errors import NotAPlan
from plansync.list_values import kept_back
from plansync.plan import LoadedPlan, load_plan
from plansync.row_identity import adopt_orphans, keep_before_create, pending_after
from plansync.sync_derived import rerated_with_pulls
from plansync.sync_sheets import read_resolutions
from plansync.state.sync_state import SyncState
from plansync.workbook.base import Progress, Workbook
from sync.apply import Failure, apply_plan
from sync.cell_values import edited_substitutes, keep_true_values
from sync.engine import SyncPlan, plan_sync
from sync.list_rows import PAGE_SIZE, read_rows, skip_ahead
from sync.target import connected, relative_link
from sync.values import ListMap
from workbook_templates.consolidated import REPORTING_KEY

# Over this many writes (one delta page), the next incremental read would have to page through our
# own writes; the change log is then restarted at "now" right after sending (see docs/sync.md).
_SKIP_AHEAD_WRITES = PAGE_SIZE


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
    rows = prepare_rows(loaded, today=today)

    with connected(
        settings, client=client, as_email=as_email, site=site, list_name=list_name, graph_url=graph_url, manage_lists=True
    ) as (gc, opened, where):
        run = _SyncRun(book, rows, settings, gc, opened, where, delete_removed=delete_removed)
        run.read(create=not dry_run, progress=progress)
        protecting = item_permissions if item_permissions is not None else not opened.local
        plan = run.plan(protecting=protecting and not dry_run)
        result = SyncResult(plan, dry_run=dry_run, issues=rows.issues, user=run.user, actions=rows.count,
                            sign_off_refused=run.signed.refused)
        if dry_run:
            result.requests = gc.requests
            return result
        new_state = run.send(result, progress)
        if protecting and (run.support or "@" not in run.user):  # SharePoint lets only full control set permissions
            reowned = {u.key for u in result.plan.updates if "owner" in u.fields}
            result.unprotected = protect_rows(gc, opened, new_state.remote, reowned)

    _report(progress, "Saving the workbook", 0.95)
    write_back(book, loaded, rows, result, new_state, run.signed.stamped, now)
    _report(progress, result.summary, 1.0)
    return result


class _SyncRun:
    """One sync against one list: read it, plan the three-way merge (with the support role only
    when a row needs more than ownership), and send the plan."""

    def __init__(self, book: Workbook, rows: SyncRows, settings: Any, gc: Any, opened: Any, where: dict, *, delete_removed: bool) -> None:
        self.book, self.rows, self.settings = book, rows, settings
        self.gc, self.opened, self.where = gc, opened, where
        self.delete_removed = delete_removed
        self.state = rows.state
        if self.state.target.get("where") != where:
            self.state = SyncState(generated=rows.state.generated)  # another list: start afresh there
        self.listmap = ListMap(dues=rows.dues)
        self.user = (getattr(gc, "user", "") or "").lower()
        # The support role comes from the site's groups, never from Settings (which anyone can edit),
        # and is read only when a row needs more than ownership (roles below).
        self.support = False
        self._roles: list[Any] = []

    def roles(self) -> Any:
        if not self._roles:
            self._roles.append(roles_for_sync(self.gc, self.opened))
        return self._roles[0]

    def read(self, *, create: bool, progress: Progress | None) -> None:
        """The list's side of the merge, and what the workbook says beyond its values."""
        rows, state = self.rows, self.state
        # A cell still showing the substitute of a list value it cannot hold is not a change.
        self.blocked = edited_substitutes(rows.workbook, state.base, rows.fields)
        rows.workbook = keep_true_values(rows.workbook, state.base, rows.fields)
        _report(progress, "Reading the list", 0.05)
        self.listed = read_rows(self.gc, self.opened, state.target, state.remote, rows.plan_ids, self.listmap, create=create)
        adopt_orphans(state, self.listed.rows, rows.workbook.index, rows.skip)  # a killed sync's items no row claims: withdrawn
        self.resolutions = read_resolutions(self.book, rows.workbook)
        self.teams = plan_teams(self.listed.rows)
        # Issue 16: only a sign-off-capable person may set or undo Signed off (refused at the cell).
        self.signed = check_sign_off(rows, state.base, self.listed.rows, user=self.user,
                                     signers=lambda: sign_off_signers(self.roles()), today=rows.rated_on)

    def plan(self, *, protecting: bool) -> SyncPlan:
        """The merge against the list as read; planned again with the support role when the user
        holds it and a row needs it (a refusal, or permissions to set)."""
        plan = self._rated(self.listed.rows)
        if (plan.refused or self.signed.refused or protecting) and self.roles().full(self.user):
            self.support = True
            plan = self._rated(self.listed.rows)
        plan.refused += self.signed.refused
        plan.refused.extend(kept_back(self.blocked))  # edits of a cut or cleaned value: never sent, listed
        name_conflict_writers(self.gc, self.listed.site_id, self.listed.list_id, plan)  # who wrote the list's value, from its versions
        return plan

    def _replan(self, fresh: pd.DataFrame, keys: list[str] | None = None) -> SyncPlan:
        rows, base = self.rows, self.state.base
        wanted = rows.workbook.index if keys is None else pd.Index(keys)
        return plan_sync(
            rows.workbook.loc[rows.workbook.index.intersection(wanted)],
            base.loc[base.index.intersection(wanted)] if keys is not None else base,
            fresh,
            fields=rows.fields,
            derived=rows.derived,
            owners=rows.owners,
            user=self.user,
            support=self.support,
            delete_removed=self.delete_removed,
            skip=rows.skip,
            skipped_invalid=rows.skipped,
            resolutions=self.resolutions,
            teams=self.teams,
        )

    def _rated(self, fresh: pd.DataFrame, keys: list[str] | None = None) -> SyncPlan:
        planned = self._replan(fresh, keys)
        if planned.pulls:  # BRAG of rows taking values from the list: rated on those values before anything is sent
            rows = self.rows
            rows.workbook = rerated_with_pulls(rows.workbook, rows.by_key, planned.pulls, today=rows.rated_on, rules=self.settings.rag_rules)
            planned = self._replan(fresh, keys)
        return planned

    def send(self, result: SyncResult, progress: Progress | None) -> SyncState:
        """Send ``result.plan`` (recording what the list accepted in ``result``); the state to keep."""
        rows, gc, site_id, list_id = self.rows, self.gc, self.listed.site_id, self.listed.list_id
        # Generated keys of rows about to be created are saved first: a run killed after some
        # creates is finished by the next, never duplicated (plansync.row_identity).
        keep_before_create(self.book, self.state, rows.state.generated, [c.key for c in result.plan.creates], rows.plan_id, self.where)
        _report(progress, "Sending changes", 0.2)
        applied = apply_plan(
            gc, site_id, list_id, result.plan, listmap=self.listmap,
            replan=lambda fresh: self._rated(fresh, list(fresh.index)),
            progress=(lambda msg, f: _report(progress, msg, 0.2 + 0.7 * f)) if progress else None,
        )
        result.plan, result.failed = applied.plan, applied.failed
        result.plan.refused += [r for r in self.signed.refused if r not in result.plan.refused]
        name_conflict_writers(gc, site_id, list_id, result.plan)
        from plansync.commands.refresh import keep_plan_rules  # what `plansync refresh` rates these plans by (docs/refresh.md)

        keep_plan_rules(gc, site_id, rows.plan_ids, self.settings.rag_rules, self.where)
        link = self.listed.delta_link
        if applied.plan.writes > _SKIP_AHEAD_WRITES or link is None:
            link = skip_ahead(gc, site_id, list_id, link)
        state = next_state(self.state, applied, rows, site_id, list_id, self.where, relative_link(gc, link))
        state.target.update(pending_after(rows.state.generated, [f.key for f in applied.failed]))
        result.requests = gc.requests
        return state


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


__all__ = sorted(["SyncResult", "sync_workbook"])

"""``pull``: every plan's actions from the central list into one reporting workbook, with a board summary.

Steps: open the reporting workbook (created from ``workbook_templates.consolidated`` when the
file does not exist), read the list (``sync.consolidated``: whole the first time, only the changes
since the last pull afterwards), rate every action again as at ``today`` (the list holds BRAG as
of each plan's last sync; a board report must be as of today), rewrite the Consolidated sheet and
the Summary sheet (per plan, totals, overdue actions, a chart of BRAG by plan), keep what was read
in the hidden sheets for the next pull, and save once, atomically.

Withdrawn items (rows removed from their plan's workbook, DESIGN §6) are left out of the
Consolidated sheet and of every count; the Summary says how many were left out.

    >>> result = pull_consolidated("board.xlsx", today=date(2026, 11, 25))   # doctest: +SKIP
    >>> result.line                                                          # doctest: +SKIP
    'Pulled 64 actions from 2 plans: 5 overdue (see Summary)'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from plansync.errors import SettingsError, WorkbookError
from plansync.history_sheet import fill_histories, history_rows
from plansync.state.pull_state import PullState, load_pull_state, save_pull_state
from plansync.workbook.base import Progress, Workbook
from plansync.list_values import write_report_issues
from sync.cell_values import cell_rows
from sync.consolidated import KEY, MODIFIED_AT, MODIFIED_BY, ListRead, read_reporting_list
from sync.engine import WITHDRAWN
from sync.target import connected, relative_link
from validation.fields import FIELD_NAMES, RAG_VALUES, ROW_COL, SHEET_COL
from validation.rag import compute_rag
from validation.settings import Settings, read_settings
from validation.sheet_names import CONSOLIDATED_SHEET, HISTORY_SHEET, SETTINGS_SHEET, SUMMARY_SHEET
from validation.summary import BoardSummary, board_summary, plans_summary
from plansync.pull_sheets import install_formatting, summary_rows, write_consolidated
from workbook_templates.consolidated import COLUMN_OF

# Marks of a team's plan workbook: a tracker made by ``plansync new``, an adopted layout.
_PLAN_META = ("template", "layout")


@dataclass
class PullResult:
    """What one pull read and wrote.

    Attributes:
        summary: the board summary over every plan.
        plans: one row per plan (``validation.summary.plans_summary``).
        today: the date BRAG and overdue days are computed for.
        requests: HTTP requests sent to the list.
        withdrawn: withdrawn items left out.
        full: the whole list was read (else only the changes since the last pull).
        changed: items changed or deleted since the last pull (incremental pulls).
        path: the reporting workbook.
    """

    summary: BoardSummary
    plans: pd.DataFrame
    today: date
    requests: int
    withdrawn: int = 0
    full: bool = True
    changed: int = 0
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``plansync pull --json`` shape."""
        return {
            "plans": len(self.plans),
            "actions": self.summary.actions,
            "by_rag": dict(self.summary.by_rag),
            "by_plan": [
                {"plan": plan, "actions": int(row["actions"]), **{v: int(row[v]) for v in RAG_VALUES}, "overdue": int(row["overdue"])}
                for plan, row in self.plans.iterrows()
            ],
            "overdue": [
                {"plan": o["_plan"], "ref": o["ref"], "lead": o["lead"], "days_overdue": o["days_overdue"]}
                for o in self.summary.overdue
            ],
            "requests": self.requests,
        }

    @property
    def line(self) -> str:
        """One line in words: 'Pulled 64 actions from 2 plans: 5 overdue (see Summary)'."""
        late = len(self.summary.overdue)
        return (
            f"Pulled {_n(self.summary.actions, 'action')} from {_n(len(self.plans), 'plan')}: "
            f"{late if late else 'none'} overdue (see Summary)"
        )


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _report(progress: Progress | None, message: str, done: float) -> None:
    if progress is not None:
        progress(message, done)


def pull_consolidated(
    book_or_path: Workbook | str | Path,
    *,
    site: str | None = None,
    list_name: str | None = None,
    graph_url: str | None = None,
    as_email: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    client: Any = None,
) -> PullResult:
    """Pull every plan's actions from the central list into the reporting workbook and summarise them.

    Args:
        book_or_path: an open workbook (the add-in's), or the path of the reporting workbook
            (created when missing).
        site, list_name, graph_url: where the list is (else the reporting workbook's Settings
            sheet, else the embedded local list server).
        as_email: sign in as this development identity (local list server only).
        today: the date to rate against (else Settings' "Today (override)", else today).
        client: a ready ``GraphClient`` (tests, scripts); its server is used as is.

    Raises:
        WorkbookError: the file is a team's plan, not an .xlsx name, in a missing folder;
            WorkbookLocked when it cannot be saved (checked before anything is read).
        SettingsError: a Settings value cannot be used.
        SyncError: the list is missing or could not be read (the workbook is not changed).
    """
    book = _open(book_or_path)
    _report(progress, "Reading settings", 0.02)
    settings = _settings(book)
    when = today or settings.today or date.today()
    state = load_pull_state(book)
    with connected(settings, client=client, as_email=as_email, site=site, list_name=list_name, graph_url=graph_url) as (gc, opened, where):
        _report(progress, "Reading the list", 0.1)
        same = state.target.get("where") == where
        site_id, list_id, read = read_reporting_list(gc, opened, state.target if same else {}, state.items if same else None)
        fill_histories(gc, site_id, list_id, read.items)  # History sheet: versions of the changed items only
        requests = gc.requests
        source = opened.describe() if client is None else f"list {opened.list_name!r} at {gc.base_url}"

    _report(progress, "Rating actions", 0.6)
    actions, withdrawn = _live_actions(read)
    rated = compute_rag(actions, today=when, rules=settings.rag_rules)
    summary, plans = board_summary(actions, rated), plans_summary(actions, rated)

    _report(progress, "Writing the workbook", 0.8)
    sheet = summary_rows(summary, plans, today=when, source=source, withdrawn=withdrawn)
    _write_sheets(book, state, read, actions, rated, sheet, plans=len(plans))
    target = {"where": where, "site_id": site_id, "list_id": list_id, "delta_link": relative_link(gc, read.delta_link)}
    save_pull_state(book, PullState(target={**target, "rows": len(actions)}, items=read.items))
    result = PullResult(summary=summary, plans=plans, today=when, requests=requests, withdrawn=withdrawn,
                        full=read.full, changed=read.changed, path=getattr(book, "path", None))
    book.status(result.line)
    _report(progress, "Saving the workbook", 0.95)
    book.save()
    _report(progress, result.line, 1.0)
    return result


def _live_actions(read: ListRead) -> tuple[pd.DataFrame, int]:
    """(the actions frame of the items not withdrawn, how many were withdrawn)."""
    records = [read.items[item_id] for item_id in sorted(read.items, key=_number_first)]
    live = [r for r in records if r.get(WITHDRAWN) != "yes"]
    return _actions(live), len(records) - len(live)


def _write_sheets(
    book: Workbook, state: PullState, read: ListRead, actions: pd.DataFrame, rated: pd.DataFrame, summary: list[list[Any]], *, plans: int
) -> None:
    """The Consolidated, Summary, History and Issues sheets and their formatting."""
    previous_rows = int(state.target.get("rows") or 0)
    # Rows of an earlier pull keep their formats; a sheet the person deleted comes back bare.
    formatted = previous_rows if CONSOLIDATED_SHEET in book.sheet_names() else 0
    write_consolidated(book, actions, rated, previous_rows)
    book.replace_sheet(SUMMARY_SHEET, cell_rows(summary))
    book.replace_sheet(HISTORY_SHEET, cell_rows(history_rows(read.items)))
    # List values a cell cannot hold are shown as substitutes (sync.cell_values) and flagged here.
    write_report_issues(book, actions, sheet=CONSOLIDATED_SHEET, columns=COLUMN_OF)
    install_formatting(book, rows=len(actions), formatted=formatted, plans=plans)


def _open(book_or_path: Workbook | str | Path) -> Workbook:
    """The workbook to write; a new reporting workbook when the path does not exist yet."""
    from plansync.commands.new import check_new_path
    from plansync.workbook.atomic import check_writable
    from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
    from workbook_templates.consolidated import build_reporting_workbook

    if not isinstance(book_or_path, (str, Path)):
        book = book_or_path
    else:
        path = Path(book_or_path)
        if path.exists():
            from plansync.workbook.package_book import PackageWorkbook

            book = PackageWorkbook.open(path, write=True)
        else:
            check_new_path(path, example="consolidated")
            check_writable(path)
            return OpenpyxlWorkbook(build_reporting_workbook(), path, write=True)
    plan = _plan_kind(book)
    if plan is not None:
        where = book.path.name if getattr(book, "path", None) is not None else "This workbook"
        raise WorkbookError(
            f"{where} holds a team's plan ({plan}), so plansync did not pull into it. "
            "Pull into a reporting workbook of its own, e.g. plansync pull consolidated.xlsx. Nothing was changed.",
            path=str(book.path) if getattr(book, "path", None) is not None else None,
        )
    return book


def _plan_kind(book: Workbook) -> str | None:
    """Why this workbook is a team's plan (a pull would replace its Summary sheet), or None."""
    from plansync.state.bookkeeping import LEGACY_ROWS_SHEET, load_meta
    from plansync.state.sync_state import META_KEY as SYNC_KEY

    meta = load_meta(book)
    if SYNC_KEY in meta or LEGACY_ROWS_SHEET in book.sheet_names():
        return "it is synced with the list"
    if any(key in meta for key in _PLAN_META):
        return "a plansync tracker or adopted workbook"
    return None


def _settings(book: Workbook) -> Settings:
    grid = book.read_sheet(SETTINGS_SHEET) if SETTINGS_SHEET in book.sheet_names() else None
    settings, problems = read_settings(grid)
    if problems:
        raise SettingsError(str(problems[0]) + " Then pull again.", setting=problems[0].setting)
    return settings


def _actions(records: list[dict[str, str]]) -> pd.DataFrame:
    """The actions frame of the Consolidated sheet: plan by plan, each in the order its items were made."""
    frame = pd.DataFrame.from_records(records, columns=[KEY, MODIFIED_BY, MODIFIED_AT, *FIELD_NAMES]) if records else pd.DataFrame(
        columns=[KEY, MODIFIED_BY, MODIFIED_AT, *FIELD_NAMES]
    )
    frame = frame.astype(object).fillna("")
    # An item without a plan name still belongs to the plan its key starts with.
    frame["plan"] = frame["plan"].where(frame["plan"] != "", frame[KEY].str.split(":").str[0])
    first_seen = {plan: n for n, plan in enumerate(dict.fromkeys(frame["plan"]))}
    frame = frame.assign(_order=frame["plan"].map(first_seen)).sort_values(["_order"], kind="stable").drop(columns="_order")
    frame = frame.reset_index(drop=True)
    frame = frame.where(frame != "", None)
    frame[SHEET_COL] = CONSOLIDATED_SHEET
    frame[ROW_COL] = range(2, len(frame) + 2)
    return frame


def _number_first(item_id: str) -> tuple[int, str]:
    # SharePoint item ids are numeric strings, given in the order the items were made.
    return (int(item_id), "") if item_id.isdigit() else (1 << 62, item_id)


__all__ = sorted(["PullResult", "pull_consolidated", "summary_rows"])  # summary_rows: from plansync.pull_sheets

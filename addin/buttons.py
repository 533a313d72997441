"""One function per ribbon button: get the workbook, call the command, report in one line.

The VBA callbacks in ``addin/vba/PlansyncRibbon.bas`` run these through xlwings' RunPython, e.g.
``RunPython "import addin.buttons; addin.buttons.validate()"``. Each function:

1. wraps the calling workbook (``xw.Book.caller()``) in ``XlwingsWorkbook`` with screen
   updating off;
2. calls the same command the CLI runs (``plansync.commands``, ``sync.auth``), never its own
   copy of validation, RAG or sync;
3. ends with a one-line result on Excel's status bar, in the command's own words ("Validated:
   3 errors, 0 warnings in 214 actions; the list is on the Issues sheet.") and, when there are
   problems, selects the first bad cell;
4. turns a ``PlansyncError`` (or a Settings value it cannot use) into that line plus a plain
   message box, and any other failure into a plain message box plus the details in a log file
   the support officer can read (``log_path()``), never a Python traceback on screen. This is
   the one place where xlwings'/Excel's own exceptions end up.

Every function takes an optional ``book`` so tests (and xlwings Server) can pass one in.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import xlwings as xw

from addin.xlwings_book import XlwingsWorkbook
from plansync.errors import AuthError, LayoutNotFound, PlansyncError
from validation.grid import column_index
from validation.settings import SettingsProblem
from validation.sheet_names import CONFLICTS_SHEET, SETTINGS_SHEET, SUMMARY_SHEET

TITLE = "plansync"


@dataclass(frozen=True)
class Outcome:
    """What a click ends with: the status-bar line and, optionally, the cell to select."""

    message: str
    select: tuple[str, int, int] | None = None


def log_path(environ: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """Where the add-in writes details of unexpected failures: ``$PLANSYNC_HOME/logs/addin.log``,
    else the per-user data folder (e.g. ``%LOCALAPPDATA%\\plansync\\logs\\addin.log``)."""
    env = os.environ if environ is None else environ
    home = env.get("PLANSYNC_HOME")
    if home:
        return Path(home) / "logs" / "addin.log"
    import platformdirs

    return Path(platformdirs.user_data_dir("plansync", appauthor=False)) / "logs" / "addin.log"


def _progress(wb: XlwingsWorkbook) -> Callable[[str, float], None]:
    return wb.progress


def _alert(book: xw.Book, message: str, mode: str = "info") -> None:
    try:
        book.app.alert(message, title=TITLE, mode=mode)
    except Exception:  # noqa: BLE001 - a message box that cannot open must not hide the result
        pass


def _log_failure(button: str, book: xw.Book, exc: BaseException) -> Path:
    try:
        return _write_log(log_path(), button, book, exc)
    except OSError:
        # The data folder is not writable (roaming profile, policy): the temp folder always is.
        import tempfile

        return _write_log(Path(tempfile.gettempdir()) / "plansync-addin.log", button, book, exc)


def _write_log(path: Path, button: str, book: xw.Book, exc: BaseException) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("plansync.addin")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    try:
        name = getattr(book, "fullname", "?")
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        logger.error("button %s failed on %s\n%s", button, name, details)
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path


def _with_hint(exc: Exception, hint: str) -> str:
    # The commands' messages name the CLI command that fixes things; add the button that does.
    text = str(exc).rstrip()
    return f"{text}{'' if text.endswith(('.', '!', '?')) else '.'} {hint}"


def run_button(button: str, action: Callable[[XlwingsWorkbook], Outcome], book: xw.Book | None = None) -> Outcome:
    """Run one click of ``button`` on ``book`` (default: the workbook that called RunPython)."""
    book = book if book is not None else xw.Book.caller()
    mode = "info"
    select: tuple[str, int, int] | None = None
    try:
        with XlwingsWorkbook.session(book) as wb:
            wb.status(f"plansync: {button}…")
            outcome = action(wb)
            if outcome.select is not None:
                wb.select(*outcome.select)
            wb.status(outcome.message)
        return outcome
    except LayoutNotFound as exc:
        message = _with_hint(exc, "In Excel: click 'Adopt this workbook' on the plansync tab.")
    except AuthError as exc:
        message = _with_hint(exc, "In Excel: click 'Sign in' on the plansync tab.")
    except PlansyncError as exc:
        message = str(exc)
    except SettingsProblem as exc:
        message, select = str(exc), (SETTINGS_SHEET, exc.row, exc.col)
    except Exception as exc:  # noqa: BLE001 - the one place every unexpected failure ends up
        path = _log_failure(button, book, exc)
        message = (
            f"plansync could not finish '{button}' because of an unexpected problem, and did not save your workbook. "
            f"The details are in {path}: send that file to your support officer."
        )
        mode = "critical"
    outcome = Outcome(message, select)
    try:
        wb = XlwingsWorkbook(book)
        if select is not None:
            wb.select(*select)
        wb.status(message)
    except Exception:  # noqa: BLE001 - Excel busy or closed: the message box still says it
        pass
    _alert(book, message, mode)
    return outcome


# --- the buttons ----------------------------------------------------------------------------


_CELL = re.compile(r"^(?:'?(?P<sheet>.+?)'?!)?\$?(?P<col>[A-Za-z]{1,3})\$?(?P<row>\d+)$")


def _first_bad_cell(issues: pd.DataFrame) -> tuple[str, int, int] | None:
    """(sheet, row, col) of the first issue (errors come first), from its cell address."""
    for issue in issues.to_dict("records"):
        match = _CELL.match(str(issue.get("cell") or ""))
        if match:
            return (match["sheet"] or str(issue["sheet"]), int(match["row"]), column_index(match["col"]))
    return None


def _validate(wb: XlwingsWorkbook) -> Outcome:
    from plansync.commands.validate import summary_line, validate_workbook

    result = validate_workbook(wb, progress=_progress(wb))
    # The command has listed the problems on the Issues sheet; take the person to the first one.
    return Outcome(f"Validated: {summary_line(result.rows, result.issues)}", _first_bad_cell(result.issues))


def _refresh_rag(wb: XlwingsWorkbook) -> Outcome:
    from plansync.commands.rag import refresh_rag, summary_line

    result = refresh_rag(wb, progress=_progress(wb))
    n = len(result.actions)
    return Outcome(f"RAG refreshed for {n} {'action' if n == 1 else 'actions'}: {summary_line(result)}")


def _summary(wb: XlwingsWorkbook) -> Outcome:
    from plansync.commands.report import report_workbook

    report_workbook(wb, progress=_progress(wb))  # draws its chart through the seam, as in a file
    # The command's own line: "Summary: 64 actions, 9 complete, 17 overdue (as at 31/07/2022)."
    return Outcome(wb.last_status or "Wrote the Summary sheet.", (SUMMARY_SHEET, 1, 1))


def _sync(wb: XlwingsWorkbook) -> Outcome:
    from plansync.commands.sync import sync_workbook

    # as_email=None: the person signed in with the Sign in button is who the list records.
    result = sync_workbook(wb, progress=_progress(wb))
    if result.plan.conflicts and CONFLICTS_SHEET in wb.sheet_names():
        return Outcome(result.summary, (CONFLICTS_SHEET, 1, 1))
    # Rows skipped as invalid: take the person to the first bad cell, as Validate does.
    errors = result.issues[result.issues["severity"] == "error"] if len(result.issues) else result.issues
    return Outcome(result.summary, _first_bad_cell(errors) if len(errors) else None)


def _pull(wb: XlwingsWorkbook) -> Outcome:
    from plansync.commands.pull import pull_consolidated

    # Into the reporting workbook in front (the command refuses a team's own plan); the command
    # sizes the table and draws the chart through the seam, as in a file.
    result = pull_consolidated(wb, progress=_progress(wb))
    return Outcome(result.line, (SUMMARY_SHEET, 1, 1) if SUMMARY_SHEET in wb.sheet_names() else None)


def _settings(wb: XlwingsWorkbook) -> Outcome:
    if SETTINGS_SHEET not in wb.sheet_names():
        return Outcome(
            "This workbook has no Settings sheet yet. Click 'Adopt this workbook' on the plansync tab to add one."
        )
    grid = wb.read_sheet(SETTINGS_SHEET)
    # The first value sits under the "Setting | Value" heading (row 5 in the template).
    heading = next((r for r in range(grid.origin[0], grid.max_row + 1) if grid.cell(r, 1) == "Setting"), 0)
    return Outcome(
        "Settings: change the values in column B (plan name, amber days, SharePoint list), then click Validate.",
        (SETTINGS_SHEET, heading + 1, 2),
    )


def _sign_in(wb: XlwingsWorkbook) -> Outcome:
    from sync.auth import login
    from sync.target import open_target, resolve_target
    from validation.settings import Settings

    grid = wb.read_sheet(SETTINGS_SHEET) if SETTINGS_SHEET in wb.sheet_names() else None
    target = resolve_target(Settings.from_grid(grid))

    def show(message: str) -> None:
        # The device code: on the status bar, and in a message box the person reads and closes
        # before going to the web page (sign-in then completes in the browser).
        wb.status(message)
        _alert(wb.book, message)

    with open_target(target) as opened:
        signed = login(opened, echo=show)
    return Outcome(f"Signed in as {signed.user} to {signed.where}. Sync will record your name on every change.")


def _adopt(wb: XlwingsWorkbook) -> Outcome:
    from plansync.commands.adopt import adopt_workbook

    result = adopt_workbook(wb, progress=_progress(wb))  # colours the computed columns through the seam
    line = wb.last_status or f"Adopted {result.layout.sheet}: {result.actions} actions."
    layout = result.layout
    if result.unplaced:
        n = len(result.unplaced)
        line += f" {n} {'row' if n == 1 else 'rows'} could not be placed: run Validate to see where."
    return Outcome(f"{line} Click Refresh RAG to rate the actions.", (layout.sheet, min(layout.header_rows), layout.computed_col))


def validate(book: xw.Book | None = None) -> Outcome:
    """Validate: check every action, list problems on the Issues sheet, select the first."""
    return run_button("Validate", _validate, book)


def refresh_rag(book: xw.Book | None = None) -> Outcome:
    """Refresh RAG: write Due, RAG, Overdue and Days overdue for every action."""
    return run_button("Refresh RAG", _refresh_rag, book)


def summary(book: xw.Book | None = None) -> Outcome:
    """Summary: write the board summary sheet."""
    return run_button("Summary", _summary, book)


def sync(book: xw.Book | None = None) -> Outcome:
    """Sync: send this plan's changes to the SharePoint list and bring in others'."""
    return run_button("Sync", _sync, book)


def pull(book: xw.Book | None = None) -> Outcome:
    """Pull consolidated: every plan's actions from the list into this reporting workbook."""
    return run_button("Pull consolidated", _pull, book)


def settings(book: xw.Book | None = None) -> Outcome:
    """Settings: show the Settings sheet."""
    return run_button("Settings", _settings, book)


def sign_in(book: xw.Book | None = None) -> Outcome:
    """Sign in: sign in to SharePoint for Sync, with the person's own account."""
    return run_button("Sign in", _sign_in, book)


def adopt(book: xw.Book | None = None) -> Outcome:
    """Adopt this workbook: find the plan's table and add plansync's sheets."""
    return run_button("Adopt this workbook", _adopt, book)


__all__ = sorted(
    ["Outcome", "adopt", "log_path", "pull", "refresh_rag", "run_button", "settings", "sign_in", "summary", "sync", "validate"]
)

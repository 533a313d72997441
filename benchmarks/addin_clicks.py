"""Benchmark: one ribbon click (Validate, Refresh RAG, Sync, Pull) on plans of growing size, through xlwings.

Run: ``python benchmarks/addin_clicks.py [ROWS ...]`` (default 64 1000 5000). For each size it
prints the best-of-3 time of a click through ``addin.buttons`` on a workbook served by xlwings'
remote engine (tests/addin_remote_excel.py: real xlwings code, no Excel), the bulk reads and
writes the click sent to "Excel", and, as the baseline measured in the same run, the same command
on the same plan through the .xlsx adapter (``OpenpyxlWorkbook``, saving switched off), with the
ratio of the two. In real Excel each bulk call adds a round trip (tens of milliseconds over COM),
which is why the number of calls must stay constant.

Sync and Pull run against the embedded local list server (started by the click, in a temporary
``PLANSYNC_HOME``): "Sync (first)" sends every action once (a single run), "Sync (again)" and
"Pull (again)" find nothing new (best of 3); "Sync (pulls)" brings in the Progress that someone
changed in the list on every other action (scattered cells: a single run each side).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

# Run as a script, Python puts benchmarks/ first on the path, where benchmarks/sync.py would
# shadow the sync package that the commands import.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import openpyxl  # noqa: E402
from addin_remote_excel import RemoteExcel  # noqa: E402

import addin.buttons as buttons  # noqa: E402
from plansync.commands.new import new_workbook  # noqa: E402
from plansync.commands.pull import pull_consolidated  # noqa: E402
from plansync.commands.sync import sync_workbook  # noqa: E402
from plansync.commands.rag import refresh_rag  # noqa: E402
from plansync.commands.validate import validate_workbook  # noqa: E402
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook  # noqa: E402


class _Unsaved(OpenpyxlWorkbook):
    def save(self) -> None:  # the baseline times the command, not the disk
        pass


def plan(folder: Path, rows: int) -> Path:
    path = folder / f"plan_{rows}.xlsx"
    new_workbook(path, demo=True, today=date(2022, 7, 31), force=True)
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B7"] = datetime(2022, 7, 31)
    ws = wb["Actions"]
    template = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=ws.max_row)]
    ws.delete_rows(2, ws.max_row)
    for i in range(rows):
        line = list(template[i % len(template)])
        line[2] = f"{i // 10 + 1}.{i % 10 + 1}"
        ws.append(line)
    wb.save(path)
    return path


def best(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _line(label: str, rows: int, clicked: float, excel: RemoteExcel, baseline: float) -> None:
    calls = f"{excel.reads}+{excel.writes}"
    print(f"{label:<13} {rows:>7} {clicked:>13.3f}s {calls:>12} {baseline:>13.3f}s {clicked / baseline:>6.2f}")


def _sign_in(home: Path) -> None:
    from sync.auth import login
    from sync.target import open_target, resolve_target
    from validation.settings import Settings

    os.environ["PLANSYNC_HOME"] = str(home)
    os.environ["PLANSYNC_TOKEN_CACHE"] = str(home / "tokens.bin")
    with open_target(resolve_target(Settings.from_grid(None))) as target:
        login(target, as_email="business.support@york.example", echo=lambda message: None)


def _edit_every_other_item(progress: str) -> None:
    """The Progress of every other action changed in the list, as managers do on SharePoint."""
    from sync.target import connected, find_list
    from validation.settings import Settings

    with connected(Settings.from_grid(None)) as (gc, opened, _):
        site_id, found = find_list(gc, opened, create=False)
        for item in list(gc.iter_items(site_id, found["id"]))[::2]:
            gc.update_fields(site_id, found["id"], item["id"], {"Progress": progress})


def _sync_and_pull(folder: Path, path: Path, rows: int) -> None:
    from workbook_templates.consolidated import build_reporting_workbook

    excel = RemoteExcel.from_xlsx(path)
    start = time.perf_counter()
    excel.click(buttons.sync)
    first = time.perf_counter() - start
    synced = folder / f"synced_{rows}.xlsx"
    shutil.copy(path, synced)
    start = time.perf_counter()
    sync_workbook(OpenpyxlWorkbook.open(synced, write=True))
    _line("Sync (first)", rows, first, excel, time.perf_counter() - start)
    again = best(lambda: excel.click(buttons.sync))
    _line("Sync (again)", rows, again, excel, best(lambda: sync_workbook(_Unsaved.open(synced))))

    _edit_every_other_item("Reviewed at the board")
    start = time.perf_counter()
    excel.click(buttons.sync)
    pulls = time.perf_counter() - start
    start = time.perf_counter()
    sync_workbook(_Unsaved.open(synced))
    _line("Sync (pulls)", rows, pulls, excel, time.perf_counter() - start)

    board = folder / f"board_{rows}.xlsx"
    build_reporting_workbook().save(board)
    reporting = RemoteExcel.from_xlsx(board)
    reporting.click(buttons.pull)
    pulled = best(lambda: reporting.click(buttons.pull))
    file_board = folder / f"file_board_{rows}.xlsx"
    pull_consolidated(file_board)
    _line("Pull (again)", rows, pulled, reporting, best(lambda: pull_consolidated(_Unsaved.open(file_board))))


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'button':<13} {'actions':>7} {'xlwings click':>14} {'calls (r+w)':>12} {'xlsx baseline':>14} {'ratio':>6}")
        for rows in sizes:
            path = plan(folder, rows)
            for label, button, command in (("Validate", buttons.validate, validate_workbook), ("Refresh RAG", buttons.refresh_rag, refresh_rag)):
                excel = RemoteExcel.from_xlsx(path)
                clicked = best(lambda: excel.click(button))
                file_book = _Unsaved.open(path)
                _line(label, rows, clicked, excel, best(lambda: command(file_book)))
            # A list of its own per size: every plan here has the same refs.
            _sign_in(folder / f"home_{rows}")
            _sync_and_pull(folder, path, rows)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [64, 1000, 5000])

"""``report``, ``rag`` and ``validate`` on a reporting workbook made by ``pull`` (issue 19).

They used to treat it as one team's plan: its board Summary was overwritten with one plan's title
and numbers, and a second set of RAG columns was added. Now each refuses in one line saying to run
``plansync pull`` instead, with exit code 2, and the file is left byte for byte as it was.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from plansync.cli import main
from plansync.commands.pull import pull_consolidated
from plansync.commands.rag import refresh_rag
from plansync.commands.report import report_workbook
from plansync.commands.sync import sync_workbook
from plansync.commands.validate import validate_workbook
from plansync.errors import NotAPlan
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sync.local_server import serve_in_thread
from synced_plans import ANN, HEADER, client

TODAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def board(tmp_path_factory) -> Path:
    """A reporting workbook pulled from a list holding two plans."""
    folder = tmp_path_factory.mktemp("guard")
    with serve_in_thread(folder / "server") as server:
        for plan in ("York 2022", "Leeds 2023"):
            path = folder / f"{plan}.xlsx"
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "Actions"
            ws.append(HEADER)
            ws.append(["1.1", "Action 1.1", "Lead", ANN, "July 2026", "On track", "Started"])
            wb.create_sheet("Settings").append(["Plan name", plan])
            wb.save(path)
            with client(server) as gc:
                sync_workbook(OpenpyxlWorkbook.open(path, write=True), client=gc, list_name="guard", today=TODAY)
        with client(server) as gc:
            pull_consolidated(folder / "board.xlsx", client=gc, list_name="guard", today=TODAY)
    return folder / "board.xlsx"


@pytest.mark.parametrize("command", ["report", "rag", "validate"])
def test_a_plan_command_refuses_a_reporting_workbook_in_one_line_and_leaves_it_unchanged(board, command):
    before = board.read_bytes()
    result = CliRunner().invoke(main, [command, str(board)])
    assert 2 == result.exit_code
    assert [
        f"Error: board.xlsx is a reporting workbook made by plansync pull, not a team's plan, so plansync {command} "
        "left it unchanged; to bring its Summary and RAG up to date run: plansync pull board.xlsx"
    ] == result.stderr.splitlines()
    assert before == board.read_bytes()


@pytest.mark.parametrize("run", [refresh_rag, report_workbook, validate_workbook])
def test_the_excel_buttons_functions_refuse_it_before_writing_any_cell(board, run):
    book = OpenpyxlWorkbook.open(board, write=True)
    summary = [list(r) for r in book.wb["Summary"].iter_rows(values_only=True)]
    with pytest.raises(NotAPlan):
        run(book)
    assert summary == [list(r) for r in book.wb["Summary"].iter_rows(values_only=True)]
    assert "Issues" not in book.sheet_names()
    assert ["Plan", "Row key"] == [c.value for c in book.wb["Consolidated"][1]][:2]
    assert 17 == book.wb["Consolidated"].max_column  # no second set of RAG columns

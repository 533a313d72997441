"""Fixtures shared by the test files: an in-process list server, a plan maker, a fixed today, the test's
own plansync data folder, and the environment of a CLI run against the module's HTTPS list server.

A test file may still define a fixture of the same name for a server set up differently (another
page size, a real HTTPS server): pytest then uses the file's own. The HTTPS server a module shares
between its tests, its per-test list names, tracker workbooks and list helpers are in synced_plans.py;
copies of the sample workbooks in sample_files.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from _local_server_support import make_list, new_server
from plansync.cli import main

# The Actions columns of a workbook made by `plansync new`, in order.
PLAN_FIELDS = ["plan", "recommendation", "ref", "action", "lead", "owner", "target", "revised_target", "status", "progress"]


@pytest.fixture
def server():
    """The local list server in process (no port, no TLS) with an Actions list: (app, a client
    signed in as alice.smith@example.org, the list's items URL)."""
    app, client = new_server()
    yield app, client, make_list(client)
    app.close()


@pytest.fixture
def make_plan(tmp_path: Path):
    """``make_plan(rows, settings=None, name="plan.xlsx")``: a workbook from `plansync new` in the
    test's folder, with ``rows`` (dicts of field -> value) typed into the Actions table and
    ``settings`` (cell -> value) into the Settings sheet."""

    def make(rows: list[dict], settings: dict | None = None, name: str = "plan.xlsx") -> Path:
        path = tmp_path / name
        assert 0 == CliRunner().invoke(main, ["new", str(path)]).exit_code
        wb = openpyxl.load_workbook(path)
        ws = wb["Actions"]
        for r, row in enumerate(rows, start=2):
            for c, field in enumerate(PLAN_FIELDS, start=1):
                ws.cell(row=r, column=c, value=row.get(field))
        for cell, value in (settings or {}).items():
            wb["Settings"][cell] = value
        wb.save(path)
        return path

    return make


@pytest.fixture
def today() -> date:
    """The day the core's tests rate plans as at: plans are never rated against the real clock."""
    return date(2022, 11, 14)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """The test's own plansync data folder (PLANSYNC_HOME): the embedded server's data, its CA and the
    sign-in cache live there, and no CA file, token cache or Graph URL of the environment points elsewhere."""
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    for name in ("PLANSYNC_CA_FILE", "PLANSYNC_TOKEN_CACHE", "PLANSYNC_GRAPH_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


@pytest.fixture
def cli_env(server, tmp_path, monkeypatch):
    """The CLI run against the module's HTTPS ``server``: it trusts the server's CA and keeps its data in
    the test's folder. Returns the server."""
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    return server


@pytest.fixture
def signed_in(home, tmp_path, monkeypatch) -> str:
    """A development identity signed in to the embedded local list server of ``home``, as the ribbon's
    Sign in leaves it (token cache in the test's folder). Returns the sign-in."""
    from sync.auth import login
    from sync.target import open_target, resolve_target
    from validation.settings import Settings

    monkeypatch.setenv("PLANSYNC_TOKEN_CACHE", str(tmp_path / "tokens.bin"))
    with open_target(resolve_target(Settings.from_grid(None))) as target:
        login(target, as_email="business.support@york.example", echo=lambda message: None)
    return "business.support@york.example"

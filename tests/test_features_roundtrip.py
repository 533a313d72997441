"""Nothing lost: every command leaves every part of the workbook plansync does not own byte for byte.

The corpus (tests/fixtures/features/, rebuilt by its build.py with XlsxWriter) carries a logo, a
chart, a text box, a form button, comments, a threaded comment, sparklines, data bars, data
validation, defined names, print settings, custom XML, an external link and, in the .xlsm, a VBA
project; the sample plans are real councils' plans. Each command runs as a person runs it (the
CLI), on a fresh copy, and the package is compared part by part with the original.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from package_compare import differences
from plansync.cli import main
from plansync.workbook.calamine_reader import read_grids
from sample_files import writable_copy
from synced_plans import https_server

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = [FIXTURES / "features" / "features.xlsx", FIXTURES / "features" / "macros.xlsm", FIXTURES / "york_ofsted_2022.xlsx", FIXTURES / "rotherham_ilacs_2022.xlsx"]
ANN = "ann@council.gov.uk"


server = https_server(site_owners=())


@pytest.fixture
def env(cli_env):
    return cli_env


_copy = writable_copy


def _run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output  # 1: the plan has problems, reported; still saved
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output


def _kept_everything(before: Path, after: Path, *, created_settings: bool) -> None:
    assert [] == differences(before, after, created_settings=created_settings)
    # What was changed still opens: every part is well-formed zip content and calamine reads every sheet.
    with zipfile.ZipFile(after) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith((".xml", ".rels", ".vml")):
                ET.fromstring(archive.read(name))  # well-formed, or Excel would "repair" the file
    assert read_grids(after)


def _settings_created(before: Path) -> bool:
    return "Settings" not in {g.name for g in read_grids(before)}


@pytest.mark.parametrize("source", CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("command", [["validate"], ["rag", "--today", "2022-11-14"], ["adopt"], ["report"]], ids=lambda c: c[0])
def test_a_command_changes_only_what_plansync_owns(source, command, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _copy(source, tmp_path)
    _run(command[0], str(path), *command[1:])
    _kept_everything(source, path, created_settings=_settings_created(source))


@pytest.mark.parametrize("source", CORPUS, ids=lambda p: p.name)
def test_sync_changes_only_what_plansync_owns(source, env, tmp_path):
    path = _copy(source, tmp_path)
    args = ["sync", str(path), "--graph-url", env.graph_url, "--list", "rt-" + source.stem, "--as", ANN]
    _run(*args)
    _kept_everything(source, path, created_settings=_settings_created(source))
    _run(*args)  # again, now that the list holds the plan
    _kept_everything(source, path, created_settings=_settings_created(source))


def test_pull_refreshing_a_decorated_report_keeps_the_boards_own_sheets(env, tmp_path):
    plan = _copy(FIXTURES / "features" / "features.xlsx", tmp_path)
    _run("sync", str(plan), "--graph-url", env.graph_url, "--list", "rt-pull", "--as", ANN)
    source = FIXTURES / "features" / "report.xlsx"
    report = _copy(source, tmp_path)
    args = ["pull", str(report), "--graph-url", env.graph_url, "--list", "rt-pull"]
    _run(*args)
    _kept_everything(source, report, created_settings=True)
    grids = {g.name: g for g in read_grids(report)}
    assert {"Consolidated", "Summary"} <= set(grids)
    assert "Audit case files monthly" in {v for line in grids["Consolidated"].values for v in line}
    _run(*args)
    _kept_everything(source, report, created_settings=True)


@pytest.mark.parametrize("source", CORPUS[:2], ids=lambda p: p.name)
def test_commands_run_one_after_another_still_change_only_what_plansync_owns(source, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _copy(source, tmp_path)
    for command in (["adopt"], ["validate"], ["rag", "--today", "2022-11-14"], ["report"], ["validate"], ["report"]):
        _run(command[0], str(path), *command[1:])
        _kept_everything(source, path, created_settings=True)

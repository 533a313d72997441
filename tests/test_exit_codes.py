"""Honest endings (issue 19): the summary counts what the list accepted, and the exit codes are the
ones README, docs and every command's --help give: 0 everything done, 1 rows left for a person
(each listed), 2 the workbook or the list could not be used."""

from __future__ import annotations

import json
import re
import ssl
from pathlib import Path

import click
import httpx
import openpyxl
import pytest
from click.testing import CliRunner

from plansync.cli import main
from plansync.commands.sync import sync_workbook
from plansync.exit_codes import EXIT_CODES
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sync.graph import GraphClient
from synced_plans import ANN, action_row, https_server, token, tracker

ROOT = Path(__file__).resolve().parents[1]
BOB = "bob@council.gov.uk"


def _flat(text: str) -> str:
    return " ".join(text.replace("`", "'").split())


def _commands(group: click.Group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(main)], ids=" ".join)
def test_every_commands_help_ends_with_the_exit_codes(path):
    shown = CliRunner().invoke(main, [*path, "--help"])
    assert 0 == shown.exit_code
    assert _flat(shown.output).endswith(_flat(EXIT_CODES))


@pytest.mark.parametrize("doc", ["README.md", "docs/cli.md"])
def test_readme_and_the_cli_guide_give_the_same_exit_codes(doc):
    assert _flat(EXIT_CODES) in _flat((ROOT / doc).read_text(encoding="utf-8"))


def _exit_code_statements() -> list[tuple[str, str]]:
    texts = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]]
    texts += [(" ".join(path), CliRunner().invoke(main, [*path, "--help"]).output) for path, _ in _commands(main)]
    found = []
    for where, text in texts:
        for statement in re.findall(r"[Ee]xit codes?[^.]*(?:\.[^\s.][^.]*)*\.", _flat(text)):
            found.append((where, statement))
    return found


def test_no_doc_or_help_gives_another_code_for_an_unusable_workbook_or_list():
    statements = _exit_code_statements()
    assert len(statements) > 20
    for where, statement in statements:
        for code, meaning in re.findall(r"\**\b([012])\b\**:? ([^;0-9]*)", statement):
            unusable = re.search(r"could not be (used|read)|cannot be (read|used)|unreachable|could not be reached", meaning)
            assert code == "2" or not unusable, f"{where}: {statement}"


def _plan(path: Path, owners) -> Path:
    return tracker(path, [action_row(f"1.{n}", lead="Lead", owner=owner) for n, owner in enumerate(owners, start=1)])


server = https_server(site_owners=())


@pytest.fixture
def cli(cli_env):
    server = cli_env

    def run(path, list_name, *more):
        return CliRunner().invoke(main, ["sync", str(path), "--graph-url", server.graph_url, "--list", list_name, "--as", ANN, *more])

    return run


def test_a_sync_that_did_everything_exits_0_and_one_that_left_rows_exits_1_listing_them(cli, tmp_path):
    path = _plan(tmp_path / "plan.xlsx", [ANN, BOB])
    left = cli(path, "exit-refused")
    assert 1 == left.exit_code
    assert "Refused york-2022:1.2: not your row" in left.stdout
    assert "Synced 1 of 2 actions: 1 created, 1 refused (not your row)" == left.stdout.splitlines()[-1]
    wb = openpyxl.load_workbook(path)
    wb["Actions"].delete_rows(3)
    wb.save(path)
    done = cli(path, "exit-refused")
    assert (0, "Synced 1 action: nothing to change") == (done.exit_code, done.stdout.splitlines()[-1])


def test_rows_skipped_as_invalid_are_listed_at_their_cell_and_exit_1(cli, tmp_path):
    path = _plan(tmp_path / "plan.xlsx", [ANN, ANN])
    wb = openpyxl.load_workbook(path)
    wb["Actions"]["E3"] = "Sept-ish 2026"
    wb.save(path)
    result = cli(path, "exit-skipped")
    assert 1 == result.exit_code
    assert [
        "Created york-2022:1.1",
        "Skipped Actions!E3: Target date 'Sept-ish 2026' is not a date plansync can read; write e.g. 'July 2022' or 31/07/2022.",
        "Synced 1 of 2 actions: 1 created, 1 skipped (invalid, see Issues sheet)",
    ] == result.stdout.splitlines()


@pytest.mark.parametrize("command", ["sync", "pull"])
def test_an_unreachable_server_exits_2_in_one_line_and_leaves_the_workbook_as_it_was(tmp_path, monkeypatch, command):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _plan(tmp_path / "plan.xlsx", [ANN]) if command == "sync" else tmp_path / "board.xlsx"
    before = path.read_bytes() if path.exists() else None
    result = CliRunner().invoke(main, [command, str(path), "--graph-url", "https://127.0.0.1:9/v1.0", "--as", ANN])
    assert 2 == result.exit_code, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert ["Error: Could not reach the sign-in service of https://127.0.0.1:9/v1.0. Check the network connection, then try again."] == errors
    assert before == (path.read_bytes() if path.exists() else None)


class RefusesCreates(httpx.BaseTransport):
    """Real HTTPS, but the list answers every create in a batch with 400 (nothing is made)."""

    def __init__(self, ca_path) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(ca_path)))

    def handle_request(self, request):
        if request.url.path.endswith("/$batch"):
            sent = json.loads(request.read())["requests"]
            if all(r["method"] == "POST" for r in sent):
                error = {"error": {"code": "invalidRequest", "message": "The list refused the item."}}
                answers = [{"id": r["id"], "status": 400, "headers": {}, "body": error} for r in sent]
                return httpx.Response(200, json={"responses": answers})
        return self.inner.handle_request(request)

    def close(self):
        self.inner.close()


def test_creates_the_list_did_not_accept_are_not_counted_as_created(server, tmp_path):
    path = _plan(tmp_path / "plan.xlsx", [ANN, ANN, ANN])
    gc = GraphClient(server.graph_url, auth=token(server, ANN), transport=RefusesCreates(server.ca_path), sleep=lambda s: None)
    with gc:
        result = sync_workbook(OpenpyxlWorkbook.open(path, write=True), client=gc, list_name="exit-refused-creates")
    assert "Synced 0 of 3 actions: 3 not accepted by the list (sync again)" == result.summary
    counts = result.to_json()
    assert (0, ["york-2022:1.1", "york-2022:1.2", "york-2022:1.3"], 1) == (
        counts["created"], [f["key"] for f in counts["not_accepted"]], result.exit_code)

"""Help and README are part of the interface: every command is documented and shows an example."""

from pathlib import Path

import click
import pytest

from plansync.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "plansync"):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = list(_commands(main))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_in_the_readme(path, command):
    # Sub-commands may be written without the leading "plansync" in a list such as "auth status".
    short = path.split(" ", 1)[1]
    assert path in README or f"`{short}" in README, f"README does not mention `{path}`"


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_help_has_an_example(path, command):
    assert "Example" in (command.help or ""), f"`{path} --help` has no Example: line"


def test_readme_opens_with_the_install_and_test_commands():
    block = README.split("```bash", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert 2 == len(lines)
    assert "plansync sync" in lines[0] and "pip install ." in lines[0]
    assert lines[1].endswith("-m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in ci


def test_the_docs_stand_alone_without_the_design_folder_outside_the_repository():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert [] == [page.name for page in pages if "../shared" in page.read_text(encoding="utf-8")]

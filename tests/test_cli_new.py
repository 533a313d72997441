"""`plansync new` from a terminal."""

from __future__ import annotations

import hashlib

import openpyxl
from click.testing import CliRunner

from plansync.cli import main


def test_new_writes_an_empty_plan_and_says_what_to_do_next(tmp_path):
    path = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(main, ["new", str(path)])
    assert 0 == result.exit_code
    assert [f"Created {path}: an empty action plan. Type your actions on the Actions sheet.", f"Next: plansync validate {path}"] == result.output.splitlines()
    assert "Actions" == openpyxl.load_workbook(path).active.title


def test_new_demo_reports_the_actions_and_their_colours(tmp_path):
    path = tmp_path / "demo.xlsx"
    result = CliRunner().invoke(main, ["new", str(path), "--demo"])
    assert 0 == result.exit_code
    first = result.output.splitlines()[0]
    assert first.startswith(f"Created {path} with the demo plan: 64 actions (Blue ")
    ws = openpyxl.load_workbook(path)["Actions"]
    assert 65 == ws.max_row


def test_new_refuses_to_replace_an_existing_file(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"my precious plan")
    result = CliRunner().invoke(main, ["new", str(path), "--demo"])
    assert 2 == result.exit_code
    assert [f"Error: {path} already exists, so plansync did not touch it. Choose another name, or add --force to replace it."] == result.output.splitlines()
    assert b"my precious plan" == path.read_bytes()


def test_new_with_force_replaces_the_file(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"old")
    result = CliRunner().invoke(main, ["new", str(path), "--force"])
    assert 0 == result.exit_code
    assert "Actions" == openpyxl.load_workbook(path).active.title


def test_new_with_force_still_refuses_a_workbook_open_in_excel(tmp_path):
    path = tmp_path / "plan.xlsx"
    CliRunner().invoke(main, ["new", str(path)])
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    (tmp_path / "~$plan.xlsx").write_bytes(bytes([8]) + b"Jo Bloggs"[:8].ljust(53))
    result = CliRunner().invoke(main, ["new", str(path), "--force"])
    assert 2 == result.exit_code
    assert result.output.startswith("Error: plan.xlsx is open in Excel by Jo Blogg, so plansync cannot save it.")
    assert before == hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_wants_an_xlsx_name(tmp_path):
    result = CliRunner().invoke(main, ["new", str(tmp_path / "plan.csv")])
    assert 2 == result.exit_code
    assert ["Error: plan.csv does not end in .xlsx; plansync writes Excel workbooks. Give a name such as plan.xlsx."] == result.output.splitlines()


def test_every_command_here_has_an_example_in_its_help():
    for name in ("new", "validate", "rag"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert 0 == result.exit_code
        assert "Example:" in result.output, name


def test_docs_describe_every_option_of_these_commands():
    from pathlib import Path

    docs = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in ("new", "validate", "rag"):
        command = main.commands[name]
        assert f"## `plansync {name} PATH" in docs, name
        for option in command.params:
            for flag in getattr(option, "opts", []):
                if flag.startswith("--"):
                    assert flag in docs, (name, flag)

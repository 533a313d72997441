"""A deliberately odd layout is read right after a one-line correction in Settings (issue 13)."""

import json

import openpyxl
from click.testing import CliRunner

from plansync.cli import main
from validation.settings import read_settings
from validation.grid import SheetGrid


def _odd_plan(path):
    """Deadlines under a heading no council we know uses, so plansync cannot find them alone."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(["Ref", "Action", "Who", "Drop-dead date", "Progress"])
    ws.append(["1.1", "Refresh the supervision policy", "HoS", "31/03/2023", "In progress - on track"])
    ws.append(["1.2", "Audit twelve cases", "Head of QA", "30/06/2023", "In progress - on track"])
    ws.append(["2.1", "Publish the local offer", "SEND lead", "31/12/2022", "Complete - published in December"])
    wb.save(path)
    return path


def _add_settings_line(path, heading, field):
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Heading as written in your plan")
    ws.cell(row + 1, 1, heading)
    ws.cell(row + 1, 2, field)
    wb.save(path)


def _report(path):
    result = CliRunner().invoke(main, ["report", str(path), "--today", "2023-05-01", "--json"])
    assert 0 == result.exit_code, result.output
    return json.loads(result.stdout)


def test_an_unknown_deadline_heading_is_read_after_one_line_under_header_names(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = _odd_plan(tmp_path / "tracker.xlsx")
    adopted = CliRunner().invoke(main, ["adopt", str(path)])
    assert "No target date column found on Tracker" in adopted.output
    assert [] == _report(path)["overdue"]  # without its deadlines nothing can be overdue

    _add_settings_line(path, "Drop-dead date", "Target date")

    summary = _report(path)
    assert [("1.1", 31)] == [(o["ref"], o["days_overdue"]) for o in summary["overdue"]]
    assert 1 == summary["complete"]
    # ... and on every later command: adopt again maps the column, validate reads the dates.
    again = CliRunner().invoke(main, ["adopt", str(path), "--json"])
    assert {"column": "D", "header": "Drop-dead date"} == json.loads(again.stdout)["columns"]["target"]
    checked = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert [] == json.loads(checked.stdout)["errors"]


def test_a_header_names_row_naming_no_field_is_reported_at_its_cell():
    grid = SheetGrid("Settings", [["Header names"], ["Heading as written in your plan", "Field it means"], ["Drop-dead date", "Deadline-ish"]])
    settings, problems = read_settings(grid)
    assert {} == settings.header_aliases
    assert [("Settings!B3", "'Deadline-ish' is not a field plansync knows.")] == [(p.cell, p.problem) for p in problems]

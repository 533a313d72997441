"""docs/refresh.md, "Trying it on the local list server": the demo plan synced, then its list refreshed
on a later day through the CLI, with no workbook, over the embedded local list server."""

from __future__ import annotations

import json

from click.testing import CliRunner

from plansync.cli import main

SUPPORT = "business.support@rotherham.example"


def test_the_demo_list_is_refreshed_on_a_later_day_without_the_workbook(tmp_path, home):
    path = tmp_path / "plan.xlsx"
    assert 0 == CliRunner().invoke(main, ["new", str(path), "--demo"]).exit_code
    assert 0 == CliRunner().invoke(main, ["sync", str(path), "--as", SUPPORT]).exit_code
    refresh = ["refresh", "--as", SUPPORT, "--today", "2027-01-31", "--json"]
    dry = json.loads(CliRunner().invoke(main, [*refresh, "--dry-run"]).stdout)
    done = CliRunner().invoke(main, refresh)
    assert 0 == done.exit_code, done.output
    counts = json.loads(done.stdout)
    assert (64, 64, dry["rerated"], dry["rerated"]) == (counts["actions"], counts["rated"], counts["rerated"], counts["written"])
    assert counts["written"] > 0
    again = json.loads(CliRunner().invoke(main, refresh).stdout)
    assert (0, 2) == (again["rerated"], again["requests"])

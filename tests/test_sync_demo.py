"""The README's path: `plansync new plan.xlsx --demo`, then `plansync sync`, over the embedded local
server the CLI starts itself; and `plansync validate` reporting exactly the rows sync skips."""

from __future__ import annotations

import json

import openpyxl
from click.testing import CliRunner

from plansync.cli import main

SUPPORT = "business.support@rotherham.example"


def sync_json(path, code=0):
    result = CliRunner().invoke(main, ["sync", str(path), "--as", SUPPORT, "--json"])
    assert code == result.exit_code, result.output
    return json.loads(result.stdout)


def test_the_demo_plan_syncs_whole_and_a_second_sync_changes_nothing(tmp_path, home):
    path = tmp_path / "plan.xlsx"
    made = CliRunner().invoke(main, ["new", str(path), "--demo"])
    assert 0 == made.exit_code, made.output
    first = sync_json(path)
    assert {"created": 64, "updated": 0, "pulled": 0, "unchanged": 0, "withdrawn": 0, "skipped_invalid": 0,
            "refused": [], "conflicts": [], "not_accepted": []} == {k: v for k, v in first.items() if k != "requests"}
    again = sync_json(path)
    assert {"created": 0, "updated": 0, "pulled": 0, "unchanged": 64, "withdrawn": 0, "skipped_invalid": 0,
            "refused": [], "conflicts": [], "not_accepted": []} == {k: v for k, v in again.items() if k != "requests"}
    assert again["requests"] <= 3


ROW = {"action": "Dip sample contacts", "lead": "HoS", "owner": SUPPORT, "target": "July 2026", "status": "On track"}


def test_validate_reports_exactly_the_duplicate_keys_sync_skips(make_plan, home):
    path = make_plan(
        [
            {**ROW, "plan": "York Ofsted 2022", "recommendation": "1. Front door", "ref": "1.1"},
            {**ROW, "plan": "York Ofsted 2022", "recommendation": "2. Records", "ref": "1.1"},
            {**ROW, "plan": "Rotherham ILACS 2022", "recommendation": "1. Front door", "ref": "1.1"},
        ],
        name="two-plans.xlsx",
    )
    checked = CliRunner().invoke(main, ["validate", str(path), "--json"])
    errors = json.loads(checked.stdout)["errors"]
    message = (
        "Ref '1.1' is used by more than one action of plan 'York Ofsted 2022' (rows 2, 3); sync tells actions apart "
        "by plan and ref, so none of these rows is synced until each has its own ref."
    )
    assert [("Actions!C2", "duplicate_key", message), ("Actions!C3", "duplicate_key", message)] == [
        (e["cell"], e["check"], e["message"]) for e in errors
    ]
    synced = sync_json(path, code=1)  # rows skipped: exit 1 (issue 19)
    assert (1, 2) == (synced["created"], synced["skipped_invalid"])


def test_a_first_sync_ends_with_its_summary_not_a_line_per_row_and_a_dry_run_lists_every_row(tmp_path, home):
    path = tmp_path / "plan.xlsx"
    assert 0 == CliRunner().invoke(main, ["new", str(path), "--demo"]).exit_code
    dry = CliRunner().invoke(main, ["sync", str(path), "--as", SUPPORT, "--dry-run"])
    assert 64 == sum(line.startswith("Would create ") for line in dry.stdout.splitlines())
    done = CliRunner().invoke(main, ["sync", str(path), "--as", SUPPORT])
    lines = done.stdout.splitlines()
    assert 10 == sum(line.startswith("Created ") for line in lines)
    assert "... and 54 more created" in lines
    assert "Synced 64 actions: 64 created" == lines[-1]


def test_sync_keeps_the_workbooks_rag_columns_in_step_with_what_it_sent(make_plan, home):
    path = make_plan(
        [
            {**ROW, "plan": "York Ofsted 2022", "recommendation": "1. Front door", "ref": "1.1", "target": "January 2020"},
            {**ROW, "plan": "York Ofsted 2022", "recommendation": "1. Front door", "ref": "1.2", "target": "January 2020"},
        ],
        name="two-plans.xlsx",
    )
    wb = openpyxl.load_workbook(path)
    header = [c.value for c in wb["Actions"][1]]
    rag = header.index("RAG") + 1
    wb["Actions"].cell(row=3, column=header.index("Status") + 1, value="Complete")  # typed, Refresh RAG not clicked
    wb.save(path)
    assert 2 == sync_json(path)["created"]
    shown = openpyxl.load_workbook(path)["Actions"]
    assert ["Red", "Blue"] == [shown.cell(row=r, column=rag).value for r in (2, 3)]

"""List values a cell cannot hold (control characters, over 32,767 characters), issue 19.

A flow or a SharePoint form can put text into the list that no Excel cell holds. ``pull`` and
``sync`` show it as faithfully as a cell allows, flag the cell on the Issues sheet, and never write
the shown substitute back over the list's value.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from plansync.commands.pull import pull_consolidated
from sync.cell_values import CELL_MAX, cell_text, keep_true_values
import synced_plans
from synced_plans import action_row, client, edit, https_server, items_by, list_edit, per_test_list, tracker

TODAY = date(2026, 1, 15)
LONG = "Progress note. " * 2666 + "Last note."  # 40,000 characters
BELL = "Done\x07 by the flow\x00"


server = https_server(site_owners=())
list_name = per_test_list("odd-", 55)


def make_book(path: Path, refs) -> Path:
    return tracker(path, [action_row(ref) for ref in refs])


def sync(path, server, list_name):
    return synced_plans.sync(path, server, list_name, today=TODAY, now=datetime(2026, 1, 15, 9, 30))


def listed(server, list_name) -> dict[str, dict]:
    return {key: i["fields"] for key, i in items_by(server, list_name).items()}


def cell(path, address):
    return openpyxl.load_workbook(path)["Actions"][address].value


def issues(path) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(path)["Issues"].iter_rows(values_only=True)]


@pytest.mark.parametrize(
    "value, shown",
    [
        ("Done\x07", "Done␇"),
        ("a\x00b\x1fc", "a␀b␟c"),
        ("tab\tand\nnew line\r", "tab\tand\nnew line\r"),  # a cell holds these as they are
        ("lone \ud800 surrogate \uffff", "lone \ufffd surrogate \ufffd"),
        ("plain", "plain"),
    ],
)
def test_control_characters_are_shown_as_their_control_pictures(value, shown):
    assert shown == cell_text(value)


def test_a_text_longer_than_a_cell_is_cut_with_a_marker_saying_how_long_it_is():
    shown = cell_text(LONG)
    assert CELL_MAX == len(shown)
    assert shown.startswith(LONG[:32_000])
    assert shown.endswith(" [... cut by plansync: the list holds all 40,000 characters]")


def test_a_cell_still_showing_the_substitute_is_given_the_true_value_back_and_an_edited_one_is_not():
    base = pd.DataFrame({"progress": [BELL, LONG, "plain"]}, index=["k:1", "k:2", "k:3"])
    shown = pd.DataFrame({"progress": [cell_text(BELL).strip(), "Typed anew", "plain"]}, index=["k:1", "k:2", "k:3"])
    assert [BELL, "Typed anew", "plain"] == keep_true_values(shown, base, ["progress"])["progress"].tolist()


def test_sync_shows_odd_list_values_flags_them_and_never_writes_the_substitute_back(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", ["1.1", "1.2", "1.3"])
    sync(path, server, list_name)
    list_edit(server, list_name, "york-2022:1.1", {"Progress": BELL})
    list_edit(server, list_name, "york-2022:1.2", {"Progress": LONG})

    brought = sync(path, server, list_name)  # crashed with openpyxl's IllegalCharacterError before

    assert ([], 2) == (brought.plan.updates, len(brought.plan.pulls))
    assert ("Done␇ by the flow␀", cell_text(LONG)) == (cell(path, "G2"), cell(path, "G3"))
    flagged = [line for line in issues(path) if line[0] == "Actions"]
    assert [("Actions!G2", "warning"), ("Actions!G3", "warning")] == [(line[1], line[6]) for line in flagged]
    assert "the Progress of york-2022:1.1 in the list holds control characters" in flagged[0][4]
    assert "40,000 characters" in flagged[1][4]
    assert "never writes this cell's text back" in flagged[0][5]

    again = sync(path, server, list_name)
    assert ([], [], "Synced 3 actions: nothing to change") == (again.plan.updates, again.plan.pulls, again.summary)
    fields = listed(server, list_name)
    assert (BELL, LONG) == (fields["york-2022:1.1"]["Progress"], fields["york-2022:1.2"]["Progress"])
    assert 2 == sum(1 for line in issues(path) if line[0] == "Actions")  # still flagged while shown

    # Edits that keep the stand-in's marks (a word added to the cut text, a symbol left in) are
    # never sent: they would cut or clean the list's text.
    edit(path, {(2, "Progress"): cell_text(BELL) + " (checked)", (3, "Progress"): "Update: " + cell_text(LONG)})
    kept = sync(path, server, list_name)
    assert ([], ["york-2022:1.1", "york-2022:1.2"]) == (kept.plan.updates, sorted(r.key for r in kept.plan.refused))
    assert "your edit to Progress was not sent" in kept.plan.refused[0].reason
    assert "Synced 1 of 3 actions: 2 edits of a cut or cleaned list value not sent (see Issues sheet)" == kept.summary
    fields = listed(server, list_name)
    assert (BELL, LONG) == (fields["york-2022:1.1"]["Progress"], fields["york-2022:1.2"]["Progress"])

    # A person's own new text replaces the list's value; the cut one stays as the list holds it.
    edit(path, {(2, "Progress"): "Checked by Ann"})
    typed = sync(path, server, list_name)
    assert [("york-2022:1.1", {"progress": "Checked by Ann"})] == [(u.key, u.fields) for u in typed.plan.updates]
    fields = listed(server, list_name)
    assert ("Checked by Ann", LONG) == (fields["york-2022:1.1"]["Progress"], fields["york-2022:1.2"]["Progress"])
    assert ["Actions!G3"] == [line[1] for line in issues(path) if line[0] == "Actions"]


def test_pull_shows_odd_list_values_and_flags_them_at_their_cell(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", ["1.1", "1.2"])
    sync(path, server, list_name)
    list_edit(server, list_name, "york-2022:1.1", {"Progress": BELL, "Action": "Ring\x07the bell"})
    list_edit(server, list_name, "york-2022:1.2", {"Progress": LONG})
    report = tmp_path / "board.xlsx"
    with client(server) as gc:
        pull_consolidated(report, client=gc, list_name=list_name, today=TODAY)
    wb = openpyxl.load_workbook(report)
    rows = {r[1]: r for r in wb["Consolidated"].iter_rows(min_row=2, values_only=True)}
    assert ("Ring␇the bell", "Done␇ by the flow␀") == (rows["york-2022:1.1"][4], rows["york-2022:1.1"][10])
    assert cell_text(LONG) == rows["york-2022:1.2"][10]
    flagged = [list(r) for r in wb["Issues"].iter_rows(min_row=2, values_only=True)]
    assert ["Consolidated!E2", "Consolidated!K2", "Consolidated!K3"] == sorted(line[1] for line in flagged)
    assert all("york-2022:1." in line[4] and line[6] == "warning" for line in flagged)


def test_every_kind_of_value_a_cell_cannot_hold_is_found_among_plain_ones():
    from sync.cell_values import substitutes

    values = ["plain", "tab\tline\nfeed\r", "bell\x07", "lone \ud800", "not a character \ufffe", "x" * 40_000, "café ✓", "\x1f"]
    base = pd.DataFrame({"progress": values}, index=[f"k:{n}" for n in range(len(values))])
    found = substitutes(base, ["progress"])
    assert [("k:2", True, False), ("k:3", True, False), ("k:4", True, False), ("k:5", False, True), ("k:7", True, False)] == [
        (s.key, s.control, s.cut) for s in found
    ]
    assert [] == substitutes(base.iloc[[0, 1, 6]], ["progress"])

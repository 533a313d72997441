"""Sign-off through a sync (issue 16): a manager is refused at the cell; the support role's sign-off is recorded."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
import synced_plans
from synced_plans import ANN, HEADER, action_row, client, edit, https_server, items_by, per_test_list, tracker

SUE = "sue.support@council.gov.uk"
TODAY = date(2026, 3, 2)


# The support role is the site's (issue 15): Sue is given it by the site owner, not by Settings.
server = https_server(SUE)
list_name = per_test_list()


def make_book(path: Path, *, sign_off_columns: bool = False) -> Path:
    extra = ["Signed off on", "Signed off by"] if sign_off_columns else []
    rows = [action_row("1.1", status="Complete", progress="Evidence presented"), action_row("1.2")]
    # The Settings sheet shows Sue for people to read; it grants nothing.
    return tracker(path, [[*line, *([None] * len(extra))] for line in rows], support=(SUE,), header=[*HEADER, *extra])


def sync(path, server, list_name, user):
    return synced_plans.sync(path, server, list_name, user, today=TODAY, now=datetime(2026, 3, 2, 9, 30))


def listed(server, list_name) -> dict[str, dict]:
    return {ref: i["fields"] for ref, i in items_by(server, list_name, "Ref").items()}


def issues(path) -> list[tuple]:
    return list(openpyxl.load_workbook(path)["Issues"].iter_rows(values_only=True))


def test_a_manager_who_types_signed_off_is_refused_at_that_cell_with_the_reason(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx")
    sync(path, server, list_name, ANN)
    edit(path, {(2, "Status"): "Signed off", (3, "Progress"): "Going well"})
    result = sync(path, server, list_name, ANN)
    assert ["york-2022:1.1"] == [r.key for r in result.plan.refused]
    assert "Synced 1 of 2 actions: 1 updated, 1 sign-off refused (support role only)" == result.summary
    reason = result.plan.refused[0].reason
    assert reason.startswith("Actions!F2: only the support role (or a sign-off role) may set or undo Signed off")
    assert "Set the status back to 'Complete', or ask site.owner@council.gov.uk or sue.support@council.gov.uk to sign it off." in reason
    fields = listed(server, list_name)
    assert ("Complete", "Going well") == (fields["1.1"]["Status"], fields["1.2"]["Progress"])  # the rest still syncs
    assert "SignedOffOn" not in fields["1.1"]
    refused = [r for r in issues(path) if r[0] == "Actions" and r[1] == "F2"]
    assert [("Signed off", "Sign-off refused: only the support role (or a sign-off role) may set or undo Signed off.", "error")] == [
        (r[3], r[4], r[6]) for r in refused]
    assert "Signed off" == openpyxl.load_workbook(path)["Actions"]["F2"].value  # what they typed stays, refused again next time
    assert ["york-2022:1.1"] == [r.key for r in sync(path, server, list_name, ANN).plan.refused]


def test_the_support_roles_sign_off_is_recorded_with_date_and_approver(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx")
    sync(path, server, list_name, ANN)
    edit(path, {(2, "Status"): "Signed off"})
    result = sync(path, server, list_name, SUE)
    assert [] == result.plan.refused
    fields = listed(server, list_name)["1.1"]
    assert ("Signed off", "2026-03-02", SUE) == (fields["Status"], fields["SignedOffOn"][:10], fields["SignedOffBy"])
    # The list's versions tell the sign-off apart: who set Signed off, and the date and approver recorded.
    from plansync.commands.history import plan_history

    with client(server, ANN) as gc:
        changes = plan_history(OpenpyxlWorkbook.open(path), ref="1.1", client=gc, list_name=list_name).changes
    assert [("status", "Complete", "Signed off"), ("signed_off_on", "", "2026-03-02"), ("signed_off_by", "", SUE)] == [
        (c.field, c.old, c.new) for c in changes]
    assert {SUE} == {c.email for c in changes}
    # Ann syncs her copy later: the sign-off stays in the list (her workbook has no sign-off columns).
    edit(path, {(3, "Progress"): "Half way"})
    sync(path, server, list_name, ANN)
    assert (SUE, "Half way") == (listed(server, list_name)["1.1"]["SignedOffBy"], listed(server, list_name)["1.2"]["Progress"])


def test_a_workbook_with_sign_off_columns_shows_the_recorded_sign_off_and_its_undoing(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", sign_off_columns=True)
    sync(path, server, list_name, ANN)
    edit(path, {(2, "Status"): "Signed off"})
    sync(path, server, list_name, SUE)
    ws = openpyxl.load_workbook(path)["Actions"]
    assert (datetime(2026, 3, 2), SUE) == (ws["H2"].value, ws["I2"].value)
    edit(path, {(2, "Status"): "Complete"})
    sync(path, server, list_name, SUE)
    ws = openpyxl.load_workbook(path)["Actions"]
    assert (None, None) == (ws["H2"].value, ws["I2"].value)
    fields = listed(server, list_name)["1.1"]
    assert ("Complete", None) == (fields["Status"], fields.get("SignedOffBy"))


def test_a_manager_cannot_undo_a_sign_off_either(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx")
    sync(path, server, list_name, ANN)
    edit(path, {(2, "Status"): "Signed off"})
    sync(path, server, list_name, SUE)
    edit(path, {(2, "Status"): "On track"})
    result = sync(path, server, list_name, ANN)
    assert ["york-2022:1.1"] == [r.key for r in result.plan.refused]
    assert "Set the status back to 'Signed off'" in result.plan.refused[0].reason
    assert "Signed off" == listed(server, list_name)["1.1"]["Status"]

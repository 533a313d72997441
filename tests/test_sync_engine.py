"""The sync plan from three literal frames: workbook now, base as last synced, list now (DESIGN §6)."""

from datetime import date, datetime

import pandas as pd

from sync.engine import (
    Conflict,
    Create,
    Pull,
    Refusal,
    Update,
    Withdrawal,
    plan_sync,
    row_hashes,
)
from sync.values import normalise_value

FIELDS = ["action", "owner", "progress", "status"]
ANN, BOB, SUE = "ann@council.gov.uk", "bob@council.gov.uk", "sue@council.gov.uk"


def frame(rows: dict[str, dict], **extra) -> pd.DataFrame:
    out = pd.DataFrame.from_dict(rows, orient="index", dtype=object)
    for name, values in extra.items():
        out[name] = pd.Series(values, dtype=object)
    return out


def row(progress="Started", status="On track", owner=ANN, action="Train staff"):
    return {"action": action, "owner": owner, "progress": progress, "status": status}


def listed(rows: dict[str, dict], modified_by=BOB) -> pd.DataFrame:
    out = frame(rows)
    out["_item_id"] = [str(n) for n in range(1, len(out) + 1)]
    out["_etag"] = [f'"e{n},1"' for n in range(1, len(out) + 1)]
    out["_modified_by"] = modified_by
    return out


def plan(wb, base, remote, **kw):
    owners = wb["owner"] if wb is not None and not wb.empty else None
    kw.setdefault("owners", owners)
    kw.setdefault("user", ANN)
    return plan_sync(wb, base, remote, fields=FIELDS, **kw)


def test_first_sync_creates_every_row_with_its_non_empty_fields():
    wb = frame({"p:1.1": row(), "p:1.2": row(progress="")})
    result = plan(wb, None, None)
    assert [
        Create("p:1.1", {"action": "Train staff", "owner": ANN, "progress": "Started", "status": "On track"}),
        Create("p:1.2", {"action": "Train staff", "owner": ANN, "status": "On track"}),
    ] == result.creates
    assert ([], [], []) == (result.updates, result.pulls, result.unchanged)


def test_nothing_changed_anywhere_is_unchanged():
    wb = frame({"p:1.1": row()})
    result = plan(wb, frame({"p:1.1": row()}), listed({"p:1.1": row()}))
    assert ["p:1.1"] == result.unchanged
    assert 0 == result.writes


def test_a_field_changed_in_the_workbook_only_is_pushed_with_the_items_etag():
    wb = frame({"p:1.1": row(progress="Half done")})
    result = plan(wb, frame({"p:1.1": row()}), listed({"p:1.1": row()}))
    assert [Update("p:1.1", "1", '"e1,1"', {"progress": "Half done"})] == result.updates
    assert "Half done" == result.base.at["p:1.1", "progress"]


def test_a_field_changed_in_the_list_only_is_pulled_into_the_workbook():
    result = plan(frame({"p:1.1": row()}), frame({"p:1.1": row()}), listed({"p:1.1": row(status="At risk")}))
    assert [Pull("p:1.1", {"status": "At risk"})] == result.pulls
    assert [] == result.updates
    assert "At risk" == result.base.at["p:1.1", "status"]


def test_different_fields_changed_on_each_side_merge_field_by_field():
    result = plan(
        frame({"p:1.1": row(progress="Half done")}),
        frame({"p:1.1": row()}),
        listed({"p:1.1": row(status="At risk")}),
    )
    assert [Update("p:1.1", "1", '"e1,1"', {"progress": "Half done"})] == result.updates
    assert [Pull("p:1.1", {"status": "At risk"})] == result.pulls
    assert [] == result.conflicts


def test_the_same_field_changed_to_different_values_is_a_conflict_and_nothing_is_overwritten():
    result = plan(
        frame({"p:1.1": row(progress="Half done")}),
        frame({"p:1.1": row()}),
        listed({"p:1.1": row(progress="Stalled")}, modified_by=SUE),
    )
    assert [Conflict("p:1.1", "progress", "Half done", "Stalled", SUE)] == result.conflicts
    assert ([], []) == (result.updates, result.pulls)
    assert "Started" == result.base.at["p:1.1", "progress"]  # still the old base: it comes up again


def test_the_same_field_changed_to_the_same_value_on_both_sides_is_simply_agreed():
    result = plan(frame({"p:1.1": row(progress="Done")}), frame({"p:1.1": row()}), listed({"p:1.1": row(progress="Done")}))
    assert (["p:1.1"], [], []) == (result.unchanged, result.updates, result.conflicts)
    assert "Done" == result.base.at["p:1.1", "progress"]


def test_a_person_choosing_a_side_on_the_conflicts_sheet_settles_the_conflict():
    args = (frame({"p:1.1": row(progress="Half done")}), frame({"p:1.1": row()}), listed({"p:1.1": row(progress="Stalled")}))
    keep_workbook = plan(*args, resolutions={("p:1.1", "progress"): "workbook"})
    keep_list = plan(*args, resolutions={("p:1.1", "progress"): "list"})
    assert [Update("p:1.1", "1", '"e1,1"', {"progress": "Half done"})] == keep_workbook.updates
    assert [Pull("p:1.1", {"progress": "Stalled"})] == keep_list.pulls
    assert ([], []) == (keep_workbook.conflicts, keep_list.conflicts)


def test_a_change_to_somebody_elses_row_is_refused_with_the_reason_and_not_sent():
    result = plan(frame({"p:2.1": row(owner=BOB, progress="Ann's edit")}), frame({"p:2.1": row(owner=BOB)}), listed({"p:2.1": row(owner=BOB)}))
    assert [
        Refusal("p:2.1", "not your row: bob@council.gov.uk may change it. Ask them, or ask a site owner for the support role (plansync roles add).")
    ] == result.refused
    assert [] == result.updates
    assert "Started" == result.base.at["p:2.1", "progress"]


def test_the_support_role_may_change_any_row():
    result = plan(
        frame({"p:2.1": row(owner=BOB, progress="Support edit")}),
        frame({"p:2.1": row(owner=BOB)}),
        listed({"p:2.1": row(owner=BOB)}),
        support=True,
    )
    assert ([], ["p:2.1"]) == (result.refused, [u.key for u in result.updates])


def test_one_of_several_owners_may_change_the_row_and_a_row_without_owner_is_anyones():
    wb = frame({"p:1": row(owner=f"{BOB}; {ANN}", progress="x"), "p:2": row(owner="", progress="y")})
    base = frame({"p:1": row(owner=f"{BOB}; {ANN}"), "p:2": row(owner="")})
    result = plan(wb, base, listed({"p:1": row(owner=f"{BOB}; {ANN}"), "p:2": row(owner="")}))
    assert ([], ["p:1", "p:2"]) == (result.refused, [u.key for u in result.updates])


def test_a_row_removed_from_the_workbook_is_withdrawn_not_deleted():
    base = frame({"p:1": row(), "p:2": row()})
    remote = listed({"p:1": row(), "p:2": row()})
    result = plan(frame({"p:1": row()}), base, remote)
    assert [Withdrawal("p:2", "2", '"e2,1"', delete=False)] == result.withdrawals
    assert "yes" == result.base.at["p:2", "withdrawn"]
    deleting = plan(frame({"p:1": row()}), base, remote, delete_removed=True)
    assert [Withdrawal("p:2", "2", '"e2,1"', delete=True)] == deleting.withdrawals
    assert ["p:1"] == deleting.base.index.tolist()


def test_a_withdrawn_row_put_back_in_the_workbook_is_restored():
    base = frame({"p:1": {**row(), "withdrawn": "yes"}})
    remote = listed({"p:1": {**row(), "withdrawn": "yes"}})
    result = plan(frame({"p:1": row()}), base, remote)
    assert [Update("p:1", "1", '"e1,1"', {"withdrawn": ""})] == result.updates


def test_somebody_elses_removed_row_is_refused_not_withdrawn():
    result = plan(frame({"p:1": row()}), frame({"p:1": row(), "p:2": row(owner=BOB)}), listed({"p:1": row(), "p:2": row(owner=BOB)}))
    assert [] == result.withdrawals
    assert ["p:2"] == [r.key for r in result.refused]
    assert result.refused[0].reason.startswith("not your row: it was removed from the workbook, but only bob@council.gov.uk")


def test_invalid_rows_are_skipped_counted_and_never_withdrawn():
    base = frame({"p:1": row(), "p:2": row()})
    result = plan(frame({"p:1": row(), "p:2": row(progress="bad")}), base, listed({"p:1": row(), "p:2": row()}), skip={"p:2"}, skipped_invalid=1)
    assert ([], [], 1) == (result.updates, result.withdrawals, result.skipped_invalid)


def test_an_item_already_in_the_list_but_not_in_the_base_is_adopted_not_created_again():
    # A crash after the create and before the hidden sheet was saved.
    result = plan(frame({"p:1": row(progress="later edit")}), None, listed({"p:1": row()}))
    assert [] == result.creates
    assert [Update("p:1", "1", '"e1,1"', {"progress": "later edit"})] == result.updates


def test_derived_fields_are_pushed_when_the_list_differs_and_never_pulled():
    wb = frame({"p:1": row()}, rag={"p:1": "Red"})
    base = frame({"p:1": row()}, rag={"p:1": "Green"})
    remote = listed({"p:1": {**row(), "rag": "Green"}})
    result = plan_sync(wb, base, remote, fields=FIELDS, derived=["rag"], owners=wb["owner"], user=ANN)
    assert [Update("p:1", "1", '"e1,1"', {"rag": "Red"})] == result.updates
    pulled = plan_sync(base, base, listed({"p:1": {**row(), "rag": "Blue"}}), fields=FIELDS, derived=["rag"], owners=wb["owner"], user=ANN)
    assert [] == pulled.pulls


def test_plan_counts_are_the_json_shape_the_cli_prints():
    result = plan(
        frame({"p:1": row(progress="Half done"), "p:3": row()}),
        frame({"p:1": row()}),
        listed({"p:1": row(progress="Stalled")}),
        skipped_invalid=2,
    )
    assert {
        "created": 1,
        "updated": 0,
        "pulled": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "skipped_invalid": 2,
        "refused": [],
        "conflicts": [{"key": "p:1", "field": "progress", "workbook": "Half done", "list": "Stalled"}],
        "requests": 7,
    } == result.counts(requests=7)


def test_values_are_compared_as_text_dates_iso_whole_numbers_plain():
    assert ["", "2022-07-01", "2022-07-01T09:30:00", "3", "1.5", "yes", "a b"] == [
        normalise_value(v)
        for v in (None, date(2022, 7, 1), datetime(2022, 7, 1, 9, 30), 3.0, 1.5, True, " a b ")
    ]


def test_row_hashes_ignore_column_order_and_tell_rows_apart():
    one = frame({"k": {"a": "1", "b": "2"}})
    two = frame({"k": {"b": "2", "a": "1"}})
    assert row_hashes(one, ["a", "b"]).iloc[0] == row_hashes(two, ["b", "a"]).iloc[0]
    assert row_hashes(one, ["a", "b"]).iloc[0] != row_hashes(frame({"k": {"a": "1", "b": "3"}}), ["a", "b"]).iloc[0]


def test_ten_thousand_rows_with_three_changes_plan_three_updates():
    rows = {f"p:{n}": row(progress=f"p{n}") for n in range(10_000)}
    wb = frame(rows)
    for key in ("p:5", "p:500", "p:9999"):
        wb.at[key, "progress"] = "changed"
    result = plan(wb, frame(rows), listed(rows))
    assert ["p:5", "p:500", "p:9999"] == sorted(u.key for u in result.updates)
    assert 9_997 == len(result.unchanged)


def test_a_new_row_in_a_plan_whose_team_does_not_include_the_user_is_refused_and_not_sent():
    # Issue 15: a plan's team is the people who own its rows in the list; outsiders need the support role.
    args = (frame({"p:1.1": row(owner=ANN), "q:1.1": row(owner=ANN)}), None, listed({}))
    teams = {"q": frozenset({BOB, SUE})}
    result = plan(*args, teams=teams)
    assert ["p:1.1"] == [c.key for c in result.creates]
    assert [Refusal("q:1.1", "not your team's plan: plan 'q' belongs to bob@council.gov.uk or sue@council.gov.uk. "
                             "Ask one of them or the support role to add the row.")] == result.refused
    assert ["p:1.1", "q:1.1"] == sorted(c.key for c in plan(*args, teams=teams, support=True).creates)


def test_a_row_without_owners_may_be_changed_by_its_plans_team_only():
    args = (frame({"q:2.1": row(owner="", progress="Sue's edit")}), frame({"q:2.1": row(owner="")}), listed({"q:2.1": row(owner="")}))
    teams = {"q": frozenset({BOB})}
    refused = plan(*args, user=SUE, teams=teams)
    assert [Refusal("q:2.1", "not your row: its plan's team (bob@council.gov.uk) may change it. Ask them, or ask a "
                             "site owner for the support role (plansync roles add).")] == refused.refused
    assert ["q:2.1"] == [u.key for u in plan(*args, user=BOB, teams=teams).updates]
    assert ["q:2.1"] == [u.key for u in plan(*args, user=SUE).updates]  # no team known: anyone may try

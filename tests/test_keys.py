"""Stable row keys: plan id + ref, or a generated id re-attached on later runs (DESIGN §6)."""

import pandas as pd
import pytest

from validation.keys import assign_keys, duplicate_key_issues, normalise_ref, plan_slug


def actions(refs, texts=None, rows=None, sheet="Actions"):
    n = len(refs)
    return pd.DataFrame(
        {
            "ref": pd.Series(refs, dtype=object),
            "action": pd.Series(texts or [f"Action {i}" for i in range(n)], dtype=object),
            "_sheet": sheet,
            "_row": rows or list(range(5, 5 + n)),
        }
    )


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Rotherham ILACS 2022", "rotherham-ilacs-2022"),
        ("York  Ofsted (2022)", "york-ofsted-2022"),
        ("", "plan"),
    ],
)
def test_plan_ids_are_slugs_of_the_plan_name(name, slug):
    assert slug == plan_slug(name)


@pytest.mark.parametrize(
    "written, ref",
    [(1.4, "1.4"), (2.13, "2.13"), (3.0, "3"), (" 4b ", "4b"), ("1.4.", "1.4"), ("a)", "a)"), (None, ""), (float("nan"), "")],
)
def test_refs_read_as_written_in_excel(written, ref):
    assert ref == normalise_ref(written)


def test_key_is_plan_id_and_ref():
    keys = assign_keys(actions([1.4, "2.13", "4b"]), plan_id="rotherham-ilacs-2022")
    assert ["rotherham-ilacs-2022:1.4", "rotherham-ilacs-2022:2.13", "rotherham-ilacs-2022:4b"] == keys["key"].tolist()
    assert [False, False, False] == keys["generated"].tolist()


def test_two_plans_with_the_same_refs_get_different_keys():
    one = assign_keys(actions(["1.1"]), plan_id="york")["key"].tolist()
    two = assign_keys(actions(["1.1"]), plan_id="rotherham")["key"].tolist()
    assert (["york:1.1"], ["rotherham:1.1"]) == (one, two)


def test_a_row_without_ref_gets_the_same_generated_key_on_every_run():
    first = assign_keys(actions([None], ["Set up a panel"]), plan_id="york")
    again = assign_keys(actions([None], ["  set up a PANEL "], rows=[9]), plan_id="york")
    assert first["key"].tolist() == again["key"].tolist()
    assert first["key"].iloc[0].startswith("york:row-")
    assert [True] == first["generated"].tolist()


def test_two_refless_rows_with_the_same_text_get_two_keys():
    keys = assign_keys(actions([None, None], ["Review", "Review"]), plan_id="york")["key"].tolist()
    assert keys[1] == keys[0] + "-2"


def test_a_stored_generated_key_follows_its_row_when_the_text_is_edited_in_place():
    known = pd.DataFrame({"key": ["york:row-0000abcd"], "fingerprint": ["0000abcd"], "sheet": ["Actions"], "row": [7]})
    keys = assign_keys(actions([None, None], ["New wording", "Another"], rows=[7, 8]), plan_id="york", known=known)
    assert "york:row-0000abcd" == keys["key"].iloc[0]
    assert "york:row-0000abcd" != keys["key"].iloc[1]


def test_a_stored_generated_key_follows_its_row_when_the_row_moves():
    first = assign_keys(actions([None], ["Set up a panel"], rows=[7]), plan_id="york")
    known = pd.DataFrame({"key": first["key"], "fingerprint": first["fingerprint"], "sheet": "Actions", "row": [7]})
    # A row was inserted above: same words, new row; and a new refless row took row 7.
    moved = assign_keys(actions([None, None], ["Brand new", "Set up a panel"], rows=[7, 8]), plan_id="york", known=known)
    assert first["key"].iloc[0] == moved["key"].iloc[1]
    assert first["key"].iloc[0] != moved["key"].iloc[0]


def test_of_two_rows_with_the_same_text_the_one_that_kept_its_place_keeps_its_stored_key():
    # Only the second row was synced (the first was invalid), so only its key was stored.
    first = assign_keys(actions([None, None], ["Review", "Review"], rows=[6, 11]), plan_id="york")
    known = pd.DataFrame({"key": first["key"].iloc[[1]], "fingerprint": first["fingerprint"].iloc[[1]], "sheet": "Actions", "row": [11]})
    again = assign_keys(actions([None, None], ["Review", "Review"], rows=[6, 11]), plan_id="york", known=known)
    assert first["key"].tolist() == again["key"].tolist()


def test_keys_of_another_plan_in_the_stored_table_are_ignored():
    known = pd.DataFrame({"key": ["leeds:row-0000abcd"], "fingerprint": ["x"], "sheet": ["Actions"], "row": [5]})
    keys = assign_keys(actions([None]), plan_id="york", known=known)
    assert keys["key"].iloc[0].startswith("york:row-")


def test_each_rows_own_plan_cell_is_the_plan_part_of_its_key():
    frame = actions(["1.1", "1.1", "1.1"]).assign(plan=["Rotherham ILACS 2022", "York Ofsted 2022", None])
    keys = assign_keys(frame, plan_id="from-settings")["key"].tolist()
    assert ["rotherham-ilacs-2022:1.1", "york-ofsted-2022:1.1", "from-settings:1.1"] == keys


def test_refless_rows_of_two_plans_keep_their_stored_keys_apart():
    known = pd.DataFrame({"key": ["york:row-0000abcd"], "fingerprint": ["0000abcd"], "sheet": ["Actions"], "row": [7]})
    frame = actions([None, None], ["New wording", "Other"], rows=[7, 7]).assign(plan=["Leeds", "York"])
    keys = assign_keys(frame, plan_id="x", known=known)["key"].tolist()
    assert keys[0].startswith("leeds:row-")
    assert "york:row-0000abcd" == keys[1]


ISSUE_COLS = ["sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity"]


def test_duplicate_keys_are_errors_naming_the_plan_and_rows():
    frame = actions(["1.1", "1.2", "1.1", "1.1"], rows=[5, 6, 9, 10]).assign(plan=["York", "York", "York", "Leeds"])
    keys = assign_keys(frame, plan_id="x")["key"]
    issues = duplicate_key_issues(frame, keys, pd.DataFrame(columns=ISSUE_COLS), columns={"ref": 1, "action": 2})
    assert ["Actions!A5", "Actions!A9"] == issues["cell"].tolist()
    assert [
        "Ref '1.1' is used by more than one action of plan 'York' (rows 5, 9); sync tells actions apart by plan "
        "and ref, so none of these rows is synced until each has its own ref."
    ] * 2 == issues["message"].tolist()
    assert ["Give each of these actions its own ref, e.g. 1.1a."] * 2 == issues["fix"].tolist()
    assert (["error", "error"], ["duplicate_key"] * 2) == (issues["severity"].tolist(), issues["check"].tolist())


def test_a_row_already_reported_as_duplicate_ref_is_not_reported_twice():
    frame = actions(["1.1", "1.1", "1.1"], rows=[5, 6, 9])
    keys = assign_keys(frame, plan_id="york")["key"]
    reported = pd.DataFrame([{**dict.fromkeys(ISSUE_COLS), "sheet": "Actions", "row": r, "check": "duplicate_ref"} for r in (5, 6)])
    issues = duplicate_key_issues(frame, keys, reported, columns={"ref": 1})
    assert [("duplicate_ref", 5), ("duplicate_ref", 6), ("duplicate_key", 9)] == list(zip(issues["check"], issues["row"]))
    assert "(rows 5, 6, 9)" in issues["message"].iloc[2]


def test_no_duplicates_no_issues():
    frame = actions(["1.1", "1.2"])
    none = pd.DataFrame(columns=ISSUE_COLS)
    assert 0 == len(duplicate_key_issues(frame, assign_keys(frame, plan_id="y")["key"], none, columns={"ref": 1}))

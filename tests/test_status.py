"""Status inferred from the progress and target text teams already write (DESIGN §5, issue 4)."""

from dataclasses import replace

import pandas as pd
import pytest

from validation.status import StatusKeywords, infer_status, says_complete


def _infer(progress, target="March 2023", keywords=StatusKeywords()):
    return infer_status(pd.Series([progress], dtype=object), pd.Series([target], dtype=object), keywords).iloc[0]


@pytest.mark.parametrize(
    "progress, status",
    [
        ("Action Complete Sign off approved at the Evidence Challenge Panel on the 14 November 2022", "Signed off"),
        ("Complete - practice standards shared with all MASH staff", "Complete"),
        ("Completed.", "Complete"),
        ("October 2018 Complete October 2018", "Complete"),
        ("In Progress – on track", "On track"),  # en dash, as in the Rotherham plan
        ("In Progress — on track", "On track"),  # em dash
        ("in progress - ON TRACK", "On track"),
        ("Work is on-track", "On track"),
        ("This review is currently underway.", "On track"),
        ("Action awaiting start", "Not started"),
        ("Not yet started", "Not started"),
        ("Off track: no capacity in the team", "Off track"),
        ("Not on track", "Off track"),
        ("Delayed by the system upgrade", "At risk"),
        # The panel agreed the work was done but did not close it: still to be watched.
        (
            "Reviewed at the Evidence Challenge Panel on the 14 November 2022 who agreed that the action was "
            "complete but requested further time for assurance that completion of the form was embedded.",
            "At risk",
        ),
        ("This review is currently underway. Once completed other sections will be reviewed.", "On track"),
        ("Continue to drive social workers to complete reflective supervision", pd.NA),
        ("Revised timescale of January 2014", pd.NA),  # a slipped date, not a status: BRAG sees it
        ("", pd.NA),
        (None, pd.NA),
        (42, pd.NA),
    ],
)
def test_status_is_read_from_progress_text(progress, status):
    got = _infer(progress)
    assert (status is pd.NA and got is pd.NA) or status == got


def test_a_target_that_says_complete_makes_the_action_complete():
    assert "Complete" == _infer("In Progress – on track", target="May 2018 Complete June 2018")
    assert "Complete" == _infer(None, target="Completed.")
    assert "Signed off" == _infer("Sign off approved at DLT", target="Completed.")
    assert "On track" == _infer("In progress", target="To be completed by March 2023")


def test_a_settings_sheet_can_replace_a_keyword_list():
    keywords = replace(StatusKeywords(), on_track=("going well",), complete=("finished",))
    assert "On track" == _infer("Going well", keywords=keywords)
    assert "Complete" == _infer("Finished", keywords=keywords)
    assert _infer("In progress", keywords=keywords) is pd.NA


def test_an_empty_keyword_list_matches_nothing():
    keywords = replace(StatusKeywords(), on_track=())
    assert _infer("In Progress – on track", keywords=keywords) is pd.NA


def test_status_comes_back_index_aligned():
    progress = pd.Series(["Completed.", "Action awaiting start", None], index=["a", "b", "c"], dtype=object)
    target = pd.Series(["July 2022", "July 2022", "July 2022"], index=["a", "b", "c"], dtype=object)
    got = infer_status(progress, target, StatusKeywords())
    assert ["a", "b", "c"] == got.index.tolist()
    assert ["Complete", "Not started", None] == [None if v is pd.NA else v for v in got]


def test_says_complete_ignores_future_completion():
    text = pd.Series(["Action Complete", "to be completed by May", "complete by March", "Completed.", None], dtype=object)
    assert [True, False, False, True, False] == says_complete(text).tolist()


def test_many_texts_at_once_are_each_read_on_their_own():
    # Distinct texts are searched together (joined by NUL); each answer must still be its own text's.
    progress = ["In Progress – on track", None, "Delayed", 12, "", "Not on track", "Sign-off approved", "Action awaiting start"]
    target = pd.Series(["March 2023"] * len(progress), dtype=object)
    assert ["On track", pd.NA, "At risk", pd.NA, pd.NA, "Off track", "Signed off", "Not started"] == infer_status(
        pd.Series(progress, dtype=object), target
    ).tolist()


def test_a_text_holding_nul_is_still_read_on_its_own():
    # No cell can hold NUL, but a frame can: such texts are searched one by one.
    assert ["On track", "At risk"] == infer_status(pd.Series(["In progress\x00", "Delayed"]), pd.Series(["", ""])).tolist()

"""Council dates (DESIGN §3): every written form, day-first always, nothing guessed."""

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from validation.date_columns import parse_dates
from validation.dates import KINDS, parse_date
from validation.revised import find_revised_date
from validation.signoff import approval_date

NO_DATE = None


def _day(value) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


# DESIGN §3, one row per form as written (plus the forms in the two sample plans).
@pytest.mark.parametrize(
    "written, due, kind, completed",
    [
        # an Excel date, 01/07/2022, 1 July 2022 -> that day
        (datetime(2022, 7, 1), date(2022, 7, 1), "date", NO_DATE),
        (date(2022, 7, 1), date(2022, 7, 1), "date", NO_DATE),
        (datetime(2022, 7, 1, 15, 30), date(2022, 7, 1), "date", NO_DATE),  # time of day ignored
        (pd.Timestamp("2022-07-01 23:00", tz="UTC"), date(2022, 7, 1), "date", NO_DATE),  # the wall-clock day
        (np.datetime64("2022-07-01"), date(2022, 7, 1), "date", NO_DATE),
        (date(1615, 1, 1), NO_DATE, "unreadable", NO_DATE),  # a typing slip, not a plan date
        ("01/07/2022", date(2022, 7, 1), "date", NO_DATE),  # day-first, always
        ("1/7/2022", date(2022, 7, 1), "date", NO_DATE),
        ("01/07/22", date(2022, 7, 1), "date", NO_DATE),  # two-digit year
        ("01.07.2022", date(2022, 7, 1), "date", NO_DATE),
        ("13/01/2023", date(2023, 1, 13), "date", NO_DATE),
        ("1 July 2022", date(2022, 7, 1), "date", NO_DATE),
        ("1st July 2022", date(2022, 7, 1), "date", NO_DATE),
        ("22nd Sept 2022", date(2022, 9, 22), "date", NO_DATE),
        ("July 1, 2022", date(2022, 7, 1), "date", NO_DATE),
        ("2022-07-01", date(2022, 7, 1), "date", NO_DATE),
        # July 2022, End of April 2013, By when: March 2013. -> last day of that month
        ("July 2022", date(2022, 7, 31), "month", NO_DATE),
        ("End of April 2013", date(2013, 4, 30), "month", NO_DATE),
        ("By when: March 2013.", date(2013, 3, 31), "month", NO_DATE),
        ("Sept 2022", date(2022, 9, 30), "month", NO_DATE),
        ("Sep 2022", date(2022, 9, 30), "month", NO_DATE),
        ("february 2024", date(2024, 2, 29), "month", NO_DATE),  # leap year
        ("Jul-22", date(2022, 7, 31), "month", NO_DATE),
        # Q3 2013, During Q3 (by end of December 2013) -> end of that quarter; explicit date wins
        ("Q3 2013", date(2013, 9, 30), "quarter", NO_DATE),
        ("Q1 2023", date(2023, 3, 31), "quarter", NO_DATE),
        ("Q3 2013/14", date(2013, 12, 31), "quarter", NO_DATE),  # financial year April-March
        ("Q4 2013/14", date(2014, 3, 31), "quarter", NO_DATE),
        ("During Q3 (by end of December 2013)", date(2013, 12, 31), "month", NO_DATE),
        # no fixed date: recurring / to be confirmed
        ("Ongoing", NO_DATE, "recurring", NO_DATE),
        ("Quarterly reporting", NO_DATE, "recurring", NO_DATE),
        ("Performance reviewed weekly", NO_DATE, "recurring", NO_DATE),
        ("Monthly from July 2022", NO_DATE, "recurring", NO_DATE),  # starts then, recurs after
        ("To be confirmed", NO_DATE, "tbc", NO_DATE),
        ("Review dates to be confirmed", NO_DATE, "tbc", NO_DATE),
        ("TBC", NO_DATE, "tbc", NO_DATE),
        # target plus completion
        ("May 2018 Complete June 2018", date(2018, 5, 31), "complete", date(2018, 6, 30)),
        ("October 2018 Complete October 2018", date(2018, 10, 31), "complete", date(2018, 10, 31)),
        ("Completed.", NO_DATE, "complete", NO_DATE),
        ("Completed 12/12/2022", NO_DATE, "complete", date(2022, 12, 12)),
        ("Complete review by July 2022", date(2022, 7, 31), "month", NO_DATE),  # an instruction, not a fact
        # the date inside the text
        ("LLG to be established by October 2022", date(2022, 10, 31), "month", NO_DATE),
        ("January 2023 development of proposed pathway", date(2023, 1, 31), "month", NO_DATE),
        ("To be completed by March 2023", date(2023, 3, 31), "month", NO_DATE),  # not complete yet
        ("July 2022 - September 2022", date(2022, 9, 30), "month", NO_DATE),  # a range: its end
        # nothing written
        (None, NO_DATE, "blank", NO_DATE),
        ("   ", NO_DATE, "blank", NO_DATE),
        (float("nan"), NO_DATE, "blank", NO_DATE),
        # never guessed
        ("Jully 2022", NO_DATE, "unreadable", NO_DATE),
        ("Sept-ish 2022", NO_DATE, "unreadable", NO_DATE),
        ("31/02/2022", NO_DATE, "unreadable", NO_DATE),
        ("13/13/2022", NO_DATE, "unreadable", NO_DATE),
        ("July 0022", NO_DATE, "unreadable", NO_DATE),
        ("soon", NO_DATE, "unreadable", NO_DATE),
        ("Q3", NO_DATE, "unreadable", NO_DATE),
        (44743, NO_DATE, "unreadable", NO_DATE),  # an Excel serial that lost its date format
        (True, NO_DATE, "unreadable", NO_DATE),
        ("=TODAY()+7", NO_DATE, "formula", NO_DATE),
        (" =B2+30", NO_DATE, "formula", NO_DATE),
    ],
)
def test_dates_as_councils_write_them(written, due, kind, completed):
    one = parse_date(written)
    assert (due, kind, completed) == (_day(one.due), one.kind, _day(one.completed))
    column = parse_dates(pd.Series([written], dtype=object)).iloc[0]
    assert (due, kind, completed) == (_day(column["due"]), column["kind"], _day(column["completed"]))


def test_a_column_is_read_index_aligned_with_the_same_answer_for_repeated_values():
    values = pd.Series(["July 2022", None, datetime(2022, 3, 1), "July 2022", "Jully 2022"], index=[10, 11, 12, 13, 14], dtype=object)
    read = parse_dates(values)
    assert [10, 11, 12, 13, 14] == read.index.tolist()
    assert ["due", "kind", "completed"] == read.columns.tolist()
    assert "datetime64[ns]" == str(read["due"].dtype)
    assert [date(2022, 7, 31), None, date(2022, 3, 1), date(2022, 7, 31), None] == [_day(d) for d in read["due"]]
    assert ["month", "blank", "date", "month", "unreadable"] == read["kind"].tolist()


def test_an_empty_column_reads_as_an_empty_frame():
    read = parse_dates(pd.Series([], dtype=object))
    assert (0, ["due", "kind", "completed"]) == (len(read), read.columns.tolist())


def test_every_kind_is_one_of_the_documented_kinds():
    values = pd.Series(["July 2022", "Q3 2013", "Ongoing", "TBC", "Completed.", None, "Jully", "=A1", date(2022, 1, 1)], dtype=object)
    assert set(KINDS) == set(parse_dates(values)["kind"])


@pytest.mark.parametrize(
    "progress, revised",
    [
        ("Revised timescale of January 2014", date(2014, 1, 31)),
        ("Timescale likely now to be March 2014", date(2014, 3, 31)),
        ("Work slipped. Revised target date: 30/06/2023 agreed at board", date(2023, 6, 30)),
        ("Deadline extended to September 2023", date(2023, 9, 30)),
        ("Meeting held in January 2014; on track", None),  # a date, but not a revised one
        ("In Progress – on track", None),
        (None, None),
    ],
)
def test_a_revised_target_is_found_in_progress_text(progress, revised):
    found = find_revised_date(pd.Series([progress], dtype=object))
    assert [revised] == [_day(d) for d in found]


def test_revised_targets_are_found_among_many_texts_whatever_their_case():
    # Texts are first sifted by the words an announcement needs (in lower case; texts beyond ASCII,
    # where 'ſ' matches 's', always go to the regex): sifting must never lose one.
    progress = ["REVISED TIMESCALE of January 2014", "Nothing to report", "Reviſed timescale of March 2014", 12, "NOW EXPECTED June 2014"]
    found = find_revised_date(pd.Series(progress, dtype=object))
    assert [date(2014, 1, 31), None, date(2014, 3, 31), None, date(2014, 6, 30)] == [_day(d) for d in found]


def test_texts_sifted_by_their_words_read_as_one_by_one():
    # parse_dates first sifts texts by the words each rule needs (in lower case; texts beyond ASCII,
    # where 'ſ' matches 's', are never skipped): it must agree with parse_date on every one.
    texts = ["ONGOING", "Quarterly Reporting", "to be CONFIRMED", "TBA", "COMPLETED.", "May 2018 COMPLETE June 2018",
             "Monthly from July 2022", "Buſineſs as usual", "July 2022", "Jully 2022", "Review dates To Be Agreed"]
    read = parse_dates(pd.Series(texts, dtype=object))
    assert [parse_date(text).kind for text in texts] == read["kind"].tolist()
    assert ["recurring", "recurring", "tbc", "tbc", "complete", "complete", "recurring", "recurring", "month", "unreadable", "tbc"] == read["kind"].tolist()


@pytest.mark.parametrize("written, month", [("ſept 2022", 9), ("Auguſt 2022", 8), ("14 Aprİl 2022", 4), ("14 aprıl 2022", 4)])
def test_a_month_typed_with_a_look_alike_letter_is_read_by_both_readers_not_a_crash(written, month):
    # Text pasted from PDFs and other systems carries letters such as the long s; case-insensitive
    # matching takes them for their ASCII twins, so the month must be found, not raise.
    one = parse_date(written)
    column = parse_dates(pd.Series([written], dtype=object))
    assert one.due.month == month
    assert column["due"].iloc[0] == one.due


def test_a_sign_off_dated_with_a_look_alike_letter_is_read_not_a_crash():
    assert approval_date("Signed off by the board on 14 ſept 2022") == date(2022, 9, 14)

"""A value between cell, sync's text and the list (sync.values): the list's date column gets the same
date whether the core's reading of the cell is reused or the text is read again."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from sync.values import ListMap, as_cell, cell_for, normalise_value, read_dues
from validation.facts import PlanFacts

CELLS = [
    datetime(2022, 7, 31),
    datetime(2022, 7, 31, 10, 30),
    date(2023, 1, 2),
    datetime(1890, 1, 1),
    " July 2022 ",
    "Q3 2013/14",
    "End of April  2013",
    "Completed May 2018",
    "Ongoing",
    "TBC",
    "=TODAY()",
    "31/02/2022",
    44000.0,
    True,
    None,
    np.nan,
]


def test_the_list_gets_the_same_target_date_from_the_cores_reading_as_from_reading_the_text_again():
    actions = pd.DataFrame({"target": CELLS, "revised_target": CELLS[::-1]})
    dues = read_dues(PlanFacts(actions), ["target", "revised_target"])
    texts = [normalise_value(v) for v in CELLS]

    reused = [ListMap(dues=dues).to_list({"target": t})["Target"] for t in texts]
    read_again = [ListMap().to_list({"target": t})["Target"] for t in texts]

    assert read_again == reused
    assert ["2022-07-31", "2022-07-31", "2023-01-02", None, "2022-07-31"] == reused[:5]


def test_a_value_from_the_list_stands_in_its_cell_as_a_date_only_in_a_date_field():
    assert datetime(2022, 7, 31) == as_cell("2022-07-31", "date")
    assert "2022-07-31" == as_cell("2022-07-31", "text")
    assert "July 2022" == as_cell("July 2022", "date")
    assert as_cell("", "date") is None
    assert "Done␇" == cell_for("Done\x07", "text")  # a control character a cell cannot hold: its picture

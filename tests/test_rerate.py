"""Re-rating from list items gives what a sync from the workbook sends: one set of rules, read two ways."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from sync.rerate import INPUTS, record_of, rerate
from sync.values import ListMap, derived_text, normalise_values
from validation.rag import RagRules, compute_rag
from validation.status import StatusKeywords

TODAY = date(2026, 2, 14)

# As a workbook gives them: Excel dates as datetimes, council dates as text, statuses inferred from progress.
ROWS = pd.DataFrame(
    [
        {"target": datetime(2026, 1, 31), "status": "On track", "progress": "Started"},
        {"target": "Q1 2026", "status": None, "progress": "Going well"},
        {"target": "Ongoing", "status": "On track", "progress": ""},
        {"target": "May 2018 Complete June 2018", "status": None, "progress": ""},
        {"target": "31/12/2025", "status": None, "progress": "Revised timescale of March 2026"},
        {"target": datetime(2026, 1, 10), "status": None, "progress": "Action complete, signed by the board"},
        {"target": "End of April 2026", "status": "at risk", "progress": ""},
        {"target": datetime(2026, 3, 1), "status": None, "progress": "", "completed": datetime(2026, 2, 1)},
        {"target": "To be confirmed", "status": "Off track", "progress": ""},
    ]
).reindex(columns=list(INPUTS))


def as_list_items(rows: pd.DataFrame) -> dict[str, dict]:
    """Each row as ``plansync sync`` writes it to the list, then read back into the refresh cache."""
    listmap = ListMap.default()
    text = normalise_values(rows, list(INPUTS))
    stale = {"due": "", "rag": "Green", "overdue": "", "days_overdue": ""}  # as rated on some earlier day
    out = {}
    for n, values in enumerate(text.to_dict("records")):
        fields = listmap.to_list({**values, **stale, "ref": f"1.{n}"}) | {"RowKey": f"york:1.{n}"}
        out[str(n)] = record_of({"id": str(n), "eTag": f'"{{e}},{n}"', "fields": fields}, listmap)
    return out


def test_rating_list_items_gives_what_a_sync_from_the_workbook_sends():
    rules = RagRules(amber_days=45, keywords=StatusKeywords())
    from_workbook = derived_text(compute_rag(ROWS, today=TODAY, rules=rules))
    changes, rated, unrated = rerate(as_list_items(ROWS), {"york": rules}, today=TODAY)
    from_list = {int(c.item_id): c.new for c in changes}
    assert (9, {}) == (rated, unrated)
    expected = {n: row for n, row in from_workbook.to_dict("index").items() if row != {"due": "", "rag": "Green", "overdue": "", "days_overdue": ""}}
    assert expected == from_list
    assert {"Red", "Amber", "Blue"} <= {c.new["rag"] for c in changes}


def test_withdrawn_items_and_items_without_rules_are_left_as_they_are():
    items = as_list_items(ROWS.head(2))
    items["0"]["withdrawn"] = "yes"
    items["9"] = dict(items["1"], key="leeds:1.1")
    changes, rated, unrated = rerate(items, {"york": RagRules()}, today=TODAY)
    assert (["1"], 1, {"leeds": 1}) == ([c.item_id for c in changes], rated, unrated)

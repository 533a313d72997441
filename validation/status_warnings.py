"""Warnings about status a person should look at (issue 13), as rows of the issues frame.

- ``status_undetermined``: the plan has no status column and neither the cell's colour nor the
  progress text says where the action stands; plansync leaves the status unknown (never a guessed
  "complete") and asks a person to set it.
- ``status_colour_disagrees``: a status cell's words say one status and its fill colour another;
  the words win.
"""

from __future__ import annotations

import pandas as pd

from validation.fields import FIELD_BY_NAME, ROW_COL, SHEET_COL
from validation.grid import cell_address, column_letter
from validation.schema import ISSUE_COLUMNS


def undetermined_status_issues(actions: pd.DataFrame, rated: pd.DataFrame, columns: dict[str, int]) -> pd.DataFrame:
    """One warning per action whose status is unknown, in a plan without a status column.

    ``rated`` is ``compute_rag(actions, ...)``: an action it finds complete (by a completed date or
    a target saying complete) has a status, whatever its progress text says.
    """
    if "status" in columns or not len(actions):
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    unknown = rated["status"].isna() & ~rated["complete"].astype(bool)
    name = "progress" if "progress" in columns else "action"
    col = columns.get(name, columns.get("action", 1))
    rows = []
    for index in actions.index[unknown.to_numpy()]:
        sheet, row = actions.at[index, SHEET_COL], int(actions.at[index, ROW_COL])
        value = actions.at[index, name]
        said = f"its {FIELD_BY_NAME[name].label.lower()} ('{_short(value)}')" if value is not None else f"its empty {FIELD_BY_NAME[name].label.lower()} cell"
        rows.append({
            "sheet": sheet, "cell": cell_address(sheet, row, col), "row": row, "column": column_letter(col), "field": name,
            "value": value, "check": "status_undetermined", "severity": "warning",
            "message": f"plansync cannot tell from {said} whether this action is complete, on track or at risk, so its status is left unknown (it is not counted complete).",
            "fix": "Write where the action stands at the start of the update (for example 'Complete - ...' or 'In progress - on track'), or add a Status column and set it.",
        })
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def colour_disagreement_issues(notes: list[tuple[str, str, str]], field: str = "status") -> pd.DataFrame:
    """One warning per cell whose words and colour say different statuses."""
    rows = []
    for address, words, colour in notes:
        sheet, cell = address.rsplit("!", 1)
        letters = "".join(ch for ch in cell if ch.isalpha())
        rows.append({
            "sheet": sheet.strip("'"), "cell": address, "row": int("".join(ch for ch in cell if ch.isdigit())), "column": letters,
            "field": field, "value": words, "check": "status_colour_disagrees", "severity": "warning",
            "message": f"This cell says '{words}' but its fill colour stands for '{colour}'; plansync goes by the words.",
            "fix": "Change the cell's words or its colour so both say the same status.",
        })
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def _short(value: object, limit: int = 60) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = ["colour_disagreement_issues", "undetermined_status_issues"]

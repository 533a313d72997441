"""Text in a cell is text, whatever it begins with; only a real formula is reported as one (issue 19).

Formulas cross the workbook seam as their ``"=..."`` text, so the core's ``formula`` check flags
every text beginning with '='. A list value such as ``=cmd|' /C calc'!A0`` or ``= agreed at board``
that sync wrote into a cell *as text* then came back as "a formula", the row was skipped as
invalid, and every later sync skipped it again. The readers now hand such a cell over as
``validation.grid.Text``; this module takes the formula issue off those cells and words what is
really wrong with them, if anything (a date column cannot read it, a status is not one plansync
knows, a single-line text is too long).
"""

from __future__ import annotations

import pandas as pd

from validation.fields import FIELD_BY_NAME, ROW_COL, SHEET_COL, SINGLE_LINE_MAX, STATUSES
from validation.grid import Text
from validation.messages import WORDING, shown

# The check a text beginning with '=' fails instead, by the field's kind (None: it is fine).
_INSTEAD = {"date": "date_unreadable", "status": "status_unknown", "email": "owner_not_email"}


def text_not_formula(issues: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """``issues`` without the 'formula' issues of cells holding text, each replaced by what the
    text really fails, if anything.

    Args:
        issues: the issues frame (``sheet, row, field, value, check, message, fix, severity`` ...).
        actions: the actions frame as read (raw values, ``_sheet``, ``_row``).
    """
    if not len(issues) or not (issues["check"] == "formula").any():
        return issues
    at = {(str(s), int(r)): i for i, (s, r) in enumerate(zip(actions[SHEET_COL], actions[ROW_COL]))}
    drop, changed = [], {}
    for n, issue in issues[issues["check"] == "formula"].iterrows():
        pos = at.get((str(issue["sheet"]), int(issue["row"])))
        name = issue["field"]
        if pos is None or name not in actions.columns or not isinstance(actions[name].iloc[pos], Text):
            continue
        value = str(actions[name].iloc[pos])
        meta = FIELD_BY_NAME[name]
        check = _INSTEAD.get(meta.kind)
        if check is None and meta.kind == "text" and len(value) > SINGLE_LINE_MAX:
            check = "text_too_long"
        if check is None:
            drop.append(n)
            continue
        words = WORDING[check]
        params = {"label": meta.label, "lower": meta.label.lower(), "value": shown(value), "length": len(value), "statuses": ", ".join(STATUSES)}
        changed[n] = (check, words.message.format(**params), words.fix.format(**params), words.severity)
    out = issues.drop(index=drop)
    for n, (check, message, fix, severity) in changed.items():
        out.loc[n, ["check", "message", "fix", "severity"]] = [check, message, fix, severity]
    return out.reset_index(drop=True)


__all__ = ["text_not_formula"]

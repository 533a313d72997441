"""Issues-sheet lines for list values a cell shows only as a substitute (``sync.cell_values``).

A sync or a pull writes such a value into its cell as control pictures or cut with a marker; this
module says so at that cell, so nobody takes the cell for the list's value, and says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from sync.cell_values import CELL_MAX, Substitute, cell_text
from validation.fields import FIELD_BY_NAME
from validation.grid import cell_address, column_letter

ISSUE_COLUMNS = ["sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity"]
CHECK = "list_value_substituted"
# The Issues sheet shows the start of the value: enough to find it, short enough to read.
_SHOWN = 60


def _what(sub: Substitute) -> str:
    parts = []
    if sub.control:
        parts.append("control characters (shown here as symbols such as ␇)")
    if sub.cut:
        parts.append(f"{sub.length:,} characters (a cell holds {CELL_MAX:,}; shown here cut, ending '[... cut by plansync ...]')")
    return " and ".join(parts)


def substitute_issues(
    subs: Iterable[Substitute],
    cells: Mapping[str, tuple[str, int]],
    columns: Mapping[str, int],
    values: Mapping[tuple[str, str], str] | None = None,
    *,
    fix: str,
) -> pd.DataFrame:
    """One warning per substituted cell.

    Args:
        subs: the substituted values (``sync.cell_values.substitutes``).
        cells: row key -> (sheet, row) of its cell.
        columns: field -> 1-based column.
        values: (key, field) -> the list's value (for the Issues sheet's Value column).
        fix: what to do, as fits the workbook (a plan, or a reporting workbook).
    """
    rows = []
    for sub in subs:
        if sub.key not in cells or sub.field not in columns:
            continue
        sheet, row = cells[sub.key]
        col = int(columns[sub.field])
        label = FIELD_BY_NAME[sub.field].label if sub.field in FIELD_BY_NAME else sub.field
        where = cell_address(sheet, row, col)
        true = (values or {}).get((sub.key, sub.field), "")
        shown = cell_text(true[:_SHOWN]) + ("..." if len(true) > _SHOWN else "")
        rows.append(
            {
                "sheet": sheet,
                "cell": where,
                "row": row,
                "column": column_letter(col),
                "field": sub.field,
                "value": shown,
                "check": CHECK,
                "message": f"{where}: the {label} of {sub.key} in the list holds {_what(sub)}, which an Excel cell cannot hold as it is.",
                "fix": fix,
                "severity": "warning",
            }
        )
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def with_substitutes(
    issues: pd.DataFrame, base: pd.DataFrame, fields: Iterable[str], cells: Mapping[str, tuple[str, int]], columns: Mapping[str, int]
) -> pd.DataFrame:
    """A plan's ``issues`` plus a warning at each cell showing a substitute of its value as last synced."""
    from sync.cell_values import substitutes

    subs = substitutes(base, fields)
    if not subs:
        return issues
    values = {(s.key, s.field): str(base.at[s.key, s.field]) for s in subs}
    found = substitute_issues(subs, cells, columns, values, fix=PLAN_FIX)
    if found.empty:
        return issues
    return pd.concat([issues.reindex(columns=list(dict.fromkeys([*ISSUE_COLUMNS, *issues.columns]))), found], ignore_index=True) if len(issues) else found


def write_report_issues(book, actions: pd.DataFrame, *, sheet: str, columns: Mapping[str, int], key: str = "key") -> int:
    """Rewrite the reporting workbook's Issues sheet: a warning at each Consolidated cell showing a
    substitute (none: the sheet, if there is one, says so). Returns how many were flagged."""
    from plansync.commands.validate import issues_sheet_rows
    from sync.cell_values import substitutes
    from validation.sheet_names import ISSUES_SHEET

    fields = [f for f in columns if f in actions.columns and f != key]
    # Row keys are unique in the list (its RowKey column is).
    frame = actions.drop_duplicates(subset=[key]).set_index(key)
    subs = substitutes(frame[fields].astype(object).where(frame[fields].notna(), ""), fields)
    if not subs and ISSUES_SHEET not in book.sheet_names():
        return 0
    rows_of = {str(k): (sheet, int(r)) for k, r in zip(frame.index, frame["_row"])}
    values = {(s.key, s.field): str(frame.at[s.key, s.field]) for s in subs}
    found = substitute_issues(subs, rows_of, columns, values, fix=REPORT_FIX)
    rows = issues_sheet_rows(found)
    if found.empty:
        rows.append(["No problems: every value from the list fits its cell."])
    book.replace_sheet(ISSUES_SHEET, rows)
    return len(found)


KEPT_BACK = (
    "your edit to {label} was not sent: the cell still shows plansync's stand-in for the list's value "
    "(cut short, or control characters shown as symbols), and sending it would cut or change the list's text. "
    "Replace the whole text in the cell, or edit the item in SharePoint."
)


def kept_back(blocked: Iterable[tuple[str, str]]) -> list:
    """A refusal per (key, field) edited while still showing a substitute (``sync.cell_values.edited_substitutes``)."""
    from sync.engine import Refusal

    return [Refusal(key, KEPT_BACK.format(label=FIELD_BY_NAME[name].label)) for key, name in blocked]


PLAN_FIX = (
    "plansync keeps the list's own value and never writes this cell's text back over it. "
    "To change the value, type new text in the cell (it then replaces the list's value at the next sync), or edit the item in SharePoint."
)
REPORT_FIX = "The list keeps the full value; open the item in SharePoint to read it whole."


__all__ = sorted(["CHECK", "KEPT_BACK", "PLAN_FIX", "REPORT_FIX", "kept_back", "substitute_issues", "with_substitutes", "write_report_issues"])

"""What a sync shows in the workbook: the Conflicts sheet, a result line on Issues, Last sync in Settings.

The Conflicts sheet lists each field changed on both sides, with both values, who changed the
list, and a **Keep** column. A person settles a conflict either by typing ``workbook`` or ``list``
under Keep, or by editing the cell in the plan (the new value then wins); the next sync reads
the sheet back (``read_resolutions``) before planning.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from plansync.workbook.base import Workbook
from sync.cell_values import cell_rows
from sync.engine import SyncPlan
from validation.fields import FIELD_BY_NAME
from validation.grid import cell_address
from validation.settings_labels import SETTING_LABELS, normalise_label
from validation.sheet_names import CONFLICTS_SHEET, ISSUES_SHEET, SETTINGS_SHEET

CONFLICT_HEADER = ["Row key", "Field", "Cell", "Workbook value", "List value", "Changed in the list by", "Keep (workbook or list)"]
SYNC_LINE_LABEL = "Last sync"
NO_CONFLICTS = "No conflicts: the workbook and the list agree on every field both changed."


def read_resolutions(book: Workbook, workbook: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(key, field) -> 'workbook' or 'list' for the conflicts a person has settled.

    Settled means: 'workbook' or 'list' typed under Keep, or the cell edited since the conflict
    was listed (its value differs from the listed workbook value: the new value wins).
    """
    if CONFLICTS_SHEET not in book.sheet_names():
        return {}
    grid = book.read_sheet(CONFLICTS_SHEET)
    labels = {FIELD_BY_NAME[n].label.lower(): n for n in FIELD_BY_NAME} | {n: n for n in FIELD_BY_NAME}
    out: dict[tuple[str, str], str] = {}
    for line in grid.values[1:]:
        line = list(line) + [None] * (len(CONFLICT_HEADER) - len(line))
        key, field_label, _, wb_value, _, _, keep = line[:7]
        if not key or not field_label:
            continue
        name = labels.get(str(field_label).strip().lower())
        if name is None:
            continue
        choice = str(keep or "").strip().lower()
        if choice in ("workbook", "list"):
            out[(str(key), name)] = choice
        elif str(key) in workbook.index and name in workbook.columns:
            now = workbook.at[str(key), name]
            if now != ("" if wb_value is None else str(wb_value).strip()):
                out[(str(key), name)] = "workbook"
    return out


def write_conflicts(book: Workbook, plan: SyncPlan, cells: dict[str, tuple[str, int]], columns: dict[str, int] | None = None) -> None:
    """Replace the Conflicts sheet with the plan's conflicts (a line saying there are none otherwise)."""
    rows: list[list[Any]] = [list(CONFLICT_HEADER)]
    for c in plan.conflicts:
        sheet, row = cells.get(c.key, ("", 0))
        col = (columns or {}).get(c.field)
        where = cell_address(sheet, row, col) if sheet and col else (f"{sheet} row {row}" if sheet else "")
        rows.append([c.key, FIELD_BY_NAME[c.field].label, where, c.workbook, c.list, _writer(c), None])
    if not plan.conflicts:
        if CONFLICTS_SHEET not in book.sheet_names():
            return
        rows.append([NO_CONFLICTS])
    book.replace_sheet(CONFLICTS_SHEET, cell_rows(rows))


def _writer(conflict: Any) -> str:
    """'Bob Jones <bob@x.gov.uk> on 15/01/2026 09:30 UTC': who wrote the list's value, and when."""
    when = getattr(conflict, "changed_at", "")
    if not when:
        return conflict.changed_by or "unknown"
    try:
        stamp = datetime.fromisoformat(when.replace("Z", "+00:00")).strftime("%d/%m/%Y %H:%M UTC")
    except ValueError:
        stamp = when
    return f"{conflict.changed_by or 'someone'} on {stamp}"


def write_sync_line(book: Workbook, when: datetime, summary: str, issues: pd.DataFrame) -> None:
    """Rewrite the Issues sheet: this sync's validation issues (the skipped rows), then one result line."""
    from plansync.commands.validate import issues_sheet_rows

    rows = issues_sheet_rows(issues)
    rows.append([])
    rows.append([SYNC_LINE_LABEL, f"{when:%d/%m/%Y %H:%M}: {summary}"])
    book.replace_sheet(ISSUES_SHEET, rows)


def write_last_sync(book: Workbook, when: datetime) -> None:
    """Write the time of this sync next to 'Last sync' on the Settings sheet (adding the row if missing)."""
    if SETTINGS_SHEET not in book.sheet_names():
        return
    grid = book.read_sheet(SETTINGS_SHEET)
    wanted = {normalise_label(label) for label in SETTING_LABELS["last_sync"]}
    stamp = when.replace(tzinfo=None)
    for offset, line in enumerate(grid.values):
        if line and normalise_label(line[0]) in wanted:
            book.write_range(SETTINGS_SHEET, grid.origin[0] + offset, 2, [[stamp]])
            return
    book.write_range(SETTINGS_SHEET, grid.max_row + 1, 1, [[SETTING_LABELS["last_sync"][0], stamp]])


__all__ = sorted(
    ["CONFLICTS_SHEET", "CONFLICT_HEADER", "NO_CONFLICTS", "SYNC_LINE_LABEL", "read_resolutions", "write_conflicts", "write_last_sync", "write_sync_line"]
)

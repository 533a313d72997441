"""The reporting workbook's two sheets as values: Consolidated (one row per action) and Summary.

``plansync.commands.pull`` decides what goes in; this module lays it out. Values are written
through the workbook seam (one bulk write per sheet), and so is the formatting (table size, date
formats, the chart), in a file or in Excel alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from plansync.workbook.base import Workbook
from plansync.workbook.drawing import BragChart, CellStyle
from sync.consolidated import MODIFIED_AT
from sync.values import as_cell, fit_for_cell
from validation.fields import RAG_VALUES
from validation.sheet_names import CONSOLIDATED_SHEET, SUMMARY_SHEET
from validation.summary import BoardSummary, sign_off_rows
from workbook_templates.consolidated import CHART_TITLE, CONSOLIDATED_COLUMNS, CONSOLIDATED_HEADER, PLAN_HEADER, PLAN_HEADER_ROW
from workbook_templates.formatting import OVERDUE_NO, OVERDUE_YES, RAG_COLOURS

# The Summary sheet's look: title, note, the per-plan table's headings with BRAG ones in their colours.
SUMMARY_STYLES: list[tuple[int, int, CellStyle]] = [
    (1, 1, CellStyle(bold=True, size=14)),
    (2, 1, CellStyle(italic=True, colour="595959")),
    *[(PLAN_HEADER_ROW, col, CellStyle(bold=True)) for col in range(1, len(PLAN_HEADER) + 1)],
    *[
        (PLAN_HEADER_ROW, PLAN_HEADER.index(value) + 1, CellStyle(bold=True, colour=RAG_COLOURS[value][1], fill=RAG_COLOURS[value][0]))
        for value in RAG_VALUES
    ],
]
SUMMARY_WIDTHS: dict[int, float] = {1: 34, 2: 16, **{col: 15 for col in range(3, len(PLAN_HEADER) + 1)}}


def write_consolidated(book: Workbook, actions: pd.DataFrame, rated: pd.DataFrame, previous_rows: int) -> None:
    """Header and one row per action in one bulk write; rows left from a longer earlier pull are blanked."""
    if CONSOLIDATED_SHEET not in book.sheet_names():
        book.replace_sheet(CONSOLIDATED_SHEET, [list(CONSOLIDATED_HEADER)])
    values = {
        **{name: actions[name] for name in CONSOLIDATED_COLUMNS if name in actions},
        "target": actions["target"].map(lambda v: as_cell(v, "date")),
        "revised_target": actions["revised_target"].map(lambda v: as_cell(v, "date")),
        "status": rated["status"].astype(object).where(rated["status"].notna(), None),
        "due": rated["due"].map(lambda v: None if pd.isna(v) else v.to_pydatetime()),
        "rag": rated["rag"].astype(object),
        "overdue": rated["overdue"].map(lambda v: OVERDUE_YES if v else OVERDUE_NO),
        "days_overdue": rated["days_overdue"].map(lambda v: None if pd.isna(v) else int(v)),
        "modified_at": actions[MODIFIED_AT].map(local_time),
    }
    rows: list[list[Any]] = [list(CONSOLIDATED_HEADER)]
    columns = [[fit_for_cell(v) for v in values[name].tolist()] for name in CONSOLIDATED_COLUMNS]
    rows += [list(line) for line in zip(*columns)] if len(actions) else []
    rows += [[None] * len(CONSOLIDATED_COLUMNS) for _ in range(max(0, previous_rows - len(actions)))]
    book.write_range(CONSOLIDATED_SHEET, 1, 1, rows)


def summary_rows(summary: BoardSummary, plans: pd.DataFrame, *, today: date, source: str, withdrawn: int) -> list[list[Any]]:
    """The Summary sheet's values from A1: per plan table (the chart reads it), totals, overdue actions."""
    rows: list[list[Any]] = [
        ["Consolidated action plans: summary for the board"],
        [f"As at {today:%d/%m/%Y}, from the {source}. Pull consolidated again (plansync pull) to bring it up to date."],
        [],
        list(PLAN_HEADER),
    ]
    for plan, row in plans.iterrows():
        rows.append([plan, *(int(row[c]) for c in plans.columns)])
    totals = plans.sum(numeric_only=True) if len(plans) else pd.Series(0, index=plans.columns)
    rows.append(["All plans", *(int(totals[c]) for c in plans.columns)])
    rows += [
        [],
        ["Withdrawn actions (removed from their plan; not counted above)", withdrawn],
        [],
        ["Overdue actions, most overdue first"],
        ["Plan", "Ref", "Lead", "Days overdue", "Where"],
    ]
    for item in summary.overdue:
        rows.append([item["_plan"], item["ref"], item["lead"], item["days_overdue"], f"{item['_sheet']}, row {item['_row']}"])
    if not summary.overdue:
        rows.append(["None"])
    return rows + sign_off_rows(summary, plan_column=True)


def summary_chart(plans: int) -> BragChart:
    """The chart of BRAG per plan over the Summary's per-plan table, to the right of it."""
    return BragChart(
        title=CHART_TITLE,
        x_title="Plan",
        header_row=PLAN_HEADER_ROW,
        rows=plans,
        first_rag_col=PLAN_HEADER.index(RAG_VALUES[0]) + 1,
        category_col=1,
        anchor=(PLAN_HEADER_ROW, len(PLAN_HEADER) + 2),
    )


def install_formatting(book: Workbook, *, rows: int, formatted: int, plans: int) -> None:
    """The Consolidated table's size and formats, and the Summary chart with the sheet's fonts and
    widths (left alone when the sheet already shows it over this many plans)."""
    book.fit_consolidated(rows, formatted)
    if book.draw_brag_chart(SUMMARY_SHEET, summary_chart(plans)):
        book.style_cells(SUMMARY_SHEET, SUMMARY_STYLES)
        book.set_column_widths(SUMMARY_SHEET, SUMMARY_WIDTHS)


def local_time(value: Any) -> datetime | None:
    """Graph's UTC time ('2026-11-25T03:51:02Z') in this computer's time zone, as Excel shows times (no zone)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment
    return moment.astimezone().replace(tzinfo=None, microsecond=0)


__all__ = sorted(["SUMMARY_STYLES", "SUMMARY_WIDTHS", "install_formatting", "local_time", "summary_chart", "summary_rows", "write_consolidated"])

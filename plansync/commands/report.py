"""``report``: the Summary sheet a board reads, and the same summary as JSON.

The Summary sheet shows the number of recommendations and actions, actions by BRAG, complete
actions, the recommendations whose actions are all complete, the overdue actions (ref, lead,
days overdue, where) and a native Excel bar chart of BRAG by recommendation. The chart is
drawn over a data block at a fixed place (H4 onwards) through the workbook seam, in a file or in
Excel alike, and reads those cells; the seam leaves it alone when the sheet already shows it over
a block of the same size (an Excel workbook, and a Summary sheet rewritten whole, get it anew).

    >>> book = OpenpyxlWorkbook.open("plan.xlsx", write=True)          # doctest: +SKIP
    >>> report_workbook(book, today=date(2022, 11, 14)).summary.actions  # doctest: +SKIP
    33
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from plansync.plan import load_plan
from plansync.reporting_guard import refuse_reporting_workbook
from plansync.workbook.base import Progress, Workbook
from plansync.workbook.drawing import BragChart, CellStyle
from validation.fields import RAG_VALUES
from validation.rag import compute_rag
from validation.sheet_names import SUMMARY_SHEET
from validation.summary import BoardSummary, board_summary, sign_off_rows

CHART_TITLE = "Actions by BRAG, per recommendation"
# The chart's data block: header at H4, one row per recommendation below it.
CHART_ROW, CHART_COL = 4, 8
BRAG_ROW = 4  # "BRAG | Actions" header; Blue..Red on rows 5-8, where the template colours column A
_TITLE, _BOLD = CellStyle(bold=True, size=14), CellStyle(bold=True)
# The title, and the headings of the BRAG counts and of the overdue table.
_STYLES = [(1, 1, _TITLE)] + [(r, c, _BOLD) for r, c in ((4, 1), (4, 2), (18, 1), (19, 1), (19, 2), (19, 3), (19, 4), (19, 5))]
_WIDTHS = {1: 44, 3: 40}


@dataclass
class ReportResult:
    """What ``report_workbook`` wrote.

    Attributes:
        summary: the board summary.
        today: the date the BRAG and overdue days were computed for.
        plan: the plan's name.
    """

    summary: BoardSummary
    today: date
    plan: str

    def to_json(self) -> dict[str, Any]:
        return self.summary.to_json()


def report_workbook(
    book: Workbook, *, today: date | None = None, progress: Progress | None = None, save: bool = True
) -> ReportResult:
    """Compute the board summary, write the Summary sheet (and its chart), and save the workbook.

    ``today`` wins over the Settings sheet's "Today (override)", which wins over the real date.
    ``save=False`` computes the same summary without saving (a read-only workbook still gets its figures).

    Raises:
        LayoutNotFound: no plan table could be found.
        WorkbookLocked: the workbook cannot be saved (nothing is changed).
    """
    plan = load_plan(book, progress=progress)
    refuse_reporting_workbook(plan, "report")  # a pull's reporting workbook: refused, left unchanged
    when = today or plan.settings.today or date.today()
    if progress is not None:
        progress("Summarising", 0.7)
    rated = compute_rag(plan.actions, today=when, rules=plan.settings.rag_rules)
    summary = board_summary(plan.actions, rated)
    name = str(plan.actions["plan"].iloc[0]) if len(plan.actions) else (plan.settings.plan_name or plan.layout.sheet)

    book.replace_sheet(SUMMARY_SHEET, summary_rows(summary, today=when, plan=name))
    _install_chart(book, len(summary.by_recommendation))
    book.status(
        f"Summary: {summary.actions} actions, {summary.complete} complete, {len(summary.overdue)} overdue "
        f"(as at {when:%d/%m/%Y})."
    )
    if save:
        if progress is not None:
            progress("Saving", 0.9)
        book.save()
    return ReportResult(summary=summary, today=when, plan=name)


def is_read_only(path: Path) -> bool:
    """Whether the file is marked read-only (the one case ``report`` still answers without saving)."""
    return path.is_file() and not (path.stat().st_mode & stat.S_IWUSR)


def not_saved_warning(path: Path) -> str:
    """The one stderr line ``report`` prints when it could not save the Summary sheet."""
    return (
        f"Warning: {path.name} is read-only, so the Summary sheet was not saved in it (the figures above are right). "
        "Untick 'Read-only' in the file's properties (or chmod u+w it), then run plansync report again to save the sheet."
    )


def summary_rows(summary: BoardSummary, *, today: date, plan: str) -> list[list[Any]]:
    """The Summary sheet's values from A1, the chart's data block included (columns H to L)."""
    done = summary.fully_complete_recommendations
    rows: list[list[Any]] = [
        [f"{plan}: summary for the board"],
        [f"As at {today:%d/%m/%Y}. Made by plansync report; run it again to bring it up to date."],
        [],
        ["BRAG", "Actions"],
        *[[value, summary.by_rag[value]] for value in RAG_VALUES],
        [],
        ["Recommendations", summary.recommendations],
        ["Actions", summary.actions],
        ["Complete actions", summary.complete],
        ["  of which complete, awaiting sign-off", summary.complete_awaiting_sign_off],
        ["  of which signed off", summary.signed_off],
        ["Recommendations with every action complete", ", ".join(str(n) for n in done) if done else "None yet"],
        ["Overdue actions", len(summary.overdue)],
        [],
        ["Overdue actions, most overdue first"],
        ["Ref", "Recommendation", "Lead", "Days overdue", "Where"],
    ]
    for item in summary.overdue:
        where = f"{item['_sheet']}, row {item['_row']}"
        rows.append([item["ref"], item["recommendation"], item["lead"], item["days_overdue"], where])
    if not summary.overdue:
        rows.append(["None"])
    rows += sign_off_rows(summary)
    block = [["Recommendation", *RAG_VALUES]] + [
        [label, *(int(counts[v]) for v in RAG_VALUES)] for label, counts in summary.by_recommendation.iterrows()
    ]
    height = max(len(rows), CHART_ROW - 1 + len(block))
    grid: list[list[Any]] = []
    for r in range(height):
        line = list(rows[r]) if r < len(rows) else []
        line += [None] * (CHART_COL - 1 - len(line))
        b = r - (CHART_ROW - 1)
        if 0 <= b < len(block):
            line = line[: CHART_COL - 1] + block[b]
        grid.append(line)
    return grid


def summary_chart(recommendations: int) -> BragChart:
    """The chart of BRAG per recommendation over the data block at H4, three rows below the block."""
    return BragChart(
        title=CHART_TITLE,
        x_title="Recommendation",
        header_row=CHART_ROW,
        rows=recommendations,
        first_rag_col=CHART_COL + 1,
        category_col=CHART_COL,
        anchor=(CHART_ROW + max(recommendations, 1) + 3, CHART_COL),
    )


def _install_chart(book: Workbook, recommendations: int) -> None:
    """Draw the bar chart over the data block, with the sheet's fonts, widths and BRAG colours,
    unless the sheet already shows it over a block of this size (later runs write values only)."""
    if not book.draw_brag_chart(SUMMARY_SHEET, summary_chart(recommendations)):
        return
    book.style_cells(SUMMARY_SHEET, _STYLES)
    book.set_column_widths(SUMMARY_SHEET, _WIDTHS)
    book.format_rag(SUMMARY_SHEET, rag_col=1, first_row=BRAG_ROW + 1, last_row=BRAG_ROW + len(RAG_VALUES))


__all__ = sorted(["CHART_TITLE", "ReportResult", "SUMMARY_SHEET", "is_read_only", "not_saved_warning", "report_workbook", "summary_chart", "summary_rows"])

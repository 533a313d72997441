"""What Excel shows beyond values: RAG conditional formatting and the Summary chart, via xlwings.

Adoption and the report add these themselves when they work on an .xlsx file (openpyxl); in
Excel they leave them to the add-in, which adds the same rules, colours
(``workbook_templates.formatting``) and chart through xlwings' own APIs. Installed once;
plansync then writes values only and Excel colours them.
"""

from __future__ import annotations

import xlwings as xw

from validation.grid import column_letter
from workbook_templates.formatting import DATE_FORMAT, DEFAULT_LAST_ROW, OVERDUE_YES, RAG_COLOURS


def _column(sheet: xw.Sheet, col: int, first_row: int, last_row: int) -> xw.Range:
    letter = column_letter(col)
    return sheet.range(f"{letter}{first_row}:{letter}{last_row}")


def install_rag_formatting(book: xw.Book, sheet: str, *, computed_col: int, first_row: int, last_row: int = DEFAULT_LAST_ROW) -> list[str]:
    """Colour RAG (computed_col + 1), Overdue (+ 2) and Days overdue (+ 3); show Due day-first.

    Returns the ranges that carry plansync's rules, e.g. ``["N2:N5000", "O2:O5000", "P2:P5000"]``.
    Installing again replaces plansync's rules on those ranges (idempotent).
    """
    target = book.sheets[sheet]
    rag, overdue, days = (_column(target, computed_col + i, first_row, last_row) for i in (1, 2, 3))
    for rng in (rag, overdue, days):
        rng.conditional_formats.clear()
    for value, (fill, text) in RAG_COLOURS.items():
        rag.conditional_formats.add_cell_value("equal_to", f'"{value}"', fill_color=f"#{fill}", font_color=f"#{text}", font_bold=True)
    red_fill, red_text = RAG_COLOURS["Red"]
    overdue.conditional_formats.add_cell_value(
        "equal_to", f'"{OVERDUE_YES}"', fill_color=f"#{red_fill}", font_color=f"#{red_text}", font_bold=True
    )
    days.conditional_formats.add_cell_value("greater_than", 0, font_color=f"#{red_text}", font_bold=True)
    _column(target, computed_col, first_row, last_row).number_format = DATE_FORMAT
    return [rng.address.replace("$", "") for rng in (rag, overdue, days)]


CHART_NAME = "plansync BRAG chart"


def _is_ours(chart: xw.Chart, title: str) -> bool:
    # Ours by name (drawn here) or by title (drawn into the .xlsx by the command line).
    if chart.name == CHART_NAME:
        return True
    try:
        return chart.title == title
    except NotImplementedError:  # the remote engine only knows titles set in this click
        return False


def _draw_brag_chart(sheet: xw.Sheet, *, values: xw.Range, categories: xw.Range, anchor: xw.Range, title: str) -> None:
    """A stacked column chart of Blue/Green/Amber/Red counts (``values``: header row + one row
    per category), replacing plansync's earlier one on the sheet."""
    from validation.fields import RAG_VALUES

    for chart in reversed(list(sheet.charts)):  # from the end: deleting shifts later indexes
        if _is_ours(chart, title):
            chart.delete()
    chart = sheet.charts.add(
        chart_type="column_stacked", source=values, plot_by="columns", name=CHART_NAME, anchor=anchor, width=510, height=255
    )
    chart.set_x_axis_values(categories)
    chart.title = title
    try:
        for i, value in enumerate(RAG_VALUES):
            chart.series[i].fill_color = f"#{RAG_COLOURS[value][0]}"
    except NotImplementedError:
        # xlwings' remote engine cannot address series before Excel has drawn the chart;
        # desktop Excel can, so there the bars take the BRAG colours.
        pass


def draw_summary_chart(book: xw.Book, recommendations: int) -> None:
    """The plan's Summary chart (actions by BRAG per recommendation) over the block the report
    writes at H4, as ``plansync report`` draws it into an .xlsx."""
    from plansync.commands.report import CHART_COL, CHART_ROW, CHART_TITLE, SUMMARY_SHEET
    from validation.fields import RAG_VALUES

    sheet = book.sheets[SUMMARY_SHEET]
    last = CHART_ROW + max(recommendations, 1)
    _draw_brag_chart(
        sheet,
        values=sheet.range((CHART_ROW, CHART_COL + 1), (last, CHART_COL + len(RAG_VALUES))),
        categories=sheet.range((CHART_ROW + 1, CHART_COL), (last, CHART_COL)),
        anchor=sheet.range((last + 3, CHART_COL)),
        title=CHART_TITLE,
    )


def draw_pull_chart(book: xw.Book, plans: int) -> None:
    """The reporting workbook's Summary chart (actions by BRAG per plan) beside its per-plan
    table, as ``plansync pull`` draws it into an .xlsx."""
    from workbook_templates.consolidated import CHART_TITLE, PLAN_HEADER, PLAN_HEADER_ROW, SUMMARY_SHEET
    from validation.fields import RAG_VALUES

    sheet = book.sheets[SUMMARY_SHEET]
    last = PLAN_HEADER_ROW + max(plans, 1)
    first = PLAN_HEADER.index(RAG_VALUES[0]) + 1
    _draw_brag_chart(
        sheet,
        values=sheet.range((PLAN_HEADER_ROW, first), (last, first + len(RAG_VALUES) - 1)),
        categories=sheet.range((PLAN_HEADER_ROW + 1, 1), (last, 1)),
        anchor=sheet.range((PLAN_HEADER_ROW, len(PLAN_HEADER) + 2)),
        title=CHART_TITLE,
    )


def resize_consolidated_table(book: xw.Book, rows: int) -> str | None:
    """Fit the Consolidated sheet's table (its filters and stripes) to the header plus ``rows``
    actions; returns the new range, or None when the sheet has no table (a person removed it)."""
    from workbook_templates.consolidated import CONSOLIDATED_HEADER, CONSOLIDATED_SHEET

    sheet = book.sheets[CONSOLIDATED_SHEET]
    if not len(sheet.tables):
        return None
    # A table keeps at least one data row, as in the template.
    target = sheet.range((1, 1), (max(2, rows + 1), len(CONSOLIDATED_HEADER)))
    sheet.tables[0].resize(target)
    return target.address


__all__ = ["CHART_NAME", "draw_pull_chart", "draw_summary_chart", "install_rag_formatting", "resize_consolidated_table"]

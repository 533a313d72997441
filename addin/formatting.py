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


def draw_summary_chart(book: xw.Book, recommendations: int) -> None:
    """The Summary sheet's stacked column chart over its data block (actions by BRAG per
    recommendation), replacing the one drawn before, as the .xlsx report draws it."""
    from plansync.commands.report import CHART_COL, CHART_ROW, CHART_TITLE, SUMMARY_SHEET
    from validation.fields import RAG_VALUES

    sheet = book.sheets[SUMMARY_SHEET]
    for chart in reversed(list(sheet.charts)):  # from the end: deleting shifts later indexes
        if chart.name == CHART_NAME:
            chart.delete()
    last = CHART_ROW + max(recommendations, 1)
    source = sheet.range((CHART_ROW, CHART_COL), (last, CHART_COL + len(RAG_VALUES)))
    chart = sheet.charts.add(
        chart_type="column_stacked", source=source, name=CHART_NAME, anchor=sheet.range((last + 3, CHART_COL)), width=510, height=255
    )
    chart.title = CHART_TITLE
    try:
        for i, value in enumerate(RAG_VALUES):
            chart.series[i].fill_color = f"#{RAG_COLOURS[value][0]}"
    except NotImplementedError:
        # xlwings' remote engine cannot address series before Excel has drawn the chart;
        # desktop Excel can, so there the bars take the BRAG colours.
        pass


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


__all__ = ["CHART_NAME", "draw_summary_chart", "install_rag_formatting", "resize_consolidated_table"]

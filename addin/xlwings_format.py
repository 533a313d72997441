"""The workbook seam's formatting in Excel, through xlwings: what Excel shows beyond values.

The same drawing as the file adapters (``plansync.workbook.openpyxl_format``): the RAG rules and
colours of ``workbook_templates.formatting``, the stacked BRAG chart, fonts and widths. Each
method is a constant number of calls into Excel, whatever the row count: one range per rule,
font or format, never one per row.
"""

from __future__ import annotations

import xlwings as xw

from plansync.workbook.drawing import BragChart, CellStyle
from validation.fields import RAG_VALUES
from validation.grid import column_letter
from validation.settings import Settings
from validation.sheet_names import CONSOLIDATED_SHEET, SETTINGS_SHEET
from workbook_templates.formatting import DATE_FORMAT, OVERDUE_YES, RAG_COLOURS

CHART_NAME = "plansync BRAG chart"


def _column(sheet: xw.Sheet, col: int, first_row: int, last_row: int) -> xw.Range:
    letter = column_letter(col)
    return sheet.range(f"{letter}{first_row}:{letter}{last_row}")


def _is_ours(chart: xw.Chart, title: str) -> bool:
    # Ours by name (drawn in Excel) or by title (drawn into the .xlsx by the command line).
    if chart.name == CHART_NAME:
        return True
    try:
        return chart.title == title
    except NotImplementedError:  # the remote engine only knows titles set in this click
        return False


class XlwingsFormatting:
    """The formatting methods of ``plansync.workbook.base.Workbook``, for a class with an ``xlwings.Book``."""

    book: xw.Book

    def copy_cell_style(self, sheet: str, source: tuple[int, int], targets: list[tuple[int, int]]) -> None:
        if not targets:
            return
        ws = self.book.sheets[sheet]
        model = ws.range(source)
        for row in sorted({r for r, _ in targets}):
            cols = [c for r, c in targets if r == row]
            block = ws.range((row, min(cols)), (row, max(cols)))
            try:
                block.copy_from(model, copy_type="formats")  # xlwings' remote engine and Office.js
            except NotImplementedError:
                model.copy()  # desktop Excel: through the clipboard, formats only
                block.paste(paste="formats")
                self.book.app.cut_copy_mode = False  # no copy border left around the team's header

    def format_rag(
        self, sheet: str, *, rag_col: int, overdue_col: int | None = None, days_col: int | None = None, first_row: int, last_row: int
    ) -> None:
        target = self.book.sheets[sheet]
        cols = [c for c in (rag_col, overdue_col, days_col) if c is not None]
        ranges = {col: _column(target, col, first_row, last_row) for col in cols}
        for rng in ranges.values():
            rng.conditional_formats.clear()
        for value, (fill, text) in RAG_COLOURS.items():
            ranges[rag_col].conditional_formats.add_cell_value(
                "equal_to", f'"{value}"', fill_color=f"#{fill}", font_color=f"#{text}", font_bold=True
            )
        red_fill, red_text = RAG_COLOURS["Red"]
        if overdue_col is not None:
            ranges[overdue_col].conditional_formats.add_cell_value(
                "equal_to", f'"{OVERDUE_YES}"', fill_color=f"#{red_fill}", font_color=f"#{red_text}", font_bold=True
            )
        if days_col is not None:
            ranges[days_col].conditional_formats.add_cell_value("greater_than", 0, font_color=f"#{red_text}", font_bold=True)

    def format_dates(self, sheet: str, col: int, *, first_row: int, last_row: int) -> None:
        _column(self.book.sheets[sheet], col, first_row, last_row).number_format = DATE_FORMAT

    def draw_brag_chart(self, sheet: str, chart: BragChart) -> bool:
        # Excel does not tell every engine which cells a chart reads, so the chart is drawn anew.
        target = self.book.sheets[sheet]
        for old in reversed(list(target.charts)):  # from the end: deleting shifts later indexes
            if _is_ours(old, chart.title):
                old.delete()
        last = chart.last_row
        values = target.range((chart.header_row, chart.first_rag_col), (last, chart.first_rag_col + len(RAG_VALUES) - 1))
        drawn = target.charts.add(
            chart_type="column_stacked", source=values, plot_by="columns", name=CHART_NAME,
            anchor=target.range(chart.anchor), width=510, height=255,
        )
        drawn.set_x_axis_values(target.range((chart.header_row + 1, chart.category_col), (last, chart.category_col)))
        drawn.title = chart.title
        try:
            for i, value in enumerate(RAG_VALUES):
                drawn.series[i].fill_color = f"#{RAG_COLOURS[value][0]}"
        except NotImplementedError:
            # xlwings' remote engine cannot address series before Excel has drawn the chart;
            # desktop Excel can, so there the bars take the BRAG colours.
            pass
        return True

    def style_cells(self, sheet: str, styles: list[tuple[int, int, CellStyle]]) -> None:
        target = self.book.sheets[sheet]
        for row, col, style in styles:
            cell = target.range((row, col))
            if style.fill is not None:
                cell.color = f"#{style.fill}"
            if style.bold:
                cell.font.bold = True
            if style.italic:
                cell.font.italic = True
            if style.size is not None:
                cell.font.size = style.size
            if style.colour is not None:
                cell.font.color = f"#{style.colour}"

    def set_column_widths(self, sheet: str, widths: dict[int, float]) -> None:
        target = self.book.sheets[sheet]
        for col, width in widths.items():
            target.range((1, col)).column_width = width

    def add_settings_sheet(self, settings: Settings) -> None:
        from workbook_templates.settings_sheet import settings_rows

        # Values only: the layout's fonts and checked values come with the template (plansync new).
        self.replace_sheet(SETTINGS_SHEET, [cells for _, cells in settings_rows(settings)])

    def fit_consolidated(self, rows: int, formatted: int) -> None:
        from workbook_templates.consolidated import COLUMN_OF, CONSOLIDATED_HEADER, DATETIME_FORMAT

        target = self.book.sheets[CONSOLIDATED_SHEET]
        if len(target.tables):  # a person may have removed the table: then the values stand alone
            # A table keeps at least one data row, as in the template.
            target.tables[0].resize(target.range((1, 1), (max(2, rows + 1), len(CONSOLIDATED_HEADER))))
        if rows > formatted:
            first, last = formatted + 2, rows + 1
            for name in ("due", "revised_target"):
                _column(target, COLUMN_OF[name], first, last).number_format = DATE_FORMAT
            _column(target, COLUMN_OF["modified_at"], first, last).number_format = DATETIME_FORMAT


__all__ = ["CHART_NAME", "XlwingsFormatting"]

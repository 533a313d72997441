"""The workbook seam's formatting over an openpyxl workbook (``self.wb``), shared by the file adapters.

``OpenpyxlWorkbook`` draws into the workbook it will save; ``PackageWorkbook`` draws into its
scratch workbook, whose formats ``package_save`` moves into the file. The drawing itself is the
templates' (``workbook_templates``), so a new workbook and a command's formatting look alike.
openpyxl is imported on first use: ``validate`` and ``rag`` never format, and start quicker.
"""

from __future__ import annotations

from copy import copy
from typing import TYPE_CHECKING

from plansync.workbook.drawing import BragChart, CellStyle
from validation.grid import column_letter
from validation.sheet_names import CONSOLIDATED_SHEET, SETTINGS_SHEET

if TYPE_CHECKING:  # only named in add_settings_sheet's signature
    from validation.settings import Settings


class OpenpyxlFormatting:
    """The formatting methods of ``plansync.workbook.base.Workbook``, for a class with an openpyxl ``wb``."""

    wb: object

    def copy_cell_style(self, sheet: str, source: tuple[int, int], targets: list[tuple[int, int]]) -> None:
        ws = self.wb[sheet]
        model = ws.cell(row=source[0], column=source[1])
        if not model.has_style:
            return
        for row, col in targets:
            ws.cell(row=row, column=col)._style = copy(model._style)

    def format_rag(
        self, sheet: str, *, rag_col: int, overdue_col: int | None = None, days_col: int | None = None, first_row: int, last_row: int
    ) -> None:
        from workbook_templates.formatting import install_rag_formatting

        install_rag_formatting(
            self.wb[sheet], rag_col=rag_col, overdue_col=overdue_col, days_col=days_col, first_row=first_row, last_row=last_row
        )

    def format_dates(self, sheet: str, col: int, *, first_row: int, last_row: int) -> None:
        from workbook_templates.formatting import format_dates

        # The column's default only: a styled cell on every row would grow the file for nothing.
        format_dates(self.wb[sheet], cols=[col])

    def draw_brag_chart(self, sheet: str, chart: BragChart) -> bool:
        from workbook_templates.charts import add_brag_chart, shows_brag_chart

        ws = self.wb[sheet]
        spec = dict(header_row=chart.header_row, rows=chart.rows, first_rag_col=chart.first_rag_col, category_col=chart.category_col)
        if shows_brag_chart(ws, title=chart.title, **spec):
            return False
        anchor = f"{column_letter(chart.anchor[1])}{chart.anchor[0]}"
        add_brag_chart(ws, title=chart.title, x_title=chart.x_title, anchor=anchor, **spec)
        return True

    def style_cells(self, sheet: str, styles: list[tuple[int, int, CellStyle]]) -> None:
        from openpyxl.styles import Font, PatternFill

        ws = self.wb[sheet]
        for row, col, style in styles:
            cell = ws.cell(row=row, column=col)
            if style.fill is not None:
                cell.fill = PatternFill(fill_type="solid", start_color=style.fill, end_color=style.fill)
            # None where the style says nothing, so the font is the one the templates write.
            cell.font = Font(bold=style.bold or None, italic=style.italic or None, size=style.size, color=style.colour)

    def set_column_widths(self, sheet: str, widths: dict[int, float]) -> None:
        ws = self.wb[sheet]
        for col, width in widths.items():
            ws.column_dimensions[column_letter(col)].width = width

    def add_settings_sheet(self, settings: Settings) -> None:
        from workbook_templates.settings_sheet import write_settings_sheet

        write_settings_sheet(self.wb.create_sheet(SETTINGS_SHEET), settings)

    def fit_consolidated(self, rows: int, formatted: int) -> None:
        from workbook_templates.consolidated import install_consolidated

        install_consolidated(self.wb[CONSOLIDATED_SHEET], rows=rows, formatted=formatted)


__all__ = ["OpenpyxlFormatting"]

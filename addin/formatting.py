"""Conditional formatting for the computed columns, installed in Excel through xlwings.

Adoption installs these rules itself when it works on an .xlsx file (openpyxl); in Excel it
leaves them to the add-in, which installs the same rules, with the same colours
(``workbook_templates.formatting``), through xlwings' conditional-format API. Installed once;
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


__all__ = ["install_rag_formatting"]

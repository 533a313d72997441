"""Formatting installed once on a sheet, so plansync never colours a cell in code (DESIGN §8).

Used by the template (``plansync new``) and by adoption, for a team's own workbook:

    >>> install_rag_formatting(ws, rag_col=14, overdue_col=15, days_col=16, first_row=2)  # doctest: +SKIP
    >>> add_status_dropdown(ws, col=9, first_row=2)                                         # doctest: +SKIP

Both are idempotent: installing again replaces plansync's rules on the same ranges and leaves
every other rule (the team's own) alone.
"""

from __future__ import annotations

from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from validation.fields import STATUSES
from workbook_templates.written_words import OVERDUE_NO, OVERDUE_YES

# Fill and text colours per BRAG value: Excel's own "good / neutral / bad" palette plus a blue.
RAG_COLOURS: dict[str, tuple[str, str]] = {
    "Blue": ("BDD7EE", "1F4E79"),
    "Green": ("C6EFCE", "006100"),
    "Amber": ("FFEB9C", "9C5700"),
    "Red": ("FFC7CE", "9C0006"),
}
# Rules cover this many rows by default: room for a plan to grow without reinstalling.
DEFAULT_LAST_ROW = 5000
DATE_FORMAT = "dd/mm/yyyy"


def _range(col: int, first_row: int, last_row: int) -> str:
    letter = get_column_letter(col)
    return f"{letter}{first_row}:{letter}{last_row}"


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _without(ws: Worksheet, ranges: set[str]) -> None:
    """Drop conditional formatting on exactly these ranges (plansync's own, from an earlier install)."""
    kept = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        if str(cf.sqref) in ranges:
            continue
        for rule in cf.rules:
            kept.add(str(cf.sqref), rule)
    ws.conditional_formatting = kept


def install_rag_formatting(
    ws: Worksheet,
    *,
    rag_col: int,
    overdue_col: int | None = None,
    days_col: int | None = None,
    first_row: int = 2,
    last_row: int = DEFAULT_LAST_ROW,
) -> list[str]:
    """Colour RAG cells by their value (Blue/Green/Amber/Red) and Overdue / Days overdue cells when overdue.

    Args:
        ws: the sheet holding the computed columns.
        rag_col, overdue_col, days_col: 1-based columns (None: skip that column).
        first_row, last_row: the rows the rules cover (data rows, not the header).

    Returns:
        The ranges that now carry plansync's rules, e.g. ``["N2:N5000", "O2:O5000"]``.
    """
    rag_range = _range(rag_col, first_row, last_row)
    ranges = [rag_range]
    if overdue_col is not None:
        ranges.append(_range(overdue_col, first_row, last_row))
    if days_col is not None:
        ranges.append(_range(days_col, first_row, last_row))
    _without(ws, set(ranges))
    for value, (fill, text) in RAG_COLOURS.items():
        ws.conditional_formatting.add(
            rag_range,
            CellIsRule(operator="equal", formula=[f'"{value}"'], fill=_fill(fill), font=Font(color=text, bold=True)),
        )
    red_fill, red_text = RAG_COLOURS["Red"]
    if overdue_col is not None:
        ws.conditional_formatting.add(
            _range(overdue_col, first_row, last_row),
            CellIsRule(operator="equal", formula=[f'"{OVERDUE_YES}"'], fill=_fill(red_fill), font=Font(color=red_text, bold=True)),
        )
    if days_col is not None:
        ws.conditional_formatting.add(
            _range(days_col, first_row, last_row),
            CellIsRule(operator="greaterThan", formula=["0"], font=Font(color=red_text, bold=True)),
        )
    return ranges


def add_status_dropdown(ws: Worksheet, *, col: int, first_row: int = 2, last_row: int = DEFAULT_LAST_ROW) -> str:
    """A drop-down of the allowed statuses on a column, refusing anything else; returns its range."""
    target = _range(col, first_row, last_row)
    for dv in list(ws.data_validations.dataValidation):
        if str(dv.sqref) == target:
            ws.data_validations.dataValidation.remove(dv)
    allowed = ", ".join(STATUSES)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error=f"Choose a status from the list: {allowed}.",
        showInputMessage=True,
        promptTitle="Status",
        prompt="Pick the action's status from the list.",
    )
    ws.add_data_validation(dv)
    dv.add(target)
    return target


def format_dates(ws: Worksheet, *, cols: list[int], first_row: int = 2, last_row: int | None = None) -> None:
    """Show dates day-first in these columns: the column default (new rows) and existing cells."""
    for col in cols:
        ws.column_dimensions[get_column_letter(col)].number_format = DATE_FORMAT
        if last_row is not None:
            for row in range(first_row, last_row + 1):
                ws.cell(row=row, column=col).number_format = DATE_FORMAT


__all__ = sorted(
    [
        "DATE_FORMAT",
        "DEFAULT_LAST_ROW",
        "OVERDUE_NO",
        "OVERDUE_YES",
        "RAG_COLOURS",
        "add_status_dropdown",
        "format_dates",
        "install_rag_formatting",
    ]
)

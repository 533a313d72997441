"""The cells between scattered writes, put back into Excel exactly as they were.

``XlwingsWorkbook.write_cells`` writes the values a sync brings in (Progress of rows 7, 9, 11...)
as one block per group of neighbouring columns (``plansync.workbook.blocks.filled_blocks``), so
the cells in between (the gaps) are written too. Nothing a person typed may change, so each gap
goes back as Excel will store it unchanged:

* Excel's JavaScript clients (Office.js, Office Scripts) leave a cell given ``null`` as it is
  (learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-blank-null-values): every gap goes as
  ``KEEP``, whatever it holds (formula, text, date, an error).
* Desktop Excel (COM, AppleScript) has no such value: a gap is written back as this click read it
  (``desktop_gap``), and the read carries formulas there. Text goes with Excel's text prefix where
  Excel would re-read it (``addin.text_prefix``: ``1.10`` stays text, not the number 1.1), a
  formula as the same formula (``Formula``: the only way plansync writes a formula, and only into
  the cell it was read from; a value from the list is never one), numbers, dates, booleans and
  blanks as they are. What it cannot put back (an error constant typed by hand, which desktop
  Excel hands over as a blank; anything else unknown) is ``UNFAITHFUL``: the block is cut there.
  Where the range holds merged cells, array formulas or spills, no gap is rewritten
  (``XlwingsWorkbook._holds_parts``).
* Any other client of a values-only engine (xlwings Server's VBA or Google Sheets clients) hands
  over a formula's value without its formula, so no gap is rewritten: one block per run of
  changed cells, as before (the add-in itself runs on desktop Excel).

    >>> from validation.grid import SheetGrid, Text
    >>> gap = desktop_gap(SheetGrid("Actions", [["=B1*2", Text("=not a formula"), "1.10", None]], []), set())
    >>> [gap(1, c) for c in (1, 2, 3, 4)]
    [Formula('=B1*2'), '=not a formula', '1.10', None]
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from plansync.workbook.blocks import UNFAITHFUL
from validation.grid import SheetGrid, Text


class Formula(str):
    """A cell's own formula, read from that cell, to be written back as a formula (not as text)."""

    def __repr__(self) -> str:
        return f"Formula({str.__repr__(self)})"


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()
"""A gap sent as ``null``: Excel's JavaScript clients leave that cell as it is."""

# Excel's JavaScript clients: a null in a block of values leaves the cell unchanged.
NULL_KEEPS_CLIENTS = frozenset({"Office.js", "Microsoft Office Scripts"})
# The error values Excel hands over as text when asked to (err_to_str): desktop Excel reads them as blanks.
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"})


def desktop_gap(grid: SheetGrid, errors: set[tuple[int, int]]) -> Callable[[int, int], object]:
    """``gap(row, col)`` for desktop Excel: the cell as read in ``grid`` (formulas as '=...' text,
    text that begins with '=' as ``Text``), ready to be written back; ``errors``: cells holding an
    error constant, which the read gave as blanks."""

    def gap(row: int, col: int) -> object:
        if (row, col) in errors:
            return UNFAITHFUL
        value = grid.cell(row, col)
        if isinstance(value, Text):
            return str(value)  # text: write_range's text prefix keeps it text
        if isinstance(value, str):
            return Formula(value) if value.startswith("=") else value
        if value is None or isinstance(value, (bool, int, float, datetime, date)):
            return value
        return UNFAITHFUL

    return gap


def keep_gap(row: int, col: int) -> object:
    """``gap`` for Excel's JavaScript clients: every gap left as it is."""
    return KEEP


def unfaithful_gap(row: int, col: int) -> object:
    """``gap`` where a formula cannot be told from its value: no gap is rewritten."""
    return UNFAITHFUL


__all__ = sorted(["EXCEL_ERRORS", "Formula", "KEEP", "NULL_KEEPS_CLIENTS", "desktop_gap", "keep_gap", "unfaithful_gap"])

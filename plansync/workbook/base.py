"""The workbook seam: what every command needs from a workbook, and nothing more.

Three implementations pass the same contract tests (tests/test_workbook_contract.py):
``plansync.workbook.package_book.PackageWorkbook`` for .xlsx/.xlsm files (every CLI command: it
edits the file's package in place and keeps every part plansync does not own byte for byte),
``plansync.workbook.openpyxl_book.OpenpyxlWorkbook`` for workbooks plansync builds itself
(``plansync new``) and ``addin.xlwings_book.XlwingsWorkbook`` for the workbook open in Excel.

Each method is one bulk operation: a command reads each sheet it needs once and writes each
block once, so a click costs a constant number of calls into Excel whatever the row count.
Scattered cells (values a sync brings in from the list on rows 7, 9, 11...) go through
``write_cells``, which each adapter writes in its own cheapest way: a file cell by cell, Excel
in at most one call per column written.
Writes are values only: colours come from conditional formatting installed by the template or
by adoption.

Formatting is part of the seam too (the methods after ``save``): a command says what to draw
(``plansync.workbook.drawing``) and each adapter draws it with its own toolkit, so a command
draws once, in a file or in Excel, and the ribbon draws nothing of its own. Each formatting
call costs a constant number of calls into Excel, whatever the row count.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Protocol, runtime_checkable

from plansync.workbook.drawing import BragChart, CellStyle
from validation.grid import CellValue, Grid, SheetGrid

if TYPE_CHECKING:  # only named in add_settings_sheet's signature
    from validation.settings import Settings

Progress = Callable[[str, float], None]
"""A progress callback: (what is happening, fraction done 0..1)."""


@runtime_checkable
class Workbook(Protocol):
    """A workbook the commands can read and write."""

    path: Path | None

    def sheet_names(self) -> list[str]:
        """Names of all sheets, hidden ones included, in workbook order."""

    def read_sheet(self, name: str) -> SheetGrid:
        """The used range of one sheet in one bulk read (formulas as their '=...' text).

        Raises:
            KeyError: no such sheet.
        """

    def write_range(self, sheet: str, row: int, col: int, values: Grid) -> None:
        """Write a rectangular block of values with its top-left cell at (row, col), 1-based."""

    def write_cells(self, sheet: str, cells: Mapping[tuple[int, int], CellValue]) -> None:
        """Write scattered cells, ``(row, col) -> value`` (1-based), and leave every other cell as it was.

        A value is written as ``write_range`` writes it (text stays text, even if it begins with
        '='). In Excel this costs at most one call per column written, whatever the row count (one
        more per cell between that cannot be rewritten as it was: ``plansync.workbook.blocks``).
        """

    def replace_sheet(self, name: str, values: Grid, *, hidden: bool = False) -> None:
        """Clear one of plansync's own sheets (creating it if missing) and write ``values`` at A1."""

    def remove_sheet(self, name: str) -> None:
        """Delete one of plansync's own sheets (no-op when it is missing); Excel asks nobody to confirm."""

    def select(self, sheet: str, row: int, col: int) -> None:
        """Make (row, col) the active cell of ``sheet`` and show that sheet."""

    def status(self, message: str) -> None:
        """Show a one-line status (Excel's status bar; nothing for files)."""

    def save(self) -> None:
        """Persist the changes (atomically for files; Excel files are saved by the user)."""

    # --- formatting: installed once, so that later runs write values only ------------------

    def copy_cell_style(self, sheet: str, source: tuple[int, int], targets: list[tuple[int, int]]) -> None:
        """Give the ``targets`` cells, (row, col) each, the look of the ``source`` cell."""

    def format_rag(
        self, sheet: str, *, rag_col: int, overdue_col: int | None = None, days_col: int | None = None, first_row: int, last_row: int
    ) -> None:
        """Colour RAG cells by their value, Overdue 'Yes' and Days overdue above 0 in red, on rows
        ``first_row``..``last_row`` (conditional formats: Excel recolours as values change).
        Replaces plansync's earlier rules on the same ranges; the team's own rules stay."""

    def format_dates(self, sheet: str, col: int, *, first_row: int, last_row: int) -> None:
        """Show the column's dates day-first: in Excel on rows ``first_row``..``last_row``; in a
        file as the column's default format, which each cell written there later takes."""

    def draw_brag_chart(self, sheet: str, chart: BragChart) -> bool:
        """Show ``chart`` on ``sheet``, replacing plansync's earlier chart of the same title.

        Returns False, drawing nothing, when the sheet already shows that chart over the same block.
        """

    def style_cells(self, sheet: str, styles: list[tuple[int, int, CellStyle]]) -> None:
        """Give cells, (row, col, style) each, their look, in order (a later entry for a cell wins)."""

    def set_column_widths(self, sheet: str, widths: dict[int, float]) -> None:
        """Set the widths (in characters) of 1-based columns."""

    def add_settings_sheet(self, settings: Settings) -> None:
        """Add the Settings sheet holding ``settings`` (``workbook_templates.settings_sheet``): in a
        file laid out for people (fonts, widths, values checked as typed), in Excel as values."""

    def fit_consolidated(self, rows: int, formatted: int) -> None:
        """Fit the reporting workbook's Consolidated table to its header and ``rows`` actions, and
        give the rows after the first ``formatted`` (formatted by an earlier pull) their formats."""


__all__ = ["Progress", "Workbook"]

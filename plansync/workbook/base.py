"""The workbook seam: what every command needs from a workbook, and nothing more.

Three implementations pass the same contract tests (tests/test_workbook_contract.py):
``plansync.workbook.package_book.PackageWorkbook`` for .xlsx/.xlsm files (every CLI command: it
edits the file's package in place and keeps every part plansync does not own byte for byte),
``plansync.workbook.openpyxl_book.OpenpyxlWorkbook`` for workbooks plansync builds itself
(``plansync new``) and ``addin.xlwings_book.XlwingsWorkbook`` for the workbook open in Excel.

Each method is one bulk operation: a command reads each sheet it needs once and writes each
block once, so a click costs a constant number of calls into Excel whatever the row count.
Writes are values only: colours come from conditional formatting installed by the template or
by adoption.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

from validation.grid import Grid, SheetGrid

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


__all__ = ["Progress", "Workbook"]

"""The workbook seam over an .xlsx file, with openpyxl (CLI, scheduled jobs, tests).

openpyxl loads the whole workbook and writes it back whole, so what we keep is what openpyxl
keeps: cell values, formulas (read as their ``"=..."`` text, never evaluated), styles, number
formats, merged cells, data validation, conditional formatting, tables, column widths,
frozen panes, defined names and every other sheet. plansync writes only the cells it owns.
(openpyxl may drop drawn shapes, slicers and, without Pillow, pictures; see docs/cli.md.)

This module is the one place where openpyxl's and the file system's exceptions become
``WorkbookUnreadable`` / ``WorkbookLocked``.
"""

from __future__ import annotations

import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Mapping
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as _OpenpyxlBook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from plansync.workbook.atomic import atomic_save, check_exists, check_writable
from plansync.workbook.openpyxl_format import OpenpyxlFormatting
from validation.errors import WorkbookUnreadable
from validation.grid import CellValue, Grid, SheetGrid, Text

# Dates plansync writes into a cell that has no date format yet: UK day-first, as DESIGN §3.
DATE_FORMAT = "dd/mm/yyyy"
_MACRO_SUFFIXES = {".xlsm", ".xltm"}
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _plain(value: object) -> CellValue:
    """A cell's value as the seam promises: formulas as their '=...' text."""
    if isinstance(value, ArrayFormula):
        text = value.text or ""
        return text if text.startswith("=") else "=" + text
    if isinstance(value, DataTableFormula):
        return "=TABLE()"
    return value  # type: ignore[return-value]


class OpenpyxlWorkbook(OpenpyxlFormatting):
    """An .xlsx file opened for reading, or for reading and saving.

    Use ``OpenpyxlWorkbook.open(path, write=True)`` when the command will save: the checks for
    a workbook open in Excel, read-only or in a folder we cannot write run before any work.

    Attributes:
        path: the file.
        wb: the openpyxl Workbook (formatting goes through the seam: ``OpenpyxlFormatting``).
        messages: status lines shown so far (a file has no status bar).
    """

    def __init__(self, wb: _OpenpyxlBook, path: Path | None = None, *, write: bool = False) -> None:
        self.wb = wb
        self.path = path
        self.write = write
        self.messages: list[str] = []

    @classmethod
    def open(cls, path: str | Path, *, write: bool = False) -> "OpenpyxlWorkbook":
        """Load a workbook file.

        Raises:
            WorkbookUnreadable: missing, a folder, not an .xlsx workbook, or damaged.
            WorkbookLocked: (write=True only) open in Excel, read-only, or folder not writable.
        """
        path = Path(path)
        check_exists(path)
        if write:
            check_writable(path)
        with open(path, "rb") as handle:
            magic = handle.read(8)
        if magic == _OLE_MAGIC:
            # .xlsx files are zip archives; an OLE compound file is an encrypted workbook or an old .xls.
            raise WorkbookUnreadable(
                f"{path.name} is password-protected or in the old .xls format, which plansync cannot read. "
                "Open it in Excel, remove the password (File > Info > Protect Workbook) or save it as "
                "'Excel Workbook (*.xlsx)', then try again.",
                path=str(path),
            )
        try:
            with warnings.catch_warnings():
                # openpyxl warns about parts it does not understand (slicers, extensions); those
                # are the user's and openpyxl leaves them be, so the warning is noise here.
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() in _MACRO_SUFFIXES, keep_links=True)
        except PermissionError as exc:
            raise WorkbookUnreadable(
                f"{path.name} cannot be opened: you do not have permission to read it. Ask its owner for access, or copy it somewhere you can read.",
                path=str(path),
            ) from exc
        except (InvalidFileException, zipfile.BadZipFile) as exc:
            raise WorkbookUnreadable(
                f"{path.name} is not an Excel workbook (.xlsx) plansync can read. "
                "Open it in Excel and save it as 'Excel Workbook (*.xlsx)', then try again.",
                path=str(path),
            ) from exc
        except (KeyError, ValueError, TypeError, ParseError, OSError) as exc:
            raise WorkbookUnreadable(
                f"{path.name} looks damaged ({type(exc).__name__}: {exc}). "
                "Open it in Excel, let Excel repair it, save it, then try again.",
                path=str(path),
            ) from exc
        return cls(wb, path, write=write)

    # --- the seam -------------------------------------------------------------------------

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def read_sheet(self, name: str) -> SheetGrid:
        ws = self.wb[name]
        # Read openpyxl's own cell store in one pass. ``iter_rows`` would create an empty Cell for
        # every blank coordinate and ``min_row``/``max_column``/... each rescan every cell: on a
        # 5,000-row plan that was ~0.1 s of each read. Bounds are those of the stored cells, as
        # ``ws.min_row``/``ws.max_column`` report them.
        cells = ws._cells
        if not cells or (len(cells) == 1 and (1, 1) in cells and cells[(1, 1)].value is None):
            values: Grid = []
            origin = (1, 1)
        else:
            rows = [r for r, _ in cells]
            cols = [c for _, c in cells]
            top, left = min(rows), min(cols)
            width = max(cols) - left + 1
            values = [[None] * width for _ in range(max(rows) - top + 1)]
            for (r, c), cell in cells.items():
                value = cell.value
                if value is not None:
                    if value.__class__ is str and cell.data_type == "s" and value.lstrip().startswith("="):
                        value = Text(value)  # text that only looks like a formula (issue 19)
                    values[r - top][c - left] = _plain(value)
            origin = (top, left)
        merged = [r.bounds for r in ws.merged_cells.ranges]
        # bounds are (min_col, min_row, max_col, max_row); the grid wants rows first.
        merged = [(b[1], b[0], b[3], b[2]) for b in merged]
        return SheetGrid(name=name, values=values, merged=merged, hidden=ws.sheet_state != "visible", origin=origin)

    def write_range(self, sheet: str, row: int, col: int, values: Grid) -> None:
        ws = self.wb[sheet]
        for r, line in enumerate(values):
            for c, value in enumerate(line):
                _set(ws.cell(row=row + r, column=col + c), value)

    def write_cells(self, sheet: str, cells: Mapping[tuple[int, int], CellValue]) -> None:
        # In a file a cell costs nothing to reach: each is written where it is, nothing else.
        ws = self.wb[sheet]
        for (row, col), value in cells.items():
            _set(ws.cell(row=row, column=col), value)

    def replace_sheet(self, name: str, values: Grid, *, hidden: bool = False) -> None:
        if name in self.wb.sheetnames:
            ws = self.wb[name]
            # Row 1 is the sheet's header: keep its styling (bold, fill), clear everything else.
            if ws.max_row > 1:
                ws.delete_rows(2, ws.max_row - 1)
            for cell in ws[1]:
                cell.value = None
            for rng in list(ws.merged_cells.ranges):
                ws.unmerge_cells(str(rng))
        else:
            ws = self.wb.create_sheet(name)
        ws.sheet_state = "hidden" if hidden else "visible"
        if hidden and self.wb.active is ws:
            self.wb.active = next(i for i, s in enumerate(self.wb.worksheets) if s.sheet_state == "visible")
        self.write_range(name, 1, 1, values)

    def remove_sheet(self, name: str) -> None:
        if name in self.wb.sheetnames:
            self.wb.remove(self.wb[name])

    def select(self, sheet: str, row: int, col: int) -> None:
        ws = self.wb[sheet]
        address = ws.cell(row=row, column=col).coordinate
        for other in self.wb.worksheets:
            # More than one selected tab makes Excel open the sheets grouped.
            other.sheet_view.tabSelected = other is ws
        self.wb.active = ws
        selection = ws.sheet_view.selection[0]
        selection.activeCell = address
        selection.sqref = address

    def status(self, message: str) -> None:
        self.messages.append(message)

    def save(self) -> None:
        if self.path is None:
            raise RuntimeError("this workbook has no file to save to; use save_as(path)")
        self.save_as(self.path)

    def save_as(self, path: str | Path) -> None:
        """Write the workbook to ``path`` atomically (temporary file beside it, then replace)."""
        path = Path(path)
        atomic_save(path, lambda temp: self.wb.save(temp))
        self.path = path


def _set(cell, value: CellValue) -> None:
    """Write one value; text that looks like a formula stays text (plansync writes values only)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    elif isinstance(value, (date, datetime)) and cell.number_format in ("General", "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss"):
        cell.number_format = DATE_FORMAT


__all__ = sorted(["DATE_FORMAT", "OpenpyxlWorkbook"])

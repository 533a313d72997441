"""``XlwingsWorkbook``: the workbook open in Excel, behind the same seam as an .xlsx file.

It implements ``plansync.workbook.base.Workbook`` with xlwings, so every command runs unchanged
on the workbook a person is looking at. The rules that keep a click fast whatever the row count:

* each sheet is read once per click, in one bulk read of its used range (plus one bulk read of
  its formulas on desktop Excel, only when the sheet has any), then served from memory;
* each block is written in one bulk write of values (colours come from conditional formatting);
* scattered cells (values a sync brings in) in at most one bulk write per column, the cells
  between put back as they were (``write_cells``, ``addin.gap_cells``);
* screen updating is off while a button runs (``XlwingsWorkbook.session``);
* formatting (``addin.xlwings_format``) is one call per range, rule or font, never one per row.

The same code runs against desktop Excel (COM on Windows, AppleScript on Mac) and against
xlwings' remote engine, where the workbook arrives as JSON and writes go back as actions. The
tests use the remote engine; see docs/addin-install.md for why and under which licence.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator, Mapping

import xlwings as xw

from addin.gap_cells import EXCEL_ERRORS, KEEP, NULL_KEEPS_CLIENTS, Formula, desktop_gap, keep_gap, unfaithful_gap
from addin.text_prefix import excel_text
from addin.xlwings_format import XlwingsFormatting
from plansync.workbook.blocks import filled_blocks
from validation.grid import CellValue, Grid, SheetGrid, Text

# Engines whose workbook payload carries values only (formulas are not sent with it).
_VALUES_ONLY_ENGINES = frozenset({"remote", "officejs", "calamine"})


class XlwingsWorkbook(XlwingsFormatting):
    """A ``Workbook`` over an open ``xlwings.Book``.

    Attributes:
        path: the workbook's file, or None when Excel has not saved it anywhere yet.
        last_status: the last message shown with ``status`` (also on Excel's status bar).
    """

    def __init__(self, book: xw.Book) -> None:
        self.book = book
        self.path = _path_of(book)
        self.last_status: str | None = None
        self._grids: dict[str, SheetGrid] = {}

    @classmethod
    @contextmanager
    def session(cls, book: xw.Book) -> Iterator["XlwingsWorkbook"]:
        """The workbook wrapped for one click, with Excel's screen updating off meanwhile."""
        app = book.app
        app.screen_updating = False
        try:
            yield cls(book)
        finally:
            app.screen_updating = True

    # --- reading -------------------------------------------------------------------------

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read_sheet(self, name: str) -> SheetGrid:
        if name not in self._grids:
            if name not in self.sheet_names():
                raise KeyError(name)
            self._grids[name] = self._read(self.book.sheets[name])
        grid = self._grids[name]
        return SheetGrid(grid.name, [list(row) for row in grid.values], list(grid.merged), grid.hidden, grid.origin)

    def _read(self, sheet: xw.Sheet) -> SheetGrid:
        used = sheet.used_range
        values = used.options(ndim=2).value  # the one bulk read of the sheet
        rows = merge_formulas(values, self._formulas(used))
        if all(v is None for row in rows for v in row):
            rows = []
        origin = (used.row, used.column) if rows else (1, 1)
        return SheetGrid(sheet.name, rows, [], hidden=not _visible(sheet), origin=origin)

    def _formulas(self, used: xw.Range) -> list[list[object]] | None:
        # Desktop Excel answers "has this range any formula?" in one call (True, False, or
        # None for "some"), so the formula read happens only on sheets that have formulas.
        if self.book.app.engine.name in _VALUES_ONLY_ENGINES:
            return None
        try:
            has = used.api.HasFormula  # Windows (COM)
        except AttributeError:
            try:
                has = used.api.has_formula.get()  # Mac (AppleScript)
            except AttributeError:
                has = None
        if has is False:
            return None
        formulas = used.formula
        if not isinstance(formulas, (list, tuple)) or not formulas or not isinstance(formulas[0], (list, tuple)):
            formulas = [[formulas]] if not isinstance(formulas, (list, tuple)) else [list(formulas)]
        return [list(row) for row in formulas]

    # --- writing -------------------------------------------------------------------------

    def write_range(self, sheet: str, row: int, col: int, values: Grid) -> None:
        if not values or not any(values):
            return
        width = max(len(line) for line in values)
        # Text Excel would re-read (formula-, number- or date-like) goes with Excel's text prefix.
        block = [[_prefixed(_to_excel(v)) for v in line] + [None] * (width - len(line)) for line in values]
        self.book.sheets[sheet].range((row, col)).value = block  # the one bulk write
        grid = self._grids.get(sheet)
        if grid is not None:
            self._grids[sheet] = _patched(grid, _cells_of(row, col, values))

    def write_cells(self, sheet: str, cells: Mapping[tuple[int, int], CellValue]) -> None:
        """At most one bulk write per group of neighbouring columns, whatever the row count: the
        cells between the given ones go back as they were (``addin.gap_cells``)."""
        if not cells:
            return
        target = self.book.sheets[sheet]
        keeps = self._client() in NULL_KEEPS_CLIENTS
        for row, col, values in filled_blocks(cells, self._gap(sheet, cells, keeps)):
            rng = target.range((row, col)).resize(len(values), len(values[0]))
            if keeps:
                # Past xlwings' conversion, which would send KEEP's null as "" and so empty the cell.
                prepare = self.book.app.engine.impl.prepare_xl_data_element
                rng.raw_value = [[None if v is KEEP else prepare(_for_excel(v), {}) for v in line] for line in values]
            else:
                rng.value = [[_for_excel(v) for v in line] for line in values]  # the one bulk write of this block
        grid = self._grids.get(sheet)
        if grid is not None:
            self._grids[sheet] = _patched(grid, cells)

    def _gap(self, sheet: str, cells: Mapping[tuple[int, int], CellValue], keeps: bool) -> Callable[[int, int], object]:
        if keeps:
            return keep_gap
        if not self._reads_formulas():
            return unfaithful_gap
        self.read_sheet(sheet)  # desktop: the gaps go back as this click read them (one read, if not yet)
        span = self.book.sheets[sheet].range(
            (min(r for r, _ in cells), min(c for _, c in cells)), (max(r for r, _ in cells), max(c for _, c in cells))
        )
        if self._holds_parts(span):
            # No gap is rewritten (one call per run of changed cells): see _holds_parts.
            return unfaithful_gap
        return desktop_gap(self._grids[sheet], _errors(span))

    def _client(self) -> str | None:
        """Which client sent the workbook to the remote engine (None on desktop Excel)."""
        api = self.book.api
        return api.get("client") if isinstance(api, dict) else None

    def _reads_formulas(self) -> bool:
        return self.book.app.engine.name not in _VALUES_ONLY_ENGINES

    def _holds_parts(self, span: xw.Range) -> bool:
        """Whether ``span`` may hold part of a merged cell, of an array formula or of a spilled range:
        Excel refuses a write over part of the first two, and a value written into a spilled cell
        breaks its formula (#SPILL!). Desktop Excel answers each in one call (True, False, or None
        for "some"); no answer about merged cells counts as yes. Excel without dynamic arrays has no
        HasSpill (nor spills); AppleScript has neither of the last two."""
        try:
            if span.merge_cells is not False:
                return True
        except (NotImplementedError, AttributeError):
            return True
        for name in ("HasArray", "HasSpill"):
            try:
                answer = getattr(span.api, name)
            except AttributeError:
                continue
            if answer is not False:
                return True
        return False

    def replace_sheet(self, name: str, values: Grid, *, hidden: bool = False) -> None:
        sheets = self.book.sheets
        if name in self.sheet_names():
            sheet = sheets[name]
            sheet.clear_contents()
        else:
            sheet = sheets.add(name, after=sheets[len(sheets) - 1])
        self._grids.pop(name, None)
        self.write_range(name, 1, 1, values)
        if _visible(sheet) == hidden:
            sheet.visible = not hidden
        self._grids[name] = _patched(SheetGrid(name, [], [], hidden=hidden), _cells_of(1, 1, values))

    def remove_sheet(self, name: str) -> None:
        if name in self.sheet_names():
            # xlwings turns Excel's "delete this sheet?" prompt off for the call.
            self.book.sheets[name].delete()
        self._grids.pop(name, None)

    def select(self, sheet: str, row: int, col: int) -> None:
        target = self.book.sheets[sheet]
        target.activate()
        target.range((row, col)).select()

    def status(self, message: str) -> None:
        self.last_status = message
        try:
            self.book.app.status_bar = message
        except NotImplementedError:
            # xlwings' remote engine has no status bar: the message stays in last_status.
            pass

    def progress(self, message: str, done: float) -> None:
        """A ``Progress`` callback: shows how far a long command is, on the status bar only
        (``last_status`` keeps the command's own result line)."""
        try:
            self.book.app.status_bar = f"plansync: {message} ({done:.0%})"
        except NotImplementedError:
            pass

    def save(self) -> None:
        """Nothing to do: the person saves the workbook in Excel, as with any edit."""


def merge_formulas(values: list[list[object]], formulas: list[list[object]] | None) -> Grid:
    """Cell values as the seam promises them: formulas as their '=...' text, numbers as openpyxl
    reads them. ``formulas`` is Excel's Range.Formula grid (constants come back as text there,
    so only cells starting with '=' are taken from it)."""
    rows: Grid = []
    for r, line in enumerate(values):
        row = [_clean(v) for v in line]
        for c, value in enumerate(row):
            # A value that begins with '=' is text (a formula's value is its result): marked so
            # the rules do not take it for a formula (issue 19).
            if isinstance(value, str) and value.lstrip().startswith("="):
                row[c] = Text(value)
        if formulas is not None:
            for c, text in enumerate(formulas[r]):
                # Range.Formula of a text cell is its text; only a real formula differs from its value.
                if isinstance(text, str) and text.startswith("=") and text != row[c]:
                    row[c] = text
        rows.append(row)
    return rows


def _path_of(book: xw.Book) -> Path | None:
    fullname = book.fullname or ""
    if "://" in fullname or ("/" not in fullname and "\\" not in fullname):
        return None
    return Path(fullname)


def _visible(sheet: xw.Sheet) -> bool:
    # COM reports xlSheetVisible (-1), xlSheetHidden (0), xlSheetVeryHidden (2).
    visible = sheet.visible
    return visible is True or visible == -1


def _clean(value: object) -> CellValue:
    """Excel hands every number over as a float; whole numbers come back as int, as openpyxl
    reads them, so both adapters give the commands the same values."""
    if isinstance(value, float) and not isinstance(value, bool):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
    if isinstance(value, str) and value == "":
        return None
    return value  # type: ignore[return-value]


def _prefixed(value: object) -> object:
    return excel_text(value) if isinstance(value, str) else value


def _to_excel(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (datetime, date, str, int, float, bool)):
        return value
    # pandas' NA/NaT and numpy scalars: plain values or blanks.
    try:
        import pandas as pd

        if pd.isna(value):  # type: ignore[arg-type]
            return None
    except (TypeError, ValueError, ImportError):
        pass
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def _for_excel(value: object) -> object:
    """A value as handed to Excel: a cell's own formula as itself; text that Excel would re-read
    (formula-, number- or date-like) with Excel's text prefix."""
    if isinstance(value, Formula):
        return str(value)
    return _prefixed(_to_excel(value))


def _errors(span: xw.Range) -> set[tuple[int, int]]:
    """Cells of ``span`` holding an error constant (desktop Excel reads them as blanks): one bulk read."""
    values = span.options(ndim=2, err_to_str=True).value
    return {
        (span.row + i, span.column + j)
        for i, line in enumerate(values)
        for j, value in enumerate(line)
        if isinstance(value, str) and value in EXCEL_ERRORS
    }


def _cells_of(row: int, col: int, values: Grid) -> dict[tuple[int, int], CellValue]:
    return {(row + i, col + j): value for i, line in enumerate(values) for j, value in enumerate(line)}


def _patched(grid: SheetGrid, cells: Mapping[tuple[int, int], CellValue]) -> SheetGrid:
    """The cached grid with ``cells`` written, so a later read in the same click sees the writes
    without another call into Excel."""
    if not cells:
        return grid
    rows_written = [r for r, _ in cells]
    cols_written = [c for _, c in cells]
    if not grid.values:
        origin = (min(rows_written), min(cols_written))
    else:
        origin = (min(grid.origin[0], *rows_written), min(grid.origin[1], *cols_written))
    last_row = max(grid.max_row if grid.values else 0, *rows_written)
    last_col = max(grid.max_col if grid.values else 0, *cols_written)
    rows: Grid = [
        [grid.cell(r, c) for c in range(origin[1], last_col + 1)] for r in range(origin[0], last_row + 1)
    ]
    for (r, c), value in cells.items():
        read = _clean(_to_excel(value))
        # As Excel will hand it back: text that begins with '=' is text (issue 19).
        rows[r - origin[0]][c - origin[1]] = Text(read) if isinstance(read, str) and read.lstrip().startswith("=") else read
    return SheetGrid(grid.name, rows, list(grid.merged), grid.hidden, origin)


__all__ = ["XlwingsWorkbook", "merge_formulas"]

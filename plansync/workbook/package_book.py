"""The workbook seam over an .xlsx/.xlsm file, writing by editing the package, not re-serialising it.

Reading is calamine's (fast, whole sheets at once). Writing keeps every part plansync does not own
byte for byte (see ``plansync.workbook.owned``): cells plansync writes are set in place in their
worksheet's XML, its own sheets are added as new parts, and the styles it needs are appended. The
only openpyxl left is a scratch workbook (``wb``) in which the seam's formatting methods
(``OpenpyxlFormatting``) lay out plansync's own sheets (the Summary chart, the Settings sheet's
layout) and the conditional formats of its computed columns; ``package_save`` moves those into the
package. Nothing imports openpyxl until a command formats, which keeps ``validate`` and ``rag``
quick to start.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from validation.errors import WorkbookUnreadable
from plansync.workbook.atomic import atomic_save, check_exists, check_writable, clean_stale_temps
from plansync.workbook.openpyxl_format import OpenpyxlFormatting
from plansync.workbook.package import Package, SheetEntry, attrs, relationships, rels_part, resolve
from plansync.workbook.sheet_patch import KEEP, SheetEdits
from validation.grid import Grid, SheetGrid

_TABLE_COLUMN = re.compile(rb"<(?:\w+:)?tableColumn\b[^>]*?>")
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


class PackageWorkbook(OpenpyxlFormatting):
    """An .xlsx/.xlsm file opened for reading, or for reading and saving in place.

    Attributes:
        path: the file.
        messages: status lines shown so far (a file has no status bar).
    """

    def __init__(self, path: Path, entries: list[SheetEntry], *, write: bool) -> None:
        self.path = path
        self.write = write
        self.messages: list[str] = []
        self.entries = entries
        self.removed: set[str] = set()
        self.edits: dict[str, SheetEdits] = {}
        self.own: dict[str, tuple[Grid, bool]] = {}  # plansync's sheets as values: name -> (rows, hidden)
        self.new_names: list[str] = []  # sheets that are not in the file yet, in creation order
        self.selected: tuple[str, int, int] | None = None
        self.scratch = None  # the openpyxl workbook behind ``wb``, made on first use
        self.stand_ins: set[str] = set()
        self._grids: dict[str, SheetGrid] = {}

    @classmethod
    def open(cls, path: str | Path, *, write: bool = False) -> "PackageWorkbook":
        """Open a workbook file; with ``write=True`` refuse now what could not be saved later.

        Raises:
            WorkbookUnreadable: missing, a folder, encrypted, not an .xlsx workbook, or damaged.
            WorkbookLocked: (write=True only) open in Excel, read-only, or folder not writable.
        """
        path = Path(path)
        check_exists(path)
        if write:
            check_writable(path)
            clean_stale_temps(path)
        try:
            with open(path, "rb") as handle:
                magic = handle.read(8)
        except PermissionError as exc:
            raise WorkbookUnreadable(
                f"{path.name} cannot be opened: you do not have permission to read it. Ask its owner for access, or copy it somewhere you can read.",
                path=str(path),
            ) from exc
        if magic == _OLE_MAGIC:
            raise WorkbookUnreadable(
                f"{path.name} is password-protected or in the old .xls format, which plansync cannot read. "
                "Nothing was changed. Open it in Excel, remove the password (File > Info > Protect Workbook) or save it as "
                "'Excel Workbook (*.xlsx)', then try again.",
                path=str(path),
            )
        package = Package(path)
        try:
            entries = package.sheets
        finally:
            package.close()
        return cls(path, entries, write=write)

    # --- the seam -------------------------------------------------------------------------

    def sheet_names(self) -> list[str]:
        return [e.name for e in self.entries if e.name not in self.removed] + list(self.new_names)

    def _entry(self, name: str) -> SheetEntry | None:
        return next((e for e in self.entries if e.name == name and name not in self.removed), None)

    def _in_scratch(self, name: str) -> bool:
        return self.scratch is not None and name in self.scratch.sheetnames and name not in self.stand_ins

    def read_sheet(self, name: str) -> SheetGrid:
        if self._in_scratch(name):
            from plansync.workbook.openpyxl_book import OpenpyxlWorkbook

            return OpenpyxlWorkbook(self.scratch).read_sheet(name)
        if name in self.own:
            rows, hidden = self.own[name]
            return SheetGrid(name=name, values=[list(r) for r in rows], merged=[], hidden=hidden)
        entry = self._entry(name)
        if entry is None:
            raise KeyError(name)
        grid = self._original(name)
        edits = self.edits.get(name)
        if edits is None or not edits.cells:
            return grid
        values = [list(line) for line in grid.values]
        for row, cells in edits.cells.items():
            for col, value in cells.items():
                if value is KEEP:
                    continue
                _put(values, row, col, value)
        while values and all(v is None for v in values[-1]):
            values.pop()
        return SheetGrid(name=name, values=values, merged=grid.merged, hidden=grid.hidden)

    def _original(self, name: str) -> SheetGrid:
        if name not in self._grids:
            from plansync.workbook.calamine_reader import read_grids

            self._grids[name] = read_grids(self.path, sheets=[name])[0]
        return self._grids[name]

    def write_range(self, sheet: str, row: int, col: int, values: Grid) -> None:
        if self._in_scratch(sheet):
            from plansync.workbook.openpyxl_book import OpenpyxlWorkbook

            OpenpyxlWorkbook(self.scratch).write_range(sheet, row, col, values)
            return
        if sheet in self.own:
            rows = self.own[sheet][0]
            for r, line in enumerate(values):
                for c, value in enumerate(line):
                    _put(rows, row + r, col + c, value)
            return
        if self._entry(sheet) is None:
            raise KeyError(sheet)
        edits = self.edits.setdefault(sheet, SheetEdits()).cells
        for r, line in enumerate(values, start=row):
            at = edits.setdefault(r, {})
            for c, value in enumerate(line, start=col):
                at[c] = value

    def write_cells(self, sheet: str, cells: Mapping[tuple[int, int], Any]) -> None:
        # In a file a cell costs nothing to reach: each is written where it is, nothing else.
        for (row, col), value in cells.items():
            self.write_range(sheet, row, col, [[value]])

    def replace_sheet(self, name: str, values: Grid, *, hidden: bool = False) -> None:
        if self.scratch is not None:
            if name in self.scratch.sheetnames:  # plansync's earlier version, or a stand-in: replaced whole
                self.scratch.remove(self.scratch[name])
            self.stand_ins.discard(name)
            ws = self.scratch.create_sheet(name)
            ws.sheet_state = "hidden" if hidden else "visible"
        else:
            self.own[name] = ([list(line) for line in values], hidden)
        if self._entry(name) is None and name not in self.new_names:
            self.new_names.append(name)
        self.edits.pop(name, None)
        if self.scratch is not None:
            self.write_range(name, 1, 1, values)

    def remove_sheet(self, name: str) -> None:
        if name in self.new_names:
            self.new_names.remove(name)
        elif self._entry(name) is not None:
            self.removed.add(name)
        else:
            return
        self.own.pop(name, None)
        self.edits.pop(name, None)
        if self.scratch is not None and name in self.scratch.sheetnames:
            self.scratch.remove(self.scratch[name])
            self.stand_ins.discard(name)

    def select(self, sheet: str, row: int, col: int) -> None:
        if sheet not in self.sheet_names():
            raise KeyError(sheet)
        self.selected = (sheet, row, col)

    def status(self, message: str) -> None:
        self.messages.append(message)

    @property
    def wb(self):
        """A scratch openpyxl workbook for laying out formatting: plansync's sheets, and stand-ins for the team's.

        ``wb[name]`` of one of the team's sheets gives an empty stand-in: the conditional formats
        and cell styles set on it are added to the real sheet at save; its other contents are ignored.
        """
        if self.scratch is None:
            from plansync.workbook.scratch import ScratchBook

            self.scratch = ScratchBook(self)
            for name, (rows, hidden) in list(self.own.items()):
                ws = self.scratch.create_sheet(name)
                ws.sheet_state = "hidden" if hidden else "visible"
                from plansync.workbook.openpyxl_book import OpenpyxlWorkbook

                OpenpyxlWorkbook(self.scratch).write_range(name, 1, 1, rows)
            self.own.clear()
        return self.scratch

    def copy_cell_style(self, sheet: str, source: tuple[int, int], targets: list[tuple[int, int]]) -> None:
        """Give ``targets`` the style of the ``source`` cell (new header cells look like the team's own)."""
        entry = self._entry(sheet)
        if entry is None or sheet in self.own or self._in_scratch(sheet):
            return
        from plansync.workbook.sheet_patch import cell_style

        package = Package(self.path)
        try:
            with package.zip.open(entry.part) as handle:
                style = cell_style(handle, *source)
        finally:
            package.close()
        if style is None:
            return
        edits = self.edits.setdefault(sheet, SheetEdits())
        for row, col in targets:
            edits.set(row, col, edits.cells.get(row, {}).get(col, KEEP), style)

    def format_dates(self, sheet: str, col: int, *, first_row: int, last_row: int) -> None:
        """Nothing to install: each date this writer puts in a cell gets a date style as it is written
        (day-first unless the cell already shows dates its own way: ``styles_patch.Styles.date_style``),
        and the package keeps no column default from the scratch workbook."""

    def tables_of(self, name: str) -> list[tuple[str, str, str, list[str]]]:
        """The Excel tables on one of the team's sheets: (part, display name, range, column names)."""
        entry = self._entry(name)
        if entry is None:
            return []
        package = Package(self.path)
        try:
            rels = rels_part(entry.part)
            if rels not in package.names:
                return []
            found = []
            for rel in relationships(package.read(rels)):
                if rel.get("Type", "").endswith("/table") and rel.get("TargetMode") != "External":
                    part = resolve(entry.part, rel["Target"])
                    xml = package.read(part)
                    head = attrs(xml[xml.find(b"<table") : xml.find(b">", xml.find(b"<table"))])
                    columns = [attrs(t).get("name", "") for t in _TABLE_COLUMN.findall(xml)]
                    found.append((part, head.get("displayName", ""), head.get("ref", ""), columns))
            return found
        finally:
            package.close()

    def save(self) -> None:
        from plansync.workbook.package_save import write_package

        atomic_save(self.path, lambda temp: write_package(self, temp))
        # What was written is now the file: start again from it, keeping the status lines.
        messages = self.messages
        package = Package(self.path)
        try:
            self.__init__(self.path, package.sheets, write=self.write)
        finally:
            package.close()
        self.messages = messages


def _put(rows: list[list[Any]], row: int, col: int, value: Any) -> None:
    while len(rows) < row:
        rows.append([])
    line = rows[row - 1]
    if len(line) < col:
        line.extend([None] * (col - len(line)))
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    line[col - 1] = value


__all__ = ["PackageWorkbook"]

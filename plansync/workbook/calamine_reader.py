"""Read every sheet of an .xlsx into ``SheetGrid``s fast, with python-calamine.

calamine parses the file in Rust and hands back whole sheets at once, many times faster than
walking openpyxl cells, so detection and read-only commands use it; openpyxl stays the writer.
Its values are made to match what the openpyxl adapter gives for the same file:

- empty cells are ``None`` (calamine says ``''``); whole numbers are ``int`` (calamine says ``1.0``);
  dates are ``datetime`` at midnight, as openpyxl reads a date-formatted cell;
- formulas arrive as their ``"=..."`` text, as the seam promises. python-calamine (0.9) only exposes
  the cached result (nothing at all for a file saved by openpyxl; formula reading is still an open
  request upstream, dimastbk/python-calamine#107 and #137), so the formula text is read from the
  sheet's XML; a plain byte search skips the many sheets that hold no formula.
"""

from __future__ import annotations

import html
import re
import zipfile
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import python_calamine as pc

from validation.errors import WorkbookUnreadable
from validation.grid import CellValue, SheetGrid, Text

_FORMULA = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_CELL_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_SHEET = re.compile(rb"<sheet\b[^>]*?/>", re.S)
_REL = re.compile(rb"<Relationship\b[^>]*?/>", re.S)


def read_grids(path: str | Path, *, sheets: list[str] | None = None) -> list[SheetGrid]:
    """Every worksheet of the workbook at ``path`` (or only ``sheets``), in workbook order.

    Raises:
        WorkbookUnreadable: the file is missing, not an .xlsx workbook, or damaged.
    """
    path = Path(path)
    try:
        book = pc.CalamineWorkbook.from_path(str(path))
        try:
            grids = [
                _read_sheet(book, meta)
                for meta in book.sheets_metadata
                if meta.typ == pc.SheetTypeEnum.WorkSheet and (sheets is None or meta.name in sheets)
            ]
        finally:
            book.close()
        formulas = _read_formulas(path, [g.name for g in grids])
    except (pc.CalamineError, OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WorkbookUnreadable(
            f"plansync cannot read {path.name}: it is missing, not an .xlsx workbook, or damaged. "
            "Check the path, or open it in Excel and save it again as 'Excel Workbook (*.xlsx)'.",
            path=str(path),
        ) from exc
    for grid in grids:
        _apply_formulas(grid, formulas.get(grid.name, {}))
    return grids


def _read_sheet(book: pc.CalamineWorkbook, meta: pc.SheetMetadata) -> SheetGrid:
    sheet = book.get_sheet_by_name(meta.name)
    # skip_empty_area=False keeps row 1 / column A at values[0][0], as Excel numbers them. Rows are
    # converted in place, one at a time, so no second copy of the sheet is built; equal texts and
    # dates then share one object (a 100,000-row plan repeats its leads, statuses and dates).
    values: list = sheet.to_python(skip_empty_area=False)
    shared: dict = {}
    keep = shared.setdefault
    for i, row in enumerate(values):
        # Equal texts share one object; a text beginning with '=' is text, not a formula (formulas
        # are read from the XML below). Written inline: a call per cell costs more than the work.
        values[i] = [
            ((keep(v, v) if v[0] != "=" else Text(v)) if v else None) if type(v) is str else _shared(_value(v), keep)
            for v in row
        ]
    while values and all(v is None for v in values[-1]):
        values.pop()
    merged = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return SheetGrid(
        name=meta.name,
        values=values,
        merged=merged,
        hidden=meta.visible != pc.SheetVisibleEnum.Visible,
    )


def _shared(value: CellValue, keep) -> CellValue:
    # Only dates: 1 == 1.0 == True, so numbers must never be looked up in the shared dict.
    return keep(value, value) if type(value) is datetime else value


def _value(value: object) -> CellValue:
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value  # type: ignore[return-value]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the zip."""
    book = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for rel in _REL.findall(rels):
        attrs = dict(_ATTR.findall(rel))
        targets[attrs.get(b"Id", b"").decode()] = attrs.get(b"Target", b"").decode()
    parts = {}
    for tag in _SHEET.findall(book):
        attrs = dict(_ATTR.findall(tag))
        name = html.unescape(attrs.get(b"name", b"").decode("utf-8"))
        target = targets.get(attrs.get(b"r:id", b"").decode(), "")
        if target.startswith("/"):
            parts[name] = target.lstrip("/")
        elif target:
            parts[name] = str(PurePosixPath("xl") / target)
    return parts


def _read_formulas(path: Path, names: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    found: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        for name in names:
            part = parts.get(name)
            if part is None:
                continue
            if _holds_formula(archive, part):
                found[name] = _formulas_in(archive.read(part))
    return found


def _holds_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML holds a ``<f>``, read in chunks: most sheets hold no formula, and a
    100,000-row sheet is tens of megabytes that need not be held at once."""
    tail = b""
    with archive.open(part) as handle:
        while chunk := handle.read(1 << 22):
            window = tail + chunk
            if b"<f>" in window or b"<f " in window:  # plain byte search
                return True
            tail = window[-2:]
    return False


def _formulas_in(xml: bytes) -> dict[tuple[int, int], str]:
    # Imported here: most plans hold no formula, and openpyxl costs start-up time.
    from openpyxl.formula.translate import Translator
    from openpyxl.utils.cell import coordinate_from_string

    cells: dict[tuple[int, int], str] = {}
    shared: dict[bytes, tuple[str, str]] = {}  # si -> (master formula, master cell)
    for match in _FORMULA.finditer(xml):
        start = xml.rfind(b"<c ", 0, match.start())
        ref = _CELL_REF.search(xml, start, match.start()) if start >= 0 else None
        if ref is None:
            continue  # a <f> outside a cell (e.g. inside a chart): not a cell formula
        coord = ref.group(1).decode()
        attrs = dict(_ATTR.findall(match.group(1)))
        text = html.unescape(match.group(2).decode("utf-8")) if match.group(2) else ""
        si = attrs.get(b"si")
        if attrs.get(b"t") == b"shared" and si is not None:
            if text:
                shared[si] = (text, coord)
            elif si in shared:
                master, origin = shared[si]
                text = Translator("=" + master, origin=origin).translate_formula(coord)[1:]
        if not text:
            continue
        col_letters, row = coordinate_from_string(coord)
        cells[(row, _col(col_letters))] = "=" + text
    return cells


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _apply_formulas(grid: SheetGrid, formulas: dict[tuple[int, int], str]) -> None:
    for (row, col), text in formulas.items():
        while len(grid.values) < row:
            grid.values.append([])
        line = grid.values[row - 1]
        if len(line) < col:
            line.extend([None] * (col - len(line)))
        line[col - 1] = text


__all__ = ["read_grids"]

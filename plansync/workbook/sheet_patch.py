"""Set cells in a worksheet's XML in place, streaming, and leave every other byte as it was.

A worksheet part is read in chunks and copied through. Only ``<row>`` elements holding a cell
plansync writes are rebuilt; rows it does not touch, and everything around ``<sheetData>``
(columns, merged cells, conditional formats, data validation, drawings, extensions such as
sparklines), are copied byte for byte. Elements keep Excel's order (ECMA-376 Part 1, 18.3.1.99):
rows ascending by ``r``, cells ascending by column, new conditional formats after the existing
ones and before ``dataValidations`` and what follows. Memory stays at one chunk plus one row,
so a 100,000-row sheet costs what its largest row costs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from plansync.workbook.cell_xml import cell_xml, column_letters, column_number
from plansync.workbook.sheet_head import patch_head
from plansync.workbook.sheet_stream import Reader as _Reader
from plansync.workbook.sheet_stream import read_chunks

KEEP = object()
"""A cell edit that changes only the style and keeps the value."""

_ROW = re.compile(rb"<row\b[^>]*?/>|<row\b[^>]*>.*?</row>", re.S)
_CELL = re.compile(rb"<c\b[^>]*?/>|<c\b[^>]*>.*?</c>", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_START_TAG = re.compile(rb'<c r="([A-Z]+)\d+"([^>]*)>')
_STYLE = re.compile(rb'\bs="(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')
_VALUE = re.compile(rb"<v>(.*?)</v>|<is>.*?</is>", re.S)
# What may follow conditional formats in a worksheet, in schema order (18.3.1.99).
_AFTER_CF = (
    b"dataValidations", b"hyperlinks", b"printOptions", b"pageMargins", b"pageSetup", b"headerFooter",
    b"rowBreaks", b"colBreaks", b"customProperties", b"cellWatches", b"ignoredErrors", b"smartTags",
    b"drawing", b"legacyDrawing", b"legacyDrawingHF", b"picture", b"oleObjects", b"controls",
    b"webPublishItems", b"tableParts", b"extLst",
)


@dataclass
class SheetEdits:
    """What plansync changes in one worksheet part."""

    cells: dict[int, dict[int, Any]] = field(default_factory=dict)
    """row -> col -> value (or KEEP); plain values, as a 100,000-row write holds 400,000 of them."""
    styles: dict[tuple[int, int], str] = field(default_factory=dict)
    """(row, col) -> style index to force; cells not here keep their own (or get a date style)."""
    select: tuple[int, int] | None = None
    unselect: bool = False
    conditional_formats: list[bytes] = field(default_factory=list)

    keeps: bool = False
    """Whether any edit is style-only (KEEP): only then must rows be checked for it."""

    def set(self, row: int, col: int, value: Any, style: str | None = None) -> None:
        self.cells.setdefault(row, {})[col] = value
        if value is KEEP:
            self.keeps = True
        if style is not None:
            self.styles[(row, col)] = style

    def bounds(self) -> tuple[int, int, int, int] | None:
        if not self.cells:
            return None
        cols = [c for line in self.cells.values() for c in line]
        return min(self.cells), min(cols), max(self.cells), max(cols)


StyleFor = Callable[[str | None, Any], str | None]
"""(the cell's present style index, the new value) -> the style index to write."""


def patch_sheet(chunks: Iterator[bytes], write: Callable[[bytes], None], edits: SheetEdits, style_for: StyleFor) -> None:
    """Copy the worksheet XML from ``chunks`` to ``write`` with ``edits`` applied."""
    reader = _Reader(chunks)
    prefix = reader.until(b"<sheetData")
    write(patch_head(prefix, edits.bounds(), edits.select, edits.unselect))
    pending = sorted(edits.cells)
    open_tag = reader.tag()
    if open_tag.endswith(b"/>"):
        write(b"<sheetData>")
        for row in pending:
            write(_new_row(row, edits, style_for))
        write(b"</sheetData>")
    else:
        write(open_tag)
        _copy_rows(reader, write, edits, pending, style_for)
        write(b"</sheetData>")
    write(_insert_conditional_formats(reader.rest(), edits.conditional_formats))


def _copy_rows(reader: "_Reader", write, edits: SheetEdits, pending: list[int], style_for: StyleFor) -> None:
    """Rows plansync does not write go through as the bytes they are; only its own rows are parsed."""
    memo: dict = {}  # this save's cells of a row, by their values (styles are this workbook's)
    for row in pending:
        found = reader.row_from(row, write)
        if found is None:
            write(_new_row(row, edits, style_for))
            continue
        element, number = found
        if number == row:
            write(_edited_row(element, number, edits, style_for, memo))
        else:  # the row is not in the sheet: it goes before the next one there is
            write(_new_row(row, edits, style_for))
            reader.pos -= len(element)  # read again for the next row plansync writes
            reader.previous = number - 1
    reader.copy_until(b"</sheetData>", write)
    reader.tag()


def _new_row(row: int, edits: SheetEdits, style_for: StyleFor) -> bytes:
    cells, styles = edits.cells[row], edits.styles
    body = b"".join(_cell(row, col, cells[col], styles.get((row, col)), None, style_for) for col in sorted(cells))
    return b'<row r="%d">%s</row>' % (row, body) if body else b""


def _edited_row(element: bytes, row: int, edits: SheetEdits, style_for: StyleFor, memo: dict) -> bytes:
    cells = edits.cells[row]
    if not edits.styles and not edits.keeps:
        appended = _appended(element, row, cells, style_for, memo)
        if appended is not None:
            return appended
    end = element.find(b">")
    head = element[: end + 1]
    if head.endswith(b"/>"):
        head = head[:-2].rstrip() + b">"
        inner = b""
    else:
        inner = element[end + 1 : -len(b"</row>")]
    if b"spans" in head:
        # spans is only a loading hint (18.3.1.73); a stale one is worse than none.
        head = _SPANS.sub(b"", head)
    fast = None if edits.keeps and any(v is KEEP for v in cells.values()) else _fast_row(inner, row, cells, edits.styles, style_for, memo)
    if fast is not None:
        return head + fast + b"</row>"
    # Only the cells from the first edited column on are parsed: plansync's columns are usually the
    # last ones, so a 100,000-row sheet costs a few cells per row, not every cell.
    cut = _tail_start(inner, min(cells))
    if cut is None:
        cut = 0
    return head + inner[:cut] + _merge(inner[cut:], row, cells, edits.styles, style_for) + b"</row>"


def _appended(element: bytes, row: int, cells: dict[int, Any], style_for: StyleFor, memo: dict) -> bytes | None:
    """The row with plansync's cells added after its last cell (a first ``rag``), else None.

    The quickest case gets its own path: one search back for the row's last cell, nothing parsed.
    """
    tag_end = element.find(b">")
    size = len(element) - len(b"</row>")
    if element[tag_end - 1] == 47 or not element.endswith(b"</row>"):  # <row .../>: the careful path
        return None
    last = element.rfind(b'<c r="', tag_end, size)
    ref = _CELL_REF.match(element, last + 3) if last >= 0 else None
    cols = sorted(cells)
    if ref is None or _column(ref.group(1)) >= cols[0] or _after(element, last) != size:
        return None
    if b"spans" in element[:tag_end]:
        # spans is only a loading hint (18.3.1.73); a stale one is worse than none.
        return _SPANS.sub(b"", element[: tag_end + 1]) + element[tag_end + 1 : size] + _cells(row, cols, cells, {}, {}, style_for, memo) + b"</row>"
    return element[:size] + _cells(row, cols, cells, {}, {}, style_for, memo) + b"</row>"


def _fast_row(inner: bytes, row: int, cells: dict[int, Any], styles, style_for: StyleFor, memo: dict | None = None) -> bytes | None:
    """The row's cells when plansync's columns are its last ones (the usual case), else None.

    Finds where plansync's first column begins with one search for its reference (or after the
    row's last cell), and rebuilds only the cells from there, keeping each one's own style.
    """
    cols = sorted(cells)  # the caller sends style-only (KEEP) edits down the careful path
    first = cols[0]
    cut = inner.find(b'%s%d"' % (_ref_start(first), row))
    if cut < 0:
        last = inner.rfind(b'<c r="')
        if last < 0:
            return None if b"<c" in inner else inner + _cells(row, cols, cells, {}, styles, style_for, memo)
        ref = _CELL_REF.match(inner, last + 3)
        if ref is None:
            return None
        if _column(ref.group(1)) < first:
            cut = _after(inner, last)
        elif cols[-1] - first == len(cols) - 1:
            # Side by side (as plansync writes them), the first of its cells the row holds starts its tail.
            for col in cols[1:]:
                if (cut := inner.find(b'%s%d"' % (_ref_start(col), row))) >= 0:
                    break
            if cut < 0:
                return None
        else:
            return None
    old_styles: dict[int, str | None] = {}
    pos, size = cut, len(inner)
    while pos < size:
        # Each cell of the tail from its start tag (a regex over whole cells of 100,000 rows costs seconds).
        tag = _START_TAG.match(inner, pos)
        if tag is None:
            return None
        col = _column(tag.group(1))
        if col not in cells:
            return None  # a cell of the team's among plansync's: the careful path
        attributes = tag.group(2)
        style_at = attributes.find(b' s="')
        old_styles[col] = attributes[style_at + 4 : attributes.find(b'"', style_at + 4)].decode() if style_at >= 0 else None
        if attributes.endswith(b"/"):  # <c .../>
            pos = tag.end()
        else:
            close = inner.find(b"</c>", tag.end())
            if close < 0:
                return None
            pos = close + 4
    return inner[:cut] + _cells(row, cols, cells, old_styles, styles, style_for, memo)


_CELL_CACHE: dict = {}


def _cells(row: int, cols: list[int], cells: dict[int, Any], old_styles: dict[int, str | None], styles, style_for: StyleFor, memo: dict | None) -> bytes:
    """A row's cells from their values, reusing the XML of an earlier row with the same values and styles.

    Big plans repeat few combinations in plansync's columns (a due date, its RAG word, Yes/No, its
    days overdue), so most rows cost one dictionary lookup: the cached pieces are joined with the
    row's number.
    """
    values = tuple([cells[c] for c in cols])
    key = None
    if not styles and memo is not None:  # no style forced on any cell (rag, validate): a row's XML follows from its values
        key = (tuple(cols), values, tuple(map(type, values)), tuple([old_styles.get(c) for c in cols]))
        try:
            pieces = memo.get(key)
        except TypeError:  # an unhashable value: no reuse
            pieces, key = None, None
        if pieces is not None:
            return str(row).encode().join(pieces) if len(pieces) > 1 else b""
    pieces = _cell_pieces(row, cols, values, old_styles, styles, style_for)
    if key is not None and len(memo) < 100_000:
        memo[key] = pieces
    return str(row).encode().join(pieces) if len(pieces) > 1 else b""


def _cell_pieces(row: int, cols: list[int], values: tuple, old_styles: dict[int, str | None], styles, style_for: StyleFor) -> list[bytes]:
    """The row's cells as the pieces between their row numbers (joined with the row's number)."""
    pieces = [b""]
    cache = _CELL_CACHE
    for col, value in zip(cols, values):
        forced = styles.get((row, col)) if styles else None
        style = forced if forced is not None else style_for(old_styles.get(col), value)
        key = (type(value), value, style)
        try:
            tail = cache.get(key)
        except TypeError:  # an unhashable value: no reuse
            tail, key = None, None
        if tail is None:
            xml = cell_xml("", value, style)
            tail = xml[len(b'<c r="') :] if xml else b""
            if key is not None and len(cache) < 100_000:
                cache[key] = tail
        if tail:
            pieces[-1] += _ref_start(col)
            pieces.append(tail)
    return pieces


def _tail_start(inner: bytes, first: int) -> int | None:
    """Where the cells of column ``first`` and after begin (None: cells without ``r``, parse the row whole)."""
    if any(odd in inner for odd in (b"<c>", b"<c\n", b"<c\r", b"<c\t")):
        return None
    pos = len(inner)
    while (start := inner.rfind(b"<c ", 0, pos)) >= 0:
        ref = _CELL_REF.search(inner, start, inner.find(b">", start))
        if ref is None:
            return None
        if _column(ref.group(1)) < first:
            return _after(inner, start)
        pos = start
    return 0


def _after(inner: bytes, start: int) -> int:
    """The end of the cell starting at ``start``."""
    tag_end = inner.find(b">", start)
    if tag_end < 0:
        return len(inner)
    if inner[tag_end - 1] == 47:  # "/": <c .../>
        return tag_end + 1
    close = inner.find(b"</c>", tag_end)
    return close + 4 if close >= 0 else len(inner)


def _merge(inner: bytes, row: int, cells: dict[int, Any], styles: dict[tuple[int, int], str], style_for: StyleFor) -> bytes:
    out: list[bytes] = []
    last = 0
    previous = 0
    todo = dict(cells)
    for match in _CELL.finditer(inner):
        cell = match.group()
        ref = _CELL_REF.search(cell, 0, cell.find(b">"))
        col = _column(ref.group(1)) if ref else previous + 1
        previous = col
        for new in sorted(c for c in todo if c < col):
            out.append(_cell(row, new, todo.pop(new), styles.get((row, new)), None, style_for))
        out.append(inner[last : match.start()])
        last = match.end()
        out.append(_cell(row, col, todo.pop(col), styles.get((row, col)), cell, style_for) if col in todo else cell)
    for new in sorted(todo):
        out.append(_cell(row, new, todo[new], styles.get((row, new)), None, style_for))
    out.append(inner[last:])
    return b"".join(out)


@lru_cache(maxsize=4096)
def _ref_start(col: int) -> bytes:
    return b'<c r="' + column_letters(col).encode()


@lru_cache(maxsize=4096)
def _column(letters: bytes) -> int:
    return column_number(letters)


def _cell(row: int, col: int, value: Any, forced: str | None, old: bytes | None, style_for: StyleFor) -> bytes:
    present = None
    if old is not None:
        found = _STYLE.search(old, 0, old.find(b">"))
        present = found.group(1).decode() if found else None
    ref = f"{column_letters(col)}{row}"
    if value is KEEP:
        if old is None:
            return cell_xml(ref, None, forced)
        if forced is None:
            return old
        tag_end = old.find(b">")
        closing = old[tag_end - 1 : tag_end] == b"/"
        tag = _STYLE.sub(b"", old[: tag_end - 1 if closing else tag_end]).rstrip()
        return tag + b' s="%s"' % forced.encode() + (b"/>" if closing else old[tag_end:])
    style = forced if forced is not None else style_for(present, value)
    return cell_xml(ref, value, style)


def _insert_conditional_formats(tail: bytes, formats: list[bytes]) -> bytes:
    new = [f for f in formats if f not in tail]  # installed once: a second run adds nothing
    if not new:
        return tail
    at = len(tail) - len(b"</worksheet>") if tail.rstrip().endswith(b"</worksheet>") else len(tail)
    for name in _AFTER_CF:
        found = re.search(rb"<%s\b" % name, tail)
        if found:
            at = min(at, found.start())
            break
    return tail[:at] + b"".join(new) + tail[at:]


def cell_style(handle, row: int, col: int) -> str | None:
    """The style index of one cell, reading the sheet only as far as that cell's row."""
    reader = _Reader(read_chunks(handle, 1 << 16))
    reader.until(b"<sheetData")
    if reader.tag().endswith(b"/>"):
        return None
    previous = 0
    while (element := reader.element(_ROW, b"</sheetData>")) is not None:
        found = _ROW_NUMBER.search(element, 0, element.find(b">"))
        number = int(found.group(1)) if found else previous + 1
        previous = number
        if number > row:
            return None
        if number == row:
            for cell in _CELL.findall(element):
                ref = _CELL_REF.search(cell, 0, cell.find(b">"))
                if ref and _column(ref.group(1)) == col:
                    style = _STYLE.search(cell, 0, cell.find(b">"))
                    return style.group(1).decode() if style and style.group(1) != b"0" else None
            return None
    return None


__all__ = sorted(["KEEP", "SheetEdits", "cell_style", "patch_sheet", "read_chunks"])

"""Save a ``PackageWorkbook``: work out which parts change, then copy the package with those changes.

Changed parts are only: worksheets plansync writes cells in (patched in place), its own sheets
(new parts, or the part of one it replaces), ``styles.xml`` (entries appended), the workbook part,
its relationships and ``[Content_Types].xml`` (one element per sheet added or removed, the active
tab), and ``calcChain.xml`` when a cell plansync overwrites held a formula. Everything else is
copied through unchanged.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from io import BytesIO
from pathlib import Path

from validation.errors import WorkbookUnreadable
from plansync.workbook.cell_xml import column_letters, is_date
from plansync.workbook.package import WORKSHEET_CONTENT, WORKSHEET_TYPE, Changes, Package, attrs, relationships, rels_part, resolve
from plansync.workbook.package_parts import (
    Scratch, add_override, add_relationship, add_sheet_tag, remove_overrides, remove_relationship, remove_sheet_tag,
    set_active_tab, set_sheet_state, sheet_xml, unused_name, unused_rid,
)
from plansync.workbook.sheet_patch import KEEP, SheetEdits, patch_sheet, read_chunks
from plansync.workbook.styles_patch import Styles, import_styles

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?/>", re.S)
_TAB_SELECTED = re.compile(rb'<sheetView\b[^>]*\btabSelected="(?:1|true)"')
_ACTIVE_TAB = re.compile(rb'<(?:\w+:)?workbookView\b[^>]*?\bactiveTab="(\d+)"')
_CALC_CELL = re.compile(rb"<c\b[^>]*?/>")
_MINIMAL_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts>'
    b'<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs>'
    b"</styleSheet>"
)
_STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_STYLES_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"


class _Save:
    def __init__(self, book, package: Package) -> None:
        self.book = book
        self.package = package
        self.changes = Changes()
        self.types = package.read("[Content_Types].xml")
        self.book_xml = package.read(package.workbook_part)
        self.rels_xml = package.read(package.workbook_rels_part)
        self.taken = set(package.names)
        self.styles_part, self.styles = self._styles()
        self.scratch: Scratch | None = None
        self.xf_map: dict[int, int] = {}
        self.dxf_map: dict[int, int] = {}
        self.table_refs: dict[str, dict[str, str]] = {}
        self.written: dict[int, SheetEdits] = {}  # sheetId -> its edits (for calcChain)

    def _styles(self) -> tuple[str, Styles]:
        for rel in relationships(self.rels_xml):
            if rel.get("Type") == _STYLES_TYPE:
                part = resolve(self.package.workbook_part, rel["Target"])
                return part, Styles(self.package.read(part))
        part = unused_name(self.taken, posixpath.dirname(self.package.workbook_part), "styles", ".xml")
        self.rels_xml = add_relationship(self.rels_xml, unused_rid(self.rels_xml), _STYLES_TYPE, posixpath.basename(part))
        self.types = add_override(self.types, part, _STYLES_CONTENT)
        return part, Styles(_MINIMAL_STYLES)

    def style_for(self, present: str | None, value) -> str | None:
        return self.styles.date_style(present) if is_date(value) else present

    def run(self) -> Changes:
        book = self.book
        active = self._active_name()
        if book.scratch is not None:
            self._build_scratch()
        for entry in reversed(self.package.sheets):
            if entry.name in book.removed:
                self._remove(entry)
        for entry in self.package.sheets:
            if entry.name not in book.removed:
                self._existing(entry)
        for name in book.new_names:
            self._new(name)
        self._active_tab(book.selected[0] if book.selected else active)
        self._calc_chain()
        self.changes.replaced[self.package.workbook_part] = self.book_xml
        self.changes.replaced[self.package.workbook_rels_part] = self.rels_xml
        self.changes.replaced["[Content_Types].xml"] = self.types
        # Written last: patching sheets may still append date styles.
        self.changes.late[self.styles_part] = lambda: self.styles.to_bytes()
        return self.changes

    def _build_scratch(self) -> None:
        selected = self.book.selected
        for ws in self.book.scratch.worksheets:
            ws.sheet_view.tabSelected = selected is not None and ws.title == selected[0]
            if ws.sheet_view.tabSelected:
                at = f"{column_letters(selected[2])}{selected[1]}"
                ws.sheet_view.selection[0].activeCell = at
                ws.sheet_view.selection[0].sqref = at
        for name in self.book.stand_ins:
            ws = self.book.scratch[name]
            # Tables live in their own parts: save resizes the real ones, the stand-in's are not written.
            self.table_refs[name] = {t.displayName: t.ref for t in ws.tables.values()}
            ws.tables.clear()
        data = BytesIO()
        self.book.scratch.save(data)
        self.scratch = Scratch(data.getvalue())
        self.xf_map, self.dxf_map = import_styles(self.styles, self.scratch.styles())

    def _tags(self) -> list[bytes]:
        return _SHEET_TAG.findall(self.book_xml)

    def _active_name(self) -> str | None:
        found = _ACTIVE_TAB.search(self.book_xml)
        tags = self._tags()
        index = int(found.group(1)) if found else 0
        if index >= len(tags):
            return None
        return attrs(tags[index]).get("name")

    def _remove(self, entry) -> None:
        self.book_xml = remove_sheet_tag(self.book_xml, entry.tag, self._tags().index(entry.tag))
        self.rels_xml = remove_relationship(self.rels_xml, entry.rid)
        parts = {entry.part} | self.package.linked_parts(entry.part)
        self.changes.removed |= parts
        self.types = remove_overrides(self.types, parts)

    def _existing(self, entry) -> None:
        book, name = self.book, entry.name
        if book._in_scratch(name):
            old = self.package.linked_parts(entry.part)
            self.changes.removed |= old
            self.types = remove_overrides(self.types, old)
            self.changes.replaced[entry.part] = self._from_scratch(name, entry.part)
            self._state(entry, book.scratch[name].sheet_state != "visible")
            return
        edits = SheetEdits()
        if name in book.own:
            rows, hidden = book.own[name]
            for r, line in enumerate(book._original(name).values, start=1):
                for c, value in enumerate(line, start=1):
                    if value is not None:
                        edits.set(r, c, None)
            for r, line in enumerate(rows, start=1):
                for c, value in enumerate(line, start=1):
                    edits.set(r, c, value)
            self._state(entry, hidden)
        else:
            edits = book.edits.get(name) or edits
        if name in book.stand_ins:
            self._transplant(name, edits)
        self._selection(entry, edits)
        if edits.cells or edits.select or edits.unselect or edits.conditional_formats:
            self.written[entry.sheet_id] = edits
            self.changes.replaced[entry.part] = self._patcher(entry.part, edits)

    def _state(self, entry, hidden: bool) -> None:
        if hidden != entry.hidden:
            self.book_xml = set_sheet_state(self.book_xml, entry.tag, hidden)

    def _transplant(self, name: str, edits: SheetEdits) -> None:
        """Conditional formats and cell styles set on the stand-in go onto the real sheet."""
        edits.conditional_formats = self.scratch.conditional_formats(name, self.dxf_map)
        refs = self.table_refs.get(name, {})
        for part, display, ref, _ in self.book.tables_of(name):
            if refs.get(display, ref) != ref:
                xml = self.package.read(part)
                new = re.sub(rb'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\sref=")[^"]*"', lambda m: m.group(1) + refs[display].encode() + b'"', xml)
                self.changes.replaced[part] = new
        ws = self.book.scratch[name]
        for (row, col), cell in ws._cells.items():
            if cell.has_style and cell.style_id:
                style = str(self.xf_map.get(cell.style_id, 0))
                edits.set(row, col, edits.cells.get(row, {}).get(col, KEEP), style)

    def _selection(self, entry, edits: SheetEdits) -> None:
        selected = self.book.selected
        if selected is None:
            return
        if selected[0] == entry.name:
            edits.select = (selected[1], selected[2])
            return
        with self.package.zip.open(entry.part) as handle:
            head = handle.read(1 << 14)
        edits.unselect = _TAB_SELECTED.search(head) is not None

    def _patcher(self, part: str, edits: SheetEdits):
        def run(write) -> None:
            with self.package.zip.open(part) as handle:
                patch_sheet(read_chunks(handle), write, edits, self.style_for)

        return run

    def _from_scratch(self, name: str, part: str) -> bytes:
        rels, added, types = self.scratch.import_links(name, self.taken)
        if rels is not None:
            self.changes.added[rels_part(part)] = rels
        self.changes.added.update(added)
        for new, content_type in types.items():
            self.types = add_override(self.types, new, content_type)
        return self.scratch.sheet(name, self.xf_map, self.dxf_map)

    def _new(self, name: str) -> None:
        book = self.book
        folder = posixpath.join(posixpath.dirname(self.package.workbook_part), "worksheets")
        part = unused_name(self.taken, folder, "sheet", ".xml")
        rid = unused_rid(self.rels_xml)
        ids = [int(m) for m in re.findall(rb'\bsheetId="(\d+)"', self.book_xml)]
        self.rels_xml = add_relationship(self.rels_xml, rid, WORKSHEET_TYPE, posixpath.relpath(part, posixpath.dirname(self.package.workbook_part)))
        self.types = add_override(self.types, part, WORKSHEET_CONTENT)
        if book._in_scratch(name):
            hidden = book.scratch[name].sheet_state != "visible"
            self.changes.added[part] = self._from_scratch(name, part)
        else:
            rows, hidden = book.own[name]
            selected = book.selected[1:] if book.selected and book.selected[0] == name else None
            self.changes.added[part] = sheet_xml(rows, self.style_for, selected)
        self.book_xml = add_sheet_tag(self.book_xml, name, max(ids, default=0) + 1, rid, hidden)

    def _active_tab(self, name: str | None) -> None:
        tags = [attrs(t) for t in self._tags()]
        names = [t.get("name") for t in tags]
        visible = [i for i, t in enumerate(tags) if t.get("state", "visible") == "visible"]
        index = names.index(name) if name in names else (visible[0] if visible else 0)
        if tags and tags[index].get("state", "visible") != "visible" and visible:
            index = visible[0]
        found = _ACTIVE_TAB.search(self.book_xml)
        if int(found.group(1) if found else 0) != index:
            self.book_xml = set_active_tab(self.book_xml, index)

    def _calc_chain(self) -> None:
        """Drop calcChain entries of cells that now hold a value, not a formula (Excel repairs the file otherwise)."""
        part = next(
            (resolve(self.package.workbook_part, r["Target"]) for r in relationships(self.rels_xml) if r.get("Type", "").endswith("/calcChain")),
            None,
        )
        if part is None or part not in self.package.names or not self.written:
            return
        cells = {
            sheet_id: {f"{column_letters(c)}{r}" for r, line in edits.cells.items() for c, v in line.items() if v is not KEEP}
            for sheet_id, edits in self.written.items()
        }

        sheet = [0]

        def keep(match: re.Match) -> bytes:
            a = attrs(match.group())
            sheet[0] = int(a.get("i", sheet[0]))
            if a.get("r") in cells.get(sheet[0], ()):
                return b""
            # A missing i means "the sheet of the entry before", which may be the one just dropped.
            return match.group() if "i" in a else match.group()[:-2].rstrip() + b' i="%d"/>' % sheet[0]

        xml = self.package.read(part)
        new = _CALC_CELL.sub(keep, xml)
        if new != xml:
            self.changes.replaced[part] = new


def write_package(book, temp: Path) -> None:
    """Write ``book`` with its changes to ``temp`` (the caller moves it over the original)."""
    package = Package(book.path)
    try:
        changes = _Save(book, package).run()
        package.write(temp, changes)
    except (ValueError, KeyError, zipfile.BadZipFile, ET.ParseError) as exc:
        # Only the temporary file was written; the caller deletes it and the workbook is untouched.
        raise WorkbookUnreadable(
            f"{book.path.name} holds a part plansync cannot keep safely ({exc}). Nothing was changed. "
            "Open the workbook in Excel, save it again as 'Excel Workbook (*.xlsx)', then run the command again; "
            "if it still fails, please report it with the workbook.",
            path=str(book.path),
        ) from exc
    finally:
        package.close()


__all__ = ["write_package"]

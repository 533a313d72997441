"""Edits to the package's index parts when plansync adds or removes one of its own sheets.

The workbook part lists the sheets (``<sheet name sheetId r:id state>``), the workbook's
relationship part ties each to its worksheet part, and ``[Content_Types].xml`` types every part.
Adding a sheet appends one element to each; removing one deletes those elements (and shifts the
sheet indexes that defined names and the active tab refer to). Everything else in those parts,
defined names and print areas included, keeps its bytes.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from io import BytesIO

from plansync.workbook.cell_xml import cell_xml, column_letters
from plansync.workbook.package import REL_NS, attrs, relationships, rels_part, resolve

_OVERRIDE = re.compile(rb"<Override\b[^>]*?/>", re.S)
_DEFAULT = re.compile(rb"<Default\b[^>]*?/>", re.S)
_LOCAL_SHEET = re.compile(rb'localSheetId="(\d+)"')
_DEFINED_NAME = re.compile(rb"<(?:\w+:)?definedName\b[^>]*>.*?</(?:\w+:)?definedName>", re.S)
_BOOK_VIEW = re.compile(rb"<(?:\w+:)?workbookView\b[^>]*?/?>", re.S)
_SST_ITEM = re.compile(rb"<si>(.*?)</si>", re.S)
_TEXT = re.compile(rb"<t[^>]*>(.*?)</t>", re.S)
_SHARED_CELL = re.compile(rb'<c\b([^>]*?)\st="s"([^>]*)><v>(\d+)</v></c>')
_XML_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def escape_attr(text: str) -> str:
    return html.escape(text, quote=True)


def unused_name(taken: set[str], folder: str, stem: str, ext: str) -> str:
    n = 1
    while f"{folder}/{stem}{n}{ext}" in taken:
        n += 1
    name = f"{folder}/{stem}{n}{ext}"
    taken.add(name)
    return name


def unused_rid(rels_xml: bytes) -> str:
    taken = {r.get("Id") for r in relationships(rels_xml)}
    n = len(taken) + 1
    while f"rId{n}" in taken:
        n += 1
    return f"rId{n}"


def add_relationship(rels_xml: bytes, rid: str, rel_type: str, target: str) -> bytes:
    tag = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{escape_attr(target)}"/>'.encode()
    at = rels_xml.rindex(b"</Relationships>")
    return rels_xml[:at] + tag + rels_xml[at:]


def remove_relationship(rels_xml: bytes, rid: str) -> bytes:
    return re.sub(rb'<Relationship\b[^>]*?\bId="%s"[^>]*?/>' % re.escape(rid.encode()), b"", rels_xml)


def add_override(types_xml: bytes, part: str, content_type: str) -> bytes:
    tag = f'<Override PartName="/{escape_attr(part)}" ContentType="{content_type}"/>'.encode()
    at = types_xml.rindex(b"</Types>")
    return types_xml[:at] + tag + types_xml[at:]


def add_default(types_xml: bytes, ext: str, content_type: str) -> bytes:
    if any(attrs(t).get("Extension", "").lower() == ext.lower() for t in _DEFAULT.findall(types_xml)):
        return types_xml
    tag = f'<Default Extension="{escape_attr(ext)}" ContentType="{content_type}"/>'.encode()
    at = types_xml.rindex(b"</Types>")
    return types_xml[:at] + tag + types_xml[at:]


def remove_overrides(types_xml: bytes, parts: set[str]) -> bytes:
    def keep(match: re.Match) -> bytes:
        return b"" if attrs(match.group()).get("PartName", "").lstrip("/") in parts else match.group()

    return _OVERRIDE.sub(keep, types_xml)


def content_types(types_xml: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """(part -> content type overrides, extension -> default content type)."""
    overrides = {attrs(t)["PartName"].lstrip("/"): attrs(t)["ContentType"] for t in _OVERRIDE.findall(types_xml)}
    defaults = {attrs(t)["Extension"].lower(): attrs(t)["ContentType"] for t in _DEFAULT.findall(types_xml)}
    return overrides, defaults


def add_sheet_tag(book_xml: bytes, name: str, sheet_id: int, rid: str, hidden: bool) -> bytes:
    found = re.search(rb'xmlns:(\w+)="%s"' % re.escape(REL_NS.encode()), book_xml)
    prefix = found.group(1).decode() if found else "r"
    declare = "" if found else f' xmlns:r="{REL_NS}"'
    state = ' state="hidden"' if hidden else ""
    element = re.search(rb"<(\w+:)?sheets\b", book_xml)
    p = element.group(1).decode() if element and element.group(1) else ""
    tag = f'<{p}sheet name="{escape_attr(name)}" sheetId="{sheet_id}"{state} {prefix}:id="{rid}"{declare}/>'.encode()
    at = book_xml.index(f"</{p}sheets>".encode())
    return book_xml[:at] + tag + book_xml[at:]


def set_sheet_state(book_xml: bytes, tag: bytes, hidden: bool) -> bytes:
    new = re.sub(rb'\s+state="[^"]*"', b"", tag)
    if hidden:
        new = new[: -2].rstrip() + b' state="hidden"/>'
    return book_xml.replace(tag, new, 1)


def remove_sheet_tag(book_xml: bytes, tag: bytes, index: int) -> bytes:
    """Drop a sheet's element; names local to it go, later sheets' indexes shift down by one."""
    book_xml = book_xml.replace(tag, b"", 1)

    def name(match: re.Match) -> bytes:
        local = _LOCAL_SHEET.search(match.group(), 0, match.group().find(b">"))
        if local is None:
            return match.group()
        n = int(local.group(1))
        if n == index:
            return b""
        return _LOCAL_SHEET.sub(b'localSheetId="%d"' % (n - 1), match.group(), count=1) if n > index else match.group()

    return _DEFINED_NAME.sub(name, book_xml)


def set_active_tab(book_xml: bytes, index: int) -> bytes:
    view = _BOOK_VIEW.search(book_xml)
    if view is None:
        return book_xml
    if re.search(rb'\sactiveTab="\d+"', view.group()):
        tag = re.sub(rb'(\sactiveTab=")\d+"', b'\\g<1>%d"' % index, view.group())
        return book_xml[: view.start()] + tag + book_xml[view.end() :]
    tag = view.group()
    cut = len(tag) - (2 if tag.endswith(b"/>") else 1)
    tag = tag[:cut].rstrip() + b' activeTab="%d"' % index + tag[cut:]
    return book_xml[: view.start()] + tag + book_xml[view.end() :]


def sheet_xml(rows: list[list], style_for, selected: tuple[int, int] | None) -> bytes:
    """A whole worksheet part for one of plansync's own sheets, values only."""
    body = []
    width = max(map(len, rows), default=0)
    starts = [b'<c r="' + column_letters(c).encode() for c in range(1, width + 1)]
    tails: dict = {}  # a value's cell XML after its reference: an Issues sheet repeats its messages
    for r, line in enumerate(rows, start=1):
        number = b"%d" % r
        cells = b"".join(starts[c] + number + tail for c, v in enumerate(line) if (tail := _tail(v, style_for, tails)))
        if cells:
            body.append(b'<row r="%d">%s</row>' % (r, cells))
    ref = f"A1:{column_letters(max(width, 1))}{max(len(rows), 1)}"
    view = b'<sheetView workbookViewId="0"/>'
    if selected is not None:
        at = f"{column_letters(selected[1])}{selected[0]}".encode()
        view = b'<sheetView tabSelected="1" workbookViewId="0"><selection activeCell="%s" sqref="%s"/></sheetView>' % (at, at)
    return (
        _XML_HEAD
        + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL_NS}"><dimension ref="{ref}"/><sheetViews>'.encode()
        + view
        + b'</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
        + b"".join(body)
        + b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    )


def _tail(value, style_for, tails: dict) -> bytes:
    """``cell_xml`` of ``value`` from the end of its reference on (b"" for no cell)."""
    try:
        key = (type(value), value)
        tail = tails.get(key)
    except TypeError:  # unhashable, or pandas' NA that cannot be compared
        key, tail = None, None
    if tail is None:
        xml = cell_xml("", value, style_for(None, value))
        tail = xml[len(b'<c r="') :] if xml else b""
        if key is not None:
            tails[key] = tail
    return tail


class Scratch:
    """The parts of a workbook openpyxl built for plansync's own sheets, ready to move into the package."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(BytesIO(data))
        self.overrides, self.defaults = content_types(self.zip.read("[Content_Types].xml"))
        book = "xl/workbook.xml"
        rels = {r["Id"]: r for r in relationships(self.zip.read(rels_part(book)))}
        self.parts = {}
        for tag in re.findall(rb"<sheet\b[^>]*?/>", self.zip.read(book)):
            a = attrs(tag)
            rid = next(v for k, v in a.items() if k.endswith(":id"))
            self.parts[a["name"]] = resolve(book, rels[rid]["Target"])
        shared = self.zip.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in self.zip.namelist() else b""
        self.strings = [b"".join(_TEXT.findall(item)) for item in _SST_ITEM.findall(shared)]

    def styles(self) -> bytes:
        return self.zip.read("xl/styles.xml")

    def sheet(self, name: str, xf_map: dict[int, int], dxf_map: dict[int, int]) -> bytes:
        """The sheet's XML with inline strings and the target's style indexes."""
        xml = self.zip.read(self.parts[name])

        def inline(m: re.Match) -> bytes:
            text = self.strings[int(m.group(3))]
            return b'<c%s t="inlineStr"%s><is><t xml:space="preserve">%s</t></is></c>' % (m.group(1), m.group(2), text)

        xml = _SHARED_CELL.sub(inline, xml)
        xml = re.sub(rb'(<(?:c|row)\b[^>]*?\ss=")(\d+)"', lambda m: m.group(1) + str(xf_map.get(int(m.group(2)), 0)).encode() + b'"', xml)
        xml = re.sub(rb'(<col\b[^>]*?\sstyle=")(\d+)"', lambda m: m.group(1) + str(xf_map.get(int(m.group(2)), 0)).encode() + b'"', xml)
        return re.sub(rb'(\sdxfId=")(\d+)"', lambda m: m.group(1) + str(dxf_map.get(int(m.group(2)), 0)).encode() + b'"', xml)

    def conditional_formats(self, name: str, dxf_map: dict[int, int]) -> list[bytes]:
        xml = self.sheet(name, {}, dxf_map)
        return re.findall(rb"<conditionalFormatting\b.*?</conditionalFormatting>", xml, re.S)

    def import_links(self, name: str, taken: set[str]) -> tuple[bytes | None, dict[str, bytes], dict[str, str]]:
        """The sheet's relationships part and the parts it reaches, renamed to names free in the target.

        Returns (rels part or None, new part -> bytes, new part -> content type).
        """
        added: dict[str, bytes] = {}
        types: dict[str, str] = {}
        renamed: dict[str, str] = {}

        def bring(source: str) -> str:
            if source in renamed:
                return renamed[source]
            folder, base = posixpath.split(source)
            stem, ext = posixpath.splitext(base)
            new = unused_name(taken, folder, stem.rstrip("0123456789"), ext)
            renamed[source] = new
            rels = rels_part(source)
            if rels in self.zip.namelist():
                added[rels_part(new)] = relink(source, self.zip.read(rels))
            added[new] = self.zip.read(source)
            types[new] = self.overrides.get(source) or self.defaults.get(ext.lstrip(".").lower(), "application/octet-stream")
            return new

        def relink(source: str, rels_xml: bytes) -> bytes:
            def one(m: re.Match) -> bytes:
                a = attrs(m.group())
                if a.get("TargetMode") == "External":
                    return m.group()
                target = bring(resolve(source, a["Target"]))
                return re.sub(rb'Target="[^"]*"', f'Target="/{escape_attr(target)}"'.encode(), m.group())

            return re.sub(rb"<Relationship\b[^>]*?/>", one, rels_xml)

        part = self.parts[name]
        rels = rels_part(part)
        if rels not in self.zip.namelist():
            return None, added, types
        return relink(part, self.zip.read(rels)), added, types


__all__ = sorted(
    [
        "Scratch", "add_default", "add_override", "add_relationship", "add_sheet_tag", "content_types", "escape_attr",
        "remove_overrides", "remove_relationship", "remove_sheet_tag", "set_active_tab", "set_sheet_state", "sheet_xml",
        "unused_name", "unused_rid",
    ]
)

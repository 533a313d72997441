"""Add the few styles plansync needs to a workbook's styles.xml by appending, never rewriting.

A cell's ``s`` attribute is an index into ``cellXfs``; fonts, fills, borders, number formats
and the conditional-format styles (``dxfs``) are indexed lists too. Every index the team's cells,
charts and conditional formats use must keep meaning what it meant, so new entries go at the end
of their list (and ``count`` is updated); the rest of the part is kept byte for byte. An entry
identical to one already there is reused, so running a command again adds nothing.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS = {"m": MAIN}
DATE_FORMAT = "dd/mm/yyyy"
# Built-in number formats that show a date (ECMA-376 Part 1, 18.8.30, and Excel's locale ones).
_BUILTIN_DATES = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_LISTS = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")
# Where a missing list goes: before the first of these that the part has (18.8.39 order).
_FOLLOWERS = {
    "numFmts": ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs"),
    "dxfs": ("tableStyles", "colors", "extLst"),
}


def is_date_format(num_fmt_id: int, code: str | None) -> bool:
    if num_fmt_id in _BUILTIN_DATES:
        return True
    if not code:
        return False
    bare = _QUOTED.sub("", code).lower()
    return "d" in bare or "y" in bare


def _key(element: ET.Element) -> bytes:
    element.tail = None  # tostring writes the tail too; layout whitespace is not part of the style
    return ET.tostring(element)


class Styles:
    """styles.xml, with lists that can grow at the end."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        root = ET.fromstring(xml)
        self.prefix = self._prefix(xml)
        self.items: dict[str, list[ET.Element]] = {}
        for name in _LISTS:
            holder = root.find(f"m:{name}", _NS)
            self.items[name] = list(holder) if holder is not None else []
        self.added: dict[str, list[ET.Element]] = {name: [] for name in _LISTS}
        self._index = {name: {_key(e): i for i, e in enumerate(self.items[name])} for name in _LISTS}
        self.codes = {int(e.get("numFmtId", "0")): e.get("formatCode") for e in self.items["numFmts"]}
        self._dates: dict[str | None, str] = {}

    @staticmethod
    def _prefix(xml: bytes) -> str:
        found = re.search(rb"<(\w+:)?styleSheet\b", xml)
        return found.group(1).decode() if found and found.group(1) else ""

    def add(self, name: str, element: ET.Element) -> int:
        """The index of ``element`` in list ``name``, appending it when no equal entry exists."""
        key = _key(element)
        if key not in self._index[name]:
            self._index[name][key] = len(self.items[name])
            self.items[name].append(element)
            self.added[name].append(element)
        return self._index[name][key]

    def number_format(self, code: str) -> int:
        for num_id, existing in self.codes.items():
            if existing == code:
                return num_id
        num_id = max([163, *self.codes]) + 1
        element = ET.Element(f"{{{MAIN}}}numFmt", {"numFmtId": str(num_id), "formatCode": code})
        self.add("numFmts", element)
        self.codes[num_id] = code
        return num_id

    def date_style(self, present: str | None) -> str:
        """A cellXfs index showing a date: the cell's own style when it already does, else a copy with a date format."""
        if present in self._dates:
            return self._dates[present]
        xfs = self.items["cellXfs"]
        index = int(present) if present and present.isdigit() and int(present) < len(xfs) else None
        base = xfs[index] if index is not None else (xfs[0] if xfs else ET.Element(f"{{{MAIN}}}xf", {"fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"}))
        num_id = int(base.get("numFmtId", "0"))
        if index is not None and is_date_format(num_id, self.codes.get(num_id)):
            result = present
        else:
            xf = ET.fromstring(ET.tostring(base))
            xf.set("numFmtId", str(self.number_format(DATE_FORMAT)))
            xf.set("applyNumberFormat", "1")
            result = str(self.add("cellXfs", xf))
        self._dates[present] = result
        return result

    def changed(self) -> bool:
        return any(self.added.values())

    def to_bytes(self) -> bytes:
        """The part with the new entries appended; the original bytes when nothing was added."""
        xml = self.xml
        for name in _LISTS:
            if self.added[name]:
                xml = self._append(xml, name, self.added[name], len(self.items[name]))
        return xml

    def _serialise(self, element: ET.Element) -> bytes:
        return _write(element, self.prefix, {}).encode("utf-8")

    def _append(self, xml: bytes, name: str, new: list[ET.Element], count: int) -> bytes:
        p = self.prefix.encode()
        body = b"".join(self._serialise(e) for e in new)
        empty = re.search(rb"<%s%s\b([^>]*?)/>" % (p, name.encode()), xml)
        if empty:
            tag = self._counted(b"<%s%s%s>" % (p, name.encode(), empty.group(1)), count)
            return xml[: empty.start()] + tag + body + b"</%s%s>" % (p, name.encode()) + xml[empty.end() :]
        opening = re.search(rb"<%s%s\b[^>]*>" % (p, name.encode()), xml)
        if opening:
            closing = xml.index(b"</%s%s>" % (p, name.encode()), opening.end())
            tag = self._counted(opening.group(), count)
            return xml[: opening.start()] + tag + xml[opening.end() : closing] + body + xml[closing:]
        at = None
        for follower in _FOLLOWERS.get(name, ()):
            found = re.search(rb"<%s%s\b" % (p, follower.encode()), xml)
            if found:
                at = found.start()
                break
        if at is None:
            at = xml.rindex(b"</%sstyleSheet>" % p)
        block = b'<%s%s count="%d">' % (p, name.encode(), count) + body + b"</%s%s>" % (p, name.encode())
        return xml[:at] + block + xml[at:]

    @staticmethod
    def _counted(tag: bytes, count: int) -> bytes:
        if re.search(rb'\bcount="\d*"', tag):
            return re.sub(rb'\bcount="\d*"', b'count="%d"' % count, tag, count=1)
        return tag[:-1].rstrip(b"/") + b' count="%d">' % count


def _write(element: ET.Element, prefix: str, declared: dict[str, str]) -> str:
    """SpreadsheetML text of ``element`` using the part's own prefix for the main namespace."""
    declared = dict(declared)
    extra: list[str] = []

    def name(qualified: str) -> str:
        if not qualified.startswith("{"):
            return qualified
        uri, local = qualified[1:].split("}", 1)
        if uri == MAIN:
            return prefix + local
        if uri == "http://www.w3.org/XML/1998/namespace":
            return "xml:" + local
        if uri not in declared:
            declared[uri] = f"ps{len(declared)}"
            extra.append(f' xmlns:{declared[uri]}="{html.escape(uri)}"')
        return f"{declared[uri]}:{local}"

    tag = name(element.tag)
    attributes = "".join(f' {name(k)}="{html.escape(v)}"' for k, v in element.items())
    children = "".join(_write(child, prefix, declared) for child in element)
    text = html.escape(element.text, quote=False) if element.text and element.text.strip() else ""
    head = f"<{tag}{''.join(extra)}{attributes}"
    return f"{head}>{text}{children}</{tag}>" if children or text else f"{head}/>"


def import_styles(target: Styles, scratch_xml: bytes) -> tuple[dict[int, int], dict[int, int]]:
    """Bring the styles of a workbook openpyxl built into ``target``: (cellXfs map, dxfs map), old index -> new."""
    root = ET.fromstring(scratch_xml)

    def listed(name: str) -> list[ET.Element]:
        holder = root.find(f"m:{name}", _NS)
        return list(holder) if holder is not None else []

    codes = {int(e.get("numFmtId", "0")): e.get("formatCode") or "General" for e in listed("numFmts")}
    fonts = [target.add("fonts", e) for e in listed("fonts")]
    fills = [target.add("fills", e) for e in listed("fills")]
    borders = [target.add("borders", e) for e in listed("borders")]
    xf_map = {}
    for i, xf in enumerate(listed("cellXfs")):
        xf = ET.fromstring(ET.tostring(xf))
        for attr, mapped in (("fontId", fonts), ("fillId", fills), ("borderId", borders)):
            old = int(xf.get(attr, "0"))
            xf.set(attr, str(mapped[old] if old < len(mapped) else 0))
        num_id = int(xf.get("numFmtId", "0"))
        if num_id in codes:
            xf.set("numFmtId", str(target.number_format(codes[num_id])))
        xf.set("xfId", "0")
        xf_map[i] = target.add("cellXfs", xf)
    dxf_map = {}
    for i, dxf in enumerate(listed("dxfs")):
        numfmt = dxf.find("m:numFmt", _NS)
        if numfmt is not None and numfmt.get("formatCode"):
            numfmt.set("numFmtId", str(target.number_format(numfmt.get("formatCode"))))
        dxf_map[i] = target.add("dxfs", dxf)
    return xf_map, dxf_map


__all__ = sorted(["DATE_FORMAT", "MAIN", "Styles", "import_styles", "is_date_format"])

"""Cells' own fill colours, read from the .xlsx file itself (issue 13: status shown by colour).

The fast reader (python-calamine) gives values only, and teams often show an action's BRAG only
by colouring a cell. This module reads the colour each cell was *given* (its style's solid fill)
straight from the file's XML: ``xl/styles.xml`` (cell formats -> fills) and each sheet's ``s=``
style index. Colours that conditional formatting paints (``dxf`` formats) are never read: those are
results plansync works out again, not what a person said.

Colours come back as ``"RRGGBB"`` upper case. Theme colours are resolved through the workbook's
theme (with their tint); the legacy indexed palette is resolved for its standard colours.

    >>> fills = read_fills("plan.xlsx", "Action Plan")       # doctest: +SKIP
    >>> fills[(5, 6)]                                          # doctest: +SKIP
    '00B050'
"""

from __future__ import annotations

import colorsys
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DRAW = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

# The legacy palette's standard colours (indexes 8-23 of Excel's default palette).
_INDEXED = {
    8: "000000", 9: "FFFFFF", 10: "FF0000", 11: "00FF00", 12: "0000FF", 13: "FFFF00", 14: "FF00FF", 15: "00FFFF",
    16: "800000", 17: "008000", 18: "000080", 19: "808000", 20: "800080", 21: "008080", 22: "C0C0C0", 23: "808080",
    40: "00CCFF", 42: "CCFFCC", 43: "FFFF99", 44: "99CCFF", 45: "FF99CC", 50: "99CC00", 51: "FFCC00", 52: "FF9900",
    53: "FF6600", 57: "339966",
}
# Theme colour index -> position in the theme's colour scheme (Excel swaps the first two pairs).
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink", "folHlink")


def read_fills(path: str | Path, sheet: str) -> dict[tuple[int, int], str]:
    """(row, col) -> ``"RRGGBB"`` for every cell of ``sheet`` given a solid fill; {} when none or unreadable."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return {}
            styles = _style_fills(archive)
            if not any(styles):
                return {}
            return _cell_fills(archive.read(part), styles)
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return {}


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rel_id = None
    for node in book.iter(f"{_MAIN}sheet"):
        if node.get("name") == sheet:
            rel_id = node.get(f"{_REL_NS}id")
    if rel_id is None:
        return None
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def _style_fills(archive: zipfile.ZipFile) -> list[str | None]:
    """For each cell format (``cellXfs``), the RRGGBB of its solid fill, or None."""
    styles = ET.fromstring(archive.read("xl/styles.xml"))
    theme = _theme_colours(archive)
    fills: list[str | None] = []
    for fill in styles.iterfind(f"{_MAIN}fills/{_MAIN}fill"):
        pattern = fill.find(f"{_MAIN}patternFill")
        colour = None
        if pattern is not None and pattern.get("patternType") == "solid":
            colour = _colour(pattern.find(f"{_MAIN}fgColor"), theme)
        fills.append(colour)
    out: list[str | None] = []
    for xf in styles.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf"):
        fill_id = int(xf.get("fillId", "0"))
        out.append(fills[fill_id] if fill_id < len(fills) else None)
    return out


def _theme_colours(archive: zipfile.ZipFile) -> list[str]:
    name = next((n for n in archive.namelist() if n.startswith("xl/theme/") and n.endswith(".xml")), None)
    if name is None:
        return []
    scheme = ET.fromstring(archive.read(name)).find(f".//{_DRAW}clrScheme")
    if scheme is None:
        return []
    by_name = {}
    for child in scheme:
        tag = child.tag.replace(_DRAW, "")
        inner = child[0] if len(child) else None
        if inner is not None:
            by_name[tag] = (inner.get("val") if inner.tag.endswith("srgbClr") else inner.get("lastClr")) or "000000"
    return [by_name.get(n, "000000").upper() for n in _THEME_ORDER]


def _colour(node: ET.Element | None, theme: list[str]) -> str | None:
    if node is None:
        return None
    if node.get("rgb"):
        rgb = node.get("rgb", "").upper()
        return rgb[-6:] if len(rgb) >= 6 else None
    if node.get("theme") is not None:
        index = int(node.get("theme", "0"))
        if index >= len(theme):
            return None
        return _tinted(theme[index], float(node.get("tint", "0")))
    if node.get("indexed") is not None:
        return _INDEXED.get(int(node.get("indexed", "0")))
    return None


def _tinted(rgb: str, tint: float) -> str:
    """Excel's tint: lighten (tint > 0) or darken (tint < 0) the colour's lightness."""
    if not tint:
        return rgb
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, l, s = colorsys.rgb_to_hls(r, g, b)
    l = l * (1 + tint) if tint < 0 else l * (1 - tint) + tint
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(h, l, s))


def _cell_fills(xml: bytes, styles: list[str | None]) -> dict[tuple[int, int], str]:
    """Cells whose style has a solid fill, found by a regex over the sheet's bytes (in C): a full
    XML parse of a 50,000-row sheet takes seconds, and most cells have no fill at all."""
    filled = {str(i).encode(): colour for i, colour in enumerate(styles) if colour}
    if not filled:
        return {}
    ids = b"|".join(sorted(filled, key=len, reverse=True))
    # Excel writes r, s, t; openpyxl r, t, s; the general form (any attributes between, or s
    # first) is only tried when neither finds a cell: the exact forms scan much faster.
    ref, any_attrs = rb'r="([A-Z]{1,3})([0-9]+)"', rb'(?:\s+[a-z]+="[^"]*")*?'
    patterns = (
        re.compile(rb"<c " + ref + rb' s="(' + ids + rb')"'),
        re.compile(rb"<c " + ref + rb' t="[a-zA-Z]+" s="(' + ids + rb')"'),
        re.compile(rb"<c\s+" + ref + any_attrs + rb'\s+s="(' + ids + rb')"'),
        re.compile(rb'<c\s+s="(' + ids + rb')"' + any_attrs + rb"\s+" + ref),
    )
    out: dict[tuple[int, int], str] = {}
    for n, pattern in enumerate(patterns):
        if out and n >= 2:
            break  # the exact forms (0, 1) are disjoint and both run; the general ones only when they found nothing
        matches = _exact_matches(xml, pattern, filled) if n < 2 and len(filled) <= _FEW_FILLS else pattern.finditer(xml)
        for match in matches:
            letters, row, style = (match.group(1), match.group(2), match.group(3)) if n < 3 else (match.group(2), match.group(3), match.group(1))
            col = 0
            for ch in letters:
                col = col * 26 + ch - 64
            out[(int(row), col)] = filled[style]
    return out


_FEW_FILLS = 8


def _exact_matches(xml: bytes, pattern: re.Pattern, filled: dict[bytes, str]) -> list[re.Match]:
    """What ``pattern.finditer(xml)`` finds for an exact form, found from its ``s="..."``.

    A byte search for each filled style runs in C at memory speed, where the regex tries every
    cell of the sheet; only the few filled cells are then matched, from the start of their cell.
    """
    found = {}
    for style in filled:
        needle = b' s="%s"' % style
        at = xml.find(needle)
        while at >= 0:
            start = xml.rfind(b"<c ", 0, at)
            match = pattern.match(xml, start) if start >= 0 else None
            if match is not None and match.end() == at + len(needle):
                found[start] = match
            at = xml.find(needle, at + len(needle))
    return [found[start] for start in sorted(found)]  # in the sheet's order, as finditer gives them


__all__ = ["read_fills"]

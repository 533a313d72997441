"""Compare two versions of a workbook package part by part, allowing only what plansync owns to differ.

Used by tests/test_features_roundtrip.py. "Owned" is ``plansync.workbook.owned``: the parts of
plansync's own sheets, the computed columns of the plan sheet, and small appends to the shared
index parts (a sheet element, a relationship, a content type, a style at the end of its list).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from plansync.workbook.cell_xml import column_number
from plansync.workbook.owned import COMPUTED_COLUMNS, OWN_SHEETS, SETTINGS_SHEET
from plansync.workbook.package import Package, attrs, relationships, rels_part

_CELL = re.compile(rb"<c\b[^>]*?/>|<c\b[^>]*>.*?</c>", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?/>|<sheetData\b[^>]*>.*?</sheetData>", re.S)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _sheets(path: Path) -> dict[str, str]:
    package = Package(path)
    try:
        return {e.name: e.part for e in package.sheets}
    finally:
        package.close()


def _linked(path: Path, part: str) -> set[str]:
    package = Package(path)
    try:
        return {part} | package.linked_parts(part)
    finally:
        package.close()


def differences(before_path: Path, after_path: Path, *, created_settings: bool) -> list[str]:
    """Every difference plansync does not own, as readable lines (empty when the round trip kept everything)."""
    before, after = parts(before_path), parts(after_path)
    old_sheets = _sheets(before_path)
    own = set(OWN_SHEETS) | ({SETTINGS_SHEET} if created_settings else set())
    skip: set[str] = set()
    for name, part in old_sheets.items():
        if name in own:
            skip |= _linked(before_path, part)
    problems: list[str] = []
    for name, data in before.items():
        if name in skip:
            continue
        if name not in after:
            problems.append(f"{name} is gone")
        elif after[name] == data:
            continue
        elif name == "[Content_Types].xml":
            problems += _missing_elements(name, data, after[name], rb"<(?:Override|Default)\b[^>]*?/>", skip)
        elif name.endswith("workbook.xml.rels"):
            problems += _missing_elements(name, data, after[name], rb"<Relationship\b[^>]*?/>", skip, before_path)
        elif name.endswith("workbook.xml"):
            if _book(data, own) != _book(after[name], own):
                problems.append(f"{name}: changed beyond plansync's sheet list and active tab")
        elif name.endswith("styles.xml"):
            problems += _styles(data, after[name])
        elif name.endswith("calcChain.xml"):
            continue
        elif name in old_sheets.values():
            sheet = next(s for s, p in old_sheets.items() if p == name)
            problems += _worksheet(sheet, data, after[name])
        else:
            problems.append(f"{name}: bytes changed")
    return problems


def _missing_elements(name: str, old: bytes, new: bytes, pattern: bytes, skip: set[str], path: Path | None = None) -> list[str]:
    out = []
    for element in re.findall(pattern, old, re.S):
        a = attrs(element)
        target = a.get("PartName", "").lstrip("/") or a.get("Target", "")
        if element not in new and not any(target and s.endswith(target.lstrip("./")) for s in skip):
            out.append(f"{name}: lost {element.decode()}")
    return out


def _book(xml: bytes, own: set[str]) -> bytes:
    def keep(m: re.Match) -> bytes:
        return b"" if attrs(m.group()).get("name") in own else m.group()

    xml = re.sub(rb"<(?:\w+:)?sheet\b[^>]*?/>", keep, xml)
    return re.sub(rb'\s+activeTab="\d+"', b"", xml)


def _styles(old: bytes, new: bytes) -> list[str]:
    """Each list of the original keeps its entries at their indexes; nothing else changes."""
    a, b = ET.fromstring(old), ET.fromstring(new)
    out = []
    new_children = {child.tag: child for child in b}
    for child in a:
        other = new_children.get(child.tag)
        if other is None:
            out.append(f"styles.xml: lost {child.tag}")
            continue
        mine, theirs = [ET.tostring(c) for c in child], [ET.tostring(c) for c in other]
        if theirs[: len(mine)] != mine:
            out.append(f"styles.xml: {child.tag.replace(_MAIN, '')} entries changed")
    return out


def _cells(xml: bytes) -> dict[tuple[int, int], bytes]:
    data = _SHEET_DATA.search(xml)
    out = {}
    for cell in _CELL.findall(data.group() if data else b""):
        ref = _REF.search(cell)
        out[(int(ref.group(2)), column_number(ref.group(1)))] = cell
    return out


def _owned_columns(cells: dict[tuple[int, int], bytes]) -> set[int]:
    """Columns headed by one of plansync's computed-column headings (in the version after the command)."""
    owned = set()
    for (row, col), cell in cells.items():
        text = re.search(rb"<t[^>]*>(.*?)</t>", cell)
        if row <= 10 and text and text.group(1).decode() in COMPUTED_COLUMNS:
            owned.add(col)
    return owned


def _worksheet(sheet: str, old: bytes, new: bytes) -> list[str]:
    out = []
    old_cells, new_cells = _cells(old), _cells(new)
    owned = _owned_columns(new_cells)
    last_sync_rows = {r for (r, c), cell in new_cells.items() if sheet == SETTINGS_SHEET and b"Last sync" in cell}
    for at in sorted(set(old_cells) | set(new_cells)):
        if at[1] in owned or at[0] in last_sync_rows:
            continue
        if old_cells.get(at) != new_cells.get(at):
            out.append(f"{sheet}!{at}: {old_cells.get(at)!r} became {new_cells.get(at)!r}")
    if _outside(old, None) != _outside(new, old):
        out.append(f"{sheet}: changed outside its cells")
    return out


def _outside(xml: bytes, before: bytes | None) -> bytes:
    """The sheet without its cells, dimension, selection state and (after a command) the conditional formats it added."""
    xml = _SHEET_DATA.sub(b"", xml)
    xml = re.sub(rb"<dimension\b[^>]*?/>", b"", xml)
    xml = re.sub(rb'\s+tabSelected="1"', b"", xml)
    xml = re.sub(rb"<selection\b[^>]*?/>", b"", xml)
    xml = re.sub(rb"<sheetView\b([^>]*?)>\s*</sheetView>", rb"<sheetView\1/>", xml)
    for cf in re.findall(rb"<conditionalFormatting\b.*?</conditionalFormatting>", xml, re.S) if before is not None else []:
        if cf not in before:
            xml = xml.replace(cf, b"")
    return xml


__all__ = ["differences", "parts", "rels_part", "relationships"]

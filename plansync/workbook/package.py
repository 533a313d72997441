"""The .xlsx/.xlsm zip package as parts: find them, check we can keep them, copy them unchanged.

An Office file is a zip of XML and binary parts tied together by relationship parts (``_rels``)
and typed by ``[Content_Types].xml`` (ECMA-376 Part 2, Open Packaging Conventions). plansync
copies every part it does not own through unchanged: each is decompressed and written back with
its own compression method, so its bytes read back identical (the compressed stream may differ
in size; the content never does). Only the parts listed in a ``Changes`` are written anew.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from validation.errors import WorkbookUnreadable

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = REL_NS + "/worksheet"
WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_REL = re.compile(rb"<Relationship\b[^>]*?/>", re.S)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?/>", re.S)
_ENCRYPTED = 0x1

Writer = Callable[[Callable[[bytes], None]], None]
"""A part written in pieces: called with the function that takes each piece."""


def attrs(tag: bytes) -> dict[str, str]:
    return {k.decode(): html.unescape(v.decode("utf-8")) for k, v in _ATTR.findall(tag)}


def rels_part(part: str) -> str:
    """xl/worksheets/sheet1.xml -> xl/worksheets/_rels/sheet1.xml.rels"""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source: str, target: str) -> str:
    """The part a relationship of ``source`` points to (targets are relative to its folder, or absolute)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relationships(xml: bytes) -> list[dict[str, str]]:
    return [attrs(tag) for tag in _REL.findall(xml)]


@dataclass
class SheetEntry:
    name: str
    part: str
    rid: str
    sheet_id: int
    hidden: bool
    tag: bytes


@dataclass
class Changes:
    """What a save writes: everything else is copied through."""

    replaced: dict[str, bytes | Writer] = field(default_factory=dict)
    added: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    late: dict[str, Callable[[], bytes]] = field(default_factory=dict)
    """Parts whose content is known only once the others are written (appended styles)."""


class _Buffered:
    """Gathers the many small pieces of a patched sheet into ~1 MB writes (one compress call each)."""

    def __init__(self, sink) -> None:
        self.sink = sink
        self.pieces: list[bytes] = []
        self.size = 0

    def write(self, piece: bytes) -> None:
        self.pieces.append(piece)
        self.size += len(piece)
        if self.size >= 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.sink.write(b"".join(self.pieces))
        self.pieces, self.size = [], 0


class Package:
    """An open workbook package (read side)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
            self.names = {info.filename for info in self.zip.infolist()}
            self._refuse_other_documents()
            self._refuse_what_we_cannot_keep()
            self.workbook_part = self._workbook_part()
            self.workbook_rels_part = rels_part(self.workbook_part)
            self._refuse_strict()
            self.sheets = self._sheets()
        except zipfile.BadZipFile as exc:
            raise WorkbookUnreadable(
                f"{path.name} is not an Excel workbook (.xlsx) plansync can read. "
                "Open it in Excel and save it as 'Excel Workbook (*.xlsx)', then try again.",
                path=str(path),
            ) from exc
        except (KeyError, ValueError) as exc:
            raise WorkbookUnreadable(
                f"{path.name} looks damaged ({exc}). Open it in Excel, let Excel repair it, save it, then try again.",
                path=str(path),
            ) from exc

    def close(self) -> None:
        self.zip.close()

    def read(self, part: str) -> bytes:
        return self.zip.read(part)

    def _refuse_other_documents(self) -> None:
        """A zip that is not an Excel workbook (an OpenDocument spreadsheet, a Word file) is named
        for what it is, not reported as a damaged workbook."""
        if "mimetype" in self.names and self.zip.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            raise WorkbookUnreadable(
                f"{self.path.name} is an OpenDocument spreadsheet (.ods), not an Excel workbook. Open it in "
                "LibreOffice Calc or Excel and save it as 'Excel Workbook (*.xlsx)' (in LibreOffice: File > Save As, "
                "'Excel 2007-365'), then try again.",
                path=str(self.path),
            )
        if not any(name.startswith("xl/") for name in self.names):
            raise WorkbookUnreadable(
                f"{self.path.name} is not an Excel workbook (.xlsx) plansync can read: it holds no worksheets. "
                "Open it in Excel and save it as 'Excel Workbook (*.xlsx)', then try again.",
                path=str(self.path),
            )

    def _refuse_what_we_cannot_keep(self) -> None:
        for info in self.zip.infolist():
            if info.flag_bits & _ENCRYPTED or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                why = "is encrypted" if info.flag_bits & _ENCRYPTED else "is compressed in a way plansync cannot copy"
                raise WorkbookUnreadable(
                    f"{self.path.name} holds a part plansync cannot keep safely: {info.filename} {why}. "
                    "Nothing was changed. Open the workbook in Excel and save it again as 'Excel Workbook (*.xlsx)', "
                    "then run the command again.",
                    path=str(self.path),
                )

    def _refuse_strict(self) -> None:
        head = self.read(self.workbook_part)[:2000]
        if b"purl.oclc.org/ooxml" in head:
            raise WorkbookUnreadable(
                f"{self.path.name} is saved as 'Strict Open XML Spreadsheet', which plansync cannot edit without "
                "risking your workbook. Nothing was changed. Open it in Excel, save it as 'Excel Workbook (*.xlsx)', "
                "then run the command again.",
                path=str(self.path),
            )

    def _workbook_part(self) -> str:
        for rel in relationships(self.read("_rels/.rels")):
            if rel.get("Type", "").endswith("/officeDocument"):
                return resolve("", rel["Target"])
        raise KeyError("the package names no workbook part")

    def _sheets(self) -> list[SheetEntry]:
        targets = {r["Id"]: r for r in relationships(self.read(self.workbook_rels_part))}
        out = []
        for tag in _SHEET.findall(self.read(self.workbook_part)):
            a = attrs(tag)
            rid = next((v for k, v in a.items() if k.endswith(":id")), "")
            rel = targets.get(rid)
            if rel is None or rel.get("Type") != WORKSHEET_TYPE:
                continue  # chart sheets and dialog sheets: plansync never reads or writes them
            out.append(SheetEntry(a["name"], resolve(self.workbook_part, rel["Target"]), rid, int(a.get("sheetId", "0")), a.get("state", "visible") != "visible", tag))
        return out

    def linked_parts(self, part: str) -> set[str]:
        """Parts reachable from ``part`` through relationships (internal ones), ``part``'s rels included."""
        seen: set[str] = set()
        todo = [part]
        while todo:
            current = todo.pop()
            rels = rels_part(current)
            if rels not in self.names or rels in seen:
                continue
            seen.add(rels)
            for rel in relationships(self.read(rels)):
                if rel.get("TargetMode") == "External":
                    continue
                target = resolve(current, rel["Target"])
                if target in self.names and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    def write(self, temp: Path, changes: Changes) -> None:
        """Write the package with ``changes`` to ``temp``; every other part is copied through."""
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for info in self.zip.infolist():
                name = info.filename
                if name in changes.removed or name in changes.late:
                    continue
                fresh = zipfile.ZipInfo(name, info.date_time)
                fresh.compress_type = info.compress_type
                fresh.external_attr = info.external_attr
                fresh.create_system = info.create_system
                if name in changes.replaced:
                    content = changes.replaced[name]
                    fresh.compress_type = zipfile.ZIP_DEFLATED
                    # A rewritten sheet can be tens of megabytes: the fastest deflate level costs a
                    # third of the default's time for a file a little larger.
                    if hasattr(fresh, "compress_level"):  # Python 3.13 names it publicly
                        fresh.compress_level = 1
                    else:
                        fresh._compresslevel = 1
                    with out.open(fresh, "w") as sink:
                        if isinstance(content, bytes):
                            sink.write(content)
                        else:
                            buffered = _Buffered(sink)
                            content(buffered.write)
                            buffered.flush()
                    continue
                fresh.file_size = info.file_size
                with self.zip.open(info) as source, out.open(fresh, "w") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
            for name, content in changes.added.items():
                out.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
            for name, late in changes.late.items():
                if name in self.names and late is not None:
                    info = self.zip.getinfo(name)
                    fresh = zipfile.ZipInfo(name, info.date_time)
                    fresh.external_attr = info.external_attr
                else:
                    fresh = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                out.writestr(fresh, late(), zipfile.ZIP_DEFLATED)


__all__ = sorted(["Changes", "Package", "REL_NS", "SheetEntry", "WORKSHEET_CONTENT", "WORKSHEET_TYPE", "attrs", "relationships", "rels_part", "resolve"])

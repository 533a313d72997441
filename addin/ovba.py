"""Writes a VBA project (``xl/vbaProject.bin``) from module source text, per [MS-OVBA].

A VBA project is a compound file (see ``addin.cfb``) with:

* ``PROJECT``: text properties (module list, name, protection fields CMG/DPB/GC, encrypted as
  [MS-OVBA] 2.4.3 describes, saying "not protected, no password, visible").
* ``PROJECTwm``: the module names in the code page and in UTF-16.
* ``VBA/_VBA_PROJECT``: 7 bytes whose version 0xFFFF tells Office there is no compiled
  p-code cache, so it compiles the modules from their source when the add-in opens.
* ``VBA/dir``: the compressed project information (code page, references, modules).
* ``VBA/<module>``: each module's source, compressed ([MS-OVBA] 2.4.1), at offset 0.

Only source is written, never p-code: there is no compiled code to go stale and a reviewer can
read every line that runs, in ``addin/vba/``.
"""

from __future__ import annotations

import random
import struct
import uuid
from dataclasses import dataclass

from addin.cfb import write_compound_file

CODE_PAGE = 1252
_ENCODING = "cp1252"

# Base classes Excel gives document and class modules (as in modules Excel saves itself).
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

# Type libraries every Excel VBA project references: OLE Automation (stdole) and the Office
# object library, which defines IRibbonControl for the ribbon callbacks. Office finds them by
# GUID and version; the paths are only hints.
REFERENCES = (
    (
        "stdole",
        "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation",
    ),
    (
        "Office",
        "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
        "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)


@dataclass(frozen=True)
class VbaModule:
    """One module of the project.

    Attributes:
        name: the module's name (also its stream name), e.g. ``PlansyncRibbon``.
        kind: ``standard`` (a .bas module), ``class`` (a .cls module), ``workbook`` or
            ``worksheet`` (the document modules behind ThisWorkbook and each sheet).
        code: the module's code without its ``Attribute`` header lines.
    """

    name: str
    kind: str
    code: str = ""

    def source(self) -> str:
        """The text stored in the module stream: attribute header, then code, CRLF line ends."""
        lines = [f'Attribute VB_Name = "{self.name}"']
        if self.kind in ("workbook", "worksheet"):
            base = _WORKBOOK_BASE if self.kind == "workbook" else _WORKSHEET_BASE
            lines += [
                f'Attribute VB_Base = "{base}"',
                "Attribute VB_GlobalNameSpace = False",
                "Attribute VB_Creatable = False",
                "Attribute VB_PredeclaredId = True",
                "Attribute VB_Exposed = True",
                "Attribute VB_TemplateDerived = False",
                "Attribute VB_Customizable = True",
            ]
        elif self.kind == "class":
            lines += [
                f'Attribute VB_Base = "{_CLASS_BASE}"',
                "Attribute VB_GlobalNameSpace = False",
                "Attribute VB_Creatable = False",
                "Attribute VB_PredeclaredId = False",
                "Attribute VB_Exposed = True",
                "Attribute VB_TemplateDerived = False",
                "Attribute VB_Customizable = False",
            ]
        elif self.kind != "standard":
            raise ValueError(f"module kind must be standard, class, workbook or worksheet (got {self.kind!r})")
        body = self.code.replace("\r\n", "\n").strip("\n").split("\n") if self.code.strip() else []
        return "\r\n".join(lines + body) + "\r\n"


def strip_module_header(text: str) -> str:
    """Module text as exported by the VBA editor, without its ``VERSION``/``BEGIN`` block and
    ``Attribute VB_*`` module lines (``VbaModule.source`` writes those)."""
    out: list[str] = []
    in_begin = False
    header = True
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if header and stripped.startswith("VERSION ") and stripped.endswith("CLASS"):
            continue
        if header and stripped == "BEGIN":
            in_begin = True
            continue
        if in_begin:
            in_begin = stripped != "END"
            continue
        if header and stripped.startswith("Attribute VB_"):
            continue
        header = False
        out.append(line)
    return "\n".join(out)


# --- [MS-OVBA] 2.4.1 compression ------------------------------------------------------------


def compress(data: bytes) -> bytes:
    """Compress with the [MS-OVBA] 2.4.1 algorithm (a signature byte, then 4096-byte chunks)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        out += _compress_chunk(data[start : start + 4096])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    positions: dict[bytes, list[int]] = {}
    i = 0
    n = len(chunk)
    while i < n:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if i >= n:
                break
            offset, length = _longest_match(chunk, i, positions)
            if length >= 3:
                bit_count = max(4, (i - 1).bit_length())
                length = min(length, (0xFFFF >> bit_count) + 3)
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                body += struct.pack("<H", token)
                flags |= 1 << bit
                for k in range(i, i + length):
                    _remember(chunk, k, positions)
                i += length
            else:
                body.append(chunk[i])
                _remember(chunk, i, positions)
                i += 1
        body[flag_at] = flags
    if len(body) > 4096:
        if n != 4096:
            raise ValueError("a VBA source chunk did not compress; split the module")
        # An uncompressed chunk: flag bit 0, exactly 4096 raw bytes.
        return struct.pack("<H", (4096 + 2 - 3) | 0x3000) + chunk
    return struct.pack("<H", (len(body) + 2 - 3) | 0x3000 | 0x8000) + bytes(body)


def _remember(chunk: bytes, k: int, positions: dict[bytes, list[int]]) -> None:
    if k + 3 <= len(chunk):
        positions.setdefault(chunk[k : k + 3], []).append(k)


def _longest_match(chunk: bytes, i: int, positions: dict[bytes, list[int]]) -> tuple[int, int]:
    best_offset, best_length = 0, 0
    if i + 3 > len(chunk):
        return 0, 0
    bit_count = max(4, (i - 1).bit_length())
    max_length = min((0xFFFF >> bit_count) + 3, len(chunk) - i)
    for candidate in reversed(positions.get(chunk[i : i + 3], [])[-64:]):
        length = 3
        while length < max_length and chunk[candidate + length] == chunk[i + length]:
            length += 1
        if length > best_length:
            best_offset, best_length = i - candidate, length
            if length == max_length:
                break
    return best_offset, best_length


# --- [MS-OVBA] 2.4.3 data encryption (for CMG, DPB, GC) ----------------------------------------


def encrypt(project_id: str, data: bytes, seed: int | None = None) -> str:
    """Encrypt ``data`` for the PROJECT stream's CMG/DPB/GC properties (hex, upper case)."""
    seed = random.randrange(256) if seed is None else seed
    version = 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted_1, encrypted_1, encrypted_2 = proj_key, seed ^ proj_key, seed ^ version
    ignored = bytes([seed]) * ((seed & 6) // 2)
    for byte in ignored + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, enc, byte
    return out.hex().upper()


def decrypt(text: str) -> bytes:
    """The data behind an encrypted CMG/DPB/GC value (inverse of ``encrypt``)."""
    raw = bytes.fromhex(text)
    seed, version_enc, proj_key_enc = raw[0], raw[1], raw[2]
    unencrypted_1, encrypted_1, encrypted_2 = seed ^ proj_key_enc, proj_key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, enc, byte
    plain = plain[(seed & 6) // 2 :]
    length = struct.unpack("<I", plain[:4])[0]
    return bytes(plain[4 : 4 + length])


# --- streams --------------------------------------------------------------------------------


def _record(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _text(value: str) -> bytes:
    return value.encode(_ENCODING)


def _utf16(value: str) -> bytes:
    return value.encode("utf-16-le")


def dir_stream(project_name: str, modules: list[VbaModule]) -> bytes:
    """The uncompressed ``dir`` stream ([MS-OVBA] 2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: Win32 (Office recompiles anyway)
    out += _record(0x0002, struct.pack("<I", 0x0409))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", 0x0409))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODE_PAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, _text(project_name))  # PROJECTNAME
    out += _record(0x0005, b"") + _record(0x0040, b"")  # PROJECTDOCSTRING (+ unicode)
    out += _record(0x0006, b"") + _record(0x003D, b"")  # PROJECTHELPFILEPATH (+ second path)
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: its size field is reserved as 4 but the record carries 6 bytes.
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _record(0x000C, b"") + _record(0x003C, b"")  # PROJECTCONSTANTS (+ unicode)
    for name, libid in REFERENCES:
        out += _record(0x0016, _text(name)) + _record(0x003E, _utf16(name))  # REFERENCENAME
        registered = struct.pack("<I", len(libid)) + _text(libid) + struct.pack("<IH", 0, 0)
        out += _record(0x000D, registered)  # REFERENCEREGISTERED
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _record(0x0019, _text(module.name)) + _record(0x0047, _utf16(module.name))
        out += _record(0x001A, _text(module.name)) + _record(0x0032, _utf16(module.name))
        out += _record(0x001C, b"") + _record(0x0048, b"")  # MODULEDOCSTRING (+ unicode)
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source starts at 0
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(0x0021 if module.kind == "standard" else 0x0022, b"")  # MODULETYPE
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator
    return bytes(out)


def project_stream(project_id: str, project_name: str, modules: list[VbaModule], seed: int | None = None) -> bytes:
    """The ``PROJECT`` stream ([MS-OVBA] 2.3.1): what the VBA editor shows as the project."""
    cmg = encrypt(project_id, struct.pack("<I", 0), seed)  # not protected
    dpb = encrypt(project_id, b"\x00", seed)  # no password
    gc = encrypt(project_id, b"\xff", seed)  # visible in the VBA editor
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind in ("workbook", "worksheet"):
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == "class":
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{cmg}"',
        f'DPB="{dpb}"',
        f'GC="{gc}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return ("\r\n".join(lines) + "\r\n").encode(_ENCODING)


def _name_map(modules: list[VbaModule]) -> bytes:
    out = bytearray()
    for module in modules:
        out += _text(module.name) + b"\0" + _utf16(module.name) + b"\0\0"
    return bytes(out + b"\0\0")


def build_vba_project(
    modules: list[VbaModule], *, project_name: str = "Plansync", project_id: str | None = None, seed: int | None = None
) -> bytes:
    """The bytes of a ``vbaProject.bin`` holding ``modules`` (source only, no p-code).

    Example: ``build_vba_project([VbaModule("ThisWorkbook", "workbook"), VbaModule("M", "standard", "Sub A()\\nEnd Sub")])``
    """
    names = [m.name for m in modules]
    if len(set(n.upper() for n in names)) != len(names):
        raise ValueError(f"module names must be unique (got {names})")
    project_id = project_id or "{" + str(uuid.uuid4()).upper() + "}"
    streams = {
        "PROJECT": project_stream(project_id, project_name, modules, seed),
        "PROJECTwm": _name_map(modules),
        # 0x61CC, version 0xFFFF (no p-code cache), then the bytes xlwings' own add-ins carry.
        "VBA/_VBA_PROJECT": bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00]),
        "VBA/dir": compress(dir_stream(project_name, modules)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(module.source().encode(_ENCODING))
    return write_compound_file(streams)


__all__ = sorted(
    ["CODE_PAGE", "REFERENCES", "VbaModule", "build_vba_project", "compress", "decrypt", "dir_stream", "encrypt", "project_stream", "strip_module_header"]
)

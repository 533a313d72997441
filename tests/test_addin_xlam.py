"""The built plansync.xlam: a package Excel accepts, a VBA project a reader opens, and a ribbon
whose every button reaches its own function in addin/buttons.py."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import warnings

import olefile
import pytest

with warnings.catch_warnings():
    # oletools calls a pyparsing API that pyparsing 3.2 deprecates; not ours to fix.
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

import addin.buttons
from addin.build import ADDIN_DIR, CUSTOMUI_REL, VBA_REL, build_xlam
from addin.cfb import write_compound_file
from addin.ovba import compress, decrypt, encrypt

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
UI = "{http://schemas.microsoft.com/office/2009/07/customui}"
RED, BLACK = 0, 1  # [MS-CFB] directory entry colours

BUTTONS = {
    # button id -> (label, VBA callback, function in addin/buttons.py)
    "plansyncValidate": ("Validate", "PlansyncValidate", "validate"),
    "plansyncRefreshRag": ("Refresh RAG", "PlansyncRefreshRag", "refresh_rag"),
    "plansyncSummary": ("Summary", "PlansyncSummary", "summary"),
    "plansyncSync": ("Sync", "PlansyncSync", "sync"),
    "plansyncPull": ("Pull consolidated", "PlansyncPull", "pull"),
    "plansyncSignIn": ("Sign in", "PlansyncSignIn", "sign_in"),
    "plansyncSettings": ("Settings", "PlansyncSettings", "settings"),
    "plansyncAdopt": ("Adopt this workbook", "PlansyncAdopt", "adopt"),
}


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return build_xlam(tmp_path_factory.mktemp("addin") / "plansync.xlam")


@pytest.fixture(scope="module")
def package(xlam) -> dict[str, bytes]:
    with zipfile.ZipFile(xlam) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="module")
def modules(xlam) -> dict[str, str]:
    parser = VBA_Parser(str(xlam))
    try:
        assert parser.detect_vba_macros()
        return {name: code for (_, _, name, code) in parser.extract_macros()}
    finally:
        parser.close()


def _ribbon(package) -> ET.Element:
    return ET.fromstring(package["customUI/customUI14.xml"])


def _subs(code: str) -> dict[str, tuple[str, str]]:
    """Sub name -> (parameter list, body) for every Sub in a module."""
    found = re.findall(r"^(?:Public |Private )?Sub (\w+)\((.*?)\)\r?\n(.*?)^End Sub", code, flags=re.M | re.S)
    return {name: (params, body) for name, params, body in found}


def test_every_part_has_a_content_type_and_the_workbook_is_a_macro_enabled_add_in(package):
    types = ET.fromstring(package["[Content_Types].xml"])
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT}Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    for name in package:
        if name == "[Content_Types].xml":
            continue
        assert f"/{name}" in overrides or name.rsplit(".", 1)[-1] in defaults, name
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" == overrides["/xl/workbook.xml"]
    assert "application/vnd.ms-office.vbaProject" == overrides["/xl/vbaProject.bin"]
    assert all(part.lstrip("/") in package for part in overrides)


def test_the_ribbon_is_registered_at_the_package_root_as_a_customui14_part(package):
    rels = ET.fromstring(package["_rels/.rels"])
    targets = {r.get("Type"): r.get("Target") for r in rels.iter(f"{REL}Relationship")}
    assert "customUI/customUI14.xml" == targets[CUSTOMUI_REL]
    assert "xl/workbook.xml" == targets["http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"]
    assert f"{UI}customUI" == _ribbon(package).tag


def test_the_workbook_points_at_its_vba_project_and_its_sheet(package):
    rels = ET.fromstring(package["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Type"): r.get("Target") for r in rels.iter(f"{REL}Relationship")}
    assert "vbaProject.bin" == targets[VBA_REL]
    for target in targets.values():
        assert f"xl/{target}" in package
    workbook = package["xl/workbook.xml"].decode()
    assert 'codeName="ThisWorkbook"' in workbook
    assert 'codeName="Sheet1"' in package["xl/worksheets/sheet1.xml"].decode()


def test_olevba_reads_every_module_of_the_vba_project(modules):
    assert {"ThisWorkbook.cls", "Sheet1.cls", "PlansyncRibbon.bas", "xlwings.bas", "Dictionary.cls"} == set(modules)


def test_the_ribbon_module_in_the_project_is_the_text_in_the_repo(modules):
    text = (ADDIN_DIR / "vba" / "PlansyncRibbon.bas").read_text(encoding="cp1252").replace("\n", "\r\n")
    assert text.rstrip("\r\n") + "\r\n" == modules["PlansyncRibbon.bas"]


def test_the_ribbon_tab_is_plansync_with_one_button_per_command(package):
    ribbon = _ribbon(package)
    tabs = list(ribbon.iter(f"{UI}tab"))
    assert ["plansync"] == [t.get("label") for t in tabs]
    buttons = {b.get("id"): (b.get("label"), b.get("onAction")) for b in ribbon.iter(f"{UI}button")}
    assert {k: v[:2] for k, v in BUTTONS.items()} == buttons


def test_every_button_has_its_own_callback_that_runs_its_own_existing_function(package, modules):
    subs = _subs(modules["PlansyncRibbon.bas"])
    seen_functions = set()
    for button in _ribbon(package).iter(f"{UI}button"):
        callback = button.get("onAction")
        params, body = subs[callback]
        assert "control As IRibbonControl" == params
        calls = re.findall(r'RunPython "import addin\.buttons; addin\.buttons\.(\w+)\(\)"', body)
        assert [BUTTONS[button.get("id")][2]] == calls, callback
        assert callable(getattr(addin.buttons, calls[0]))
        seen_functions.add(calls[0])
    assert len(seen_functions) == len(BUTTONS)


def test_run_python_is_in_the_project_and_reads_the_plansync_settings_file(modules):
    code = modules["xlwings.bas"]
    assert re.search(r"^Public Function RunPython\(PythonCommand As String\)", code, flags=re.M)
    assert 'Public Const PROJECT_NAME As String = "plansync"' in code
    import xlwings

    # The DLL named in the Declare lines is the installed xlwings' own version.
    assert f'"xlwings64-{xlwings.__version__}.dll"' in code


def test_adopt_is_shown_only_while_the_plan_has_not_been_found(package, modules):
    adopt = next(b for b in _ribbon(package).iter(f"{UI}button") if b.get("id") == "plansyncAdopt")
    params, body = _subs(modules["PlansyncRibbon.bas"])[adopt.get("getVisible")]
    assert "control As IRibbonControl, ByRef returnedVal" == params
    assert "returnedVal = Not PlansyncPlanFound()" in body
    assert 'If sht.Name = "_plansync" Then' in modules["PlansyncRibbon.bas"]


def test_the_ribbon_onload_callback_keeps_the_ribbon_for_refreshing_adopt(package, modules):
    onload = _ribbon(package).get("onLoad")
    params, body = _subs(modules["PlansyncRibbon.bas"])[onload]
    assert "ribbon As IRibbonUI" == params
    assert "Set gRibbon = ribbon" in body.strip()


def test_the_project_is_unprotected_and_visible(xlam):
    with zipfile.ZipFile(xlam) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    project = dict(
        line.split("=", 1) for line in ole.openstream("PROJECT").read().decode("cp1252").splitlines() if "=" in line
    )
    assert struct.pack("<I", 0) == decrypt(project["CMG"].strip('"'))
    assert b"\x00" == decrypt(project["DPB"].strip('"'))
    assert b"\xff" == decrypt(project["GC"].strip('"'))
    assert '"plansync"' == project["Name"]
    # Version 0xFFFF: no compiled cache, so Office compiles the source when it opens the add-in.
    assert bytes.fromhex("cc61ffff000100") == ole.openstream("VBA/_VBA_PROJECT").read()


@pytest.mark.parametrize(
    "data",
    [b"", b"abc", b"Attribute VB_Name = \"x\"\r\n" * 400, bytes(range(256)) * 20, b"a" * 4096, b"ab" * 5000],
    ids=["empty", "short", "repetitive source", "incompressible", "one full chunk", "many chunks"],
)
def test_compression_round_trips_through_olevbas_decompressor(data):
    assert data == bytes(decompress_stream(bytearray(compress(data))))


def test_encrypted_protection_fields_round_trip():
    assert b"\x00" == decrypt(encrypt("{00000000-0000-0000-0000-000000000000}", b"\x00", seed=0x5D))


def test_compound_file_directory_is_a_valid_red_black_tree():
    streams = {f"VBA/M{i}": bytes([i]) * (i * 700 + 1) for i in range(11)}
    streams["PROJECT"] = b"x" * 10
    ole = olefile.OleFileIO(io.BytesIO(write_compound_file(streams)))
    for path, data in streams.items():
        assert data == ole.openstream(path).read()
    entries = ole.direntries

    def black_height(sid: int) -> int:
        if sid == olefile.NOSTREAM:
            return 1
        node = entries[sid]
        left, right = black_height(node.sid_left), black_height(node.sid_right)
        assert left == right, node.name
        if node.color == RED:
            for child in (node.sid_left, node.sid_right):
                assert child == olefile.NOSTREAM or entries[child].color == BLACK
        return left + (node.color == BLACK)

    for entry in entries:
        if entry is not None and entry.sid_child != olefile.NOSTREAM:
            assert BLACK == entries[entry.sid_child].color
            black_height(entry.sid_child)


def test_switching_workbooks_makes_the_ribbon_recheck_adopt(modules):
    workbook = modules["ThisWorkbook.cls"]
    assert "Private WithEvents XlApp As Application" in workbook
    _, body = _subs(workbook)["XlApp_WorkbookActivate"]
    assert "PlansyncRibbon.PlansyncRefreshAdopt" == body.strip()
    _, refresh = _subs(modules["PlansyncRibbon.bas"])["PlansyncRefreshAdopt"]
    assert 'If Not gRibbon Is Nothing Then gRibbon.InvalidateControl "plansyncAdopt"' == refresh.strip()

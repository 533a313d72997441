"""Builds ``plansync.xlam`` from the texts in ``addin/``: run ``python -m addin.build [OUT]``.

The add-in is an Office Open XML package (a zip) holding:

* a one-sheet workbook with the add-in content type, its ``codeName`` matching the VBA
  document modules (``ThisWorkbook``, ``Sheet1``);
* the ribbon, ``addin/ribbon.xml`` (customUI14 namespace), registered from the package root;
* ``xl/vbaProject.bin`` written by ``addin.ovba`` from ``addin/vba/*.bas`` plus xlwings' own
  VBA module for custom add-ins (``RunPython``) and its ``Dictionary`` class (used on Mac),
  both read from the installed xlwings package so they always match its Python side and DLL.

Nothing here needs Excel, so the tests build the add-in and read it back on Linux.
"""

from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from pathlib import Path

from addin.ovba import VbaModule, build_vba_project, strip_module_header

ADDIN_DIR = Path(__file__).resolve().parent
RIBBON_XML = ADDIN_DIR / "ribbon.xml"
VBA_DIR = ADDIN_DIR / "vba"
ADDIN_NAME = "plansync.xlam"
PROJECT_NAME = "plansync"
"""The name xlwings' VBA uses for the add-in's settings file (``plansync.conf``)."""

CUSTOMUI_PART = "customUI/customUI14.xml"
# The relationship type Office 2010+ reads for customUI14 parts (the 2006 type is Office 2007's).
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"

_CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{ADDIN_CONTENT_TYPE}"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/vbaProject.bin" ContentType="{VBA_CONTENT_TYPE}"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
<Relationship Id="rId4" Type="{CUSTOMUI_REL}" Target="{CUSTOMUI_PART}"/>
</Relationships>"""

_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr codeName="ThisWorkbook"/>
<bookViews><workbookView/></bookViews>
<sheets><sheet name="plansync" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""

_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="{VBA_REL}" Target="vbaProject.bin"/>
</Relationships>"""

_SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetPr codeName="Sheet1"/>
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>plansync add-in: the ribbon tab is called plansync.</t></is></c></row></sheetData>
</worksheet>"""

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>plansync</dc:title><dc:creator>plansync</dc:creator>
</cp:coreProperties>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application></Properties>"""


def _xlwings_package_dir() -> Path:
    # Located without importing xlwings: importing it on Windows starts COM machinery.
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("xlwings is not installed in this Python environment; run: pip install xlwings")
    return Path(list(spec.submodule_search_locations)[0])


def vba_modules(xlwings_dir: Path | None = None) -> list[VbaModule]:
    """The modules of the add-in's VBA project, in the order the VBA editor lists them."""
    xlwings_dir = xlwings_dir or _xlwings_package_dir()
    workbook_code = VBA_DIR / "ThisWorkbook.cls"
    code = strip_module_header(workbook_code.read_text(encoding="cp1252")) if workbook_code.exists() else ""
    modules = [VbaModule("ThisWorkbook", "workbook", code), VbaModule("Sheet1", "worksheet")]
    for path in sorted(VBA_DIR.glob("*.bas")):
        modules.append(VbaModule(path.stem, "standard", strip_module_header(path.read_text(encoding="cp1252"))))
    runpython = (xlwings_dir / "xlwings_custom_addin.bas").read_text(encoding="cp1252")
    marker = 'Public Const PROJECT_NAME As String = "myaddin"'
    if marker not in runpython:
        raise RuntimeError(f"this xlwings version's custom add-in module has no line {marker!r}")
    # The project name decides where xlwings' VBA looks for settings: plansync.conf.
    runpython = runpython.replace(marker, f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"')
    modules.append(VbaModule("xlwings", "standard", strip_module_header(runpython)))
    dictionary = (xlwings_dir / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
    modules.append(VbaModule("Dictionary", "class", strip_module_header(dictionary)))
    return modules


def build_xlam(out: Path | str, *, xlwings_dir: Path | None = None) -> Path:
    """Write the add-in to ``out`` atomically and return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    vba = build_vba_project(vba_modules(xlwings_dir), project_name=PROJECT_NAME)
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/core.xml": _CORE,
        "docProps/app.xml": _APP,
        CUSTOMUI_PART: RIBBON_XML.read_text(encoding="utf-8"),
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": _SHEET,
        "xl/styles.xml": _STYLES,
    }
    fd, tmp = tempfile.mkstemp(prefix=".plansync-", suffix=".xlam", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in parts.items():
                z.writestr(name, text.encode("utf-8"))
            z.writestr("xl/vbaProject.bin", vba)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else ADDIN_DIR / "dist" / ADDIN_NAME
    print(f"Built {build_xlam(out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = sorted(["ADDIN_NAME", "PROJECT_NAME", "build_xlam", "main", "vba_modules"])

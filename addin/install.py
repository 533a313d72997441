"""Puts the add-in where Excel loads it for the current user, with settings naming this Python.

Where things go (each can be moved with an environment variable, which the tests use):

=================  ===========================================================================
the add-in         Excel's personal start-up folder, which Excel opens at every start, the way
                   ``xlwings addin install`` does: Windows ``%APPDATA%\\Microsoft\\Excel\\XLSTART``,
                   Mac ``~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/
                   Startup.localized/Excel``. Override: ``PLANSYNC_ADDIN_DIR`` or ``--dir``.
its settings       where xlwings' VBA looks for an add-in's settings file (``plansync.conf``,
                   xlwings' ``"KEY","VALUE"`` lines): Windows ``%USERPROFILE%\\.plansync\\plansync.conf``,
                   Mac ``~/Library/Containers/com.microsoft.Excel/Data/plansync.conf``.
                   Override: ``PLANSYNC_ADDIN_CONFIG``.
RunPython on Mac   xlwings' AppleScript in ``~/Library/Application Scripts/com.microsoft.Excel``.
=================  ===========================================================================

The settings name the interpreter of the Python running this command (``sys.executable``,
``pythonw.exe`` beside it on Windows so no console window flashes), so nobody has to set
PYTHONPATH or conda options by hand.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Mapping

from addin.build import ADDIN_DIR, ADDIN_NAME, PROJECT_NAME, build_xlam
from validation.errors import PlansyncError

SETTINGS_TEMPLATE = ADDIN_DIR / "plansync_conf_template.txt"
_MAC_STARTUP = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
_MAC_CONFIG = "Library/Containers/com.microsoft.Excel/Data"
_MAC_SCRIPTS = "Library/Application Scripts/com.microsoft.Excel"


class AddinError(PlansyncError):
    """The add-in cannot be installed, checked or removed as asked."""


@dataclass(frozen=True)
class AddinPlaces:
    """Where the add-in, its settings and (Mac) xlwings' AppleScript live for this user."""

    addin: Path
    settings: Path
    applescript_dir: Path | None = None


@dataclass
class AddinReport:
    """What install/status/remove found or did, as lines for a person; ``ok`` False means trouble."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True


def places(
    *, environ: Mapping[str, str] = os.environ, platform: str = sys.platform, home: Path | None = None, folder: Path | None = None
) -> AddinPlaces:
    """Where the files go for this user; ``folder`` (``--dir``) wins over ``PLANSYNC_ADDIN_DIR``.

    Raises:
        AddinError: not Windows or Mac and no folder given (Excel desktop runs on those two only).
    """
    home = home or Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())
    folder = folder or (Path(environ["PLANSYNC_ADDIN_DIR"]) if environ.get("PLANSYNC_ADDIN_DIR") else None)
    mac = platform == "darwin"
    if folder is None:
        if platform.startswith("win"):
            appdata = environ.get("APPDATA") or str(home / "AppData" / "Roaming")
            folder = Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
        elif mac:
            folder = home / _MAC_STARTUP
        else:
            raise AddinError(
                "Excel for Windows or Mac is needed for the plansync add-in, and this computer runs neither. "
                "To only write the add-in file, give a folder: plansync addin install --dir FOLDER"
            )
    if environ.get("PLANSYNC_ADDIN_CONFIG"):
        settings = Path(environ["PLANSYNC_ADDIN_CONFIG"])
    elif mac:
        settings = home / _MAC_CONFIG / f"{PROJECT_NAME}.conf"
    else:
        profile = Path(environ.get("USERPROFILE") or home)
        settings = profile / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
    return AddinPlaces(folder / ADDIN_NAME, settings, home / _MAC_SCRIPTS if mac else None)


def interpreter(*, executable: str = sys.executable, platform: str = sys.platform) -> str:
    """The Python the add-in should start: this one (``pythonw.exe`` beside it on Windows)."""
    path = Path(executable)
    if platform.startswith("win"):
        windowless = path.with_name("pythonw.exe")
        if windowless.exists():
            return str(windowless)
    return str(path)


def render_settings(python: str, *, platform: str = sys.platform, existing: str = "") -> str:
    """The settings file: our keys from the template, plus any other keys already in the file."""
    key = "MAC" if platform == "darwin" else "WIN"
    ours = SETTINGS_TEMPLATE.read_text(encoding="utf-8").format(platform=key, interpreter=python).splitlines()
    names = {line.split(",", 1)[0].upper() for line in ours if line.strip()}
    kept = [line for line in existing.splitlines() if line.strip() and line.split(",", 1)[0].upper() not in names]
    return "\n".join(ours + kept) + "\n"


def read_settings(path: Path) -> dict[str, str]:
    """The ``"KEY","VALUE"`` lines of a settings file as a dict (keys upper case)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "," in line:
            key, value = line.split(",", 1)
            values[key.strip().strip('"').upper()] = value.strip().strip('"')
    return values


def _xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise AddinError("xlwings is not installed in this Python. Install it with: pip install xlwings, then run this again.")
    return Path(list(spec.submodule_search_locations)[0])


def _xlwings_version() -> str:
    from importlib.metadata import version

    return version("xlwings")


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def install(
    *,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    home: Path | None = None,
    folder: Path | None = None,
    executable: str = sys.executable,
) -> AddinReport:
    """Build the add-in into Excel's start-up folder and write its settings.

    Raises:
        AddinError: no place for it (see ``places``), or a file cannot be written (Excel has the
            add-in open: close Excel and run the command again).
    """
    where = places(environ=environ, platform=platform, home=home, folder=folder)
    python = interpreter(executable=executable, platform=platform)
    try:
        build_xlam(where.addin)
        existing = where.settings.read_text(encoding="utf-8") if where.settings.exists() else ""
        _write_text(where.settings, render_settings(python, platform=platform, existing=existing))
        if where.applescript_dir is not None:
            script = _xlwings_dir() / f"xlwings-{_xlwings_version()}.applescript"
            where.applescript_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(script, where.applescript_dir / script.name)
    except PermissionError as exc:
        raise AddinError(
            f"plansync could not write {exc.filename or where.addin}: it is in use or you may not write there. "
            "Close Excel, then run: plansync addin install"
        ) from exc
    lines = [
        f"Installed the plansync add-in: {where.addin}",
        f"Settings: {where.settings} (Python: {python})",
        "Start Excel (close it first if it is open): the ribbon has a plansync tab.",
    ]
    return AddinReport(lines)


def status(
    *,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    home: Path | None = None,
    folder: Path | None = None,
    executable: str = sys.executable,
) -> AddinReport:
    """Whether the add-in and its settings are in place and name a Python that has plansync."""
    where = places(environ=environ, platform=platform, home=home, folder=folder)
    report = AddinReport()
    if where.addin.exists():
        built = datetime.fromtimestamp(where.addin.stat().st_mtime).strftime("%d/%m/%Y %H:%M")
        report.lines.append(f"Add-in: installed at {where.addin} (written {built})")
    else:
        report.ok = False
        report.lines.append(f"Add-in: not installed (Excel would load it from {where.addin}). Run: plansync addin install")
    if not where.settings.exists():
        report.ok = False
        report.lines.append(f"Settings: missing ({where.settings}). Run: plansync addin install")
        return report
    key = "INTERPRETER_MAC" if platform == "darwin" else "INTERPRETER_WIN"
    python = read_settings(where.settings).get(key, "")
    this = interpreter(executable=executable, platform=platform)
    if not python:
        report.ok = False
        report.lines.append(f"Settings: {where.settings} names no Python ({key}). Run: plansync addin install")
    elif not Path(python).exists():
        report.ok = False
        report.lines.append(
            f"Python: {python} no longer exists (moved or uninstalled). Run plansync addin install from the Python that has plansync."
        )
    elif Path(python) != Path(this):
        report.lines.append(
            f"Python: {python} (not the Python running this command, {this}; the add-in uses the one named in {where.settings})"
        )
    else:
        report.lines.append(f"Python: {python} (this Python)")
    if python and Path(python).exists() and platform.startswith("win"):
        report.ok = _check_dll(Path(python), report) and report.ok
    return report


def _check_dll(python: Path, report: AddinReport) -> bool:
    # xlwings' VBA loads its DLL from the interpreter's folder or the one above (a virtualenv).
    names = [f"xlwings64-{_xlwings_version()}.dll", f"xlwings32-{_xlwings_version()}.dll"]
    for folder in (python.parent, python.parent.parent):
        for name in names:
            if (folder / name).exists():
                report.lines.append(f"xlwings DLL: {folder / name}")
                return True
    report.lines.append(
        f"xlwings DLL: {names[0]} is not beside {python} nor one folder up, so Excel cannot start Python. "
        "Reinstall xlwings in that Python: pip install --force-reinstall xlwings"
    )
    return False


def remove(
    *, environ: Mapping[str, str] = os.environ, platform: str = sys.platform, home: Path | None = None, folder: Path | None = None
) -> AddinReport:
    """Delete the add-in and its settings (xlwings' own files stay: other add-ins may use them)."""
    where = places(environ=environ, platform=platform, home=home, folder=folder)
    report = AddinReport()
    for label, path in (("add-in", where.addin), ("settings", where.settings)):
        if not path.exists():
            report.lines.append(f"No {label} to remove at {path}.")
            continue
        try:
            path.unlink()
        except PermissionError as exc:
            raise AddinError(f"plansync could not delete {path}: Excel has it open. Close Excel, then run: plansync addin remove") from exc
        report.lines.append(f"Removed the {label}: {path}")
    report.lines.append("Restart Excel: the plansync tab is gone.")
    return report


__all__ = sorted(
    ["AddinError", "AddinPlaces", "AddinReport", "install", "interpreter", "places", "read_settings", "remove", "render_settings", "status"]
)

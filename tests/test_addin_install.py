"""``plansync addin install|status|remove``: the add-in lands where Excel loads it, with settings
naming this Python, for Windows and Mac layouts (built on Linux in temporary folders)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.build import _xlwings_package_dir
from addin.install import AddinError, install, interpreter, places, read_settings, remove, render_settings, status
from plansync.cli import main


def _windows(tmp_path: Path) -> dict[str, str]:
    return {"APPDATA": str(tmp_path / "Roaming"), "USERPROFILE": str(tmp_path / "profile")}


def test_on_windows_the_add_in_goes_to_excels_start_up_folder_and_settings_to_the_profile(tmp_path):
    where = places(environ=_windows(tmp_path), platform="win32", home=tmp_path)
    assert tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "plansync.xlam" == where.addin
    assert tmp_path / "profile" / ".plansync" / "plansync.conf" == where.settings


def test_on_a_mac_the_add_in_goes_to_the_office_group_container(tmp_path):
    where = places(environ={}, platform="darwin", home=tmp_path)
    startup = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    assert tmp_path / startup / "plansync.xlam" == where.addin
    assert tmp_path / "Library/Containers/com.microsoft.Excel/Data/plansync.conf" == where.settings
    assert tmp_path / "Library/Application Scripts/com.microsoft.Excel" == where.applescript_dir


def test_the_folders_can_be_moved_with_environment_variables_or_dir(tmp_path):
    env = {"PLANSYNC_ADDIN_DIR": str(tmp_path / "a"), "PLANSYNC_ADDIN_CONFIG": str(tmp_path / "c.conf")}
    where = places(environ=env, platform="linux")
    assert (tmp_path / "a" / "plansync.xlam", tmp_path / "c.conf") == (where.addin, where.settings)
    assert tmp_path / "b" / "plansync.xlam" == places(environ=env, platform="linux", folder=tmp_path / "b").addin


def test_without_excel_and_without_a_folder_install_says_what_to_do(tmp_path):
    with pytest.raises(AddinError) as caught:
        places(environ={}, platform="linux", home=tmp_path)
    assert (
        "Excel for Windows or Mac is needed for the plansync add-in, and this computer runs neither. "
        "To only write the add-in file, give a folder: plansync addin install --dir FOLDER"
    ) == str(caught.value)


def test_install_on_windows_writes_the_add_in_and_names_pythonw_beside_this_python(tmp_path):
    scripts = tmp_path / "venv" / "Scripts"
    scripts.mkdir(parents=True)
    (scripts / "python.exe").write_bytes(b"")
    (scripts / "pythonw.exe").write_bytes(b"")
    report = install(environ=_windows(tmp_path), platform="win32", home=tmp_path, executable=str(scripts / "python.exe"))
    where = places(environ=_windows(tmp_path), platform="win32", home=tmp_path)
    with zipfile.ZipFile(where.addin) as z:
        assert "xl/vbaProject.bin" in z.namelist()
    assert f'"INTERPRETER_WIN","{scripts / "pythonw.exe"}"\n"ADD_WORKBOOK_TO_PYTHONPATH","false"\n' == where.settings.read_text()
    assert [
        f"Installed the plansync add-in: {where.addin}",
        f"Settings: {where.settings} (Python: {scripts / 'pythonw.exe'})",
        "Start Excel (close it first if it is open): the ribbon has a plansync tab.",
    ] == report.lines


def test_install_on_a_mac_also_enables_xlwings_runpython(tmp_path):
    install(environ={}, platform="darwin", home=tmp_path, executable="/opt/py/bin/python3")
    where = places(environ={}, platform="darwin", home=tmp_path)
    assert {"INTERPRETER_MAC": "/opt/py/bin/python3", "ADD_WORKBOOK_TO_PYTHONPATH": "false"} == read_settings(where.settings)
    scripts = [p.name for p in where.applescript_dir.iterdir()]
    assert 1 == len(scripts) and re.fullmatch(r"xlwings-[\d.]+\.applescript", scripts[0])


def test_installing_again_keeps_settings_a_person_added(tmp_path):
    existing = '"INTERPRETER_WIN","C:\\old\\pythonw.exe"\n"SHOW CONSOLE","True"\n'
    assert '"INTERPRETER_WIN","C:\\new\\pythonw.exe"\n"ADD_WORKBOOK_TO_PYTHONPATH","false"\n"SHOW CONSOLE","True"\n' == render_settings(
        "C:\\new\\pythonw.exe", platform="win32", existing=existing
    )


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_the_settings_keys_are_the_ones_xlwings_vba_reads(platform):
    vba = (_xlwings_package_dir() / "xlwings_custom_addin.bas").read_text(encoding="cp1252")
    keys = [line.split(",", 1)[0].strip('"') for line in render_settings("/p", platform=platform).splitlines()]
    assert 2 == len(keys)
    for key in keys:
        assert f'GetConfig("{key}"' in vba


def test_interpreter_is_this_python_where_there_is_no_pythonw(tmp_path):
    assert "/usr/bin/python3" == interpreter(executable="/usr/bin/python3", platform="linux")
    assert str(tmp_path / "python.exe") == interpreter(executable=str(tmp_path / "python.exe"), platform="win32")


def test_status_before_and_after_install_and_after_remove(tmp_path):
    env = _windows(tmp_path)
    before = status(environ=env, platform="win32", home=tmp_path, executable="/usr/bin/python3")
    where = places(environ=env, platform="win32", home=tmp_path)
    assert not before.ok
    assert [
        f"Add-in: not installed (Excel would load it from {where.addin}). Run: plansync addin install",
        f"Settings: missing ({where.settings}). Run: plansync addin install",
    ] == before.lines

    from importlib.metadata import version

    python = tmp_path / "python3"
    python.write_bytes(b"")
    (tmp_path / f"xlwings64-{version('xlwings')}.dll").write_bytes(b"")
    install(environ=env, platform="win32", home=tmp_path, executable=str(python))
    after = status(environ=env, platform="win32", home=tmp_path, executable=str(python))
    assert after.ok
    assert after.lines[0].startswith(f"Add-in: installed at {where.addin} (written ")
    assert f"Python: {python} (this Python)" == after.lines[1]

    python.unlink()
    gone = status(environ=env, platform="win32", home=tmp_path, executable="/usr/bin/python3")
    assert not gone.ok
    assert (
        f"Python: {python} no longer exists (moved or uninstalled). Run plansync addin install from the Python that has plansync."
        == gone.lines[1]
    )

    assert [
        f"Removed the add-in: {where.addin}",
        f"Removed the settings: {where.settings}",
        "Restart Excel: the plansync tab is gone.",
    ] == remove(environ=env, platform="win32", home=tmp_path).lines
    assert not where.addin.exists() and not where.settings.exists()


def test_the_cli_installs_checks_and_removes(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_ADDIN_CONFIG", str(tmp_path / "conf" / "plansync.conf"))
    runner = CliRunner()
    folder = tmp_path / "xlstart"
    result = runner.invoke(main, ["addin", "install", "--dir", str(folder)])
    assert 0 == result.exit_code, result.output
    assert f"Installed the plansync add-in: {folder / 'plansync.xlam'}" == result.output.splitlines()[0]
    assert 0 == runner.invoke(main, ["addin", "status", "--dir", str(folder)]).exit_code
    assert 0 == runner.invoke(main, ["addin", "remove", "--dir", str(folder)]).exit_code
    result = runner.invoke(main, ["addin", "status", "--dir", str(folder)])
    assert 1 == result.exit_code
    assert result.output.startswith("Add-in: not installed")


def test_only_the_add_in_imports_xlwings():
    root = Path(__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root))
        for folder in ("plansync", "validation", "sync", "workbook_templates")
        for path in (root / folder).rglob("*.py")
        if re.search(r"^\s*(import xlwings|from xlwings)", path.read_text(encoding="utf-8"), flags=re.M)
    ]
    assert [] == offenders


def test_the_cli_and_the_installer_run_without_loading_xlwings():
    import subprocess
    import sys

    code = "import sys, plansync.cli, addin.install; print('xlwings' in sys.modules)"
    assert "False" == subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_status_on_windows_checks_the_xlwings_dll_excel_loads(tmp_path):
    from importlib.metadata import version

    env = _windows(tmp_path)
    scripts = tmp_path / "venv" / "Scripts"
    scripts.mkdir(parents=True)
    python = scripts / "pythonw.exe"
    python.write_bytes(b"")
    install(environ=env, platform="win32", home=tmp_path, executable=str(python))
    missing = status(environ=env, platform="win32", home=tmp_path, executable=str(python))
    dll = f"xlwings64-{version('xlwings')}.dll"
    assert not missing.ok
    assert (
        f"xlwings DLL: {dll} is not beside {python} nor one folder up, so Excel cannot start Python. "
        "Reinstall xlwings in that Python: pip install --force-reinstall xlwings"
    ) == missing.lines[-1]
    (tmp_path / "venv" / dll).write_bytes(b"")  # where pip puts it in a virtualenv
    found = status(environ=env, platform="win32", home=tmp_path, executable=str(python))
    assert found.ok
    assert f"xlwings DLL: {tmp_path / 'venv' / dll}" == found.lines[-1]

"""Saving a workbook safely: refuse early when it cannot be written, then write it atomically.

A save writes a temporary file in the workbook's own folder and moves it over the original
with ``os.replace`` (one rename on the same disk), so a crash half-way through leaves the
original exactly as it was. Before anything is written we check the three things that
would make the save fail, and say what to do about each:

- Excel has the workbook open: Excel keeps an owner file ``~$name.xlsx`` beside it holding
  the name of the person who opened it;
- the file is marked read-only;
- the folder does not let us create files (no permission, a read-only share).
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Callable

from validation.errors import WorkbookLocked, WorkbookUnreadable

_TEMP_PREFIX = "~plansync-"
_STALE_AFTER = 600  # seconds: a temporary file without a process id this old is a leftover


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # on Windows a file still being written cannot be deleted, so trying is safe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_stale_temps(path: Path) -> list[Path]:
    """Delete temporary files a killed save left beside ``path``; returns those deleted.

    Each save names its temporary file ``~plansync-<process id>-<random>.tmp``: one whose process
    is gone is a leftover. A file still being written by a live run is left alone.
    """
    removed = []
    try:
        candidates = list(Path(path).parent.glob(_TEMP_PREFIX + "*.tmp"))
    except OSError:
        return removed
    for temp in candidates:
        pid_text = temp.name[len(_TEMP_PREFIX) :].split("-", 1)[0]
        try:
            if pid_text.isdigit():
                if _alive(int(pid_text)):
                    continue
            elif time.time() - temp.stat().st_mtime < _STALE_AFTER:
                continue
            temp.unlink()
            removed.append(temp)
        except OSError:
            continue  # in use or already gone: not ours to fight over
    return removed


def owner_file(path: Path) -> Path:
    """The owner (lock) file Excel creates beside a workbook it has open: ``~$plan.xlsx``."""
    return path.with_name("~$" + path.name)


def libreoffice_lock_file(path: Path) -> Path:
    """The lock file LibreOffice creates beside a workbook it has open: ``.~lock.plan.xlsx#``."""
    return path.with_name(f".~lock.{path.name}#")


def lock_owner(path: Path) -> str | None:
    """Who has the workbook open, from Excel's owner file (or LibreOffice's lock file); None when neither exists.

    Excel writes the user's name as one length byte followed by that many ANSI characters
    (padded with spaces), then the same name again in UTF-16. LibreOffice writes one CSV line
    starting with the user's name. An unreadable lock file still means "open", with an unknown
    name ("").
    """
    try:
        data = owner_file(path).read_bytes()
    except FileNotFoundError:
        data = None
    except OSError:
        return ""
    if data is not None:
        if not data:
            return ""
        name = data[1 : 1 + data[0]].decode("cp1252", errors="replace").strip()
        return name if name.isprintable() else ""
    try:
        text = libreoffice_lock_file(path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    name = text.split(",", 1)[0].strip()
    return name if name.isprintable() else ""


def check_exists(path: Path) -> None:
    """Refuse a path that is missing or a folder, saying what to do (both workbook adapters open through this)."""
    if not path.exists():
        raise WorkbookUnreadable(
            f"{path} does not exist. Check the name and folder, or create a new plan with: plansync new {path.name}",
            path=str(path),
        )
    if path.is_dir():
        raise WorkbookUnreadable(f"{path} is a folder, not a workbook. Give the path of an .xlsx file.", path=str(path))


def check_writable(path: Path) -> None:
    """Raise ``WorkbookLocked`` when ``path`` cannot be saved: open in Excel, read-only, or folder not writable.

    Raises:
        WorkbookLocked: with a message saying what to do; nothing has been changed.
    """
    who = lock_owner(path)
    if who is not None:
        by = f" by {who}" if who else ""
        excel = owner_file(path).exists()
        app, lock = ("Excel", owner_file(path)) if excel else ("LibreOffice", libreoffice_lock_file(path))
        raise WorkbookLocked(
            f"{path.name} is open in {app}{by}, so plansync cannot save it. "
            f"Close it in {app} (or ask {who or 'whoever has it open'} to), then run the command again. "
            f"If nobody has it open, delete the leftover lock file {lock.name} beside it. "
            "Nothing was changed.",
            path=str(path),
        )
    if path.exists() and not (path.stat().st_mode & stat.S_IWUSR):
        raise WorkbookLocked(
            f"{path.name} is read-only, so plansync cannot save it. "
            "Untick 'Read-only' in the file's properties (or save a copy you can edit), then run the command again. "
            "Nothing was changed.",
            path=str(path),
        )
    folder = path.parent
    if not os.access(folder, os.W_OK):
        raise _folder_error(path)


def _folder_error(path: Path) -> WorkbookLocked:
    return WorkbookLocked(
        f"plansync cannot create files in the folder {path.parent}, so it cannot save {path.name} safely. "
        "Move the workbook to a folder you can save in (for example your Documents) and run the command again. "
        "Nothing was changed.",
        path=str(path),
    )


def atomic_save(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temp_path)`` then move the temporary file over ``path`` in one step.

    The temporary file lives in the same folder (a rename across disks is not atomic) and is
    removed if anything fails, so ``path`` is either the old file or the complete new one.
    The original's permission bits are kept.

    Raises:
        WorkbookLocked: the folder or the file refused the write (nothing changed).
    """
    path = Path(path)
    check_writable(path)
    clean_stale_temps(path)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f"{_TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=path.parent)
    except PermissionError as exc:
        raise _folder_error(path) from exc
    os.close(fd)
    temp = Path(temp_name)
    try:
        write(temp)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        else:
            # mkstemp makes 0600 files; a new workbook gets the usual permissions.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except PermissionError as exc:
        raise WorkbookLocked(
            f"{path.name} could not be replaced: another program (Excel, OneDrive, an antivirus scan) "
            "may be using it. Close it there and run the command again. Nothing was changed.",
            path=str(path),
        ) from exc
    finally:
        if temp.exists():
            temp.unlink()


__all__ = sorted(["atomic_save", "check_writable", "clean_stale_temps", "libreoffice_lock_file", "lock_owner", "owner_file"])

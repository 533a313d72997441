"""One process at a time sets up a data folder ($PLANSYNC_HOME): keys, certificate, database, sign-in cache.

Any number of plansync commands may start at once on one data folder (a person clicking Sync in two
workbooks, a scheduled refresh and a pull). Each creates what is missing on first use: the server's
signing key, its certificate authority and certificate, the SQLite database, the sign-in cache.
Done by two processes at once, those steps interleave: a key written beside the other process's
certificate, a half-written key read as damaged, "database is locked" while one sets the journal
mode. So every first-time step runs under this lock, an OS file lock on ``<home>/.setup.lock``
(``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows), which the OS releases when a
process dies: a killed command never leaves the folder locked.

    with setup_lock(home):
        files = ensure_certificates(home)
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".setup.lock"

# Set-up takes well under a second; a process still holding the lock after this long is stuck.
DEFAULT_TIMEOUT = 120.0


class SetupLockTimeout(TimeoutError):
    """Another process held the data folder's set-up lock for too long."""


@contextmanager
def setup_lock(home: Path | str, *, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold ``home``'s set-up lock for the block (waiting up to ``timeout`` seconds for it)."""
    folder = Path(home)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, path, timeout)
        try:
            yield
        finally:
            _release(fd)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = 0.01
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise SetupLockTimeout(
                f"Another plansync command has been setting up the data folder {path.parent} for over "
                f"{timeout:g} seconds. Wait for it to finish; if none is running, try again."
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


__all__ = sorted(["DEFAULT_TIMEOUT", "LOCK_FILE", "SetupLockTimeout", "setup_lock"])

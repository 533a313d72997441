"""The server's data files are readable by their user only (0600), like its signing key.

SQLite creates the ``-wal`` and ``-shm`` files with the rights of the database file, so making the
database 0600 before SQLite first opens it covers all three; files left by an older version (made
with the process's umask, often 0644) are tightened at start.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["private_database"]

_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_database(path: Path) -> Path:
    """Create ``path`` 0600 if missing and make it and its SQLite companions 0600; returns ``path``."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for suffix in _SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, 0o600)
    return path

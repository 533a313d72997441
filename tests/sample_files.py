"""Copies of the sample workbooks in tests/fixtures for a test to change: the checked-in files stay as they are."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def writable_copy(source: Path, folder: Path) -> Path:
    """A copy of ``source`` under the same name in ``folder``, writable even when the original is read-only."""
    path = folder / source.name
    shutil.copyfile(source, path)
    path.chmod(0o644)
    return path

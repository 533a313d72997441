"""The plansync command line: a thin layer over ``plansync.commands``.

Each command lives in its own module here, registers itself on ``plansync.cli._main.main`` (import
it from there, not from this package) and is listed in ``_registry``. A ``PlansyncError`` becomes
one ``Error: ...`` line and its exit code; bad data is a report, not an error.
"""

from __future__ import annotations

from plansync.cli._main import main

# Command modules register themselves on ``main`` when imported.
from plansync.cli import _registry  # noqa: E402,F401,I001
from plansync.cli._exit_codes import document_exit_codes  # noqa: E402

document_exit_codes(main)  # every command's --help ends with the exit codes

__all__ = ["main"]

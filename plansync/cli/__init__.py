"""The plansync command line: a thin layer over ``plansync.commands``.

Each command lives in its own module here, registers itself on ``plansync.cli._main.main`` (import
it from there, not from this package) and is listed in ``_registry``. A ``PlansyncError`` becomes
one ``Error: ...`` line and its exit code; bad data is a report, not an error.
"""

from __future__ import annotations

from plansync.cli._main import main

__all__ = ["main"]

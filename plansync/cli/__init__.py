"""The plansync command line: a thin layer over ``plansync.commands``.

Each command lives in its own module here and is registered below. A ``PlansyncError`` becomes
one ``Error: ...`` line and its exit code; bad data is a report, not an error.
"""

from __future__ import annotations

import click

from plansync import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plansync")
def main() -> None:
    """Keep your improvement action plan in Excel: validate it, rate it (BRAG), sync it.

    Example:

        plansync new plan.xlsx --demo && plansync validate plan.xlsx
    """


# Command modules register themselves on ``main`` when imported.
from plansync.cli import _registry  # noqa: E402,F401
from plansync.cli._exit_codes import document_exit_codes  # noqa: E402

document_exit_codes(main)  # every command's --help ends with the exit codes

__all__ = ["main"]

"""Every command's --help ends with the exit codes (``plansync.exit_codes``)."""

from __future__ import annotations

import click

from plansync.exit_codes import EXIT_CODES


def document_exit_codes(command: click.Command) -> None:
    """Show ``EXIT_CODES`` at the end of the --help of ``command`` and of every command under it."""
    command.epilog = EXIT_CODES
    for sub in getattr(command, "commands", {}).values():
        document_exit_codes(sub)


__all__ = ["document_exit_codes"]

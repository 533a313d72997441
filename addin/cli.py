"""``plansync addin install|status|remove``: the Excel add-in for the current user."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._errors import reports_errors
from plansync.cli._main import main

_DIR = click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PLANSYNC_ADDIN_DIR",
    help="Folder for plansync.xlam instead of Excel's start-up folder (also: PLANSYNC_ADDIN_DIR).",
)


@main.group("addin")
def addin_group() -> None:
    """Install, check or remove the plansync tab in Excel (Windows or Mac).

    Example:

        plansync addin install
    """


@addin_group.command("install")
@_DIR
@reports_errors
def install_command(folder: Path | None) -> None:
    """Put the plansync add-in where Excel loads it and point it at this Python.

    Builds plansync.xlam into Excel's start-up folder for your user and writes its settings
    file (the Python interpreter running this command). Run it again after upgrading plansync.

    Example:

        plansync addin install
    """
    from addin.install import install

    for line in install(folder=folder).lines:
        click.echo(line)


@addin_group.command("status")
@_DIR
@reports_errors
def status_command(folder: Path | None) -> None:
    """Say whether the add-in and its settings are in place; exit code 1 if not.

    Example:

        plansync addin status
    """
    from addin.install import status

    report = status(folder=folder)
    for line in report.lines:
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@addin_group.command("remove")
@_DIR
@reports_errors
def remove_command(folder: Path | None) -> None:
    """Remove the add-in and its settings file (close Excel first).

    Example:

        plansync addin remove
    """
    from addin.install import remove

    for line in remove(folder=folder).lines:
        click.echo(line)


__all__ = ["addin_group"]

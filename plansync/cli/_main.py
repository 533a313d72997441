"""The ``plansync`` command group, on which each command module registers its command.

Apart from ``plansync/cli/__init__.py`` so that a command module imports the group without
importing the package; the group knows its command modules by name (``_registry``) and imports
one only when its command is asked for: the imports stay a tree, not a loop.
"""

from __future__ import annotations

import gc
import importlib
from contextlib import contextmanager
from typing import Iterator

import click

from plansync.cli._exit_codes import document_exit_codes
from plansync.cli._registry import COMMAND_MODULES
from plansync.exit_codes import EXIT_CODES


class _LazyGroup(click.Group):
    """Imports a command's module only when that command runs, so `plansync validate` does not pay
    for the imports of sync, pull or the add-in (start-up time); listing commands imports them all.

    Each command lives in the module of its own name (``plansync.cli.validate``); a command in a
    module named otherwise is still found, through ``_registry``'s list.
    """

    def get_command(self, ctx, cmd_name):
        _load(cmd_name)
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            document_exit_codes(command)  # every command's --help ends with the exit codes
        return command

    def list_commands(self, ctx):
        _load_all()
        return super().list_commands(ctx)


class _Commands(dict):
    """``main.commands`` as click and the tests read it: complete whenever it is looked through."""

    def __missing__(self, name):
        _load(name)
        return dict.__getitem__(self, name)

    def __contains__(self, name) -> bool:
        _load(name)
        return dict.__contains__(self, name)

    def __iter__(self):
        _load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        _load_all()
        return dict.__len__(self)

    def items(self):
        _load_all()
        return dict.items(self)

    def keys(self):
        _load_all()
        return dict.keys(self)

    def values(self):
        _load_all()
        return dict.values(self)


def _load(name: str) -> None:
    if dict.__contains__(main.commands, name):
        return
    with _collector_paused():
        _import_command(name)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Import with Python's cyclic garbage collector paused, then freeze what was made.

    A command's imports (pandas, pandera, numpy) make a few hundred thousand objects that live as
    long as the process; none of them is garbage. The collector would walk them over and over while
    they are made, at every later collection and once more at exit: about a fifth of what
    `plansync validate` takes on a 1,000-action plan (benchmarks/workbook.py). ``gc.freeze`` moves
    them out of its sight; everything made afterwards is collected as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _import_command(name: str) -> None:
    if name.isidentifier():
        try:
            importlib.import_module(f"plansync.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"plansync.cli.{name}":
                raise
    if not dict.__contains__(main.commands, name):
        _load_all()


def _load_all() -> None:
    with _collector_paused():
        for name in COMMAND_MODULES:
            importlib.import_module(name if "." in name else f"plansync.cli.{name}")


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
# The version is looked up only when --version is asked for (start-up cost of importlib.metadata).
@click.version_option(package_name="plansync", prog_name="plansync")
def main() -> None:
    """Keep your improvement action plan in Excel: validate it, rate it (BRAG), sync it.

    Example:

        plansync new plan.xlsx --demo && plansync validate plan.xlsx
    """


# Command modules register themselves on ``main`` when imported (plansync.cli._registry lists
# them); they are imported when their command is asked for, see _LazyGroup.
main.commands = _Commands(main.commands)
main.epilog = EXIT_CODES  # the commands get theirs when loaded (_LazyGroup.get_command)

__all__ = ["main"]

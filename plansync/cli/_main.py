"""The ``plansync`` command group, on which each command module registers its command.

Apart from ``plansync/cli/__init__.py`` so that a command module imports the group without
importing the package that imports it (``_registry``): the imports stay a tree, not a loop.
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


__all__ = ["main"]

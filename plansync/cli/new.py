"""``plansync new``: a new tracker workbook from the template."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._errors import reports_errors
from plansync.cli._main import main
from plansync.commands.new import new_workbook


@main.command("new")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--demo", is_flag=True, help="Fill the workbook with a realistic demo plan (two council plans, dates made current).")
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@reports_errors
def new_command(path: Path, demo: bool, force: bool) -> None:
    """Create a new action plan workbook at PATH (an .xlsx file).

    The workbook has an Actions table (Status drop-down, dates, coloured RAG and Overdue
    cells), a Settings sheet, an Issues sheet and a Summary sheet. An existing file is never
    replaced unless you add --force.

    Example:

        plansync new plan.xlsx --demo
    """
    result = new_workbook(path, demo=demo, force=force)
    if demo:
        counts = ", ".join(f"{k} {v}" for k, v in result.rag.items())
        click.echo(f"Created {path} with the demo plan: {result.actions} actions ({counts}).")
    else:
        click.echo(f"Created {path}: an empty action plan. Type your actions on the Actions sheet.")
    click.echo(f"Next: plansync validate {path}")


__all__ = ["new_command"]

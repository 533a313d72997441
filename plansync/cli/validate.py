"""``plansync validate``: check every action and list each problem at its cell."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from plansync.cli._errors import reports_errors
from plansync.cli._json import echo_json
from plansync.cli._main import main
from plansync.cli._progress import progress_bar
from plansync.commands.validate import summary_line, validate_workbook
from plansync.workbook.package_book import PackageWorkbook

_VALUE_MAX = 30


def _shown(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= _VALUE_MAX else text[: _VALUE_MAX - 1] + "…"


def render_table(issues: pd.DataFrame) -> list[str]:
    """Issues as aligned lines: Cell, Column, Value, Problem (warnings marked)."""
    rows = [("Cell", "Column", "Value", "Problem")]
    for issue in issues.to_dict("records"):
        problem = issue["message"] if issue["severity"] == "error" else f"Warning: {issue['message']}"
        rows.append((str(issue["cell"]), str(issue.get("heading") or issue["column"]), _shown(issue["value"]), problem))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return ["  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].ljust(widths[2]), r[3]]).rstrip() for r in rows]


@main.command("validate")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help='Print {"rows": N, "errors": [...], "warnings": [...]} instead of a table.')
@reports_errors
def validate_command(path: Path, as_json: bool) -> None:
    """Check every action in the workbook at PATH and list each problem at its cell.

    The problems are also written to the workbook's Issues sheet (replaced on each run).
    Warnings alone leave the exit code 0; errors make it 1.

    Example:

        plansync validate plan.xlsx --json
    """
    with progress_bar("Validating", enabled=not as_json) as progress:
        # Loading a large workbook is the slow part: it counts towards showing the bar.
        book = PackageWorkbook.open(path, write=True)
        result = validate_workbook(book, progress=progress)
    if as_json:
        echo_json(result.to_json(), indent=2)
    else:
        if not result.issues.empty:
            click.echo("\n".join(render_table(result.issues)))  # one write: click flushes after every echo
            click.echo("")
        click.echo(summary_line(result.rows, result.issues))
    if not result.ok:
        raise SystemExit(1)


__all__ = ["render_table", "validate_command"]

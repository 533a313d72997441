"""``plansync pull``: every plan's actions from the central list into a reporting workbook, with a board summary."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._errors import reports_errors
from plansync.cli._json import echo_json
from plansync.cli._main import main
from plansync.cli._progress import progress_bar
from plansync.commands.pull import pull_consolidated


@main.command("pull")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", help="SharePoint site, e.g. https://contoso.sharepoint.com/sites/improvement (else Settings).")
@click.option("--list", "list_name", help="The list's name (else Settings, else 'Actions').")
@click.option("--graph-url", help="Graph address (else Settings, else the embedded local list server).")
@click.option("--as", "as_email", metavar="EMAIL", help="Sign in as this development identity (local list server only).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Rate the actions as if today were this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts per plan and the overdue actions as JSON.")
@reports_errors
def pull_command(path: Path, site, list_name, graph_url, as_email, today, as_json: bool) -> None:
    """Pull every plan's actions from the central list into the reporting workbook at PATH.

    Creates PATH when it does not exist. Writes the Consolidated sheet (one row per action of
    every plan, BRAG and overdue worked out again as at today) and the Summary sheet a board can
    read: per plan counts, totals, the overdue actions and a chart of BRAG by plan. The next pull
    reads only what changed since. Your own sheets in the workbook are kept.

    Example:

        plansync pull consolidated.xlsx --today 2026-11-25
    """
    with progress_bar("Pulling", enabled=not as_json) as progress:
        result = pull_consolidated(
            path, site=site, list_name=list_name, graph_url=graph_url, as_email=as_email,
            today=today.date() if today else None, progress=progress,
        )
    if as_json:
        echo_json(result.to_json())
        return
    click.echo(result.line)


__all__ = ["pull_command"]

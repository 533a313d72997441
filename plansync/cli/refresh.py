"""``plansync refresh``: re-rate the central list as at today (a scheduled job; no workbook)."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from plansync.cli._json import echo_json
from plansync.cli._main import main
from plansync.commands.refresh import refresh_list
from plansync.errors import PlansyncError
from sync.refresh_state import append_log, data_home

# After a real run the re-rated items are capped so a scheduled job's mail stays short; a dry run
# lists every one, since showing what would change is its whole purpose.
LINES_SHOWN = 20


@main.command("refresh")
@click.option("--site", help="SharePoint site, e.g. https://contoso.sharepoint.com/sites/improvement.")
@click.option("--list", "list_name", help="The list's name (default 'Actions').")
@click.option("--graph-url", help="Graph address (default: the embedded local list server, or Microsoft Graph with --site).")
@click.option("--as", "as_email", metavar="EMAIL", help="Sign in as this development identity (local list server only).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Rate the actions as if today were this date (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="List the items that would be re-rated and why; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts, the re-rated items and the refusals as JSON.")
def refresh_command(site, list_name, graph_url, as_email, today, dry_run: bool, as_json: bool) -> None:
    """Re-rate every action in the central list as at today and write the ratings that changed.

    Due, RAG, Overdue and Days overdue depend on today's date, so the list goes stale between
    syncs. This reads the list (only the changes since the last run, after the first), rates
    every action with the rules its plan was last synced with, and writes only the items whose
    derived fields changed. It never changes a field a person types. Run it daily (docs/refresh.md).
    One line per run goes to standard error and to refresh.log in the data folder.
    Exit code: 0 done, 1 some items were refused, in conflict or not rated (rules unreadable), 2 the list or the sign-in cannot be used.

    Example:

        plansync refresh --dry-run --today 2026-11-30
    """
    try:
        result = refresh_list(
            site=site, list_name=list_name, graph_url=graph_url, as_email=as_email,
            today=today.date() if today else None, dry_run=dry_run,
        )
    except PlansyncError as exc:
        click.echo(f"Error: {exc}", err=True)
        stamp = datetime.now().astimezone().replace(microsecond=0).isoformat()
        _log(f"{stamp} plansync refresh failed: {exc}")
        sys.exit(2)
    if as_json:
        echo_json(result.to_json())
    else:
        lines = result.lines()
        rerated = sum(1 for line in lines if line.startswith(("Re-rated", "Would re-rate")))
        shown = rerated if dry_run else min(rerated, LINES_SHOWN)
        hidden = rerated - shown
        lines = lines[:shown] + ([f"... and {hidden} more re-rated"] if hidden else []) + lines[rerated:]
        for line in lines:
            click.echo(line)
    _log(result.log_line)
    sys.exit(result.exit_code)


def _log(line: str) -> None:
    """The run's one line: on standard error (cron mails it) and in the data folder's refresh.log."""
    click.echo(line, err=True)
    try:
        append_log(data_home(), line)
    except OSError as exc:
        click.echo(f"Warning: the line could not be added to the log in {data_home()} ({exc}).", err=True)


__all__ = ["refresh_command"]

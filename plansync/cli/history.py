"""``plansync history``: every change of a plan's actions (or one action), from the list's versions."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._main import main
from plansync.cli._errors import reports_errors
from plansync.cli._json import echo_json
from plansync.commands.history import HistoryResult, plan_history
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook


def render(result: HistoryResult) -> list[str]:
    """One line per change, oldest first: when (UTC), ref, who, field, old -> new."""
    what = f"action {result.ref}" if result.ref else "every action"
    since = f" since {result.since:%d/%m/%Y}" if result.since else ""
    lines = [f"{result.plan}: history of {what}{since}, from the list's versions"]
    for c in result.changes:
        when = c.when[:16].replace("T", " ") + " UTC"
        who = f"{c.who} <{c.email}>" if c.who and c.email else (c.who or c.email or "someone")
        lines.append(f"  {when}  {c.ref or c.key}  {who}: {_label(c.field)} {_shown(c.old)} -> {_shown(c.new)}")
    if not result.changes:
        lines.append("  No changes" + (" in that time." if result.since else " since the action was first synced."))
    if result.earlier_gone:
        lines.append("The list no longer keeps the first versions of " + ", ".join(result.earlier_gone)
                     + " (its versioning settings): their history starts later.")
    if result.missing:
        lines.append("Gone from the list (deleted there): " + ", ".join(result.missing) + ".")
    return lines


def _label(field: str) -> str:
    return field.replace("_", " ")


def _shown(value: str) -> str:
    text = value if len(value) <= 80 else value[:77] + "..."
    return repr(text) if text else "(blank)"


@main.command("history")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ref", help="Only this action (its ref, e.g. 1.4).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only changes on or after this date (YYYY-MM-DD).")
@click.option("--site", help="SharePoint site (else Settings).")
@click.option("--list", "list_name", help="The list's name (else Settings, else 'Actions').")
@click.option("--graph-url", help="Graph address (else Settings, else the embedded local list server).")
@click.option("--as", "as_email", metavar="EMAIL", help="Sign in as this development identity (local list server only).")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@reports_errors
def history_command(path: Path, ref, since, site, list_name, graph_url, as_email, as_json: bool) -> None:
    """Who changed what, and when, for the plan at PATH or one of its actions.

    Lists every change of status, progress, target, revised target, owner and sign-off made
    since the action was first synced: when, who, old -> new. It reads the list's own versions
    (SharePoint keeps one per change); plansync keeps no history of its own. The workbook is
    not changed. Exit code: 0 listed; 2 not synced yet, no such ref, the list could not be read, or the file cannot be read.

    Example:

        plansync history plan.xlsx --ref 1.4 --since 2026-11-01
    """
    book = OpenpyxlWorkbook.open(path)
    result = plan_history(book, ref=ref, since=since.date() if since else None, site=site, list_name=list_name,
                          graph_url=graph_url, as_email=as_email)
    if as_json:
        echo_json(result.to_json(), indent=2)
        return
    for line in render(result):
        click.echo(line)


__all__ = ["history_command", "render"]

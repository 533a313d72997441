"""``plansync report``: write the Summary sheet a board reads, or print it as JSON."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._errors import reports_errors
from plansync.cli._json import echo_json
from plansync.cli._main import main
from plansync.cli._progress import progress_bar
from plansync.commands.report import ReportResult, is_read_only, not_saved_warning, report_workbook
from plansync.workbook.package_book import PackageWorkbook
from validation.fields import RAG_VALUES


def render(result: ReportResult) -> list[str]:
    """The summary in a few lines, as the Summary sheet shows it."""
    s = result.summary
    done = ", ".join(str(n) for n in s.fully_complete_recommendations) or "none yet"
    lines = [
        f"{result.plan}: summary as at {result.today:%d/%m/%Y}",
        f"Recommendations: {s.recommendations}   Actions: {s.actions}   Complete: {s.complete} "
        f"({s.complete_awaiting_sign_off} awaiting sign-off, {s.signed_off} signed off)",
        "BRAG: " + ", ".join(f"{v} {s.by_rag[v]}" for v in RAG_VALUES),
        f"Recommendations with every action complete: {done}",
        f"Overdue actions: {len(s.overdue)}",
    ]
    for item in s.overdue:
        ref = item["ref"] or f"{item['_sheet']} row {item['_row']}"
        lines.append(f"  {ref} (recommendation {item['recommendation']}, {item['lead']}): {item['days_overdue']} days")
    lines.append("Written to the Summary sheet.")
    return lines


@main.command("report")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Report as if today were this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@reports_errors
def report_command(path: Path, today, as_json: bool) -> None:
    """Write the Summary sheet a board can read: counts, BRAG, what is complete and what is overdue.

    The sheet shows the number of recommendations and actions, actions by BRAG, complete
    actions, recommendations whose actions are all complete, each overdue action with its
    ref, lead and days overdue, and a chart of BRAG by recommendation.

    Example:

        plansync report plan.xlsx --today 2022-11-14 --json
    """
    # A read-only workbook still gets its figures; only the Summary sheet cannot be saved.
    read_only = is_read_only(path)
    book = PackageWorkbook.open(path, write=not read_only)
    with progress_bar("Summarising", enabled=not as_json) as progress:
        result = report_workbook(book, today=today.date() if today else None, progress=progress, save=not read_only)
    if as_json:
        echo_json(result.to_json(), indent=2)
    else:
        lines = render(result)
        for line in lines[:-1] if read_only else lines:
            click.echo(line)
    if read_only:
        click.echo(not_saved_warning(path), err=True)


__all__ = ["render", "report_command"]

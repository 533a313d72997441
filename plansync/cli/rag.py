"""``plansync rag``: compute due dates, BRAG and overdue flags and write them into the workbook."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._errors import reports_errors
from plansync.cli._json import echo_json
from plansync.cli._main import main
from plansync.cli._progress import progress_bar
from plansync.commands.rag import RagResult, refresh_rag, summary_line
from plansync.workbook.package_book import PackageWorkbook

_REC_MAX = 40


def render_table(result: RagResult) -> list[str]:
    """One aligned line per action: Ref, Due, RAG, Overdue, Recommendation."""
    rows = [("Ref", "Due", "RAG", "Overdue", "Recommendation")]
    # Columns as lists, zipped: a frame's to_dict('records') costs seconds on a 100,000-row plan.
    a = result.actions
    for ref, due, rag, overdue, days, rec in zip(
        a["ref"].tolist(), a["due"].tolist(), a["rag"].tolist(), a["overdue"].tolist(), a["days_overdue"].tolist(),
        a["recommendation"].tolist(),
    ):
        due = due.strftime("%d/%m/%Y") if due is not None else ""
        overdue = f"{days} days" if overdue else ""
        rec = " ".join(str(rec or "").split())
        rec = rec if len(rec) <= _REC_MAX else rec[: _REC_MAX - 1] + "…"
        rows.append((str(ref or ""), due, rag, overdue, rec))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join([*(r[i].ljust(widths[i]) for i in range(4)), r[4]]).rstrip() for r in rows]


@main.command("rag")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Rate the plan as if today were this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help='Print {"actions": [...]} instead of a table.')
@reports_errors
def rag_command(path: Path, today, as_json: bool) -> None:
    """Work out each action's due date, BRAG (Blue/Red/Amber/Green) and overdue days.

    The results are written into the Due, RAG, Overdue and Days overdue columns of the
    workbook at PATH, where conditional formatting colours them. The amber window, status
    keywords and a 'today' date can be set on the Settings sheet; --today wins over it.

    Example:

        plansync rag plan.xlsx --today 2022-07-31
    """
    with progress_bar("Rating", enabled=not as_json) as progress:
        # Loading a large workbook is the slow part: it counts towards showing the bar.
        book = PackageWorkbook.open(path, write=True)
        result = refresh_rag(book, today=today.date() if today else None, progress=progress)
    if as_json:
        echo_json(result.to_json(), indent=2)
        return
    if result.actions.empty:
        click.echo("No actions to rate yet: type your actions on the plan's sheet, then run this again.")
        return
    click.echo("\n".join(render_table(result)))  # one write: click flushes after every echo
    click.echo("")
    click.echo(summary_line(result))
    click.echo(f"Written to {result.written}.")


__all__ = ["rag_command", "render_table"]

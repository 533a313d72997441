"""``plansync adopt``: find the plan in a team's own workbook and show the mapping found."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._errors import reports_errors
from plansync.cli._json import echo_json
from plansync.cli._main import main
from plansync.cli._progress import progress_bar
from plansync.commands.adopt import AdoptResult, adopt_workbook
from plansync.workbook.package_book import PackageWorkbook
from validation.fields import COMPUTED, FIELD_BY_NAME
from validation.grid import column_letter

_FROM = {
    "column": "from the {header} column",
    "headings": "from heading rows above the actions",
    "ref prefix": "from each ref's first number (2.13 belongs to 2)",
    "each row": "one per row: the plan lists each recommendation on its own row",
    "sheet title": "one per sheet: each sheet's title row, else its name",
    "": "none found",
}


def render(result: AdoptResult) -> list[str]:
    """The mapping as a person reads it: sheet, header row(s), each column, counts, what is unplaced."""
    layout = result.layout
    rows = ", ".join(str(r) for r in layout.header_rows)
    lines = [
        f"Plan found on sheet '{layout.sheet}', header row{'s' if len(layout.header_rows) > 1 else ''} {rows}"
        + (" (columns corrected on the Settings sheet)." if layout.source == "settings" else "."),
        "Columns:",
    ]
    ordered = sorted(layout.columns.items(), key=lambda kv: kv[1])
    width = max((len(result.headers.get(n, "")) for n, _ in ordered), default=0)
    for name, col in ordered:
        header = result.headers.get(name, "")
        lines.append(f"  {column_letter(col):<3} {header:<{width}}  -> {FIELD_BY_NAME[name].label}")
    computed = ", ".join(f"{column_letter(layout.computed_col + i)} {f.label}" for i, f in enumerate(COMPUTED))
    lines.append(f"plansync's columns: {computed}")
    # A plan on several sheets may find them differently on each ("sheet title, headings").
    source = "; ".join(
        _FROM.get(part, part).format(header=result.headers.get("recommendation", "recommendation"))
        for part in result.recommendation_from.split(", ")
    )
    lines.append(f"Recommendations: {result.recommendations} ({source})")
    lines.append(f"Actions: {result.actions}" + (f" ({result.split_cells} cells held several actions; each is its own action)" if result.split_cells else ""))
    if result.status_from:
        lines.append(f"Status from: {result.status_from}")
    if len(result.sheets) > 1:
        lines.append("Sheets:")
        lines.extend(f"  '{name}': {what}" for name, what in result.sheets)
    if result.status_to_set:
        lines.append(f"Status to set by a person ({len(result.status_to_set)}):")
        lines.extend(f"  - {item}" for item in result.status_to_set)
    if result.unplaced:
        lines.append("Could not place:")
        lines.extend(f"  - {item}" for item in result.unplaced)
    if result.added:
        lines.append("Added: " + "; ".join(result.added) + ".")
    else:
        lines.append("Already adopted: nothing was added.")
    lines.append("The mapping is saved in the workbook. To correct it, type column letters under Column overrides on the Settings sheet.")
    return lines


@main.command("adopt")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the mapping and counts as JSON.")
@reports_errors
def adopt_command(path: Path, as_json: bool) -> None:
    """Find the plan in the workbook your team already keeps, and get it ready for plansync.

    plansync finds the plan's sheet, its header row(s), which column is which field, the
    recommendation of each action and refs written in the text. It saves this mapping in the
    workbook, adds its Due, RAG, Overdue and Days overdue columns to the right of your table,
    and adds Settings, Issues and Summary sheets if they are missing. Your own cells,
    formatting, formulas and sheets are left as they are. Running it again changes nothing more.

    Example:

        plansync adopt "ILACS action plan.xlsx"
    """
    book = PackageWorkbook.open(path, write=True)
    with progress_bar("Adopting", enabled=not as_json) as progress:
        result = adopt_workbook(book, progress=progress)
    if as_json:
        echo_json(result.to_json(), indent=2)
        return
    for line in render(result):
        click.echo(line)


__all__ = ["adopt_command", "render"]

"""``plansync sync``: bring the workbook and the central list together."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._errors import reports_errors
from plansync.cli._json import echo_json
from plansync.cli._main import main
from plansync.cli._progress import progress_bar
from plansync.commands.sync import SyncResult, sync_workbook
from plansync.workbook.package_book import PackageWorkbook


# After a real sync the routine lines (created, updated, brought in) are capped so that a first
# sync of thousands of rows ends with its summary on screen; a dry run lists every row, since
# showing exactly what would happen is its whole purpose. Conflicts and refusals, which need a
# person, are always listed in full.
ROUTINE_LINES_SHOWN = 10


def _capped(lines: list[str], what: str, everything: bool) -> list[str]:
    if everything or len(lines) <= ROUTINE_LINES_SHOWN:
        return lines
    hidden = len(lines) - ROUTINE_LINES_SHOWN
    return [*lines[:ROUTINE_LINES_SHOWN], f"... and {hidden} more {what}"]


def render_plan(result: SyncResult) -> list[str]:
    """The plan in words: rows (to be) created, changed, refused or in conflict.

    A dry run lists every row; after a real sync each routine kind shows its first
    ``ROUTINE_LINES_SHOWN`` rows and a count of the rest.
    """
    p = result.plan
    verb = "Would" if result.dry_run else ""
    # A write the list did not accept is listed once, as not accepted, not also as done.
    failed = set() if result.dry_run else {f.key for f in result.failed}
    lines = []
    lines += _capped(
        [f"{verb + ' create' if verb else 'Created'} {c.key}" for c in p.creates if c.key not in failed], "created", result.dry_run
    )
    lines += _capped(
        [f"{verb + ' update' if verb else 'Updated'} {u.key} ({', '.join(sorted(u.fields))})" for u in p.updates if u.key not in failed],
        "updated",
        result.dry_run,
    )
    lines += _capped(
        [
            f"{verb + ' bring in' if verb else 'Brought in'} {pull.key} from the list ({', '.join(sorted(pull.fields))})"
            for pull in p.pulls
        ],
        "brought in",
        result.dry_run,
    )
    for w in (w for w in p.withdrawals if w.key not in failed):
        action = "delete" if w.delete else "withdraw"
        done = "Deleted" if w.delete else "Withdrew"
        lines.append(f"{verb} {action} {w.key}" if verb else f"{done} {w.key}")
    for c in p.conflicts:
        lines.append(
            f"Conflict {c.key} {c.field}: workbook {c.workbook!r}, list {c.list!r}"
            f"{' (changed by ' + c.changed_by + (' at ' + c.changed_at if c.changed_at else '') + ')' if c.changed_by else ''}"
            ". Choose on the Conflicts sheet."
        )
    for r in p.refused:
        lines.append(f"Refused {r.key}: {r.reason}")
    for f in result.failed:
        lines.append(f"Not accepted {f.key}: {f.message}")
    from sync.item_permissions import NO_OWNER

    for item_id, why in sorted(result.unprotected.items()):
        if why != NO_OWNER:  # rows without owners keep the list's permissions by design
            lines.append(f"List item {item_id} keeps the list's permissions: {why}")
    issues = result.issues
    if len(issues) and "severity" in issues.columns:
        # The rows skipped as invalid, each at its cell (the exit code is 1 while any is left).
        for issue in issues[issues["severity"] == "error"].to_dict("records"):
            lines.append(f"Skipped {issue['cell']}: {issue['message']}")
    return lines


@main.command("sync")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be created, updated, refused and in conflict; send nothing.")
@click.option("--as", "as_email", metavar="EMAIL", help="Sign in as this development identity (local list server only).")
@click.option("--site", help="SharePoint site, e.g. https://contoso.sharepoint.com/sites/improvement (else Settings).")
@click.option("--list", "list_name", help="The list's name (else Settings, else 'Actions').")
@click.option("--graph-url", help="Graph address (else Settings, else the embedded local list server).")
@click.option("--delete-removed", is_flag=True, help="Delete the list items of rows removed from the workbook (asks first).")
@click.option("--yes", is_flag=True, help="Do not ask before deleting with --delete-removed.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts, refusals and conflicts as JSON.")
@reports_errors
def sync_command(path: Path, dry_run: bool, as_email, site, list_name, graph_url, delete_removed: bool, yes: bool, as_json: bool) -> None:
    """Sync the plan in the workbook at PATH with the central list.

    Validates first (invalid rows are reported on the Issues sheet and skipped), recomputes BRAG,
    then creates new rows, updates changed ones, brings in changes made in the list, and lists
    fields changed on both sides on the Conflicts sheet. Rows you do not own are refused unless you
    have the support role. Rows removed from the workbook are marked withdrawn in the list.
    Rows left out of step (skipped, refused, in conflict, not accepted by the list) are listed.

    Example:

        plansync sync plan.xlsx --dry-run
    """
    options = dict(as_email=as_email, site=site, list_name=list_name, graph_url=graph_url)
    if delete_removed and not dry_run and not yes:
        preview = sync_workbook(PackageWorkbook.open(path), dry_run=True, delete_removed=True, **options)
        doomed = [w.key for w in preview.plan.withdrawals if w.delete]
        if doomed and not click.confirm(
            f"Delete {len(doomed)} list {'item' if len(doomed) == 1 else 'items'} whose rows were removed from the workbook "
            f"({', '.join(doomed[:5])}{', ...' if len(doomed) > 5 else ''})? This cannot be undone",
            err=True,
        ):
            click.echo("Nothing was sent. Sync without --delete-removed to mark those items withdrawn instead.", err=True)
            raise SystemExit(1)
    book = PackageWorkbook.open(path, write=not dry_run)
    with progress_bar("Syncing", enabled=not as_json) as progress:
        result = sync_workbook(book, dry_run=dry_run, delete_removed=delete_removed, progress=progress, **options)
    if as_json:
        echo_json(result.to_json())
    else:
        for line in render_plan(result):
            click.echo(line)
        click.echo(result.summary)
    if result.exit_code:
        raise SystemExit(result.exit_code)  # rows skipped, refused, in conflict or not accepted: listed above


__all__ = ["render_plan", "sync_command"]

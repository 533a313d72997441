"""``plansync roles``: show who holds the support and sign-off roles; site owners add and remove them."""

from __future__ import annotations


import click

from plansync.cli._main import main
from plansync.cli._errors import reports_errors
from plansync.cli._json import echo_json
from plansync.cli.auth import _settings, target_options, workbook_option


def _role(support: bool, signoff: bool) -> str:
    if support == signoff:
        raise click.UsageError("Say which role: --support or --signoff.")
    return "support" if support else "signoff"


@main.group("roles")
def roles_group() -> None:
    """Who may change every row (support role) and who may sign rows off (sign-off role).

    The roles live on the SharePoint site, in the groups 'plansync support' and 'plansync sign-off';
    only the site's owners may change them. A workbook's Settings sheet may list them but grants nothing.

    Example:

        plansync roles show --workbook plan.xlsx
    """


@roles_group.command("show")
@click.option("--as", "as_email", metavar="EMAIL", help="Local list server only: sign in as this development identity.")
@click.option("--json", "as_json", is_flag=True, help="Print the roles as JSON.")
@target_options
@workbook_option
@reports_errors
def show_command(as_email, as_json: bool, site, list_name, graph_url, workbook) -> None:
    """Show who holds the support and sign-off roles, and who owns the site.

    Example:

        plansync roles show --workbook plan.xlsx
    """
    from plansync.commands.roles import show_roles

    report = show_roles(_settings(workbook), as_email=as_email, site=site, list_name=list_name, graph_url=graph_url)
    if as_json:
        echo_json(report.to_json())
        return
    for line in report.lines():
        click.echo(line)


def _change(add: bool):
    verb = "add" if add else "remove"
    help_text = (
        ("Give EMAIL the --support or --signoff role" if add else "Take the --support or --signoff role away from EMAIL")
        + " (site owners only).\n\n"
        f"Example:\n\n    plansync roles {verb} jane.smith@council.gov.uk --support --workbook plan.xlsx"
    )

    @roles_group.command(verb, help=help_text)
    @click.argument("email")
    @click.option("--support", is_flag=True, help="The support role: may change every row and set owners.")
    @click.option("--signoff", is_flag=True, help="The sign-off role: may set and undo 'Signed off'.")
    @click.option("--as", "as_email", metavar="EMAIL", help="Local list server only: sign in as this development identity.")
    @target_options
    @workbook_option
    @reports_errors
    def command(email: str, support: bool, signoff: bool, as_email, site, list_name, graph_url, workbook) -> None:
        from plansync.commands.roles import ROLE_NAMES, change_role

        role = _role(support, signoff)
        change = change_role(email, role, add=add, settings=_settings(workbook), as_email=as_email, site=site,
                             list_name=list_name, graph_url=graph_url)
        if change.changed:
            click.echo(f"{'Gave' if add else 'Took'} {ROLE_NAMES[role]} {'to' if add else 'from'} {change.email} "
                       f"(SharePoint group '{change.group}').")
        else:
            click.echo(f"{change.email} {'already has' if add else 'does not have'} {ROLE_NAMES[role]}; nothing changed.")

    return command


add_command = _change(True)
remove_command = _change(False)

__all__ = ["add_command", "remove_command", "roles_group", "show_command"]

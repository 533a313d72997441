"""``plansync auth``: sign in to SharePoint (or the local list server), check, sign out, get a token.

``target_options`` (``--site``, ``--list``, ``--graph-url``) is shared with the commands that sync.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable

import click

from plansync.cli._errors import reports_errors
from plansync.cli._main import main


def target_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --site, --list and --graph-url (flags win over the Settings sheet, which wins over the local server)."""

    @click.option("--site", help="SharePoint site, e.g. https://contoso.sharepoint.com/sites/improvement.")
    @click.option("--list", "list_name", help="Name of the SharePoint list (default: Actions).")
    @click.option("--graph-url", help="Graph address, e.g. https://graph.microsoft.com/v1.0 or a local list server's.")
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return command(*args, **kwargs)

    return wrapper


def workbook_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--workbook", type=click.Path(dir_okay=False, exists=True),
        help="Take the site, list and Graph URL from this workbook's Settings sheet.",
    )(command)


def _settings(workbook: str | None) -> Any:
    """The workbook's Settings (None without --workbook or without a Settings sheet)."""
    if workbook is None:
        return None
    from plansync.errors import SettingsError
    from plansync.workbook.package_book import PackageWorkbook
    from validation.settings import Settings, SettingsProblem
    from validation.sheet_names import SETTINGS_SHEET

    book = PackageWorkbook.open(workbook)
    if SETTINGS_SHEET not in book.sheet_names():
        return None
    try:
        return Settings.from_grid(book.read_sheet(SETTINGS_SHEET))
    except SettingsProblem as exc:
        raise SettingsError(f"{workbook}: {exc}", setting=exc.setting) from exc


def _opened(site: str | None, list_name: str | None, graph_url: str | None, workbook: str | None = None):
    from sync.target import open_target, resolve_target

    settings = _settings(workbook)
    return open_target(resolve_target(settings, site=site, list_name=list_name, graph_url=graph_url, environ=os.environ))


@main.group("auth")
def auth_group() -> None:
    """Sign in to SharePoint, or to the local list server, for syncing.

    People sign in with a code shown here and a web page (device code). Scheduled jobs sign in as
    an app with PLANSYNC_CLIENT_CERT or PLANSYNC_CLIENT_SECRET set. On the local list server,
    --as EMAIL signs in as a development identity.

    Example:

        plansync auth login --as alice@example.org && plansync auth status
    """


@auth_group.command("login")
@click.option("--as", "as_email", metavar="EMAIL", help="Local list server only: sign in as this development identity.")
@click.option("--manage-lists", is_flag=True, help="Also allow creating the list (asks for Sites.Manage.All).")
@target_options
@workbook_option
@reports_errors
def login_command(as_email: str | None, manage_lists: bool, site, list_name, graph_url, workbook) -> None:
    """Sign in and keep the sign-in in your token cache.

    Example:

        plansync auth login --workbook plan.xlsx
    """
    from sync import auth

    with _opened(site, list_name, graph_url, workbook) as target:
        signin = auth.login(target, as_email, manage_lists=manage_lists, environ=os.environ, echo=click.echo)
    click.echo(f"Signed in: {signin.describe()}")


@auth_group.command("status")
@target_options
@workbook_option
@reports_errors
def status_command(site, list_name, graph_url, workbook) -> None:
    """Show who is signed in where, and until when the access token is valid (exit 1: nobody).

    Example:

        plansync auth status
    """
    from sync import auth

    with _opened(site, list_name, graph_url, workbook) as target:
        signins = auth.status(target, environ=os.environ)
        where = target.describe()
        hint = "plansync auth login --as you@example.org" if target.local else "plansync auth login"
    if not signins:
        click.echo(f"Nobody is signed in for {where}. Sign in: {hint}")
        sys.exit(1)
    for signin in signins:
        click.echo(signin.describe())


@auth_group.command("logout")
@click.option("--as", "as_email", metavar="EMAIL", help="Sign out only this person.")
@target_options
@workbook_option
@reports_errors
def logout_command(as_email: str | None, site, list_name, graph_url, workbook) -> None:
    """Remove your sign-in for this site (or the local list server) from the token cache.

    Example:

        plansync auth logout
    """
    from sync import auth

    with _opened(site, list_name, graph_url, workbook) as target:
        removed = auth.logout(target, as_email, environ=os.environ)
        where = target.describe()
    if not removed:
        click.echo(f"Nobody was signed in for {where}.")
        return
    click.echo(f"Signed out {', '.join(removed)} for {where}.")


@auth_group.command("token")
@click.option("--as", "as_email", metavar="EMAIL", help="Local list server only: the development identity.")
@target_options
@workbook_option
@reports_errors
def token_command(as_email: str | None, site, list_name, graph_url, workbook) -> None:
    """Print a bearer token for scripts (nothing else is printed). Keep it secret.

    Example:

        curl -H "Authorization: Bearer $(plansync auth token)" https://graph.microsoft.com/v1.0/sites/root
    """
    from sync import auth

    with _opened(site, list_name, graph_url, workbook) as target:
        token = auth.token_provider(target, as_email=as_email, environ=os.environ).token()
    click.echo(token)


__all__ = ["auth_group", "target_options", "workbook_option"]

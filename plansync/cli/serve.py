"""``plansync serve``: run the local Graph-compatible list server until stopped."""

from __future__ import annotations

from pathlib import Path

import click

from plansync.cli._main import main


@main.command("serve")
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the server's data and certificate (default: $PLANSYNC_HOME or your data folder).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Delay added to every Graph call, to imitate a slow connection.")
@click.option("--throttle-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of Graph calls answered 429/503 with Retry-After, as SharePoint does when busy.")
@click.option("--fail-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of Graph calls that fail: 500/502/503/504, or a hung or dropped connection.")
@click.option("--site-owner", "site_owners", multiple=True, metavar="EMAIL",
              help="An owner of the server's sites (repeatable; remembered): may change the plansync roles.")
def serve_command(home: Path | None, port: int, latency_ms: float, throttle_rate: float, fail_rate: float,
                  site_owners: tuple[str, ...]) -> None:
    """Run the local list server that stands in for SharePoint, until Ctrl+C.

    When ready it prints the Graph URL, the sign-in authority and the certificate to trust.
    Its data stays in the home folder, so stopping and starting it loses nothing.

    Example:

        plansync serve --port 8443 --site-owner it.admin@council.gov.uk
    """
    from sync.local_server.__main__ import default_home, run_forever, start_problem

    home = home or default_home()
    try:
        run_forever(home, port=port, echo=click.echo, latency_ms=latency_ms, throttle_rate=throttle_rate,
                    fail_rate=fail_rate, site_owners=site_owners)
    except OSError as exc:
        raise click.ClickException(start_problem(exc, port=port, home=home)) from exc

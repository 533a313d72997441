"""The CLI's one edge for errors: a ``PlansyncError`` becomes one ``Error: ...`` line and its exit code."""

from __future__ import annotations

import functools
import sys
from typing import Callable, TypeVar

import click

from plansync.errors import PlansyncError

F = TypeVar("F", bound=Callable)


def reports_errors(command: F) -> F:
    """Wrap a click command body: print ``Error: <message>`` on stderr and exit with the error's code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except PlansyncError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


__all__ = ["reports_errors"]

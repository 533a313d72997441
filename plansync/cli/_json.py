"""``--json`` output: one place that prints a command's result as JSON, whatever its cells held.

A cell can hold what JSON has no word for (a time of day, a duration, a number numpy made); a
command's ``to_json`` converts what it expects, and anything it did not is printed as ISO text
(dates and times) or as its text, never a crash after the work is done.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import click


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        try:
            return item()
        except (TypeError, ValueError):
            pass
    return str(value)


def echo_json(data: object, *, indent: int | None = None) -> None:
    """Print ``data`` as JSON (UTF-8 text, not escapes) on standard output."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=indent, default=_plain))


__all__ = ["echo_json"]

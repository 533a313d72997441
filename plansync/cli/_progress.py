"""A terminal progress bar for long work, fed by the commands' ``progress(message, fraction)`` callback.

The bar appears only when the work has already taken about a second, only on a terminal, and
never with ``--json`` (so scripts and piped output stay clean). It draws on stderr.

    >>> with progress_bar("Validating", enabled=not as_json) as progress:   # doctest: +SKIP
    ...     validate_workbook(book, progress=progress)
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO

import click

from plansync.workbook.base import Progress

# Work shorter than this shows no bar at all: a flash of a bar is noise.
DELAY_SECONDS = 1.0
_STEPS = 1000


class _Bar:
    def __init__(self, label: str, *, file: TextIO, clock: Callable[[], float], delay: float) -> None:
        self.label = label
        self.file = file
        self.clock = clock
        self.started = clock()
        self.delay = delay
        self.bar = None
        self.done = 0

    def __call__(self, message: str, fraction: float) -> None:
        if self.bar is None:
            if self.clock() - self.started < self.delay:
                return
            self.bar = click.progressbar(length=_STEPS, label=self.label, file=self.file, show_eta=False)
            self.bar.__enter__()
        target = max(0, min(_STEPS, int(fraction * _STEPS)))
        self.bar.label = f"{self.label}: {message}"
        if target > self.done:
            self.bar.update(target - self.done)
            self.done = target

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _silent(message: str, fraction: float) -> None:
    return None


@contextmanager
def progress_bar(
    label: str,
    *,
    enabled: bool = True,
    file: TextIO | None = None,
    clock: Callable[[], float] = time.monotonic,
    delay: float = DELAY_SECONDS,
) -> Iterator[Progress]:
    """Yield a progress callback; it draws a bar on ``file`` (stderr) for work longer than ``delay``.

    Silent (a no-op callback) when ``enabled`` is False or ``file`` is not a terminal.
    """
    out = file if file is not None else sys.stderr
    if not enabled or not out.isatty():
        yield _silent
        return
    bar = _Bar(label, file=out, clock=clock, delay=delay)
    try:
        yield bar
    finally:
        bar.close()


__all__ = ["DELAY_SECONDS", "progress_bar"]

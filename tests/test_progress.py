"""The terminal progress bar shows only for long work on a terminal, never in piped or --json output."""

from __future__ import annotations

import io

from plansync.cli._progress import progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self, *times: float) -> None:
        self.times = list(times)

    def __call__(self) -> float:
        return self.times.pop(0) if len(self.times) > 1 else self.times[0]


def test_work_longer_than_a_second_draws_a_bar_on_a_terminal():
    out = _Terminal()
    with progress_bar("Validating", file=out, clock=_Clock(0.0, 1.5)) as progress:
        progress("Checking actions", 0.5)
        progress("Saving", 1.0)
    assert "Validating: Saving" in out.getvalue()
    assert "100%" in out.getvalue()


def test_quick_work_draws_nothing():
    out = _Terminal()
    with progress_bar("Validating", file=out, clock=_Clock(0.0, 0.2)) as progress:
        progress("Checking actions", 0.5)
    assert "" == out.getvalue()


def test_no_bar_when_output_is_not_a_terminal_or_json_was_asked():
    piped = io.StringIO()
    with progress_bar("Validating", file=piped, clock=_Clock(0.0, 5.0)) as progress:
        progress("Checking actions", 0.5)
    terminal = _Terminal()
    with progress_bar("Validating", enabled=False, file=terminal, clock=_Clock(0.0, 5.0)) as progress:
        progress("Checking actions", 0.5)
    assert ("", "") == (piped.getvalue(), terminal.getvalue())

"""How long to wait before sending a request again, and when to stop trying (GRAPH.md §7, §8).

A busy SharePoint answers 429 or 503 with ``Retry-After``; a failing one 500, 502, 503 or 504, or
it hangs or drops the connection. Each is worth another try: ``Retry-After`` is honoured as given
(float seconds); without it the wait grows exponentially from ``base`` with full jitter (a random
wait between 0 and the exponential step, so many clients do not come back in step), capped at
``cap``. There is no fixed number of attempts: one command may spend at most ``budget`` seconds
waiting in total, shared by all its requests and threads. Once the budget is spent the command
stops, says how far it got, and the next run finishes the rest.

Resending is safe for everything plansync sends: reads; writes guarded by ``If-Match`` (a write
that did happen answers 412 the second time, and is merged again); creates, because the row key
column is unique (a create that did happen answers 409 the second time, and the item is adopted);
and ``$batch``, made of those.

This module only decides; ``sync.transport`` and ``sync.batching`` send, sleep and raise.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Statuses worth another try (GRAPH.md §7: 429/503 throttling; §8: 500, 502, 503, 504).
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})

BUDGET_ENV = "PLANSYNC_RETRY_BUDGET"
DEFAULT_BUDGET = 300.0  # five minutes of waiting per command, then stop and say how far it got


@dataclass(frozen=True)
class RetryPolicy:
    """Attributes:
    budget: seconds of waiting one command may spend on retries, in total.
    base: the first backoff step when the server gives no ``Retry-After``.
    cap: the longest single backoff step.
    max_wait: a single ``Retry-After`` longer than this ends the command at once: a person should
        not look at a frozen command for longer.
    max_attempts: tries of one request before giving up (None: only the budget limits them).
    """

    budget: float = DEFAULT_BUDGET
    base: float = 0.5
    cap: float = 30.0
    max_wait: float = 120.0
    max_attempts: int | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: object) -> RetryPolicy:
        """The default policy, with ``$PLANSYNC_RETRY_BUDGET`` (seconds) as the budget when set."""
        text = (environ.get(BUDGET_ENV) or "").strip()
        budget = DEFAULT_BUDGET
        if text:
            try:
                budget = max(0.0, float(text))
            except ValueError:
                raise ValueError(f"{BUDGET_ENV}={text!r} is not a number of seconds; set it like {BUDGET_ENV}=300") from None
        return cls(**{"budget": budget, **overrides})  # type: ignore[arg-type]


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """``Retry-After`` as float seconds (Graph's own sample is ``2.128``), or None when absent or a date."""
    if not headers:
        return None
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP-date: rare on Graph; backoff instead


@dataclass
class Retrier:
    """The retry budget of one command, shared by its threads.

    ``next_wait`` says how long to sleep before the next try of a request, or None when trying
    again would overspend the budget (or the attempt limit): then the caller stops.
    """

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    rng: random.Random = field(default_factory=random.Random)
    spent: float = 0.0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def step(self, attempt: int, headers: Mapping[str, str] | None = None) -> float:
        """The wait before try ``attempt + 1`` (``attempt`` >= 1 failed tries so far)."""
        asked = retry_after(headers)
        if asked is not None:
            return asked
        ceiling = min(self.policy.cap, self.policy.base * (2 ** max(0, attempt - 1)))
        with self._lock:
            return self.rng.uniform(0, ceiling)

    def next_wait(self, attempt: int, headers: Mapping[str, str] | None = None, *, waited: float = 0.0) -> float | None:
        """Reserve and return the wait before the next try, or None when the budget is spent.

        ``waited`` is time already lost on the failed try itself (a connection that hung), which
        counts against the budget too.
        """
        if self.policy.max_attempts is not None and attempt > self.policy.max_attempts:
            return None
        delay = self.step(attempt, headers)
        if delay > self.policy.max_wait:
            return None
        with self._lock:
            if self.spent + delay + waited > self.policy.budget:
                self.spent = max(self.spent, self.policy.budget)
                return None
            self.spent += delay + waited
            self.retries += 1
        return delay

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.policy.budget


def timed(clock: Callable[[], float] = time.monotonic) -> Callable[[], float]:
    """A stopwatch: call the result to get the seconds since ``timed()`` was called."""
    start = clock()
    return lambda: clock() - start


__all__ = sorted(["BUDGET_ENV", "DEFAULT_BUDGET", "Retrier", "RetryPolicy", "TRANSIENT_STATUSES", "retry_after", "timed"])

"""Injected latency, throttling and failures, so tests prove a client survives them (GRAPH.md §7).

``throttle_rate`` of Graph calls get 429 ``activityLimitReached`` (one in four as 503 "Server Too
Busy"), both with ``Retry-After``; ``fail_rate`` get 503 or 500 without it. Draws come from one
``random.Random(seed)``, so a seeded server throttles the same calls in the same order.
"""

from __future__ import annotations

import random
import threading
import time

from sync.local_server.errors import GraphError

__all__ = ["Faults"]


class Faults:
    def __init__(self, *, latency_ms: float, throttle_rate: float, fail_rate: float, retry_after: float,
                 seed: int | None) -> None:
        for name, rate in (("throttle_rate", throttle_rate), ("fail_rate", fail_rate)):
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate}")
        self.latency_ms = latency_ms
        self.throttle_rate = throttle_rate
        self.fail_rate = fail_rate
        self.retry_after = retry_after
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def delay(self) -> None:
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000)

    def check(self) -> None:
        """Raise the injected failure for this call, if it draws one."""
        if not (self.throttle_rate or self.fail_rate):
            return
        with self._lock:
            draw = self._random.random()
            flavour = self._random.random()
        after = {"Retry-After": f"{self.retry_after:g}"}
        if draw < self.throttle_rate:
            if flavour < 0.25:
                raise GraphError(503, "serviceNotAvailable", "Server Too Busy", headers=after)
            raise GraphError(429, "activityLimitReached", "The request has been throttled",
                             inner_code="throttledRequest", headers=after)
        if draw < self.throttle_rate + self.fail_rate:
            if flavour < 0.5:
                raise GraphError(503, "serviceNotAvailable", "The service is temporarily unavailable.")
            raise GraphError(500, "generalException", "An unspecified error has occurred.")

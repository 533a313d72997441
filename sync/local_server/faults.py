"""Injected latency, throttling and failures, so tests prove a client survives them (GRAPH.md §7, §8).

``throttle_rate`` of Graph calls get 429 ``activityLimitReached`` (one in four as 503 "Server Too
Busy"), both with ``Retry-After``. ``fail_rate`` of them fail without it: 500 ``generalException``,
502, 503 ``serviceNotAvailable`` or 504 (in equal shares); served over HTTP (``network=True``), a
third of those failures are instead a connection that hangs past the client's patience or is
dropped without an answer. Half of the 504s, hangs and drops come *after* the call was carried out,
as a gateway timing out on a slow back end does: the write happened, the answer was lost. That is
the case that proves a client's retries never duplicate anything.

Draws come from one ``random.Random(seed)``, so a seeded server fails the same calls in the same
order (given the same order of calls).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

from sync.local_server.errors import GraphError

__all__ = ["Faults", "NetworkFault", "NetworkFaults"]

# Answers without Retry-After, in equal shares: what SharePoint and Graph's gateways send when a
# back end fails or is slow (GRAPH.md §8: 504 "may occur together with 503").
_FAILURES = (
    (500, "generalException", "An unspecified error has occurred."),
    (502, "badGateway", "The gateway received an invalid answer from the server."),
    (503, "serviceNotAvailable", "The service is temporarily unavailable."),
    (504, "gatewayTimeout", "The gateway timed out waiting for the server."),
)
_NETWORK_SHARE = 1 / 3  # of fail_rate, when served over HTTP: hangs and drops


@dataclass(frozen=True)
class NetworkFault:
    kind: str  # "hang" or "drop"
    after: bool  # the call was carried out before the connection broke


class Faults:
    def __init__(self, *, latency_ms: float, throttle_rate: float, fail_rate: float, retry_after: float,
                 seed: int | None, hang_seconds: float = 5.0) -> None:
        for name, rate in (("throttle_rate", throttle_rate), ("fail_rate", fail_rate)):
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate}")
        self.latency_ms = latency_ms
        self.throttle_rate = throttle_rate
        self.fail_rate = fail_rate
        self.retry_after = retry_after
        self.hang_seconds = hang_seconds
        # Set by the HTTP server (server.py): only a real socket can hang or be dropped.
        self.network = False
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def delay(self) -> None:
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000)

    def _draw(self) -> tuple[float, float, float]:
        with self._lock:
            return self._random.random(), self._random.random(), self._random.random()

    def check(self) -> GraphError | None:
        """Raise the injected failure for this call, if it draws one.

        Returns a failure to raise *after* the call was carried out (a 504 whose work was done), or None.
        """
        if not (self.throttle_rate or self.fail_rate):
            return None
        draw, flavour, when = self._draw()
        after = {"Retry-After": f"{self.retry_after:g}"}
        if draw < self.throttle_rate:
            if flavour < 0.25:
                raise GraphError(503, "serviceNotAvailable", "Server Too Busy", headers=after)
            raise GraphError(429, "activityLimitReached", "The request has been throttled",
                             inner_code="throttledRequest", headers=after)
        status_rate = self.fail_rate
        if self.network:
            # Of the calls that did not draw a network fault, this share fails, so that all failures
            # together are still fail_rate of the calls.
            status_rate = self.fail_rate * (1 - _NETWORK_SHARE) / (1 - self.fail_rate * _NETWORK_SHARE)
        if draw < self.throttle_rate + status_rate:
            status, code, message = _FAILURES[min(int(flavour * len(_FAILURES)), len(_FAILURES) - 1)]
            failure = GraphError(status, code, message)
            if status == 504 and when < 0.5:
                return failure
            raise failure
        return None

    def network_fault(self) -> NetworkFault | None:
        """Whether this HTTP request hangs or is dropped (drawn only when served over HTTP)."""
        if not (self.network and self.fail_rate):
            return None
        draw, flavour, when = self._draw()
        if draw >= self.fail_rate * _NETWORK_SHARE:
            return None
        return NetworkFault("hang" if flavour < 0.5 else "drop", after=when < 0.5)


class NetworkFaults:
    """WSGI middleware: Graph calls that draw a network fault hang or lose their connection.

    A hang sleeps ``hang_seconds`` (longer than the client waits) and then drops the connection; a
    drop closes it at once. With ``after`` the wrapped app runs first, so its write is kept.
    """

    def __init__(self, app, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        fault = self.faults.network_fault() if path.startswith("/v1.0") else None
        if fault is None:
            return self.app(environ, start_response)
        if fault.after:
            # Carry the call out, but never send its answer.
            body = self.app(environ, lambda status, headers, exc_info=None: (lambda data: None))
            for _ in body:
                pass
            if hasattr(body, "close"):
                body.close()
        if fault.kind == "hang":
            time.sleep(self.faults.hang_seconds)
        # werkzeug treats a ConnectionError as a connection gone: no answer, no traceback; the
        # server's handler then closes the socket (server.py), which the client sees as a drop.
        raise ConnectionResetError("connection dropped by an injected fault")

"""The HTTP layer under the Graph client: one request out, one checked response back.

Policy lives here, in one loop (``GraphHttp.send``): the bearer token, one token refresh on 401,
retrying transient failures (429/500/502/503/504, hung or dropped connections) with
``Retry-After`` or jittered backoff within the command's retry budget (``sync.retry``). What a
failure then becomes in plansync's exception tree, and says, is ``sync.http_errors``::

    httpx exception (network, TLS, timeout, bad URL) --map_httpx_error--> SyncError / SettingsError
    401 twice (after one forced token refresh)       -----------------> AuthError
    429/5xx/hang/drop once the retry budget is spent -----------------> ThrottledError
    412                                               -----------------> ConflictError
    any other status >= 400                           -----------------> GraphError(status, code, request-id)

The httpx transport is the seam: real HTTPS, ``httpx.WSGITransport`` over the local list
server's app, or ``httpx.MockTransport`` over a handler function. Nothing here knows which server
answers. Tokens and secrets are never put into messages or logs.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import httpx

from sync.errors import AuthError, GraphError, ThrottledError
from sync.http_errors import (
    DEFAULT_ADVICE,
    SIGN_IN_AGAIN,
    error_code,
    map_httpx_error,
    status_error,
    throttled_error,
    url_host,
    url_path,
)
from sync.retry import TRANSIENT_STATUSES, Retrier, RetryPolicy, retry_after, timed
from validation.errors import SettingsError

# Graph asks callers to decorate traffic as NONISV|Company|App/version (GRAPH.md §7).
USER_AGENT = f"NONISV|plansync|plansync/{version('plansync')}"

# Statuses that mean "busy, come back later" (GRAPH.md §7: 429 or 503). Kept for callers; the retry
# loop retries every transient status (sync.retry.TRANSIENT_STATUSES).
THROTTLE_STATUSES = frozenset({429, 503})

# Connections that could not be made are retried at most this often: a restarted server should
# not end a sync, but a wrong address should fail fast.
_CONNECT_RETRIES = 2

# Methods safe to resend after the connection broke mid-request (the server may have acted).
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

class TokenSource(Protocol):
    """What the HTTP layer needs from ``sync.auth``: a bearer token and who it belongs to."""

    user: str

    def token(self, *, force_refresh: bool = False) -> str: ...


def ssl_verify(verify: bool | str | Path | ssl.SSLContext) -> bool | ssl.SSLContext:
    """Turn a CA file path into an SSL context that trusts exactly that file.

    ``False`` is refused: plansync never switches certificate checks off; the local list server
    prints the CA file to trust instead.
    """
    if verify is False:
        raise ValueError("plansync never turns certificate checks off; pass the CA file to trust instead")
    if isinstance(verify, (str, Path)):
        # httpx 0.28 deprecates verify=<str>; an SSLContext trusting only this file is the same thing.
        return ssl.create_default_context(cafile=str(verify))
    return verify


def retry_delay(headers: Mapping[str, str], attempt: int) -> float:
    """``Retry-After`` as float seconds, else 1, 2, 4 ... seconds (capped at a minute); kept for callers."""
    asked = retry_after(headers)
    return asked if asked is not None else float(min(2 ** (attempt - 1), 60))


class GraphHttp:
    """An httpx client plus plansync's request policy; counts every HTTP request it sends.

    Safe to share between threads (httpx's client is; the counter is locked).
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: TokenSource,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str | Path | ssl.SSLContext = True,
        max_retries: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        try:
            policy = retry or RetryPolicy.from_env(base=1.0)
        except ValueError as exc:
            raise SettingsError(str(exc), setting="PLANSYNC_RETRY_BUDGET") from None
        if max_retries is not None:
            policy = RetryPolicy(**{**policy.__dict__, "max_attempts": max_retries})
        # One budget for the whole command, shared by the applier's threads.
        self.retrier = Retrier(policy)
        self.max_retries = max_retries
        self.sleep = sleep
        self.requests = 0
        # The sync applier sends batches from several threads through one client.
        self._count_lock = threading.Lock()
        self._client = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            verify=ssl_verify(verify),
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    @property
    def host(self) -> str:
        return url_host(self.base_url)

    def close(self) -> None:
        self._client.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        item_id: str | None = None,
        retry_statuses: frozenset[int] = TRANSIENT_STATUSES,
        pass_statuses: frozenset[int] = frozenset(),
        resend_safe: bool = False,
        on_resend: Callable[[], None] | None = None,
    ) -> httpx.Response:
        """Send one request with token, refresh-once, retries of transient failures and error mapping.

        ``resend_safe`` says a POST may be sent again after its connection broke (a create that
        carries a unique key, or a ``$batch`` of guarded writes); reads and ``If-Match`` writes
        always may. ``on_resend`` is called each time the request is sent again after an attempt
        the server may have carried out without its answer reaching us (a connection that broke
        midway or hung, a transient status such as 504): the caller then knows its write may be
        done already (``sync.batching``).

        Returns the 2xx response (or one whose status is in ``pass_statuses``); raises AuthError, ThrottledError, ConflictError, GraphError,
        SyncError or SettingsError.
        """
        tries = _Tries()
        while True:
            token = self.auth.token(force_refresh=tries.force_refresh)
            tries.force_refresh = False
            sent_headers = {**(headers or {}), "Authorization": f"Bearer {token}"}
            try:
                request = self._client.build_request(method, url, params=params, json=json_body, headers=sent_headers)
                with self._count_lock:
                    self.requests += 1
                tries.took = timed()
                response = self._client.send(request)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                self._after_failure(exc, method, url, tries, resend=resend_safe or method in _IDEMPOTENT or _guarded(headers))
                if on_resend is not None and _broken_midway(exc):
                    on_resend()
                continue
            if self._try_again(response, request, tries, retry_statuses):
                if on_resend is not None and response.status_code != 401:
                    on_resend()
                continue
            status = response.status_code
            if status >= 400 and status not in pass_statuses:
                raise status_error(
                    status, response.headers, _json_or_none(response), method=method, url=str(request.url), item_id=item_id
                )
            return response

    def _after_failure(self, exc: Exception, method: str, url: str, tries: _Tries, *, resend: bool) -> None:
        """Wait before sending again after ``exc``, or raise what it means (called while handling it).

        A connection that was never made is tried again twice; one that broke mid-request only
        when sending again is safe (``resend``), within the retry budget.
        """
        if _nothing_sent(exc) and tries.connect_failures < _CONNECT_RETRIES:
            tries.connect_failures += 1
            self.sleep(0.5 * tries.connect_failures)
            return
        if _broken_midway(exc) and resend:
            tries.failures += 1
            wait = self.retrier.next_wait(tries.failures, waited=tries.took())
            if wait is not None:
                self.sleep(wait)
                return
            if not _nothing_sent(exc):
                raise throttled_error(
                    f"dropped or did not answer {method} {url_path(url)}", self.retrier.retries, self.host, None,
                    budget=self.retrier.policy.budget,
                ) from exc
        raise map_httpx_error(exc, method=method, url=self._absolute(url)) from exc

    def _try_again(
        self, response: httpx.Response, request: httpx.Request, tries: _Tries, retry_statuses: frozenset[int]
    ) -> bool:
        """Whether to send again after this reply (a 401 once, with a fresh token; a transient status
        within the budget, after waiting); raises when a 401 or a transient status persists."""
        status = response.status_code
        if status == 401 and not tries.refreshed:
            # An expired or revoked token: ask for a fresh one once, then give up.
            tries.refreshed = tries.force_refresh = True
            return True
        if status == 401:
            code, message, _ = error_code(_json_or_none(response))
            said = f" ({code}: {message})" if code else ""
            raise AuthError(f"{url_host(str(request.url))} refused the sign-in of {self.auth.user}{said}. {SIGN_IN_AGAIN}")
        if status in retry_statuses:
            tries.failures += 1
            wait = self.retrier.next_wait(tries.failures, response.headers)
            if wait is None:
                raise self.gave_up(status, tries.failures, response.headers)
            self.sleep(wait)
            return True
        return False

    def gave_up(self, status: int, tries: int, headers: Mapping[str, str]) -> ThrottledError:
        """The error for a request still failing when the attempts or the retry budget ran out."""
        asked = retry_after(headers)
        policy = self.retrier.policy
        if (asked is not None and asked > policy.max_wait) or policy.max_attempts is not None and tries > policy.max_attempts:
            return throttled_error(status, tries, self.host, asked)
        return throttled_error(status, self.retrier.retries, self.host, asked, budget=policy.budget)

    def json(self, response: httpx.Response) -> Any:
        """The JSON body of a 2xx reply; a body that is not JSON is a GraphError, not a crash."""
        if not response.content:
            return None
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise GraphError(
                f"{url_host(str(response.request.url))} answered {response.request.method} {url_path(str(response.request.url))} "
                f"with something that is not JSON. {DEFAULT_ADVICE}",
                status=response.status_code,
            ) from exc

    def _absolute(self, url: str) -> str:
        return url if "://" in url else self.base_url + "/" + url.lstrip("/")


@dataclass
class _Tries:
    """What one ``send`` has been through so far."""

    failures: int = 0  # transient replies and broken connections, counted against the retry budget
    connect_failures: int = 0
    refreshed: bool = False  # the token was refreshed once after a 401
    force_refresh: bool = False
    took: Callable[[], float] = lambda: 0.0  # seconds since the last request went out


def _nothing_sent(exc: Exception) -> bool:
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return "CERTIFICATE" not in str(exc).upper()  # a wrong certificate will not heal
    return False


def _broken_midway(exc: Exception) -> bool:
    """The request may have reached the server: the connection dropped, or the answer never came."""
    return isinstance(
        exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.ReadTimeout, httpx.WriteTimeout)
    )


def _guarded(headers: Mapping[str, str] | None) -> bool:
    # A write with If-Match happens at most once: sent again after it happened, it answers 412.
    return any(k.lower() == "if-match" for k in (headers or {}))


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


__all__ = sorted(
    [
        "GraphHttp",
        "THROTTLE_STATUSES",
        "TokenSource",
        "USER_AGENT",
        "retry_delay",
        "ssl_verify",
    ]
)

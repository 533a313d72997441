"""The HTTP layer under the Graph client: one request out, one checked response back.

Policy lives here, in one loop (``GraphHttp.send``): the bearer token, one token refresh on 401,
retrying transient failures (429/500/502/503/504, hung or dropped connections) with
``Retry-After`` or jittered backoff within the command's retry budget (``sync.retry``), and the
translation of every failure into plansync's exception tree::

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
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import httpx

from sync.errors import AuthError, ConflictError, GraphError, SyncError, ThrottledError
from validation.errors import SettingsError
from sync.retry import TRANSIENT_STATUSES, Retrier, RetryPolicy, retry_after, timed

# Graph asks callers to decorate traffic as NONISV|Company|App/version (GRAPH.md §7).
USER_AGENT = f"NONISV|plansync|plansync/{version('plansync')}"

# Statuses that mean "busy, come back later" (GRAPH.md §7: 429 or 503). Kept for callers; the retry
# loop retries every transient status (sync.retry.TRANSIENT_STATUSES).
THROTTLE_STATUSES = frozenset({429, 503})

# A command waits at most this long for one Retry-After; a longer wait ends it with ThrottledError
# rather than leaving a person looking at a frozen command.
MAX_WAIT = 120.0

# Connections that could not be made are retried at most this often: a restarted server should
# not end a sync, but a wrong address should fail fast.
_CONNECT_RETRIES = 2

# Methods safe to resend after the connection broke mid-request (the server may have acted).
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

_STATUS_ADVICE = {
    400: "Check the value named in the message; if it looks right, report this with the request-id.",
    403: "Ask the site owner to give your account edit rights to the list.",
    404: "Check the site and list names (the Settings sheet, or --site/--list).",
    409: "Another item or list already has this value; sync again to pick up the existing one.",
    410: "The change log expired; sync again to read the whole list.",
}
_SERVER_ADVICE = "The server had a problem; nothing was lost, sync again later."
_DEFAULT_ADVICE = "Report this to whoever looks after plansync, with the request-id."

SIGN_IN_AGAIN = "Sign in again: plansync auth login"


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


def map_httpx_error(exc: Exception, *, method: str, url: str) -> SyncError | SettingsError:
    """The one place that turns an httpx exception into plansync's tree (callers ``raise ... from exc``)."""
    host = _host(url)
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return SettingsError(
            f"The Graph address {url} is not a usable https:// address ({detail}). "
            "Fix --graph-url or the Graph URL in the Settings sheet.",
            setting="graph_url",
        )
    if isinstance(exc, httpx.ConnectError) and "CERTIFICATE" in detail.upper():
        return SyncError(
            f"{host} presented a certificate plansync does not trust ({detail}). "
            "For the local list server, trust the ca file it printed when it started."
        )
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return SyncError(
            f"Could not connect to {host} ({detail}). "
            "Check the network connection and the Graph address, then try again."
        )
    if isinstance(exc, httpx.ProxyError):
        return SyncError(f"The proxy refused the connection to {host} ({detail}). Check the proxy settings, then try again.")
    if isinstance(exc, httpx.TimeoutException):
        return SyncError(f"{host} did not answer {method} {_path(url)} in time. Nothing was lost; try again later.")
    if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
        return SyncError(f"The connection to {host} broke during {method} {_path(url)} ({detail}). Try again.")
    if isinstance(exc, httpx.TooManyRedirects):
        return GraphError(f"{host} redirected {method} {_path(url)} too many times. {_DEFAULT_ADVICE}", code="tooManyRedirects")
    # LocalProtocolError, DecodingError and any other httpx.HTTPError: a reply plansync cannot use.
    return GraphError(
        f"{host} answered {method} {_path(url)} in a way plansync cannot read ({type(exc).__name__}: {detail}). "
        f"{_DEFAULT_ADVICE}"
    )


def retry_delay(headers: Mapping[str, str], attempt: int) -> float:
    """``Retry-After`` as float seconds, else 1, 2, 4 ... seconds (capped at a minute); kept for callers."""
    asked = retry_after(headers)
    return asked if asked is not None else float(min(2 ** (attempt - 1), 60))


def error_code(body: Any) -> tuple[str | None, str, str | None]:
    """(code, message, request-id) from a Graph error body; innerError is read case-insensitively."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, "", None
    code = error.get("code")
    message = str(error.get("message") or "")
    request_id = None
    inner = error
    while isinstance(inner, dict):
        inner = next((v for k, v in inner.items() if k.lower() == "innererror"), None)
        if isinstance(inner, dict):
            request_id = inner.get("request-id") or request_id
    return code, message, request_id


def status_error(
    status: int,
    headers: Mapping[str, str],
    body: Any,
    *,
    method: str,
    url: str,
    item_id: str | None = None,
) -> SyncError:
    """The exception for a non-2xx Graph reply (outside the retry loop's own 401/429/503 cases)."""
    code, message, request_id = error_code(body)
    request_id = headers.get("request-id") or request_id
    host = _host(url)
    said = f" ({code}: {message})" if code else (f" ({message})" if message else "")
    if status == 412:
        which = f"Item {item_id}" if item_id else "The item"
        return ConflictError(
            f"{which} was changed by someone else since plansync last read it{said}. "
            "Sync again to pick up their change.",
            item_id=item_id,
        )
    if status == 401:
        return AuthError(f"{host} refused the sign-in{said}. {SIGN_IN_AGAIN}")
    advice = _STATUS_ADVICE.get(status, _SERVER_ADVICE if status >= 500 else _DEFAULT_ADVICE)
    rid = f" (request-id {request_id})" if request_id else ""
    return GraphError(
        f"{host} answered {status} to {method} {_path(url)}{said}. {advice}{rid}",
        status=status,
        code=code,
        request_id=request_id,
    )


def throttled_error(
    status: int | str, tries: int, host: str, retry_after: float | None, *, budget: float | None = None
) -> ThrottledError:
    if retry_after is not None and retry_after > MAX_WAIT:
        return ThrottledError(
            f"SharePoint is busy ({host} answered {status} and asks plansync to wait {retry_after:g} seconds); "
            "nothing was lost, sync again later.",
            retry_after=retry_after,
        )
    if budget is not None:
        answered = f"answered {status}" if isinstance(status, int) else status
        return ThrottledError(
            f"SharePoint stayed busy or failing ({host} last {answered}) until plansync's retry budget of {budget:g} "
            f"seconds was spent, after {tries} {'retry' if tries == 1 else 'retries'}; nothing was lost, sync again "
            "later to finish (PLANSYNC_RETRY_BUDGET sets the budget in seconds).",
            retry_after=retry_after,
        )
    return ThrottledError(
        f"SharePoint is busy ({host} answered {status} {tries} times in a row); nothing was lost, sync again later.",
        retry_after=retry_after,
    )


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
        return _host(self.base_url)

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
    ) -> httpx.Response:
        """Send one request with token, refresh-once, retries of transient failures and error mapping.

        ``resend_safe`` says a POST may be sent again after its connection broke (a create that
        carries a unique key, or a ``$batch`` of guarded writes); reads and ``If-Match`` writes
        always may.

        Returns the 2xx response (or one whose status is in ``pass_statuses``); raises AuthError, ThrottledError, ConflictError, GraphError,
        SyncError or SettingsError.
        """
        force_refresh = False
        refreshed = False
        failures = 0
        connect_failures = 0
        while True:
            token = self.auth.token(force_refresh=force_refresh)
            force_refresh = False
            sent_headers = {**(headers or {}), "Authorization": f"Bearer {token}"}
            try:
                request = self._client.build_request(method, url, params=params, json=json_body, headers=sent_headers)
                with self._count_lock:
                    self.requests += 1
                took = timed()
                response = self._client.send(request)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                if _nothing_sent(exc) and connect_failures < _CONNECT_RETRIES:
                    connect_failures += 1
                    self.sleep(0.5 * connect_failures)
                    continue
                if _broken_midway(exc) and (resend_safe or method in _IDEMPOTENT or _guarded(headers)):
                    failures += 1
                    wait = self.retrier.next_wait(failures, waited=took())
                    if wait is not None:
                        self.sleep(wait)
                        continue
                    if not _nothing_sent(exc):
                        raise throttled_error(
                            f"dropped or did not answer {method} {_path(url)}", self.retrier.retries, self.host, None,
                            budget=self.retrier.policy.budget,
                        ) from exc
                raise map_httpx_error(exc, method=method, url=self._absolute(url)) from exc
            status = response.status_code
            if status == 401 and not refreshed:
                # An expired or revoked token: ask for a fresh one once, then give up.
                refreshed = force_refresh = True
                continue
            if status == 401:
                code, message, _ = error_code(_json_or_none(response))
                said = f" ({code}: {message})" if code else ""
                raise AuthError(f"{_host(str(request.url))} refused the sign-in of {self.auth.user}{said}. {SIGN_IN_AGAIN}")
            if status in retry_statuses:
                failures += 1
                wait = self.retrier.next_wait(failures, response.headers)
                if wait is None:
                    raise self.gave_up(status, failures, response.headers)
                self.sleep(wait)
                continue
            if status >= 400 and status not in pass_statuses:
                raise status_error(
                    status, response.headers, _json_or_none(response), method=method, url=str(request.url), item_id=item_id
                )
            return response

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
                f"{_host(str(response.request.url))} answered {response.request.method} {_path(str(response.request.url))} "
                f"with something that is not JSON. {_DEFAULT_ADVICE}",
                status=response.status_code,
            ) from exc

    def _absolute(self, url: str) -> str:
        return url if "://" in url else self.base_url + "/" + url.lstrip("/")


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


def _host(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return url
    return parsed.netloc.decode("ascii", "replace") or url


def _path(url: str) -> str:
    try:
        return httpx.URL(url).path or url
    except httpx.InvalidURL:
        return url


__all__ = sorted(
    [
        "GraphHttp",
        "MAX_WAIT",
        "SIGN_IN_AGAIN",
        "TokenSource",
        "THROTTLE_STATUSES",
        "USER_AGENT",
        "error_code",
        "map_httpx_error",
        "retry_delay",
        "ssl_verify",
        "status_error",
        "throttled_error",
    ]
)

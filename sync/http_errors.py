"""What a failed request says: httpx's exceptions and Graph's error replies as plansync's errors.

The one place that turns them into plansync's tree (``sync.transport`` raises them)::

    httpx exception (network, TLS, timeout, bad URL) --map_httpx_error--> SyncError / SettingsError / GraphError
    401                                               --status_error----> AuthError
    412                                               --status_error----> ConflictError
    any other status >= 400                           --status_error----> GraphError(status, code, request-id)
    still busy when the retries ran out               --throttled_error-> ThrottledError

Each message says which server answered what to which request, and what to do; tokens and
secrets never appear in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from sync.errors import AuthError, ConflictError, GraphError, SyncError, ThrottledError
from validation.errors import SettingsError

# A command waits at most this long for one Retry-After; a longer wait ends it with ThrottledError
# rather than leaving a person looking at a frozen command.
MAX_WAIT = 120.0

_STATUS_ADVICE = {
    400: "Check the value named in the message; if it looks right, report this with the request-id.",
    403: "Ask the site owner to give your account edit rights to the list.",
    404: "Check the site and list names (the Settings sheet, or --site/--list).",
    409: "Another item or list already has this value; sync again to pick up the existing one.",
    410: "The change log expired; sync again to read the whole list.",
}
_SERVER_ADVICE = "The server had a problem; nothing was lost, sync again later."
DEFAULT_ADVICE = "Report this to whoever looks after plansync, with the request-id."

SIGN_IN_AGAIN = "Sign in again: plansync auth login"



def map_httpx_error(exc: Exception, *, method: str, url: str) -> SyncError | SettingsError:
    """The one place that turns an httpx exception into plansync's tree (callers ``raise ... from exc``)."""
    host = url_host(url)
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
        return SyncError(f"{host} did not answer {method} {url_path(url)} in time. Nothing was lost; try again later.")
    if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
        return SyncError(f"The connection to {host} broke during {method} {url_path(url)} ({detail}). Try again.")
    if isinstance(exc, httpx.TooManyRedirects):
        return GraphError(f"{host} redirected {method} {url_path(url)} too many times. {DEFAULT_ADVICE}", code="tooManyRedirects")
    # LocalProtocolError, DecodingError and any other httpx.HTTPError: a reply plansync cannot use.
    return GraphError(
        f"{host} answered {method} {url_path(url)} in a way plansync cannot read ({type(exc).__name__}: {detail}). "
        f"{DEFAULT_ADVICE}"
    )


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
    host = url_host(url)
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
    advice = _STATUS_ADVICE.get(status, _SERVER_ADVICE if status >= 500 else DEFAULT_ADVICE)
    rid = f" (request-id {request_id})" if request_id else ""
    return GraphError(
        f"{host} answered {status} to {method} {url_path(url)}{said}. {advice}{rid}",
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


def url_host(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return url
    return parsed.netloc.decode("ascii", "replace") or url


def url_path(url: str) -> str:
    try:
        return httpx.URL(url).path or url
    except httpx.InvalidURL:
        return url


__all__ = sorted(
    [
        "DEFAULT_ADVICE",
        "MAX_WAIT",
        "SIGN_IN_AGAIN",
        "error_code",
        "map_httpx_error",
        "status_error",
        "throttled_error",
        "url_host",
        "url_path",
    ]
)

"""The one place msal's and requests' exceptions become plansync's, and how a refusal is quoted.

msal reports most refusals as a result holding ``error`` and ``error_description`` rather than
raising; ``said`` quotes the first line of those. Tokens and secrets never appear in messages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests

from sync.errors import AuthError, SyncError

LOGIN_HINT = "plansync auth login"


@contextmanager
def msal_errors(where: str) -> Iterator[None]:
    """Turn msal's and requests' exceptions raised in the block into plansync's (``where``: the sign-in service)."""
    try:
        yield
    except requests.exceptions.SSLError as exc:
        raise SyncError(
            f"The sign-in service of {where} presented a certificate plansync does not trust. "
            "For the local list server, trust the ca file it printed when it started."
        ) from exc
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        raise SyncError(
            f"Could not reach the sign-in service of {where}. Check the network connection, then try again."
        ) from exc
    except requests.exceptions.RequestException as exc:
        raise SyncError(f"The sign-in service of {where} failed ({exc.__class__.__name__}). Try again later.") from exc
    except ValueError as exc:
        # msal: an authority that is not a sign-in service (discovery 4xx, not https, no tenant).
        raise AuthError(
            f"The sign-in address for {where} is not a sign-in service plansync can use ({first_line(exc)}). "
            "Check PLANSYNC_TENANT, or the Graph URL and the authority the local list server printed."
        ) from exc


def said(result: Mapping[str, Any] | None) -> str:
    """`` (error: description)`` of an msal result that holds an error, else ``""``."""
    if not result or "error" not in result:
        return ""
    description = first_line(result.get("error_description") or "")
    return f" ({result['error']}: {description})" if description else f" ({result['error']})"


def first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else ""


__all__ = sorted(["LOGIN_HINT", "first_line", "msal_errors", "said"])

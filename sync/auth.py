"""Sign-in: bearer tokens for the Graph client, through msal (here, ``sync.msal_apps`` and ``sync.msal_tokens`` only).

Who signs in, and how::

    people, real SharePoint      device code: plansync prints a code and a web address to open
    scheduled jobs               client credentials: a certificate (PLANSYNC_CLIENT_CERT, a PEM with the
                                 private key and certificate, or a .pfx) or a secret (PLANSYNC_CLIENT_SECRET)
    local list server            --as EMAIL signs in as that development identity (password local-dev);
                                 refused against real SharePoint. Device code works there too.

Delegated calls ask for ``Sites.ReadWrite.All`` (``Sites.Manage.All`` to create lists); app
calls for ``https://graph.microsoft.com/.default``. Tokens live in the person's token cache
(``sync.signin_cache``). An expired token is refreshed silently; when the server refuses one, the
Graph client forces one refresh (``token(force_refresh=True)``) and then stops with "Sign in
again". msal's and requests' exceptions become plansync errors in ``sync.signin_errors`` only.
Tokens and secrets never appear in messages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol

import msal
import msal_extensions

from sync.errors import AuthError
from sync.msal_apps import (
    SignInTarget,
    confidential_app,
    has_app_credential,
    password_sign_in,
    public_app,
    where_to_sign_in,
)
from sync.msal_tokens import AppTokenProvider, MsalTokenProvider
from sync.signin_cache import CacheStore, cache_path, choose_persistence
from sync.signin_errors import LOGIN_HINT, msal_errors, said

DELEGATED_SCOPES = ("Sites.ReadWrite.All",)
MANAGE_SCOPES = ("Sites.Manage.All",)


class TokenProvider(Protocol):
    """What the Graph client needs: a bearer token, and who it belongs to (email or app id)."""

    user: str

    def token(self, *, force_refresh: bool = False) -> str: ...


@dataclass
class StaticToken:
    """A fixed bearer token (tests, and scripts that got a token elsewhere)."""

    value: str
    user: str = "static-token"

    def token(self, *, force_refresh: bool = False) -> str:
        return self.value


@dataclass(frozen=True)
class SignIn:
    """Who is signed in where, and until when the current access token is valid."""

    user: str
    where: str
    expires_on: datetime | None
    kind: str = "person"  # or "app"

    def describe(self, now: datetime | None = None) -> str:
        now = now or datetime.now(timezone.utc)
        if self.expires_on is None:
            valid = "no access token yet; one is fetched on first use"
        elif self.expires_on > now:
            valid = f"access token valid until {self.expires_on:%Y-%m-%d %H:%M} UTC"
        else:
            valid = f"access token expired at {self.expires_on:%Y-%m-%d %H:%M} UTC; it is renewed on next use"
        who = f"app {self.user}" if self.kind == "app" else self.user
        return f"{who} signed in to {self.where} ({valid})"


def token_provider(
    target: SignInTarget,
    *,
    as_email: str | None = None,
    manage_lists: bool = False,
    environ: Mapping[str, str] = os.environ,
    cache: Any = None,
) -> TokenProvider:
    """The token provider for an opened target.

    App credentials in the environment win (scheduled jobs). Else the person ``as_email`` (a
    development identity: local list servers only), else the one person signed in to this target.

    Raises:
        AuthError when nobody is signed in, or ``as_email`` is used against real SharePoint.
    """
    cache = cache if cache is not None else open_cache(environ)
    where = where_to_sign_in(target)
    if has_app_credential(environ):
        return AppTokenProvider(confidential_app(target, cache, environ), where=where)
    _refuse_dev_identity_on_microsoft(target, as_email)
    scopes = MANAGE_SCOPES if manage_lists else DELEGATED_SCOPES
    app = public_app(target, cache)
    if as_email:
        return MsalTokenProvider(app, scopes=scopes, user=as_email, where=where, dev_identity=True)
    with msal_errors(where):
        accounts = app.get_accounts()
    if not accounts:
        raise AuthError(f"Nobody is signed in to {where}. Sign in first: {_login_hint(target)}")
    if len(accounts) > 1:
        names = ", ".join(sorted(a["username"] for a in accounts))
        raise AuthError(
            f"Several people are signed in to {where} ({names}). Say who you are with --as EMAIL, "
            "or sign the others out: plansync auth logout --as EMAIL"
        )
    return MsalTokenProvider(app, scopes=scopes, user=accounts[0]["username"], where=where)


def login(
    target: SignInTarget,
    as_email: str | None = None,
    *,
    manage_lists: bool = False,
    environ: Mapping[str, str] = os.environ,
    echo: Callable[[str], None] = print,
    cache: Any = None,
) -> SignIn:
    """Sign in to an opened target and keep the tokens in the person's cache.

    Development identity with ``as_email`` (local list servers), client credentials when the
    environment holds them, else the device code flow (``echo`` shows the code and web address).
    """
    cache = cache if cache is not None else open_cache(environ)
    where = where_to_sign_in(target)
    if has_app_credential(environ):
        provider = AppTokenProvider(confidential_app(target, cache, environ), where=where)
        provider.token()
        return _app_status(target, cache, provider.user)
    _refuse_dev_identity_on_microsoft(target, as_email)
    scopes = list(MANAGE_SCOPES if manage_lists else DELEGATED_SCOPES)
    app = public_app(target, cache)
    with msal_errors(where):
        if as_email:
            result = password_sign_in(app, as_email, scopes)
        else:
            flow = app.initiate_device_flow(scopes=scopes)
            if "user_code" not in flow:
                raise AuthError(f"{where} did not start the sign-in{said(flow)}. Try again: {LOGIN_HINT}")
            echo(flow["message"])
            result = app.acquire_token_by_device_flow(flow)
    if "access_token" not in result:
        raise AuthError(f"{where} refused the sign-in{said(result)}. Try again: {_login_hint(target)}")
    user = (result.get("id_token_claims") or {}).get("preferred_username") or as_email or "?"
    return SignIn(user, where, _expiry(result))


def status(target: SignInTarget, *, environ: Mapping[str, str] = os.environ, cache: Any = None) -> list[SignIn]:
    """Who is signed in to this target (people and apps), with token expiry; reads the cache only."""
    cache = cache if cache is not None else open_cache(environ)
    # Filtered by host only, as msal's get_accounts() does: the tenant msal records is the one in
    # the token endpoint (a GUID on Entra), not the domain name the authority was written with.
    env = _environment(target)
    at_type = msal.TokenCache.CredentialType.ACCESS_TOKEN
    tokens = [t for t in cache.search(at_type) if t.get("environment") == env]
    found = []
    for account in cache.search(msal.TokenCache.CredentialType.ACCOUNT, query={"environment": env}):
        mine = [t for t in tokens if t.get("home_account_id") == account.get("home_account_id")]
        found.append(SignIn(account["username"], where_to_sign_in(target), _latest(mine)))
    apps = sorted({t["client_id"] for t in tokens if not t.get("home_account_id")})
    found += [SignIn(app_id, where_to_sign_in(target), _latest([t for t in tokens if t["client_id"] == app_id]), "app") for app_id in apps]
    return sorted(found, key=lambda s: (s.kind, s.user))


def logout(
    target: SignInTarget, as_email: str | None = None, *, environ: Mapping[str, str] = os.environ, cache: Any = None
) -> list[str]:
    """Remove the signed-in people (or only ``as_email``) of this target from the cache; returns who."""
    cache = cache if cache is not None else open_cache(environ)
    app = public_app(target, cache)
    with msal_errors(where_to_sign_in(target)):
        accounts = app.get_accounts(username=as_email) if as_email else app.get_accounts()
        for account in accounts:
            app.remove_account(account)
    return sorted(a["username"] for a in accounts)


def open_cache(environ: Mapping[str, str] = os.environ, *, warn: Callable[[str], None] | None = None) -> Any:
    """The person's persisted msal token cache (encrypted where the OS allows; see sync.signin_cache)."""
    store = cache_store(environ, warn=warn)
    return msal_extensions.PersistedTokenCache(store.persistence)


def cache_store(environ: Mapping[str, str] = os.environ, *, warn: Callable[[str], None] | None = None) -> CacheStore:
    return choose_persistence(
        cache_path(environ),
        encrypted=msal_extensions.build_encrypted_persistence,
        plain=msal_extensions.FilePersistence,
        warn=warn,
    )


def _refuse_dev_identity_on_microsoft(target: SignInTarget, as_email: str | None) -> None:
    if as_email and not target.local:
        raise AuthError(
            f"--as {as_email} signs in a development identity, which only the local list server has; "
            f"{where_to_sign_in(target)} is real SharePoint. Sign in as yourself: {LOGIN_HINT}"
        )


# -- small helpers --------------------------------------------------------------------------------


def _login_hint(target: SignInTarget) -> str:
    return f"{LOGIN_HINT} --as you@example.org" if target.local else LOGIN_HINT


def _environment(target: SignInTarget) -> str:
    """msal's cache key for the sign-in service: the authority's host without its port."""
    return (target.authority or "").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def _app_status(target: SignInTarget, cache: Any, app_id: str) -> SignIn:
    for signin in status(target, cache=cache):
        if signin.kind == "app" and signin.user == app_id:
            return signin
    return SignIn(app_id, where_to_sign_in(target), None, "app")


def _latest(tokens: list[dict[str, Any]]) -> datetime | None:
    ends = [int(t["expires_on"]) for t in tokens if str(t.get("expires_on", "")).isdigit()]
    return datetime.fromtimestamp(max(ends), timezone.utc) if ends else None


def _expiry(result: Mapping[str, Any]) -> datetime | None:
    seconds = result.get("expires_in")
    try:
        return datetime.fromtimestamp(time.time() + int(seconds), timezone.utc) if seconds is not None else None
    except (TypeError, ValueError):
        return None


__all__ = sorted(
    [
        "AppTokenProvider",
        "DELEGATED_SCOPES",
        "MANAGE_SCOPES",
        "MsalTokenProvider",
        "SignIn",
        "SignInTarget",
        "StaticToken",
        "TokenProvider",
        "cache_store",
        "login",
        "logout",
        "open_cache",
        "status",
        "token_provider",
    ]
)

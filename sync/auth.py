"""Sign-in: bearer tokens for the Graph client, through msal (the only module importing msal).

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
again". msal's and requests' exceptions become plansync errors in ``_msal_errors`` only.
Tokens and secrets never appear in messages.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import msal
import msal_extensions
import requests

from sync.errors import AuthError, SyncError
from sync.signin_cache import CacheStore, cache_path, choose_persistence
from validation.errors import SettingsError

DELEGATED_SCOPES = ("Sites.ReadWrite.All",)
MANAGE_SCOPES = ("Sites.Manage.All",)
APP_SCOPES = ("https://graph.microsoft.com/.default",)
LOCAL_PASSWORD = "local-dev"  # the local list server's password for every development identity
LOGIN_HINT = "plansync auth login"



class SignInTarget(Protocol):
    """What signing in needs to know of a target (``sync.target.Target`` is one). A protocol rather
    than an import: ``sync.target`` signs in through this module (``connect``)."""

    authority: str | None
    ca_path: str | None
    client_id: str | None
    embedded: bool
    graph_url: str | None
    home: Path | None
    local: bool

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


class MsalTokenProvider:
    """A person's tokens from msal's cache, refreshed silently; a development identity may sign in again by itself."""

    def __init__(self, app: Any, *, scopes: tuple[str, ...], user: str, where: str, dev_identity: bool = False) -> None:
        self._app = app
        self._scopes = list(scopes)
        self.user = user
        self._where = where
        self._dev_identity = dev_identity

    def token(self, *, force_refresh: bool = False) -> str:
        with _msal_errors(self._where):
            accounts = self._app.get_accounts(username=self.user)
            result = (
                self._app.acquire_token_silent_with_error(self._scopes, accounts[0], force_refresh=force_refresh)
                if accounts
                else None
            )
            if (not result or "access_token" not in result) and self._dev_identity:
                result = _password_sign_in(self._app, self.user, self._scopes)
        if result and "access_token" in result:
            return result["access_token"]
        said = _said(result)
        raise AuthError(f"{self.user} is no longer signed in to {self._where}{said}. Sign in again: {LOGIN_HINT}")

    def for_resource(self, resource: str) -> MsalTokenProvider:
        """The same person's tokens for another resource (SharePoint REST), from the same sign-in."""
        return MsalTokenProvider(self._app, scopes=(f"{resource.rstrip('/')}/.default",), user=self.user,
                                 where=self._where, dev_identity=self._dev_identity)


class AppTokenProvider:
    """An app's tokens (client credentials) for scheduled jobs; msal caches them."""

    def __init__(self, app: Any, *, where: str, scopes: tuple[str, ...] = APP_SCOPES) -> None:
        self._app = app
        self.user = app.client_id
        self._where = where
        self._scopes = scopes

    def for_resource(self, resource: str) -> AppTokenProvider:
        """The app's tokens for another resource (SharePoint REST needs a certificate credential)."""
        return AppTokenProvider(self._app, where=self._where, scopes=(f"{resource.rstrip('/')}/.default",))

    def token(self, *, force_refresh: bool = False) -> str:
        with _msal_errors(self._where):
            if force_refresh:  # msal refuses force_refresh here; forgetting the cached token is the same
                cache = self._app.token_cache
                for entry in list(cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN, query={"client_id": self.user})):
                    cache.remove_at(entry)
            result = self._app.acquire_token_for_client(list(self._scopes))
        if "access_token" in result:
            return result["access_token"]
        raise AuthError(
            f"{self._where} refused the app sign-in of {self.user}{_said(result)}. "
            "Check PLANSYNC_CLIENT_ID and the certificate or PLANSYNC_CLIENT_SECRET, and that an admin consented to the app."
        )


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
    where = _where(target)
    if _has_app_credential(environ):
        return AppTokenProvider(_confidential_app(target, cache, environ), where=where)
    _refuse_dev_identity_on_microsoft(target, as_email)
    scopes = MANAGE_SCOPES if manage_lists else DELEGATED_SCOPES
    app = _public_app(target, cache)
    if as_email:
        return MsalTokenProvider(app, scopes=scopes, user=as_email, where=where, dev_identity=True)
    with _msal_errors(where):
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
    where = _where(target)
    if _has_app_credential(environ):
        provider = AppTokenProvider(_confidential_app(target, cache, environ), where=where)
        provider.token()
        return _app_status(target, cache, provider.user)
    _refuse_dev_identity_on_microsoft(target, as_email)
    scopes = list(MANAGE_SCOPES if manage_lists else DELEGATED_SCOPES)
    app = _public_app(target, cache)
    with _msal_errors(where):
        if as_email:
            result = _password_sign_in(app, as_email, scopes)
        else:
            flow = app.initiate_device_flow(scopes=scopes)
            if "user_code" not in flow:
                raise AuthError(f"{where} did not start the sign-in{_said(flow)}. Try again: {LOGIN_HINT}")
            echo(flow["message"])
            result = app.acquire_token_by_device_flow(flow)
    if "access_token" not in result:
        raise AuthError(f"{where} refused the sign-in{_said(result)}. Try again: {_login_hint(target)}")
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
        found.append(SignIn(account["username"], _where(target), _latest(mine)))
    apps = sorted({t["client_id"] for t in tokens if not t.get("home_account_id")})
    found += [SignIn(app_id, _where(target), _latest([t for t in tokens if t["client_id"] == app_id]), "app") for app_id in apps]
    return sorted(found, key=lambda s: (s.kind, s.user))


def logout(
    target: SignInTarget, as_email: str | None = None, *, environ: Mapping[str, str] = os.environ, cache: Any = None
) -> list[str]:
    """Remove the signed-in people (or only ``as_email``) of this target from the cache; returns who."""
    cache = cache if cache is not None else open_cache(environ)
    app = _public_app(target, cache)
    with _msal_errors(_where(target)):
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


# -- msal applications ------------------------------------------------------------------------


def _public_app(target: SignInTarget, cache: Any) -> Any:
    with _msal_errors(_where(target)):
        return msal.PublicClientApplication(_client_id(target), token_cache=cache, **_authority_options(target))


def _confidential_app(target: SignInTarget, cache: Any, environ: Mapping[str, str]) -> Any:
    credential = _app_credential(environ)
    with _msal_errors(_where(target)):
        return msal.ConfidentialClientApplication(
            _client_id(target), client_credential=credential, token_cache=cache, **_authority_options(target)
        )


def _authority_options(target: SignInTarget) -> dict[str, Any]:
    if target.authority is None:
        raise RuntimeError("open the target first (sync.target.open_target)")
    options: dict[str, Any] = {"authority": target.authority}
    if target.local:
        # A loopback authority is unknown to Microsoft's instance discovery (which needs the
        # internet); msal must trust exactly the local server's CA file.
        options["instance_discovery"] = False
        if target.ca_path:
            options["http_client"] = _PinnedSession(target.ca_path)
    return options


class _PinnedSession(requests.Session):
    """A requests session that trusts exactly one CA file, whatever the environment says.

    msal's own ``verify=`` is set on the session, but requests lets REQUESTS_CA_BUNDLE and
    CURL_CA_BUNDLE override a session's verify on every request, so the local server's
    certificate would be checked against the system store instead.
    """

    def __init__(self, ca_path: str, timeout: float = 60.0) -> None:
        super().__init__()
        self.verify = ca_path
        self._timeout = timeout
        self.mount("https://", requests.adapters.HTTPAdapter(max_retries=1))

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[override]
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        settings["verify"] = self.verify
        return settings

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if "/common/userrealm/" in str(url):
            # msal asks the authority's host *without its port* whether a user is federated before
            # a password sign-in; a local list server has only managed development identities.
            # 404 is msal's own signal for "no user realm service: use the plain password grant".
            response = requests.Response()
            response.status_code, response.url, response._content = 404, str(url), b"{}"
            return response
        kwargs.setdefault("timeout", self._timeout)
        return super().request(method, url, *args, **kwargs)


def _client_id(target: SignInTarget) -> str:
    if not target.client_id:
        raise SettingsError(
            "plansync does not know which app to sign in with. Set PLANSYNC_CLIENT_ID to the Application "
            "(client) ID of the app your IT team registered for plansync (Entra admin centre, App registrations).",
            setting="PLANSYNC_CLIENT_ID",
        )
    return target.client_id


def _has_app_credential(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("PLANSYNC_CLIENT_SECRET") or environ.get("PLANSYNC_CLIENT_CERT"))


def _app_credential(environ: Mapping[str, str]) -> Any:
    cert = environ.get("PLANSYNC_CLIENT_CERT")
    if not cert:
        return environ["PLANSYNC_CLIENT_SECRET"]
    path = Path(cert)
    if path.suffix.lower() in (".pfx", ".p12"):
        credential: dict[str, Any] = {"private_key_pfx_path": str(path), "public_certificate": True}
        if environ.get("PLANSYNC_CLIENT_CERT_PASSWORD"):
            credential["passphrase"] = environ["PLANSYNC_CLIENT_CERT_PASSWORD"]
        return credential
    try:
        pem = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"plansync cannot read the certificate file {path} named by PLANSYNC_CLIENT_CERT ({exc.__class__.__name__}). "
            "Give a PEM file holding the private key and the certificate, or a .pfx file.",
            setting="PLANSYNC_CLIENT_CERT",
        ) from exc
    credential = {"private_key": pem}
    if environ.get("PLANSYNC_CLIENT_CERT_THUMBPRINT"):
        credential["thumbprint"] = environ["PLANSYNC_CLIENT_CERT_THUMBPRINT"]
    elif "BEGIN CERTIFICATE" in pem:
        credential["public_certificate"] = pem[pem.index("-----BEGIN CERTIFICATE-----") :]
    else:
        raise SettingsError(
            f"The certificate file {path} holds no certificate. Append the certificate to it, "
            "or set PLANSYNC_CLIENT_CERT_THUMBPRINT to the thumbprint shown in the app registration.",
            setting="PLANSYNC_CLIENT_CERT",
        )
    return credential


def _password_sign_in(app: Any, email: str, scopes: list[str]) -> dict[str, Any]:
    # msal deprecates the password grant for public clients; plansync uses it only for the local
    # list server's development identities, which have no other secret.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return app.acquire_token_by_username_password(email, LOCAL_PASSWORD, scopes=scopes)


def _refuse_dev_identity_on_microsoft(target: SignInTarget, as_email: str | None) -> None:
    if as_email and not target.local:
        raise AuthError(
            f"--as {as_email} signs in a development identity, which only the local list server has; "
            f"{_where(target)} is real SharePoint. Sign in as yourself: {LOGIN_HINT}"
        )


# -- the one place msal's and requests' exceptions become plansync's ------------------------------


@contextmanager
def _msal_errors(where: str) -> Iterator[None]:
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
            f"The sign-in address for {where} is not a sign-in service plansync can use ({_first_line(exc)}). "
            "Check PLANSYNC_TENANT, or the Graph URL and the authority the local list server printed."
        ) from exc


# -- small helpers --------------------------------------------------------------------------------


def _where(target: SignInTarget) -> str:
    if target.embedded:
        return f"the local list server (data in {target.home})"
    return target.graph_url or "?"


def _login_hint(target: SignInTarget) -> str:
    return f"{LOGIN_HINT} --as you@example.org" if target.local else LOGIN_HINT


def _environment(target: SignInTarget) -> str:
    """msal's cache key for the sign-in service: the authority's host without its port."""
    return (target.authority or "").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def _app_status(target: SignInTarget, cache: Any, app_id: str) -> SignIn:
    for signin in status(target, cache=cache):
        if signin.kind == "app" and signin.user == app_id:
            return signin
    return SignIn(app_id, _where(target), None, "app")


def _latest(tokens: list[dict[str, Any]]) -> datetime | None:
    ends = [int(t["expires_on"]) for t in tokens if str(t.get("expires_on", "")).isdigit()]
    return datetime.fromtimestamp(max(ends), timezone.utc) if ends else None


def _expiry(result: Mapping[str, Any]) -> datetime | None:
    seconds = result.get("expires_in")
    try:
        return datetime.fromtimestamp(time.time() + int(seconds), timezone.utc) if seconds is not None else None
    except (TypeError, ValueError):
        return None


def _said(result: Mapping[str, Any] | None) -> str:
    if not result or "error" not in result:
        return ""
    description = _first_line(result.get("error_description") or "")
    return f" ({result['error']}: {description})" if description else f" ({result['error']})"


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else ""


__all__ = sorted(
    [
        "APP_SCOPES",
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

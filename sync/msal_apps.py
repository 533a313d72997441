"""The msal applications plansync signs in with, built for one target.

A person signs in through a public client (device code, or a development identity's password on
the local list server); a scheduled job through a confidential client holding the app's
certificate or secret from the environment. Against a local list server msal must trust exactly
that server's CA file and skip Microsoft's instance discovery.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import msal
import requests

from sync.signin_errors import msal_errors
from validation.errors import SettingsError

LOCAL_PASSWORD = "local-dev"  # the local list server's password for every development identity


class SignInTarget(Protocol):
    """What signing in needs to know of a target (``sync.target.Target`` is one). A protocol rather
    than an import: ``sync.target`` signs in through ``sync.auth`` (``connect``)."""

    authority: str | None
    ca_path: str | None
    client_id: str | None
    embedded: bool
    graph_url: str | None
    home: Path | None
    local: bool


def where_to_sign_in(target: SignInTarget) -> str:
    """The sign-in service, in words, for messages."""
    if target.embedded:
        return f"the local list server (data in {target.home})"
    return target.graph_url or "?"


def public_app(target: SignInTarget, cache: Any) -> Any:
    with msal_errors(where_to_sign_in(target)):
        return msal.PublicClientApplication(_client_id(target), token_cache=cache, **_authority_options(target))


def confidential_app(target: SignInTarget, cache: Any, environ: Mapping[str, str]) -> Any:
    credential = _app_credential(environ)
    with msal_errors(where_to_sign_in(target)):
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


def has_app_credential(environ: Mapping[str, str]) -> bool:
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


def password_sign_in(app: Any, email: str, scopes: list[str]) -> dict[str, Any]:
    # msal deprecates the password grant for public clients; plansync uses it only for the local
    # list server's development identities, which have no other secret.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return app.acquire_token_by_username_password(email, LOCAL_PASSWORD, scopes=scopes)


__all__ = sorted(
    [
        "LOCAL_PASSWORD",
        "SignInTarget",
        "confidential_app",
        "has_app_credential",
        "password_sign_in",
        "public_app",
        "where_to_sign_in",
    ]
)

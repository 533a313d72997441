"""The OAuth2/OpenID endpoints msal talks to (GRAPH.md §10), for development identities.

* ``GET /{tenant}/v2.0/.well-known/openid-configuration``: discovery; endpoints are https with the
  tenant segment, built from the request's own host so ``127.0.0.1`` and ``localhost`` both work.
* ``POST /{tenant}/oauth2/v2.0/token``: grants ``password`` (any email, password ``local-dev``),
  ``refresh_token``, device code (``authorization_pending`` until approved) and
  ``client_credentials`` (the secret the server was started with; any secret when none was given).
* ``POST /{tenant}/oauth2/v2.0/devicecode`` and the approval page ``/devicelogin``.

Person token answers carry ``client_info`` and an ``id_token`` with ``preferred_username`` so msal
caches an account. Errors are Entra-style ``{"error","error_description"}`` with status 400.
"""

from __future__ import annotations

import html
import json
import secrets
import time
import uuid
from urllib.parse import urlsplit

from werkzeug.wrappers import Request, Response

from sync.local_server.identity import TENANT, display_name, person, valid_email
from sync.local_server.tokens import TokenInvalid, b64url

__all__ = ["DEV_PASSWORD", "GRAPH_AUDIENCE", "OAuth"]

DEV_PASSWORD = "local-dev"
GRAPH_AUDIENCE = "https://graph.microsoft.com"
_OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}
_DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_REFRESH_LIFETIME = 90 * 24 * 3600
_DEVICE_LIFETIME = 900
_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"  # no vowels, no look-alikes


def audience(scopes: list[str]) -> str:
    """The resource a token is for: Graph, unless a scope names another one such as SharePoint's
    ``https://contoso.sharepoint.com/.default`` (on the local server: its own address)."""
    for scope in scopes:
        if "://" in scope:
            parts = urlsplit(scope)
            resource = f"{parts.scheme}://{parts.netloc}"
            if resource.lower() != GRAPH_AUDIENCE:
                return resource
    return GRAPH_AUDIENCE


def _json(payload: dict, status: int = 200) -> Response:
    response = Response(json.dumps(payload), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return _json({"error": error, "error_description": description}, status)


class OAuth:
    """OAuth/OIDC handlers; ``app`` supplies ``store``, ``signer`` and the options."""

    def __init__(self, app) -> None:
        self.app = app

    # -- routing ----------------------------------------------------------------------------
    def handle(self, request: Request, path: str) -> Response | None:
        """Answer an OAuth path, or ``None`` when the path is not one of ours."""
        if path in ("/devicelogin", "/devicelogin/"):
            return self.approval_page(request)
        parts = path.strip("/").split("/", 1)
        if len(parts) != 2:
            return None
        tenant, rest = parts
        known = {
            "v2.0/.well-known/openid-configuration": ("GET", self.discovery),
            "oauth2/v2.0/token": ("POST", self.token),
            "oauth2/v2.0/devicecode": ("POST", self.device_code),
            "oauth2/v2.0/authorize": ("GET", self.authorize),
        }
        if rest not in known:
            return None
        if tenant.lower() != TENANT:
            return _oauth_error(
                "invalid_tenant",
                f"Tenant '{tenant}' is not on this local list server; use the authority it printed "
                f"when it started (tenant {TENANT}).",
            )
        method, handler = known[rest]
        if request.method != method:
            return _oauth_error("invalid_request", f"Use {method} for this endpoint.", 405)
        return handler(request)

    def _base(self, request: Request) -> str:
        return request.host_url.rstrip("/")

    # -- discovery ----------------------------------------------------------------------------
    def discovery(self, request: Request) -> Response:
        base = f"{self._base(request)}/{TENANT}"
        return _json({
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "name", "preferred_username", "oid", "tid"],
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "grant_types_supported": ["password", "refresh_token", _DEVICE_CODE_GRANT, "client_credentials"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "issuer": f"{base}/v2.0",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "form_post"],
            "response_types_supported": ["code"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "tenant_region_scope": None,
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
        })

    def authorize(self, request: Request) -> Response:
        return Response(
            "The local list server has no browser sign-in. Use device code sign-in "
            "(plansync auth login) or a development identity (plansync auth login --as EMAIL).",
            status=400, mimetype="text/plain",
        )

    # -- token endpoint ----------------------------------------------------------------------
    def token(self, request: Request) -> Response:
        form = request.form
        client_id = form.get("client_id", "")
        if not client_id:
            return _oauth_error("invalid_request", "The request body must contain 'client_id'.")
        grant = form.get("grant_type", "")
        scopes = [s for s in form.get("scope", "").split() if s]
        if grant == "password":
            return self._password(request, client_id, scopes)
        if grant == "refresh_token":
            return self._refresh(request, client_id, scopes)
        if grant == _DEVICE_CODE_GRANT:
            return self._device_grant(request, client_id)
        if grant == "client_credentials":
            return self._client_credentials(request, client_id, scopes)
        return _oauth_error("unsupported_grant_type", f"Grant type '{grant}' is not supported by the local list server.")

    def _password(self, request: Request, client_id: str, scopes: list[str]) -> Response:
        email = request.form.get("username", "").strip()
        if not valid_email(email) or request.form.get("password") != DEV_PASSWORD:
            return _oauth_error(
                "invalid_grant",
                "The local list server signs in development identities only: give any email address "
                f"as the user name and the password '{DEV_PASSWORD}'.",
            )
        return self._person_tokens(request, email, client_id, scopes)

    def _refresh(self, request: Request, client_id: str, scopes: list[str]) -> Response:
        try:
            claims = self.app.signer.verify(request.form.get("refresh_token", ""), kind="refresh")
        except TokenInvalid as exc:
            return _oauth_error("invalid_grant", f"The refresh token cannot be used ({exc}); sign in again.")
        if claims.get("azp") != client_id:
            return _oauth_error("invalid_grant", "The refresh token was issued to another client; sign in again.")
        return self._person_tokens(request, claims["preferred_username"], client_id, scopes or claims["scp"].split())

    def _device_grant(self, request: Request, client_id: str) -> Response:
        code = request.form.get("device_code") or request.form.get("code") or ""
        entry = self.app.store.device_code(device_code=code)
        if entry is None or entry["client_id"] != client_id:
            return _oauth_error("bad_verification_code", "The device code is not known; start sign-in again.")
        if entry["state"] == "used":
            return _oauth_error("invalid_grant", "The device code has already been used; start sign-in again.")
        if time.time() > entry["expires"]:
            return _oauth_error("expired_token", "The device code has expired; start sign-in again.")
        if entry["state"] == "declined":
            return _oauth_error("authorization_declined", "The sign-in was declined on the approval page.")
        if entry["state"] != "approved":
            return _oauth_error("authorization_pending", "Waiting for the code to be approved on the approval page.")
        self.app.store.set_device_state(code, "used")
        return self._person_tokens(request, entry["email"], client_id, entry["scope"].split())

    def _client_credentials(self, request: Request, client_id: str, scopes: list[str]) -> Response:
        secret = request.form.get("client_secret")
        assertion = request.form.get("client_assertion")
        expected = self.app.options.client_secret
        if secret is None and not assertion:
            return _oauth_error("invalid_client", "Give 'client_secret' (or a certificate assertion) for app sign-in.")
        if expected is not None and secret is not None and secret != expected:
            return _oauth_error(
                "invalid_client",
                "The client secret is not the one this local list server was started with.",
                401,
            )
        lifetime = self.app.options.token_lifetime
        scope = " ".join(scopes) or f"{GRAPH_AUDIENCE}/.default"
        claims = {
            "aud": audience(scopes), "iss": self._issuer(request), "tid": TENANT, "appid": client_id,
            "azp": client_id, "idtyp": "app", "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, "app:" + client_id)),
            "roles": ["Sites.ReadWrite.All", "Sites.Manage.All"], "app_displayname": client_id,
        }
        return _json({
            "access_token": self.app.signer.issue(claims, lifetime=lifetime, kind="access"),
            "expires_in": int(lifetime),
            "ext_expires_in": int(lifetime),
            "scope": scope,
            "token_type": "Bearer",
        })

    def _issuer(self, request: Request) -> str:
        return f"{self._base(request)}/{TENANT}/v2.0"

    def _person_tokens(self, request: Request, email: str, client_id: str, scopes: list[str]) -> Response:
        granted = [s for s in scopes if s not in _OIDC_SCOPES] or [f"{GRAPH_AUDIENCE}/.default"]
        user = person(email)["user"]
        lifetime = self.app.options.token_lifetime
        common = {"tid": TENANT, "oid": user["id"], "sub": user["id"], "preferred_username": email,
                  "name": display_name(email), "iss": self._issuer(request)}
        access = self.app.signer.issue(
            {**common, "aud": audience(granted), "appid": client_id, "azp": client_id, "upn": email,
             "scp": " ".join(granted)},
            lifetime=lifetime, kind="access",
        )
        refresh = self.app.signer.issue(
            {"preferred_username": email, "azp": client_id, "scp": " ".join(granted)},
            lifetime=_REFRESH_LIFETIME, kind="refresh",
        )
        id_token = self.app.signer.issue({**common, "aud": client_id, "ver": "2.0"}, lifetime=lifetime, kind="id")
        client_info = b64url(json.dumps({"uid": user["id"], "utid": TENANT}).encode())
        return _json({
            "access_token": access,
            "client_info": client_info,
            "expires_in": int(lifetime),
            "ext_expires_in": int(lifetime),
            "id_token": id_token,
            "refresh_token": refresh,
            "scope": " ".join(granted),
            "token_type": "Bearer",
        })

    # -- device code ----------------------------------------------------------------------
    def device_code(self, request: Request) -> Response:
        client_id = request.form.get("client_id", "")
        if not client_id:
            return _oauth_error("invalid_request", "The request body must contain 'client_id'.")
        device_code = secrets.token_urlsafe(32)
        user_code = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(9))
        self.app.store.add_device_code(
            device_code, user_code, client_id, request.form.get("scope", ""), time.time() + _DEVICE_LIFETIME
        )
        uri = f"{self._base(request)}/devicelogin"
        return _json({
            "device_code": device_code,
            "expires_in": _DEVICE_LIFETIME,
            "interval": self.app.options.device_poll_interval,
            "message": f"To sign in, use a web browser to open the page {uri} and enter the code {user_code} "
                       "to authenticate.",
            "user_code": user_code,
            "verification_uri": uri,
        })

    def approval_page(self, request: Request) -> Response:
        """A small form where a person approves (or declines) a device code as a development identity."""
        if request.method == "GET":
            return _page("Sign in to the local list server", _FORM.format(code=html.escape(request.args.get("code", ""))))
        if request.method != "POST":
            return Response("Use GET or POST.", status=405)
        code = request.form.get("user_code", "").upper().replace("-", "").replace(" ", "")
        email = request.form.get("email", "").strip()
        entry = self.app.store.device_code(user_code=code)
        if entry is None or entry["state"] != "pending" or time.time() > entry["expires"]:
            return _page("Code not recognised", "<p>That code is unknown, used or expired. Start sign-in again "
                         "in plansync and type the new code.</p>", 400)
        if request.form.get("decision") == "decline":
            self.app.store.set_device_state(entry["device_code"], "declined")
            return _page("Sign-in declined", "<p>You declined this sign-in. You can close this window.</p>")
        if not valid_email(email):
            return _page("Email address needed", "<p>Type the email address to sign in as (any address works on "
                         "the local list server), then approve again.</p>" + _FORM.format(code=html.escape(code)), 400)
        self.app.store.set_device_state(entry["device_code"], "approved", email)
        return _page("Signed in", f"<p>Signed in as {html.escape(email)}. You can close this window and return "
                     "to plansync.</p>")


_FORM = """<form method="post" action="/devicelogin">
<p><label>Code <input name="user_code" value="{code}" autofocus></label></p>
<p><label>Sign in as (email) <input name="email" type="email"></label></p>
<p><button name="decision" value="approve">Approve</button>
<button name="decision" value="decline">Decline</button></p>
</form>"""


def _page(title: str, body: str, status: int = 200) -> Response:
    text = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")
    return Response(text, status=status, mimetype="text/html")

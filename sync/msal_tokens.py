"""msal's tokens as token providers for the Graph client: a person's, refreshed silently, or an app's.

When a token cannot be had, the error says who, where, what the sign-in service said, and to sign in again.
"""

from __future__ import annotations

from typing import Any

import msal

from sync.errors import AuthError
from sync.msal_apps import password_sign_in
from sync.signin_errors import LOGIN_HINT, msal_errors, said

APP_SCOPES = ("https://graph.microsoft.com/.default",)


class MsalTokenProvider:
    """A person's tokens from msal's cache, refreshed silently; a development identity may sign in again by itself."""

    def __init__(self, app: Any, *, scopes: tuple[str, ...], user: str, where: str, dev_identity: bool = False) -> None:
        self._app = app
        self._scopes = list(scopes)
        self.user = user
        self._where = where
        self._dev_identity = dev_identity

    def token(self, *, force_refresh: bool = False) -> str:
        with msal_errors(self._where):
            accounts = self._app.get_accounts(username=self.user)
            result = (
                self._app.acquire_token_silent_with_error(self._scopes, accounts[0], force_refresh=force_refresh)
                if accounts
                else None
            )
            if (not result or "access_token" not in result) and self._dev_identity:
                result = password_sign_in(self._app, self.user, self._scopes)
        if result and "access_token" in result:
            return result["access_token"]
        raise AuthError(f"{self.user} is no longer signed in to {self._where}{said(result)}. Sign in again: {LOGIN_HINT}")

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
        with msal_errors(self._where):
            if force_refresh:  # msal refuses force_refresh here; forgetting the cached token is the same
                cache = self._app.token_cache
                for entry in list(cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN, query={"client_id": self.user})):
                    cache.remove_at(entry)
            result = self._app.acquire_token_for_client(list(self._scopes))
        if "access_token" in result:
            return result["access_token"]
        raise AuthError(
            f"{self._where} refused the app sign-in of {self.user}{said(result)}. "
            "Check PLANSYNC_CLIENT_ID and the certificate or PLANSYNC_CLIENT_SECRET, and that an admin consented to the app."
        )


__all__ = sorted(["APP_SCOPES", "AppTokenProvider", "MsalTokenProvider"])

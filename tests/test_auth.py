"""Sign-in rules that need no server: the token cache, refusals, and msal's failures mapped."""

from __future__ import annotations

import stat
from datetime import datetime, timezone

import pytest
import requests

from plansync.errors import AuthError, SettingsError, SyncError
from sync import auth
from sync.auth import SignIn
from sync.signin_errors import msal_errors as _msal_errors
from sync.target import resolve_target
from sync.signin_cache import cache_path, choose_persistence
from validation.settings import Settings

SHAREPOINT = Settings(site="https://contoso.sharepoint.com/sites/improvement")


class FilePersistence:
    def __init__(self, location):
        self.location = location
        with open(location, "a"):
            pass


def no_keyring(location):
    raise ImportError("Unable to import module 'gi'")


def test_without_a_keyring_the_cache_is_a_file_only_its_owner_can_read_and_says_so_once(tmp_path):
    said = []
    store = choose_persistence(tmp_path / "cache" / "token_cache.bin", encrypted=no_keyring, plain=FilePersistence, warn=said.append)
    assert not store.encrypted
    assert 0o600 == stat.S_IMODE((tmp_path / "cache" / "token_cache.bin").stat().st_mode)
    assert [
        f"Warning: your sign-in is kept in {tmp_path / 'cache' / 'token_cache.bin'} without encryption, because the "
        "keyring library (PyGObject with libsecret) is not installed; only your user account can read the file."
    ] == said


def test_a_headless_session_is_named_as_the_reason(tmp_path):
    def headless(location):
        raise RuntimeError("Headless mode (such as in an ssh session) is not supported")

    said = []
    choose_persistence(cache_path({"PLANSYNC_TOKEN_CACHE": str(tmp_path / "x.bin")}), encrypted=headless,
                       plain=lambda p: object(), warn=said.append)
    assert "because no keyring service is running (for example in an ssh session);" in said[0]


def test_an_encrypted_cache_needs_no_warning(tmp_path):
    said = []
    store = choose_persistence(tmp_path / "c.bin", encrypted=lambda p: "keychain", plain=FilePersistence, warn=said.append)
    assert (True, "keychain", []) == (store.encrypted, store.persistence, said)


def test_a_development_identity_is_refused_against_real_sharepoint(tmp_path):
    target = resolve_target(SHAREPOINT, environ={})
    with pytest.raises(AuthError) as err:
        auth.login(target, "alice@example.org", environ={"PLANSYNC_TOKEN_CACHE": str(tmp_path / "c.bin")}, cache=object())
    assert (
        "--as alice@example.org signs in a development identity, which only the local list server has; "
        "https://graph.microsoft.com/v1.0 is real SharePoint. Sign in as yourself: plansync auth login"
    ) == str(err.value)


def test_real_sharepoint_without_an_app_registration_says_which_setting_to_set():
    target = resolve_target(SHAREPOINT, environ={})
    with pytest.raises(SettingsError) as err:
        auth.login(target, environ={}, cache=object())
    assert (
        "plansync does not know which app to sign in with. Set PLANSYNC_CLIENT_ID to the Application (client) ID "
        "of the app your IT team registered for plansync (Entra admin centre, App registrations)."
    ) == str(err.value)


# msal and requests exceptions, with the plansync class each must become.
FOREIGN = [
    (requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED"), SyncError,
     "The sign-in service of X presented a certificate plansync does not trust."),
    (requests.exceptions.ConnectionError("refused"), SyncError,
     "Could not reach the sign-in service of X. Check the network connection, then try again."),
    (requests.exceptions.ConnectTimeout("slow"), SyncError, "Could not reach the sign-in service of X."),
    (requests.exceptions.ReadTimeout("slow"), SyncError, "Could not reach the sign-in service of X."),
    (requests.exceptions.HTTPError("500 Server Error"), SyncError, "The sign-in service of X failed (HTTPError). Try again later."),
    (ValueError("Unable to get authority configuration for https://x/t. Authority would typically be in a format of ..."),
     AuthError, "The sign-in address for X is not a sign-in service plansync can use (Unable to get authority configuration"),
]


@pytest.mark.parametrize("exc, expected, start", FOREIGN, ids=[type(e).__name__ for e, _, _ in FOREIGN])
def test_each_foreign_sign_in_failure_maps_to_a_plansync_error(exc, expected, start):
    with pytest.raises(expected) as err:
        with _msal_errors("X"):
            raise exc
    assert str(err.value).startswith(start)
    assert err.value.__cause__ is exc


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("signin, line", [
    (SignIn("alice@example.org", "SharePoint", datetime(2026, 3, 1, 13, 5, tzinfo=timezone.utc)),
     "alice@example.org signed in to SharePoint (access token valid until 2026-03-01 13:05 UTC)"),
    (SignIn("alice@example.org", "SharePoint", datetime(2026, 3, 1, 11, 0, tzinfo=timezone.utc)),
     "alice@example.org signed in to SharePoint (access token expired at 2026-03-01 11:00 UTC; it is renewed on next use)"),
    (SignIn("app-1", "SharePoint", None, "app"),
     "app app-1 signed in to SharePoint (no access token yet; one is fetched on first use)"),
])
def test_status_lines_say_who_where_and_until_when(signin, line):
    assert line == signin.describe(NOW)


def test_a_person_whose_sign_in_has_lapsed_is_told_to_sign_in_again():
    from sync.msal_tokens import MsalTokenProvider

    class LapsedApp:
        def get_accounts(self, username=None):
            return [{"username": username}]

        def acquire_token_silent_with_error(self, scopes, account, force_refresh=False):
            return {"error": "invalid_grant", "error_description": "AADSTS700082: The refresh token has expired."}

    provider = MsalTokenProvider(LapsedApp(), scopes=("https://graph.microsoft.com/.default",), user="ann@council.gov.uk", where="Contoso")
    with pytest.raises(AuthError) as raised:
        provider.token()
    message = str(raised.value)
    assert "ann@council.gov.uk is no longer signed in to Contoso" in message
    assert "Sign in again" in message

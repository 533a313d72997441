"""msal sign-in round trips against the local list server's authority, over HTTPS on loopback."""

from __future__ import annotations

import datetime as dt
import re
import ssl

import httpx
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from plansync.cli import main
from plansync.errors import AuthError
from sync import auth
from sync.graph import GraphClient
from sync.local_server import serve_in_thread
from sync.target import resolve_target


@pytest.fixture
def server(tmp_path):
    with serve_in_thread(tmp_path / "home", client_secret="s3cret", device_poll_interval=1) as running:
        yield running


def env_for(server, tmp_path, **extra):
    return {"PLANSYNC_CA_FILE": str(server.ca_path), "PLANSYNC_TOKEN_CACHE": str(tmp_path / "tokens.bin"), **extra}


def target_and_cache(server, env):
    return resolve_target(None, graph_url=server.graph_url, environ=env), auth.open_cache(env, warn=lambda m: None)


def test_a_development_identity_signs_in_and_its_writes_carry_its_name(server, tmp_path):
    env = env_for(server, tmp_path)
    target, cache = target_and_cache(server, env)
    signin = auth.login(target, "alice.smith@example.org", environ=env, cache=cache)
    assert ("alice.smith@example.org", server.graph_url) == (signin.user, signin.where)
    assert ["alice.smith@example.org"] == [s.user for s in auth.status(target, environ=env, cache=cache)]
    # A later command finds the sign-in in the cache: nobody names themselves again.
    provider = auth.token_provider(target, environ=env, cache=auth.open_cache(env, warn=lambda m: None))
    with GraphClient(server.graph_url, auth=provider, verify=str(server.ca_path)) as gc:
        site = gc.get_site(path="/sites/plansync")
        lst = gc.ensure_list(site["id"], "Actions", [{"name": "RowKey", "text": {}}])
        item = gc.create_item(site["id"], lst["id"], {"RowKey": "a"})
    assert {"displayName": "Alice Smith", "email": "alice.smith@example.org"} == {
        k: item["lastModifiedBy"]["user"][k] for k in ("displayName", "email")
    }


def test_signing_out_removes_the_person_and_then_graph_calls_ask_for_a_sign_in(server, tmp_path):
    env = env_for(server, tmp_path)
    target, cache = target_and_cache(server, env)
    auth.login(target, "bob@example.org", environ=env, cache=cache)
    assert ["bob@example.org"] == auth.logout(target, environ=env, cache=cache)
    assert [] == auth.status(target, environ=env, cache=cache)
    with pytest.raises(AuthError) as err:
        auth.token_provider(target, environ=env, cache=cache)
    assert (
        f"Nobody is signed in to {server.graph_url}. Sign in first: plansync auth login --as you@example.org"
    ) == str(err.value)


def test_with_two_people_signed_in_plansync_asks_which_one(server, tmp_path):
    env = env_for(server, tmp_path)
    target, cache = target_and_cache(server, env)
    auth.login(target, "bob@example.org", environ=env, cache=cache)
    auth.login(target, "alice@example.org", environ=env, cache=cache)
    with pytest.raises(AuthError) as err:
        auth.token_provider(target, environ=env, cache=cache)
    assert (
        f"Several people are signed in to {server.graph_url} (alice@example.org, bob@example.org). Say who you are "
        "with --as EMAIL, or sign the others out: plansync auth logout --as EMAIL"
    ) == str(err.value)
    assert "bob@example.org" == auth.token_provider(target, as_email="bob@example.org", environ=env, cache=cache).user


def test_device_code_sign_in_shows_the_code_and_completes_once_approved(server, tmp_path):
    env = env_for(server, tmp_path)
    target, cache = target_and_cache(server, env)
    shown = []

    def approve(message):
        shown.append(message)
        code = re.search(r"enter the code (\w+)", message).group(1)
        page = httpx.post(
            server.graph_url.removesuffix("/v1.0") + "/devicelogin",
            data={"user_code": code, "email": "carol@example.org", "decision": "approve"},
            verify=ssl.create_default_context(cafile=str(server.ca_path)),
        )
        assert 200 == page.status_code

    signin = auth.login(target, environ=env, cache=cache, echo=approve)
    assert "carol@example.org" == signin.user
    assert shown[0].startswith(f"To sign in, use a web browser to open the page https://127.0.0.1:{server.port}/devicelogin")


def test_a_scheduled_job_signs_in_as_the_app_with_a_secret_from_the_environment(server, tmp_path):
    env = env_for(server, tmp_path, PLANSYNC_CLIENT_SECRET="s3cret")
    target, cache = target_and_cache(server, env)
    signin = auth.login(target, environ=env, cache=cache)
    assert ("plansync", "app") == (signin.user, signin.kind)
    provider = auth.token_provider(target, environ=env, cache=cache)
    with GraphClient(server.graph_url, auth=provider, verify=str(server.ca_path)) as gc:
        assert gc.get_site()["id"]
    assert [("plansync", "app")] == [(s.user, s.kind) for s in auth.status(target, environ=env, cache=cache)]


def test_a_wrong_app_secret_says_what_to_check(server, tmp_path):
    env = env_for(server, tmp_path, PLANSYNC_CLIENT_SECRET="wrong")
    target, cache = target_and_cache(server, env)
    with pytest.raises(AuthError) as err:
        auth.login(target, environ=env, cache=cache)
    assert (
        f"{server.graph_url} refused the app sign-in of plansync (invalid_client: The client secret is not the one this "
        "local list server was started with.). Check PLANSYNC_CLIENT_ID and the certificate or PLANSYNC_CLIENT_SECRET, "
        "and that an admin consented to the app."
    ) == str(err.value)


def test_a_scheduled_job_signs_in_with_a_certificate(server, tmp_path):
    pem = tmp_path / "plansync-app.pem"
    pem.write_bytes(_key_and_certificate())
    env = env_for(server, tmp_path, PLANSYNC_CLIENT_CERT=str(pem))
    target, cache = target_and_cache(server, env)
    assert ("plansync", "app") == (lambda s: (s.user, s.kind))(auth.login(target, environ=env, cache=cache))


def test_the_cli_signs_in_shows_status_prints_a_token_and_signs_out(tmp_path, monkeypatch):
    def no_keyring(location):
        raise ImportError("Unable to import module 'gi'")

    monkeypatch.setattr(auth.msal_extensions, "build_encrypted_persistence", no_keyring)
    env = {"PLANSYNC_HOME": str(tmp_path / "home"), "PLANSYNC_TOKEN_CACHE": str(tmp_path / "tokens.bin")}
    runner = CliRunner()
    where = f"the local list server (data in {tmp_path / 'home'})"

    result = runner.invoke(main, ["auth", "status"], env=env)
    assert 1 == result.exit_code
    assert (
        f"Nobody is signed in for list 'Actions' on {where}. Sign in: plansync auth login --as you@example.org\n"
    ) == result.stdout
    # Without a keyring the cache is a plain file, and plansync says so once.
    assert (
        f"Warning: your sign-in is kept in {tmp_path / 'tokens.bin'} without encryption, because the keyring library "
        "(PyGObject with libsecret) is not installed; only your user account can read the file.\n"
    ) == result.stderr

    result = runner.invoke(main, ["auth", "login", "--as", "dana@example.org"], env=env)
    assert 0 == result.exit_code, result.output
    assert re.fullmatch(
        rf"Signed in: dana@example\.org signed in to {re.escape(where)} \(access token valid until "
        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\)\n", result.stdout
    )
    result = runner.invoke(main, ["auth", "status"], env=env)
    assert (0, 1) == (result.exit_code, len(result.stdout.splitlines()))
    assert result.stdout.startswith(f"dana@example.org signed in to {where} (access token valid until ")

    result = runner.invoke(main, ["auth", "token"], env=env)
    assert 0 == result.exit_code
    assert re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+\n", result.stdout)  # a bearer token, and nothing else

    result = runner.invoke(main, ["auth", "logout"], env=env)
    assert f"Signed out dana@example.org for list 'Actions' on {where}.\n" == result.stdout

    result = runner.invoke(main, ["auth", "token"], env=env)
    assert 2 == result.exit_code
    assert f"Error: Nobody is signed in to {where}. Sign in first: plansync auth login --as you@example.org\n" in result.stderr


def test_the_cli_refuses_a_development_identity_against_sharepoint(tmp_path):
    env = {"PLANSYNC_TOKEN_CACHE": str(tmp_path / "tokens.bin")}
    result = CliRunner().invoke(
        main, ["auth", "login", "--as", "dana@example.org", "--site", "https://contoso.sharepoint.com/sites/x"], env=env
    )
    assert 2 == result.exit_code
    assert result.stderr.endswith(
        "Error: --as dana@example.org signs in a development identity, which only the local list server has; "
        "https://graph.microsoft.com/v1.0 is real SharePoint. Sign in as yourself: plansync auth login\n"
    )


def _key_and_certificate() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "plansync scheduled job")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return key_pem + cert.public_bytes(serialization.Encoding.PEM)


def test_the_cli_takes_the_site_and_list_from_the_workbooks_settings_sheet(tmp_path):
    import openpyxl

    from plansync.commands.new import new_workbook

    path = tmp_path / "plan.xlsx"
    new_workbook(path)
    wb = openpyxl.load_workbook(path)
    for row in wb["Settings"].iter_rows(min_row=1, max_row=15):
        if row[0].value == "SharePoint site":
            row[1].value = "contoso.sharepoint.com:/sites/plans"
        if row[0].value == "SharePoint list":
            row[1].value = "Improvement actions"
    wb.save(path)
    env = {"PLANSYNC_TOKEN_CACHE": str(tmp_path / "tokens.bin")}
    result = CliRunner().invoke(main, ["auth", "status", "--workbook", str(path)], env=env)
    assert 1 == result.exit_code
    assert (
        "Nobody is signed in for list 'Improvement actions' on contoso.sharepoint.com/sites/plans "
        "(SharePoint at https://graph.microsoft.com/v1.0). Sign in: plansync auth login\n"
    ) == result.stdout
    result = CliRunner().invoke(main, ["auth", "status", "--workbook", str(path), "--list", "Other"], env=env)
    assert result.stdout.startswith("Nobody is signed in for list 'Other' on contoso.sharepoint.com/sites/plans ")

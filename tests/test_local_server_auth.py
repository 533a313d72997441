"""Sign-in on the local list server: bearer tokens on Graph calls, and the OAuth endpoints msal uses."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from _local_server_support import BASE, client_for, error_code, sign_in, site_id

from sync.local_server import TENANT, create_app

TOKEN_URL = f"/{TENANT}/oauth2/v2.0/token"


@pytest.fixture
def app():
    app = create_app()
    yield app
    app.close()


@pytest.fixture
def anonymous(app):
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)


def test_graph_call_without_a_token_is_401_with_a_bearer_challenge(anonymous):
    response = anonymous.get("/v1.0/sites/root")
    assert (401, "InvalidAuthenticationToken", "Access token is empty.") == error_code(response)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="", authorization_uri="https://127.0.0.1:8443/')


def test_a_forged_token_is_401(anonymous):
    token = sign_in(anonymous)["access_token"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = anonymous.get("/v1.0/sites/root", headers={"Authorization": "Bearer " + forged})
    assert (401, "InvalidAuthenticationToken", "Access token validation failure.") == error_code(response)


def test_an_expired_token_is_401_and_a_refreshed_one_works():
    app = create_app(token_lifetime=0)
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)
    tokens = sign_in(client)
    response = client.get("/v1.0/sites/root", headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert (401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.") == error_code(response)
    refreshed = client.post(TOKEN_URL, data={"client_id": "plansync-tests", "grant_type": "refresh_token",
                                             "refresh_token": tokens["refresh_token"], "scope": "Sites.ReadWrite.All"})
    assert 200 == refreshed.status_code
    app.close()


def test_password_grant_answers_what_msal_needs_to_cache_an_account(anonymous):
    tokens = sign_in(anonymous, "bob@example.org")
    assert {"access_token", "client_info", "expires_in", "ext_expires_in", "id_token", "refresh_token", "scope",
            "token_type"} == set(tokens)
    assert ("Bearer", 3600, "https://graph.microsoft.com/Sites.ReadWrite.All") == (
        tokens["token_type"], tokens["expires_in"], tokens["scope"])
    payload = json.loads(base64.urlsafe_b64decode(tokens["id_token"].split(".")[1] + "=="))
    info = json.loads(base64.urlsafe_b64decode(tokens["client_info"] + "=="))
    assert ("bob@example.org", TENANT) == (payload["preferred_username"], info["utid"])


def test_wrong_development_password_is_refused_with_what_to_do(anonymous):
    response = anonymous.post(TOKEN_URL, data={"client_id": "c", "grant_type": "password",
                                               "username": "bob@example.org", "password": "secret"})
    assert (400, {"error": "invalid_grant", "error_description": "The local list server signs in development "
                  "identities only: give any email address as the user name and the password 'local-dev'."}) == (
        response.status_code, response.json())


def test_discovery_document_names_https_endpoints_under_the_tenant(anonymous):
    doc = anonymous.get(f"/{TENANT}/v2.0/.well-known/openid-configuration").json()
    base = f"https://127.0.0.1:8443/{TENANT}"
    assert (f"{base}/oauth2/v2.0/authorize", f"{base}/oauth2/v2.0/token", f"{base}/oauth2/v2.0/devicecode",
            f"{base}/v2.0") == (doc["authorization_endpoint"], doc["token_endpoint"],
                                doc["device_authorization_endpoint"], doc["issuer"])


def test_device_code_is_pending_until_a_person_approves_it(anonymous):
    flow = anonymous.post(f"/{TENANT}/oauth2/v2.0/devicecode",
                          data={"client_id": "plansync", "scope": "Sites.ReadWrite.All openid profile offline_access"}).json()
    poll = {"client_id": "plansync", "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "device_code": flow["device_code"], "code": flow["device_code"]}
    assert "authorization_pending" == anonymous.post(TOKEN_URL, data=poll).json()["error"]
    assert flow["verification_uri"] == "https://127.0.0.1:8443/devicelogin"
    assert 200 == anonymous.get("/devicelogin").status_code
    page = anonymous.post("/devicelogin", data={"user_code": flow["user_code"], "email": "carol@example.org",
                                                 "decision": "approve"})
    assert "Signed in as carol@example.org." in page.text
    tokens = anonymous.post(TOKEN_URL, data=poll).json()
    me = anonymous.post(f"/v1.0/sites/{site_id(_with(anonymous, tokens))}/lists",
                        json={"displayName": "Mine"}, headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert "carol@example.org" == me.json()["createdBy"]["user"]["email"]
    assert "invalid_grant" == anonymous.post(TOKEN_URL, data=poll).json()["error"]


def _with(client: httpx.Client, tokens: dict) -> httpx.Client:
    client.headers["Authorization"] = "Bearer " + tokens["access_token"]
    return client


def test_declined_device_code_stops_polling(anonymous):
    flow = anonymous.post(f"/{TENANT}/oauth2/v2.0/devicecode", data={"client_id": "plansync", "scope": "x"}).json()
    anonymous.post("/devicelogin", data={"user_code": flow["user_code"], "decision": "decline"})
    poll = {"client_id": "plansync", "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "device_code": flow["device_code"]}
    assert "authorization_declined" == anonymous.post(TOKEN_URL, data=poll).json()["error"]


def test_client_credentials_need_the_secret_the_server_was_started_with():
    app = create_app(client_secret="s3cret")
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)
    data = {"client_id": "nightly-job", "grant_type": "client_credentials",
            "scope": "https://graph.microsoft.com/.default"}
    assert "invalid_client" == client.post(TOKEN_URL, data={**data, "client_secret": "guess"}).json()["error"]
    tokens = client.post(TOKEN_URL, data={**data, "client_secret": "s3cret"}).json()
    assert "refresh_token" not in tokens
    client.headers["Authorization"] = "Bearer " + tokens["access_token"]
    created = client.post(f"/v1.0/sites/{site_id(client)}/lists", json={"displayName": "Job"}).json()
    assert {"application": {"displayName": "nightly-job", "id": "nightly-job"},
            "user": {"displayName": "SharePoint App"}} == created["createdBy"]
    app.close()


def test_tokens_from_one_tenant_path_only(anonymous):
    response = anonymous.get("/organizations/v2.0/.well-known/openid-configuration")
    assert ("invalid_tenant", 400) == (response.json()["error"], response.status_code)


def test_writes_record_the_signed_in_person_as_last_modifier(app):
    alice, bob = client_for(app, "alice@example.org"), client_for(app, "bob.jones@example.org")
    items = f"/v1.0/sites/{site_id(alice)}/lists"
    list_id = alice.post(items, json={"displayName": "Shared"}).json()["id"]
    alice.post(f"{items}/{list_id}/items", json={"fields": {"Title": "a"}})
    bob.patch(f"{items}/{list_id}/items/1/fields", json={"Title": "b"})
    item = alice.get(f"{items}/{list_id}/items/1").json()
    assert ("alice@example.org", "Bob Jones", "bob.jones@example.org") == (
        item["createdBy"]["user"]["email"], item["lastModifiedBy"]["user"]["displayName"],
        item["lastModifiedBy"]["user"]["email"])

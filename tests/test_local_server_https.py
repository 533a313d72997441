"""The local list server over real HTTPS on loopback, trusting exactly its own certificate, with msal."""

from __future__ import annotations

import ssl

import httpx
import msal
import pytest
import requests

from sync.local_server import TENANT, serve_in_thread

SCOPES = ["https://graph.microsoft.com/Sites.ReadWrite.All"]


def trust(server) -> ssl.SSLContext:
    """Trust exactly the server's own CA (httpx deprecates verify=<path>)."""
    return ssl.create_default_context(cafile=str(server.ca_path))


def msal_http(server) -> requests.Session:
    """msal's HTTP session trusting the server's CA. ``verify=`` alone is not enough: requests lets
    REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE from the environment override a session's ``verify``
    (psf/requests#3829), so the environment is not consulted for this session."""
    session = requests.Session()
    session.verify = str(server.ca_path)
    session.trust_env = False
    return session


@pytest.fixture
def server(tmp_path):
    with serve_in_thread(tmp_path / "home", page_size=5) as running:
        yield running


def _password_token(server, email: str = "alice@example.org") -> str:
    with httpx.Client(verify=trust(server)) as client:
        response = client.post(f"{server.authority}/oauth2/v2.0/token", data={
            "client_id": "plansync", "grant_type": "password", "username": email, "password": "local-dev",
            "scope": " ".join(SCOPES)})
    return response.json()["access_token"]


def _graph(server, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.graph_url + "/", verify=trust(server),
                        headers={"Authorization": f"Bearer {token}"})


def test_ready_lines_name_the_graph_url_authority_and_certificate(server, tmp_path):
    assert [f"graph: https://127.0.0.1:{server.port}/v1.0", f"authority: https://127.0.0.1:{server.port}/{TENANT}",
            f"ca: {tmp_path / 'home' / 'tls' / 'ca.pem'}"] == server.ready_lines()


def test_a_client_trusting_only_the_servers_ca_connects(server):
    with httpx.Client(verify=trust(server)) as client:
        assert 401 == client.get(server.graph_url + "/sites/root").status_code
    with httpx.Client(base_url=f"https://localhost:{server.port}", verify=trust(server)) as client:
        assert 401 == client.get("/v1.0/sites/root").status_code


def test_a_client_with_the_default_trust_store_refuses_the_certificate(server):
    with httpx.Client() as client, pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        client.get(server.graph_url + "/sites/root")


def test_msal_device_code_sign_in_then_silent_refresh(server):
    app = msal.PublicClientApplication("plansync", authority=server.authority, instance_discovery=False,
                                       http_client=msal_http(server))
    flow = app.initiate_device_flow(SCOPES)
    assert flow["user_code"] in flow["message"]
    with httpx.Client(verify=trust(server)) as browser:
        page = browser.post(flow["verification_uri"], data={"user_code": flow["user_code"],
                                                             "email": "dana@example.org", "decision": "approve"})
    assert 200 == page.status_code
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    (account,) = app.get_accounts()
    assert "dana@example.org" == account["username"]
    refreshed = app.acquire_token_silent(SCOPES, account=account, force_refresh=True)
    assert "identity_provider" == refreshed["token_source"]
    with _graph(server, refreshed["access_token"]) as graph:
        site = graph.get("sites/root")
    assert 200 == site.status_code


def test_msal_client_credentials_with_a_secret(tmp_path):
    with serve_in_thread(tmp_path / "home", client_secret="job-secret") as server:
        app = msal.ConfidentialClientApplication("nightly", client_credential="job-secret",
                                                 authority=server.authority, instance_discovery=False,
                                                 http_client=msal_http(server))
        result = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
        with _graph(server, result["access_token"]) as graph:
            assert 200 == graph.get("sites/root").status_code


def test_paging_past_several_pages_over_https(server):
    with _graph(server, _password_token(server)) as graph:
        site = graph.get("sites/localhost:/sites/plansync").json()["id"]
        list_id = graph.post(f"sites/{site}/lists", json={"displayName": "Paged"}).json()["id"]
        for n in range(23):
            assert 201 == graph.post(f"sites/{site}/lists/{list_id}/items", json={"fields": {"Title": f"t{n}"}}).status_code
        url, titles, pages = f"sites/{site}/lists/{list_id}/items?$expand=fields($select=Title)", [], 0
        while url:
            body = graph.get(url).json()
            titles += [i["fields"]["Title"] for i in body["value"]]
            url, pages = body.get("@odata.nextLink"), pages + 1
    assert ([f"t{n}" for n in range(23)], 5) == (titles, pages)


def test_restart_keeps_the_data_the_certificate_and_valid_tokens(tmp_path):
    home = tmp_path / "home"
    with serve_in_thread(home) as first:
        token = _password_token(first)
        ca = first.ca_path.read_bytes()
        with _graph(first, token) as graph:
            site = graph.get("sites/localhost:/sites/plansync").json()["id"]
            list_id = graph.post(f"sites/{site}/lists", json={"displayName": "Kept"}).json()["id"]
            graph.post(f"sites/{site}/lists/{list_id}/items", json={"fields": {"Title": "survives"}})
    with serve_in_thread(home) as second:
        assert ca == second.ca_path.read_bytes()
        with _graph(second, token) as graph:
            assert site == graph.get("sites/localhost:/sites/plansync").json()["id"]
            item = graph.get(f"sites/{site}/lists/Kept/items/1?expand=fields").json()
    assert "survives" == item["fields"]["Title"]


def test_restart_on_the_same_port_straight_after_stopping(tmp_path):
    with serve_in_thread(tmp_path / "home") as first:
        token = _password_token(first)
        with _graph(first, token) as graph:
            assert 200 == graph.get("sites/root").status_code
        port = first.port
    with serve_in_thread(tmp_path / "home", port=port) as second, _graph(second, token) as graph:
        assert (port, 200) == (second.port, graph.get("sites/root").status_code)

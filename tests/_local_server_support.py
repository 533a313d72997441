"""Helpers for the local list server tests: an in-process client signed in as a development identity."""

from __future__ import annotations

import httpx

from sync.local_server import TENANT, create_app

BASE = "https://127.0.0.1:8443"
GRAPH = BASE + "/v1.0"

ACTIONS = {
    "displayName": "Actions",
    "columns": [
        {"name": "RowKey", "text": {"maxLength": 255}, "indexed": True, "enforceUniqueValues": True},
        {"name": "Progress", "text": {"allowMultipleLines": True, "linesForEditing": 6}},
        {"name": "Target", "dateTime": {"format": "dateOnly"}},
        {"name": "Status", "choice": {"choices": ["On track", "At risk"], "displayAs": "dropDownMenu",
                                      "allowTextEntry": False}},
        {"name": "DaysOverdue", "number": {"decimalPlaces": "none"}},
        {"name": "Overdue", "boolean": {}},
    ],
}


def sign_in(client: httpx.Client, email: str = "alice.smith@example.org") -> dict:
    response = client.post(f"/{TENANT}/oauth2/v2.0/token", data={
        "client_id": "plansync-tests", "grant_type": "password", "username": email, "password": "local-dev",
        "scope": "https://graph.microsoft.com/Sites.ReadWrite.All openid profile offline_access"})
    assert 200 == response.status_code, response.text
    return response.json()


def client_for(app, email: str = "alice.smith@example.org") -> httpx.Client:
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE)
    client.headers["Authorization"] = "Bearer " + sign_in(client, email)["access_token"]
    return client


def new_server(**options):
    app = create_app(**options)
    return app, client_for(app)


def site_id(client: httpx.Client) -> str:
    return client.get("/v1.0/sites/localhost:/sites/plansync").json()["id"]


def make_list(client: httpx.Client, body: dict = ACTIONS) -> str:
    """Create the list; returns its items URL."""
    site = site_id(client)
    response = client.post(f"/v1.0/sites/{site}/lists", json=body)
    assert 201 == response.status_code, response.text
    return f"/v1.0/sites/{site}/lists/{response.json()['id']}/items"


def error_code(response: httpx.Response) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"]

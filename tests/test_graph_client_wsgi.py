"""GraphClient in-process against the local list server's WSGI app (no sockets): the fast seam."""

from __future__ import annotations

import httpx
import pytest

from sync.auth import StaticToken
from sync.batching import create_item_request
from sync.graph import GraphClient
from sync.local_server import TENANT, create_app

BASE = "https://local.test/v1.0"


@pytest.fixture
def app():
    server = create_app(None, page_size=3)
    yield server
    server.close()


def dev_token(transport, email="erin@example.org"):
    """A development identity's access token straight from the token endpoint (msal needs real HTTPS)."""
    response = httpx.Client(transport=transport).post(
        f"https://local.test/{TENANT}/oauth2/v2.0/token",
        data={"grant_type": "password", "client_id": "plansync", "username": email, "password": "local-dev",
              "scope": "Sites.ReadWrite.All"},
    )
    return StaticToken(response.json()["access_token"], user=email)


def test_the_same_client_runs_in_process_over_the_wsgi_app(app):
    transport = httpx.WSGITransport(app=app)
    gc = GraphClient(BASE, auth=dev_token(transport), transport=transport)
    site = gc.get_site(path="/sites/plansync")["id"]
    lst = gc.ensure_list(site, "Actions", [{"name": "RowKey", "text": {}, "indexed": True, "enforceUniqueValues": True}])["id"]
    answers = gc.batch([create_item_request(str(n), site, lst, {"RowKey": f"k{n}"}) for n in range(7)])
    assert [201] * 7 == [a.status for a in answers]
    before = gc.requests
    assert [f"k{n}" for n in range(7)] == sorted(i["fields"]["RowKey"] for i in gc.iter_items(site, lst))
    assert 3 == gc.requests - before  # pages of 3, 3 and 1
    result = gc.delta(site, lst)
    assert (7, False) == (len(result.items), result.resynced)
    assert "erin@example.org" == gc.get_item(site, lst, answers[0].body["id"])["createdBy"]["user"]["email"]


def test_a_list_named_with_spaces_is_found_again_by_its_name(app):
    transport = httpx.WSGITransport(app=app)
    gc = GraphClient(BASE, auth=dev_token(transport), transport=transport)
    site = gc.get_site(path="/sites/plansync")["id"]
    made = gc.ensure_list(site, "Board actions 2026", [{"name": "RowKey", "text": {}}])
    assert made["id"] == gc.get_list(site, "Board actions 2026")["id"]
    assert "Board actions 2026" == gc.get_list(site, made["id"])["displayName"]

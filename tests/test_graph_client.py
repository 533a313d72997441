"""GraphClient against handler functions (httpx.MockTransport): paging, retries, errors.

Payload shapes come from tests/fixtures/graph_payloads.json, written from GRAPH.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from plansync.errors import AuthError, ConflictError, GraphError, SettingsError, SyncError, ThrottledError
from graph_mocks import BASE, mock_client
from sync.auth import StaticToken
from sync.graph import GraphClient
from sync.transport import USER_AGENT

PAYLOADS = json.loads((Path(__file__).parent / "fixtures" / "graph_payloads.json").read_text(encoding="utf-8"))
SITE = PAYLOADS["site"]["body"]["id"]
LIST = PAYLOADS["list"]["body"]["id"]
ITEMS = f"/v1.0/sites/{SITE}/lists/{LIST}/items"


def body(name):
    return PAYLOADS[name]["body"]


def client_on(handler, *, auth=None, max_retries=5, sleeps=None):
    return mock_client(handler, auth=auth or StaticToken("t0", user="alice@example.org"), max_retries=max_retries, sleeps=sleeps)


class RefreshingToken:
    """Hands out t0, then a new token each time a refresh is forced."""

    user = "alice@example.org"

    def __init__(self):
        self.refreshes = 0

    def token(self, *, force_refresh=False):
        self.refreshes += force_refresh
        return f"t{self.refreshes}"


def test_requests_carry_the_bearer_token_and_the_graph_user_agent():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json=body("site"))

    client = client_on(handler)
    assert SITE == client.get_site("contoso.sharepoint.com", "/sites/improvement")["id"]
    assert "/v1.0/sites/contoso.sharepoint.com:/sites/improvement" == seen[0].url.path
    assert "Bearer t0" == seen[0].headers["Authorization"]
    assert "NONISV|plansync|plansync/0.1.0" == seen[0].headers["User-Agent"] == USER_AGENT
    assert 1 == client.requests


def test_site_by_path_alone_takes_the_hostname_from_the_root_site():
    paths = []

    def handler(request):
        paths.append(request.url.path)
        return httpx.Response(200, json=body("site"))

    client_on(handler).get_site(path="/sites/plansync")
    assert ["/v1.0/sites/root", "/v1.0/sites/contoso.sharepoint.com:/sites/plansync"] == paths


def test_paging_follows_every_next_link_verbatim_until_there_is_none():
    links = [f"{BASE}/sites/{SITE}/lists/{LIST}/items?$expand=fields&$skiptoken=Paged%3DTRUE%26p_ID%3D{n}" for n in (2, 4)]
    seen = []

    def handler(request):
        seen.append(str(request.url))
        page = len(seen)
        answer = {"value": [{"id": str(2 * page - 1)}, {"id": str(2 * page)}]}
        if page <= len(links):
            answer["@odata.nextLink"] = links[page - 1]
        return httpx.Response(200, json=answer)

    client = client_on(handler)
    items = list(client.iter_items(SITE, LIST, select=["RowKey", "Status"]))
    assert ["1", "2", "3", "4", "5", "6"] == [i["id"] for i in items]
    assert "fields($select=RowKey,Status)" == httpx.URL(seen[0]).params["$expand"]
    assert links == seen[1:]
    assert 3 == client.requests


def test_a_next_link_to_another_server_is_refused_so_the_token_stays_home():
    def handler(request):
        return httpx.Response(200, json={"value": [{"id": "1"}], "@odata.nextLink": "https://evil.example/v1.0/x?$skiptoken=1"})

    with pytest.raises(GraphError) as err:
        list(client_on(handler).iter_items(SITE, LIST))
    assert (
        "The server at graph.example.test sent a next-page link plansync will not follow "
        "(https://evil.example/v1.0/x?$skiptoken=1). Report this with the list name; nothing was changed."
    ) == str(err.value)


def test_a_broken_next_link_ends_with_the_servers_error_and_request_id():
    def handler(request):
        if "skiptoken" in str(request.url):
            return httpx.Response(404, json=body("error_item_not_found"))
        return httpx.Response(200, json={"value": [{"id": "1"}], "@odata.nextLink": f"{BASE}/sites/x/lists/y/items?$skiptoken=gone"})

    with pytest.raises(GraphError) as err:
        list(client_on(handler).iter_items(SITE, LIST))
    assert (
        "graph.example.test answered 404 to GET /v1.0/sites/x/lists/y/items (itemNotFound: The resource could not be found.). "
        "Check the site and list names (the Settings sheet, or --site/--list). (request-id 4e4d2d8c-5a34-4f3f-9c55-3d3c1a5b1e2f)"
    ) == str(err.value)
    assert (404, "itemNotFound", "4e4d2d8c-5a34-4f3f-9c55-3d3c1a5b1e2f") == (err.value.status, err.value.code, err.value.request_id)


def test_throttled_request_waits_the_fractional_retry_after_then_succeeds():
    sleeps, calls = [], []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "2.128"}, json=body("error_throttled"))
        return httpx.Response(200, json=body("listitem"))

    client = client_on(handler, sleeps=sleeps)
    assert "20" == client.get_item(SITE, LIST, "20")["id"]
    assert [2.128] == sleeps
    assert 2 == client.requests


def test_busy_server_without_retry_after_backs_off_exponentially_with_jitter_then_gives_up():
    sleeps = []

    def handler(request):
        return httpx.Response(503, json={"error": {"code": "serviceNotAvailable", "message": "Server Too Busy"}})

    with pytest.raises(ThrottledError) as err:
        client_on(handler, sleeps=sleeps, max_retries=3).create_item(SITE, LIST, {"Title": "A"})
    # Full jitter: each wait is drawn between 0 and the doubling step (1, 2, 4 seconds).
    assert 3 == len(sleeps)
    assert all(0.0 <= wait <= step for wait, step in zip(sleeps, [1.0, 2.0, 4.0])), sleeps
    assert (
        "SharePoint is busy (graph.example.test answered 503 4 times in a row); nothing was lost, sync again later."
    ) == str(err.value)


def test_an_expired_token_is_refreshed_once_and_the_call_goes_through():
    auth = RefreshingToken()

    def handler(request):
        if request.headers["Authorization"] == "Bearer t0":
            return httpx.Response(401, json=body("error_unauthenticated"))
        return httpx.Response(200, json=body("site"))

    client = client_on(handler, auth=auth)
    assert SITE == client.get_site()["id"]
    assert 1 == auth.refreshes
    assert 2 == client.requests


def test_a_refused_token_after_the_refresh_says_to_sign_in_again():
    auth = RefreshingToken()

    def handler(request):
        return httpx.Response(401, json=body("error_unauthenticated"))

    with pytest.raises(AuthError) as err:
        client_on(handler, auth=auth).get_site()
    assert 1 == auth.refreshes
    assert (
        "graph.example.test refused the sign-in of alice@example.org "
        "(InvalidAuthenticationToken: Access token has expired or is not yet valid.). Sign in again: plansync auth login"
    ) == str(err.value)


def test_a_stale_etag_is_a_conflict_naming_the_item_and_sends_the_etag_verbatim():
    etags = []

    def handler(request):
        etags.append(request.headers.get("If-Match"))
        return httpx.Response(412, json=body("error_precondition"))

    with pytest.raises(ConflictError) as err:
        client_on(handler).update_fields(SITE, LIST, "20", {"Status": "Complete"}, etag=body("listitem")["eTag"])
    assert ['"{12AD05BB-59B8-43AA-9456-77C44E9BC066},756"'] == etags
    assert "20" == err.value.item_id
    assert (
        "Item 20 was changed by someone else since plansync last read it "
        "(resourceModified: The resource has changed since the caller last read it.). Sync again to pick up their change."
    ) == str(err.value)


def test_update_returns_the_field_value_set_and_delete_returns_nothing():
    def handler(request):
        if request.method == "PATCH":
            assert {"Status": "Complete"} == json.loads(request.content)
            return httpx.Response(200, json=body("fields_patch_response"))
        assert "DELETE" == request.method and f"{ITEMS}/20" == request.url.path
        return httpx.Response(204)

    client = client_on(handler)
    assert body("fields_patch_response") == client.update_fields(SITE, LIST, "20", {"Status": "Complete"})
    assert client.delete_item(SITE, LIST, "20") is None


def test_create_wraps_values_in_fields_and_returns_the_list_item():
    def handler(request):
        assert ("POST", ITEMS) == (request.method, request.url.path)
        assert {"fields": {"Title": "Widget"}} == json.loads(request.content)
        return httpx.Response(201, json=body("listitem"))

    assert "20" == client_on(handler).create_item(SITE, LIST, {"Title": "Widget"})["id"]


def test_missing_list_and_missing_item_are_none_not_errors():
    def handler(request):
        return httpx.Response(404, json=body("error_item_not_found"))

    client = client_on(handler)
    assert client.get_list(SITE, "Actions") is None
    assert client.get_item(SITE, LIST, "99") is None


def test_ensure_list_creates_a_missing_list_with_its_columns():
    posted = []

    def handler(request):
        if request.method == "GET":
            return httpx.Response(404, json=body("error_item_not_found"))
        posted.append(json.loads(request.content))
        return httpx.Response(201, json=body("list"))

    columns = [{"name": "RowKey", "text": {"maxLength": 255}, "indexed": True, "enforceUniqueValues": True}]
    assert LIST == client_on(handler).ensure_list(SITE, "Actions", columns)["id"]
    assert [{"displayName": "Actions", "list": {"template": "genericList"}, "columns": columns}] == posted


def test_ensure_list_adds_only_the_columns_an_existing_list_lacks():
    posted = []

    def handler(request):
        if request.method == "GET":
            return httpx.Response(200, json={**body("list"), "columns": [{"name": "Title"}, {"name": "RowKey"}]})
        posted.append((request.url.path, json.loads(request.content)))
        return httpx.Response(201, json=json.loads(request.content))

    client_on(handler).ensure_list(SITE, "Actions", [{"name": "RowKey", "text": {}}, {"name": "Status", "choice": {"choices": ["On track"]}}])
    assert [(f"/v1.0/sites/{SITE}/lists/{LIST}/columns", {"name": "Status", "choice": {"choices": ["On track"]}})] == posted


def test_delta_keeps_the_last_occurrence_of_each_item_and_returns_the_delta_link():
    delta = f"{BASE}/sites/{SITE}/lists/{LIST}/items/delta"

    def handler(request):
        if "token=p2" in str(request.url):
            return httpx.Response(200, json={"value": [{"id": "1", "fields": {"Status": "Complete"}}, body("delta_deleted_item")],
                                             "@odata.deltaLink": f"{delta}?token=d1"})
        return httpx.Response(200, json={"value": [{"id": "1", "fields": {"Status": "On track"}}, {"id": "2", "fields": {}}],
                                         "@odata.nextLink": f"{delta}?token=p2"})

    result = client_on(handler).delta(SITE, LIST)
    assert [("2", None), ("1", "Complete"), ("3", None)] == [
        (i["id"], (i.get("fields") or {}).get("Status")) for i in result.items
    ]
    assert {"state": "deleted"} == result.items[2]["deleted"]
    assert f"{delta}?token=d1" == result.delta_link
    assert result.resynced is False


def test_an_expired_delta_link_starts_again_from_the_location_header():
    delta = f"{BASE}/sites/{SITE}/lists/{LIST}/items/delta"
    seen = []

    def handler(request):
        seen.append(str(request.url))
        if "token=old" in str(request.url):
            return httpx.Response(410, headers={"Location": f"{delta}?token=fresh"}, json=body("error_delta_expired"))
        return httpx.Response(200, json={"value": [{"id": "7"}], "@odata.deltaLink": f"{delta}?token=new"})

    result = client_on(handler).delta(SITE, LIST, link=f"{delta}?token=old")
    assert [f"{delta}?token=old", f"{delta}?token=fresh"] == seen
    assert (["7"], f"{delta}?token=new", True) == ([i["id"] for i in result.items], result.delta_link, result.resynced)


def test_a_reply_that_is_not_json_is_a_graph_error():
    def handler(request):
        return httpx.Response(200, text="<html>proxy login</html>")

    with pytest.raises(GraphError) as err:
        client_on(handler).get_site()
    assert (
        "graph.example.test answered GET /v1.0/sites/root with something that is not JSON. "
        "Report this to whoever looks after plansync, with the request-id."
    ) == str(err.value)


def test_certificate_checks_cannot_be_switched_off():
    with pytest.raises(ValueError, match="never turns certificate checks off"):
        GraphClient(BASE, auth=StaticToken("t"), verify=False)


def test_a_server_that_does_not_answer_at_all_is_one_sync_error_after_two_retries():
    calls = []

    def handler(request):
        calls.append(1)
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(SyncError) as err:
        client_on(handler).get_site()
    assert 3 == len(calls)
    assert (
        "Could not connect to graph.example.test ([Errno 111] Connection refused). "
        "Check the network connection and the Graph address, then try again."
    ) == str(err.value)
    assert isinstance(err.value.__cause__, httpx.ConnectError)


def test_a_create_is_not_resent_when_the_connection_broke_after_sending():
    calls = []

    def handler(request):
        calls.append(1)
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    with pytest.raises(SyncError) as err:
        client_on(handler).create_item(SITE, LIST, {"Title": "A"})
    assert 1 == len(calls)
    assert (
        f"The connection to graph.example.test broke during POST {ITEMS} "
        "(Server disconnected without sending a response.). Try again."
    ) == str(err.value)


def test_an_http_graph_url_is_a_settings_error():
    client = GraphClient("ftp://graph.example.test/v1.0", auth=StaticToken("t"))
    with pytest.raises(SettingsError) as err:
        client.get_site()
    assert err.value.setting == "graph_url"
    assert str(err.value).startswith("The Graph address ftp://graph.example.test/v1.0/sites/root is not a usable https:// address")


def test_a_retry_after_longer_than_two_minutes_ends_the_command_at_once():
    sleeps = []

    def handler(request):
        return httpx.Response(429, headers={"Retry-After": "600"}, json=body("error_throttled"))

    with pytest.raises(ThrottledError) as err:
        client_on(handler, sleeps=sleeps).get_site()
    assert [] == sleeps
    assert 600.0 == err.value.retry_after
    assert (
        "SharePoint is busy (graph.example.test answered 429 and asks plansync to wait 600 seconds); "
        "nothing was lost, sync again later."
    ) == str(err.value)

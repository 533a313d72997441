"""GraphClient over real HTTPS on loopback against the local list server, signed in through msal."""

from __future__ import annotations

import json
import ssl

import httpx
import pytest

from plansync.errors import AuthError, ConflictError, GraphError
from sync import auth
from sync.batching import create_item_request, delete_item_request, update_fields_request
from sync.graph import GraphClient
from sync.local_server import serve_in_thread
from sync.target import find_list, resolve_target

COLUMNS = [
    {"name": "RowKey", "text": {"maxLength": 255}, "indexed": True, "enforceUniqueValues": True},
    {"name": "Status", "choice": {"choices": ["On track", "At risk", "Complete"], "allowTextEntry": False}},
    {"name": "Progress", "text": {"allowMultipleLines": True}},
]


def signed_in(server, tmp_path, email="alice@example.org"):
    """A token provider for ``email`` through msal, with its cache under tmp_path."""
    env = {"PLANSYNC_CA_FILE": str(server.ca_path), "PLANSYNC_TOKEN_CACHE": str(tmp_path / "tokens.bin")}
    target = resolve_target(None, graph_url=server.graph_url, environ=env)
    cache = auth.open_cache(env, warn=lambda message: None)
    return target, auth.token_provider(target, as_email=email, environ=env, cache=cache)


def client_for(server, provider, **kwargs):
    return GraphClient(server.graph_url, auth=provider, verify=str(server.ca_path), sleep=lambda s: None, **kwargs)


@pytest.fixture
def server(tmp_path):
    with serve_in_thread(tmp_path / "home", page_size=5, seed=1) as running:
        yield running


@pytest.fixture
def gc(server, tmp_path):
    _, provider = signed_in(server, tmp_path)
    with client_for(server, provider) as client:
        yield client


@pytest.fixture
def actions(gc):
    site = gc.get_site(path="/sites/plansync")
    return site["id"], gc.ensure_list(site["id"], "Actions", COLUMNS)["id"]


def create(gc, actions, keys):
    site, lst = actions
    answers = gc.batch([create_item_request(k, site, lst, {"RowKey": k, "Status": "On track"}) for k in keys])
    assert all(a.status == 201 for a in answers), [a.body for a in answers if a.status != 201]
    return {a.id: a.body for a in answers}


def test_paging_reads_every_item_across_several_pages(gc, actions):
    create(gc, actions, [f"k{n:02}" for n in range(23)])
    before = gc.requests
    items = list(gc.iter_items(*actions, select=["RowKey"]))
    assert [f"k{n:02}" for n in range(23)] == sorted(i["fields"]["RowKey"] for i in items)
    assert 5 == gc.requests - before  # 5 + 5 + 5 + 5 + 3 at the server's page size of 5


def test_filter_on_the_indexed_row_key_finds_one_item(gc, actions):
    create(gc, actions, ["a", "b", "c"])
    assert ["b"] == [i["fields"]["RowKey"] for i in gc.iter_items(*actions, filter="fields/RowKey eq 'b'")]


def test_delta_reports_creates_updates_and_deletes_since_the_last_link(gc, actions):
    made = create(gc, actions, ["a", "b", "c"])
    first = gc.delta(*actions)
    assert ["a", "b", "c"] == sorted(i["fields"]["RowKey"] for i in first.items)
    site, lst = actions
    gc.update_fields(site, lst, made["a"]["id"], {"Status": "Complete"})
    gc.delete_item(site, lst, made["b"]["id"])
    create(gc, actions, ["d"])
    later = gc.delta(*actions, link=first.delta_link)
    by_id = {i["id"]: i for i in later.items}
    assert {made["a"]["id"], made["b"]["id"]} < set(by_id)
    assert "Complete" == by_id[made["a"]["id"]]["fields"]["Status"]
    assert {"state": "deleted"} == by_id[made["b"]["id"]]["deleted"]
    assert ["d"] == [i["fields"]["RowKey"] for i in later.items if "deleted" not in i and i["id"] not in made.values()
                     and i["fields"]["RowKey"] not in ("a",)]
    assert made["c"]["id"] not in by_id
    assert (False, []) == (later.resynced, gc.delta(*actions, link=later.delta_link).items)


def test_a_damaged_delta_link_gets_410_and_the_client_reads_the_list_again(gc, actions):
    create(gc, actions, ["a", "b"])
    link = gc.delta(*actions).delta_link
    damaged = link.split("token=")[0] + "token=garbage"
    result = gc.delta(*actions, link=damaged)
    assert (True, ["a", "b"]) == (result.resynced, sorted(i["fields"]["RowKey"] for i in result.items))


def test_a_batch_of_20_is_one_request_and_21_are_split_into_two(gc, actions):
    before = gc.requests
    create(gc, actions, [f"x{n}" for n in range(20)])
    assert 1 == gc.requests - before
    before = gc.requests
    create(gc, actions, [f"y{n}" for n in range(21)])
    assert 2 == gc.requests - before
    assert 41 == len(list(gc.iter_items(*actions)))


def test_the_server_refuses_a_raw_batch_of_21_as_graph_does(server, gc, actions):
    site, lst = actions
    requests = [create_item_request(str(n), site, lst, {"RowKey": f"r{n}"}).to_wire(keep_dependency=False) for n in range(21)]
    response = httpx.post(
        server.graph_url + "/$batch", json={"requests": requests},
        headers={"Authorization": f"Bearer {gc._http.auth.token()}"}, verify=ssl.create_default_context(cafile=str(server.ca_path)),
    )
    assert 400 == response.status_code
    assert "Number of requests inside batch exceeds the limit." == response.json()["error"]["message"]
    assert [] == list(gc.iter_items(*actions))


def test_a_stale_etag_is_a_conflict_and_changes_nothing(gc, actions):
    site, lst = actions
    item = gc.create_item(site, lst, {"RowKey": "a", "Status": "On track"})
    gc.update_fields(site, lst, item["id"], {"Status": "At risk"}, etag=item["eTag"])
    with pytest.raises(ConflictError) as err:
        gc.update_fields(site, lst, item["id"], {"Status": "Complete"}, etag=item["eTag"])
    assert item["id"] == err.value.item_id
    with pytest.raises(ConflictError):
        gc.delete_item(site, lst, item["id"], etag=item["eTag"])
    assert "At risk" == gc.get_item(site, lst, item["id"])["fields"]["Status"]


def test_stale_etags_inside_a_batch_come_back_as_conflicts_per_request(gc, actions):
    site, lst = actions
    made = create(gc, actions, ["a", "b"])
    stale = made["a"]["eTag"]
    gc.update_fields(site, lst, made["a"]["id"], {"Status": "At risk"})
    answers = gc.batch([
        update_fields_request("1", site, lst, made["a"]["id"], {"Status": "Complete"}, etag=stale),
        delete_item_request("2", site, lst, made["b"]["id"], etag=made["b"]["eTag"]),
    ])
    assert [412, 204] == [a.status for a in answers]
    assert isinstance(answers[0].error(), ConflictError)


def test_a_second_item_with_the_same_row_key_is_refused(gc, actions):
    site, lst = actions
    gc.create_item(site, lst, {"RowKey": "york-1.4"})
    with pytest.raises(GraphError) as err:
        gc.create_item(site, lst, {"RowKey": "york-1.4"})
    assert (409, "nameAlreadyExists") == (err.value.status, err.value.code)
    assert str(err.value).startswith(
        f"127.0.0.1:{gc.base_url.split(':')[2].split('/')[0]} answered 409 to POST /v1.0/sites/"
    )
    assert (
        "(nameAlreadyExists: The list item could not be added or updated because duplicate values were found in one "
        "or more fields in the list.). Another item or list already has this value; sync again to pick up the existing one."
    ) in str(err.value)
    assert 1 == len(list(gc.iter_items(site, lst)))


def test_a_single_line_value_over_255_characters_is_refused_and_multi_line_text_is_not(gc, actions):
    site, lst = actions
    with pytest.raises(GraphError) as err:
        gc.create_item(site, lst, {"RowKey": "k" * 256})
    assert (400, "invalidRequest") == (err.value.status, err.value.code)
    assert "Field 'RowKey' is a single line of text of at most 255 characters; the value has 256." in str(err.value)
    long_text = "progress " * 100
    assert long_text == gc.create_item(site, lst, {"RowKey": "ok", "Progress": long_text})["fields"]["Progress"]


def test_a_refused_token_is_refreshed_once_through_msal_and_the_call_goes_through(server, tmp_path):
    _, provider = signed_in(server, tmp_path)

    class StaleFirst:
        user = provider.user
        forced = 0

        def token(self, *, force_refresh=False):
            if force_refresh:
                self.forced += 1
                return provider.token(force_refresh=True)  # msal redeems the refresh token
            if self.forced:
                return provider.token()
            return "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c3RhbGU"  # an old, expired token

    stale = StaleFirst()
    with client_for(server, stale) as gc:
        assert "/sites/plansync" in gc.get_site(path="/sites/plansync")["webUrl"]
        assert (1, 3) == (stale.forced, gc.requests)  # root site: refused, then accepted; then the site


def test_an_expired_token_is_renewed_silently(tmp_path):
    with serve_in_thread(tmp_path / "home", token_lifetime=1) as server:
        _, provider = signed_in(server, tmp_path)
        first = provider.token()
        import time

        time.sleep(1.2)  # let the one-second token expire (not a timing assertion)
        with client_for(server, provider) as gc:
            assert gc.get_site()["id"]
        assert first != provider.token()


def test_a_token_the_server_keeps_refusing_ends_with_sign_in_again(server):
    with client_for(server, auth.StaticToken("not-a-token", user="alice@example.org")) as gc:
        with pytest.raises(AuthError) as err:
            gc.get_site()
    assert str(err.value).startswith(f"127.0.0.1:{server.port} refused the sign-in of alice@example.org (InvalidAuthenticationToken: ")
    assert str(err.value).endswith(". Sign in again: plansync auth login")


def test_a_job_completes_with_30_percent_of_requests_throttled(tmp_path):
    with serve_in_thread(tmp_path / "home", throttle_rate=0.3, seed=7, retry_after=0.01) as server:
        _, provider = signed_in(server, tmp_path)
        slept = []
        with GraphClient(server.graph_url, auth=provider, verify=str(server.ca_path), sleep=slept.append, max_retries=10) as gc:
            site = gc.get_site(path="/sites/plansync")
            lst = gc.ensure_list(site["id"], "Actions", COLUMNS)
            answers = gc.batch([create_item_request(str(n), site["id"], lst["id"], {"RowKey": f"k{n}"}) for n in range(100)])
            assert [201] * 100 == [a.status for a in answers]
            assert 100 == len({i["fields"]["RowKey"] for i in gc.iter_items(site["id"], lst["id"])})
            assert slept and all(s == 0.01 for s in slept)  # waits were the server's Retry-After


def serve_below_ephemeral_ports(home):
    """A server on a port outside the kernel's ephemeral range, so no outgoing connection of a
    concurrently running test takes it while this test restarts the server on it."""
    import random

    for _ in range(50):
        try:
            return serve_in_thread(home, port=random.randint(20000, 30000))
        except OSError:
            continue
    raise RuntimeError("no free port between 20000 and 30000")


def test_the_client_carries_on_after_the_server_restarts_between_calls(tmp_path):
    home = tmp_path / "home"
    with serve_below_ephemeral_ports(home) as server:
        port = server.port
        _, provider = signed_in(server, tmp_path)
        gc = client_for(server, provider)
        site = gc.get_site(path="/sites/plansync")
        lst = gc.ensure_list(site["id"], "Actions", COLUMNS)
        gc.create_item(site["id"], lst["id"], {"RowKey": "before"})
    with serve_in_thread(home, port=port):
        gc.create_item(site["id"], lst["id"], {"RowKey": "after"})
        assert ["after", "before"] == sorted(i["fields"]["RowKey"] for i in gc.iter_items(site["id"], lst["id"]))
    gc.close()


def test_find_list_creates_plansyncs_list_once_with_typed_columns(server, tmp_path):
    target, provider = signed_in(server, tmp_path)
    with client_for(server, provider) as gc:
        site_id, first = find_list(gc, target)
        _, again = find_list(gc, target)
        assert first["id"] == again["id"]
        item = gc.create_item(site_id, first["id"], {"RowKey": "k", "Target": "2024-05-31", "Status": "On track", "Overdue": True})
    assert ("2024-05-31T00:00:00Z", True) == (item["fields"]["Target"], item["fields"]["Overdue"])
    assert json.loads(json.dumps(item))  # plain JSON all the way

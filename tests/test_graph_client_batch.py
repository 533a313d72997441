"""JSON batching (GRAPH.md §6) against handler functions: groups of 20, order, throttled entries."""

from __future__ import annotations

import json

import httpx
import pytest

from plansync.errors import ConflictError, ThrottledError
from graph_mocks import mock_client
from sync.batching import BatchRequest, create_item_request, delete_item_request, update_fields_request

SITE, LIST = "contoso.sharepoint.com,1,2", "8d3a5a52"


def client_on(handler, sleeps=None, max_retries=5):
    return mock_client(handler, sleeps=sleeps, max_retries=max_retries)


def answer_all(batch, status_for=lambda entry: 201):
    """Answer every entry, in reverse order (Graph may answer in any order)."""
    return httpx.Response(200, json={"responses": [
        {"id": e["id"], "status": status_for(e), "headers": {"Content-Type": "application/json"}, "body": {"id": e["id"]}}
        for e in reversed(batch["requests"])
    ]})


def test_45_requests_go_out_as_batches_of_20_20_and_5_answered_in_request_order():
    sizes = []

    def handler(request):
        assert ("POST", "/v1.0/$batch") == (request.method, request.url.path)
        batch = json.loads(request.content)
        sizes.append(len(batch["requests"]))
        return answer_all(batch)

    client = client_on(handler)
    answers = client.batch([create_item_request(str(n), SITE, LIST, {"Title": f"A{n}"}) for n in range(45)])
    assert [20, 20, 5] == sizes
    assert [str(n) for n in range(45)] == [a.id for a in answers]
    assert all(a.ok and a.status == 201 for a in answers)
    assert 3 == client.requests


def test_entries_use_relative_urls_and_carry_content_type_and_if_match():
    seen = []

    def handler(request):
        batch = json.loads(request.content)
        seen.extend(batch["requests"])
        return answer_all(batch, lambda e: 200)

    client_on(handler).batch([
        create_item_request("1", SITE, LIST, {"Title": "A"}),
        update_fields_request("2", SITE, LIST, "7", {"Status": "Complete"}, etag='"{X},3"'),
        delete_item_request("3", SITE, LIST, "8"),
    ])
    assert [
        {"id": "1", "method": "POST", "url": f"/sites/{SITE}/lists/{LIST}/items",
         "body": {"fields": {"Title": "A"}}, "headers": {"Content-Type": "application/json"}},
        {"id": "2", "method": "PATCH", "url": f"/sites/{SITE}/lists/{LIST}/items/7/fields",
         "body": {"Status": "Complete"}, "headers": {"If-Match": '"{X},3"', "Content-Type": "application/json"}},
        {"id": "3", "method": "DELETE", "url": f"/sites/{SITE}/lists/{LIST}/items/8"},
    ] == seen


def test_throttled_entries_are_resent_alone_after_the_longest_retry_after():
    sent, sleeps = [], []

    def handler(request):
        batch = json.loads(request.content)
        sent.append([e["id"] for e in batch["requests"]])
        if len(sent) > 1:
            return answer_all(batch)
        return httpx.Response(200, json={"responses": [
            {"id": "1", "status": 201, "headers": {}, "body": {"id": "10"}},
            {"id": "2", "status": 429, "headers": {"Retry-After": "2.5"}, "body": {"error": {"code": "TooManyRequests"}}},
            {"id": "3", "status": 503, "headers": {"Retry-After": "4.25"}, "body": {"error": {"code": "serviceNotAvailable"}}},
        ]})

    answers = client_on(handler, sleeps).batch([create_item_request(str(n), SITE, LIST, {"Title": "x"}) for n in (1, 2, 3)])
    assert [["1", "2", "3"], ["2", "3"]] == sent
    assert [4.25] == sleeps
    assert [201, 201, 201] == [a.status for a in answers]


def test_a_request_blocked_by_a_throttled_one_is_resent_with_it():
    sent = []

    def handler(request):
        batch = json.loads(request.content)
        sent.append([(e["id"], e.get("dependsOn")) for e in batch["requests"]])
        if len(sent) > 1:
            return answer_all(batch)
        return httpx.Response(200, json={"responses": [
            {"id": "1", "status": 429, "headers": {}, "body": None},
            {"id": "2", "status": 424, "headers": {}, "body": None},
        ]})

    answers = client_on(handler).batch([
        create_item_request("1", SITE, LIST, {"Title": "x"}),
        BatchRequest("2", "PATCH", f"/sites/{SITE}/lists/{LIST}/items/1/fields", body={"A": 1}, depends_on="1"),
    ])
    assert [[("1", None), ("2", ["1"])], [("1", None), ("2", ["1"])]] == sent
    assert [201, 201] == [a.status for a in answers]


def test_entries_still_throttled_after_the_bounded_retries_end_the_batch():
    def handler(request):
        batch = json.loads(request.content)
        return answer_all(batch, lambda e: 429)

    with pytest.raises(ThrottledError) as err:
        client_on(handler, max_retries=2).batch([create_item_request("1", SITE, LIST, {"Title": "x"})])
    assert (
        "SharePoint is busy (graph.example.test answered 429 3 times in a row); nothing was lost, sync again later."
    ) == str(err.value)


def test_a_whole_batch_answered_424_is_retried_like_a_throttle():
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(424, headers={"Retry-After": "1"})
        return answer_all(json.loads(request.content))

    answers = client_on(handler).batch([create_item_request("1", SITE, LIST, {"Title": "x"})])
    assert [201] == [a.status for a in answers]


def test_a_failed_entry_becomes_the_matching_plansync_error():
    def handler(request):
        return httpx.Response(200, json={"responses": [
            {"id": "1", "status": 412, "headers": {}, "body": {"error": {"code": "resourceModified", "message": "Changed."}}},
        ]})

    [answer] = client_on(handler).batch([update_fields_request("1", SITE, LIST, "7", {"A": 1}, etag='"{X},1"')])
    assert not answer.ok
    with pytest.raises(ConflictError) as err:
        answer.raise_for_status()
    assert "7" == err.value.item_id
    assert "Item 7 was changed by someone else since plansync last read it (resourceModified: Changed.). Sync again to pick up their change." == str(err.value)


def test_a_dependant_of_a_request_that_failed_in_an_earlier_batch_is_answered_424_without_sending():
    sent = []

    def handler(request):
        batch = json.loads(request.content)
        sent.append([e["id"] for e in batch["requests"]])
        return answer_all(batch, lambda e: 400 if e["id"] == "19" else 201)

    requests = [create_item_request(str(n), SITE, LIST, {"Title": "x"}) for n in range(20)]
    requests.append(BatchRequest("20", "DELETE", f"/sites/{SITE}/lists/{LIST}/items/5", depends_on="19"))
    answers = client_on(handler).batch(requests)
    assert [[str(n) for n in range(20)]] == sent
    assert (400, 424) == (answers[19].status, answers[20].status)


def test_duplicate_request_ids_are_a_programming_error():
    with pytest.raises(ValueError, match="unique"):
        client_on(lambda r: httpx.Response(200)).batch([BatchRequest("1", "GET", "/a"), BatchRequest("1", "GET", "/b")])


def test_batches_sent_from_several_threads_through_one_client_are_all_counted():
    from concurrent.futures import ThreadPoolExecutor

    def handler(request):
        return answer_all(json.loads(request.content))

    client = client_on(handler)
    groups = [[create_item_request(f"{g}-{n}", SITE, LIST, {"Title": "x"}) for n in range(20)] for g in range(40)]
    with ThreadPoolExecutor(8) as pool:
        answers = [a for group in pool.map(client.batch, groups) for a in group]
    assert (800, 40) == (sum(a.status == 201 for a in answers), client.requests)


def test_an_answer_says_when_an_earlier_sending_of_its_request_went_unanswered():
    """A 412 after a 504, or after a batch whose answer never came, may refuse our own repeat (sync.lost_answers)."""
    calls = []

    def handler(request):
        batch = json.loads(request.content)
        calls.append([e["id"] for e in batch["requests"]])
        if len(calls) == 1:  # the first write is answered 504 as the gateway times out; the second is refused
            return answer_all(batch, lambda e: 504 if e["id"] == "1" else 412)
        return answer_all(batch, lambda e: 412)

    answers = client_on(handler, sleeps=[]).batch([
        update_fields_request("1", SITE, LIST, "7", {"Status": "Complete"}, etag='"{X},3"'),
        update_fields_request("2", SITE, LIST, "8", {"Status": "Complete"}, etag='"{X},4"'),
    ])
    assert [["1", "2"], ["1"]] == calls
    assert [(412, True), (412, False)] == [(a.status, a.answer_lost) for a in answers]

    timed_out = []

    def slow_once(request):
        if not timed_out:
            timed_out.append(True)
            raise httpx.ReadTimeout("no answer", request=request)
        return answer_all(json.loads(request.content), lambda e: 409)

    answers = client_on(slow_once, sleeps=[]).batch([create_item_request("1", SITE, LIST, {"Title": "A"})])
    assert [(409, True)] == [(a.status, a.answer_lost) for a in answers]

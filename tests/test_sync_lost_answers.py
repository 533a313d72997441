"""A sync whose answer was lost still reports what it did, and only what it did (sync.lost_answers).

Deterministic: a transport between plansync and the local list server lets one write through and
then loses its answer, either as a whole batch that never answers (a read timeout) or as a gateway
504 for that write alone. The server has done the work; plansync sends it again, the list refuses
the repeat (409 or 412), and the merge made again finds it done. The end line must count it once.
A change made by somebody else in the same moment is not counted as this run's.
"""

from __future__ import annotations

import hashlib
import json
import ssl
from datetime import date, datetime

import httpx
import openpyxl
import pytest

import synced_plans
from synced_plans import ANN, EditBeforeFirstBatch, action_row, client, edit, https_server, items_by, list_edit, plansync_list, tracker

BOB = "bob.jones@council.gov.uk"

server = https_server(BOB)  # Bob has the support role: he may change Ann's rows in the list


@pytest.fixture
def list_name(request):
    """A list of the test's own (the parametrised ids would not fit in a readable name)."""
    return "lost-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]


LOST = ["timeout", "504"]


class LoseOneAnswer(httpx.BaseTransport):
    """Real HTTPS; the first batch holding a write that ``wanted`` picks is carried out by the server,
    but its answer is lost: ``timeout``, the whole batch's answer never comes; ``504``, that write is
    answered 504 as a gateway timing out after the work. ``meddle`` runs just before that batch goes out."""

    def __init__(self, ca_path, wanted, how: str, meddle=None) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(ca_path)))
        self.wanted, self.how, self.meddle = wanted, how, meddle
        self.lost = 0

    def handle_request(self, request):
        entries = json.loads(request.content).get("requests", []) if request.url.path.endswith("/$batch") else []
        hit = [e["id"] for e in entries if self.wanted(e)]
        if not hit or self.lost:
            return self.inner.handle_request(request)
        self.lost += 1
        if self.meddle:
            self.meddle()
        response = self.inner.handle_request(request)
        response.read()
        if self.how == "timeout":
            raise httpx.ReadTimeout("the answer never came", request=request)
        body = response.json()
        for answer in body["responses"]:
            if answer["id"] in hit:
                answer.update(status=504, body={"error": {"code": "gatewayTimeout", "message": "The gateway timed out."}})
        return httpx.Response(response.status_code, headers={"Content-Type": "application/json"}, json=body, request=request)

    def close(self):
        self.inner.close()


def withdrawal(entry) -> bool:
    return entry["method"] == "PATCH" and "Withdrawn" in (entry.get("body") or {})


def deletion(entry) -> bool:
    return entry["method"] == "DELETE"


def progress_update(entry) -> bool:
    return entry["method"] == "PATCH" and "Progress" in (entry.get("body") or {})


def create(entry) -> bool:
    return entry["method"] == "POST"


def sync(path, server, list_name, transport=None, **options):
    gc = client(server, ANN, transport=transport) if transport else None
    return synced_plans.sync(path, server, list_name, gc=gc, today=date(2026, 1, 15), now=datetime(2026, 1, 15, 9, 30), **options)


@pytest.fixture
def synced(server, list_name, tmp_path):
    """Ann's plan of three actions, synced."""
    path = tracker(tmp_path / "plan.xlsx", [action_row("1.1"), action_row("1.2"), action_row("1.3")])
    assert "3 created" in sync(path, server, list_name).summary
    return path


def losing(server, wanted, how, meddle=None) -> LoseOneAnswer:
    return LoseOneAnswer(server.ca_path, wanted, how, meddle)


def assert_nothing_left(path, server, list_name, rows: int) -> None:
    """The workbook's record of the sync is exact: a sync after it has nothing to do."""
    after = sync(path, server, list_name)
    assert f"Synced {rows} actions: nothing to change" == after.summary


@pytest.mark.parametrize("how", LOST)
def test_a_withdrawal_whose_answer_was_lost_is_counted_as_withdrawn_by_this_run(server, list_name, synced, how):
    edit(synced, {}, delete_rows=[4])
    lose = losing(server, withdrawal, how)

    result = sync(synced, server, list_name, lose)

    assert 1 == lose.lost  # the withdrawal went through, its answer did not
    assert ([], "Synced 2 actions: 1 withdrawn") == (result.failed, result.summary)
    assert (0, 1, 2) == (result.to_json()["updated"], result.to_json()["withdrawn"], result.to_json()["unchanged"])
    assert items_by(server, list_name)["york-2022:1.3"]["fields"].get("Withdrawn") is True
    assert_nothing_left(synced, server, list_name, 2)


@pytest.mark.parametrize("how", LOST)
def test_an_update_whose_answer_was_lost_is_counted_as_updated_by_this_run(server, list_name, synced, how):
    edit(synced, {(3, "Progress"): "Half done"})
    lose = losing(server, progress_update, how)

    result = sync(synced, server, list_name, lose)

    assert 1 == lose.lost
    assert ([], "Synced 3 actions: 1 updated") == (result.failed, result.summary)
    assert ["york-2022:1.2"] == [u.key for u in result.plan.updates]
    assert "Half done" == items_by(server, list_name)["york-2022:1.2"]["fields"]["Progress"]
    assert_nothing_left(synced, server, list_name, 3)


@pytest.mark.parametrize("how", LOST)
def test_a_create_whose_answer_was_lost_is_counted_as_created_once(server, list_name, synced, how):
    wb = openpyxl.load_workbook(synced)
    wb["Actions"].append(action_row("1.4", progress="Just begun"))
    wb.save(synced)
    lose = losing(server, create, how)

    result = sync(synced, server, list_name, lose)

    assert 1 == lose.lost
    assert ([], "Synced 4 actions: 1 created") == (result.failed, result.summary)
    listed = items_by(server, list_name)  # (asserts no key is there twice)
    assert 4 == len(listed)
    assert "Just begun" == listed["york-2022:1.4"]["fields"]["Progress"]
    assert_nothing_left(synced, server, list_name, 4)


@pytest.mark.parametrize("how", LOST)
def test_a_row_somebody_else_withdrew_meanwhile_is_not_counted_as_withdrawn_by_this_run(server, list_name, synced, how):
    edit(synced, {}, delete_rows=[4])
    # Just before Ann's withdrawal goes out, Bob withdraws the item in the list: hers is refused (412),
    # and that answer is lost too, so only the item as read again can tell whose withdrawal it was.
    bob = lambda: list_edit(server, list_name, "york-2022:1.3", {"Withdrawn": True}, BOB)  # noqa: E731
    lose = losing(server, withdrawal, how, meddle=bob)

    result = sync(synced, server, list_name, lose)

    assert 1 == lose.lost
    assert ([], "Synced 2 actions: nothing to change", 0) == (result.failed, result.summary, result.to_json()["withdrawn"])
    item = items_by(server, list_name)["york-2022:1.3"]
    assert (True, BOB) == (item["fields"].get("Withdrawn"), item["lastModifiedBy"]["user"]["email"])
    assert_nothing_left(synced, server, list_name, 2)


@pytest.mark.parametrize("how", LOST)
def test_the_same_edit_made_by_somebody_else_meanwhile_is_not_counted_as_updated_by_this_run(server, list_name, synced, how):
    edit(synced, {(3, "Progress"): "Half done"})
    bob = lambda: list_edit(server, list_name, "york-2022:1.2", {"Progress": "Half done"}, BOB)  # noqa: E731
    lose = losing(server, progress_update, how, meddle=bob)

    result = sync(synced, server, list_name, lose)

    assert 1 == lose.lost
    assert ([], "Synced 3 actions: nothing to change", 0) == (result.failed, result.summary, result.to_json()["updated"])
    item = items_by(server, list_name)["york-2022:1.2"]
    assert ("Half done", BOB) == (item["fields"]["Progress"], item["lastModifiedBy"]["user"]["email"])
    assert_nothing_left(synced, server, list_name, 3)


def bob_deletes(server, list_name, key):
    def delete():
        with plansync_list(server, list_name, BOB) as (gc, site, lst):
            gc.delete_item(site, lst["id"], items_by(server, list_name, user=BOB)[key]["id"])

    return delete


def test_a_deletion_whose_answer_was_lost_is_counted_as_withdrawn_by_this_run(server, list_name, synced):
    edit(synced, {}, delete_rows=[4])
    lose = losing(server, deletion, "timeout")

    result = sync(synced, server, list_name, lose, delete_removed=True)

    assert 1 == lose.lost
    assert ([], "Synced 2 actions: 1 withdrawn") == (result.failed, result.summary)
    assert ["york-2022:1.1", "york-2022:1.2"] == sorted(items_by(server, list_name))
    assert_nothing_left(synced, server, list_name, 2)


def test_an_item_somebody_else_deleted_meanwhile_is_not_counted_as_withdrawn_by_this_run(server, list_name, synced):
    edit(synced, {}, delete_rows=[4])
    # Bob deletes the item just before Ann's deletion goes out: hers is answered 404, not lost.
    meddled = EditBeforeFirstBatch(server.ca_path, bob_deletes(server, list_name, "york-2022:1.3"))

    result = sync(synced, server, list_name, meddled, delete_removed=True)

    assert ([], "Synced 2 actions: nothing to change", 0) == (result.failed, result.summary, result.to_json()["withdrawn"])
    assert ["york-2022:1.1", "york-2022:1.2"] == sorted(items_by(server, list_name))
    assert_nothing_left(synced, server, list_name, 2)

"""Writes are all-or-nothing: a failure half-way through leaves the item as it was."""

from __future__ import annotations

from _local_server_support import error_code


def _break_indexing(app, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(app.store, "_reindex", broken)


def test_a_create_that_fails_half_way_leaves_no_item_and_uses_no_id(server, monkeypatch):
    app, client, items = server
    seq = app.store.current_seq()
    with monkeypatch.context() as patch:
        _break_indexing(app, patch)
        assert (500, "generalException", "An unspecified error has occurred.") == error_code(
            client.post(items, json={"fields": {"RowKey": "R1"}}))
    assert ([], seq) == (client.get(items).json()["value"], app.store.current_seq())
    assert "1" == client.post(items, json={"fields": {"RowKey": "R1"}}).json()["id"]


def test_an_update_that_fails_half_way_keeps_the_previous_version(server, monkeypatch):
    app, client, items = server
    before = client.post(items, json={"fields": {"RowKey": "R1", "Title": "old"}}).json()
    with monkeypatch.context() as patch:
        _break_indexing(app, patch)
        assert 500 == client.patch(f"{items}/1/fields", json={"Title": "new"}).status_code
    after = client.get(f"{items}/1?expand=fields").json()
    assert (before["eTag"], "old") == (after["eTag"], after["fields"]["Title"])


def test_one_request_failing_inside_a_batch_rolls_back_only_itself(server, monkeypatch):
    app, client, items = server
    real = app.store._reindex

    def fail_for_r2(db, list_id, item_id, fields, columns):
        if fields.get("RowKey") == "R2":
            raise RuntimeError("disk full")
        return real(db, list_id, item_id, fields, columns)

    monkeypatch.setattr(app.store, "_reindex", fail_for_r2)
    requests = [{"id": key, "method": "POST", "url": items.removeprefix("/v1.0"),
                 "headers": {"Content-Type": "application/json"}, "body": {"fields": {"RowKey": key}}}
                for key in ("R1", "R2", "R3")]
    answer = client.post("/v1.0/$batch", json={"requests": requests}).json()
    assert {"R1": 201, "R2": 500, "R3": 201} == {r["id"]: r["status"] for r in answer["responses"]}
    stored = client.get(f"{items}?expand=fields(select=RowKey)").json()["value"]
    assert ["R1", "R3"] == [i["fields"]["RowKey"] for i in stored]

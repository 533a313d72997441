"""List items on the local list server behave as Graph documents them (GRAPH.md §3, §4, §11)."""

from __future__ import annotations

import pytest
from _local_server_support import error_code, make_list, new_server


def test_create_returns_201_list_item_with_quoted_etag_and_the_signed_in_author(server):
    _, client, items = server
    response = client.post(items, json={"fields": {"Title": "Fix the rota", "RowKey": "R1"}})
    item = response.json()
    assert 201 == response.status_code
    assert "1" == item["id"]
    assert item["eTag"].startswith('"{') and item["eTag"].endswith('},1"')
    assert {"displayName": "Alice Smith", "email": "alice.smith@example.org"} == {
        k: item["createdBy"]["user"][k] for k in ("displayName", "email")}
    assert item["lastModifiedDateTime"].endswith("Z")
    assert ("Fix the rota", "R1", item["eTag"]) == (
        item["fields"]["Title"], item["fields"]["RowKey"], item["fields"]["@odata.etag"])


def test_item_ids_are_numeric_strings_in_creation_order(server):
    _, client, items = server
    ids = [client.post(items, json={"fields": {"RowKey": f"R{n}"}}).json()["id"] for n in range(3)]
    assert ["1", "2", "3"] == ids


def test_get_item_has_no_fields_unless_expanded(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1", "Status": "On track"}})
    assert "fields" not in client.get(f"{items}/1").json()
    assert {"RowKey": "R1"} == {k: v for k, v in client.get(f"{items}/1?expand=fields(select=RowKey)").json()[
        "fields"].items() if k != "@odata.etag"}


@pytest.mark.parametrize("query", ["expand=fields(select=RowKey,Status)", "$expand=fields($select=RowKey,Status)"])
def test_both_expand_spellings_select_the_named_fields(server, query):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1", "Status": "At risk", "Title": "t"}})
    fields = client.get(f"{items}?{query}").json()["value"][0]["fields"]
    assert ["@odata.etag", "RowKey", "Status"] == sorted(fields)


def test_patch_fields_returns_200_flat_field_values_including_untouched_ones(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1", "Title": "Keep me"}})
    response = client.patch(f"{items}/1/fields", json={"Status": "At risk"})
    assert 200 == response.status_code
    assert ("At risk", "Keep me", "R1") == tuple(response.json()[k] for k in ("Status", "Title", "RowKey"))
    assert "fields" not in response.json() and "createdBy" not in response.json()


def test_patch_with_the_current_etag_succeeds_and_changes_the_etag(server):
    _, client, items = server
    etag = client.post(items, json={"fields": {"RowKey": "R1"}}).json()["eTag"]
    response = client.patch(f"{items}/1/fields", json={"Title": "new"}, headers={"If-Match": etag})
    assert 200 == response.status_code
    assert etag != response.json()["@odata.etag"]


def test_stale_etag_gets_412_and_changes_nothing(server):
    _, client, items = server
    etag = client.post(items, json={"fields": {"RowKey": "R1", "Title": "old"}}).json()["eTag"]
    client.patch(f"{items}/1/fields", json={"Title": "someone else"})
    response = client.patch(f"{items}/1/fields", json={"Title": "mine"}, headers={"If-Match": etag})
    assert (412, "resourceModified") == error_code(response)[:2]
    assert "entityTagDoesNotMatch" == response.json()["error"]["innerError"]["code"]
    assert "someone else" == client.get(f"{items}/1?expand=fields").json()["fields"]["Title"]
    assert 412 == client.delete(f"{items}/1", headers={"If-Match": etag}).status_code
    assert 200 == client.get(f"{items}/1").status_code


def test_unquoted_etag_is_refused_as_malformed(server):
    _, client, items = server
    etag = client.post(items, json={"fields": {"RowKey": "R1"}}).json()["eTag"]
    response = client.patch(f"{items}/1/fields", json={"Title": "x"}, headers={"If-Match": etag.strip('"')})
    assert (400, "invalidRequest") == error_code(response)[:2]
    assert "malformedEntityTag" == response.json()["error"]["innerError"]["code"]


def test_delete_returns_204_without_body_then_the_item_is_gone(server):
    _, client, items = server
    etag = client.post(items, json={"fields": {"RowKey": "R1"}}).json()["eTag"]
    response = client.delete(f"{items}/1", headers={"If-Match": etag})
    assert (204, b"") == (response.status_code, response.content)
    assert (404, "itemNotFound") == error_code(client.get(f"{items}/1"))[:2]


def test_patch_item_with_fields_returns_the_list_item(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1"}})
    response = client.patch(f"{items}/1", json={"fields": {"Overdue": True}})
    assert (200, True, "1") == (response.status_code, response.json()["fields"]["Overdue"], response.json()["id"])


def test_duplicate_value_in_a_unique_column_is_refused_with_409(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1"}})
    client.post(items, json={"fields": {"RowKey": "R2"}})
    assert (409, "nameAlreadyExists", "The list item could not be added or updated because duplicate values were "
            "found in one or more fields in the list.") == error_code(
        client.post(items, json={"fields": {"RowKey": "R1"}}))
    assert 409 == client.patch(f"{items}/2/fields", json={"RowKey": "R1"}).status_code
    assert "R2" == client.get(f"{items}/2/fields").json()["RowKey"]


def test_a_deleted_items_unique_value_can_be_used_again(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1"}})
    client.delete(f"{items}/1")
    assert 201 == client.post(items, json={"fields": {"RowKey": "R1"}}).status_code


def test_single_line_text_over_255_characters_is_refused_naming_the_field(server):
    _, client, items = server
    assert 201 == client.post(items, json={"fields": {"RowKey": "k" * 255}}).status_code
    assert (400, "invalidRequest", "Field 'Title' is a single line of text of at most 255 characters; the value "
            "has 256.") == error_code(client.post(items, json={"fields": {"Title": "x" * 256}}))


def test_multi_line_text_has_no_length_limit(server):
    _, client, items = server
    response = client.post(items, json={"fields": {"Progress": "line\n" * 4000}})
    assert (201, 20000) == (response.status_code, len(response.json()["fields"]["Progress"]))


def test_date_only_column_stores_the_day_at_utc_midnight(server):
    _, client, items = server
    assert "2024-05-31T00:00:00Z" == client.post(items, json={"fields": {"Target": "2024-05-31"}}).json()[
        "fields"]["Target"]
    assert (400, "invalidRequest", "Field 'Target' takes a date such as \"2024-05-31\"; got 'May-ish'.") == error_code(
        client.post(items, json={"fields": {"Target": "May-ish"}}))


def test_choice_column_refuses_a_value_outside_its_choices(server):
    _, client, items = server
    assert (400, "invalidRequest", "Field 'Status' only accepts one of 'On track', 'At risk'; got 'Done'.") == \
        error_code(client.post(items, json={"fields": {"Status": "Done"}}))


def test_unknown_field_is_refused(server):
    _, client, items = server
    assert (400, "invalidRequest", "Field 'Colour' is not recognized") == error_code(
        client.post(items, json={"fields": {"Colour": "red"}}))


def test_null_clears_a_field(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1", "Title": "x"}})
    assert "Title" not in client.patch(f"{items}/1/fields", json={"Title": None}).json()


def test_paging_follows_absolute_next_links_until_every_item_is_read():
    app, client = new_server(page_size=4)
    items = make_list(client)
    for n in range(10):
        client.post(items, json={"fields": {"RowKey": f"R{n}"}})
    seen, url, pages = [], f"{items}?expand=fields(select=RowKey)", 0
    while url:
        body = client.get(url).json()
        pages += 1
        seen += [i["fields"]["RowKey"] for i in body["value"]]
        url = body.get("@odata.nextLink")
        assert url is None or (url.startswith("https://127.0.0.1:8443/v1.0/") and "$skiptoken=" in url
                               and "expand=fields(select%3DRowKey)" in url)
    assert ([f"R{n}" for n in range(10)], 3) == (seen, pages)


def test_top_sets_the_page_size(server):
    _, client, items = server
    for n in range(3):
        client.post(items, json={"fields": {"RowKey": f"R{n}"}})
    body = client.get(f"{items}?$top=2").json()
    assert (2, True) == (len(body["value"]), "@odata.nextLink" in body)


def test_default_page_is_200_items():
    app, client = new_server()
    items = make_list(client, {"displayName": "Big"})
    for _ in range(201):
        client.post(items, json={"fields": {}})
    body = client.get(items).json()
    assert (200, True) == (len(body["value"]), "@odata.nextLink" in body)


def test_filter_on_an_indexed_field_finds_the_item(server):
    _, client, items = server
    for n in range(3):
        client.post(items, json={"fields": {"RowKey": f"R{n}", "Title": "same"}})
    body = client.get(f"{items}?$filter=fields/RowKey eq 'R1'&expand=fields(select=RowKey)").json()
    assert ["2"] == [i["id"] for i in body["value"]]


def test_filter_on_a_non_indexed_field_is_refused_without_the_prefer_header(server):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "R1", "Title": "same"}})
    assert (400, "invalidRequest", "Field 'Title' cannot be referenced in filter or orderby as it is not indexed. "
            "Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header to allow this, but be warned "
            "that such queries may fail on large lists.") == error_code(client.get(f"{items}?$filter=fields/Title eq 'same'"))
    allowed = client.get(f"{items}?$filter=fields/Title eq 'same'",
                         headers={"Prefer": "HonorNonIndexedQueriesWarningMayFailRandomly"})
    assert ["1"] == [i["id"] for i in allowed.json()["value"]]


def test_next_links_keep_the_filter_and_the_server_accepts_them_back():
    app, client = new_server(page_size=2)
    items = make_list(client)
    for n in range(5):
        client.post(items, json={"fields": {"RowKey": f"R{n}", "Status": "At risk" if n % 2 else "On track"}})
    url, ids = f"{items}?$filter=startswith(fields/RowKey,'R') and fields/Status eq 'On track'", []
    headers = {"Prefer": "HonorNonIndexedQueriesWarningMayFailRandomly"}
    while url:
        body = client.get(url, headers=headers).json()
        ids += [i["id"] for i in body["value"]]
        url = body.get("@odata.nextLink")
        assert url is None or "$filter=startswith(fields/RowKey,%27R%27)%20and%20fields/Status%20eq%20%27On%20track%27" in url
    assert ["1", "3", "5"] == ids
    app.close()


def test_a_damaged_skiptoken_is_refused_with_what_to_do(server):
    _, client, items = server
    assert (400, "invalidRequest", "The $skiptoken is not valid; follow @odata.nextLink exactly as the server gave "
            "it.") == error_code(client.get(f"{items}?$skiptoken=abc"))


@pytest.mark.parametrize("query, expected", [
    ("fields/DaysOverdue gt 3", ["2"]),
    ("fields/DaysOverdue le 3", ["1"]),
    ("fields/Overdue eq true", ["2"]),
    ("fields/RowKey ne 'A'", ["2"]),
])
def test_filter_operators_compare_typed_values(server, query, expected):
    _, client, items = server
    client.post(items, json={"fields": {"RowKey": "A", "DaysOverdue": 3, "Overdue": False}})
    client.post(items, json={"fields": {"RowKey": "B", "DaysOverdue": 10, "Overdue": True}})
    response = client.get(f"{items}?$filter={query}", headers={"Prefer": "HonorNonIndexedQueriesWarningMayFailRandomly"})
    assert expected == [i["id"] for i in response.json()["value"]]

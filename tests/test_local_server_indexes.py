"""The local list server's data folder stays quick as the list grows: every per-item lookup uses an
index, and a data folder made by an older version gets the missing index when it is opened."""

from __future__ import annotations

import sqlite3

from sync.local_server.database import value_key
from sync.local_server.store import Store

USER = {"email": "ann@council.gov.uk", "displayName": "Ann"}


def plans(store: Store, sql: str, args: tuple) -> list[str]:
    return [row[3] for row in store._db.execute("EXPLAIN QUERY PLAN " + sql, args)]


def test_each_item_write_finds_the_items_indexed_values_through_an_index():
    store = Store(None)
    found = plans(store, "DELETE FROM item_values WHERE list_id = ? AND item_id = ?", ("L", 1))
    assert ["SEARCH item_values USING INDEX item_values_by_item (list_id=? AND item_id=?)"] == found
    store.close()


def test_the_unique_key_lookup_and_the_delta_log_are_indexed():
    store = Store(None)
    unique = plans(store, "SELECT 1 FROM item_values WHERE list_id = ? AND column = ? AND value = ? AND item_id != ?",
                   ("L", "RowKey", '"york:1.1"', 1))
    delta = plans(store, "SELECT * FROM items WHERE list_id = ? AND seq > ? AND deleted = 0 ORDER BY seq LIMIT ?", ("L", 0, 5))
    assert ["SEARCH item_values USING INDEX item_values_by_value (list_id=? AND column=? AND value=?)"] == unique
    assert ["SEARCH items USING INDEX items_by_seq (list_id=? AND seq>?)"] == delta
    store.close()


def test_a_data_folder_from_before_the_index_gets_it_on_open_and_keeps_its_items(tmp_path):
    path = tmp_path / "server.db"
    old = Store(path)
    site = old.ensure_site("council.example", "/sites/plans", "Plans")
    lst = old.create_list(site["id"], name="Plans", display_name="Plans", description="", template="genericList",
                          columns=[{"name": "RowKey", "indexed": True}], user=USER)
    old.create_item(lst["id"], {"RowKey": "york:1.1"}, user=USER, indexed={"RowKey"}, unique={"RowKey"})
    old._db.execute("DROP INDEX item_values_by_item")  # as an older version made it
    old.close()

    reopened = Store(path)
    names = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "item_values_by_item" in names
    found = reopened.query_items(lst["id"], match=("RowKey", value_key("york:1.1")), after_id=0, limit=10)
    assert ["york:1.1"] == [item["fields"]["RowKey"] for item in found]
    reopened.close()

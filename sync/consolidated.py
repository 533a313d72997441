"""Read the whole central list for a consolidated report: every plan's items, kept current by delta.

The first read (or a read after the change log expired) is a *full read*: first a
``delta?token=latest`` round for the link to the change log as of now, then every item page by
page with ``$expand=fields($select=...)``. Taking the link *before* the pages means a change made
while the pages are read shows up again next time instead of being missed (the latest state of an
item wins, so seeing it twice is harmless).

Later reads are *incremental*: one delta round from the stored link brings only the items changed
or deleted since. An expired link (410) makes the client start again; we then do a full read,
because a resynced change log does not report items deleted meanwhile. Graph does not promise
``fields`` on delta items (GRAPH.md §5): items that come without them are fetched again in JSON
batches of 20.

    >>> read = read_list(client, site_id, list_id, known=None, link=None)   # doctest: +SKIP
    >>> len(read.items), read.full                                          # doctest: +SKIP
    (64, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync.batching import item_path
from sync.errors import GraphError, SyncError
from sync.list_rows import with_fields
from sync.list_schema import column_names
from sync.target import absolute_link, find_list
from sync.values import ListMap

# Every column plansync writes: the report shows most of them, and Withdrawn decides what is shown.
SELECT: tuple[str, ...] = tuple(column_names())
# What a record holds besides the fields (ListMap's names): who changed the item last, and when.
KEY, MODIFIED_BY, MODIFIED_AT = "key", "modified_by", "modified_at"


@dataclass
class ListRead:
    """The list as it is now.

    Attributes:
        items: item id -> record (``key``, ``modified_by``, ``modified_at`` and each field as text).
        delta_link: where the next incremental read starts.
        full: the whole list was read (first pull, another list, or an expired change log).
        changed: items changed or deleted since the last read (incremental reads only).
    """

    items: dict[str, dict[str, str]]
    delta_link: str
    full: bool
    changed: int = 0


def read_list(
    client: Any,
    site_id: str,
    list_id: str,
    *,
    known: Mapping[str, dict[str, str]] | None,
    link: str | None,
    listmap: ListMap | None = None,
) -> ListRead:
    """Every plansync item of the list, incrementally from ``known`` + ``link`` when both are given.

    Args:
        client: a signed-in ``GraphClient``.
        known: the records of the last read (item id -> record), or None.
        link: the delta link saved by the last read (absolute), or None.
    """
    listmap = listmap or ListMap.default()
    if known is not None and link:
        result = client.delta(site_id, list_id, link, select=list(SELECT))
        if not result.resynced:
            items = dict(known)
            changed = with_fields(client, site_id, list_id, result.items, SELECT)
            for item in changed:
                item_id = str(item.get("id", ""))
                record = None if item.get("deleted") else to_record(item, listmap)
                if record is None:
                    items.pop(item_id, None)
                else:
                    items[item_id] = record
            return ListRead(items, result.delta_link, full=False, changed=len(changed))
    return _full_read(client, site_id, list_id, listmap)


def read_reporting_list(client: Any, opened: Any, last: Mapping[str, Any], known: Mapping[str, dict[str, str]] | None) -> tuple[str, str, ListRead]:
    """(site id, list id, the list now) for a report: incrementally from what the last read kept
    (``last``: ``site_id``, ``list_id``, ``delta_link`` relative; ``known``: its records), else
    the whole list, looked up afresh (also when it was deleted, and maybe made again, since).

    Raises:
        SyncError: there is no such list (nothing to report).
    """
    site_id, list_id, link = last.get("site_id"), last.get("list_id"), last.get("delta_link")
    if site_id and list_id and known is not None and link:
        try:
            return site_id, list_id, read_list(client, site_id, list_id, known=known, link=absolute_link(client, link))
        except GraphError as exc:
            if exc.status != 404:
                raise
    site_id, lst = find_list(client, opened, create=False)
    if lst is None:
        raise SyncError(
            f"There is no {opened.describe()} yet, so there is nothing to pull. "
            "Sync a plan to it first (plansync sync PLAN.xlsx), or check the list's name "
            "(--list, or 'List name' on the Settings sheet). Nothing was changed."
        )
    return str(site_id), str(lst["id"]), read_list(client, str(site_id), str(lst["id"]), known=None, link=None)


def _full_read(client: Any, site_id: str, list_id: str, listmap: ListMap) -> ListRead:
    latest = f"{client.base_url.rstrip('/')}{item_path(site_id, list_id)}/delta?token=latest&$expand={_expand()}"
    link = client.delta(site_id, list_id, latest).delta_link
    items: dict[str, dict[str, str]] = {}
    for item in client.iter_items(site_id, list_id, select=list(SELECT)):
        record = to_record(item, listmap)
        if record is not None:
            items[str(item["id"])] = record
    return ListRead(items, link, full=True)


def to_record(item: Mapping[str, Any], listmap: ListMap) -> dict[str, str] | None:
    """One item as report text: its key, who changed it last and when, and each field; None when not plansync's."""
    fields = item.get("fields") or {}
    key = str(fields.get(listmap.key_column) or "").strip()
    if not key:
        return None  # an item someone added in SharePoint by hand: no plan owns it
    user = (item.get("lastModifiedBy") or {}).get("user") or {}
    return {
        KEY: key,
        MODIFIED_BY: str(user.get("displayName") or user.get("email") or ""),
        MODIFIED_AT: str(item.get("lastModifiedDateTime") or fields.get("Modified") or ""),
        **listmap.from_list(fields),
    }


def _expand() -> str:
    return f"fields($select={','.join(SELECT)})"


__all__ = sorted(["KEY", "MODIFIED_AT", "MODIFIED_BY", "SELECT", "ListRead", "read_list", "read_reporting_list", "to_record"])

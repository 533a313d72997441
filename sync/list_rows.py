"""The list side of a sync: a workbook's rows as the list holds them now, one row per item of its plans.

``read_rows`` reads them as cheaply as the list allows, even when many plans share it:

- **Later syncs**: one delta round from the link the last sync kept, asking for pages of 1,000
  changes (``$top`` is documented for listItem delta; ``Prefer: odata.maxpagesize`` is Graph's
  general page-size preference), laid over the rows as last seen. Graph cannot filter delta
  (``$filter`` is not supported on delta), so other plans' changes still come, but a thousand to a
  request rather than two hundred. A list gone since (404) is looked up again and read whole.
- **First sync of a plan** (or another list): the list is looked up (created if missing), then
  ``delta?token=latest`` (one request, no items: the link to the change log as of now), then only
  this workbook's plans' items, with an indexed-column filter on the row key,
  ``startswith(fields/RowKey,'<plan id>:')``, in pages of 1,000. Other plans' items are never read.
  Taking the link *before* the items means a change made while they are read shows up again next
  time rather than being missed (the latest state of an item wins).

Each item becomes a row (``item_row``): the fields as sync's text (``sync.values.ListMap``) plus
``_item_id``, ``_etag`` and ``_modified_by``, indexed by row key. What real SharePoint allows is in
docs/sync.md ("A list shared by many plans"). ``get_items`` and ``with_fields`` read items again
by id, e.g. those a delta round sent without their fields (``pull`` and ``refresh`` read that way).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sync.batching import BatchRequest, item_path
from sync.engine import ETAG, ITEM_ID, MODIFIED_BY
from sync.errors import GraphError, ThrottledError
from sync.target import absolute_link, find_list
from sync.values import ListMap

# Items per page asked of delta and of filtered reads: under SharePoint's 5,000-item view threshold,
# and small enough that a page that has to be read again after a dropped connection costs little.
PAGE_SIZE = 1000
PREFER_PAGE_SIZE = {"Prefer": f"odata.maxpagesize={PAGE_SIZE}"}
# SharePoint filters on one indexed column at a time; the row key column is indexed and unique. The
# header lets SharePoint run the query even where it would judge the column not indexed (GRAPH.md §3.1).
PREFER_FILTER = {"Prefer": "HonorNonIndexedQueriesWarningMayFailRandomly"}


@dataclass
class ListRows:
    """Where the list is and the workbook's rows in it.

    Attributes:
        site_id, list_id: the list ('' list id: a dry run against a list not made yet).
        rows: index = row key; the fields as text plus ``_item_id``, ``_etag``, ``_modified_by``.
        delta_link: where the next sync's delta round starts (None: take one after this sync).
    """

    site_id: str
    list_id: str
    rows: pd.DataFrame
    delta_link: str | None


def latest_link(client: Any, site_id: str, list_id: str) -> str:
    """The delta URL that answers with no items and a link to the change log as of now."""
    return f"{client.base_url.rstrip('/')}{item_path(site_id, list_id)}/delta?token=latest&$expand=fields&$top={PAGE_SIZE}"


def plan_filter(plan_id: str, key_column: str) -> str:
    """The OData filter for one plan's items: its row keys all start with ``<plan id>:``."""
    quoted = plan_id.replace("'", "''")
    return f"startswith(fields/{key_column},'{quoted}:')"


def read_plan_items(
    client: Any, site_id: str, list_id: str, plan_ids: Iterable[str], key_column: str
) -> tuple[list[dict[str, Any]], str]:
    """(the items of these plans, the change-log link taken just before reading them)."""
    link = client.delta(site_id, list_id, latest_link(client, site_id, list_id), page_size=PAGE_SIZE).delta_link
    items: list[dict[str, Any]] = []
    for plan_id in sorted(set(plan_ids)):
        items.extend(
            client.iter_items(
                site_id, list_id, filter=plan_filter(plan_id, key_column), top=PAGE_SIZE, headers=PREFER_FILTER
            )
        )
    return items, link


def read_rows(
    client: Any,
    opened: Any,
    last: Mapping[str, Any],
    known: pd.DataFrame,
    plan_ids: frozenset[str],
    listmap: ListMap,
    *,
    create: bool,
) -> ListRows:
    """The rows of these plans in the list now.

    Args:
        client: a signed-in ``GraphClient``; opened: where the list is (``sync.target``).
        last: what the last sync kept: ``site_id``, ``list_id``, ``delta_link`` (relative).
        known: the rows as the last sync left them (a delta round brings only the changes since).
        plan_ids: the plans whose items are this workbook's rows.
        create: make the list when it is missing (not in a dry run).
    """
    site_id, list_id, link = last.get("site_id"), last.get("list_id"), last.get("delta_link")
    if site_id and list_id and link:
        try:
            result = client.delta(site_id, list_id, absolute_link(client, link), page_size=PAGE_SIZE)
            before = None if result.resynced else known
            return ListRows(site_id, list_id, rows_after(result.items, before, plan_ids, listmap), result.delta_link)
        except GraphError as exc:
            if exc.status != 404:
                raise
    site_id, lst = find_list(client, opened, create=create)
    if lst is None:  # a dry run against a list that does not exist yet: everything is new
        return ListRows(site_id, "", pd.DataFrame(), None)
    # A list this sync has just created is empty: no need to read it (the answer to the create
    # carries no columns, a list read does).
    if "columns" not in lst:
        return ListRows(site_id, str(lst["id"]), pd.DataFrame(), None)
    items, link = read_plan_items(client, site_id, str(lst["id"]), plan_ids, listmap.key_column)
    return ListRows(site_id, str(lst["id"]), rows_after(items, None, plan_ids, listmap), link)


def skip_ahead(client: Any, site_id: str, list_id: str, link: str | None) -> str | None:
    """The change-log link as of now, past this sync's own writes; the old link if the server stays
    busy (the retry budget is spent): the next sync then reads past them itself."""
    try:
        return client.delta(site_id, list_id, latest_link(client, site_id, list_id), page_size=PAGE_SIZE).delta_link
    except ThrottledError:
        return link


def get_items(client: Any, site_id: str, list_id: str, item_ids: list[str], select: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Item id -> the item now with these columns, read in batches of 20 (one deleted: marked deleted)."""
    expand = f"fields($select={','.join(select)})"
    requests = [
        BatchRequest(str(n), "GET", f"{item_path(site_id, list_id, i)}?$expand={expand}", item_id=i) for n, i in enumerate(item_ids)
    ]
    out: dict[str, dict[str, Any]] = {}
    for item_id, answer in zip(item_ids, client.batch(requests)):
        out[item_id] = {"id": item_id, "deleted": {"state": "deleted"}} if answer.status == 404 else answer.raise_for_status().body
    return out


def with_fields(client: Any, site_id: str, list_id: str, items: list[dict[str, Any]], select: Iterable[str]) -> list[dict[str, Any]]:
    """Delta items, each live one with its ``fields``: Graph does not promise ``fields`` on delta
    items (GRAPH.md §5), so those without are read again (``get_items``)."""
    bare = [str(i["id"]) for i in items if not i.get("deleted") and "fields" not in i]
    if not bare:
        return items
    fetched = get_items(client, site_id, list_id, bare, select)
    return [fetched.get(str(i.get("id")), i) if not i.get("deleted") else i for i in items]


def item_row(item: Mapping[str, Any], listmap: ListMap) -> tuple[str, dict[str, str]]:
    """(row key, row) of one list item: its fields as sync's text, its id, eTag and last writer."""
    fields = item.get("fields") or {}
    key = str(fields.get(listmap.key_column) or "")
    who = ((item.get("lastModifiedBy") or {}).get("user") or {}).get("email", "")
    etag = item.get("eTag") or fields.get("@odata.etag") or ""
    return key, {**listmap.from_list(fields), ITEM_ID: str(item.get("id", "")), ETAG: etag, MODIFIED_BY: who}


def rows_after(items: list[dict], known: pd.DataFrame | None, plan_ids: frozenset[str], listmap: ListMap) -> pd.DataFrame:
    """The rows of these plans: ``known`` (last seen) updated with ``items`` (changed or deleted)."""
    gone: set[str] = set()
    changed: dict[str, dict] = {}
    for item in items:
        gone.add(str(item.get("id", "")))  # deleted, or replaced by its new state below
        if item.get("deleted"):
            continue
        key = str((item.get("fields") or {}).get(listmap.key_column) or "")
        if key.split(":", 1)[0] not in plan_ids or ":" not in key:
            continue
        changed[key] = item_row(item, listmap)[1]
    fresh = pd.DataFrame.from_dict(changed, orient="index", dtype=object) if changed else pd.DataFrame()
    if known is None or known.empty:
        return fresh.fillna("") if len(fresh) else fresh
    keep = known[~known[ITEM_ID].astype(str).isin(gone)]
    out = pd.concat([keep, fresh]) if len(fresh) else keep
    return out.fillna("")


__all__ = sorted(
    ["ListRows", "PAGE_SIZE", "PREFER_FILTER", "PREFER_PAGE_SIZE", "item_row", "latest_link", "plan_filter",
     "get_items", "read_plan_items", "read_rows", "rows_after", "skip_ahead", "with_fields"]
)

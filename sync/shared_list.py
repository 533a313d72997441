"""Reading one plan's rows from a list that many plans share, at close to the cost of a list of its own.

A council keeps every team's plan in one list. Two reads make a sync cheap there:

- **First sync of a plan** (no change-log link yet): first ``delta?token=latest`` (one request, no
  items: the link to the change log as of now), then only this plan's items, with an indexed-column
  filter on the row key, ``startswith(fields/RowKey,'<plan id>:')``, in pages of 1,000. Other plans'
  items are never read. Taking the link *before* the items means a change made while they are read
  shows up again next time rather than being missed (the latest state of an item wins).
- **Later syncs**: one delta round from the stored link, asking for pages of 1,000 changes
  (``$top`` is documented for listItem delta; ``Prefer: odata.maxpagesize`` is Graph's general
  page-size preference). Graph cannot filter delta (``$filter`` is not supported on delta), so other
  plans' changes still come, but a thousand to a request rather than two hundred.

What real SharePoint allows is in docs/sync.md ("A list shared by many plans").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sync.batching import item_path

# Items per page asked of delta and of filtered reads: under SharePoint's 5,000-item view threshold,
# and small enough that a page that has to be read again after a dropped connection costs little.
PAGE_SIZE = 1000
PREFER_PAGE_SIZE = {"Prefer": f"odata.maxpagesize={PAGE_SIZE}"}
# SharePoint filters on one indexed column at a time; the row key column is indexed and unique. The
# header lets SharePoint run the query even where it would judge the column not indexed (GRAPH.md §3.1).
PREFER_FILTER = {"Prefer": "HonorNonIndexedQueriesWarningMayFailRandomly"}


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


__all__ = sorted(["PAGE_SIZE", "PREFER_FILTER", "PREFER_PAGE_SIZE", "latest_link", "plan_filter", "read_plan_items"])

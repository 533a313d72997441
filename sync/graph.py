"""GraphClient: the only code that talks to Microsoft Graph (or the local list server).

Typed methods for the list calls plansync needs (GRAPH.md §1-§6). Paging follows
``@odata.nextLink`` verbatim; batches go out in groups of 20; throttling and the one token refresh
on 401 live in ``sync.transport``, the translation of failures in ``sync.http_errors``. The client
does not know which server answers: SharePoint Online, the local list server over HTTPS, or a
test's handler function.

Example::

    client = GraphClient("https://graph.microsoft.com/v1.0", auth=provider)
    site = client.get_site("contoso.sharepoint.com", "/sites/improvement")
    actions = client.ensure_list(site["id"], "Actions", list_columns())
    for item in client.iter_items(site["id"], actions["id"], select=["RowKey", "Status"]):
        ...
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from sync.batching import BatchRequest, BatchResponse, _seg, item_path, run_batch
from sync.errors import GraphError
from sync.retry import RetryPolicy
from sync.transport import GraphHttp, TokenSource


@dataclass(frozen=True)
class DeltaResult:
    """One completed delta round.

    Attributes:
        items: the latest state of each changed item, once per id (Graph may repeat an id; the
            last occurrence wins). Deleted items carry ``deleted: {"state": "deleted"}``.
        delta_link: store it and pass it as ``link`` next time to get only later changes.
        resynced: the old link had expired (410); ``items`` is then the whole list, and items
            deleted meanwhile are *not* reported: compare ids with what you hold.
    """

    items: list[dict[str, Any]]
    delta_link: str
    resynced: bool = False


class GraphClient:
    """Graph v1.0 list client.

    Args:
        base_url: the version root, e.g. ``https://graph.microsoft.com/v1.0``.
        auth: a token provider (``sync.auth``): ``token(force_refresh=...)`` and ``.user``.
        transport: an httpx transport (the seam); None means real HTTPS.
        verify: True, or the path of the one CA file to trust (the local list server's).
        max_retries: tries of one request before ThrottledError (None: only the retry budget limits them).
        sleep: injected for tests, so waits for ``Retry-After`` cost no time.
        retry: the retry policy (budget, backoff); default ``RetryPolicy.from_env()``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: TokenSource,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str | Path | ssl.SSLContext = True,
        max_retries: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._http = GraphHttp(
            base_url, auth=auth, transport=transport, verify=verify, max_retries=max_retries, sleep=sleep, timeout=timeout,
            retry=retry,
        )
        self._seam = {"transport": transport, "verify": verify, "sleep": sleep, "timeout": timeout}

    def sharepoint(self, site_url: str) -> Any:
        """A SharePoint REST client for ``site_url`` signed in as the same person or app (``sync.sharepoint``),
        or None when the sign-in cannot give SharePoint tokens (a fixed token)."""
        from sync.sharepoint import SharePointRest

        for_resource = getattr(self._http.auth, "for_resource", None)
        if for_resource is None:
            return None
        return SharePointRest(site_url, auth=for_resource(SharePointRest.resource_of(site_url)), **self._seam)

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (a batch counts as one; retries count)."""
        return self._http.requests

    @property
    def retry_budget_spent(self) -> bool:
        """The command's retry budget is used up: further failures end it (``sync.retry``)."""
        return self._http.retrier.exhausted

    @property
    def retries(self) -> int:
        """Requests sent again after a transient failure so far."""
        return self._http.retrier.retries

    @property
    def user(self) -> str:
        return self._http.auth.user

    @property
    def base_url(self) -> str:
        return self._http.base_url

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sites and lists -------------------------------------------------------------------

    def get_site(self, hostname: str | None = None, path: str | None = None) -> dict[str, Any]:
        """The root site, a site by hostname, or a site by hostname and server-relative path.

        With a path but no hostname, the root site's hostname is used.
        """
        if hostname is None and path is None:
            return self._get("/sites/root")
        if hostname is None:
            root = self._get("/sites/root")
            hostname = (root.get("siteCollection") or {}).get("hostname") or str(root["id"]).split(",")[0]
        if not path or path == "/":
            return self._get(f"/sites/{_seg(hostname)}")
        return self._get(f"/sites/{_seg(hostname)}:/{_seg(path.strip('/')).replace('%2F', '/')}")

    def get_list(self, site_id: str, title_or_id: str, *, columns: bool = False) -> dict[str, Any] | None:
        """A list by display name or id, or None when the site has no such list."""
        params = {"$expand": "columns"} if columns else None
        response = self._http.send(
            "GET", f"/sites/{_seg(site_id)}/lists/{_seg(title_or_id)}", params=params, pass_statuses=frozenset({404})
        )
        if response.status_code == 404:
            return None
        return self._http.json(response)

    def ensure_list(self, site_id: str, display_name: str, columns: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The list named ``display_name``, created with ``columns`` when missing.

        An existing list gets the columns it lacks (when the server lists its columns), so a list
        made by an older plansync keeps working.
        """
        found = self.get_list(site_id, display_name, columns=True)
        if found is None:
            body = {"displayName": display_name, "list": {"template": "genericList"}, "columns": [dict(c) for c in columns]}
            try:
                # Safe to send again: a list made by the first try answers 409, and that list is used.
                return self._json("POST", f"/sites/{_seg(site_id)}/lists", json_body=body, resend_safe=True)
            except GraphError as exc:
                if exc.status != 409:  # 409: someone created it meanwhile; use theirs
                    raise
            found = self.get_list(site_id, display_name, columns=True)
            if found is None:
                raise GraphError(f"The list {display_name!r} could neither be created nor found. Sync again.", status=409)
        if "columns" in found:
            have = {c.get("name") for c in found["columns"]}
            for column in columns:
                if column["name"] not in have:
                    found["columns"].append(self.add_column(site_id, found["id"], column))
        return found

    def add_column(self, site_id: str, list_id: str, column: Mapping[str, Any]) -> dict[str, Any]:
        """Add one columnDefinition to a list; returns the column the server made (201)."""
        return self._json("POST", f"/sites/{_seg(site_id)}/lists/{_seg(list_id)}/columns", json_body=dict(column))

    # -- items ------------------------------------------------------------------------------

    def iter_items(
        self,
        site_id: str,
        list_id: str,
        *,
        select: Sequence[str] | None = None,
        filter: str | None = None,
        top: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every item (with ``fields``), page after page, following ``@odata.nextLink`` verbatim.

        ``filter`` is an OData expression such as ``fields/RowKey eq 'york-1.4'`` (one indexed
        field at a time); ``top`` asks for a page size, which servers may ignore; ``headers`` go
        with every page's request (e.g. a ``Prefer`` header).
        """
        params: dict[str, Any] | None = {"$expand": _expand(select)}
        if filter:
            params["$filter"] = filter
        if top:
            params["$top"] = top
        url = item_path(site_id, list_id)
        while url:
            page, next_url = self._page(url, params, headers)
            yield from page.get("value", [])
            url, params = next_url, None  # the link embeds every query option

    def get_item(self, site_id: str, list_id: str, item_id: str, *, select: Sequence[str] | None = None) -> dict[str, Any] | None:
        """One item with its fields, or None when it does not exist (any more)."""
        response = self._http.send(
            "GET", item_path(site_id, list_id, item_id), params={"$expand": _expand(select)}, pass_statuses=frozenset({404})
        )
        return None if response.status_code == 404 else self._http.json(response)

    def create_item(
        self, site_id: str, list_id: str, fields: Mapping[str, Any], *, unique_key: bool = False
    ) -> dict[str, Any]:
        """Create an item; returns the new listItem (201). Its ``id`` is a numeric string.

        ``unique_key``: ``fields`` hold a value of a column that enforces unique values, so the
        create may be sent again after a lost answer (if it did happen, the second answer is 409).
        """
        return self._json("POST", item_path(site_id, list_id), json_body={"fields": dict(fields)}, resend_safe=unique_key)

    def update_fields(
        self, site_id: str, list_id: str, item_id: str, fields: Mapping[str, Any], etag: str | None = None
    ) -> dict[str, Any]:
        """Change some fields; returns the fieldValueSet (200). ConflictError when ``etag`` is stale."""
        return self._json(
            "PATCH", item_path(site_id, list_id, item_id) + "/fields", json_body=dict(fields), headers=_if_match(etag), item_id=item_id
        )

    def delete_item(self, site_id: str, list_id: str, item_id: str, etag: str | None = None) -> None:
        """Delete an item (204). ConflictError when ``etag`` is stale."""
        self._http.send("DELETE", item_path(site_id, list_id, item_id), headers=_if_match(etag), item_id=item_id)

    def delta(
        self,
        site_id: str,
        list_id: str,
        link: str | None = None,
        *,
        select: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> DeltaResult:
        """Changes since ``link`` (a stored deltaLink), or the whole list when ``link`` is None.

        ``page_size`` asks for that many items a page (``$top`` on a new round, documented for
        listItem delta, and ``Prefer: odata.maxpagesize`` on every page); servers may send fewer.
        An expired link (410) is answered by starting again from the server's ``Location`` (or
        from scratch), with ``resynced=True`` on the result.
        """
        first = item_path(site_id, list_id) + "/delta"
        first_params: dict[str, Any] = {"$expand": _expand(select)}
        headers = {"Prefer": f"odata.maxpagesize={page_size}"} if page_size else None
        if page_size:
            first_params["$top"] = page_size
        url, params = (link, None) if link else (first, first_params)
        resynced = False
        by_id: dict[str, dict[str, Any]] = {}
        while True:
            response = self._http.send("GET", url, params=params, headers=headers, pass_statuses=frozenset({410}))
            if response.status_code == 410:
                if resynced:
                    raise GraphError(
                        "The server refused the change log twice (410). Sync again; nothing was lost.", status=410
                    )
                resynced = True
                by_id.clear()
                location = response.headers.get("Location")
                url, params = (_resolve(response, location), None) if location else (first, first_params)
                continue
            page = self._http.json(response) or {}
            for item in page.get("value", []):
                by_id.pop(str(item.get("id")), None)  # re-insert so the last occurrence keeps its place
                by_id[str(item.get("id"))] = item
            if page.get("@odata.nextLink"):
                url, params = _resolve(response, page["@odata.nextLink"]), None
                continue
            if page.get("@odata.deltaLink"):
                return DeltaResult(list(by_id.values()), _resolve(response, page["@odata.deltaLink"]), resynced)
            raise GraphError(
                f"The server ended the change log for list {list_id} without a deltaLink. Sync again; nothing was lost.",
                status=response.status_code,
            )

    def list_versions(
        self, site_id: str, list_id: str, item_id: str, *, select: Sequence[str] | None = None, link: str | None = None
    ) -> list[dict[str, Any]]:
        """An item's versions, newest first, each with its ``fields`` (GRAPH.md §12), every page read.

        ``link`` continues from an ``@odata.nextLink`` (e.g. one a batch answer carried). Raises
        GraphError 404 when the item does not exist (any more).
        """
        url = link or item_path(site_id, list_id, item_id) + "/versions"
        params: dict[str, Any] | None = None if link else {"$expand": _expand(select)}
        out: list[dict[str, Any]] = []
        while url:
            page, url = self._page(url, params)
            out += page.get("value", [])
            params = None
        return out

    def batch(self, requests: Sequence[BatchRequest]) -> list[BatchResponse]:
        """Send requests in JSON batches of at most 20; one answer per request, in request order.

        Check each answer (``.ok``, ``.error()``, ``.raise_for_status()``): a batch that went
        through can still hold failed requests. Throttled requests are retried for you.
        """
        return run_batch(self._http, requests)

    # -- plumbing ---------------------------------------------------------------------------

    def _get(self, url: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._json("GET", url, params=params)

    def _json(self, method: str, url: str, **kwargs: Any) -> Any:
        return self._http.json(self._http.send(method, url, **kwargs))

    def _page(
        self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None = None
    ) -> tuple[dict[str, Any], str | None]:
        response = self._http.send("GET", url, params=params, headers=headers)
        page = self._http.json(response) or {}
        link = page.get("@odata.nextLink")
        return page, (_resolve(response, link) if link else None)


def _expand(select: Sequence[str] | None) -> str:
    return f"fields($select={','.join(select)})" if select else "fields"


def _if_match(etag: str | None) -> dict[str, str]:
    # eTags include their own double quotes; they are sent exactly as received (GRAPH.md §11.2).
    return {"If-Match": etag} if etag else {}


def _resolve(response: httpx.Response, link: str) -> str:
    """Absolute links are followed verbatim; a relative one is resolved against the request.

    A link to another server is refused: following it would hand that server our bearer token.
    """
    if "://" not in link:
        return str(response.request.url.join(link))
    here = response.request.url
    try:
        there = httpx.URL(link)
    except httpx.InvalidURL:
        there = None
    if there is None or (there.scheme, there.netloc) != (here.scheme, here.netloc):
        raise GraphError(
            f"The server at {here.netloc.decode()} sent a next-page link plansync will not follow ({link[:80]}). "
            "Report this with the list name; nothing was changed.",
        )
    return link


__all__ = sorted(["BatchRequest", "BatchResponse", "DeltaResult", "GraphClient"])

"""SharePointRest: the few SharePoint REST calls Graph v1.0 has no equivalent for (docs/sign-in.md).

Graph v1.0 cannot read a site's SharePoint groups nor set a list item's own permissions, so plansync
calls ``{site}/_api/web/...`` for those, with a token for the SharePoint resource
(``https://contoso.sharepoint.com/.default``) from the same msal sign-in as its Graph token. The
request policy (token refresh once on 401, waits on 429/503, error translation) is the Graph
client's (``sync.transport.GraphHttp``); answers are asked for as ``odata=nometadata`` JSON.

Example::

    sp = graph_client.sharepoint("https://contoso.sharepoint.com/sites/improvement")
    sp.get("web/sitegroups/getbyname('plansync support')/users")
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from sync.transport import GraphHttp, TokenSource

__all__ = ["SharePointRest", "quoted", "site_url"]

_ACCEPT = {"Accept": "application/json;odata=nometadata"}


def quoted(text: str) -> str:
    """A string argument inside a REST URL: ``'O''Brien''s list'``, percent-encoded."""
    return quote("'" + text.replace("'", "''") + "'", safe="'()")


def site_url(graph_url: str, site_host: str | None, site_path: str | None) -> str:
    """The site's web address: ``https://{host}{path}``; a local list server's sites live on its own address."""
    if site_host and urlsplit(graph_url).hostname in _GRAPH_HOSTS:
        return f"https://{site_host}{site_path or ''}"
    origin = graph_url.rstrip("/").rsplit("/v1.0", 1)[0]
    return origin + (site_path or "")


_GRAPH_HOSTS = frozenset({"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
                          "microsoftgraph.chinacloudapi.cn"})


class SharePointRest:
    """``get``/``post`` below ``{site}/_api/``; ``requests`` counts what was sent."""

    def __init__(
        self,
        site: str,
        *,
        auth: TokenSource,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str | Path | ssl.SSLContext = True,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
    ) -> None:
        self.site = site.rstrip("/")
        self._http = GraphHttp(self.site + "/_api", auth=auth, transport=transport, verify=verify, sleep=sleep,
                               timeout=timeout)

    @staticmethod
    def resource_of(site: str) -> str:
        """The resource a SharePoint token is for: the site's scheme and host (``https://contoso.sharepoint.com``)."""
        parts = urlsplit(site)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def user(self) -> str:
        return self._http.auth.user

    @property
    def requests(self) -> int:
        return self._http.requests

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SharePointRest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, missing_ok: bool = False) -> Any:
        """GET ``_api/{path}``; with ``missing_ok`` a 404 is None."""
        response = self._http.send("GET", path, params=params, headers=_ACCEPT,
                                    pass_statuses=frozenset({404}) if missing_ok else frozenset())
        return None if response.status_code == 404 else self._http.json(response)

    def post(self, path: str, body: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        # SharePoint reads a body without __metadata only when told it is "nometadata" JSON.
        headers = {**_ACCEPT, "Content-Type": "application/json;odata=nometadata"} if body is not None else _ACCEPT
        response = self._http.send("POST", path, params=params, json_body=body, headers=headers)
        return self._http.json(response)

"""Where to sync: a SharePoint site through Microsoft Graph, or the embedded local list server.

Each value comes from the first place that has it::

    --site / --list / --graph-url flags  >  Settings sheet  >  the embedded local list server

Nothing configured means the embedded server: plansync starts it on loopback for the duration of
the command (``open_target``), with its data in ``$PLANSYNC_HOME`` (default: the per-user data
folder, e.g. ``~/.local/share/plansync`` on Linux). A Graph URL on a Microsoft Graph host is real
SharePoint; any other https address is taken to be a plansync local list server (``plansync serve``).

Sign-in settings for real SharePoint come from the environment, because they are the IT team's,
not the workbook's: ``PLANSYNC_CLIENT_ID`` (the app registration), ``PLANSYNC_TENANT`` (default:
taken from the site's host, ``contoso.sharepoint.com`` -> ``contoso.onmicrosoft.com``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from validation.errors import SettingsError

MICROSOFT_GRAPH = "https://graph.microsoft.com/v1.0"
# Graph hosts of Microsoft's clouds: talking to one of these is real SharePoint.
MICROSOFT_GRAPH_HOSTS = frozenset(
    {"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"}
)
DEFAULT_LIST = "Actions"
LOCAL_SITE_PATH = "/sites/plansync"  # exists on a fresh local list server
LOCAL_CLIENT_ID = "plansync"  # the local server accepts any client id; one fixed id keeps the cache tidy


@dataclass(frozen=True)
class Target:
    """Where one command syncs to.

    Attributes:
        graph_url: the Graph version root; None for the embedded server until ``open_target``.
        site_host / site_path: the site (``None`` host: the server's root host).
        list_name: the list's display name.
        local: a plansync local list server (development identities, ``--as``), not Microsoft.
        embedded: plansync starts the local server itself, with its data in ``home``.
        authority: where msal signs in; ``ca_path``: the one CA file to trust (local servers).
        client_id / tenant: the app registration and tenant (real SharePoint).
        source: which setting chose this target, for messages.
    """

    graph_url: str | None
    site_host: str | None
    site_path: str | None
    list_name: str
    local: bool
    embedded: bool = False
    home: Path | None = None
    authority: str | None = None
    ca_path: str | None = None
    client_id: str | None = None
    tenant: str | None = None
    source: str = "the embedded local list server"

    @property
    def verify(self) -> bool | str:
        """What the HTTP client and msal must trust: exactly the CA file, or the system store."""
        return self.ca_path or True

    def describe(self) -> str:
        """One line for people: which list on which server."""
        if self.embedded:
            return f"list {self.list_name!r} on the local list server (data in {self.home})"
        site = f"{self.site_host or ''}{self.site_path or ''}" or "the root site"
        where = "the local list server" if self.local else "SharePoint"
        return f"list {self.list_name!r} on {site} ({where} at {self.graph_url})"


def resolve_target(
    settings: Any = None,
    *,
    site: str | None = None,
    list_name: str | None = None,
    graph_url: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Target:
    """Decide where to sync from flags (keyword arguments), then ``settings``, then the default.

    Args:
        settings: a ``validation.settings.Settings`` (or anything with ``site``, ``list_name``,
            ``graph_url`` attributes), or None when there is no workbook.
        environ: the environment (``PLANSYNC_HOME``, ``PLANSYNC_CLIENT_ID``, ``PLANSYNC_TENANT``,
            ``PLANSYNC_CA_FILE``), injected for tests.

    Raises:
        SettingsError naming the setting when a value cannot be used.
    """
    from_sheet = lambda name: (getattr(settings, name, None) or None) if settings is not None else None  # noqa: E731
    site = _clean(site) or _clean(from_sheet("site"))
    graph_url = _clean(graph_url) or _clean(from_sheet("graph_url"))
    list_name = _clean(list_name) or _clean(from_sheet("list_name")) or DEFAULT_LIST
    if site is None and graph_url is None:
        home = _home(environ)
        return Target(
            None, None, LOCAL_SITE_PATH, list_name, local=True, embedded=True, home=home, client_id=LOCAL_CLIENT_ID
        )
    source = "the --site/--graph-url options or the Settings sheet"
    graph_url = (graph_url or MICROSOFT_GRAPH).rstrip("/")
    parts = urlsplit(graph_url)
    if parts.scheme != "https" or not parts.hostname:
        raise SettingsError(
            f"The Graph URL {graph_url!r} is not an https:// address. Write it like {MICROSOFT_GRAPH} "
            "(Settings sheet 'Graph URL', or --graph-url).",
            setting="graph_url",
        )
    host, path = parse_site(site) if site else (None, None)
    if parts.hostname in MICROSOFT_GRAPH_HOSTS:
        return _sharepoint_target(graph_url, host, path, list_name, source, environ)
    return _local_server_target(graph_url, parts.netloc, host, path, list_name, source, environ)


def _sharepoint_target(
    graph_url: str, host: str | None, path: str | None, list_name: str, source: str, environ: Mapping[str, str]
) -> Target:
    """Real SharePoint through Microsoft Graph: a site is required; sign-in settings come from the environment."""
    if not path:
        raise SettingsError(
            "plansync needs the SharePoint site to sync with, e.g. https://contoso.sharepoint.com/sites/improvement. "
            "Write it in the Settings sheet ('SharePoint site') or pass --site.",
            setting="site",
        )
    tenant = environ.get("PLANSYNC_TENANT") or _tenant_from_host(host)
    return Target(
        graph_url, host, path, list_name, local=False,
        authority=environ.get("PLANSYNC_AUTHORITY") or f"https://login.microsoftonline.com/{tenant}",
        client_id=environ.get("PLANSYNC_CLIENT_ID") or None, tenant=tenant, source=source,
    )


def _local_server_target(
    graph_url: str, netloc: str, host: str | None, path: str | None, list_name: str, source: str,
    environ: Mapping[str, str],
) -> Target:
    """A plansync local list server started elsewhere (``plansync serve``): it signs in itself."""
    from sync.local_server.identity import TENANT  # the fixed tenant of every local list server

    return Target(
        graph_url, host, path or LOCAL_SITE_PATH, list_name, local=True,
        authority=f"https://{netloc}/{TENANT}", ca_path=_local_ca(environ),
        client_id=LOCAL_CLIENT_ID, tenant=TENANT, source=source,
    )


def parse_site(site: str) -> tuple[str | None, str | None]:
    """``https://contoso.sharepoint.com/sites/x``, ``contoso.sharepoint.com/sites/x`` or ``/sites/x``
    -> (hostname or None, server-relative path or None)."""
    text = site.strip()
    if "://" in text:
        parts = urlsplit(text)
        return parts.hostname, (parts.path.rstrip("/") or None)
    if text.startswith("/"):
        return None, text.rstrip("/") or None
    host, _, path = text.replace(":/", "/", 1).partition("/")
    return host or None, ("/" + path.strip("/")) if path.strip("/") else None


@contextmanager
def open_target(target: Target) -> Iterator[Target]:
    """Yield ``target`` ready to use; for the embedded server, run it while the block runs.

    The embedded server listens on a free loopback port and stops when the block ends; its data
    stays in ``target.home`` for next time.
    """
    if not target.embedded:
        yield target
        return
    from sync.local_server import serve_in_thread  # only the embedded case needs the server

    assert target.home is not None
    target.home.mkdir(parents=True, exist_ok=True)
    # The embedded server is reached only by this user's own processes, with data in their own folder:
    # every identity signed in there owns its site (a shared ``plansync serve`` names its owners).
    with serve_in_thread(target.home, site_owners=("*",)) as server:
        yield replace(
            target,
            graph_url=server.graph_url,
            authority=server.authority,
            ca_path=str(server.ca_path),
            tenant=server.authority.rstrip("/").rsplit("/", 1)[-1],
        )


def connect(target: Target, *, as_email: str | None = None, manage_lists: bool = False, environ: Mapping[str, str] = os.environ):
    """A ``GraphClient`` for an opened target, signed in (see ``sync.auth.token_provider``)."""
    from sync.auth import token_provider
    from sync.graph import GraphClient

    if target.graph_url is None:
        raise RuntimeError("open the target first: with open_target(target) as opened: connect(opened)")
    auth = token_provider(target, as_email=as_email, manage_lists=manage_lists, environ=environ)
    return GraphClient(target.graph_url, auth=auth, verify=target.verify)


@contextmanager
def connected(
    settings: Any,
    *,
    client: Any = None,
    as_email: str | None = None,
    site: str | None = None,
    list_name: str | None = None,
    graph_url: str | None = None,
    manage_lists: bool = False,
) -> Iterator[tuple[Any, Target, dict[str, str]]]:
    """A signed-in Graph client, the opened target, and where the list is, for one command's run.

    ``where`` identifies the list across runs (sync and pull keep it to know their saved state
    is about the same list). A ``client`` given by the caller (tests, scripts) already knows its
    server: nothing is started, and it is left open.
    """
    target = resolve_target(settings, site=site, list_name=list_name, graph_url=graph_url)
    opening = open_target(target) if client is None else nullcontext(target)
    with opening as opened:
        gc = client if client is not None else connect(opened, as_email=as_email, manage_lists=manage_lists)
        # The embedded server gets a new port each run: it is identified by its data folder.
        server = gc.base_url if client is not None else (str(opened.home) if opened.embedded else opened.graph_url)
        where = {"server": server, "site_host": opened.site_host, "site_path": opened.site_path, "list": opened.list_name}
        try:
            yield gc, opened, where
        finally:
            if client is None:
                gc.close()


def relative_link(client: Any, link: str | None) -> str | None:
    """A delta link without the server's address, to keep in a workbook (the embedded server's port changes per run)."""
    base = client.base_url.rstrip("/")
    return link[len(base) :] if link and link.startswith(base) else link


def absolute_link(client: Any, link: str) -> str:
    """A kept delta link made whole again on the client's server (see ``relative_link``)."""
    return client.base_url.rstrip("/") + link if link.startswith("/") else link


def find_list(client: Any, target: Target, *, create: bool = True) -> tuple[str, dict[str, Any] | None]:
    """(site id, list) for the target; the list is created with plansync's columns when missing.

    With ``create=False`` a missing list is None (a dry run changes nothing).
    """
    from sync.list_schema import list_columns

    site = client.get_site(target.site_host, target.site_path)
    if create:
        return site["id"], client.ensure_list(site["id"], target.list_name, list_columns())
    return site["id"], client.get_list(site["id"], target.list_name)


def _local_ca(environ: Mapping[str, str]) -> str | None:
    """$PLANSYNC_CA_FILE, else the CA that a server with home $PLANSYNC_HOME (or the default) made."""
    if environ.get("PLANSYNC_CA_FILE"):
        return environ["PLANSYNC_CA_FILE"]
    ca = _home(environ) / "tls" / "ca.pem"
    return str(ca) if ca.is_file() else None


def _home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("PLANSYNC_HOME") or platformdirs.user_data_dir("plansync", appauthor=False))


def _clean(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _tenant_from_host(host: str | None) -> str:
    # contoso.sharepoint.com belongs to the tenant contoso.onmicrosoft.com; Entra accepts that name.
    if host and host.endswith(".sharepoint.com"):
        return host.split(".", 1)[0].removesuffix("-my") + ".onmicrosoft.com"
    return "organizations"


__all__ = sorted(
    [
        "DEFAULT_LIST",
        "LOCAL_CLIENT_ID",
        "LOCAL_SITE_PATH",
        "MICROSOFT_GRAPH",
        "Target",
        "absolute_link",
        "connect",
        "connected",
        "find_list",
        "open_target",
        "parse_site",
        "relative_link",
        "resolve_target",
    ]
)

"""Sites, lists and columns (GRAPH.md §1, §2): lookup, rendering, list creation, adding columns."""

from __future__ import annotations

import re

from sync.local_server.calls import Call, Result
from sync.local_server.columns import new_column, title_column
from sync.local_server.database import Duplicate, Missing
from sync.local_server.errors import GraphError
from sync.local_server.query import expansion

__all__ = [
    "DEFAULT_SITE_PATH",
    "SITE_HOSTNAME",
    "create_list",
    "find_list",
    "find_site",
    "get_columns",
    "get_list",
    "get_lists",
    "get_site",
    "post_column",
    "render_list",
    "render_site",
    "resolve_site_path",
    "search_sites",
    "seed_sites",
]

SITE_HOSTNAME = "localhost"
DEFAULT_SITE_PATH = "/sites/plansync"
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
_SITE_NOT_FOUND = "Requested site could not be found"


def seed_sites(store) -> None:
    """A fresh server has the root site and the default site ``/sites/plansync``."""
    store.ensure_site(SITE_HOSTNAME, "/", "Communication site")
    store.ensure_site(SITE_HOSTNAME, DEFAULT_SITE_PATH, "plansync")


def _host_ok(hostname: str, call: Call) -> bool:
    own = call.base_url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    return hostname.lower() in _LOOPBACK_NAMES | {own.lower()}


def _site_missing() -> GraphError:
    return GraphError(404, "itemNotFound", _SITE_NOT_FOUND)


def resolve_site_path(app, call: Call, hostname: str, path: str) -> dict:
    """``/sites/{hostname}:/{server-relative-path}`` -> the site (404 ``itemNotFound`` if unknown)."""
    if not _host_ok(hostname, call):
        raise _site_missing()
    path = "/" + path.strip("/")
    try:
        return app.store.site_by_path(SITE_HOSTNAME, path)
    except Missing:
        raise _site_missing() from None


def find_site(app, call: Call, site_ref: str) -> dict:
    """A site by composite id, by hostname (the root site) or ``root``."""
    if site_ref == "root" or ("," not in site_ref and _host_ok(site_ref, call)):
        return app.store.site_by_path(SITE_HOSTNAME, "/")
    try:
        return app.store.site(site_ref)
    except Missing:
        raise _site_missing() from None


def render_site(site: dict, call: Call) -> dict:
    origin = call.base_url.rsplit("/v1.0", 1)[0]
    return {
        "createdDateTime": site["created"],
        "description": "",
        "displayName": site["display_name"],
        "id": site["id"],
        "lastModifiedDateTime": site["created"],
        "name": site["name"],
        "root": {} if site["path"] == "/" else None,
        "siteCollection": {"hostname": site["hostname"]},
        "webUrl": origin + ("" if site["path"] == "/" else site["path"]),
    }


def get_site(app, call: Call, site: str) -> Result:
    body = render_site(find_site(app, call, site), call)
    if body["root"] is None:
        del body["root"]
    return Result(200, body)


def search_sites(app, call: Call) -> Result:
    """``GET /sites?search={query}`` (docs: site-search.md): sites whose name, display name or
    description holds every keyword; ``*`` or no query lists every site."""
    query = (call.param("search") or "").strip().strip('"').lower()
    words = [w for w in query.split() if w != "*"]
    found = []
    for site in app.store.sites():
        text = " ".join((site["name"], site["display_name"], site["path"])).lower()
        if all(w in text for w in words):
            body = render_site(site, call)
            if body["root"] is None:
                del body["root"]
            found.append(body)
    return Result(200, {"value": found})


def find_list(app, site_id: str, list_ref: str) -> dict:
    try:
        return app.store.find_list(site_id, list_ref)
    except Missing:
        raise GraphError(404, "itemNotFound", "The specified list was not found") from None


def list_web_url(lst: dict, site: dict, call: Call) -> str:
    origin = call.base_url.rsplit("/v1.0", 1)[0]
    prefix = "" if site["path"] == "/" else site["path"]
    return f"{origin}{prefix}/Lists/{lst['name']}"


def render_list(lst: dict, site: dict, call: Call) -> dict:
    return {
        "createdBy": lst["created_by"],
        "createdDateTime": lst["created"],
        "description": lst["description"],
        "displayName": lst["display_name"],
        "eTag": f"\"{lst['id']},1\"",
        "id": lst["id"],
        "lastModifiedBy": lst["modified_by"],
        "lastModifiedDateTime": lst["modified"],
        "list": {"contentTypesEnabled": False, "hidden": False, "template": lst["template"]},
        "name": lst["name"],
        "parentReference": {"siteId": site["id"]},
        "webUrl": list_web_url(lst, site, call),
    }


def get_lists(app, call: Call, site: str) -> Result:
    site_row = find_site(app, call, site)
    return Result(200, {"value": [render_list(lst, site_row, call) for lst in app.store.lists(site_row["id"])]})


def get_list(app, call: Call, site: str, lst: str) -> Result:
    site_row = find_site(app, call, site)
    list_row = find_list(app, site_row["id"], lst)
    body = render_list(list_row, site_row, call)
    if expansion(call.param("expand"), "columns").expanded:
        body["columns"] = app.store.columns(list_row["id"])
    return Result(200, body)


def create_list(app, call: Call, site: str) -> Result:
    """``POST /sites/{id}/lists``: 201 with the list; ``genericList`` adds ``Title`` (GRAPH.md §2.2)."""
    site_row = find_site(app, call, site)
    body = call.json()
    if not isinstance(body, dict):
        raise GraphError(400, "invalidRequest", "The list must be a JSON object with a 'displayName'.")
    if "name" in body:
        raise GraphError(400, "invalidRequest", "Cannot define a 'name' for a list as it is assigned by the server. "
                         "Instead, provide 'displayName'")
    display = body.get("displayName")
    if not isinstance(display, str) or not display.strip():
        raise GraphError(400, "invalidRequest", "A list needs a 'displayName': the title people see.")
    template = (body.get("list") or {}).get("template") or "genericList"
    if template != "genericList":
        raise GraphError(400, "invalidRequest", f"List template '{template}' is not supported by the local list "
                         "server; use genericList.")
    columns = [title_column()]
    for given in body.get("columns") or []:
        column = new_column(given)
        if any(c["name"].lower() == column["name"].lower() for c in columns):
            raise GraphError(409, "nameAlreadyExists", f"A column named '{column['name']}' already exists in this list.")
        columns.append(column)
    name = re.sub(r"[^A-Za-z0-9_]", "", display) or "List"
    try:
        created = app.store.create_list(
            site_row["id"], name=name, display_name=display.strip(), description=body.get("description") or "",
            template=template, columns=columns, user=call.caller,
        )
    except Duplicate:
        raise GraphError(409, "nameAlreadyExists", "A list, survey, discussion board, or document library with "
                         "the specified title already exists in this Web site.  Please choose another title.") from None
    return Result(201, render_list(created, site_row, call))


def get_columns(app, call: Call, site: str, lst: str) -> Result:
    site_row = find_site(app, call, site)
    return Result(200, {"value": app.store.columns(find_list(app, site_row["id"], lst)["id"])})


def post_column(app, call: Call, site: str, lst: str) -> Result:
    """``POST .../columns``: 201 with the columnDefinition (GRAPH.md §2.4)."""
    site_row = find_site(app, call, site)
    list_row = find_list(app, site_row["id"], lst)
    column = new_column(call.json())
    try:
        app.store.add_column(list_row["id"], column)
    except Duplicate:
        raise GraphError(409, "nameAlreadyExists", f"A column named '{column['name']}' already exists in this list.") from None
    return Result(201, column)

"""Item versions (GRAPH.md §12): list, get one (with ``expand=fields``), restore.

``GET .../items/{id}/versions`` answers ``{"value": [listItemVersion, ...]}`` newest first, paged
with an absolute ``@odata.nextLink`` like the items; ``GET .../versions/{version-id}`` answers one
version, and ``expand=fields`` (either spelling, with or without ``select``) adds the item's field
values as they were in that version. Version ids are SharePoint's labels, ``"1.0"``, ``"2.0"``...
An unknown version or item is 404 ``itemNotFound``. ``POST .../versions/{id}/restoreVersion``
(also ``/restore``, the name the resource page uses) makes a new version holding that version's
values, keeps every older one, and answers 204.
"""

from __future__ import annotations

import re

from sync.local_server.calls import Call, Result, absolute_link
from sync.local_server.columns import indexed_names, unique_names
from sync.local_server.database import Duplicate, Missing, Stale
from sync.local_server.errors import GraphError
from sync.local_server.items import etag, render_fields
from sync.local_server.lists import find_list, find_site
from sync.local_server.query import FieldsExpansion, expansion, parse_skiptoken, parse_top, skiptoken

__all__ = ["get_version", "list_versions", "restore_version"]

_LABEL = re.compile(r"(\d+)\.0")


def _missing(what: str = "list item") -> GraphError:
    return GraphError(404, "itemNotFound", f"The specified {what} was not found.")


def _scope(app, call: Call, site: str, lst: str) -> tuple[dict, list[dict]]:
    site_row = find_site(app, call, site)
    list_row = find_list(app, site_row["id"], lst)
    return list_row, app.store.columns(list_row["id"])


def _versions(app, list_row: dict, item: str, *, before: int | None, limit: int) -> tuple[dict, list[dict]]:
    try:
        return app.store.item_versions(list_row["id"], item, before=before, limit=limit)
    except Missing:
        raise _missing() from None


def render_version(item: dict, version: dict, columns: list[dict], fields: FieldsExpansion) -> dict:
    """One listItemVersion: id, lastModifiedBy, lastModifiedDateTime, published, and ``fields`` when expanded."""
    label = f"{version['version']}.0"
    body = {
        "id": label,
        "lastModifiedBy": version["modified_by"],
        "lastModifiedDateTime": version["modified"],
        "published": {"level": "published", "versionId": label},
    }
    if fields.expanded:
        as_then = {**item, "fields": version["fields"], "version": version["version"], "modified": version["modified"]}
        body["fields"] = render_fields(as_then, columns, fields.select)
    return body


def list_versions(app, call: Call, site: str, lst: str, item: str) -> Result:
    list_row, columns = _scope(app, call, site, lst)
    page = parse_top(call.param("top"), app.options.page_size)
    before = parse_skiptoken(call.param("skiptoken")) or None
    row, versions = _versions(app, list_row, item, before=before, limit=page + 1)
    fields = expansion(call.param("expand"))
    body: dict = {"value": [render_version(row, v, columns, fields) for v in versions[:page]]}
    if len(versions) > page:
        body["@odata.nextLink"] = absolute_link(call, {"$skiptoken": skiptoken(versions[page - 1]["version"])})
    return Result(200, body)


def _one(app, list_row: dict, item: str, version_id: str) -> tuple[dict, dict]:
    match = _LABEL.fullmatch(version_id)
    if not match:
        _versions(app, list_row, item, before=None, limit=1)  # an unknown item is named as such
        raise _missing("version")
    number = int(match.group(1))
    row, versions = _versions(app, list_row, item, before=number + 1, limit=1)
    if not versions or versions[0]["version"] != number:
        raise _missing("version")
    return row, versions[0]


def get_version(app, call: Call, site: str, lst: str, item: str, version: str) -> Result:
    list_row, columns = _scope(app, call, site, lst)
    row, found = _one(app, list_row, item, version)
    return Result(200, render_version(row, found, columns, expansion(call.param("expand"))))


def restore_version(app, call: Call, site: str, lst: str, item: str, version: str) -> Result:
    """Make the version's values current again, as a new version (nothing older is lost)."""
    list_row, columns = _scope(app, call, site, lst)
    row, found = _one(app, list_row, item, version)
    # Fields the old version did not have are cleared: the item becomes exactly that version.
    changes = {**{k: None for k in row["fields"]}, **found["fields"]}
    try:
        app.store.update_item(list_row["id"], item, changes, if_match=None, user=call.caller,
                              indexed=indexed_names(columns), unique=unique_names(columns), etag=etag)
    except (Missing, Stale):
        raise _missing() from None
    except Duplicate:
        raise GraphError(409, "nameAlreadyExists", "The version cannot be restored: one of its values is now used "
                         "by another item in a column that must be unique.") from None
    return Result(204)

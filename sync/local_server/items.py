"""List items (GRAPH.md §3, §4): enumerate with paging and filters, get, create, update, delete.

Shapes follow §11: ``POST`` -> 201 listItem; ``PATCH .../fields`` -> 200 flat fieldValueSet
(every field, not only the ones sent); ``DELETE`` -> 204 without a body. ``If-Match`` is compared
verbatim with the quoted eTag ``"{GUID},n"``; a mismatch is 412 and nothing changes.
"""

from __future__ import annotations

from sync.local_server import permissions
from sync.local_server.calls import Call, Result, absolute_link
from sync.local_server.columns import check_fields, field_key, indexed_names, unique_names
from sync.local_server.database import Duplicate, Missing, Stale, value_key
from sync.local_server.errors import GraphError
from sync.local_server.lists import find_list, find_site, list_web_url
from sync.local_server.query import (
    FieldsExpansion,
    expansion,
    parse_filter,
    parse_skiptoken,
    page_size,
    predicate,
    skiptoken,
)

__all__ = [
    "create_item",
    "delete_item",
    "etag",
    "get_fields",
    "get_item",
    "list_items",
    "render_item",
    "update_fields",
    "update_item",
]

_CONTENT_TYPE = {"id": "0x0100A1B2C3D4E5F60718293A4B5C6D7E8F90", "name": "Item"}
_DUPLICATE = ("The list item could not be added or updated because duplicate values were found in one or more "
              "fields in the list.")


def etag(item: dict) -> str:
    """Graph's listItem eTag, quotes included: ``"{GUID},<version>"``."""
    return f"\"{{{item['guid']}}},{item['version']}\""


def _scope(app, call: Call, site: str, lst: str) -> tuple[dict, dict, list[dict]]:
    site_row = find_site(app, call, site)
    list_row = find_list(app, site_row["id"], lst)
    return site_row, list_row, app.store.columns(list_row["id"])


def render_fields(item: dict, columns: list[dict], select: tuple[str, ...] | None) -> dict:
    """The fieldValueSet: visible columns by API name plus the system fields SharePoint adds."""
    stored = item["fields"]
    system = {
        "id": item["id"],
        "ContentType": _CONTENT_TYPE["name"],
        "Modified": item["modified"],
        "Created": item["created"],
        "_UIVersionString": f"{item['version']}.0",
        "Attachments": False,
    }
    out: dict = {"@odata.etag": etag(item)}
    if select is None:
        for column in columns:
            key = field_key(column)
            if not column.get("hidden") and key in stored:
                out[key] = stored[key]
        out.update(system)
        return out
    names = {field_key(c) for c in columns} | {c["name"] for c in columns}
    for name in select:
        key = name if name in stored or name in system else name + "LookupId"
        if key in stored:
            out[key] = stored[key]
        elif key in system:
            out[key] = system[key]
        elif name not in names:
            raise GraphError(400, "invalidRequest", f"Field '{name}' is not recognized")
    return out


def render_item(item: dict, site: dict, lst: dict, columns: list[dict], call: Call,
                fields: FieldsExpansion = FieldsExpansion(False)) -> dict:
    body = {
        "@odata.etag": etag(item),
        "contentType": dict(_CONTENT_TYPE),
        "createdBy": item["created_by"],
        "createdDateTime": item["created"],
        "eTag": etag(item),
        "id": item["id"],
        "lastModifiedBy": item["modified_by"],
        "lastModifiedDateTime": item["modified"],
        "parentReference": {"id": lst["id"], "siteId": site["id"]},
        "webUrl": f"{list_web_url(lst, site, call)}/{item['id']}_.000",
    }
    if fields.expanded:
        body["fields"] = render_fields(item, columns, fields.select)
    return body


def _if_match(call: Call) -> str | None:
    value = call.header("if-match")
    if value is None:
        return None
    value = value.strip()
    if value != "*" and not (value.startswith('"') or value.startswith('W/"')):
        raise GraphError(400, "invalidRequest", "ETags must be quoted strings; send the eTag exactly as the item "
                         "gave it.", inner_code="malformedEntityTag")
    return value


def _item_missing() -> GraphError:
    return GraphError(404, "itemNotFound", "The specified list item was not found.")


def _stored_item(app, list_row: dict, item: str) -> dict:
    """The live item's stored row, or Graph's 404 for an unknown or deleted id."""
    try:
        return app.store.item(list_row["id"], item)
    except Missing:
        raise _item_missing() from None


def _stale() -> GraphError:
    return GraphError(412, "resourceModified", "The resource has changed since the caller last read it; usually an "
                      "eTag mismatch", inner_code="entityTagDoesNotMatch")


def _duplicate() -> GraphError:
    return GraphError(409, "nameAlreadyExists", _DUPLICATE)


def list_items(app, call: Call, site: str, lst: str) -> Result:
    site_row, list_row, columns = _scope(app, call, site, lst)
    fields = expansion(call.param("expand"))
    page = page_size(call, app.options.page_size)
    after = parse_skiptoken(call.param("skiptoken"))
    match = prefix = None
    test = None
    text = call.param("filter")
    if text:
        indexed = indexed_names(columns) | unique_names(columns)
        clauses = parse_filter(text, indexed=indexed, known={field_key(c) for c in columns},
                               prefer=call.header("prefer"))
        if len(clauses) == 1 and clauses[0].op == "eq" and clauses[0].field in indexed and clauses[0].value is not None:
            match = (clauses[0].field, value_key(clauses[0].value))
        elif len(clauses) == 1 and clauses[0].op == "startswith" and clauses[0].field in indexed:
            prefix = (clauses[0].field, str(clauses[0].value))
        else:
            test = predicate(clauses)
    rows = app.store.query_items(list_row["id"], after_id=after, limit=page + 1, match=match, predicate=test,
                                 prefix=prefix)
    body: dict = {"value": [render_item(r, site_row, list_row, columns, call, fields) for r in rows[:page]]}
    if len(rows) > page:
        body["@odata.nextLink"] = absolute_link(call, {"$skiptoken": skiptoken(int(rows[page - 1]["id"]))})
    return Result(200, body)


def get_item(app, call: Call, site: str, lst: str, item: str) -> Result:
    site_row, list_row, columns = _scope(app, call, site, lst)
    row = _stored_item(app, list_row, item)
    return Result(200, render_item(row, site_row, list_row, columns, call, expansion(call.param("expand"))))


def get_fields(app, call: Call, site: str, lst: str, item: str) -> Result:
    _, list_row, columns = _scope(app, call, site, lst)
    row = _stored_item(app, list_row, item)
    select = call.param("select")
    return Result(200, render_fields(row, columns, tuple(s for s in select.split(",") if s) if select else None))


def create_item(app, call: Call, site: str, lst: str) -> Result:
    """``POST .../items`` with ``{"fields": {...}}`` -> 201 listItem (fields included)."""
    site_row, list_row, columns = _scope(app, call, site, lst)
    body = call.json()
    if not isinstance(body, dict):
        raise GraphError(400, "invalidRequest", "The item must be a JSON object such as {\"fields\": {...}}.")
    values = {k: v for k, v in check_fields(columns, body.get("fields", {})).items() if v is not None}
    try:
        with app.store.transaction():  # the check and the write see the same data
            permissions.check_create(app, call, site_row, list_row, columns, values)
            row = app.store.create_item(list_row["id"], values, user=call.caller, indexed=indexed_names(columns),
                                        unique=unique_names(columns))
    except Duplicate:
        raise _duplicate() from None
    return Result(201, render_item(row, site_row, list_row, columns, call, FieldsExpansion(True)))


def _update(app, call: Call, site_row: dict, list_row: dict, columns: list[dict], item: str, values: object) -> dict:
    changes = check_fields(columns, values)
    try:
        with app.store.transaction():  # the check and the write see the same data
            permissions.check_update(app, call, site_row, list_row, columns, _stored_item(app, list_row, item), changes)
            return app.store.update_item(list_row["id"], item, changes, if_match=_if_match(call), user=call.caller,
                                         indexed=indexed_names(columns), unique=unique_names(columns), etag=etag)
    except Missing:
        raise _item_missing() from None
    except Stale:
        raise _stale() from None
    except Duplicate:
        raise _duplicate() from None


def update_fields(app, call: Call, site: str, lst: str, item: str) -> Result:
    """``PATCH .../items/{id}/fields`` with a flat fieldValueSet -> 200 fieldValueSet (GRAPH.md §3.4)."""
    site_row, list_row, columns = _scope(app, call, site, lst)
    row = _update(app, call, site_row, list_row, columns, item, call.json())
    return Result(200, render_fields(row, columns, None))


def update_item(app, call: Call, site: str, lst: str, item: str) -> Result:
    """``PATCH .../items/{id}`` with ``{"fields": {...}}`` -> 200 listItem with its fields."""
    site_row, list_row, columns = _scope(app, call, site, lst)
    body = call.json()
    if not isinstance(body, dict):
        raise GraphError(400, "invalidRequest", "The item must be a JSON object such as {\"fields\": {...}}.")
    row = _update(app, call, site_row, list_row, columns, item, body.get("fields", {}))
    return Result(200, render_item(row, site_row, list_row, columns, call, FieldsExpansion(True)))


def delete_item(app, call: Call, site: str, lst: str, item: str) -> Result:
    site_row, list_row, columns = _scope(app, call, site, lst)
    try:
        with app.store.transaction():  # the check and the write see the same data
            permissions.check_delete(app, call, site_row, list_row, columns, _stored_item(app, list_row, item))
            app.store.delete_item(list_row["id"], item, if_match=_if_match(call), etag=etag)
    except Missing:
        raise _item_missing() from None
    except Stale:
        raise _stale() from None
    return Result(204)

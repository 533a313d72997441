"""``GET .../items/delta`` (GRAPH.md §5): change tracking with ``token=``.

The token is opaque to clients: base64url of ``{"l": list id, "s": changes seen up to, "c": page
cursor}`` over the store's change sequence. Each item appears with its latest state; deleted items
carry only ``id``, ``parentReference``, ``contentType`` and ``deleted``. A token the server cannot
use (damaged, for another list, or older than the purge of deleted items) gets 410 with
``resyncRequired`` and a ``Location`` header that starts a fresh enumeration.
"""

from __future__ import annotations

import base64
import json
import re

from sync.local_server.calls import Call, Result, absolute_link
from sync.local_server.errors import GraphError
from sync.local_server.items import _CONTENT_TYPE, _scope, render_item
from sync.local_server.query import expansion, page_size

__all__ = ["delta", "function_form"]


def _encode(list_id: str, seen: int, cursor: int) -> str:
    raw = json.dumps({"l": list_id, "s": seen, "c": cursor}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> dict | None:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), t) for k, t in (("l", str), ("s", int), ("c", int))):
        return None
    return data


_FUNCTION_CALL = re.compile(r"^(?P<items>.*/items)/(?:microsoft\.graph\.)?delta\((?:token='(?P<token>(?:[^']|'')*)')?\)$")


def function_form(call: Call) -> None:
    """Graph's OData function forms of delta, as Microsoft's SDKs send them, rewritten to ``items/delta``:
    ``items/delta()``, ``items/microsoft.graph.delta()`` and ``items/delta(token='...')`` (the
    token moves to the query, where the short form carries it)."""
    match = _FUNCTION_CALL.match(call.path)
    if not match:
        return
    call.path = match.group("items") + "/delta"
    if match.group("token") is not None:
        call.query = [(k, v) for k, v in call.query if k.lstrip("$") != "token"]
        call.query.append(("token", match.group("token").replace("''", "'")))


def delta(app, call: Call, site: str, lst: str) -> Result:
    site_row, list_row, columns = _scope(app, call, site, lst)
    list_id = list_row["id"]
    token = call.param("token")
    if token == "latest":
        seen = app.store.current_seq()
        return Result(200, {"value": [], "@odata.deltaLink": absolute_link(call, {"token": _encode(list_id, seen, seen)})})
    seen = cursor = 0
    if token is not None:
        data = _decode(token)
        if data is None or data["l"] != list_id or (0 < data["s"] < app.store.delta_floor(list_id)):
            raise GraphError(
                410, "resyncRequired",
                "The delta token is no longer valid; start again from the link in the Location header and "
                "apply the differences.",
                inner_code="resyncChangesApplyDifferences",
                headers={"Location": absolute_link(call, {}, drop=("token",))},
            )
        seen, cursor = data["s"], data["c"]
    page = page_size(call, app.options.page_size)
    fields = expansion(call.param("expand"))
    # A first enumeration (nothing seen yet) lists live items only; deletions made while it is
    # being paged, and everything after a token, are reported.
    now = app.store.current_seq()  # read before the changes: nothing after it can be skipped
    rows = app.store.changes(list_id, after_seq=max(seen, cursor), limit=page + 1,
                             include_deleted=token is not None)
    value = []
    for row in rows[:page]:
        if row["deleted"]:
            value.append({"contentType": dict(_CONTENT_TYPE), "deleted": {"state": "deleted"}, "id": row["id"],
                          "parentReference": {"siteId": site_row["id"]}})
        else:
            value.append(render_item(row, site_row, list_row, columns, call, fields))
    body: dict = {"value": value}
    if len(rows) > page:
        body["@odata.nextLink"] = absolute_link(call, {"token": _encode(list_id, seen, rows[page - 1]["seq"])})
    else:
        # An enumeration that found nothing still moves the link to now: a link of 0 would read as
        # a first enumeration next time, which leaves out deletions.
        last = rows[-1]["seq"] if rows else max(seen, cursor, now)
        body["@odata.deltaLink"] = absolute_link(call, {"token": _encode(list_id, last, last)})
    return Result(200, body)

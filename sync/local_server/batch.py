"""JSON batching at ``POST /v1.0/$batch`` (GRAPH.md §6, §11.9).

At most 20 requests, relative URLs, ``Content-Type`` required in a request's headers when it has a
body. The batch answers 200 once it parses, whatever its requests did; each entry has its own
``status``, ``headers`` and ``body`` (``null`` for 204). A request whose ``dependsOn`` failed gets
424. Injected throttling is drawn per request, so a throttled entry is a 429 with its own
``Retry-After``. Entries come back shuffled (seeded), because Graph may answer in any order.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, unquote, urlsplit

from sync.local_server.calls import Call, Result
from sync.local_server.errors import GraphError, error_body

__all__ = ["MAX_REQUESTS", "run_batch"]

MAX_REQUESTS = 20


def _bad(message: str) -> GraphError:
    return GraphError(400, "invalidRequest", message)


def _check(payload: object) -> list[dict]:
    """Refuse a malformed batch as a whole (400), as Graph does before running anything."""
    requests = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(requests, list) or not requests:
        raise _bad("Invalid batch payload format: give {\"requests\": [...]} with 1 to 20 requests.")
    if len(requests) > MAX_REQUESTS:
        raise _bad("Number of requests inside batch exceeds the limit.")
    ids: set[str] = set()
    for entry in requests:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry.get(k) for k in ("id", "method", "url")):
            raise _bad("Each request in a batch needs 'id', 'method' and 'url' as strings.")
        if entry["id"] in ids:
            raise _bad(f"Batch request id '{entry['id']}' is used twice; ids must be unique.")
        ids.add(entry["id"])
        url = entry["url"]
        if "://" in url:
            raise _bad(f"Request id {entry['id']}: use a URL relative to the version, e.g. /sites/root, not {url}.")
        if url.lstrip("/").startswith("$batch"):
            raise _bad(f"Request id {entry['id']}: nested batches are not supported.")
        headers = {k.lower(): v for k, v in (entry.get("headers") or {}).items()}
        has_body = entry.get("body") is not None
        if entry["method"].upper() in ("POST", "PATCH", "PUT") and (not has_body or "content-type" not in headers):
            raise _bad(f"Write request id : {entry['id']} does not contain Content-Type header or body.")
        if has_body and "content-type" not in headers:
            raise _bad(f"Write request id : {entry['id']} does not contain Content-Type header or body.")
    for entry in requests:
        depends = entry.get("dependsOn") or []
        if not isinstance(depends, list) or any(d not in ids or d == entry["id"] for d in depends):
            raise _bad(f"Request id {entry['id']}: dependsOn must list ids of other requests in this batch.")
    _order(requests)
    return requests


def _order(requests: list[dict]) -> list[dict]:
    """Requests in an order where each runs after what it depends on; a cycle is a bad batch."""
    done: set[str] = set()
    ordered: list[dict] = []
    pending = list(requests)
    while pending:
        ready = [r for r in pending if all(d in done for d in r.get("dependsOn") or [])]
        if not ready:
            raise _bad("The dependsOn chains in this batch form a loop.")
        for entry in ready:
            ordered.append(entry)
            done.add(entry["id"])
            pending.remove(entry)
    return ordered


def _body_bytes(body: object) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, str):
        try:  # a base64 body (GRAPH.md §6); JSON text otherwise
            return base64.b64decode(body, validate=True)
        except ValueError:
            return body.encode()
    return json.dumps(body).encode()


def run_batch(app, outer: Call) -> Result:
    requests = _check(outer.json())
    statuses: dict[str, int] = {}
    responses: list[dict] = []
    # One commit for the whole batch (one fsync instead of twenty). Each request still runs in its
    # own savepoint, so a failed one changes nothing and the others keep their writes, as Graph
    # batches are not atomic. Nothing is acknowledged before this commit.
    with app.store.transaction():
        _run_all(app, outer, requests, statuses, responses)
    app.shuffle(responses)
    return Result(200, {"responses": responses})


def _run_all(app, outer: Call, requests: list[dict], statuses: dict[str, int], responses: list[dict]) -> None:
    for entry in _order(requests):
        failed = [d for d in entry.get("dependsOn") or [] if statuses[d] >= 400]
        headers = {k.lower(): str(v) for k, v in (entry.get("headers") or {}).items()}
        request_id = app.new_request_id()
        if failed:
            result = Result(424, error_body("failedDependency", f"Request {entry['id']} was not run because request "
                                            f"{failed[0]} it depends on failed.", request_id=request_id,
                                            client_request_id=headers.get("client-request-id")))
        else:
            parts = urlsplit(entry["url"])
            call = Call(
                method=entry["method"].upper(),
                path="/" + unquote(parts.path).lstrip("/"),
                query=parse_qsl(parts.query, keep_blank_values=True),
                headers=headers,
                raw_body=_body_bytes(entry.get("body")),
                base_url=outer.base_url,
                caller=outer.caller,
            )
            result = app.run_call(call, request_id=request_id, inject_faults=True)
        statuses[entry["id"]] = result.status
        entry_headers = dict(result.headers)
        if result.body is not None:
            entry_headers.setdefault("Content-Type", "application/json")
        responses.append({"id": entry["id"], "status": result.status, "headers": entry_headers, "body": result.body})

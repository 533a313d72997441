"""JSON batching (GRAPH.md §6): up to 20 requests per POST /$batch, statuses per request.

A 200 from ``$batch`` says nothing about the requests inside it. Each answer carries its own
status; throttled and failed ones (429/500/502/503/504, each with its own ``Retry-After`` or
none) are sent again in a new batch after the longest wait, and so are the 424s of requests
that depended on them, within the command's retry budget (``sync.retry``). Answers come back
in any order; ``run_batch`` returns them in the order the requests were given. An answer says
``answer_lost`` when an earlier sending of its request went unanswered (the whole batch timed out or
dropped, or the request got a transient status): that sending may have been carried out, so a 409
or 412 now may be the list refusing our own repeat (``sync.lost_answers``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sync.errors import GraphError, SyncError, ThrottledError
from sync.http_errors import status_error
from sync.retry import TRANSIENT_STATUSES
from sync.transport import GraphHttp

# Graph refuses a batch of more than 20 requests.
MAX_BATCH = 20


@dataclass(frozen=True)
class BatchRequest:
    """One request inside a batch; ``url`` is relative to the version root (``/sites/...``)."""

    id: str
    method: str
    url: str
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    depends_on: str | None = None
    # For messages only: which list item this request is about (412 names it).
    item_id: str | None = None

    def to_wire(self, *, keep_dependency: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": self.id, "method": self.method, "url": self.url}
        headers = dict(self.headers)
        if self.body is not None:
            # Graph requires a Content-Type header whenever an entry has a body.
            headers.setdefault("Content-Type", "application/json")
            entry["body"] = self.body
        if headers:
            entry["headers"] = headers
        if self.depends_on is not None and keep_dependency:
            entry["dependsOn"] = [self.depends_on]
        return entry


@dataclass(frozen=True)
class BatchResponse:
    """The answer to one BatchRequest: its own status, headers and JSON body (None for 204)."""

    id: str
    status: int
    headers: Mapping[str, str]
    body: Any
    request: BatchRequest | None = None
    # An earlier sending of this request got no definite answer (a dropped or hung connection, a
    # transient status such as 504), so that attempt may have been carried out: a 409 or 412 now
    # may answer our own earlier write rather than somebody else's (``sync.lost_answers``).
    answer_lost: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def error(self) -> SyncError | None:
        """The plansync error this answer stands for (ConflictError for 412), or None when it succeeded."""
        if self.ok:
            return None
        method = self.request.method if self.request else "?"
        url = self.request.url if self.request else "?"
        item_id = self.request.item_id if self.request else None
        return status_error(self.status, self.headers, self.body, method=method, url=url, item_id=item_id)

    def raise_for_status(self) -> BatchResponse:
        err = self.error()
        if err is not None:
            raise err
        return self


def item_path(site_id: str, list_id: str, item_id: str | None = None) -> str:
    """``/sites/{site}/lists/{list}/items[/{item}]`` with each segment quoted."""
    path = f"/sites/{_seg(site_id)}/lists/{_seg(list_id)}/items"
    return path if item_id is None else f"{path}/{_seg(item_id)}"


def create_item_request(request_id: str, site_id: str, list_id: str, fields: Mapping[str, Any]) -> BatchRequest:
    return BatchRequest(request_id, "POST", item_path(site_id, list_id), body={"fields": dict(fields)})


def update_fields_request(
    request_id: str, site_id: str, list_id: str, item_id: str, fields: Mapping[str, Any], etag: str | None = None
) -> BatchRequest:
    # The eTag carries its own quotes and is echoed verbatim (GRAPH.md §11.2).
    headers = {"If-Match": etag} if etag else {}
    return BatchRequest(
        request_id, "PATCH", item_path(site_id, list_id, item_id) + "/fields", body=dict(fields), headers=headers, item_id=item_id
    )


def delete_item_request(request_id: str, site_id: str, list_id: str, item_id: str, etag: str | None = None) -> BatchRequest:
    headers = {"If-Match": etag} if etag else {}
    return BatchRequest(request_id, "DELETE", item_path(site_id, list_id, item_id), headers=headers, item_id=item_id)


def run_batch(http: GraphHttp, requests: Sequence[BatchRequest]) -> list[BatchResponse]:
    """Send ``requests`` in batches of at most 20; answers in request order.

    Raises ThrottledError when failing entries still fail once the retry budget is spent, and
    GraphError when the server leaves a request unanswered.
    """
    ids = [r.id for r in requests]
    if len(set(ids)) != len(ids):
        raise ValueError("batch request ids must be unique")
    answers: dict[str, BatchResponse] = {}
    try:
        for start in range(0, len(requests), MAX_BATCH):
            _run_group(http, list(requests[start : start + MAX_BATCH]), answers)
    except ThrottledError as exc:
        # What did go through is kept: per request, its answer, or None where it never succeeded.
        exc.answered = [answers.get(i) for i in ids]  # type: ignore[attr-defined]
        raise
    return [answers[i] for i in ids]


def _run_group(http: GraphHttp, group: list[BatchRequest], answers: dict[str, BatchResponse]) -> None:
    pending = group
    rounds = 0
    unsure: set[str] = set()  # ids of requests an earlier attempt of which may have been carried out
    while pending:
        sendable = []
        for request in pending:
            dep = answers.get(request.depends_on) if request.depends_on else None
            if dep is not None and not dep.ok:
                # Its prerequisite failed in an earlier batch: Graph would answer 424, so do we.
                answers[request.id] = BatchResponse(request.id, 424, {}, _failed_dependency(request), request)
            else:
                sendable.append(request)
        if not sendable:
            return
        response = _post(http, sendable, unsure)
        body = http.json(response)
        listed = body.get("responses") if isinstance(body, dict) else None
        entries = {str(e.get("id")): e for e in listed or [] if isinstance(e, dict)}
        retry: list[BatchRequest] = []
        waits: list[dict[str, str]] = []
        retry_ids: set[str] = set()
        worst = 0
        for request in sendable:
            entry = entries.get(request.id)
            if entry is None:
                raise GraphError(
                    f"The server answered the batch without an answer for request {request.id} "
                    f"({request.method} {request.url}). Sync again; nothing was lost.",
                    status=response.status_code,
                )
            status = int(entry.get("status", 0))
            headers = {str(k): str(v) for k, v in (entry.get("headers") or {}).items()}
            transient = status in TRANSIENT_STATUSES
            blocked = status == 424 and request.depends_on in retry_ids
            if transient or blocked:
                retry.append(request)
                retry_ids.add(request.id)
                if transient:
                    unsure.add(request.id)  # a 504 may come after the work was done
                    waits.append(headers)
                    worst = worst or status
                continue
            answers[request.id] = BatchResponse(request.id, status, headers, entry.get("body"), request, request.id in unsure)
        if retry:
            rounds += 1
            # One wait for the round: the longest Retry-After any answer asked for, else backoff.
            longest = max(waits, key=lambda h: http.retrier.step(rounds, h) if "Retry-After" in h else -1.0, default={})
            wait = http.retrier.next_wait(rounds, longest if "Retry-After" in longest else None)
            if wait is None:
                raise http.gave_up(worst or 429, rounds, longest)
            http.sleep(wait)
        pending = retry


def _post(http: GraphHttp, sendable: list[BatchRequest], unsure: set[str]) -> Any:
    """POST one batch; when it had to be sent again after an unanswered try, its ids join ``unsure``."""
    in_group = {r.id for r in sendable}
    wire = [r.to_wire(keep_dependency=r.depends_on in in_group) for r in sendable]
    # Graph's throttling page says a throttled batch may fail as a whole with 424: retry that too.
    # Sending the batch again after a lost answer is safe: creates carry a unique key (409 the
    # second time) and updates and deletes an If-Match (412 or 404 the second time).
    resent: list[bool] = []
    response = http.send(
        "POST", "/$batch", json_body={"requests": wire}, retry_statuses=TRANSIENT_STATUSES | {424}, resend_safe=True,
        on_resend=lambda: resent.append(True),
    )
    if resent:
        unsure.update(in_group)
    return response


def _failed_dependency(request: BatchRequest) -> dict[str, Any]:
    return {
        "error": {
            "code": "failedDependency",
            "message": f"Request {request.depends_on}, which this request depends on, failed.",
        }
    }


def _seg(value: str) -> str:
    # Site ids are "host,GUID,GUID" and list titles may hold spaces: keep commas, quote the rest.
    return quote(str(value), safe=",:")


__all__ = sorted(
    [
        "BatchRequest",
        "BatchResponse",
        "MAX_BATCH",
        "create_item_request",
        "delete_item_request",
        "item_path",
        "run_batch",
        "update_fields_request",
    ]
)

"""Graph error bodies, and the one exception handlers raise to produce them.

Graph answers every failure with ``{"error":{"code","message","innerError":{"date","request-id",
"client-request-id"}}}`` (GRAPH.md §8). Handlers raise :class:`GraphError`; the app turns it into
that body in one place (``app.py``), so no handler builds an error response by hand.
"""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["GraphError", "error_body"]


class GraphError(Exception):
    """A Graph failure answer: HTTP status, Graph ``code``, message and extra headers.

    ``inner_code`` is the more specific code Graph nests inside ``innerError`` (for example
    ``entityTagDoesNotMatch`` under ``resourceModified``, GRAPH.md §4).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        inner_code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.inner_code = inner_code
        self.headers = dict(headers or {})


def error_body(
    code: str,
    message: str,
    *,
    request_id: str,
    client_request_id: str | None,
    inner_code: str | None = None,
) -> dict:
    """Build Graph's error JSON; ``innerError.date`` has no zone suffix, as in errors.md."""
    inner: dict = {}
    if inner_code:
        inner["code"] = inner_code
    inner["date"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    inner["request-id"] = request_id
    inner["client-request-id"] = client_request_id or request_id
    return {"error": {"code": code, "message": message, "innerError": inner}}

"""The errors of talking to SharePoint or the local list server (the ``SyncError`` branch of the
tree drawn in ``plansync.errors``, which re-exports them under the same names).

Foreign exceptions (httpx, msal) are mapped onto these at one place each (``sync.http_errors``,
``sync.signin_errors``), so a caller of ``sync`` never sees a library's own exceptions.
"""

from __future__ import annotations

from validation.errors import PlansyncError


class SyncError(PlansyncError):
    """Talking to SharePoint (or the local list server) failed."""


class AuthError(SyncError):
    """Sign-in is missing, expired or was refused."""


class ThrottledError(SyncError):
    """The server kept answering 429/503 after the bounded retries."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConflictError(SyncError):
    """An update carried a stale eTag (412): someone else changed the item first."""

    def __init__(self, message: str, *, item_id: str | None = None) -> None:
        super().__init__(message)
        self.item_id = item_id


class GraphError(SyncError):
    """Any other Graph error reply, with its status, code and request-id."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.request_id = request_id


__all__ = sorted(["SyncError", "AuthError", "ThrottledError", "ConflictError", "GraphError"])

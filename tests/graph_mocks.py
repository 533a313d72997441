"""A Graph client whose requests go to a function of the test (httpx.MockTransport) instead of a server."""

from __future__ import annotations

import httpx

from sync.auth import StaticToken
from sync.graph import GraphClient

BASE = "https://graph.example.test/v1.0"


def mock_client(handler, *, auth=None, sleeps: list | None = None, **options) -> GraphClient:
    """A client of BASE answered by ``handler(request)``; the waits it would sleep go into ``sleeps`` (or nowhere)."""
    return GraphClient(BASE, auth=auth or StaticToken("t"), transport=httpx.MockTransport(handler),
                       sleep=sleeps.append if sleeps is not None else (lambda s: None), **options)

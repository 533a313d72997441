"""One Graph call as handlers see it, whether it came over HTTP or inside a ``$batch``.

Handlers take a :class:`Call` and return a :class:`Result`; ``app.py`` turns results into HTTP
responses and ``batch.py`` into batch entries, so both paths share every rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote

from sync.local_server.errors import GraphError

__all__ = ["Call", "Result", "absolute_link"]


@dataclass
class Call:
    """``path`` is decoded and starts after ``/v1.0``; ``query`` keeps the original pairs in order."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # keys lower-case
    raw_body: bytes | None
    base_url: str  # e.g. https://127.0.0.1:8443/v1.0
    caller: dict = field(default_factory=dict)  # createdBy/lastModifiedBy identity

    def param(self, name: str) -> str | None:
        """A query option, accepting Graph's optional ``$`` prefix (GRAPH.md §0)."""
        for key, value in self.query:
            if key == name or key == "$" + name:
                return value
        return None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> object:
        if not self.raw_body:
            raise GraphError(400, "invalidRequest", "The request needs a JSON body.")
        try:
            return json.loads(self.raw_body)
        except (ValueError, UnicodeDecodeError):
            raise GraphError(400, "invalidRequest", "Unable to read JSON request payload. Please ensure "
                             "Content-Type header is set and payload is of valid JSON format.") from None


@dataclass
class Result:
    status: int
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)


def absolute_link(call: Call, replace: dict[str, str], drop: tuple[str, ...] = ()) -> str:
    """An absolute URL for this call's path carrying every original query option (GRAPH.md §11.5).

    Options named in ``drop`` (with or without ``$``) are removed and ``replace`` pairs appended.
    """
    removed = {n for d in drop for n in (d, "$" + d)} | {n for r in replace for n in (r, r.lstrip("$"), "$" + r.lstrip("$"))}
    pairs = [(k, v) for k, v in call.query if k not in removed] + list(replace.items())
    path = quote(call.path, safe="/,:")
    if not pairs:
        return f"{call.base_url}{path}"
    query = "&".join(f"{quote(k, safe='$')}={quote(v, safe=chr(36) + '(),/:')}" for k, v in pairs)
    return f"{call.base_url}{path}?{query}"

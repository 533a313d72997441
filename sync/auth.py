"""Sign-in for the Graph client (placeholder while msal support is written)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StaticToken:
    """A fixed bearer token (tests, and scripts that got a token elsewhere)."""

    value: str
    user: str = "static-token"

    def token(self, *, force_refresh: bool = False) -> str:
        return self.value


__all__ = ["StaticToken"]

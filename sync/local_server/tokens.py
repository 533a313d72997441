"""Signed tokens: compact JWTs (HS256) with an HMAC key that lives under the server's home.

The key file is created once (mode 0600) so tokens survive a restart; it is never logged or
returned. ``home=None`` (in-memory server) uses a fresh random key per app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from pathlib import Path

__all__ = ["Signer", "TokenInvalid", "b64url", "load_key"]

_KEY_FILE = "signing.key"


class TokenInvalid(ValueError):
    """The token is malformed, wrongly signed, of the wrong kind or expired (``expired`` says which)."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_key(home: Path | None) -> bytes:
    """Read the HMAC key under ``home``, creating it on first use.

    The new key is written to a temporary file and linked into place whole, so no process ever
    reads half a key, and a process killed while writing leaves no key rather than a damaged one.
    (First-time set-up runs under ``sync.home_lock``; the link also refuses to replace a key that
    another process made meanwhile, and that key is then used.)
    """
    if home is None:
        return secrets.token_bytes(32)
    path = Path(home) / _KEY_FILE
    if not path.exists():
        key = secrets.token_bytes(32)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_KEY_FILE + ".")
        try:
            os.chmod(tmp, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(key.hex())
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)
                return key
            except FileExistsError:
                pass  # another process made it first: use theirs
        finally:
            os.unlink(tmp)
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        key = b""
    if len(key) >= 32:
        return key
    raise RuntimeError(f"The signing key {path} is damaged; delete it and sign in again.")


class Signer:
    """Issues and checks HS256 JWTs carrying a ``typ`` claim (access, refresh, id)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __repr__(self) -> str:  # never show the key
        return "Signer(<key hidden>)"

    def issue(self, claims: dict, *, lifetime: float, kind: str) -> str:
        now = int(time.time())
        body = {**claims, "typ": kind, "iat": now, "nbf": now, "exp": now + int(lifetime)}
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = b64url(json.dumps(body, separators=(",", ":")).encode())
        signature = hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64url(signature)}"

    def verify(self, token: str, *, kind: str) -> dict:
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenInvalid("the token is not a JWT")
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            good = hmac.compare_digest(expected, _unb64url(parts[2]))
            claims = json.loads(_unb64url(parts[1]))
        except (ValueError, TypeError):
            raise TokenInvalid("the token is not a JWT") from None
        if not good or not isinstance(claims, dict):
            raise TokenInvalid("the token signature is not valid")
        if claims.get("typ") != kind:
            raise TokenInvalid(f"the token is not an {kind} token")
        now = time.time()
        if not (claims.get("nbf", 0) - 300 <= now < claims.get("exp", 0)):
            raise TokenInvalid("the token has expired", expired=True)
        return claims

"""Where a person's sign-in is kept, and whether it is encrypted.

The token cache is per user: ``$PLANSYNC_TOKEN_CACHE``, else ``token_cache.bin`` in
``$PLANSYNC_HOME`` (the data folder plansync is told to use: tests and demos keep out of the
person's own folders), else in the per-user data folder. It is encrypted by the operating system where it can be (Windows DPAPI, macOS
Keychain, Linux Secret Service through msal-extensions). Where it cannot (a Linux server without
a keyring, an ssh session), it falls back to a file only its owner may read (mode 0600), and
says so once, in one line, with the reason.

This module holds the policy; ``sync.auth`` (which, with ``sync.msal_apps`` and ``sync.msal_tokens``,
alone imports msal and msal-extensions) passes in the two persistence builders.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from sync.home_lock import setup_lock

CACHE_FILE = "token_cache.bin"

_warned: set[str] = set()


@dataclass(frozen=True)
class CacheStore:
    """The persistence chosen for the cache, whether it is encrypted, and the warning if not."""

    persistence: Any
    path: Path
    encrypted: bool
    warning: str | None = None


def cache_path(environ: Mapping[str, str] = os.environ) -> Path:
    """The token cache file of the person running plansync."""
    override = environ.get("PLANSYNC_TOKEN_CACHE")
    if override:
        return Path(override)
    # The same data folder the embedded list server uses (see sync.target).
    home = environ.get("PLANSYNC_HOME") or platformdirs.user_data_dir("plansync", appauthor=False)
    return Path(home) / CACHE_FILE


def choose_persistence(
    path: Path,
    *,
    encrypted: Callable[[str], Any],
    plain: Callable[[str], Any],
    warn: Callable[[str], None] | None = None,
) -> CacheStore:
    """Encrypted persistence when the OS allows, else a 0600 file and a one-line warning.

    Args:
        encrypted: ``msal_extensions.build_encrypted_persistence``; it raises ImportError,
            ValueError or RuntimeError when the keyring cannot be used.
        plain: ``msal_extensions.FilePersistence``.
        warn: where the warning goes (default: standard error, once per file per process).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # Two commands starting at once must not both create the cache file (sync.home_lock).
    with setup_lock(path.parent):
        try:
            return CacheStore(encrypted(str(path)), path, True)
        except (ImportError, ValueError, RuntimeError, OSError) as exc:
            reason = _why_not_encrypted(exc)
        persistence = plain(str(path))
        if path.exists():
            os.chmod(path, 0o600)  # an older file may have been made with looser rights
    message = (
        f"Warning: your sign-in is kept in {path} without encryption, because {reason}; "
        "only your user account can read the file."
    )
    (warn or _warn_once)(message)
    return CacheStore(persistence, path, False, message)


def _why_not_encrypted(exc: BaseException) -> str:
    if isinstance(exc, ImportError):
        return "the keyring library (PyGObject with libsecret) is not installed"
    text = str(exc)
    if isinstance(exc, RuntimeError) and ("Headless" in text or "D-Bus" in text or "DBus" in text):
        return "no keyring service is running (for example in an ssh session)"
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"the keyring cannot be used ({first_line})"


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(message, file=sys.stderr)


__all__ = sorted(["CACHE_FILE", "CacheStore", "cache_path", "choose_persistence"])

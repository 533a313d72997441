"""Development identities: who a token names, and how writes record them.

They exist only on the local server: any email address is a person, any client id an app.
"""

from __future__ import annotations

import re
import uuid

__all__ = ["TENANT", "app_identity", "display_name", "person", "valid_email"]

# A fixed GUID so msal's token cache (keyed by tenant) is stable across restarts and machines.
TENANT = "7d0c2d6e-3a0b-4c52-9b1e-5f1a6c0d9e42"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NAMESPACE = uuid.UUID("0b7f4a56-3f0e-4d9c-8f7a-1c2d3e4f5a6b")


def valid_email(text: str) -> bool:
    return bool(_EMAIL.match(text or ""))


def display_name(email: str) -> str:
    """``alice.smith@example.org`` -> ``Alice Smith``: readable in ``lastModifiedBy``."""
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or email


def person(email: str) -> dict:
    """The ``user`` identity Graph puts in ``createdBy``/``lastModifiedBy`` for a person."""
    email = email.strip()
    return {
        "user": {
            "displayName": display_name(email),
            "email": email,
            "id": str(uuid.uuid5(_NAMESPACE, "user:" + email.lower())),
        }
    }


def app_identity(client_id: str) -> dict:
    """An app-only caller: SharePoint shows the app, with ``SharePoint App`` as the user."""
    return {
        "application": {"displayName": client_id, "id": client_id},
        "user": {"displayName": "SharePoint App"},
    }

"""What ``plansync refresh`` keeps between runs, in the user's data folder (never in a workbook).

The job re-rates every action each day, because the derived fields (Due, RAG, Overdue, Days
overdue) move with today's date, not with the items. Reading 10,000 items every morning to learn
that 9,800 of them did not change would cost 50 requests; instead each item's rating inputs are kept
here and brought up to date with one delta read of the changes since the last run.

One JSON file per list, ``<data folder>/refresh/<digest of where the list is>.json``, 0600,
replaced atomically (a crash half-way leaves the old file), holding:

- ``site_id``, ``list_id``, ``plans_list_id``: ids looked up on the first run;
- ``delta_link``: where the next delta read starts (without the server's address, which changes
  per run for the embedded server);
- ``items``: item id -> ``{key, etag, withdrawn, target, revised_target, status, completed,
  progress, due, rag, overdue, days_overdue}``, every value as the sync engine's text.

The data folder is ``$PLANSYNC_HOME``, else the per-user data folder (``~/.local/share/plansync``
on Linux), the same one the token cache and the embedded list server use.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

STATE_VERSION = 1
LOG_FILE = "refresh.log"


def data_home(environ: Mapping[str, str] = os.environ) -> Path:
    """``$PLANSYNC_HOME``, else the per-user data folder (as ``sync.target`` and the token cache use)."""
    return Path(environ.get("PLANSYNC_HOME") or platformdirs.user_data_dir("plansync", appauthor=False))


def where_digest(where: Mapping[str, Any]) -> str:
    """A short stable name for one list on one server (the ``where`` of ``sync.target.connected``)."""
    text = json.dumps({k: where.get(k) for k in sorted(where)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the user only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp, 0o600)  # before any data is written into it
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@dataclass
class RefreshState:
    """The refresh job's memory of one list (see the module docstring)."""

    where: dict[str, Any] = field(default_factory=dict)
    site_id: str = ""
    list_id: str = ""
    plans_list_id: str = ""
    delta_link: str = ""
    items: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def first_run(self) -> bool:
        return not (self.site_id and self.list_id and self.delta_link)


def state_path(home: Path, where: Mapping[str, Any]) -> Path:
    return home / "refresh" / f"{where_digest(where)}.json"


def load_state(home: Path, where: Mapping[str, Any]) -> RefreshState:
    """The state kept for this list, or an empty one (first run, or a file plansync cannot read)."""
    path = state_path(home, where)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return RefreshState(where=dict(where))
    # A file from another version or for another list starts afresh: one full read rebuilds it.
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION or data.get("where") != json.loads(json.dumps(dict(where), default=str)):
        return RefreshState(where=dict(where))
    return RefreshState(
        where=dict(where),
        site_id=str(data.get("site_id") or ""),
        list_id=str(data.get("list_id") or ""),
        plans_list_id=str(data.get("plans_list_id") or ""),
        delta_link=str(data.get("delta_link") or ""),
        items={str(k): dict(v) for k, v in (data.get("items") or {}).items() if isinstance(v, dict)},
    )


def save_state(home: Path, state: RefreshState) -> Path:
    path = state_path(home, state.where)
    body = {
        "version": STATE_VERSION,
        "where": state.where,
        "site_id": state.site_id,
        "list_id": state.list_id,
        "plans_list_id": state.plans_list_id,
        "delta_link": state.delta_link,
        "items": state.items,
    }
    write_private(path, json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str))
    return path


def append_log(home: Path, line: str) -> Path:
    """Add one line to ``<data folder>/refresh.log`` (created 0600)."""
    path = home / LOG_FILE
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")
    return path


__all__ = sorted(
    ["LOG_FILE", "RefreshState", "append_log", "data_home", "load_state", "save_state", "state_path", "where_digest", "write_private"]
)

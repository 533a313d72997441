"""History of list items from the list's own versions (GRAPH.md §12, issue 16).

SharePoint keeps a version of an item at every change; plansync keeps no history of its own. For
each item this module reads its versions (``GET .../items/{id}/versions?$expand=fields(...)``, 20
items per ``$batch``, following any ``@odata.nextLink``) and turns consecutive versions into
changes: which tracked field, old -> new, when, by whom.

The first version is the item's creation: its values are where the history starts, not changes.
SharePoint keeps versions only as far as the list's versioning settings allow: when the oldest
version still kept is not ``1.0``, the history says so (``earlier_versions_gone``) instead of
passing the oldest kept values off as the item's first ones.

    >>> histories = read_histories(client, site_id, list_id, ["1", "2"])   # doctest: +SKIP
    >>> histories["1"].changes[0].line()                                    # doctest: +SKIP
    '2026-11-25 10:02 Bob Jones: status On track -> At risk'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sync.batching import BatchRequest, item_path
from sync.list_schema import COLUMN_FOR_FIELD, ROW_KEY_COLUMN, TEXT_SUFFIX
from sync.values import ListMap

# The fields whose changes a board asks about, in the order a history lists them within one version.
TRACKED: tuple[str, ...] = ("status", "progress", "target", "revised_target", "owner", "signed_off_on", "signed_off_by")
_DATES = ("target", "revised_target", "signed_off_on")
SELECT: tuple[str, ...] = (
    ROW_KEY_COLUMN, COLUMN_FOR_FIELD["plan"], COLUMN_FOR_FIELD["ref"],
    *(COLUMN_FOR_FIELD[f] for f in TRACKED), *(COLUMN_FOR_FIELD[f] + TEXT_SUFFIX for f in _DATES),
)


@dataclass(frozen=True)
class Change:
    """One field of one item changed in one version."""

    item_id: str
    key: str
    plan: str
    ref: str
    field: str
    old: str
    new: str
    when: str  # Graph's UTC time, '2026-11-25T10:02:11Z'
    who: str  # display name
    email: str
    version: str  # '2.0'

    def line(self) -> str:
        return f"{self.when[:16].replace('T', ' ')} {self.who or self.email or 'someone'}: {self.field} {self.old or '(blank)'} -> {self.new or '(blank)'}"

    def to_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class ItemHistory:
    """Every tracked change of one item, oldest first."""

    item_id: str
    changes: list[Change] = field(default_factory=list)
    versions: int = 0
    earlier_versions_gone: bool = False  # the list no longer keeps the item's first versions
    missing: bool = False  # the item is gone from the list


def versions_request(request_id: str, site_id: str, list_id: str, item_id: str) -> BatchRequest:
    expand = f"fields($select={','.join(SELECT)})"
    return BatchRequest(request_id, "GET", f"{item_path(site_id, list_id, item_id)}/versions?$expand={expand}", item_id=item_id)


def read_histories(
    client: Any, site_id: str, list_id: str, item_ids: Iterable[str], *, listmap: ListMap | None = None
) -> dict[str, ItemHistory]:
    """The history of each item, its versions read in batches of 20 (one request for one item)."""
    listmap = listmap or ListMap.default()
    ids = list(dict.fromkeys(str(i) for i in item_ids))
    if len(ids) == 1:
        try:
            versions = client.list_versions(site_id, list_id, ids[0], select=list(SELECT))
        except Exception as exc:  # GraphError 404: the item was deleted
            if getattr(exc, "status", None) != 404:
                raise
            return {ids[0]: ItemHistory(ids[0], missing=True)}
        _fill_fields(client, site_id, list_id, {ids[0]: versions})
        return {ids[0]: history_of(ids[0], versions, listmap)}
    found: dict[str, list[dict[str, Any]]] = {}
    missing: set[str] = set()
    requests = [versions_request(str(n), site_id, list_id, item_id) for n, item_id in enumerate(ids)]
    for item_id, answer in zip(ids, client.batch(requests) if requests else []):
        if answer.status == 404:
            missing.add(item_id)
            continue
        body = answer.raise_for_status().body or {}
        versions = list(body.get("value", []))
        if body.get("@odata.nextLink"):  # more versions than one page: read the rest directly
            versions += client.list_versions(site_id, list_id, item_id, link=_absolute(client, body["@odata.nextLink"]))
        found[item_id] = versions
    _fill_fields(client, site_id, list_id, found)
    out = {item_id: history_of(item_id, versions, listmap) for item_id, versions in found.items()}
    out.update({item_id: ItemHistory(item_id, missing=True) for item_id in missing})
    return out


def _fill_fields(client: Any, site_id: str, list_id: str, found: dict[str, list[dict[str, Any]]]) -> None:
    """Versions listed without their ``fields`` (a server may not expand them on the collection) are
    read one by one, ``GET .../versions/{id}?$expand=fields``, 20 per batch; gone ones are dropped."""
    bare = [(item_id, v) for item_id, versions in found.items() for v in versions if "fields" not in v]
    if not bare:
        return
    expand = f"fields($select={','.join(SELECT)})"
    requests = [
        BatchRequest(f"v{n}", "GET", f"{item_path(site_id, list_id, item_id)}/versions/{v.get('id')}?$expand={expand}", item_id=item_id)
        for n, (item_id, v) in enumerate(bare)
    ]
    for (item_id, version), answer in zip(bare, client.batch(requests)):
        if answer.status == 404:  # the list dropped this version meanwhile (its versioning limits)
            found[item_id].remove(version)
        else:
            version["fields"] = (answer.raise_for_status().body or {}).get("fields") or {}


def history_of(item_id: str, versions: Sequence[Mapping[str, Any]], listmap: ListMap) -> ItemHistory:
    """Changes between consecutive versions (any order in; oldest first out)."""
    ordered = sorted(versions, key=lambda v: _number(str(v.get("id", ""))))
    history = ItemHistory(item_id, versions=len(ordered))
    if ordered and _number(str(ordered[0].get("id", ""))) > (1, 0):
        history.earlier_versions_gone = True
    previous: dict[str, str] | None = None
    for version in ordered:
        fields = version.get("fields") or {}
        values = listmap.from_list(fields)
        if previous is not None:
            user = (version.get("lastModifiedBy") or {}).get("user") or {}
            for name in TRACKED:
                if values.get(name, "") != previous.get(name, ""):
                    history.changes.append(Change(
                        item_id=item_id, key=str(fields.get(ROW_KEY_COLUMN) or ""), plan=values.get("plan", ""),
                        ref=values.get("ref", ""), field=name, old=previous.get(name, ""), new=values.get(name, ""),
                        when=str(version.get("lastModifiedDateTime") or ""), who=str(user.get("displayName") or ""),
                        email=str(user.get("email") or ""), version=str(version.get("id", "")),
                    ))
        previous = values
    return history


def last_writer(history: ItemHistory, field_name: str, value: str) -> Change | None:
    """The newest change that wrote ``value`` into ``field_name``: who wrote a competing value, and when."""
    for change in reversed(history.changes):
        if change.field == field_name and change.new == value:
            return change
    return None


def _number(label: str) -> tuple[int, int]:
    major, _, minor = label.partition(".")
    return (int(major), int(minor or 0)) if major.isdigit() and (minor or "0").isdigit() else (1 << 30, 0)


def _absolute(client: Any, link: str) -> str:
    # A link inside a batch answer may be relative to the version root.
    return link if "://" in link else f"{client.base_url.rstrip('/')}/{link.lstrip('/')}"


__all__ = sorted(["Change", "ItemHistory", "SELECT", "TRACKED", "history_of", "last_writer", "read_histories", "versions_request"])

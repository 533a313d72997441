"""Who may change a list item: the one ownership model (docs/sign-in.md, "Who may change what").

The client's dry run (``sync.engine``), the local list server (``sync.local_server.permissions``)
and the permissions plansync gives items on SharePoint (``sync.item_permissions``) all decide with
these rules, so a refusal the client explains is the refusal the server would give:

- a **site owner** (the site's Owners group) or an **app** sign-in may change anything;
- the **support role** (members of the SharePoint group ``plansync support``) may change, create,
  withdraw and delete every row and set its owners;
- an item's **owners** (the sign-ins in its ``Owner`` column, "a@x; b@x") may change and withdraw
  it, but not hand it to someone else (only the support role sets owners);
- an item with no owners belongs to its **team**: the people who own a row of the same plan (the
  part of its row key before ':'), and who created one of its rows that has no owners. A row without a plan (no ':' in its key) and without
  owners may be changed by anyone, as the client has always allowed;
- a row may be **created** by someone who is among its owners (or leaves them empty) and belongs to
  the plan's team; the first row of a plan nobody has used yet starts that team;
- only the support role or the **sign-off role** (group ``plansync sign-off``) may set the status
  'Signed off' or move a row out of it; the sign-off role may change the status (and the BRAG
  plansync computes from it) of any row, and nothing else of rows it does not own.

Pure: no I/O; it imports nothing else of ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "KEY_COLUMN",
    "OWNER_COLUMN",
    "Roles",
    "SIGNED_OFF",
    "SIGN_OFF_FIELDS",
    "SIGNOFF_GROUP",
    "STATUS_COLUMN",
    "SUPPORT_GROUP",
    "Verdict",
    "check_create",
    "check_delete",
    "check_update",
    "owner_set",
    "plan_of_key",
]

SUPPORT_GROUP = "plansync support"
SIGNOFF_GROUP = "plansync sign-off"
SIGNED_OFF = "Signed off"
OWNER_COLUMN = "Owner"
KEY_COLUMN = "RowKey"
STATUS_COLUMN = "Status"
# What a sign-off changes: the status and what plansync computes from it.
SIGN_OFF_FIELDS = frozenset({STATUS_COLUMN, "RAG", "Due", "Overdue", "DaysOverdue"})

_SPLIT_EMAILS = re.compile(r"[;,\s]+")


def owner_set(text: object) -> frozenset[str]:
    """'a@x.gov.uk; B@x.gov.uk' -> {'a@x.gov.uk', 'b@x.gov.uk'} (lower case; non-addresses dropped)."""
    return frozenset(p.lower() for p in _SPLIT_EMAILS.split(str(text or "")) if "@" in p)


def plan_of_key(key: object) -> str:
    """The plan a row key belongs to: ``york-2022:1.1`` -> ``york-2022``; '' when the key has no plan."""
    text = str(key or "")
    return text.split(":", 1)[0] if ":" in text else ""


@dataclass(frozen=True)
class Roles:
    """Who holds which role on one site (all addresses lower case)."""

    support: frozenset[str] = frozenset()
    signoff: frozenset[str] = frozenset()
    site_owners: frozenset[str] = frozenset()

    def full(self, user: str) -> bool:
        """May change every row: the support role or a site owner."""
        who = (user or "").lower()
        return who in self.support or who in self.site_owners

    def may_sign_off(self, user: str) -> bool:
        return self.full(user) or (user or "").lower() in self.signoff


@dataclass(frozen=True)
class Verdict:
    """``allowed``, or why not: ``reason`` is a sentence naming whose row it is and who may change it."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


_OK = Verdict(True)


def _names(people: Iterable[str]) -> str:
    names = sorted(people)
    return " or ".join(names) if names else "the support role"


def _status_change(before: object, after: object) -> bool:
    return (str(before or "") == SIGNED_OFF) != (str(after or "") == SIGNED_OFF)


def _sign_off(user: str, roles: Roles, before: object, after: object) -> Verdict:
    if _status_change(before, after) and not roles.may_sign_off(user):
        word = "set" if str(after or "") == SIGNED_OFF else "undo"
        return Verdict(False, f"field Status: only the support role or the sign-off role may {word} '{SIGNED_OFF}'.")
    return _OK


def _may_touch(user: str, fields: Mapping[str, object], roles: Roles, team: frozenset[str]) -> Verdict:
    """Whether ``user`` may change or remove an existing item with these ``fields``."""
    who = (user or "").lower()
    owners = owner_set(fields.get(OWNER_COLUMN))
    if owners:
        if who in owners:
            return _OK
        return Verdict(False, f"not your row: it belongs to {_names(owners)}; they or the support role may change it.")
    plan = plan_of_key(fields.get(KEY_COLUMN))
    if not plan or who in team:
        return _OK
    return Verdict(False, f"not your team's row: it has no owner and belongs to plan '{plan}', whose team "
                          f"({_names(team)}) or the support role may change it.")


def check_update(user: str, before: Mapping[str, object], changes: Mapping[str, object], roles: Roles,
                 team: frozenset[str]) -> Verdict:
    """May ``user`` apply ``changes`` to an item whose fields are ``before``? (``team``: of its plan)."""
    if STATUS_COLUMN in changes:
        signed = _sign_off(user, roles, before.get(STATUS_COLUMN), changes.get(STATUS_COLUMN))
        if not signed:
            return signed
    if roles.full(user):
        return _OK
    if (user or "").lower() in roles.signoff and set(changes) <= SIGN_OFF_FIELDS:
        return _OK  # signing a row off (or undoing it) is the sign-off role's whole job, on any row
    verdict = _may_touch(user, before, roles, team)
    if not verdict:
        return verdict
    if OWNER_COLUMN in changes and owner_set(changes.get(OWNER_COLUMN)) != owner_set(before.get(OWNER_COLUMN)):
        return Verdict(False, "field Owner: only the support role may change a row's owners.")
    if KEY_COLUMN in changes and plan_of_key(changes.get(KEY_COLUMN)) != plan_of_key(before.get(KEY_COLUMN)):
        return Verdict(False, "field RowKey: only the support role may move a row to another plan.")
    return _OK


def check_delete(user: str, before: Mapping[str, object], roles: Roles, team: frozenset[str]) -> Verdict:
    if roles.full(user):
        return _OK
    if str(before.get(STATUS_COLUMN) or "") == SIGNED_OFF and not roles.may_sign_off(user):
        return Verdict(False, f"field Status: the row is '{SIGNED_OFF}'; only the support role or the sign-off "
                              "role may remove it.")
    return _may_touch(user, before, roles, team)


def check_create(user: str, fields: Mapping[str, object], roles: Roles, team: frozenset[str]) -> Verdict:
    """May ``user`` create an item with ``fields`` (``team``: the people of its plan, empty for a new plan)?"""
    signed = _sign_off(user, roles, "", fields.get(STATUS_COLUMN))
    if not signed:
        return signed
    if roles.full(user):
        return _OK
    who = (user or "").lower()
    owners = owner_set(fields.get(OWNER_COLUMN))
    if owners and who not in owners:
        return Verdict(False, f"not your row: it would belong to {_names(owners)}; they or the support role "
                              "may create it.")
    plan = plan_of_key(fields.get(KEY_COLUMN))
    if plan and team and who not in team:
        return Verdict(False, f"not your team's plan: plan '{plan}' belongs to {_names(team)}; they or the "
                              "support role may add rows to it.")
    return _OK

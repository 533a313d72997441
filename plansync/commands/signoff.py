"""Sign-off during a sync (issue 16): only a sign-off-capable person may set or undo Signed off.

Called by ``sync_workbook`` on the workbook side of the merge before it is planned:

- someone without the sign-off role who changed a synced row's status to or from **Signed off**
  (or typed a 'Signed off on' / 'Signed off by' value) is refused at that cell, with the reason,
  on the Issues sheet and in the sync's refusals; the rest of the row syncs as usual, and the
  cell keeps what they typed, so the refusal shows again until it is put back;
- a sign-off by someone with the role is recorded: 'Signed off on' (the sync's date) and
  'Signed off by' (their sign-in), unless they typed them; undoing it clears both.

The list always holds the two sign-off columns; a workbook without them keeps the list's values
(they are never cleared for want of a column). Rows never synced are taken as they are: adopting a
plan whose actions a panel signed off long ago is not a new sign-off.

Who may sign off is one seam, ``sign_off_signers``: the support and sign-off roles kept on the site
beside the list (issue 15), read only when some row's sign-off changes. The list enforces the same
rule; this check explains a refusal before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from plansync.workbook.base import Workbook
from sync.engine import Refusal
from validation.fields import FIELD_BY_NAME, SIGN_OFF_FIELDS
from validation.grid import cell_address
from validation.signoff import SIGN_OFF_REFUSED, SIGNED_OFF, may_sign_off


def sign_off_signers(roles: Any) -> frozenset[str]:
    """Sign-ins that may set or undo Signed off: the site's support and sign-off roles and its owners
    (``sync.ownership.Roles``, read from the site; a workbook's Settings never grant them)."""
    return frozenset(roles.support | roles.signoff | roles.site_owners)


@dataclass
class SignOff:
    """What the check did: refusals (with their Issues rows) and the sign-offs it stamped."""

    refused: list[Refusal] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    stamped: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> field -> value written


def check_sign_off(frame: Any, base: pd.DataFrame, remote: pd.DataFrame, *, user: str,
                   signers: Callable[[], Collection[str]],
                   today: date) -> SignOff:
    """Apply the sign-off rule to ``frame`` (``plansync.commands.sync._Frame``) in place."""
    out = SignOff()
    if "status" not in frame.fields:
        return out  # the workbook has no status column: nothing to sign off here
    w = frame.workbook.copy()
    known = _known(base, remote, w.index)
    for name in SIGN_OFF_FIELDS:
        if name not in frame.fields:  # no such column: keep the list's value
            frame.fields.append(name)
            w[name] = known[name].reindex(w.index).fillna("") if name in known else ""
    before = known["status"].reindex(w.index) if "status" in known else pd.Series(pd.NA, index=w.index)
    synced = before.notna()
    now_signed = w["status"].map(_signed)
    was_signed = before.map(lambda v: _signed(v) if isinstance(v, str) else False)
    crossing = synced & (now_signed != was_signed)
    typed = synced & pd.concat(
        [w[n].ne(known[n].reindex(w.index).fillna("")) if n in known else w[n].ne("") for n in SIGN_OFF_FIELDS], axis=1
    ).any(axis=1)
    changing = crossing | typed
    # The roles are read from the site only when a row's sign-off changes (a request saved otherwise).
    who = signers() if changing.any() else frozenset()
    if changing.any() and not may_sign_off(user, who):
        for key in w.index[changing.to_numpy()]:
            _refuse(out, frame, key, str(w.at[key, "status"]), str(before[key]), who)
            w.at[key, "status"] = before[key]
            for n in SIGN_OFF_FIELDS:
                w.at[key, n] = known[n].get(key, "") if n in known else ""
    else:
        for key in w.index[(crossing & now_signed).to_numpy()]:
            stamp = {"signed_off_on": w.at[key, "signed_off_on"] or today.isoformat(),
                     "signed_off_by": w.at[key, "signed_off_by"] or user}
            for n, value in stamp.items():
                w.at[key, n] = value
            out.stamped[key] = stamp
        for key in w.index[(crossing & ~now_signed).to_numpy()]:
            for n in SIGN_OFF_FIELDS:
                w.at[key, n] = ""
            out.stamped[key] = {n: "" for n in SIGN_OFF_FIELDS}
    frame.workbook = w
    if out.issues:
        frame.issues = pd.concat([frame.issues, pd.DataFrame(out.issues)], ignore_index=True)
    return out


def write_stamps(book: Workbook, stamped: dict[str, dict[str, str]], cells: dict[str, tuple[str, int]],
                 columns: dict[str, int]) -> None:
    """Write recorded sign-offs into the workbook's sign-off columns, where it has them."""
    by_sheet: dict[str, dict[tuple[int, int], Any]] = {}
    for key, values in stamped.items():
        sheet, row = cells[key]
        for name, value in values.items():
            if columns.get(name):
                by_sheet.setdefault(sheet, {})[(row, columns[name])] = _cell(value, FIELD_BY_NAME[name].kind)
    for sheet, values in by_sheet.items():
        book.write_cells(sheet, values)


def _known(base: pd.DataFrame, remote: pd.DataFrame, keys: pd.Index) -> dict[str, pd.Series]:
    """Per field, the value last synced (else the list's), for the keys the list already has."""
    out: dict[str, pd.Series] = {}
    for name in ("status", *SIGN_OFF_FIELDS):
        b = base[name] if name in base.columns else pd.Series(dtype=object)
        r = remote[name] if len(remote) and name in remote.columns else pd.Series(dtype=object)
        merged = pd.concat([b, r[~r.index.isin(b.index)]]) if len(r) else b
        # A key in the base or the list without the column (an older list) holds nothing there yet.
        present = keys[keys.isin(base.index) | keys.isin(remote.index)]
        out[name] = merged.reindex(present).fillna("").astype(object)
    return out


def _refuse(out: SignOff, frame: Any, key: str, typed: str, previous: str, signers: Collection[str]) -> None:
    sheet, row = frame.cells.get(key, ("", 0))
    col = frame.layout_columns.get("status")
    where = cell_address(sheet, row, col) if sheet and col else f"{sheet} row {row}"
    who = " or ".join(sorted(signers)) or "the support or sign-off role (a site owner grants it: plansync roles add)"
    reason = SIGN_OFF_REFUSED.format(previous=previous or "its last synced value", signers=who)
    out.refused.append(Refusal(key, f"{where}: {reason}"))
    out.issues.append({
        "sheet": sheet, "cell": where.split("!")[-1], "row": row, "column": col, "field": "status", "value": typed,
        "check": "sign_off", "message": f"Sign-off refused: {reason.split(': ', 1)[0]}.",
        "fix": reason.split(": ", 1)[-1][:1].upper() + reason.split(": ", 1)[-1][1:], "severity": "error",
    })


def _signed(value: object) -> bool:
    return isinstance(value, str) and " ".join(value.split()).lower() == SIGNED_OFF.lower()


def _cell(text: str, kind: str) -> Any:
    if not text:
        return None
    if kind == "date" and len(text) == 10:
        return date.fromisoformat(text)
    return text


__all__ = sorted(["SignOff", "check_sign_off", "sign_off_signers", "write_stamps"])

"""What a sync says it did: counts of what the list accepted, one line, and its exit code (issue 19).

Counts are of writes the list *accepted*: a create the list did not accept is not 'created' but
'not accepted by the list'. They are this run's writes, each row once: one whose answer was lost
and that the merge made again found done still counts, somebody else's change never does
(``sync.lost_answers``). The line starts 'Synced N actions' only when every row is in step
with the list; otherwise 'Synced K of N actions', K being the rows with nothing left to do, so a
run that sent nothing never reads as a success. The exit code is 0 when nothing is left, 1 when
rows were skipped as invalid, refused, in conflict or not accepted (each listed by the CLI).
"""

from __future__ import annotations

from typing import Any

from plansync.exit_codes import DONE, LISTED
from plansync.list_values import KEPT_BACK

KEPT_BACK_START = KEPT_BACK.split("{", 1)[0]


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def not_accepted(result: Any) -> set[str]:
    """Keys whose write the list did not accept."""
    return {f.key for f in result.failed}


def accepted(items: list, failed: set[str]) -> int:
    return sum(1 for item in items if item.key not in failed)


def left_over(result: Any) -> int:
    """Rows not in step with the list after this sync: skipped, refused, in conflict, not accepted."""
    p = result.plan
    keys = {r.key for r in p.refused} | {c.key for c in p.conflicts} | not_accepted(result)
    return len(keys) + p.skipped_invalid


def counts(result: Any) -> dict[str, Any]:
    """The ``--json`` shape: accepted writes, refusals, conflicts and what the list did not accept."""
    p, failed = result.plan, not_accepted(result)
    return {
        "created": accepted(p.creates, failed),
        "updated": accepted(p.updates, failed),
        "pulled": len(p.pulls),
        "unchanged": len(p.unchanged),
        "withdrawn": accepted(p.withdrawals, failed),
        "skipped_invalid": p.skipped_invalid,
        "refused": [{"key": r.key, "reason": r.reason} for r in p.refused],
        "conflicts": [{"key": c.key, "field": c.field, "workbook": c.workbook, "list": c.list} for c in p.conflicts],
        "not_accepted": [{"key": f.key, "message": f.message} for f in result.failed],
        "requests": result.requests,
    }


def summary_line(result: Any) -> str:
    """One line in words, e.g. 'Synced 214 actions: 12 created, 3 updated' or
    'Synced 9 of 10 actions: 1 conflict (see Conflicts sheet)'."""
    p, failed = result.plan, not_accepted(result)
    parts = []
    for count, words in (
        (accepted(p.creates, failed), "created"),
        (accepted(p.updates, failed), "updated"),
        (len(p.pulls), "brought in from the list"),
        (accepted(p.withdrawals, failed), "withdrawn"),
    ):
        if count:
            parts.append(f"{count} {words}")
    if p.conflicts:
        parts.append(f"{_n(len(p.conflicts), 'conflict')} (see Conflicts sheet)")
    # Refusals by kind: a sign-off without the role (issue 16), an edit of a list value the cell could
    # only show cut or cleaned (never sent), and rows that are not the user's (their team's) to change.
    sign_off = [r for r in p.refused if r in getattr(result, "sign_off_refused", ())]
    kept = [r for r in p.refused if r not in sign_off and r.reason.startswith(KEPT_BACK_START)]
    not_yours = len(p.refused) - len(sign_off) - len(kept)
    if not_yours:
        parts.append(f"{not_yours} refused (not your {'row' if not_yours == 1 else 'rows'})")
    if sign_off:
        parts.append(f"{len(sign_off)} sign-off refused (support role only)")
    if kept:
        parts.append(f"{_n(len(kept), 'edit')} of a cut or cleaned list value not sent (see Issues sheet)")
    if p.skipped_invalid:
        parts.append(f"{p.skipped_invalid} skipped (invalid, see Issues sheet)")
    if result.failed:
        parts.append(f"{len(result.failed)} not accepted by the list (sync again)")
    if not parts:
        parts.append("nothing to change")
    left = left_over(result)
    done = f"{max(result.actions - left, 0)} of {result.actions} actions" if left else _n(result.actions, "action")
    head = f"{'Would sync' if result.dry_run else 'Synced'} {done}: "
    tail = " (dry run: nothing was sent)" if result.dry_run else ""
    return head + ", ".join(parts) + tail


def exit_code(result: Any) -> int:
    """0 when every row is in step with the list (or would be, for a dry run); 1 when rows are left, each listed."""
    return LISTED if left_over(result) else DONE


__all__ = sorted(["counts", "exit_code", "left_over", "summary_line"])

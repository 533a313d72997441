"""What `plansync sync` lists row by row: each row once, by what became of it."""

from __future__ import annotations

from plansync.cli.sync import render_plan
from plansync.commands.sync import SyncResult
from sync.apply import Failure
from sync.engine import Create, SyncPlan, Update, Withdrawal

REFUSED = "answered 400 (invalidRequest: Field 'Status' only accepts one of ...). Check the value named in the message."


def _result(*, dry_run: bool) -> SyncResult:
    plan = SyncPlan(
        creates=[Create("p:1.1", {}), Create("p:1.2", {})],
        updates=[Update("p:2.1", "7", "e", {"progress": "x"}), Update("p:2.2", "8", "e", {"progress": "y"})],
        withdrawals=[Withdrawal("p:3.1", "9", "e"), Withdrawal("p:3.2", "10", "e")],
    )
    failed = [] if dry_run else [Failure("p:1.2", REFUSED), Failure("p:2.2", REFUSED), Failure("p:3.2", REFUSED)]
    return SyncResult(plan=plan, dry_run=dry_run, failed=failed)


def test_a_write_the_list_did_not_accept_is_listed_as_not_accepted_only():
    assert [
        "Created p:1.1",
        "Updated p:2.1 (progress)",
        "Withdrew p:3.1",
        f"Not accepted p:1.2: {REFUSED}",
        f"Not accepted p:2.2: {REFUSED}",
        f"Not accepted p:3.2: {REFUSED}",
    ] == render_plan(_result(dry_run=False))


def test_a_dry_run_lists_every_write_it_would_send():
    assert [
        "Would create p:1.1",
        "Would create p:1.2",
        "Would update p:2.1 (progress)",
        "Would update p:2.2 (progress)",
        "Would withdraw p:3.1",
        "Would withdraw p:3.2",
    ] == render_plan(_result(dry_run=True))

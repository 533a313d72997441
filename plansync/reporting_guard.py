"""Commands for a team's plan refuse a reporting workbook made by ``plansync pull`` (issue 19).

A reporting workbook holds every plan's actions as last read from the list, a board Summary
across plans, and RAG already worked out as at the pull. ``report``, ``rag``, ``validate`` and
``sync`` treat a workbook as one team's plan: on a reporting workbook they would replace its
board Summary with one plan's, add a second set of RAG columns, or push the copy back over the
teams' edits. So they stop before writing anything, in one line that says what to run instead.
"""

from __future__ import annotations

from plansync.errors import NotAPlan
from plansync.plan import LoadedPlan
from workbook_templates.written_words import REPORTING_KEY


def is_reporting(loaded: LoadedPlan) -> bool:
    """Whether the workbook is a reporting workbook made by ``plansync pull``."""
    return bool(loaded.meta.get(REPORTING_KEY))


def refuse_reporting_workbook(loaded: LoadedPlan, command: str) -> None:
    """Raise ``NotAPlan`` (nothing written) when ``loaded`` is a reporting workbook.

    Args:
        command: the command refused, as a person types it (``report``, ``rag``, ``validate``).
    """
    if not is_reporting(loaded):
        return
    path = loaded.book.path
    name = path.name if path is not None else "This workbook"
    shown = path.name if path is not None else "REPORT.xlsx"
    raise NotAPlan(
        f"{name} is a reporting workbook made by plansync pull, not a team's plan, so plansync {command} "
        f"left it unchanged; to bring its Summary and RAG up to date run: plansync pull {shown}",
        path=str(path) if path is not None else None,
    )


__all__ = sorted(["is_reporting", "refuse_reporting_workbook"])

"""``new``: write a new tracker workbook from the template, optionally filled with the demo plan.

    >>> new_workbook("plan.xlsx", demo=True)   # doctest: +SKIP
    NewResult(path=PosixPath('plan.xlsx'), actions=64, rag={'Blue': 9, 'Green': 35, 'Amber': 3, 'Red': 17})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from plansync.commands.rag import refresh_rag
from plansync.errors import WorkbookError
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from workbook_templates.demo import load_demo
from workbook_templates.template import build_workbook


@dataclass
class NewResult:
    """The workbook written: its path, how many actions it holds and their BRAG counts (demo only)."""

    path: Path
    actions: int
    rag: dict[str, int] = field(default_factory=dict)


def check_new_path(path: Path, *, example: str) -> None:
    """Refuse a place a new workbook cannot go: a name not ending in .xlsx, or a folder that does not exist.

    ``example`` is the name suggested when the ending is wrong and ``path`` has no stem of its own.
    Also used by ``pull`` for a reporting workbook it creates.

    Raises:
        WorkbookError: saying which, and what to do.
    """
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(
            f"{path.name} does not end in .xlsx; plansync writes Excel workbooks. Give a name such as {path.stem or example}.xlsx.",
            path=str(path),
        )
    if not path.parent.is_dir():
        raise WorkbookError(
            f"The folder {path.parent} does not exist. Create it first, or choose another place for {path.name}.",
            path=str(path),
        )


def new_workbook(path: str | Path, *, demo: bool = False, force: bool = False, today: date | None = None) -> NewResult:
    """Write the template to ``path`` (atomically). With ``demo``, fill it and rate it as at ``today``.

    Raises:
        WorkbookError: ``path`` exists and ``force`` is False, or is not an .xlsx name.
        WorkbookLocked: ``path`` exists and is open in Excel or read-only, or the folder is not writable.
    """
    path = Path(path)
    check_new_path(path, example="plan")
    if path.exists() and not force:
        raise WorkbookError(
            f"{path} already exists, so plansync did not touch it. Choose another name, or add --force to replace it.",
            path=str(path),
        )
    when = today or date.today()
    plan = load_demo(when) if demo else None
    book = OpenpyxlWorkbook(build_workbook(demo=plan), path, write=True)
    if plan is None:
        book.save()
        return NewResult(path=path, actions=0)
    rated = refresh_rag(book, today=when)
    return NewResult(path=path, actions=len(rated.actions), rag=rated.counts())


__all__ = sorted(["NewResult", "check_new_path", "new_workbook"])

"""A plan kept on several sheets: one per recommendation, theme or directorate (issue 13).

Some teams keep one sheet per recommendation (``Rec 1``, ``Rec 2`` ...) beside a cover, a key or a
version sheet. Every sheet whose header names the action column and the same fields as the plan's
main sheet is part of the plan; the others are skipped. A sheet's actions carry their
recommendation from the sheet itself when nothing inside it names one: its title row above the
header (``Recommendation 2: Improve the quality of supervision``, often merged across the table),
else the sheet's name.
"""

from __future__ import annotations

import re

from validation.detect_header import find_header
from validation.detect_rows import recommendation_number
from validation.grid import SheetGrid

# A title row names the recommendation when it reads like one, or is the only text above the header.
_TITLE_LIMIT = 400
_PLAN_WORDS = re.compile(r"\b(?:action\s+plan|improvement\s+plan|inspection|update|version|contents)\b", re.I)


def same_plan_headers(grids: list[SheetGrid], main: SheetGrid, columns: dict[str, int], aliases: dict[str, str] | None = None) -> list[tuple[SheetGrid, object]]:
    """The other sheets laid out as the main one: ``[(grid, HeaderFound)]``, in workbook order.

    A sheet belongs when its header names the action and at least two of the main sheet's other
    fields (or all of them, when the main sheet names fewer).
    """
    wanted = set(columns) - {"action"}
    need = min(2, len(wanted))
    out = []
    for grid in grids:
        if grid.name == main.name:
            continue
        found = find_header(grid, aliases)
        if found is None or "action" not in found.columns:
            continue
        if len(wanted & set(found.columns)) >= need:
            out.append((grid, found))
    return out


def sheet_title(grid: SheetGrid, header_row: int) -> str:
    """The recommendation a sheet stands for: its title row above the header, else its name.

    The nearest row above the header holding one text is the title unless it only says what the
    document is (``Action plan``, ``Update September 2023``); the sheet's name is the fallback.
    """
    for row in range(header_row - 1, grid.origin[0] - 1, -1):
        texts = [v for v in (grid.cell(row, c) for c in range(grid.origin[1], grid.max_col + 1)) if isinstance(v, str) and v.strip()]
        if len(texts) == 1 and len(texts[0]) <= _TITLE_LIMIT and not _PLAN_WORDS.search(texts[0]):
            return " ".join(texts[0].split())
    return grid.name


def lone_sheet_title(grid: SheetGrid) -> str | None:
    """A plan kept on one sheet named for a recommendation (``Recommendation 3``, ``2. Improve
    supervision``): that recommendation, for its actions when nothing inside the sheet names one.
    None for other names (``Action plan``, ``Sheet1``), whose rows may each be a recommendation."""
    name = " ".join(grid.name.split())
    if recommendation_number(name) is None or _PLAN_WORDS.search(name):
        return None
    return name


__all__ = ["lone_sheet_title", "same_plan_headers", "sheet_title"]

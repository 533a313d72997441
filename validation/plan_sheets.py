"""Find and read a plan kept on one sheet or several (issue 13), on top of ``validation.layout``.

``detect_plan`` is ``detect_layout`` plus the plan's other sheets (``validation.detect_sheets``):
sheets laid out like the main one become ``Layout.extra``. ``read_plan`` reads every sheet of the
plan into one actions frame; a sheet that names no recommendation inside takes its title row
(else its name) as its recommendation, so a plan kept one sheet per recommendation counts each
sheet once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import pandas as pd

from validation.detect_sheets import lone_sheet_title, same_plan_headers, sheet_title
from validation.grid import SheetGrid
from validation.layout import PLANSYNC_SHEETS, Extracted, Layout, detect_layout, read_actions


def detect_plan(grids: list[SheetGrid], aliases: dict[str, str] | None = None) -> Layout | None:
    """The plan's layout, with ``extra`` layouts for its other sheets when it is kept on several."""
    layout = detect_layout(grids, aliases)
    if layout is None:
        return None
    own = [g for g in grids if g.name not in PLANSYNC_SHEETS and not g.hidden]
    main = next(g for g in own if g.name == layout.sheet)
    extra = [
        Layout(sheet=g.name, header_rows=list(found.rows), columns=dict(found.columns), computed_col=found.computed_col)
        for g, found in same_plan_headers(own, main, layout.columns, aliases)
    ]
    return replace(layout, extra=extra) if extra else layout


def read_plan(main: SheetGrid, layout: Layout, sheet: Callable[[str], SheetGrid]) -> Extracted:
    """Every sheet of the plan read into one actions frame (``_sheet`` says where each row is).

    ``sheet(name)`` gives another sheet's grid (read once each).
    """
    if not layout.extra:
        return read_actions(main, layout, title=lone_sheet_title(main))
    parts = [read_actions(main, layout, title=sheet_title(main, min(layout.header_rows)))]
    for other in layout.extra:
        grid = sheet(other.sheet)
        parts.append(read_actions(grid, other, title=sheet_title(grid, min(other.header_rows))))
    actions = pd.concat([p.actions for p in parts], ignore_index=True)
    sources = [p.recommendation_from for p in parts if p.recommendation_from]
    return Extracted(
        actions=actions,
        recommendation_from=sources[0] if len(set(sources)) == 1 else ", ".join(dict.fromkeys(sources)),
        headings=sum(p.headings for p in parts),
        split_cells=sum(p.split_cells for p in parts),
    )


__all__ = ["detect_plan", "read_plan"]

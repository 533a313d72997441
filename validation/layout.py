"""Where the plan sits in a workbook: sheet, header row(s), and the column of each field.

``Layout`` is what adoption saves in the hidden sheet and what a person can correct in Settings.
``detect_layout`` finds it from the grids (``validation.detect_header``); ``extract_actions`` turns
the sheet into the actions frame every command works on: one row per action, canonical fields as
raw cell values, plus ``_sheet``/``_row``. It understands the family of council layouts (DESIGN §4):
heading rows and repeated header blocks (``validation.detect_rows``), a recommendation column with
blanks or merged cells below each value, refs written at the start of the text and several actions
in one cell (``validation.detect_refs``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from validation.detect_blocks import banner_above, mark_blocks
from validation.detect_grid import fill_merged_down, grid_frame
from validation.detect_header import find_header
from validation.detect_names import field_for_header, normalise_header
from validation.layout_refs import tidy_actions
from validation.detect_rows import ACTION, HEADING, HEADING_PATTERN, NUMBERED_LINE, classify_rows, heading_of_rows, recommendation_number
from validation.fields import FIELD_BY_NAME, FIELD_NAMES, ROW_COL, SHEET_COL
from validation.grid import SheetGrid, column_letter
from validation.messages import shown
from validation.sheet_names import NOT_THE_PLAN as PLANSYNC_SHEETS  # sheets plansync writes itself: never searched for a plan

_REQUIRED_HINTS = {
    "lead": "'Lead', 'Lead Officer' or 'Owner'",
    "target": "'Target date', 'Deadline' or 'By when'",
}
_HEADING_ABOVE = HEADING_PATTERN + "|" + NUMBERED_LINE


@dataclass
class Layout:
    """Where one plan lives.

    Attributes:
        sheet: the sheet holding the actions.
        header_rows: 1-based rows that hold the header (several when a block repeats).
        columns: canonical field -> 1-based column number.
        computed_col: first column plansync may use for its computed columns.
        source: 'detected' or 'settings' (a person's correction wins over detection).
        unplaced: things detection saw but could not place, in words.
        extra: the plan's other sheets, each with its own layout, when the plan is kept on several
            sheets (``validation.plan_sheets``); each gets plansync's computed columns at its own
            ``computed_col``.
    """

    sheet: str
    header_rows: list[int]
    columns: dict[str, int]
    computed_col: int
    source: str = "detected"
    unplaced: list[str] = field(default_factory=list)
    extra: list["Layout"] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = {
            "sheet": self.sheet,
            "header_rows": list(self.header_rows),
            "columns": dict(self.columns),
            "computed_col": self.computed_col,
            "source": self.source,
            "unplaced": list(self.unplaced),
        }
        if self.extra:  # only plans kept on several sheets carry it
            data["extra"] = [e.to_dict() for e in self.extra]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Layout":
        return cls(
            sheet=str(data["sheet"]),
            header_rows=[int(r) for r in data["header_rows"]],
            columns={str(k): int(v) for k, v in data["columns"].items()},
            computed_col=int(data["computed_col"]),
            source=str(data.get("source", "detected")),
            unplaced=list(data.get("unplaced", [])),
            extra=[cls.from_dict(e) for e in data.get("extra", [])],
        )


def detect_layout(grids: list[SheetGrid], aliases: dict[str, str] | None = None) -> Layout | None:
    """The plan's layout: the sheet whose header names the most fields, or None when no sheet
    has a header naming an action column and one other field. plansync's own sheets are skipped.
    """
    best = None
    for grid in grids:
        if grid.name in PLANSYNC_SHEETS:
            continue
        found = find_header(grid, aliases)
        if found is not None and (best is None or found.score > best[1].score):
            best = (grid, found)
    if best is None:
        return None
    grid, found = best
    unplaced = [
        f"Column {column_letter(col)} ('{shown(str(text))}') on {grid.name} is not a column plansync knows; it is kept as it is."
        for col, text in found.labels.items()
        if col < found.computed_col and col not in found.columns.values() and field_for_header(text, aliases) is None
    ]
    for name, hint in _REQUIRED_HINTS.items():
        if name not in found.columns:
            unplaced.append(
                f"No {FIELD_BY_NAME[name].label.lower()} column found on {grid.name} (a header such as {hint}). "
                f"If the plan has one, type its column letter next to '{FIELD_BY_NAME[name].label}' under "
                "Column overrides in the Settings sheet."
            )
    return Layout(
        sheet=grid.name,
        header_rows=list(found.rows),
        columns=dict(sorted(found.columns.items(), key=lambda kv: kv[1])),
        computed_col=found.computed_col,
        unplaced=unplaced,
    )


def apply_overrides(layout: Layout, overrides: dict[str, int]) -> Layout:
    """The layout with a person's column corrections (Settings) on top: their choice wins."""
    if not overrides:
        return layout
    columns = {f: c for f, c in layout.columns.items() if f not in overrides and c not in overrides.values()}
    columns.update(overrides)
    return replace(
        layout,
        columns=dict(sorted(columns.items(), key=lambda kv: kv[1])),
        computed_col=max(layout.computed_col, max(overrides.values()) + 1),
        source="settings",
    )


@dataclass(frozen=True)
class Extracted:
    """The actions frame plus what adoption tells the person about how it was read.

    Attributes:
        actions: the actions frame.
        recommendation_from: 'column', 'headings', 'ref prefix', 'each row' (a tracker with one
            row per recommendation) or '' (no actions).
        headings: number of recommendation heading rows seen.
        split_cells: number of cells that held several actions.
    """

    actions: pd.DataFrame
    recommendation_from: str
    headings: int
    split_cells: int


def extract_actions(grid: SheetGrid, layout: Layout) -> pd.DataFrame:
    """One row per action under the header: canonical fields as raw values, plus _sheet/_row.

    Blank, note, heading and repeated header rows are skipped; fields the layout has no column
    for are None. Several actions in one cell give several rows with the same ``_row``.
    """
    return read_actions(grid, layout).actions


def _first_heading_col(grid: SheetGrid, layout: Layout, last_col: int) -> int | None:
    """The first column with a heading on the header rows."""
    labelled = [c for c in range(1, last_col + 1) if any(grid.cell(r, c) is not None for r in layout.header_rows)]
    return min(labelled) if labelled else None


def read_actions(grid: SheetGrid, layout: Layout, title: str | None = None) -> Extracted:
    """``extract_actions`` plus how the recommendations were found (for ``plansync adopt``).

    ``title``: the recommendation the whole sheet stands for (a plan kept one sheet per
    recommendation), used when nothing inside the sheet names one.
    """
    first = min(layout.header_rows)
    last_col = max([layout.computed_col - 1, *layout.columns.values()])
    table = grid_frame(grid, first_row=_headings_above(grid, first, last_col), last_col=last_col)
    action_col = layout.columns.get("action")
    if table.empty or action_col is None:
        return Extracted(_frame([]), "", 0, 0)
    for col in layout.columns.values():
        if col not in table.columns:
            table[col] = None
    kinds = classify_rows(
        table,
        action_col=action_col,
        header_rows=layout.header_rows,
        merged=grid.merged,
        recommendation_col=layout.columns.get("recommendation"),
        first_col=_first_heading_col(grid, layout, last_col),
    )
    kinds = mark_blocks(table, kinds)
    is_action = kinds.eq(ACTION)
    out = pd.DataFrame(index=table.index[is_action])
    for name in FIELD_NAMES:
        col = layout.columns.get(name)
        out[name] = table.loc[is_action, col].astype(object) if col is not None else None
    out = out.astype(object)
    rec, rec_from = _recommendations(table, kinds, layout, grid)
    out["recommendation"] = rec
    out, rec_from, split_cells = tidy_actions(out, rec_from, title)
    out[SHEET_COL] = grid.name
    return Extracted(_frame(out), rec_from, int(kinds.eq(HEADING).sum()), split_cells)


def _recommendations(table: pd.DataFrame, kinds: pd.Series, layout: Layout, grid: SheetGrid) -> tuple[pd.Series, str]:
    """Each action's recommendation, from its column (filled down its block) and the headings
    above it, and where it was found ('column', 'headings' or '')."""
    is_action = kinds.eq(ACTION)
    heading = heading_of_rows(table, kinds)
    rec_from = ""
    rec = pd.Series(None, index=table.index[is_action], dtype=object)
    if "recommendation" in layout.columns:
        column = fill_merged_down(table[layout.columns["recommendation"]], layout.columns["recommendation"], grid.merged)
        block = kinds.eq(HEADING).cumsum()
        column = column.where(~kinds.eq(HEADING)).groupby(block).ffill()
        rec = column[is_action].astype(object)
        rec_from = "column" if rec.notna().any() else ""
    if heading[is_action].notna().any():
        above = heading[is_action]
        # "Recommendation No. 3" above a findings column without numbers: the number comes from
        # the heading, the words from the column.
        numbered = _numbers(above).notna() & _numbers(rec).isna() & rec.notna()
        rec = rec.where(~numbered, above.astype(object) + ": " + rec.astype(str))
        rec = rec.where(rec.notna(), above)
        rec_from = rec_from or "headings"
    return rec.where(rec.notna(), None), rec_from


def _numbers(values: pd.Series) -> pd.Series:
    """``recommendation_number`` of each value, worked out once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    numbers = np.array([recommendation_number(u) for u in uniques] + [None], dtype=object)
    return pd.Series(numbers[codes], index=values.index, dtype=object)


def _headings_above(grid: SheetGrid, header: int, last_col: int) -> int:
    """First row to read: the header's next row, or a recommendation heading just above the header.

    When each recommendation has its own header block, the first heading sits above the first
    header (``Recommendation No. 1`` then ``Ref | Action ...``), perhaps with a blank row between.
    A title row is not a heading.
    """
    top = header + 1
    banner = banner_above(grid, header, last_col)
    if banner is not None:
        return banner
    row = header - 1
    while row >= grid.origin[0]:
        cells = [grid.cell(row, c) for c in range(grid.origin[1], last_col + 1)]
        texts = [v for v in cells if v is not None and str(v).strip()]
        if not texts:  # a spacer row between the heading and the header
            row -= 1
            continue
        if len(texts) != 1 or not re.match(_HEADING_ABOVE, str(texts[0]), re.I):
            break
        top = row
        row -= 1
    return top


def _frame(out: pd.DataFrame | list) -> pd.DataFrame:
    if isinstance(out, list):
        out = pd.DataFrame(columns=[*FIELD_NAMES, SHEET_COL, ROW_COL])
    frame = out.reset_index(names=ROW_COL) if ROW_COL not in out.columns else out
    frame = frame.reindex(columns=[*FIELD_NAMES, SHEET_COL, ROW_COL]).astype(object)
    frame[ROW_COL] = frame[ROW_COL].astype("int64")
    frame = frame.reset_index(drop=True)
    return frame.where(frame.notna(), None) if len(frame) else frame


__all__ = sorted(
    [
        "Extracted",
        "Layout",
        "PLANSYNC_SHEETS",
        "apply_overrides",
        "detect_layout",
        "extract_actions",
        "field_for_header",
        "normalise_header",
        "read_actions",
    ]
)

"""Where the plan sits in a workbook: sheet, header row(s), and the column of each field.

``Layout`` is what adoption saves in the hidden sheet and what a person can correct in Settings.
``detect_layout`` finds it from the grids; ``extract_actions`` turns a sheet into the actions
frame every command works on (canonical fields as raw cell values, plus ``_sheet``/``_row``).

This first version recognises one header row per sheet whose cells match the canonical labels
or aliases (the template, and simple team layouts); ``validation.detect`` extends it to the
family of council layouts (DESIGN §4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from validation.fields import FIELDS, FIELD_NAMES, ROW_COL, SHEET_COL
from validation.grid import SheetGrid

_SPACES = re.compile(r"\s+")


def normalise_header(value: object) -> str:
    """'  Target End\\nDate ' -> 'target end date' (case, spacing and trailing ':' ignored)."""
    if value is None:
        return ""
    return _SPACES.sub(" ", str(value)).strip().rstrip(":").strip().lower()


_ALIAS_TO_FIELD: dict[str, str] = {}
for _f in FIELDS:
    _ALIAS_TO_FIELD.setdefault(normalise_header(_f.label), _f.name)
    for _a in _f.aliases:
        _ALIAS_TO_FIELD.setdefault(normalise_header(_a), _f.name)


def field_for_header(value: object) -> str | None:
    """The canonical field a header names, or None."""
    return _ALIAS_TO_FIELD.get(normalise_header(value))


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
    """

    sheet: str
    header_rows: list[int]
    columns: dict[str, int]
    computed_col: int
    source: str = "detected"
    unplaced: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "header_rows": list(self.header_rows),
            "columns": dict(self.columns),
            "computed_col": self.computed_col,
            "source": self.source,
            "unplaced": list(self.unplaced),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Layout":
        return cls(
            sheet=str(data["sheet"]),
            header_rows=[int(r) for r in data["header_rows"]],
            columns={str(k): int(v) for k, v in data["columns"].items()},
            computed_col=int(data["computed_col"]),
            source=str(data.get("source", "detected")),
            unplaced=list(data.get("unplaced", [])),
        )


def _header_fields(grid: SheetGrid, row: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for col in range(grid.origin[1], grid.max_col + 1):
        name = field_for_header(grid.cell(row, col))
        if name and name not in found:
            found[name] = col
    return found


def detect_layout(grids: list[SheetGrid]) -> Layout | None:
    """The best-matching header row across the given sheets, or None if none has an action column."""
    best: tuple[int, SheetGrid, int, dict[str, int]] | None = None
    for grid in grids:
        for row in range(grid.origin[0], min(grid.max_row, grid.origin[0] + 50) + 1):
            found = _header_fields(grid, row)
            if "action" not in found or len(found) < 2:
                continue
            score = len(found)
            if best is None or score > best[0]:
                best = (score, grid, row, found)
    if best is None:
        return None
    _, grid, row, found = best
    computed_names = {"due", "rag", "overdue", "days overdue"}
    last = max(
        [c for c in range(grid.origin[1], grid.max_col + 1) if normalise_header(grid.cell(row, c)) and normalise_header(grid.cell(row, c)) not in computed_names]
        or [max(found.values())]
    )
    return Layout(sheet=grid.name, header_rows=[row], columns=found, computed_col=last + 1)


def extract_actions(grid: SheetGrid, layout: Layout) -> pd.DataFrame:
    """One row per action under the header: canonical fields as raw values, plus _sheet/_row.

    Blank rows are skipped. Fields the layout has no column for are None.
    """
    start = max(layout.header_rows) + 1
    rows: list[dict] = []
    for r in range(start, grid.max_row + 1):
        record = {name: grid.cell(r, col) for name, col in layout.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in record.values()):
            continue
        record[SHEET_COL] = grid.name
        record[ROW_COL] = r
        rows.append(record)
    frame = pd.DataFrame(rows, columns=[*FIELD_NAMES, SHEET_COL, ROW_COL], dtype=object)
    frame[ROW_COL] = frame[ROW_COL].astype("int64")
    return frame


__all__ = sorted(["Layout", "detect_layout", "extract_actions", "field_for_header", "normalise_header"])

"""Load the plan from a workbook: settings, where the table is, and the actions frame.

Every command starts here. Where the plan lives is decided in this order (a person's word wins):

1. the Settings sheet's column overrides (``Column overrides`` table);
2. the layout adoption saved in the hidden ``_plansync`` sheet, while its headers still match;
3. ``validation.layout.detect_layout`` over the workbook's own sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from plansync.state.bookkeeping import load_meta
from plansync.errors import LayoutNotFound, SettingsError
from plansync.plan_colours import ColourReading, read_colour_status
from plansync.workbook.base import Progress, Workbook
from validation.grid import SheetGrid
from validation.layout import Extracted, Layout, field_for_header
from validation.plan_sheets import detect_plan, read_plan
from validation.settings import Settings, SettingsProblem, read_settings
from validation.sheet_names import NOT_THE_PLAN, SETTINGS_SHEET


@dataclass
class LoadedPlan:
    """A workbook's plan, ready for the pure core.

    Attributes:
        book: the workbook it came from.
        settings: what the Settings sheet says (defaults where a value was unusable).
        layout: where the plan's table is.
        grid: the plan sheet as read (one bulk read).
        actions: the actions frame (canonical fields as raw values, ``_sheet``, ``_row``).
        extracted: the extraction as read, before the Plan column was filled in (adoption reports
            how the recommendations were found from it).
        settings_problems: Settings values that could not be used, each at its cell.
        meta: the hidden ``_plansync`` sheet's values as read here, so later steps (row keys,
            sync state) need not read that sheet again.
        colours: what the cells' fill colours said about status (``plansync.plan_colours``).
        sheet_grids: the plan's other sheets as read, when it is kept on several (``layout.extra``).
    """

    book: Workbook
    settings: Settings
    layout: Layout
    grid: SheetGrid
    actions: pd.DataFrame
    extracted: Extracted
    settings_problems: list[SettingsProblem] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    colours: "ColourReading | None" = None
    sheet_grids: dict[str, SheetGrid] = field(default_factory=dict)

    def sheet_layouts(self) -> list[Layout]:
        """Each sheet of the plan with its own header rows, columns and computed columns: the
        first sheet, then the others of a plan kept on several sheets (one per recommendation)."""
        return [replace(self.layout, extra=[]), *self.layout.extra]

    def grid_of(self, sheet: str) -> SheetGrid:
        """One sheet of the plan as read (read now only if it was not read with the plan)."""
        if sheet == self.layout.sheet:
            return self.grid
        if sheet not in self.sheet_grids:
            self.sheet_grids[sheet] = self.book.read_sheet(sheet)
        return self.sheet_grids[sheet]

    def require_settings(self) -> Settings:
        """The settings, or ``SettingsError`` for the first unusable value (for commands that act on them)."""
        if self.settings_problems:
            first = self.settings_problems[0]
            raise SettingsError(str(first) + " Then run the command again.", setting=first.setting)
        return self.settings


def _report(progress: Progress | None, message: str, done: float) -> None:
    if progress is not None:
        progress(message, done)


def _saved_layout(meta: dict, grids: dict[str, SheetGrid], book: Workbook, aliases: dict[str, str]) -> Layout | None:
    """The layout adoption saved, if its header cells still name the same fields."""
    data = meta.get("layout")
    if not isinstance(data, dict):
        return None
    try:
        layout = Layout.from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None
    if layout.sheet not in book.sheet_names():
        return None
    grid = grids.get(layout.sheet) or book.read_sheet(layout.sheet)
    grids[layout.sheet] = grid
    header = max(layout.header_rows)
    # A person may have inserted or moved columns since adoption: then detect again.
    for name, col in layout.columns.items():
        seen = field_for_header(grid.cell(header, col), aliases)
        if seen is not None and seen != name:
            return None
    # ... or inserted rows above the table: the saved header rows no longer hold the header.
    action = layout.columns.get("action")
    if action is None or not any(field_for_header(grid.cell(r, action), aliases) == "action" for r in layout.header_rows):
        return None
    return layout


def _apply_overrides(layout: Layout | None, settings: Settings, book: Workbook, grids: dict[str, SheetGrid]) -> Layout | None:
    overrides = dict(settings.column_overrides)
    if not overrides and settings.plan_sheet is None and settings.header_row is None:
        return layout
    sheet = settings.plan_sheet or (layout.sheet if layout else None)
    header = settings.header_row or (max(layout.header_rows) if layout and layout.sheet == sheet else None)
    if sheet is None or header is None:
        if layout is None:
            return None
        sheet, header = layout.sheet, max(layout.header_rows)
    if sheet not in book.sheet_names():
        raise LayoutNotFound(
            f"The Settings sheet says the plan is on sheet '{sheet}', but the workbook has no such sheet. "
            f"Correct 'Plan sheet' under Column overrides on the Settings sheet (sheets: {', '.join(book.sheet_names())})."
        )
    columns = dict(layout.columns) if layout and layout.sheet == sheet else {}
    computed = overrides.pop("due", None)
    columns.update(overrides)
    if computed is None:
        grid = grids.get(sheet) or book.read_sheet(sheet)
        grids[sheet] = grid
        base = layout.computed_col if layout and layout.sheet == sheet else grid.max_col + 1
        computed = max(base, max(columns.values(), default=0) + 1)
    header_rows = layout.header_rows if layout and layout.sheet == sheet and header in layout.header_rows else [header]
    return Layout(sheet=sheet, header_rows=list(header_rows), columns=columns, computed_col=computed, source="settings")


def _fill_plan(actions: pd.DataFrame, name: str) -> pd.DataFrame:
    blank = actions["plan"].isna() | actions["plan"].astype(str).str.strip().eq("")
    actions = actions.copy()
    actions["plan"] = actions["plan"].where(~blank, name).astype(object)
    return actions


def load_plan(book: Workbook, *, progress: Progress | None = None) -> LoadedPlan:
    """Read settings, find the plan's table and extract its actions (a few bulk reads).

    Raises:
        LayoutNotFound: no sheet has a header row plansync recognises, and Settings does not say.
    """
    _report(progress, "Reading settings", 0.0)
    names = book.sheet_names()
    settings_grid = book.read_sheet(SETTINGS_SHEET) if SETTINGS_SHEET in names else None
    settings, problems = read_settings(settings_grid)
    meta = load_meta(book)
    grids: dict[str, SheetGrid] = {}

    _report(progress, "Finding the plan", 0.2)
    layout = _saved_layout(meta, grids, book, settings.header_aliases)
    if layout is not None and settings.header_aliases and layout.source == "detected":
        # A heading named in Settings may find a column the saved mapping lacks: detect again.
        layout = None
    layout = _apply_overrides(layout, settings, book, grids)
    if layout is None:
        for name in names:
            if name in NOT_THE_PLAN or name in grids:
                continue
            grid = book.read_sheet(name)
            if not grid.hidden:
                grids[name] = grid
        layout = detect_plan([g for n, g in grids.items() if n not in NOT_THE_PLAN], settings.header_aliases)
        layout = _apply_overrides(layout, settings, book, grids)
    if layout is None or "action" not in layout.columns:
        where = book.path.name if book.path is not None else "this workbook"
        raise LayoutNotFound(
            f"No sheet in {where} has a header row plansync recognises (it looks for headings such as "
            "'Ref', 'Action', 'Lead', 'Target date'). Run: plansync adopt, or fill in 'Plan sheet', "
            "'Header row' and the columns under Column overrides on the Settings sheet.",
            path=str(book.path) if book.path is not None else None,
        )
    grid = grids.get(layout.sheet) or book.read_sheet(layout.sheet)

    _report(progress, "Reading actions", 0.6)
    extracted = read_plan(grid, layout, lambda name: grids.get(name) or grids.setdefault(name, book.read_sheet(name)))
    stem = Path(book.path).stem if book.path is not None else layout.sheet
    actions = _fill_plan(extracted.actions, settings.plan_name or stem)
    actions, colours = read_colour_status(book, layout, actions, grid)  # status shown only by a cell's colour
    _report(progress, "Plan loaded", 1.0)
    return LoadedPlan(
        book=book, settings=settings, layout=layout, grid=grid, actions=actions, extracted=extracted, settings_problems=problems,
        meta=meta, colours=colours, sheet_grids={e.sheet: grids[e.sheet] for e in layout.extra if e.sheet in grids},
    )


__all__ = sorted(["LoadedPlan", "load_plan"])

"""``adopt``: find the plan in the workbook a team already keeps, and make it ready for plansync.

Adoption reads the workbook as it is (DESIGN §4): it finds the plan's sheet, header row(s) and
the column of each field, saves that mapping in the hidden ``_plansync`` sheet, writes the
headers of plansync's computed columns (Due, RAG, Overdue, Days overdue) to the right of the
table with their conditional formatting (on every sheet of a plan kept on several), and adds the
Settings, Issues and Summary sheets when they are missing. Nothing the team wrote is changed. A
mapping corrected in the Settings sheet (Column overrides) wins over detection. Adopting again changes nothing more.

    >>> book = OpenpyxlWorkbook.open("plan.xlsx", write=True)   # doctest: +SKIP
    >>> adopt_workbook(book).actions                             # doctest: +SKIP
    33
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from plansync.state.bookkeeping import update_meta
from plansync.errors import LayoutNotFound
from plansync.plan import load_plan
from plansync.plan_colours import status_warnings
from plansync.workbook.base import Progress, Workbook
from validation.fields import COMPUTED, FIELD_BY_NAME
from validation.grid import SheetGrid, cell_address, column_letter
from validation.layout import Layout
from validation.plan_sheets import detect_plan
from validation.schema import validate_actions
from validation.settings import Settings, read_settings
from validation.sheet_names import ISSUES_SHEET, NOT_THE_PLAN, SETTINGS_SHEET, SUMMARY_SHEET
from validation.summary import count_recommendations

SUMMARY_PLACEHOLDER = "The board summary appears here when you run: plansync report (or the Summary button)."
# Conditional formatting covers at least this many rows, so a plan can grow without adopting again.
_MIN_FORMATTED_ROWS = 5000


@dataclass
class AdoptResult:
    """What ``adopt_workbook`` found and did.

    Attributes:
        layout: the mapping in force (detection, with the Settings corrections on top).
        headers: field -> header text as written in its column.
        recommendations: how many recommendations have actions.
        actions: how many actions were found.
        recommendation_from: where each action's recommendation came from
            ('column', 'headings', 'ref prefix' or '' when none was found).
        split_cells: cells that held several actions (each became its own action).
        unplaced: what adoption could not place, in words, with where and what to do.
        issues: warnings about single actions (an action without a ref ...), as an issues frame.
        added: what adoption added to the workbook this time (empty when it was already adopted).
        status_from: where each action's status comes from, in words (column, colour, text).
        sheets: every sheet of the workbook but plansync's own, with what adoption made of it.
        status_to_set: actions whose status plansync cannot tell (or whose words and colour
            disagree), each at its cell with what to do: a person sets them, plansync never guesses.
    """

    layout: Layout
    headers: dict[str, str]
    recommendations: int
    actions: int
    recommendation_from: str
    split_cells: int
    unplaced: list[str]
    issues: pd.DataFrame
    added: list[str] = field(default_factory=list)
    status_from: str = ""
    sheets: list[tuple[str, str]] = field(default_factory=list)
    status_to_set: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The mapping and counts, as ``plansync adopt --json`` prints them."""
        computed = self.layout.computed_col
        return {
            "sheet": self.layout.sheet,
            "header_rows": list(self.layout.header_rows),
            "source": self.layout.source,
            "columns": {
                name: {"column": column_letter(col), "header": self.headers.get(name)}
                for name, col in sorted(self.layout.columns.items(), key=lambda kv: kv[1])
            },
            "computed_columns": {f.name: column_letter(computed + i) for i, f in enumerate(COMPUTED)},
            "recommendations": self.recommendations,
            "actions": self.actions,
            "recommendation_from": self.recommendation_from,
            "split_cells": self.split_cells,
            "unplaced": list(self.unplaced),
            "added": list(self.added),
            "status_from": self.status_from,
            "sheets": [{"sheet": name, "read_as": what} for name, what in self.sheets],
            "status_to_set": list(self.status_to_set),
        }


def adopt_workbook(book: Workbook, *, progress: Progress | None = None) -> AdoptResult:
    """Find the plan, save the mapping, add plansync's columns and sheets, and save the workbook.

    Raises:
        LayoutNotFound: no sheet has a header row plansync recognises.
        WorkbookLocked: the workbook cannot be saved (nothing is changed).
    """
    _report(progress, "Finding the plan", 0.0)
    names = book.sheet_names()
    every = [book.read_sheet(n) for n in names if n not in NOT_THE_PLAN]
    grids = [g for g in every if not g.hidden]
    # Headings a person named in Settings (Header names) count from the first detection.
    aliases = read_settings(book.read_sheet(SETTINGS_SHEET))[0].header_aliases if SETTINGS_SHEET in names else {}
    detected = detect_plan(grids, aliases)
    if detected is None:
        raise _not_found(book)
    added: list[str] = []
    update_meta(book, layout=detected.to_dict())

    _report(progress, "Reading actions", 0.4)
    plan = load_plan(book)  # applies a person's Settings corrections on top of what was detected
    layout = plan.layout
    read = plan.extracted  # extracted once, by load_plan
    actions = read.actions
    headers = _header_texts(plan.grid, layout)

    unplaced = list(detected.unplaced) if layout.source == "detected" else []
    unplaced += _unplaced_rows(actions, layout)
    issues = validate_actions(actions, columns=layout.columns)
    issues = issues[issues["check"].eq("missing_ref")].reset_index(drop=True)
    issues["heading"] = issues["field"].map(headers)  # the column as the workbook names it

    _report(progress, "Adding plansync's columns", 0.7)
    for sheet in plan.sheet_layouts():  # each sheet of a plan kept on several gets its own columns
        added += _add_computed_headers(book, plan.grid_of(sheet.sheet), sheet)
        _install_formatting(book, plan.grid_of(sheet.sheet), sheet)
    added += _add_own_sheets(book, names, issues)
    for issue in issues.to_dict("records"):
        unplaced.append(f"{issue['cell']}: {issue['message']} {issue['fix']}")

    status_to_set = [f"{i['cell']}: {i['message']} {i['fix']}" for i in status_warnings(plan).to_dict("records")]

    recommendations = count_recommendations(plan.actions)
    book.status(f"Adopted {layout.sheet}: {len(actions)} actions under {recommendations} recommendations.")
    _report(progress, "Saving", 0.9)
    book.save()
    return AdoptResult(
        layout=layout,
        headers=headers,
        recommendations=recommendations,
        actions=len(actions),
        recommendation_from=read.recommendation_from,
        split_cells=read.split_cells,
        unplaced=unplaced,
        issues=issues,
        added=added,
        status_from=_status_source(plan, headers),
        status_to_set=status_to_set,
        sheets=_sheet_roles(every, layout),
    )


def _not_found(book: Workbook) -> LayoutNotFound:
    where = book.path.name if book.path is not None else "this workbook"
    return LayoutNotFound(
        f"No sheet in {where} has a header row plansync recognises: it looks for a row of headings "
        "such as 'Ref', 'Action', 'Lead' and 'Target date' (or 'Deadline', 'By when'). Add such a "
        "heading row above the plan, or fill in 'Plan sheet', 'Header row' and the columns under "
        "Column overrides on the Settings sheet, then adopt again.",
        path=str(book.path) if book.path is not None else None,
    )


def _status_source(plan, headers: dict[str, str]) -> str:
    """Where the actions' status comes from, as adopt prints it."""
    columns = plan.layout.columns
    parts = []
    if "status" in columns:
        parts.append(f"the {headers.get('status', 'Status')} column ({column_letter(columns['status'])})")
    colours = plan.colours
    if colours is not None and colours.column is not None:
        key = colours.key or "the usual Blue/Green/Amber/Red shades"
        parts.append(f"the fill colour of column {column_letter(colours.column)} ({key}; {colours.statuses} actions)")
    if "progress" in columns:
        parts.append(f"the words of the {headers.get('progress', 'Progress')} column ({column_letter(columns['progress'])})")
    return ", then ".join(parts) if parts else "nowhere: the plan has no status, colour or progress to read"


def _sheet_roles(grids: list[SheetGrid], layout: Layout) -> list[tuple[str, str]]:
    """Each sheet with what adoption made of it (the plan, or skipped and why)."""
    roles = []
    extra = {e.sheet: e for e in layout.extra}
    for grid in grids:
        if grid.name == layout.sheet:
            roles.append((grid.name, "the plan" + (" (its first sheet)" if extra else "")))
        elif grid.name in extra:
            roles.append((grid.name, f"part of the plan (laid out as the first sheet; plansync's columns {_computed_span(extra[grid.name])})"))
        elif grid.hidden:
            roles.append((grid.name, "skipped: hidden"))
        else:
            roles.append((grid.name, "skipped: no header row naming an action column (a cover, key, notes or version sheet)"))
    return roles


def _computed_span(layout: Layout) -> str:
    """Where a sheet's computed columns are, e.g. 'E:H'."""
    return f"{column_letter(layout.computed_col)}:{column_letter(layout.computed_col + len(COMPUTED) - 1)}"


def _report(progress: Progress | None, message: str, done: float) -> None:
    if progress is not None:
        progress(message, done)


def _header_texts(grid: SheetGrid, layout: Layout) -> dict[str, str]:
    """field -> the header as written (the first header row that has text in its column)."""
    texts: dict[str, str] = {}
    for name, col in layout.columns.items():
        for row in sorted(layout.header_rows):
            value = grid.cell(row, col)
            if isinstance(value, str) and value.strip():
                texts[name] = " ".join(value.split())
                break
    return texts


def _label_rows(grid: SheetGrid, layout: Layout) -> list[int]:
    """Header rows that carry the action column's heading (not the second row of a two-row header)."""
    action = layout.columns.get("action")
    rows = [r for r in layout.header_rows if isinstance(grid.cell(r, action), str) and grid.cell(r, action).strip()]
    return rows or [min(layout.header_rows)]


def _add_computed_headers(book: Workbook, grid: SheetGrid, layout: Layout) -> list[str]:
    """Write Due | RAG | Overdue | Days overdue right of the table on each header row."""
    labels = [f.label for f in COMPUTED]
    added = []
    for row in _label_rows(grid, layout):
        current = [grid.cell(row, layout.computed_col + i) for i in range(len(labels))]
        if current == labels:
            continue
        book.write_range(layout.sheet, row, layout.computed_col, [labels])
        _copy_header_style(book, layout.sheet, row, layout.computed_col, len(labels))
        end = cell_address(layout.sheet, row, layout.computed_col + len(labels) - 1).split("!")[1]
        added.append(f"headers {', '.join(labels)} at {cell_address(layout.sheet, row, layout.computed_col)}:{end}")
    return added


def _copy_header_style(book: Workbook, sheet: str, row: int, col: int, width: int) -> None:
    """plansync's new header cells look like the team's own header cell just left of them."""
    if col > 1:
        book.copy_cell_style(sheet, (row, col - 1), [(row, col + i) for i in range(width)])


def _install_formatting(book: Workbook, grid: SheetGrid, layout: Layout) -> None:
    """Colour RAG / Overdue / Days overdue by their values and show Due day-first (idempotent)."""
    first = min(layout.header_rows) + 1
    last = max(_MIN_FORMATTED_ROWS, grid.max_row + 1000)
    col = layout.computed_col
    book.format_rag(layout.sheet, rag_col=col + 1, overdue_col=col + 2, days_col=col + 3, first_row=first, last_row=last)
    book.format_dates(layout.sheet, col, first_row=first, last_row=last)


def _add_own_sheets(book: Workbook, names: list[str], issues: pd.DataFrame) -> list[str]:
    """Settings, Issues and Summary, each only when missing (a team's edits there are kept).

    A new Issues sheet lists adoption's warnings (actions without a ref) until the next validate.
    """
    added = []
    if SETTINGS_SHEET not in names:
        book.add_settings_sheet(Settings())
        added.append(f"sheet {SETTINGS_SHEET}")
    if ISSUES_SHEET not in names:
        from plansync.commands.validate import issues_sheet_rows

        book.replace_sheet(ISSUES_SHEET, issues_sheet_rows(issues))
        added.append(f"sheet {ISSUES_SHEET}")
    if SUMMARY_SHEET not in names:
        book.replace_sheet(SUMMARY_SHEET, [[SUMMARY_PLACEHOLDER]])
        added.append(f"sheet {SUMMARY_SHEET}")
    return added


def _unplaced_rows(actions: pd.DataFrame, layout: Layout) -> list[str]:
    """Actions adoption could not tie to a recommendation, while others have one."""
    rec = actions["recommendation"]
    missing = rec.isna() | rec.astype(str).str.strip().eq("")
    if not missing.any() or missing.all():
        return []
    col = layout.columns.get("recommendation", layout.columns["action"])
    return [
        f"{cell_address(layout.sheet, int(row), col)}: plansync could not tell which recommendation this action "
        f"belongs to. Put a recommendation heading row above it, or fill in its "
        f"{FIELD_BY_NAME['recommendation'].label.lower()}."
        for row in actions.loc[missing, "_row"]
    ]


__all__ = sorted(["AdoptResult", "SUMMARY_PLACEHOLDER", "adopt_workbook"])

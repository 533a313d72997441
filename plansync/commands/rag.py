"""``rag``: compute due date, BRAG, overdue and days overdue, and write them back as values.

The four values go to the computed columns (``layout.computed_col`` onwards: Due, RAG, Overdue,
Days overdue) in one bulk write covering the header row down to the last row of the sheet, so
values left from rows since deleted are cleared too. A plan kept on several sheets gets one such
write on each of its sheets, right of that sheet's own table. Colours come from the conditional
formatting the template (or adoption) installed.

    >>> result = refresh_rag(OpenpyxlWorkbook.open("plan.xlsx", write=True), today=date(2022, 7, 31))  # doctest: +SKIP
    >>> result.counts()                                                                                 # doctest: +SKIP
    {'Blue': 9, 'Green': 35, 'Amber': 3, 'Red': 17}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from plansync.plan import LoadedPlan, load_plan
from plansync.reporting_guard import refuse_reporting_workbook
from plansync.workbook.base import Progress, Workbook
from validation.fields import COMPUTED, RAG_VALUES, ROW_COL, SHEET_COL
from validation.grid import cell_address, column_letter
from validation.layout import Layout
from validation.rag import compute_rag
from workbook_templates.written_words import OVERDUE_NO, OVERDUE_YES


@dataclass
class RagResult:
    """What ``refresh_rag`` computed and wrote.

    Attributes:
        actions: one row per action: ``ref, recommendation, due`` (date or None), ``rag``,
            ``overdue`` (bool), ``days_overdue`` (int or None), ``sheet``, ``row``.
        today: the date the plan was rated on.
        written: the range written, e.g. ``Actions!M1:P65`` (one per plan sheet, comma-separated).
    """

    actions: pd.DataFrame
    today: date
    written: str

    def counts(self) -> dict[str, int]:
        """Actions per BRAG value, in Blue, Green, Amber, Red order."""
        found = self.actions["rag"].value_counts()
        return {value: int(found.get(value, 0)) for value in RAG_VALUES}

    @property
    def overdue(self) -> int:
        return int(self.actions["overdue"].sum())

    def to_json(self) -> dict[str, Any]:
        keys = ["ref", "recommendation", "due", "rag", "overdue", "days_overdue"]
        out = []
        for row in self.actions[keys].to_dict("records"):
            out.append(
                {
                    "ref": _plain(row["ref"]),
                    "recommendation": _plain(row["recommendation"]),
                    "due": row["due"].isoformat() if row["due"] is not None else None,
                    "rag": row["rag"],
                    "overdue": bool(row["overdue"]),
                    "days_overdue": row["days_overdue"],
                }
            )
        return {"actions": out}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _dates(values: pd.Series) -> list[date | None]:
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in values]


def _ints(values: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in values]


_WORST_FIRST = {"Red": 0, "Amber": 1, "Green": 2, "Blue": 3}


def _one_per_row(actions: pd.DataFrame) -> list[tuple]:
    """(row, due, rag, overdue, days_overdue) per sheet row.

    Several actions written in one cell share a row but have one set of computed cells, so the
    row shows the worst of them: the most urgent BRAG with that action's due date, overdue if any is,
    and the most days overdue. Otherwise a Red action could hide behind a Blue one on its row.
    """
    shared = actions["row"].duplicated(keep=False).to_numpy()
    single = actions[~shared]
    rows = list(zip(single["row"], single["due"], single["rag"], single["overdue"], single["days_overdue"]))
    for row, group in actions[shared].groupby("row", sort=False):
        worst = group.iloc[group["rag"].map(_WORST_FIRST).to_numpy().argmin()]
        days = [n for n in group["days_overdue"] if n is not None]
        rows.append((row, worst["due"], worst["rag"], bool(group["overdue"].any()), max(days) if days else None))
    return rows


@dataclass
class SheetBlock:
    """The computed-columns block of one plan sheet: Due / RAG / Overdue / Days overdue per sheet
    row from its first header row to its last row, labels on header rows.

    Attributes:
        sheet: the plan sheet it goes on.
        first_row: the sheet row of the block's first line (the sheet's first header row).
        col: the sheet's first computed column (right of that sheet's own table).
        rows: one line of four values per sheet row.
    """

    sheet: str
    first_row: int
    col: int
    rows: list[list[Any]]

    def differs_from(self, plan: LoadedPlan) -> bool:
        """Whether the sheet as read shows anything else in the computed columns (the block
        reaches the sheet's last row, so nothing below it can be stale)."""
        grid = plan.grid_of(self.sheet)
        for offset, line in enumerate(self.rows):
            shown = [grid.cell(self.first_row + offset, self.col + i) for i in range(len(line))]
            if [_comparable(v) for v in shown] != [_comparable(v) for v in line]:
                return True
        return False

    @property
    def range(self) -> str:
        last = self.first_row + len(self.rows) - 1
        return f"{cell_address(self.sheet, self.first_row, self.col)}:{column_letter(self.col + len(COMPUTED) - 1)}{last}"


@dataclass
class RatedPlan:
    """A loaded plan rated: the result, and the computed-columns block of each plan sheet.

    Attributes:
        result: what was computed (``written`` names the blocks' ranges).
        blocks: one per plan sheet, first sheet first (a plan kept on several sheets has several).
    """

    result: RagResult
    blocks: list[SheetBlock]

    def differs_from(self, plan: LoadedPlan) -> bool:
        """Whether any plan sheet as read shows anything else in its computed columns."""
        return any(block.differs_from(plan) for block in self.blocks)


def _comparable(value: Any) -> Any:
    # Excel and openpyxl hand dates back as datetimes at midnight.
    if isinstance(value, datetime) and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return value.date()
    return value


def rate_plan(plan: LoadedPlan, when: date, *, computed: pd.DataFrame | None = None) -> RatedPlan:
    """Rate every action of a loaded plan and lay the results out as each plan sheet's
    computed-columns block (a plan kept on several sheets gets them on every one of its sheets).

    ``computed`` is ``compute_rag`` of these actions for ``when``, when the caller has it already.
    """
    settings = plan.require_settings()
    rated = computed if computed is not None else compute_rag(plan.actions, today=when, rules=settings.rag_rules)
    actions = pd.DataFrame(
        {
            "ref": plan.actions["ref"].to_numpy(dtype=object),
            "recommendation": plan.actions["recommendation"].to_numpy(dtype=object),
            "due": pd.Series(_dates(rated["due"]), dtype=object).to_numpy(),
            "rag": rated["rag"].astype(object).to_numpy(),
            "overdue": [bool(v) for v in rated["overdue"]],
            "days_overdue": pd.Series(_ints(rated["days_overdue"]), dtype=object).to_numpy(),
            "sheet": plan.actions[SHEET_COL].to_numpy(dtype=object),
            "row": plan.actions[ROW_COL].to_numpy(),
        }
    )
    blocks = [_sheet_block(plan, layout, actions[actions["sheet"] == layout.sheet]) for layout in plan.sheet_layouts()]
    written = ", ".join(block.range for block in blocks)
    return RatedPlan(RagResult(actions=actions, today=when, written=written), blocks)


def _sheet_block(plan: LoadedPlan, layout: Layout, actions: pd.DataFrame) -> SheetBlock:
    """One block from the sheet's first header row to its last row: labels on header rows,
    values on action rows, empty elsewhere (heading rows, blank rows, rows since deleted)."""
    first = min(layout.header_rows)
    last = max(plan.grid_of(layout.sheet).max_row, first, *(actions["row"].tolist() or [first]))
    rows: list[list[Any]] = [[None] * len(COMPUTED) for _ in range(last - first + 1)]
    for header in layout.header_rows:
        rows[header - first] = [f.label for f in COMPUTED]
    for r, d, g, o, n in _one_per_row(actions):
        rows[int(r) - first] = [d, g, OVERDUE_YES if o else OVERDUE_NO, n]
    return SheetBlock(layout.sheet, first, layout.computed_col, rows)


def sheets_showing_computed(plan: LoadedPlan) -> set[str]:
    """The plan sheets that show plansync's columns (adopt or rag wrote their headers there)."""
    return {
        layout.sheet
        for layout in plan.sheet_layouts()
        if plan.grid_of(layout.sheet).cell(min(layout.header_rows), layout.computed_col) == COMPUTED[0].label
    }


def write_rated(book: Workbook, rated: RatedPlan) -> None:
    """Write each plan sheet's computed-columns block (one bulk write per sheet)."""
    for block in rated.blocks:
        book.write_range(block.sheet, block.first_row, block.col, block.rows)


def refresh_rag(book: Workbook, *, today: date | None = None, progress: Progress | None = None) -> RagResult:
    """Rate every action and write Due / RAG / Overdue / Days overdue back to the workbook, then save.

    ``today`` wins over the Settings sheet's "Today (override)", which wins over the real date.

    Raises:
        SettingsError: a Settings value the rules need cannot be used.
        LayoutNotFound: no plan table could be found.
        WorkbookLocked: the workbook cannot be saved (nothing is changed).
    """
    plan = load_plan(book, progress=progress)
    refuse_reporting_workbook(plan, "rag")  # a pull's reporting workbook: refused, left unchanged
    settings = plan.require_settings()
    when = today or settings.today or date.today()
    if progress is not None:
        progress("Rating actions", 0.7)
    rated = rate_plan(plan, when)
    write_rated(book, rated)
    book.status(summary_line(rated.result))
    if progress is not None:
        progress("Saving", 0.9)
    book.save()
    return rated.result



def summary_line(result: RagResult) -> str:
    """'Blue 9, Green 35, Amber 3, Red 17; 17 overdue (as at 31/07/2022).'"""
    counts = ", ".join(f"{k} {v}" for k, v in result.counts().items())
    return f"{counts}; {result.overdue} overdue (as at {result.today:%d/%m/%Y})."


__all__ = sorted(["RagResult", "RatedPlan", "SheetBlock", "rate_plan", "refresh_rag", "sheets_showing_computed", "summary_line", "write_rated"])

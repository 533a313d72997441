"""The reporting workbook ``plansync pull`` writes: Summary, Consolidated, Settings, hidden _plansync.

``Consolidated`` is an Excel Table (``ConsolidatedActions``) with one row per action of every
plan in the central list; RAG, Overdue and Days overdue are coloured by the same conditional
formatting as a team's tracker (``workbook_templates.formatting``), installed once. ``Summary``
is the board's page: a table per plan and a native bar chart of BRAG by plan over it
(``plansync.pull_sheets.summary_chart``, drawn through the workbook seam). The chart reads its
cells, so later pulls only rewrite values.

Only formatting happens here (openpyxl); the values come from ``plansync.commands.pull``.
"""

from __future__ import annotations

from importlib.metadata import version

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from validation.fields import FIELD_BY_NAME, RAG_VALUES
from validation.settings import Settings
from validation.sheet_names import CONSOLIDATED_SHEET, HISTORY_SHEET, META_SHEET, SETTINGS_SHEET, SUMMARY_SHEET
from workbook_templates.hidden_sheet import meta_rows
from workbook_templates.formatting import format_dates, install_rag_formatting
from workbook_templates.settings_sheet import write_settings_sheet
from workbook_templates.written_words import REPORTING_KEY

TABLE_NAME = "ConsolidatedActions"
CHART_TITLE = "Actions by BRAG, per plan"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

# (name, header, width): canonical fields keep their tracker labels, so both read alike.
_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("plan", FIELD_BY_NAME["plan"].label, 24),
    ("key", "Row key", 24),
    ("recommendation", FIELD_BY_NAME["recommendation"].label, 40),
    ("ref", FIELD_BY_NAME["ref"].label, 7),
    ("action", FIELD_BY_NAME["action"].label, 60),
    ("lead", FIELD_BY_NAME["lead"].label, 28),
    ("owner", FIELD_BY_NAME["owner"].label, 30),
    ("target", FIELD_BY_NAME["target"].label, 16),
    ("revised_target", FIELD_BY_NAME["revised_target"].label, 14),
    ("status", FIELD_BY_NAME["status"].label, 13),
    ("progress", FIELD_BY_NAME["progress"].label, 60),
    ("due", FIELD_BY_NAME["due"].label, 12),
    ("rag", FIELD_BY_NAME["rag"].label, 9),
    ("overdue", FIELD_BY_NAME["overdue"].label, 9),
    ("days_overdue", FIELD_BY_NAME["days_overdue"].label, 9),
    ("modified_by", "Last modified by", 22),
    ("modified_at", "Last modified at", 17),
)
CONSOLIDATED_COLUMNS: tuple[str, ...] = tuple(name for name, _, _ in _COLUMNS)
CONSOLIDATED_HEADER: tuple[str, ...] = tuple(label for _, label, _ in _COLUMNS)
COLUMN_OF: dict[str, int] = {name: i for i, name in enumerate(CONSOLIDATED_COLUMNS, start=1)}
_LONG = {"recommendation", "action", "progress", "lead", "owner"}

# Summary: the per-plan table starts at A4 (header), plans below; BRAG counts in columns D-G.
PLAN_HEADER_ROW = 4
PLAN_HEADER: tuple[str, ...] = (
    "Plan", "Recommendations", "Actions", *RAG_VALUES, "Complete", "Overdue", "Complete, awaiting sign-off", "Signed off",
)


def build_reporting_workbook() -> openpyxl.Workbook:
    """A new reporting workbook in memory: Summary, Consolidated (empty table), History, Settings, _plansync."""
    wb = openpyxl.Workbook()
    wb.active.title = SUMMARY_SHEET
    ws = wb.create_sheet(CONSOLIDATED_SHEET)
    ws.append(list(CONSOLIDATED_HEADER))
    install_consolidated(ws, rows=0)
    wb.create_sheet(HISTORY_SHEET)  # every plan's changes, from the list's versions (plansync.history_sheet)
    write_settings_sheet(wb.create_sheet(SETTINGS_SHEET), Settings())
    meta = wb.create_sheet(META_SHEET)
    for line in meta_rows({"created_by": f"plansync {version('plansync')}", REPORTING_KEY: True}):
        meta.append(line)
    meta.sheet_state = "hidden"
    wb.active = 0
    return wb


def install_consolidated(ws: Worksheet, *, rows: int, formatted: int = 0) -> None:
    """Table, widths, frozen header and RAG/Overdue colours on the Consolidated sheet (idempotent).

    Call after writing ``rows`` data rows: the table is sized to them, and the rows after the
    first ``formatted`` ones (formatted by an earlier pull; writing values keeps a cell's format)
    get day-first dates and top-aligned, wrapped text. A table the person renamed or restyled is
    kept, only resized.
    """
    last_col = get_column_letter(len(_COLUMNS))
    ref = f"A1:{last_col}{max(2, rows + 1)}"  # a table needs at least one data row
    table = next(iter(ws.tables.values()), None)
    if table is None:
        table = Table(displayName=TABLE_NAME, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True, showColumnStripes=False)
        ws.add_table(table)
        for name, _, width in _COLUMNS:
            ws.column_dimensions[get_column_letter(COLUMN_OF[name])].width = width
        ws.freeze_panes = "A2"
        install_rag_formatting(
            ws, rag_col=COLUMN_OF["rag"], overdue_col=COLUMN_OF["overdue"], days_col=COLUMN_OF["days_overdue"], first_row=2
        )
    else:
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
    if rows > formatted:
        first = formatted + 2
        format_dates(ws, cols=[COLUMN_OF["due"], COLUMN_OF["revised_target"]], first_row=first, last_row=rows + 1)
        col = COLUMN_OF["modified_at"]
        ws.column_dimensions[get_column_letter(col)].number_format = DATETIME_FORMAT
        wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
        for r in range(first, rows + 2):
            ws.cell(row=r, column=col).number_format = DATETIME_FORMAT
            for name in CONSOLIDATED_COLUMNS:
                ws.cell(row=r, column=COLUMN_OF[name]).alignment = wrap if name in _LONG else top


__all__ = sorted(
    [
        "CHART_TITLE",
        "COLUMN_OF",
        "CONSOLIDATED_COLUMNS",
        "CONSOLIDATED_HEADER",
        "CONSOLIDATED_SHEET",
        "REPORTING_KEY",
        "DATETIME_FORMAT",
        "PLAN_HEADER",
        "PLAN_HEADER_ROW",
        "SETTINGS_SHEET",
        "SUMMARY_SHEET",
        "TABLE_NAME",
        "build_reporting_workbook",
        "install_consolidated",
    ]
)

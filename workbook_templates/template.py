"""The tracker workbook ``plansync new`` writes: Actions, Settings, Issues, Summary, hidden _plansync.

``Actions`` is an Excel Table with one column per canonical field (``validation.fields`` labels)
and plansync's computed columns (Due, RAG, Overdue, Days overdue) to their right. Status has a
drop-down; date columns show dates day-first; RAG and Overdue are coloured by conditional
formatting, so the colours follow the values plansync writes; the header row is frozen.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from validation.fields import COMPUTED, FIELDS, SIGN_OFF_FIELDS, STATUSES
from validation.settings import Settings
from validation.sheet_names import ISSUES_SHEET, META_SHEET, SETTINGS_SHEET, SUMMARY_SHEET
from workbook_templates.demo import DemoPlan
from workbook_templates.hidden_sheet import meta_rows
from workbook_templates.formatting import add_status_dropdown, format_dates, install_rag_formatting
from workbook_templates.settings_sheet import write_settings_sheet
from workbook_templates.written_words import ISSUES_HEADER

ACTIONS_SHEET = "Actions"
TABLE_NAME = "PlanActions"
# A new tracker leaves out the sign-off columns (issue 16): a team that records sign-off in its
# workbook adds 'Signed off on' / 'Signed off by' columns; the list always has them.
COLUMNS = tuple(f for f in FIELDS if f.name not in SIGN_OFF_FIELDS) + COMPUTED
COLUMN_OF: dict[str, int] = {f.name: i for i, f in enumerate(COLUMNS, start=1)}

_WIDTHS: dict[str, float] = {
    "plan": 22, "recommendation": 40, "ref": 7, "action": 60, "lead": 28, "owner": 34, "target": 16,
    "revised_target": 14, "status": 13, "progress": 60, "updated": 12, "completed": 12,
    "due": 12, "rag": 9, "overdue": 9, "days_overdue": 9,
}
_LONG = {"recommendation", "action", "progress", "lead", "owner", "target"}
_DATE_FIELDS = ("target", "revised_target", "updated", "completed", "due")
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")


def _actions_sheet(wb: openpyxl.Workbook, rows: list[dict[str, Any]]) -> None:
    ws = wb.active
    ws.title = ACTIONS_SHEET
    ws.append([f.label for f in COLUMNS])
    for row in rows:
        ws.append([row.get(f.name) for f in COLUMNS])
    last = max(2, len(rows) + 1)
    table = Table(displayName=TABLE_NAME, ref=f"A1:{get_column_letter(len(COLUMNS))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True, showColumnStripes=False)
    ws.add_table(table)

    for f in COLUMNS:
        ws.column_dimensions[get_column_letter(COLUMN_OF[f.name])].width = _WIDTHS[f.name]
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for r in range(2, len(rows) + 2):
        for f in COLUMNS:
            ws.cell(row=r, column=COLUMN_OF[f.name]).alignment = wrap if f.name in _LONG else top
    for f in COMPUTED:
        header = ws.cell(row=1, column=COLUMN_OF[f.name])
        header.comment = Comment("Filled in by plansync (Refresh RAG / plansync rag). Do not type here.", "plansync")
    status = ws.cell(row=1, column=COLUMN_OF["status"])
    status.comment = Comment("Pick from the list: " + ", ".join(STATUSES) + ".", "plansync")

    format_dates(ws, cols=[COLUMN_OF[n] for n in _DATE_FIELDS], first_row=2, last_row=len(rows) + 1)
    add_status_dropdown(ws, col=COLUMN_OF["status"], first_row=2)
    install_rag_formatting(
        ws, rag_col=COLUMN_OF["rag"], overdue_col=COLUMN_OF["overdue"], days_col=COLUMN_OF["days_overdue"], first_row=2
    )
    ws.freeze_panes = "A2"


def _issues_sheet(wb: openpyxl.Workbook) -> None:
    ws = wb.create_sheet(ISSUES_SHEET)
    ws.append(ISSUES_HEADER)
    for cell in ws[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for col, width in zip("ABCDEFG", (12, 14, 18, 30, 70, 60, 10)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


def _summary_sheet(wb: openpyxl.Workbook) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET)
    rag = get_column_letter(COLUMN_OF["rag"])
    overdue = get_column_letter(COLUMN_OF["overdue"])
    action = get_column_letter(COLUMN_OF["action"])
    ws.append(["Plan summary"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Counts follow the RAG column; run Refresh RAG (plansync rag) to bring it up to date."])
    ws["A2"].font = Font(italic=True, color="595959")
    ws.append([])
    ws.append(["RAG", "Actions"])
    for value in ("Blue", "Green", "Amber", "Red"):
        ws.append([value, f'=COUNTIF({ACTIONS_SHEET}!{rag}:{rag},"{value}")'])
    ws.append(["Overdue", f'=COUNTIF({ACTIONS_SHEET}!{overdue}:{overdue},"Yes")'])
    ws.append(["All actions", f"=COUNTA({ACTIONS_SHEET}!{action}:{action})-1"])
    for cell in ws[4]:
        cell.font = _BOLD
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 12
    install_rag_formatting(ws, rag_col=1, first_row=5, last_row=8)


def build_workbook(*, demo: DemoPlan | None = None) -> openpyxl.Workbook:
    """The tracker workbook in memory: empty (one blank row in the table), or filled with ``demo``."""
    wb = openpyxl.Workbook()
    _actions_sheet(wb, demo.rows if demo else [])
    write_settings_sheet(wb.create_sheet(SETTINGS_SHEET), demo.settings if demo else Settings())
    _issues_sheet(wb)
    _summary_sheet(wb)
    meta = wb.create_sheet(META_SHEET)
    for line in meta_rows({"created_by": f"plansync {version('plansync')}", "template": 1}):
        meta.append(line)
    meta.sheet_state = "hidden"
    wb.active = 0
    return wb


__all__ = sorted(
    ["ACTIONS_SHEET", "COLUMN_OF", "ISSUES_HEADER", "ISSUES_SHEET", "SUMMARY_SHEET", "TABLE_NAME", "build_workbook"]
)

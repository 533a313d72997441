"""The Settings sheet as a person sees it: setting, value, and a sentence on what it does.

The labels come from ``validation.settings`` (which reads the sheet back by those labels), so
what is written here is exactly what plansync understands.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from validation.fields import FIELDS
from validation.settings import Settings
from validation.settings_labels import (
    COMPUTED_START_LABEL,
    HEADER_ROW_LABEL,
    PLAN_SHEET_LABEL,
    SECTION_HEADERS,
    SECTION_LABELS,
    SETTING_LABELS,
    keyword_fields,
    keyword_label,
    normalise_label,
)
from validation.settings_rows import AMBER_MAX_DAYS

EXPLANATIONS: dict[str, str] = {
    "plan_name": "The plan's name, used in reports and on SharePoint. Empty: the workbook's file name.",
    "amber_days": "An action that is not complete and is due within this many days is Amber. Usually 30.",
    "today": "Leave empty. Write a date to rate the plan as if it were that day (e.g. a report as at quarter end). "
    "'plansync rag --today' wins over this.",
    "support": "For reference only: the business support officers who hold the support role (may update every "
    "action). The role is given on the SharePoint site by its owners (plansync roles add EMAIL --support); writing "
    "a name here grants nothing. Separate several with ;.",
    "site": "The SharePoint site that holds the shared list, e.g. contoso.sharepoint.com:/sites/plans. "
    "Empty: plansync's own list server on this computer.",
    "list_name": "The name of the list on that site. Empty: plansync's default list.",
    "graph_url": "Leave empty (https://graph.microsoft.com/v1.0). Only for testing or a government cloud.",
    "last_sync": "Filled in by plansync after each sync. Do not edit.",
}
SECTION_EXPLANATIONS: dict[str, str] = {
    "owners": "Who may edit each lead's actions: the lead as written in the plan, and the sign-in email(s) "
    "of the people behind it. Add a row for each lead.",
    "keywords": "Words in the progress text that tell plansync an action's status when the Status column is empty "
    "(adopted workbooks). Change a list to match how your team writes.",
    "columns": "Only for workbooks plansync adopted: if it picked the wrong column for a field, write the right column "
    "letter here. Empty: plansync finds the column itself.",
    "aliases": "Column headings your team uses that plansync does not know yet: the heading as written, and the field "
    "it means. plansync then finds that column in this and every later plan read with these settings.",
}

_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")
_NOTE = Font(italic=True, color="595959")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _value(settings: Settings, key: str) -> Any:
    value = getattr(settings, key)
    if key == "support":
        return "; ".join(sorted(value)) or None
    return value


def settings_rows(settings: Settings) -> list[tuple[str, list[Any]]]:
    """The sheet's rows as (kind, cells); kind is title, note, header, setting, section, table_header or row."""
    rows: list[tuple[str, list[Any]]] = [
        ("title", ["plansync settings"]),
        ("note", ["Change the values in column B; column C says what each one does. plansync finds each row by its "
                  "name in column A, so you may add rows of your own notes."]),
        ("blank", []),
        ("header", ["Setting", "Value", "What it means"]),
    ]
    for key, labels in SETTING_LABELS.items():
        rows.append(("setting", [labels[0], _value(settings, key), EXPLANATIONS[key]]))

    rows += [("blank", []), ("section", [SECTION_LABELS["owners"][0], None, SECTION_EXPLANATIONS["owners"]])]
    rows.append(("table_header", list(SECTION_HEADERS["owners"])))
    for lead, emails in settings.owners.items():
        rows.append(("row", [lead, "; ".join(emails)]))

    rows += [("blank", []), ("section", [SECTION_LABELS["keywords"][0], None, SECTION_EXPLANATIONS["keywords"]])]
    rows.append(("table_header", list(SECTION_HEADERS["keywords"])))
    for name in keyword_fields():
        rows.append(("row", [keyword_label(name), ", ".join(getattr(settings.keywords, name))]))

    rows += [("blank", []), ("section", [SECTION_LABELS["columns"][0], None, SECTION_EXPLANATIONS["columns"]])]
    rows.append(("table_header", list(SECTION_HEADERS["columns"])))
    rows.append(("row", [PLAN_SHEET_LABEL, settings.plan_sheet, "The sheet that holds the plan's table."]))
    rows.append(("row", [HEADER_ROW_LABEL, settings.header_row, "The row number of the table's column headings."]))
    by_col = {name: col for name, col in settings.column_overrides.items()}
    for f in FIELDS:
        rows.append(("row", [f.label, _letter(by_col.get(f.name))]))
    rows.append(("row", [COMPUTED_START_LABEL, _letter(by_col.get("due")), "Where plansync writes Due, RAG, Overdue and Days overdue."]))

    rows += [("blank", []), ("section", [SECTION_LABELS["aliases"][0], None, SECTION_EXPLANATIONS["aliases"]])]
    rows.append(("table_header", list(SECTION_HEADERS["aliases"])))
    labels = {f.name: f.label for f in FIELDS}
    for heading, name in settings.header_aliases.items():
        rows.append(("row", [heading, labels.get(name, name)]))
    return rows


def _letter(col: int | None) -> str | None:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col) if col else None


def _guard_values(ws: Worksheet) -> None:
    """Excel refuses an amber window that is not a whole number of days, and a 'today' that is not a date."""
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = {normalise_label(ws.cell(row=r, column=1).value): r for r in range(1, ws.max_row + 1)}
    amber = rows.get(normalise_label(SETTING_LABELS["amber_days"][0]))
    today = rows.get(normalise_label(SETTING_LABELS["today"][0]))
    if amber:
        dv = DataValidation(
            type="whole", operator="between", formula1="0", formula2=str(AMBER_MAX_DAYS), allow_blank=True,
            showErrorMessage=True, errorTitle="Amber window", error=f"Write a whole number of days from 0 to {AMBER_MAX_DAYS}, e.g. 30.",
        )
        ws.add_data_validation(dv)
        dv.add(f"B{amber}")
    if today:
        dv = DataValidation(
            type="date", operator="greaterThan", formula1="1", allow_blank=True,
            showErrorMessage=True, errorTitle="Today (override)", error="Write a date such as 31/07/2022, or leave it empty.",
        )
        ws.add_data_validation(dv)
        dv.add(f"B{today}")
        ws.cell(row=today, column=2).number_format = "dd/mm/yyyy"


def write_settings_sheet(ws: Worksheet, settings: Settings) -> None:
    """Fill an empty sheet with the settings, laid out and styled for people."""
    for row, (kind, cells) in enumerate(settings_rows(settings), start=1):
        for col, value in enumerate(cells, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.alignment = _WRAP
        if kind == "title":
            ws.cell(row=row, column=1).font = _TITLE
        elif kind == "note":
            ws.cell(row=row, column=1).font = _NOTE
            ws.cell(row=row, column=1).alignment = Alignment(wrap_text=False)
        elif kind in ("header", "table_header"):
            for col in range(1, 4):
                ws.cell(row=row, column=col).font = _BOLD
                ws.cell(row=row, column=col).fill = _HEAD_FILL
        elif kind == "section":
            ws.cell(row=row, column=1).font = Font(bold=True, size=12)
            ws.cell(row=row, column=3).font = _NOTE
        elif kind in ("setting", "row") and len(cells) > 2:
            ws.cell(row=row, column=3).font = _NOTE
    _guard_values(ws)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 90
    ws.freeze_panes = "A5"


__all__ = sorted(["EXPLANATIONS", "SECTION_EXPLANATIONS", "settings_rows", "write_settings_sheet"])

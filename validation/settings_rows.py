"""Each kind of Settings row read into the settings being built, with a problem per value it cannot use.

A bad value keeps its default and adds one ``SettingsProblem`` at its cell, so the rest of the
sheet still counts. The kinds: a setting (``SETTING_LABELS``), and a row of the Owners, Status
keywords, Column overrides or Header names table (``SECTION_ROWS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from validation.fields import COMPUTED, FIELDS
from validation.grid import cell_address
from validation.settings_cells import cell_text, column_number, emails, parse_today, parse_whole
from validation.settings_labels import (
    FIELD_BY_LABEL,
    HEADER_ROW_LABEL,
    KEYWORD_BY_LABEL,
    PLAN_SHEET_LABEL,
    SETTINGS_SHEET,
    keyword_fields,
    keyword_label,
    normalise_label,
)

AMBER_MAX_DAYS = 365
_LIST_SPLIT = re.compile(r"[,;\n]+")


class SettingsProblem(ValueError):
    """A Settings value plansync cannot use, located at its cell.

    Attributes:
        cell: e.g. ``Settings!B5``; row: 1-based row; setting: the label in column A;
        value: what was written; problem: what is wrong; fix: what to do.
    """

    def __init__(self, *, row: int, col: int, setting: str, value: object, problem: str, fix: str) -> None:
        self.row = row
        self.col = col
        self.cell = cell_address(SETTINGS_SHEET, row, col)
        self.setting = setting
        self.value = value
        self.problem = problem
        self.fix = fix
        super().__init__(f"{self.cell}: {problem} {fix}")


@dataclass
class SettingsDraft:
    """What the rows read so far say, by setting key and by table, and the problems found."""

    values: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keyword_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    problems: list[SettingsProblem] = field(default_factory=list)

    def problem(self, row: int, label: object, value: object, what: str, fix: str) -> None:
        self.problems.append(SettingsProblem(row=row, col=2, setting=str(label), value=value, problem=what, fix=fix))


def read_setting_row(draft: SettingsDraft, key: str, row: int, label: object, value: object) -> None:
    """One setting (``key``) from its value cell."""
    values, problem = draft.values, draft.problem
    if key == "amber_days":
        if cell_text(value) is None:
            return
        try:
            days = parse_whole(value)
        except ValueError:
            days = -1
        if not 0 <= days <= AMBER_MAX_DAYS:
            problem(
                row, label, value,
                f"Amber window '{cell_text(value)}' is not a number of days plansync can use.",
                f"Write a whole number of days from 0 to {AMBER_MAX_DAYS}, e.g. 30.",
            )
            return
        values[key] = days
    elif key == "today":
        try:
            values[key] = parse_today(value)
        except ValueError:
            problem(
                row, label, value,
                f"Today (override) '{cell_text(value)}' is not a date.",
                "Write a date such as 31/07/2022, or leave it empty to use the real date.",
            )
    elif key == "support":
        good, bad = emails(value)
        if bad:
            problem(
                row, label, value,
                f"Support role sign-ins has '{bad[0]}', which is not an email address.",
                "Write sign-in emails, e.g. jane.smith@council.gov.uk (separate several with ;).",
            )
        values[key] = good
    elif key == "graph_url":
        text = cell_text(value)
        if text is not None and not re.match(r"^https?://", text):
            problem(
                row, label, value,
                f"Graph URL '{text}' is not a web address.",
                "Write it like https://graph.microsoft.com/v1.0, or leave it empty.",
            )
            return
        values[key] = text.rstrip("/") if text else None
    elif key == "last_sync":
        values[key] = value if not isinstance(value, str) else cell_text(value)
    else:
        values[key] = cell_text(value)


def read_column_row(draft: SettingsDraft, row: int, label: object, name: str, value: object) -> None:
    """One row of Column overrides: where the plan sheet, its header row or a field is."""
    values, columns, problem = draft.values, draft.columns, draft.problem
    if name == normalise_label(PLAN_SHEET_LABEL):
        values["plan_sheet"] = cell_text(value)
        return
    if name == normalise_label(HEADER_ROW_LABEL):
        if cell_text(value) is None:
            return
        try:
            values["header_row"] = parse_whole(value)
            if values["header_row"] < 1:
                raise ValueError(value)
        except ValueError:
            values.pop("header_row", None)
            problem(
                row, label, value,
                f"Header row '{cell_text(value)}' is not a row number.",
                "Write the number of the row that holds the column headings, e.g. 3.",
            )
        return
    field_name = FIELD_BY_LABEL.get(name)
    if field_name is None:
        problem(
            row, label, value,
            f"'{label}' is not a field plansync knows.",
            "Use the field names listed in this table (e.g. Ref, Action, Target date); delete rows you added.",
        )
        return
    try:
        col = column_number(value)
    except ValueError:
        problem(
            row, label, value,
            f"Column for '{label}' is '{cell_text(value)}', which is not a column.",
            "Write a column letter such as D (or leave it empty to let plansync find the column).",
        )
        return
    if col is not None:
        columns[field_name] = col


def read_alias_row(draft: SettingsDraft, row: int, label: object, name: str, value: object) -> None:
    """One row of Header names: the team's heading (A) -> the field it means (B)."""
    aliases, problem = draft.aliases, draft.problem
    if cell_text(value) is None:
        return
    field_name = FIELD_BY_LABEL.get(normalise_label(value))
    if field_name is None or field_name in {f.name for f in COMPUTED}:
        problem(
            row, label, value,
            f"'{cell_text(value)}' is not a field plansync knows.",
            "Write one of: " + ", ".join(f.label for f in FIELDS) + ".",
        )
        return
    aliases[" ".join(str(label).split()).strip().rstrip(":").strip().lower()] = field_name


def read_owner_row(draft: SettingsDraft, row: int, label: object, name: str, value: object) -> None:
    """One row of Owners: a lead as written in the plan (A) -> their sign-in email(s) (B)."""
    if cell_text(value) is None:
        return
    good, bad = emails(value)
    if bad:
        draft.problem(
            row, label, value,
            f"Owner sign-in for '{label}' has '{bad[0]}', which is not an email address.",
            "Write the sign-in email, e.g. jane.smith@council.gov.uk (separate several with ;).",
        )
    draft.owners[str(label).strip()] = good


def read_keyword_row(draft: SettingsDraft, row: int, label: object, name: str, value: object) -> None:
    """One row of Status keywords: a status (A) -> the words and phrases that mean it (B)."""
    attr = KEYWORD_BY_LABEL.get(name)
    if attr is None:
        draft.problem(
            row, label, value,
            f"'{label}' is not a status plansync knows.",
            "Use one of: " + ", ".join(keyword_label(n) for n in keyword_fields()) + ".",
        )
        return
    text = cell_text(value)
    if text is not None:
        draft.keyword_lists[attr] = tuple(p.strip().lower() for p in _LIST_SPLIT.split(text) if p.strip())


# The reader of a row under each table's heading (``SECTION_LABELS``).
SECTION_ROWS: dict[str, Callable[[SettingsDraft, int, object, str, object], None]] = {
    "owners": read_owner_row,
    "keywords": read_keyword_row,
    "columns": read_column_row,
    "aliases": read_alias_row,
}


__all__ = sorted(
    [
        "AMBER_MAX_DAYS",
        "SECTION_ROWS",
        "SettingsDraft",
        "SettingsProblem",
        "read_alias_row",
        "read_column_row",
        "read_keyword_row",
        "read_owner_row",
        "read_setting_row",
    ]
)

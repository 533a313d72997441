"""The Settings sheet, read from its grid: what a team can change without touching code.

The sheet is laid out for people: a setting's name in column A, its value in column B and a
short explanation in column C, then three small tables, each under a heading in column A:

- ``Owners``: lead as written in the plan (A) -> sign-in email(s) of the people who may edit it (B);
- ``Status keywords``: status (A) -> the words and phrases that mean it in progress text (B);
- ``Column overrides``: for adopted workbooks, which column holds each field (B: a letter such as D);
- ``Header names``: a column heading the team uses (A) -> the field it means (B), added to the
  headings plansync knows (``validation.fields``) for every detection.

Rows are found by their label, not their position, so a person may insert rows, add notes or
reorder the settings. Labels are compared ignoring case, spacing, a trailing ':' and any
``(explanation in brackets)`` (``validation.settings_labels``); each kind of row is read by
``validation.settings_rows``, each value by ``validation.settings_cells``.

``read_settings`` never stops at the first bad value: it returns the settings (defaults where a
value could not be used) and one ``SettingsProblem`` per bad cell, which ``validate`` reports
as issues at the Settings cell. ``Settings.from_grid`` raises the first problem instead.

    >>> grid = SheetGrid("Settings", [["Amber window (days)", 14]])
    >>> Settings.from_grid(grid).amber_days
    14
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from validation.grid import SheetGrid
from validation.settings_labels import (
    FIELD_BY_LABEL,
    SECTION_BY_LABEL,
    SECTION_HEADER_LABELS,
    SETTING_BY_LABEL,
    SETTINGS_SHEET,
    normalise_label,
)
from validation.settings_rows import SECTION_ROWS, SettingsDraft, SettingsProblem, read_column_row, read_setting_row
from validation.status import StatusKeywords

if TYPE_CHECKING:  # pragma: no cover
    from validation.rag import RagRules


@dataclass(frozen=True)
class Settings:
    """What the Settings sheet says; every field has a default so a missing sheet is fine.

    Attributes:
        plan_name: the plan's name (None: the workbook's file name is used).
        amber_days: an action due within this many days is Amber.
        today: the date to rate against instead of the real date (testing, reporting as at a date).
        owners: lead as written -> sign-in emails allowed to edit that lead's rows.
        support: sign-ins with the support role (may edit every row).
        site, list_name, graph_url: where the SharePoint list is (None: the embedded local server).
        keywords: the phrases that tell each status in progress text.
        column_overrides: canonical field -> 1-based column (``due``: where computed columns start).
        header_aliases: a team's own column headings -> the canonical field each means.
        plan_sheet, header_row: where the plan's table is, for adopted workbooks.
        last_sync: when plansync last synced (as written in the sheet).
    """

    plan_name: str | None = None
    amber_days: int = 30
    today: date | None = None
    owners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    support: frozenset[str] = frozenset()
    site: str | None = None
    list_name: str | None = None
    graph_url: str | None = None
    keywords: StatusKeywords = StatusKeywords()
    column_overrides: dict[str, int] = field(default_factory=dict)
    header_aliases: dict[str, str] = field(default_factory=dict)
    plan_sheet: str | None = None
    header_row: int | None = None
    last_sync: Any = None

    @classmethod
    def from_grid(cls, grid: SheetGrid | None) -> "Settings":
        """Read the Settings sheet (None: all defaults).

        Raises:
            SettingsProblem: the first value plansync cannot use, naming its cell.
        """
        settings, problems = read_settings(grid)
        if problems:
            raise problems[0]
        return settings

    @property
    def rag_rules(self) -> "RagRules":
        """The BRAG rules these settings ask for."""
        from validation.rag import RagRules

        return RagRules(amber_days=self.amber_days, keywords=self.keywords)

    def owners_for(self, lead: object) -> tuple[str, ...]:
        """The sign-ins for a lead as written (case and spacing ignored); () when not in the table."""
        wanted = normalise_label(lead)
        for name, emails in self.owners.items():
            if normalise_label(name) == wanted:
                return emails
        return ()


def read_settings(grid: SheetGrid | None) -> tuple[Settings, list[SettingsProblem]]:
    """Settings from the sheet's grid, plus one problem per value that could not be used.

    A bad value falls back to its default, so the rest of the sheet still counts.
    """
    if grid is None:
        return Settings(), []
    draft = SettingsDraft()
    section: str | None = None
    for row in range(grid.origin[0], grid.max_row + 1):
        section = _read_row(draft, section, row, grid.cell(row, 1), grid.cell(row, 2))
    return _settings(draft), draft.problems


def _read_row(draft: SettingsDraft, section: str | None, row: int, label: object, value: object) -> str | None:
    """Read one row (label in A, value in B) into ``draft``; returns the table the next row is in (None: none)."""
    name = normalise_label(label)
    if not name:
        return section
    if name in SECTION_BY_LABEL:
        return SECTION_BY_LABEL[name]
    if section == "columns" and name in FIELD_BY_LABEL:
        read_column_row(draft, row, label, name, value)
        return section
    if name in SETTING_BY_LABEL:
        read_setting_row(draft, SETTING_BY_LABEL[name], row, label, value)
        return None
    if section is None or name == SECTION_HEADER_LABELS[section]:
        return section  # a table's own header row, or a note a person added
    SECTION_ROWS[section](draft, row, label, name, value)
    return section


def _settings(draft: SettingsDraft) -> Settings:
    values = draft.values
    return Settings(
        plan_name=values.get("plan_name"),
        amber_days=values.get("amber_days", 30),
        today=values.get("today"),
        owners=draft.owners,
        support=frozenset(values.get("support", ())),
        site=values.get("site"),
        list_name=values.get("list_name"),
        graph_url=values.get("graph_url"),
        keywords=replace(StatusKeywords(), **draft.keyword_lists),
        column_overrides=draft.columns,
        header_aliases=draft.aliases,
        plan_sheet=values.get("plan_sheet"),
        header_row=values.get("header_row"),
        last_sync=values.get("last_sync"),
    )


def find_setting(grid: SheetGrid | None, key: str) -> tuple[int, int] | None:
    """(row, col) of the value cell of a setting such as ``last_sync``, or None when absent."""
    if grid is None:
        return None
    for row in range(grid.origin[0], grid.max_row + 1):
        if SETTING_BY_LABEL.get(normalise_label(grid.cell(row, 1))) == key:
            return row, 2
    return None


# SETTINGS_SHEET and SettingsProblem are where plansync's commands and the ribbon have always found them.
__all__ = sorted(["SETTINGS_SHEET", "Settings", "SettingsProblem", "find_setting", "read_settings"])

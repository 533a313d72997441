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
``(explanation in brackets)``.

``read_settings`` never stops at the first bad value: it returns the settings (defaults where a
value could not be used) and one ``SettingsProblem`` per bad cell, which ``validate`` reports
as issues at the Settings cell. ``Settings.from_grid`` raises the first problem instead.

    >>> grid = SheetGrid("Settings", [["Amber window (days)", 14]])
    >>> Settings.from_grid(grid).amber_days
    14
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from validation.fields import COMPUTED, FIELDS
from validation.grid import SheetGrid, cell_address, column_index
from validation.sheet_names import SETTINGS_SHEET
from validation.status import StatusKeywords

if TYPE_CHECKING:  # pragma: no cover
    from validation.rag import RagRules

# key -> the label the template writes in column A (first) and other labels people may use.
SETTING_LABELS: dict[str, tuple[str, ...]] = {
    "plan_name": ("Plan name", "plan title"),
    "amber_days": ("Amber window (days)", "amber window", "amber days", "amber"),
    "today": ("Today (override)", "today", "today override"),
    "support": ("Support role sign-ins", "support role", "support", "support role emails", "support sign-ins"),
    "site": ("SharePoint site", "site", "sharepoint site url"),
    "list_name": ("SharePoint list", "list", "list name", "sharepoint list name"),
    "graph_url": ("Graph URL", "graph", "graph address"),
    "last_sync": ("Last sync", "last synced"),
}
SECTION_LABELS: dict[str, tuple[str, ...]] = {
    "owners": ("Owners", "owners table", "owner sign-ins"),
    "keywords": ("Status keywords", "keywords"),
    "columns": ("Column overrides", "columns", "column mapping"),
    "aliases": ("Header names", "header aliases", "column headings"),
}
# The header row the template writes under each section heading (skipped when read).
SECTION_HEADERS: dict[str, tuple[str, str]] = {
    "owners": ("Lead (as written in the plan)", "Sign-in email(s); separate several with ;"),
    "keywords": ("Status", "Words and phrases that mean it, separated by commas"),
    "columns": ("Field", "Column letter (leave empty to let plansync find it)"),
    "aliases": ("Heading as written in your plan", "Field it means (e.g. Target date)"),
}
# Status keyword lists, by StatusKeywords attribute, as labelled in the sheet.
KEYWORD_LABELS: dict[str, str] = {
    "signed_off": "Signed off",
    "complete": "Complete",
    "not_complete": "Not complete yet (holds 'complete' back)",
    "off_track": "Off track",
    "at_risk": "At risk",
    "on_track": "On track",
    "not_started": "Not started",
}
# Extra rows of the column overrides table besides one per field.
PLAN_SHEET_LABEL = "Plan sheet"
HEADER_ROW_LABEL = "Header row"
COMPUTED_START_LABEL = "Computed columns start at"

AMBER_MAX_DAYS = 365
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_LIST_SPLIT = re.compile(r"[,;\n]+")
_EMAIL_SPLIT = re.compile(r"[,;\s]+")
_BRACKETS = re.compile(r"\([^)]*\)")
_SPACES = re.compile(r"\s+")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%d.%m.%Y")


def normalise_label(value: object) -> str:
    """'  Amber window (days): ' -> 'amber window'."""
    if value is None:
        return ""
    text = _BRACKETS.sub(" ", str(value))
    return _SPACES.sub(" ", text).strip().rstrip(":").strip().lower()


def _index(labels: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise_label(label): key for key, options in labels.items() for label in options}


_SETTING_BY_LABEL = _index(SETTING_LABELS)
_SECTION_BY_LABEL = _index(SECTION_LABELS)
_SECTION_HEADER_LABELS = {section: normalise_label(a) for section, (a, _) in SECTION_HEADERS.items()}


def keyword_fields() -> tuple[str, ...]:
    """The StatusKeywords attributes, in the order the Settings sheet lists them."""
    names = [f.name for f in fields(StatusKeywords)]
    return tuple([n for n in KEYWORD_LABELS if n in names] + [n for n in names if n not in KEYWORD_LABELS])


def keyword_label(name: str) -> str:
    """How the Settings sheet labels one StatusKeywords list: 'at_risk' -> 'At risk'."""
    return KEYWORD_LABELS.get(name, name.replace("_", " ").capitalize())


_KEYWORD_BY_LABEL = {normalise_label(keyword_label(name)): name for name in keyword_fields()}
_KEYWORD_BY_LABEL.update({normalise_label(name.replace("_", " ")): name for name in keyword_fields()})
_FIELD_BY_LABEL: dict[str, str] = {}
for _f in FIELDS:
    _FIELD_BY_LABEL[normalise_label(_f.label)] = _f.name
    _FIELD_BY_LABEL.setdefault(normalise_label(_f.name.replace("_", " ")), _f.name)
for _f in COMPUTED:
    _FIELD_BY_LABEL[normalise_label(_f.label)] = _f.name
_FIELD_BY_LABEL[normalise_label(COMPUTED_START_LABEL)] = "due"


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


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _parse_today(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_whole(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value) or ""
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise ValueError(value)


def _emails(value: object) -> tuple[tuple[str, ...], list[str]]:
    """(good emails, bad parts) of a cell listing sign-ins."""
    text = _text(value) or ""
    parts = [p for p in _EMAIL_SPLIT.split(text) if p]
    good = tuple(p.lower() for p in parts if _EMAIL.match(p))
    bad = [p for p in parts if not _EMAIL.match(p)]
    return good, bad


def _column(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = _parse_whole(value)
    else:
        text = str(value).strip()
        number = int(text) if text.isdigit() else column_index(text)
    if not 1 <= number <= 16384:
        raise ValueError(value)
    return number


def read_settings(grid: SheetGrid | None) -> tuple[Settings, list[SettingsProblem]]:
    """Settings from the sheet's grid, plus one problem per value that could not be used.

    A bad value falls back to its default, so the rest of the sheet still counts.
    """
    if grid is None:
        return Settings(), []
    values: dict[str, Any] = {}
    owners: dict[str, tuple[str, ...]] = {}
    keyword_lists: dict[str, tuple[str, ...]] = {}
    columns: dict[str, int] = {}
    aliases: dict[str, str] = {}
    problems: list[SettingsProblem] = []
    section: str | None = None

    def problem(row: int, label: object, value: object, what: str, fix: str) -> None:
        problems.append(SettingsProblem(row=row, col=2, setting=str(label), value=value, problem=what, fix=fix))

    for row in range(grid.origin[0], grid.max_row + 1):
        label, value = grid.cell(row, 1), grid.cell(row, 2)
        name = normalise_label(label)
        if not name:
            continue
        if name in _SECTION_BY_LABEL:
            section = _SECTION_BY_LABEL[name]
            continue
        if section == "columns" and name in _FIELD_BY_LABEL:
            _read_column(row, label, name, value, values, columns, problem)
            continue
        if name in _SETTING_BY_LABEL:
            section = None
            key = _SETTING_BY_LABEL[name]
            _read_setting(key, row, label, value, values, problem)
            continue
        if section is None or name == _SECTION_HEADER_LABELS[section]:
            continue  # a table's own header row, or a note a person added
        if section == "owners":
            if _text(value) is None:
                continue
            good, bad = _emails(value)
            if bad:
                problem(
                    row, label, value,
                    f"Owner sign-in for '{label}' has '{bad[0]}', which is not an email address.",
                    "Write the sign-in email, e.g. jane.smith@council.gov.uk (separate several with ;).",
                )
            owners[str(label).strip()] = good
        elif section == "keywords":
            attr = _KEYWORD_BY_LABEL.get(name)
            if attr is None:
                problem(
                    row, label, value,
                    f"'{label}' is not a status plansync knows.",
                    "Use one of: " + ", ".join(keyword_label(n) for n in keyword_fields()) + ".",
                )
                continue
            text = _text(value)
            if text is not None:
                keyword_lists[attr] = tuple(p.strip().lower() for p in _LIST_SPLIT.split(text) if p.strip())
        elif section == "columns":
            _read_column(row, label, name, value, values, columns, problem)
        elif section == "aliases":
            _read_alias(row, label, value, aliases, problem)

    keywords = replace(StatusKeywords(), **keyword_lists)
    settings = Settings(
        plan_name=values.get("plan_name"),
        amber_days=values.get("amber_days", 30),
        today=values.get("today"),
        owners=owners,
        support=frozenset(values.get("support", ())),
        site=values.get("site"),
        list_name=values.get("list_name"),
        graph_url=values.get("graph_url"),
        keywords=keywords,
        column_overrides=columns,
        header_aliases=aliases,
        plan_sheet=values.get("plan_sheet"),
        header_row=values.get("header_row"),
        last_sync=values.get("last_sync"),
    )
    return settings, problems


def _read_setting(key: str, row: int, label: object, value: object, values: dict, problem) -> None:
    if key == "amber_days":
        if _text(value) is None:
            return
        try:
            days = _parse_whole(value)
        except ValueError:
            days = -1
        if not 0 <= days <= AMBER_MAX_DAYS:
            problem(
                row, label, value,
                f"Amber window '{_text(value)}' is not a number of days plansync can use.",
                f"Write a whole number of days from 0 to {AMBER_MAX_DAYS}, e.g. 30.",
            )
            return
        values[key] = days
    elif key == "today":
        try:
            values[key] = _parse_today(value)
        except ValueError:
            problem(
                row, label, value,
                f"Today (override) '{_text(value)}' is not a date.",
                "Write a date such as 31/07/2022, or leave it empty to use the real date.",
            )
    elif key == "support":
        good, bad = _emails(value)
        if bad:
            problem(
                row, label, value,
                f"Support role sign-ins has '{bad[0]}', which is not an email address.",
                "Write sign-in emails, e.g. jane.smith@council.gov.uk (separate several with ;).",
            )
        values[key] = good
    elif key == "graph_url":
        text = _text(value)
        if text is not None and not re.match(r"^https?://", text):
            problem(
                row, label, value,
                f"Graph URL '{text}' is not a web address.",
                "Write it like https://graph.microsoft.com/v1.0, or leave it empty.",
            )
            return
        values[key] = text.rstrip("/") if text else None
    elif key == "last_sync":
        values[key] = value if not isinstance(value, str) else _text(value)
    else:
        values[key] = _text(value)


def _read_column(row: int, label: object, name: str, value: object, values: dict, columns: dict, problem) -> None:
    if name == normalise_label(PLAN_SHEET_LABEL):
        values["plan_sheet"] = _text(value)
        return
    if name == normalise_label(HEADER_ROW_LABEL):
        if _text(value) is None:
            return
        try:
            values["header_row"] = _parse_whole(value)
            if values["header_row"] < 1:
                raise ValueError(value)
        except ValueError:
            values.pop("header_row", None)
            problem(row, label, value, f"Header row '{_text(value)}' is not a row number.", "Write the number of the row that holds the column headings, e.g. 3.")
        return
    field_name = _FIELD_BY_LABEL.get(name)
    if field_name is None:
        problem(
            row, label, value,
            f"'{label}' is not a field plansync knows.",
            "Use the field names listed in this table (e.g. Ref, Action, Target date); delete rows you added.",
        )
        return
    try:
        col = _column(value)
    except ValueError:
        problem(
            row, label, value,
            f"Column for '{label}' is '{_text(value)}', which is not a column.",
            "Write a column letter such as D (or leave it empty to let plansync find the column).",
        )
        return
    if col is not None:
        columns[field_name] = col


def _read_alias(row: int, label: object, value: object, aliases: dict, problem) -> None:
    """One row of Header names: the team's heading (A) -> the field it means (B)."""
    if _text(value) is None:
        return
    field_name = _FIELD_BY_LABEL.get(normalise_label(value))
    if field_name is None or field_name in {f.name for f in COMPUTED}:
        problem(
            row, label, value,
            f"'{_text(value)}' is not a field plansync knows.",
            "Write one of: " + ", ".join(f.label for f in FIELDS) + ".",
        )
        return
    aliases[" ".join(str(label).split()).strip().rstrip(":").strip().lower()] = field_name


def find_setting(grid: SheetGrid | None, key: str) -> tuple[int, int] | None:
    """(row, col) of the value cell of a setting such as ``last_sync``, or None when absent."""
    if grid is None:
        return None
    for row in range(grid.origin[0], grid.max_row + 1):
        if _SETTING_BY_LABEL.get(normalise_label(grid.cell(row, 1))) == key:
            return row, 2
    return None


__all__ = sorted(
    [
        "AMBER_MAX_DAYS",
        "COMPUTED_START_LABEL",
        "HEADER_ROW_LABEL",
        "KEYWORD_LABELS",
        "PLAN_SHEET_LABEL",
        "SECTION_HEADERS",
        "SECTION_LABELS",
        "SETTINGS_SHEET",
        "SETTING_LABELS",
        "Settings",
        "SettingsProblem",
        "find_setting",
        "keyword_fields",
        "keyword_label",
        "normalise_label",
        "read_settings",
    ]
)

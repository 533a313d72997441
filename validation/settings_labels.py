"""The Settings sheet's labels: its settings, its tables' headings and header rows, status and field rows.

Rows are found by their label, not their position. Labels are compared after ``normalise_label``
(ignoring case, spacing, a trailing ':' and any ``(explanation in brackets)``), through the
lookups at the end of this module.
"""

from __future__ import annotations

import re
from dataclasses import fields

from validation.fields import COMPUTED, FIELDS
from validation.sheet_names import SETTINGS_SHEET
from validation.status import StatusKeywords

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

_BRACKETS = re.compile(r"\([^)]*\)")
_SPACES = re.compile(r"\s+")


def normalise_label(value: object) -> str:
    """'  Amber window (days): ' -> 'amber window'."""
    if value is None:
        return ""
    text = _BRACKETS.sub(" ", str(value))
    return _SPACES.sub(" ", text).strip().rstrip(":").strip().lower()


def _index(labels: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise_label(label): key for key, options in labels.items() for label in options}


SETTING_BY_LABEL = _index(SETTING_LABELS)
SECTION_BY_LABEL = _index(SECTION_LABELS)
SECTION_HEADER_LABELS = {section: normalise_label(a) for section, (a, _) in SECTION_HEADERS.items()}


def keyword_fields() -> tuple[str, ...]:
    """The StatusKeywords attributes, in the order the Settings sheet lists them."""
    names = [f.name for f in fields(StatusKeywords)]
    return tuple([n for n in KEYWORD_LABELS if n in names] + [n for n in names if n not in KEYWORD_LABELS])


def keyword_label(name: str) -> str:
    """How the Settings sheet labels one StatusKeywords list: 'at_risk' -> 'At risk'."""
    return KEYWORD_LABELS.get(name, name.replace("_", " ").capitalize())


KEYWORD_BY_LABEL = {normalise_label(keyword_label(name)): name for name in keyword_fields()}
KEYWORD_BY_LABEL.update({normalise_label(name.replace("_", " ")): name for name in keyword_fields()})
FIELD_BY_LABEL: dict[str, str] = {}
for _f in FIELDS:
    FIELD_BY_LABEL[normalise_label(_f.label)] = _f.name
    FIELD_BY_LABEL.setdefault(normalise_label(_f.name.replace("_", " ")), _f.name)
for _f in COMPUTED:
    FIELD_BY_LABEL[normalise_label(_f.label)] = _f.name
FIELD_BY_LABEL[normalise_label(COMPUTED_START_LABEL)] = "due"


__all__ = sorted(
    [
        "COMPUTED_START_LABEL",
        "FIELD_BY_LABEL",
        "HEADER_ROW_LABEL",
        "KEYWORD_BY_LABEL",
        "KEYWORD_LABELS",
        "PLAN_SHEET_LABEL",
        "SECTION_BY_LABEL",
        "SECTION_HEADERS",
        "SECTION_HEADER_LABELS",
        "SECTION_LABELS",
        "SETTINGS_SHEET",
        "SETTING_BY_LABEL",
        "SETTING_LABELS",
        "keyword_fields",
        "keyword_label",
        "normalise_label",
    ]
)

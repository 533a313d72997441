"""``validate``: check every action row and list each problem at its cell, on the Issues sheet.

    >>> book = OpenpyxlWorkbook.open("plan.xlsx", write=True)   # doctest: +SKIP
    >>> result = validate_workbook(book)                         # doctest: +SKIP
    >>> result.ok, len(result.errors)                            # doctest: +SKIP
    (False, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import pandas as pd

from plansync.plan_colours import status_warnings
from plansync.plan import load_plan
from plansync.reporting_guard import refuse_reporting_workbook
from plansync.row_keys import key_plan
from plansync.workbook.base import Progress, Workbook
from validation.facts import PlanFacts
from validation.settings import SettingsProblem
from validation.sheet_names import ISSUES_SHEET, SETTINGS_SHEET
from workbook_templates.written_words import ISSUES_HEADER

ISSUE_COLUMNS = ["sheet", "cell", "row", "column", "field", "value", "check", "message", "fix", "severity"]


@dataclass
class ValidateResult:
    """What ``validate_workbook`` found.

    Attributes:
        rows: how many action rows were checked.
        issues: the issues frame (``sheet, cell, row, column, field, value, check, message, fix,
            severity``, plus ``heading``: the column's heading in the workbook), errors first,
            Settings problems included.
    """

    rows: int
    issues: pd.DataFrame

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] != "error"]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return self.errors.empty

    def to_json(self) -> dict[str, Any]:
        """``{"rows": N, "errors": [...], "warnings": [...]}`` with the documented keys per problem."""
        keys = ["sheet", "cell", "row", "column", "value", "check", "message"]

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: _json_value(row[k]) for k in keys} for row in frame.to_dict("records")]

        return {"rows": self.rows, "errors": records(self.errors), "warnings": records(self.warnings)}


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _settings_issues(problems: list[SettingsProblem]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "sheet": SETTINGS_SHEET,
                "cell": p.cell,
                "row": p.row,
                "column": p.setting,
                "field": "settings",
                "value": None if p.value is None else str(p.value),
                "check": "settings",
                "message": f"{p.problem} {p.fix}",
                "fix": p.fix,
                "severity": "error",
            }
            for p in problems
        ],
        columns=ISSUE_COLUMNS,
    )


def issues_sheet_rows(issues: pd.DataFrame) -> list[list[Any]]:
    """The Issues sheet: a header, then one row per problem (sheet, cell, column, value, problem, what to do)."""
    rows: list[list[Any]] = [list(ISSUES_HEADER)]
    for issue in issues.to_dict("records"):
        value = _json_value(issue["value"])
        rows.append(
            [issue["sheet"], issue["cell"], issue.get("heading") or issue["column"], value, issue["message"], issue["fix"], issue["severity"]]
        )
    return rows


def validate_workbook(book: Workbook, *, progress: Progress | None = None) -> ValidateResult:
    """Validate the plan, rewrite the Issues sheet, and save the workbook.

    Raises:
        LayoutNotFound: no plan table could be found.
        WorkbookLocked: the workbook cannot be saved (nothing is changed).
    """
    plan = load_plan(book, progress=progress)
    refuse_reporting_workbook(plan, "validate")  # a pull's reporting workbook: refused, left unchanged
    if progress is not None:
        progress("Checking actions", 0.7)
    # Read once, for the checks and for the statuses BRAG infers (each parses every date).
    facts = PlanFacts(plan.actions)
    # The same check sync runs: every row reported here as an error is a row sync would skip.
    found = key_plan(plan, facts=facts).issues
    warned = status_warnings(plan, facts=facts)
    parts = [frame for frame in (_settings_issues(plan.settings_problems), found.reindex(columns=ISSUE_COLUMNS), warned) if not frame.empty]
    issues = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ISSUE_COLUMNS)
    issues["heading"] = _headings(issues, plan)
    order = issues["severity"].ne("error").to_numpy()
    issues = issues.iloc[order.argsort(kind="stable")].reset_index(drop=True)

    book.replace_sheet(ISSUES_SHEET, issues_sheet_rows(issues))
    if not issues.empty:
        # As the Excel button does: open the Issues sheet at the first problem.
        book.select(ISSUES_SHEET, 2, 2)
    book.status(summary_line(len(plan.actions), issues))
    if progress is not None:
        progress("Saving", 0.9)
    book.save()
    return ValidateResult(rows=len(plan.actions), issues=issues)


def _headings(issues: pd.DataFrame, plan) -> list[str]:
    """The column's heading as the workbook shows it ('Target End Date'), else the field's label."""
    from validation.fields import FIELD_BY_NAME

    header = max(plan.layout.header_rows)
    by_field = {}
    for name, col in plan.layout.columns.items():
        text = plan.grid.cell(header, col)
        by_field[name] = " ".join(str(text).split()) if text is not None else FIELD_BY_NAME[name].label
    out = []
    for issue in issues.to_dict("records"):
        if issue["sheet"] == SETTINGS_SHEET:
            out.append(str(issue["column"]))
        else:
            name = issue["field"]
            out.append(by_field.get(name) or (FIELD_BY_NAME[name].label if name in FIELD_BY_NAME else str(issue["column"])))
    return out


def summary_line(rows: int, issues: pd.DataFrame) -> str:
    """One line for the status bar and the terminal: how many errors and warnings."""
    errors = int(issues["severity"].eq("error").sum())
    warnings = len(issues) - errors
    if not len(issues):
        return f"No problems found in {rows} actions."
    return (
        f"{errors} {'error' if errors == 1 else 'errors'}, {warnings} {'warning' if warnings == 1 else 'warnings'} "
        f"in {rows} actions; the list is on the Issues sheet."
    )


__all__ = sorted(["ValidateResult", "issues_sheet_rows", "summary_line", "validate_workbook"])

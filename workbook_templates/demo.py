"""The demo plan for ``plansync new --demo``: two published council plans, made current.

``demo_plan.json`` holds the actions of the Rotherham ILACS 2022 and York Ofsted 2022 plans
(the samples in tests/fixtures), with statuses, example sign-ins and a few rows changed so that
every BRAG colour appears. The samples are from 2022, so every month-and-year in the demo
(dates and "July 2022"-style text alike) is moved forward by whole months: the plan's
``as_at`` date becomes the first day of the current month. Text forms such as "Ongoing" or
"Quarterly reporting" stay as they are.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from validation.settings import Settings

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_TEXT = re.compile(rf"\b(?:(\d{{1,2}})(st|nd|rd|th)? )?({_MONTHS}) (\d{{4}})\b")
_MONTH_NUMBER = {name: n for n, name in enumerate(calendar.month_name) if name}


@dataclass(frozen=True)
class DemoPlan:
    """Rows of canonical field values (dates as ``date``) and the Settings to go with them."""

    rows: list[dict[str, Any]]
    settings: Settings


def _shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift_text(text: str, months: int) -> str:
    """'July 2022' -> 'September 2022' for months=2; '14 November 2022' keeps its day where it can."""

    def move(match: re.Match) -> str:
        day, suffix, month, year = match.groups()
        moved = _shift(date(int(year), _MONTH_NUMBER[month], 1), months)
        name = f"{calendar.month_name[moved.month]} {moved.year}"
        if day is None:
            return name
        kept = min(int(day), calendar.monthrange(moved.year, moved.month)[1])
        return f"{kept}{suffix or ''} {name}"

    return _MONTH_TEXT.sub(move, text)


def _value(value: Any, months: int) -> Any:
    if isinstance(value, dict) and "date" in value:
        return _shift(date.fromisoformat(value["date"]), months)
    if isinstance(value, str):
        return shift_text(value, months)
    return value


def load_demo(today: date) -> DemoPlan:
    """The demo plan with its dates moved so that it is current on ``today``."""
    data = json.loads(resources.files("workbook_templates").joinpath("demo_plan.json").read_text(encoding="utf-8"))
    as_at = date.fromisoformat(data["as_at"])
    months = (today.year * 12 + today.month) - (as_at.year * 12 + as_at.month)
    rows = [{key: _value(value, months) for key, value in row.items()} for row in data["rows"]]
    settings = Settings(
        plan_name=data["settings"].get("plan_name"),
        amber_days=int(data["settings"].get("amber_days", 30)),
        owners={lead: tuple(emails) for lead, emails in data["owners"].items()},
        support=frozenset(data["settings"].get("support", ())),
    )
    return DemoPlan(rows=rows, settings=settings)


__all__ = sorted(["DemoPlan", "load_demo", "shift_text"])

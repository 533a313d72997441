"""What validation says to people: one sentence per check, written for the person keeping the plan.

Each check has a stable name (the ``check`` column of the issues frame), a ``message`` that says what
is wrong with the cell and what to do, and a shorter ``fix``. The issues frame carries the sheet,
cell and row next to each message, so the Issues sheet and the terminal show *where* beside it.

Placeholders: ``{label}`` the field's header (``Target date``), ``{lower}`` the same in lower case,
``{value}`` the cell's value as shown (long text cut short), ``{length}`` its length,
``{other}`` a related value (the target date a revised target is compared with, the recommendation
a duplicate ref sits under, the plan of a duplicate key), ``{rows}`` the rows that share a ref, ``{statuses}`` the allowed statuses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    """The message and fix for one check, and how serious it is."""

    message: str
    fix: str
    severity: str = "error"


WORDING: dict[str, Wording] = {
    "required": Wording(
        "{label} is blank; every action needs this filled in.",
        "Fill in the {lower} for this action.",
    ),
    "date_unreadable": Wording(
        "{label} '{value}' is not a date plansync can read; write e.g. 'July 2022' or 31/07/2022.",
        "Write a day (31/07/2022) or a month (July 2022); 'Ongoing' and 'To be confirmed' are fine too.",
    ),
    "formula": Wording(
        "{label} holds the formula '{value}'; plansync needs the value itself here, not a formula.",
        "Replace the formula with its value: copy the cell, then Paste Special > Values.",
    ),
    "status_unknown": Wording(
        "Status '{value}' is not one of the statuses plansync knows; choose one of: {statuses}.",
        "Pick a status from the drop-down list.",
    ),
    "revised_before_target": Wording(
        "Revised target '{value}' is earlier than the target date '{other}'; "
        "a revised target is the later date agreed when the plan slipped.",
        "Correct the revised target, or clear it if the original target still stands.",
    ),
    "owner_not_email": Wording(
        "Owner sign-in '{value}' is not an email address; write the person's sign-in, "
        "e.g. jane.smith@council.gov.uk (separate several with ;).",
        "Type the sign-in email address of each person who may edit this action, separated by ;.",
    ),
    "text_too_long": Wording(
        "{label} is {length} characters long; SharePoint keeps at most 255 characters in this column.",
        "Shorten the {lower} to 255 characters or fewer (move detail to the progress column).",
    ),
    "duplicate_ref": Wording(
        "Ref '{value}' is used by more than one action under recommendation '{other}' (rows {rows}); "
        "each action needs its own ref.",
        "Give each of these actions its own ref, e.g. 1.4 and 1.5.",
    ),
    "duplicate_key": Wording(
        "Ref '{value}' is used by more than one action of plan '{other}' (rows {rows}); sync tells actions "
        "apart by plan and ref, so none of these rows is synced until each has its own ref.",
        "Give each of these actions its own ref, e.g. {value}a.",
    ),
    "missing_ref": Wording(
        "This action has no ref; plansync will give it a key of its own, but a ref makes it easier to find.",
        "Type a ref for this action, e.g. 1.5.",
        severity="warning",
    ),
}

# Long cell text is cut to this many characters inside a message (the value column keeps it all).
SHOWN_MAX = 60


def shown(value: str) -> str:
    """A cell's text as quoted in a message: one line, cut short with an ellipsis."""
    text = " ".join(value.split())
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


__all__ = sorted(["SHOWN_MAX", "WORDING", "Wording", "shown"])

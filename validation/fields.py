"""The canonical fields of one action row (DESIGN §2), shared by every layer.

A team's workbook may call these anything; adoption maps its headers onto these names.
The template writes ``label`` as the header. ``kind`` decides how a value is read and checked,
and how the SharePoint column is typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Status values a person may choose (template drop-down, SharePoint choice column).
STATUSES: tuple[str, ...] = (
    "Not started",
    "On track",
    "At risk",
    "Off track",
    "Complete",
    "Signed off",
)
COMPLETE_STATUSES: frozenset[str] = frozenset({"Complete", "Signed off"})

RAG_VALUES: tuple[str, ...] = ("Blue", "Green", "Amber", "Red")

# A SharePoint single line of text holds at most this many characters.
SINGLE_LINE_MAX = 255


@dataclass(frozen=True)
class Field:
    """One canonical field.

    Attributes:
        name: the name used in DataFrames, JSON and the hidden sheet.
        label: the header the template writes.
        kind: ``text`` (single line, <=255), ``longtext`` (multi-line), ``date``, ``status``,
            ``email`` (one or more sign-ins), or ``computed`` (written by plansync only).
        required: a row without it is a validation error.
        aliases: other headers teams use for it (lower-case, compared after normalising).
    """

    name: str
    label: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = field(default=())


FIELDS: tuple[Field, ...] = (
    Field("plan", "Plan", "text", aliases=("plan", "plan name")),
    Field(
        "recommendation",
        "Recommendation",
        "longtext",
        aliases=(
            "recommendation", "recommendations", "findings", "finding",
            "area for improvement", "areas for improvement", "what needs to improve",
            "priority", "recommendation no.", "area of improvement", "ofsted recommendation", "inspection finding",
            "recommendation made", "cause for concern", "must do", "should do", "audit finding",
        ),
    ),
    Field("ref", "Ref", "text", aliases=("ref", "ref.", "no", "no.", "number", "action no", "action no.", "reference", "action ref", "ref no", "ref no.", "ref number")),
    Field(
        "action",
        "Action",
        "longtext",
        required=True,
        aliases=("action", "actions", "action(s)", "what we will do", "action required", "actions required", "what will we do", "actions to be taken", "action to be taken", "key actions", "planned actions"),
    ),
    Field(
        "lead",
        "Lead",
        "text",
        required=True,
        aliases=("lead", "lead officer", "owner", "responsible officer", "lead officer(s)", "who", "responsible", "lead(s)", "by whom", "lead person", "lead manager", "accountable officer",
                 "recommendation made to", "directed at", "action owner", "lead director", "executive lead", "responsible manager", "lead officer/em"),
    ),
    Field("owner", "Owner sign-in", "email", aliases=("owner sign-in", "owner email", "sign-in", "owner upn")),
    Field(
        "target",
        "Target date",
        "date",
        required=True,
        aliases=("target", "target date", "target end date", "by when", "deadline", "timescale", "timescales", "due date", "completion date", "target completion date", "date", "timeframe", "timeframes", "when",
                 "original deadline", "due", "target end date", "deadline date", "implementation date", "agreed implementation date", "target date for completion"),
    ),
    Field("revised_target", "Revised target", "date", aliases=("revised target", "revised target date", "revised date", "revised deadline", "revised timescale", "revised completion date", "revised implementation date")),
    Field("status", "Status", "status", aliases=("status", "rag status", "brag status", "progress status", "outcome", "current status", "rag rating", "brag rating", "rag", "brag", "b/rag")),
    Field(
        "progress",
        "Progress",
        "longtext",
        aliases=("progress", "progress update", "update", "latest update", "progress to date", "comments", "commentary", "progress / update", "update on progress", "evidence of progress",
                 "position statement", "action taken", "action taken or planned to date", "progress made", "management update", "current position"),
    ),
    Field("updated", "Updated", "date", aliases=("updated", "last updated", "date updated")),
    Field("completed", "Completed", "date", aliases=("completed", "date completed", "completion", "completed date")),
    # Sign-off at the evidence panel (issue 16): set with status Signed off, by the support role only.
    Field("signed_off_on", "Signed off on", "date", aliases=("signed off on", "date signed off", "sign-off date", "sign off date", "signed off date")),
    Field("signed_off_by", "Signed off by", "text", aliases=("signed off by", "sign-off by", "sign off by", "approved by")),
)

# Derived by plansync, written back as values, never typed by users.
COMPUTED: tuple[Field, ...] = (
    Field("due", "Due", "computed"),
    Field("rag", "RAG", "computed"),
    Field("overdue", "Overdue", "computed"),
    Field("days_overdue", "Days overdue", "computed"),
)

# Recorded when the panel's sign-off is (status Signed off); never in a new tracker's columns.
SIGN_OFF_FIELDS: tuple[str, ...] = ("signed_off_on", "signed_off_by")

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS + COMPUTED}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
COMPUTED_NAMES: tuple[str, ...] = tuple(f.name for f in COMPUTED)

# Columns every actions frame carries besides the fields: where the row lives in the workbook.
SHEET_COL = "_sheet"
ROW_COL = "_row"

__all__ = sorted(
    [
        "COMPLETE_STATUSES",
        "COMPUTED",
        "COMPUTED_NAMES",
        "FIELDS",
        "FIELD_BY_NAME",
        "FIELD_NAMES",
        "Field",
        "RAG_VALUES",
        "ROW_COL",
        "SHEET_COL",
        "SIGN_OFF_FIELDS",
        "SINGLE_LINE_MAX",
        "STATUSES",
    ]
)

"""Whether a progress text states that the action *itself* is complete (DESIGN §5, issue 13).

A wrong "complete" is the worst error a board can be given, so a completion word counts only where
it speaks of the action: at the opening of the update (``Complete - ...``, ``Completed.``,
``Action complete``, ``Closed``, ``Sign off approved at ...``), as a sentence of its own
(``Training delivered. Complete.``), or said of the action (``This action is now complete``).
A completion word about a part of the work or some people (``staff have completed the first
module``, ``the review has been completed and its recommendations are being implemented``) says
nothing about the action: it is left to the other statuses, or unknown.

Texts arrive lower-case with dashes made ``-`` (``validation.status`` normalises them once).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Labels a team may put before its status: "Status: complete", "Update - Completed".
_LABEL = r"(?:(?:status|update|progress|position|rag|brag|current\s+status|latest\s+update)\s*[:\-]\s*)?"
# A date the team put first: "October 2018 Complete October 2018", "12/03/2023 - Completed".
_DATE_FIRST = (
    r"(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}"
    r"|\d{1,2}/\d{1,2}/\d{2,4})?[\s:\-]*"
)
# Who the completion may be said of: the action (or recommendation) itself, never a part of it.
_SUBJECT = (
    r"(?:(?:this|the|each|all|that|these)\s+)?(?:actions?|recommendations?|tasks?)\s+"
    r"|(?:this|it)\s+"
)
_VERB = r"(?:is|are|has\s+been|have\s+been|was|were|now)\s+(?:now\s+)?(?:all\s+)?(?:fully\s+|formally\s+)?"
# What may follow a completion word at the opening: the end, punctuation, or a date / approver.
_AFTER_OPENING = (
    r"(?=\s*$|\s*[.,;:!\-()/]|\s+(?:on|in|at|by|and|as|with|wef|w\.e\.f|from|since|during|sign|signed|"
    r"closed|approved|evidence|date|[0-9]|see|following|per|prior|ahead|before|within|early|q[1-4]|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b)"
)


@lru_cache(maxsize=64)
def statement_re(parts: tuple[str, ...]) -> re.Pattern:
    """A pattern finding any of ``parts`` (normalised phrases) in a place that states completion."""
    if not parts:
        return re.compile(r"(?!x)x")
    body = "|".join(re.escape(p).replace(r"\ ", r"[\s\-]+") for p in sorted(parts, key=len, reverse=True))
    phrase = rf"(?:{body})"
    # "Action Complete Sign off approved at ...": a sign-off may follow the word complete.
    # A ref marker may open the text ("a) Complete - role agreed", "1.2 Completed").
    opening = rf"^[\s\W]*(?:(?:\(?[a-z0-9]{{1,2}}[.)]|[0-9]{{1,2}}\.[0-9]{{1,2}}\.?)\s+)?{_DATE_FIRST}{_LABEL}(?:action\s+)?(?:completed?[\s.\-]+)?{phrase}{_AFTER_OPENING}"
    said_of = rf"(?<![\w-])(?:{_SUBJECT}){_VERB}{phrase}(?![\w])"
    alone = rf"(?:[.;!\n]|\s-)\s*(?:action\s+)?(?:now\s+)?{phrase}\s*(?:[.!;]|$)"
    return re.compile(rf"{opening}|{said_of}|{alone}", re.M)


# "Once actions are completed ...", "when this action is complete": a condition, not a statement.
_CONDITION_BEFORE = re.compile(r"\b(?:once|when|until|unless|after|before|if|whether)\b(?:\s+\w+){0,2}\s*$")


def states_complete(text: str, parts: tuple[str, ...]) -> bool:
    """Whether ``text`` (lower-case, dashes normalised) states that the action itself is complete.

    >>> states_complete("complete - practice standards shared", ("complete",))
    True
    >>> states_complete("staff have completed the first module; sessions continue", ("completed",))
    False
    """
    for match in statement_re(tuple(parts)).finditer(text):
        if not _CONDITION_BEFORE.search(text[max(0, match.start() - 40): match.start()]):
            return True
    return False


__all__ = ["statement_re", "states_complete"]

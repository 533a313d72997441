"""Status shown by a cell's fill colour (DESIGN §4, issue 13), pure: colours in, statuses out.

Teams often colour the status (or progress) cell instead of, or as well as, writing a status.
plansync reads the colour the team gave the cell (``plansync.workbook.fills``; conditional-format
colours are never inputs) and turns it into a status:

1. with the workbook's own colour key when it has one: cells whose words say a status
   (``Complete``, ``Green = complete``, ``Amber 'On Track'``, ``Blue``) and that are filled with a
   colour; the nearest key colour (within a tolerance) gives its status;
2. otherwise with the usual BRAG shades: the nearest of the Blue, Green, Amber and Red shades
   Excel offers, within a tolerance; Blue is Complete, Green On track, Amber At risk, Red Off track.

Words beat colours: where a cell's text states a status and its colour another, the text wins and
the cell is reported (``ColourNote``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from validation.fields import STATUSES
from validation.status import STATUS_CODE, StatusKeywords, complete_per_text, status_per_text

# Shades teams pick for BRAG: Excel's standard and theme colours, their light tints, and the
# "Good / Neutral / Bad" cell styles.
BRAG_SHADES: dict[str, tuple[str, ...]] = {
    "Complete": ("0070C0", "00B0F0", "0000FF", "4472C4", "5B9BD5", "8DB4E2", "9BC2E6", "BDD7EE", "00CCFF", "99CCFF", "3366FF"),
    "On track": ("00B050", "92D050", "00FF00", "70AD47", "A9D08E", "C6EFCE", "C6E0B4", "008000", "339966", "99CC00", "CCFFCC"),
    "At risk": ("FFC000", "FFFF00", "FFEB9C", "FFD966", "FFE699", "F4B084", "ED7D31", "FF9900", "FFCC00", "F8CBAD", "FFFF99"),
    "Off track": ("FF0000", "C00000", "FFC7CE", "FF5050", "E06666", "FF6666", "FF7C80", "FF3300", "CC0000", "FF6600"),
}
# Greatest RGB distance at which a colour still counts as a shade (a key's colours or BRAG's).
TOLERANCE = 60.0
# A key cell names its colour and/or its meaning: "Blue", "Green = complete", "Red 'Off Track'".
_COLOUR_WORDS = {"blue": "Complete", "green": "On track", "amber": "At risk", "yellow": "At risk", "red": "Off track"}
_KEY_TEXT = re.compile(r"^\s*(?:brag|rag|key|status)?\s*[:\-]?\s*(blue|green|amber|yellow|red)?\b", re.I)


@dataclass(frozen=True)
class ColourNote:
    """A cell whose words and colour say different statuses (the words win)."""

    row: int
    col: int
    text_status: str
    colour_status: str


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)


def nearest(colour: str, palette: dict[str, tuple[str, ...]], tolerance: float = TOLERANCE) -> str | None:
    """The status of the palette colour nearest ``colour``, or None when none is within ``tolerance``.

    >>> nearest("00B150", BRAG_SHADES)
    'On track'
    """
    best, best_distance = None, tolerance
    point = _rgb(colour)
    if palette is BRAG_SHADES and point.max() - point.min() < 30:
        return None  # white, grey or black: a table's own shading, never a BRAG colour
    for status, shades in palette.items():
        for shade in shades:
            distance = float(np.linalg.norm(point - _rgb(shade)))
            if distance <= best_distance:
                best, best_distance = status, distance
    return best


def key_from_cells(cells: list[tuple[object, str]], keywords: StatusKeywords = StatusKeywords()) -> dict[str, tuple[str, ...]]:
    """A workbook's own colour key from (text, fill colour) cells: status -> its colours.

    A cell counts when its words state a status (``Complete & CSPI``, ``'On Track'``) or name a
    BRAG colour (``Blue``); words win over the colour name (``Green = complete`` is Complete).
    Two or more such cells make a key; fewer is no key.
    """
    texts = np.array([t if isinstance(t, str) else "" for t, _ in cells], dtype=object)
    # A key is a legend, not an update: "Green 'Complete'" means complete wherever the word sits.
    done = complete_per_text(texts, keywords) if len(texts) else []
    stated = status_per_text(texts, keywords) if len(texts) else []
    key: dict[str, list[str]] = {}
    for (text, colour), code, is_done in zip(cells, stated, done):
        status = "Complete" if is_done else (STATUSES[code] if code >= 0 else None)
        if status is None and isinstance(text, str):
            match = _KEY_TEXT.match(text)
            word = match.group(1).lower() if match and match.group(1) else None
            status = _COLOUR_WORDS.get(word) if word and len(text.split()) <= 4 else None
        if status is not None:
            key.setdefault(status, []).append(colour)
    return {s: tuple(c) for s, c in key.items()} if sum(len(c) for c in key.values()) >= 2 else {}


def status_from_colours(
    fills: dict[tuple[int, int], str],
    cells: list[tuple[int, int, object]],
    key: dict[str, tuple[str, ...]],
    keywords: StatusKeywords = StatusKeywords(),
) -> tuple[dict[int, str], list[ColourNote]]:
    """For each (row, col, text) status cell: the status its colour says, and the cells whose words disagree.

    Returns ``({row: status}, notes)``; rows whose cell has no fill or no colour within tolerance
    are left out. Where the cell's words state a status, the words win (not in the result) and a
    disagreeing colour gives a note.
    """
    palette = key or BRAG_SHADES
    texts = np.array([t if isinstance(t, str) else "" for _, _, t in cells], dtype=object)
    stated = status_per_text(texts, keywords) if len(texts) else np.zeros(0, dtype="int8")
    exact = {s.lower(): s for s in STATUSES}
    out: dict[int, str] = {}
    notes: list[ColourNote] = []
    for (row, col, text), code in zip(cells, stated):
        colour = fills.get((row, col))
        if colour is None:
            continue
        status = nearest(colour, palette)
        if status is None:
            continue
        said = exact.get(" ".join(text.split()).lower()) if isinstance(text, str) else None
        said = said or (STATUSES[code] if code >= 0 else None)
        if said is None:
            out[row] = status
        elif _family(said) != _family(status):
            notes.append(ColourNote(row, col, said, status))
    return out, notes


def _family(status: str) -> str:
    """Complete and Signed off are both Blue: a blue cell saying 'Signed off' agrees."""
    return "done" if STATUS_CODE[status] >= STATUS_CODE["Complete"] else status


__all__ = ["BRAG_SHADES", "ColourNote", "TOLERANCE", "key_from_cells", "nearest", "status_from_colours"]

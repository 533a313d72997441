"""A sheet's cells as plain Python values: what an adapter reads in one bulk call.

Adapters (openpyxl, calamine, xlwings) produce a ``SheetGrid``; the pure core reads it.
Rows and columns are 1-based as in Excel; ``values[0][0]`` is the cell at ``origin``.
Formulas arrive as their text (``"=A1+1"``) so validation can flag them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Union



class Text(str):
    """Text a cell holds as text although it begins with '=': not a formula (issue 19).

    Formulas cross the seam as their ``"=..."`` text, so an adapter hands over a text cell that
    begins with '=' (written as text by plansync from a list value, or typed after Excel's
    apostrophe) as ``Text``; it compares and prints as the plain string.
    """

    __slots__ = ()


CellValue = Union[str, int, float, bool, date, datetime, None]
Grid = list[list[CellValue]]


@dataclass
class SheetGrid:
    """The used range of one sheet.

    Attributes:
        name: the sheet's name.
        values: rows of cell values, starting at ``origin``; rows may be ragged.
        merged: merged ranges as (min_row, min_col, max_row, max_col), 1-based.
        hidden: whether the sheet is hidden.
        origin: (row, col) of ``values[0][0]``; (1, 1) unless the used range starts later.
    """

    name: str
    values: Grid
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False
    origin: tuple[int, int] = (1, 1)

    def cell(self, row: int, col: int) -> CellValue:
        """The value at 1-based (row, col), or None outside the grid."""
        r = row - self.origin[0]
        c = col - self.origin[1]
        if r < 0 or c < 0 or r >= len(self.values):
            return None
        line = self.values[r]
        return line[c] if c < len(line) else None

    @property
    def max_row(self) -> int:
        return self.origin[0] + len(self.values) - 1

    @property
    def max_col(self) -> int:
        width = max(map(len, self.values), default=0)
        return self.origin[1] + width - 1


def column_letter(col: int) -> str:
    """1 -> 'A', 27 -> 'AA' (Excel's bijective base 26)."""
    if col < 1:
        raise ValueError(f"column numbers start at 1 (got {col})")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    text = letters.strip().upper()
    if not text.isalpha():
        raise ValueError(f"'{letters}' is not a column letter such as D or AB")
    n = 0
    for ch in text:
        n = n * 26 + (ord(ch) - 64)
    return n


def cell_address(sheet: str, row: int, col: int) -> str:
    """'Actions', 7, 4 -> 'Actions!D7'; quotes sheet names with spaces as Excel does."""
    name = f"'{sheet}'" if (" " in sheet or "-" in sheet) else sheet
    return f"{name}!{column_letter(col)}{row}"


__all__ = sorted(["CellValue", "Grid", "SheetGrid", "Text", "cell_address", "column_index", "column_letter"])

"""What a command asks the workbook seam to draw, as plain values: a cell's look and a BRAG chart.

The commands describe formatting with these; each workbook adapter draws them with its own
toolkit (openpyxl for files, xlwings in Excel), so no command touches either.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CellStyle:
    """How one cell looks beyond its value.

    Attributes:
        bold, italic: the font's weight and slant.
        size: the font size in points (None: the workbook's default).
        colour: the text colour as hex RRGGBB (None: the default).
        fill: a solid background colour as hex RRGGBB (None: the cell's fill is left as it is).
    """

    bold: bool = False
    italic: bool = False
    size: float | None = None
    colour: str | None = None
    fill: str | None = None


@dataclass(frozen=True)
class BragChart:
    """A stacked column chart of Blue/Green/Amber/Red counts over a block of cells.

    The block is a header row naming the BRAG values over one row per category (an empty block
    still gets one category row). The chart reads the cells, so later runs write values only.

    Attributes:
        title: the chart's title, which also tells plansync's chart from a person's own.
        x_title: the category axis' title ("Recommendation", "Plan").
        header_row: the block's header row (1-based).
        rows: how many category rows stand below it.
        first_rag_col: the column of the Blue counts; Green, Amber and Red follow.
        category_col: the column of the category names.
        anchor: (row, col) of the cell at the chart's top-left corner.
    """

    title: str
    x_title: str
    header_row: int
    rows: int
    first_rag_col: int
    category_col: int
    anchor: tuple[int, int]

    @property
    def last_row(self) -> int:
        return self.header_row + max(self.rows, 1)


__all__ = ["BragChart", "CellStyle"]

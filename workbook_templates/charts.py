"""The stacked BRAG column chart on a Summary sheet: a tracker's (per recommendation, ``report``)
and the reporting workbook's (per plan, ``pull``).

The chart reads a block of cells (a header row of BRAG values over one row per category), so
later runs write values only; a caller rebuilds it only when the block's height changes.

    >>> add_brag_chart(ws, title="Actions by BRAG", x_title="Plan", header_row=4, rows=3,
    ...                first_rag_col=4, category_col=1, anchor="K4")          # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from validation.fields import RAG_VALUES
from workbook_templates.formatting import RAG_COLOURS


def chart_title(chart: Any) -> str | None:
    """The text of a chart's title (charts read back from a file keep it as rich text)."""
    title = getattr(chart, "title", None)
    if title is None or isinstance(title, str):
        return title
    try:
        return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))
    except AttributeError:
        return None


def has_chart(ws: Worksheet, title: str) -> bool:
    """Whether the sheet holds a chart with this title (ours: the person's own charts have others)."""
    return any(chart_title(c) == title for c in ws._charts)


def add_brag_chart(
    ws: Worksheet, *, title: str, x_title: str, header_row: int, rows: int, first_rag_col: int, category_col: int, anchor: str
) -> None:
    """Replace the chart titled ``title`` with one over ``rows`` category rows below ``header_row``.

    The BRAG counts stand in ``len(RAG_VALUES)`` columns from ``first_rag_col`` (their header cells
    name the series), the category names in ``category_col``; each series has its BRAG colour.
    """
    for chart in [c for c in ws._charts if chart_title(c) == title]:
        ws._charts.remove(chart)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = title
    chart.y_axis.title = "Actions"
    chart.x_axis.title = x_title
    last = header_row + max(rows, 1)  # an empty block still gets one category row
    data = Reference(ws, min_col=first_rag_col, max_col=first_rag_col + len(RAG_VALUES) - 1, min_row=header_row, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=category_col, min_row=header_row + 1, max_row=last))
    for series, value in zip(chart.series, RAG_VALUES):
        series.graphicalProperties = GraphicalProperties(solidFill=RAG_COLOURS[value][0])
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, anchor)


__all__ = ["add_brag_chart", "chart_title", "has_chart"]

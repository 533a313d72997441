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


def _data(ws: Worksheet, *, header_row: int, rows: int, first_rag_col: int) -> Reference:
    """The chart's counts with their header row (an empty block still gets one category row)."""
    last = header_row + max(rows, 1)
    return Reference(ws, min_col=first_rag_col, max_col=first_rag_col + len(RAG_VALUES) - 1, min_row=header_row, max_row=last)


def shows_brag_chart(ws: Worksheet, *, title: str, header_row: int, rows: int, first_rag_col: int, category_col: int) -> bool:
    """Whether the sheet already holds the chart titled ``title`` over exactly this block."""
    last = header_row + max(rows, 1)
    blue = str(Reference(ws, min_col=first_rag_col, min_row=header_row + 1, max_row=last))
    categories = str(Reference(ws, min_col=category_col, min_row=header_row + 1, max_row=last))
    for chart in ws._charts:
        if chart_title(chart) != title or len(chart.series) != len(RAG_VALUES):
            continue
        first = chart.series[0]
        value_ref = first.val.numRef.f if first.val is not None and first.val.numRef is not None else None
        cat = first.cat
        category_ref = next((r.f for r in (cat.numRef, cat.strRef) if r is not None), None) if cat is not None else None
        if value_ref == blue and category_ref == categories:
            return True
    return False


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
    chart.add_data(_data(ws, header_row=header_row, rows=rows, first_rag_col=first_rag_col), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=category_col, min_row=header_row + 1, max_row=last))
    for series, value in zip(chart.series, RAG_VALUES):
        series.graphicalProperties = GraphicalProperties(solidFill=RAG_COLOURS[value][0])
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, anchor)


__all__ = ["add_brag_chart", "chart_title", "shows_brag_chart"]

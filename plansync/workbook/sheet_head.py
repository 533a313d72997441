"""The part of a worksheet before its rows: the dimension, and which sheet and cell are selected.

Only these elements change; the rest of the part's head (columns, panes, formats) is kept as it was.
"""

from __future__ import annotations

import re

from plansync.workbook.cell_xml import column_letters, column_number

_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_DIMENSION = re.compile(rb'<dimension\s+ref="([^"]*)"\s*/>')
_SHEET_VIEW = re.compile(rb"<sheetView\b[^>]*?/>|<sheetView\b[^>]*>.*?</sheetView>", re.S)
_SELECTION = re.compile(rb"<selection\b[^>]*?/>")
_PANE = re.compile(rb'<pane\b[^>]*?/>')
_ACTIVE_PANE = re.compile(rb'activePane="(\w+)"')
_TAB_SELECTED = re.compile(rb'\s+tabSelected="(?:1|true)"')
_ANY_TAB_SELECTED = re.compile(rb'\s+tabSelected="[^"]*"')


def patch_head(prefix: bytes, bounds: tuple[int, int, int, int] | None, select: tuple[int, int] | None, unselect: bool) -> bytes:
    """The worksheet's XML before ``<sheetData>``, its dimension widened to ``bounds`` (top, left,
    bottom, right of the cells written) and the sheet selected at ``select`` or unselected."""
    if bounds is not None:
        prefix = _DIMENSION.sub(lambda m: b'<dimension ref="%s"/>' % _union(m.group(1), bounds), prefix, count=1)
    if select is not None:
        prefix = _select(prefix, *select)
    elif unselect:
        view = _SHEET_VIEW.search(prefix)
        if view is not None:
            tag_end = view.start() + view.group().find(b">")
            prefix = prefix[: view.start()] + _TAB_SELECTED.sub(b"", prefix[view.start() : tag_end]) + prefix[tag_end:]
    return prefix


def _union(ref: bytes, bounds: tuple[int, int, int, int]) -> bytes:
    top, left, bottom, right = bounds
    parts = [_CELL_REF.match(b'r="%s"' % p) for p in ref.split(b":")]
    if all(parts):
        cols = [column_number(p.group(1)) for p in parts]
        rows = [int(p.group(2)) for p in parts]
        top, left, bottom, right = min(top, *rows), min(left, *cols), max(bottom, *rows), max(right, *cols)
    return f"{column_letters(left)}{top}:{column_letters(right)}{bottom}".encode()


def _select(prefix: bytes, row: int, col: int) -> bytes:
    ref = f"{column_letters(col)}{row}".encode()
    view = _SHEET_VIEW.search(prefix)
    if view is None:
        new = b'<sheetViews><sheetView tabSelected="1" workbookViewId="0"><selection activeCell="%s" sqref="%s"/></sheetView></sheetViews>' % (ref, ref)
        at = _after_first(prefix, (b"<sheetFormatPr", b"<cols", b"<sheetData"))
        return prefix[:at] + new + prefix[at:]
    element = view.group()
    tag_end = element.find(b">")
    self_closing = element[tag_end - 1 : tag_end] == b"/"
    tag = _ANY_TAB_SELECTED.sub(b"", element[: tag_end - 1 if self_closing else tag_end]).rstrip()
    tag = tag[: len(b"<sheetView")] + b' tabSelected="1"' + tag[len(b"<sheetView") :] + b">"
    body = b"" if self_closing else element[tag_end + 1 : -len(b"</sheetView>")]
    pane = _PANE.search(body)
    active = _ACTIVE_PANE.search(pane.group()) if pane else None
    pane_attr = b' pane="%s"' % active.group(1) if active else b""
    selection = b'<selection%s activeCell="%s" sqref="%s"/>' % (pane_attr, ref, ref)
    body = _SELECTION.sub(b"", body)
    at = pane.end() if pane else 0
    body = body[:at] + selection + body[at:]
    return prefix[: view.start()] + tag + body + b"</sheetView>" + prefix[view.end() :]


def _after_first(xml: bytes, tags: tuple[bytes, ...]) -> int:
    found = [xml.find(t) for t in tags if xml.find(t) >= 0]
    return min(found) if found else len(xml)


__all__ = ["patch_head"]

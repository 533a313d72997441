"""A stand-in for Excel in the add-in tests: xlwings' remote engine plus a small client.

xlwings' remote engine (``xw.Book(json=...)``) is the real xlwings code that xlwings Server and
xlwings Lite run: the workbook arrives as JSON (what the Excel client sends), Python reads it
through the ordinary xlwings API, and every change becomes an action (``setValues``,
``addSheet``...) that the Excel client then performs. ``RemoteExcel`` plays that client, as
Office.js does it (xlwings Lite, xlwings Server's Excel add-in): it keeps the workbook as JSON,
opens it for a click, and applies the click's actions, counting the bulk reads and writes that
reached "Excel". As in Excel, a value written that begins with '=' becomes a formula (kept in
``formulas``; the payload carries its value only, as Office.js sends it), a leading apostrophe is
the text prefix, and a ``null`` in a block of values leaves that cell as it was.

The remote engine ships in xlwings' PRO folder under the PolyForm Noncommercial licence (or a
paid licence); xlwings accepts the key ``noncommercial`` for it. We use it in tests only, never
in the add-in itself (see docs/addin-install.md).
"""

from __future__ import annotations

import copy
import os
import re
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import xlwings as xw  # noqa: E402

if "remote" not in [engine.name for engine in xw.engines]:
    # xlwings was imported before the key was set: register the engine it skipped.
    from xlwings.pro import _xlremote

    xw.engines.add(xw.main.Engine(impl=_xlremote.engine))

from xlwings.pro import _xlremote  # noqa: E402

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$")


def _to_json(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%dT00:00:00.000Z")
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return value
    return str(value)


def _sheet(name: str, rows: list[list[object]], hidden: bool = False) -> dict:
    width = max((len(r) for r in rows), default=0)
    values = [[_to_json(v) for v in r] + [""] * (width - len(r)) for r in rows] or [[]]
    return {
        "name": name,
        "values": values,
        "visibility": "Hidden" if hidden else "Visible",
        "pictures": [],
        "tables": [],
        "charts": [],
    }


class RemoteExcel:
    """One workbook 'open in Excel', driven through xlwings' remote engine.

    Attributes:
        state: the workbook as the Excel client would send it (JSON-ready dict).
        reads, writes: bulk range reads/writes of the last click.
        actions: the actions of the last click, as xlwings produced them.
        selected: (sheet, row, col) of the active cell after the last click.
    """

    def __init__(self, name: str, sheets: list[dict]) -> None:
        self.state = {
            "version": xw.__version__,
            "client": "Office.js",
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
            "names": [],
            "sheets": sheets,
        }
        self.reads = 0
        self.writes = 0
        self.actions: list[dict] = []
        self.selected: tuple[str, int, int] | None = None
        self.alerts: list[str] = []
        self.formats: list[tuple] = []
        self.formulas: dict[tuple[str, int, int], str] = {}  # (sheet, row, col) -> "=..."

    @classmethod
    def from_grids(cls, name: str, grids: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> "RemoteExcel":
        return cls(name, [_sheet(n, rows, n in hidden) for n, rows in grids.items()])

    @classmethod
    def from_xlsx(cls, path: Path) -> "RemoteExcel":
        """What Excel would send for this file: each sheet's values (formulas as their result)."""
        wb = openpyxl.load_workbook(path, data_only=True)
        sheets = []
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True)]
            if ws.max_row == 1 and ws.max_column == 1 and rows and rows[0][0] is None:
                rows = []
            sheet = _sheet(ws.title, rows, ws.sheet_state != "visible")
            sheet["tables"] = [{"name": t.displayName, "range_address": _absolute(t.ref)} for t in ws.tables.values()]
            sheet["charts"] = [
                {"name": f"Chart {i + 1}", "chart_type": "ColumnStacked", "title": _chart_title(c)} for i, c in enumerate(ws._charts)
            ]
            sheets.append(sheet)
        return cls(path.name, sheets)

    # --- one click ---------------------------------------------------------------------------

    def open(self) -> xw.Book:
        """The workbook as xlwings sees it at the start of a click."""
        return xw.Book(json=copy.deepcopy(self.state))

    def click(self, function, **kwargs):
        """Run a button function on this workbook, then apply what it asked Excel to do."""
        book = self.open()
        reads_before = _counter["reads"]
        result = function(book=book, **kwargs)
        self.reads = _counter["reads"] - reads_before
        self.apply(book)
        return result

    def apply(self, book: xw.Book) -> None:
        """Perform the book's actions on ``state``, as the Excel client does after a call."""
        self.actions = list(book.json()["actions"])
        self.writes = 0
        sheets = self.state["sheets"]
        for action in self.actions:
            func = action["func"]
            position = action["sheet_position"]
            if func == "setValues":
                self.writes += 1
                recalculated = self._record_formulas(sheets[position], action)
                _set_values(sheets[position], action)
                for (r, c), shown in recalculated.items():
                    sheets[position]["values"][r][c] = shown
            elif func == "addSheet":
                index, name = action["args"]
                sheets.insert(index, _sheet(name, []))
            elif func in ("sheetClearContents", "sheetClear"):
                sheets[position]["values"] = [[]]
                self.formulas = {at: f for at, f in self.formulas.items() if at[0] != sheets[position]["name"]}
            elif func == "sheetDelete":
                del sheets[position]
            elif func == "setSheetVisibility":
                sheets[position]["visibility"] = action["args"][0]
            elif func == "activateSheet":
                self.state["book"]["active_sheet_index"] = action["args"][0]
            elif func == "rangeSelect":
                self.selected = (sheets[position]["name"], action["start_row"] + 1, action["start_column"] + 1)
            elif func == "alert":
                self.alerts.append(action["args"][0])
            elif func in _FORMATS:
                self.formats.append(_format_record(sheets[position]["name"], action))
            elif func == "resizeTable":
                index, address = action["args"]
                sheets[position]["tables"][index]["range_address"] = address
            elif func == "addChart":
                name, chart_type, _, source = action["args"][:4]
                sheets[position]["charts"].append({"name": name, "chart_type": chart_type, "source": source})
            elif func == "setChartXAxisValues":
                index, _, address = action["args"]
                sheets[position]["charts"][index]["categories"] = address
            elif func == "setChartTitle":
                index, title = action["args"]
                sheets[position]["charts"][index]["title"] = title
            elif func == "deleteChart":
                del sheets[position]["charts"][action["args"][0]]
            elif func == "setScreenUpdating":
                pass
            else:
                raise AssertionError(f"the test client does not know the action {func!r}")

    def typed(self, sheet: str, row: int, col: int, value: object) -> None:
        """A value a person typed (as text, where it is a str) at (row, col), 1-based."""
        self.formulas.pop((sheet, row, col), None)
        self._show(sheet, row, col, value)

    def set_formula(self, sheet: str, row: int, col: int, formula: str, shown: object) -> None:
        """A formula a person typed at (row, col), 1-based, showing ``shown``."""
        self.formulas[(sheet, row, col)] = formula
        self._show(sheet, row, col, shown)

    def _show(self, sheet: str, row: int, col: int, value: object) -> None:
        shown = "" if value is None else _to_json(value)
        # Through _set_values, where a leading apostrophe is the text prefix: text is text.
        shown = "'" + shown if isinstance(value, str) else shown
        _set_values(next(s for s in self.state["sheets"] if s["name"] == sheet), {
            "start_row": row - 1, "start_column": col - 1, "values": [[shown]]})

    def _record_formulas(self, sheet: dict, action: dict) -> dict[tuple[int, int], object]:
        """Note the formulas a block of values writes (and the ones it overwrites); returns the
        shown values of formulas written again as they were, which Excel recalculates to the same."""
        same = {}
        for i, line in enumerate(action["values"]):
            for j, value in enumerate(line):
                r, c = action["start_row"] + i, action["start_column"] + j
                at = (sheet["name"], r + 1, c + 1)
                if value is None:
                    continue  # null: the cell keeps its formula, if it has one
                if isinstance(value, str) and value.startswith("="):
                    if self.formulas.get(at) == value:
                        same[(r, c)] = sheet["values"][r][c]
                    self.formulas[at] = value
                else:
                    self.formulas.pop(at, None)
        return same

    # --- looking at the result ---------------------------------------------------------------

    def sheet_names(self) -> list[str]:
        return [s["name"] for s in self.state["sheets"]]

    def values(self, name: str) -> list[list[object]]:
        """A sheet's values as a reader would see them (blanks as None, dates as datetime)."""
        sheet = next(s for s in self.state["sheets"] if s["name"] == name)
        return [[_from_json(v) for v in row] for row in sheet["values"] if row]

    def hidden(self, name: str) -> bool:
        return next(s for s in self.state["sheets"] if s["name"] == name)["visibility"] != "Visible"

    def tables(self, name: str) -> list[dict]:
        """The tables on a sheet: name and range address."""
        return next(s for s in self.state["sheets"] if s["name"] == name)["tables"]

    def charts(self, name: str) -> list[dict]:
        """The charts on a sheet: name, chart type, source range and title."""
        return next(s for s in self.state["sheets"] if s["name"] == name)["charts"]

    def screen_updating_calls(self) -> list[bool]:
        return [a["args"][0] for a in self.actions if a["func"] == "setScreenUpdating"]


_FORMATS = {
    "clearConditionalFormats": "clear",
    "addConditionalFormat": "add",
    "setNumberFormat": "number format",
    "setFontProperty": "font",  # details: [attribute, value]
    "setRangeColor": "fill",
    "setColumnWidth": "width",
    "copyFromRange": "copy",  # details: [source sheet index, source address, copy type, ...]
}


def _format_record(sheet: str, action: dict) -> tuple:
    """(what, range, details) for a formatting action, e.g. ("add", "Actions!N2:N5000", {...})."""
    from validation.grid import column_letter

    top, left = action["start_row"] + 1, action["start_column"] + 1
    bottom, right = top + action["row_count"] - 1, left + action["column_count"] - 1
    where = f"{sheet}!{column_letter(left)}{top}:{column_letter(right)}{bottom}"
    args = action["args"] or [None]
    return (_FORMATS[action["func"]], where, args[0] if len(args) == 1 else args)


def _chart_title(chart) -> str | None:
    """An openpyxl chart's title text (rich text once read back from a file)."""
    title = chart.title
    if title is None or isinstance(title, str):
        return title
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))


def _absolute(ref: str) -> str:
    """'A1:Q2' -> '$A$1:$Q$2', as Excel reports addresses."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def _from_json(value: object) -> object:
    if value == "":
        return None
    if isinstance(value, str) and value.endswith(".000Z"):
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.000Z")
    return value


def _set_values(sheet: dict, action: dict) -> None:
    values = sheet["values"] if sheet["values"] != [[]] else []
    top, left = action["start_row"], action["start_column"]
    block = action["values"]
    need_rows = top + len(block)
    need_cols = max([left + len(r) for r in block] + [len(r) for r in values] + [0])
    while len(values) < need_rows:
        values.append([])
    for r, row in enumerate(values):
        row.extend([""] * (need_cols - len(row)))
    for i, line in enumerate(block):
        for j, value in enumerate(line):
            if value is None:
                continue  # Office.js leaves a cell given null as it was
            # A leading apostrophe is Excel's text prefix: the cell holds the rest, as text.
            if isinstance(value, str) and value.startswith("'"):
                value = value[1:]
            # Excel reads ISO date text that xlwings sends as a date.
            elif isinstance(value, str) and _DATE.match(value):
                stamp = value if " " in value else value + " 00:00:00"
                value = stamp.replace(" ", "T") + ".000Z"
            values[top + i][left + j] = value
    sheet["values"] = values


# Count every bulk read that reaches the remote engine's cell data: xlwings' Range.value goes
# through Range.raw_value of the engine once per call, whatever the size of the range.
_counter = {"reads": 0}
_raw_value = _xlremote.Range.raw_value


def _counted_get(self):
    _counter["reads"] += 1
    return _raw_value.fget(self)


_xlremote.Range.raw_value = property(_counted_get, _raw_value.fset)

"""The scratch openpyxl workbook behind ``PackageWorkbook.wb``.

Commands lay out formatting with openpyxl (the Summary chart, the Settings sheet, conditional
formats on the computed columns). Here they do it on a workbook that holds only plansync's own
sheets, plus empty stand-ins for the team's sheets asked for by name: the stand-ins carry the
conditional formats and cell styles meant for the real sheet, and nothing of the team's is ever
loaded into openpyxl, so nothing of it can be dropped.
"""

from __future__ import annotations

import openpyxl


class ScratchBook(openpyxl.Workbook):
    def __init__(self, book) -> None:
        super().__init__()
        self.remove(self.active)
        self._book = book

    def create_sheet(self, title=None, index=None):
        ws = super().create_sheet(title, index)
        if ws.title not in self._book.sheet_names():
            self._book.new_names.append(ws.title)
        return ws

    def __getitem__(self, key: str):
        if key not in self.sheetnames and key in self._book.sheet_names():
            ws = self.create_sheet(key)
            self._book.stand_ins.add(key)
            # The sheet's tables, so that code resizing a table finds it (save copies the new size back).
            from openpyxl.worksheet.table import Table, TableColumn

            for _, name, ref, columns in self._book.tables_of(key):
                table = Table(displayName=name, ref=ref)
                table.tableColumns = [TableColumn(id=i, name=c) for i, c in enumerate(columns, start=1)]
                ws.add_table(table)
        return super().__getitem__(key)


__all__ = ["ScratchBook"]

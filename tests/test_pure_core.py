"""The pure core stays pure: importing it loads no Excel, HTTP, auth or file-format library."""

import subprocess
import sys

from validation.grid import cell_address, column_index, column_letter


def test_importing_the_core_loads_no_adapter_library():
    code = (
        "import sys, validation, validation.fields, validation.grid, validation.layout\n"
        "import importlib, pkgutil\n"
        "for m in pkgutil.iter_modules(validation.__path__):\n"
        "    importlib.import_module('validation.' + m.name)\n"
        "bad = [m for m in ('xlwings', 'msal', 'openpyxl', 'httpx', 'python_calamine', 'requests') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "" == out.stdout.strip()


def test_column_letters_round_trip_as_excel_counts():
    assert ["A", "Z", "AA", "AZ", "BA", "XFD"] == [column_letter(n) for n in (1, 26, 27, 52, 53, 16384)]
    assert [1, 26, 27, 16384] == [column_index(s) for s in ("A", "z", "AA", "XFD")]


def test_cell_address_quotes_sheet_names_with_spaces():
    assert "Actions!D7" == cell_address("Actions", 7, 4)
    assert "'Action Plan'!A5" == cell_address("Action Plan", 5, 1)

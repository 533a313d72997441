"""Reading cells' own fill colours (status shown by colour) on a 50,000-action plan.

``plansync.workbook.fills.read_fills`` runs on every command that loads a plan from an .xlsx
file, beside python-calamine's read of the values. This builds (once, cached in the temp folder)
a plan whose BRAG column is coloured by hand on every row, then times, in the same run:

- fills:  read_fills of the plan sheet (styles.xml + a regex over the sheet's bytes)
- values: calamine's read of every sheet (plansync.workbook.calamine_reader.read_grids)

and prints both and their ratio (goal: fills well under the value read it rides along with).

    python benchmarks/fills.py [--actions 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill

from plansync.workbook.calamine_reader import read_grids
from plansync.workbook.fills import read_fills

SHADES = ("0070C0", "00B050", "FFC000", "FF0000")


def build(path: Path, actions: int) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Action Plan")
    ws.append(["Ref", "Action", "Lead", "Deadline", "BRAG", "Progress"])
    fills = [PatternFill(fill_type="solid", start_color=c, end_color=c) for c in SHADES]
    for i in range(actions):
        cell = WriteOnlyCell(ws, value=None)
        cell.fill = fills[i % len(fills)]
        ws.append([f"{i // 100 + 1}.{i % 100 + 1}", f"Action {i} for the improvement board", "Head of Service", "March 2023", cell, "In progress - on track"])
    wb.save(path)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"plansync_fills_{args.actions}.xlsx"
    if not path.exists():
        build(path, args.actions)
    fills = read_fills(path, "Action Plan")
    assert len(fills) == args.actions, f"expected {args.actions} coloured cells, read {len(fills)}"
    t_fills = best(lambda: read_fills(path, "Action Plan"), args.repeat)
    t_values = best(lambda: read_grids(path), args.repeat)
    print(f"{args.actions} coloured status cells: fills {t_fills:.3f} s, values (calamine) {t_values:.3f} s, "
          f"fills / values = {t_fills / t_values:.2f}")


if __name__ == "__main__":
    main()

"""How long the file path takes for `plansync validate` and `plansync rag` on a large plan.

Builds a tracker workbook with N actions (default 10,000) from the template, then times, in the
same run:

- baseline: openpyxl alone loading and saving that workbook (the floor for any file-based command);
- validate: open + load plan + validate + Issues sheet + atomic save;
- rag: open + load plan + BRAG + one bulk write + atomic save.

and prints each with its ratio to the baseline (plansync's overhead over bare openpyxl I/O).

    python benchmarks/workbook.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# Run as a script, Python puts benchmarks/ first on the path, where benchmarks/sync.py would
# shadow the sync package that the commands import.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import openpyxl

from plansync.commands.rag import refresh_rag
from plansync.commands.validate import validate_workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from validation.fields import STATUSES
from workbook_templates.demo import DemoPlan
from workbook_templates.template import build_workbook
from validation.settings import Settings

TARGETS = ["July 2022", "Q3 2023", "Ongoing", "To be confirmed", "Jully 2022", "May 2018 Complete June 2018"]


def _rows(n: int) -> list[dict]:
    start = date(2022, 1, 1)
    rows = []
    for i in range(n):
        target = start + timedelta(days=i % 700) if i % 3 == 0 else TARGETS[i % len(TARGETS)]
        rows.append(
            {
                "plan": "Benchmark plan",
                "recommendation": f"{i // 10 + 1}. Recommendation {i // 10 + 1}",
                "ref": f"{i // 10 + 1}.{i % 10 + 1}",
                "action": f"Action number {i} with some words describing the work to be done",
                "lead": "Head of QA",
                "owner": "qa.head@council.example" if i % 50 else "Head of QA",
                "target": target,
                "status": STATUSES[i % len(STATUSES)] if i % 97 else "Done",
                "progress": "In progress – on track" if i % 2 else "Action awaiting start",
            }
        )
    return rows


def _time(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(n: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        build_workbook(demo=DemoPlan(rows=_rows(n), settings=Settings())).save(path)

        baseline = _time(lambda: openpyxl.load_workbook(path).save(path))
        validate = _time(lambda: validate_workbook(OpenpyxlWorkbook.open(path, write=True)))
        rag = _time(lambda: refresh_rag(OpenpyxlWorkbook.open(path, write=True), today=date(2022, 7, 31)))

    print(f"{n:,} actions")
    print(f"baseline  openpyxl load + save : {baseline:6.2f} s")
    print(f"validate  (load, check, save)   : {validate:6.2f} s   {validate / baseline:4.2f}x baseline")
    print(f"rag       (load, rate, save)    : {rag:6.2f} s   {rag / baseline:4.2f}x baseline")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

"""Benchmark: what guarding list values a cell cannot hold adds to a sync (issue 19).

Each sync gives a cell still showing a substitute its true value back (``keep_true_values``) and
flags the substituted cells on the Issues sheet (``substitutes``). Both look at every synced text
field of every row, so their cost is printed beside the sync's own change detection
(``row_hashes`` of the workbook side), measured in the same run on the same rows: plain text
(the usual case, settled by byte operations over all texts at once), and the same rows with one
value in a hundred holding a control character.

Run: ``python benchmarks/cell_values.py [--rows 10000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from sync.cell_values import keep_true_values, substitutes  # noqa: E402
from sync.engine import row_hashes  # noqa: E402

FIELDS = ["recommendation", "ref", "action", "lead", "owner", "target", "status", "progress"]


def _frame(rows: int, odd_every: int | None) -> pd.DataFrame:
    data = {f: [f"{f} of action {i}, as a council writes it" for i in range(rows)] for f in FIELDS}
    if odd_every:
        data["progress"] = [t + ("\x07" if i % odd_every == 0 else "") for i, t in enumerate(data["progress"])]
    return pd.DataFrame(data, index=[f"plan:{i}" for i in range(rows)], dtype=object)


def _time(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, pandas {pd.__version__}")
    for label, odd in (("plain text", None), ("1 value in 100 with a control character", 100)):
        base = _frame(args.rows, odd)
        shown = base.copy()
        baseline = _time(lambda: row_hashes(shown, FIELDS), args.repeat)
        keep = _time(lambda: keep_true_values(shown, base, FIELDS), args.repeat)
        flag = _time(lambda: substitutes(base, FIELDS), args.repeat)
        print(
            f"{args.rows:,} rows, {label}: row_hashes {baseline * 1000:.1f} ms (baseline); "
            f"keep_true_values {keep * 1000:.1f} ms ({keep / baseline:.2f}x); substitutes {flag * 1000:.1f} ms ({flag / baseline:.2f}x)"
        )


if __name__ == "__main__":
    main()

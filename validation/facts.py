"""What an actions frame says, read once and shared by validation and BRAG.

``validate_actions`` and ``compute_rag`` read the same columns: both factorise the target, both
parse its dates, both match statuses. ``PlanFacts`` does each of those once per frame, on first use,
and keeps the answers, so a caller that runs both (the benchmark, sync, report) passes one
``PlanFacts`` to each and the second finds everything already read.

Date kinds are small integer codes (``KIND_CODE``) rather than text, so per-row comparisons are
integer comparisons.

    >>> facts = PlanFacts(actions)                                   # doctest: +SKIP
    >>> validate_actions(actions, columns=cols, facts=facts)         # doctest: +SKIP
    >>> compute_rag(actions, today=today, facts=facts)               # doctest: +SKIP
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from validation.cells import Cells
from validation.date_columns import read_per_value
from validation.dates import KINDS

# Date kinds as int8 codes; index into ``KINDS``.
KIND_CODE: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
_NAT = np.datetime64("NaT", "ns")


class DateFacts:
    """One date column read: per distinct value (index = ``Cells.codes``) and, on first use, per row:
    ``due`` and ``completed`` (datetime64[ns]), ``kind`` (int8 codes). Per-row arrays are made only
    when asked for: validation needs none for most date columns (``updated`` never leaves its
    distinct values), BRAG only some."""

    def __init__(self, cells: Cells, unique_due: np.ndarray, unique_kind: np.ndarray, unique_completed: np.ndarray) -> None:
        self._cells = cells
        self.unique_due = unique_due
        self.unique_kind = unique_kind
        self._unique_completed = unique_completed

    @cached_property
    def due(self) -> np.ndarray:
        return self._cells.back(self.unique_due, _NAT)

    @cached_property
    def kind(self) -> np.ndarray:
        return self._cells.back(self.unique_kind, np.int8(KIND_CODE["blank"]))

    @cached_property
    def completed(self) -> np.ndarray:
        return self._cells.back(self._unique_completed, _NAT)


class PlanFacts:
    """Lazily read columns of one actions frame (any index; answers are positional)."""

    def __init__(self, actions: pd.DataFrame) -> None:
        self.actions = actions
        self.rows = len(actions)
        self._cells: dict[str, Cells] = {}
        self._dates: dict[str, DateFacts] = {}
        # Answers worked out from several columns, kept by the rule that needs them again.
        self.derived: dict[str, np.ndarray] = {}

    def cells(self, name: str) -> Cells:
        """The column factorised (all missing when the frame has no such column)."""
        found = self._cells.get(name)
        if found is None:
            values = self.actions[name] if name in self.actions.columns else None
            found = self._cells[name] = Cells(values, self.rows)
        return found

    def dates(self, name: str) -> DateFacts:
        """The column read as council dates (``validation.dates``), once per distinct value."""
        found = self._dates.get(name)
        if found is None:
            cells = self.cells(name)
            due, kind, completed = read_per_value(cells.uniques)
            kinds = np.fromiter(map(KIND_CODE.__getitem__, kind), dtype="int8", count=len(kind))
            found = self._dates[name] = DateFacts(cells, due, kinds, completed)
        return found


__all__ = sorted(["DateFacts", "KIND_CODE", "PlanFacts"])

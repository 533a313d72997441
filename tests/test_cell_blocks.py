"""Values brought back by a sync land in their cells in few blocks, and no other cell is rewritten."""

from __future__ import annotations

from plansync.workbook.blocks import cell_blocks


def test_neighbouring_cells_of_the_same_rows_become_one_block():
    cells = {(r, c): f"{r},{c}" for r in range(20, 25) for c in (9, 10)}  # Status and Progress of rows 20-24
    assert [(20, 9, [[f"{r},9", f"{r},10"] for r in range(20, 25)])] == cell_blocks(cells)


def test_a_gap_between_changed_cells_is_not_written():
    # Rows 7 and 9 changed; row 8 (perhaps a formula, perhaps '1.10' typed as text) is left alone.
    assert [(7, 3, [["a"]]), (9, 3, [["b"]])] == cell_blocks({(7, 3): "a", (9, 3): "b"})


def test_columns_covering_different_rows_stay_separate_blocks():
    cells = {(7, 3): "a", (8, 3): "b", (7, 4): "c", (5, 6): "d"}
    assert [(7, 3, [["a"], ["b"]]), (7, 4, [["c"]]), (5, 6, [["d"]])] == cell_blocks(cells)


def test_blanks_and_dates_are_written_as_given():
    from datetime import datetime

    assert [(4, 2, [[None, datetime(2026, 7, 31)]])] == cell_blocks({(4, 3): datetime(2026, 7, 31), (4, 2): None})


def test_nothing_to_write_is_no_block():
    assert [] == cell_blocks({})

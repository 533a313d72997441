"""Scattered cells are covered by one block per group of neighbouring columns, whatever the row count;
the cells between them take what the writer says they hold, and a cell it cannot put back is never written."""

from __future__ import annotations

from datetime import datetime

from plansync.workbook.blocks import UNFAITHFUL, column_groups, filled_blocks


def _kept(row: int, col: int) -> str:
    return f"kept {row},{col}"


def test_every_other_row_changed_is_one_block_from_the_first_to_the_last():
    cells = {(r, 10): f"new {r}" for r in range(7, 408, 2)}  # Progress of rows 7, 9, ..., 407
    [(top, col, values)] = filled_blocks(cells, _kept)
    assert (7, 10, 401) == (top, col, len(values))
    assert [["new 7"], ["kept 8,10"], ["new 9"]] == values[:3]
    assert [["new 407"]] == values[-1:]


def test_neighbouring_columns_share_one_block_and_their_gaps_are_filled():
    cells = {(7, 9): "Status 7", (9, 10): "Progress 9"}
    assert [(7, 9, [["Status 7", "kept 7,10"], ["kept 8,9", "kept 8,10"], ["kept 9,9", "Progress 9"]])] == filled_blocks(cells, _kept)


def test_columns_apart_are_blocks_of_their_own():
    cells = {(7, 3): "a", (8, 3): "b", (5, 6): "d"}
    assert [(7, 3, [["a"], ["b"]]), (5, 6, [["d"]])] == filled_blocks(cells, _kept)
    assert [(3, 3), (6, 6)] == column_groups(cells)


def test_a_cell_that_cannot_be_put_back_is_not_written_and_costs_one_more_block():
    # Row 8 of column 3 holds something the writer cannot rewrite faithfully: the block is cut there.
    def gap(row: int, col: int) -> object:
        return UNFAITHFUL if (row, col) == (8, 3) else _kept(row, col)

    cells = {(7, 3): "a", (9, 3): "b", (11, 3): "c"}
    assert [(7, 3, [["a"]]), (9, 3, [["b"], ["kept 10,3"], ["c"]])] == filled_blocks(cells, gap)


def test_a_cut_in_one_column_of_a_group_leaves_the_other_column_whole():
    def gap(row: int, col: int) -> object:
        return UNFAITHFUL if (row, col) == (8, 9) else _kept(row, col)

    cells = {(7, 9): "s7", (9, 9): "s9", (7, 10): "p7", (9, 10): "p9"}
    assert [(7, 9, [["s7"]]), (9, 9, [["s9"]]), (7, 10, [["p7"], ["kept 8,10"], ["p9"]])] == filled_blocks(cells, gap)


def test_where_no_gap_can_be_put_back_each_run_of_changed_cells_is_a_block():
    cells = {(7, 3): "a", (8, 3): "b", (10, 3): "c"}
    assert [(7, 3, [["a"], ["b"]]), (10, 3, [["c"]])] == filled_blocks(cells, lambda row, col: UNFAITHFUL)


def test_blanks_and_dates_are_written_as_given():
    assert [(4, 2, [[None, datetime(2026, 7, 31)]])] == filled_blocks({(4, 3): datetime(2026, 7, 31), (4, 2): None}, _kept)


def test_nothing_to_write_is_no_block():
    assert [] == filled_blocks({}, _kept)

"""The initial state's dealing of firms to town x sector cells (sim/build.py)."""

import numpy as np

from sim.build import deal_to_cells


def deal_one_draw_at_a_time(rng, sizes, targets, one_by_one, block):
    """The dealing as first written: a draw from ``rng`` for each firm dealt singly, then one per block."""
    flat = targets.ravel()
    missing = flat.copy()
    cells = np.empty(sizes.size, dtype=np.int64)
    order = np.argsort(-sizes, kind="stable")
    bounds = list(range(min(one_by_one, order.size))) + list(range(min(one_by_one, order.size), order.size, block))
    for start, stop in zip(bounds, [*bounds[1:], order.size]):
        chunk = order[start:stop]
        weights = np.maximum(missing, 0.0)
        cumulative = np.cumsum(weights if weights.sum() > 0 else flat)
        drawn = np.searchsorted(cumulative, rng.random(chunk.size) * cumulative[-1], side="right")
        cells[chunk] = np.minimum(drawn, flat.size - 1)
        np.subtract.at(missing, cells[chunk], sizes[chunk])
    return cells


def test_dealing_is_the_one_draw_at_a_time_dealing_exactly():
    sizes = np.random.default_rng(1).pareto(1.1, 3000) + 0.01
    targets = np.random.default_rng(2).random((11, 8)) * sizes.sum() / 40  # too little room: cells run out
    for one_by_one, block in ((2000, 512), (50, 64), (5000, 512)):
        got = deal_to_cells(np.random.default_rng(3), sizes, targets, one_by_one, block)
        expected = deal_one_draw_at_a_time(np.random.default_rng(3), sizes, targets, one_by_one, block)
        np.testing.assert_array_equal(got, expected)


def test_firms_fill_the_cells_that_lack_output():
    sizes = np.full(400, 1.0)
    targets = np.array([[300.0, 0.0], [100.0, 0.0]])
    cells = deal_to_cells(np.random.default_rng(4), sizes, targets)
    filled = np.bincount(cells, weights=sizes, minlength=4)
    assert filled[1] == filled[3] == 0  # no firm where no output is wanted
    assert abs(filled[0] - 300) <= 15 and abs(filled[2] - 100) <= 15

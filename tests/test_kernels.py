"""The compiled kernels (numba) give exactly the numbers of their numpy equivalents, alone and in a model run."""

import numpy as np
import pandas as pd
import pytest

from sim import kernels
from sim.model import RegionModel
from sim.rules import demand as demand_rule
from sim.rules import labour_market
from tests.helpers import scenario

numba_kernels = kernels.compiled()
needs_numba = pytest.mark.skipif(numba_kernels is None, reason="numba not installed or disabled")


@needs_numba
def test_each_kernel_equals_its_numpy_version():
    rng = np.random.default_rng(7)
    n = 50_000
    rows = np.sort(rng.choice(3 * n, n, replace=False)).astype(np.int64)
    base = np.uint64(0x1234_5678_9ABC_DEF0)
    (splitmix, below, add_output, cell_sums, running_weight, grow, sums_by_cell, scale_by_cell, running_cell_weight,
     still_alive, below_bound_sums_keyed, running_cell_weight_sums, hiring_totals, share_out_rows,
     district_sums, two_cell_sums, book_profits, move_demand) = numba_kernels
    np.testing.assert_array_equal(splitmix(rows, base), kernels.splitmix_bits_numpy(rows, base))
    bound = rng.integers(0, 1 << 53, 3 * n)
    np.testing.assert_array_equal(below(rows, base, bound), kernels.below_bound_numpy(rows, base, bound))
    capacity, productivity = rng.lognormal(0, 2, n), rng.random(n) + 0.5
    cells, per_cell = rng.integers(0, 300, n), rng.random(300)
    expected = rng.random(n)
    got = expected.copy()
    demand = rng.lognormal(0, 2, n)  # binding for some rows, not for others
    kernels.add_output_numpy(expected, capacity, productivity, cells, per_cell, demand, 0.25)
    add_output(got, capacity, productivity, cells, per_cell, demand, 0.25)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(cell_sums(cells, capacity, 300), kernels.cell_sums_numpy(cells, capacity, 300))
    np.testing.assert_array_equal(cell_sums(cells, capacity, 300), np.bincount(cells, capacity, 300))
    big, alive = rng.lognormal(0, 2, 3 * n), rng.random(3 * n) < 0.7
    np.testing.assert_array_equal(running_weight(big, alive, rows), kernels.running_weight_numpy(big, alive, rows))
    factor, age = rng.lognormal(0, 0.05, n), rng.random(n) * 10
    expected_capacity, expected_age = capacity.copy(), age.copy()
    kernels.grow_numpy(expected_capacity, factor, expected_age, 0.25)
    grow(capacity, factor, age, 0.25)
    np.testing.assert_array_equal(capacity, expected_capacity)
    np.testing.assert_array_equal(age, expected_age)
    sectors, by_sector = rng.integers(0, 12, 3 * n).astype(np.int16), rng.random(12) + 0.5
    np.testing.assert_array_equal(sums_by_cell(rows, sectors, big, 12), kernels.sums_by_cell_numpy(rows, sectors, big, 12))
    np.testing.assert_array_equal(sums_by_cell(rows, sectors, big, 12), np.bincount(sectors[rows], big[rows], 12))
    expected_big, got_big = big.copy(), big.copy()
    kernels.scale_by_cell_numpy(rows, sectors, expected_big, by_sector)
    scale_by_cell(rows, sectors, got_big, by_sector)
    np.testing.assert_array_equal(got_big, expected_big)
    np.testing.assert_array_equal(running_cell_weight(rows, sectors, by_sector),
                                  kernels.running_cell_weight_numpy(rows, sectors, by_sector))
    np.testing.assert_array_equal(still_alive(rows, alive), kernels.still_alive_numpy(rows, alive))
    identity = np.arange(3 * n, dtype=np.int64)  # each row its own draw key: the bits of the row
    for got, expected in zip(below_bound_sums_keyed(rows, identity, base, bound, sectors, big, 12),
                             (kernels.below_bound_numpy(rows, base, bound), np.bincount(sectors[rows], big[rows], 12))):
        np.testing.assert_array_equal(got, expected)
    for got, expected in zip(running_cell_weight_sums(rows, sectors, by_sector, big, 12),
                             (kernels.running_cell_weight_numpy(rows, sectors, by_sector),
                              np.bincount(sectors[rows], big[rows], 12))):
        np.testing.assert_array_equal(got, expected)
    parks, outside = rng.integers(-1, 5, 3 * n).astype(np.int16), np.array([False, False, True, False, False, False])
    towns, wanted, staff = sectors, rng.lognormal(0, 1, n), rng.lognormal(0, 1, 3 * n) * (rng.random(3 * n) < 0.8)
    expected_totals = kernels.hiring_totals_numpy(rows, outside, parks, towns, wanted, staff, 12)
    for got, expected in zip(hiring_totals(rows, outside, parks, towns, wanted, staff, 12), expected_totals):
        np.testing.assert_array_equal(got, expected)
    inside, fills = expected_totals[0], (rng.random(12), rng.random(12))
    assert 0 < inside.sum() < n
    np.testing.assert_array_equal(share_out_rows(rows, inside, towns, wanted, staff, *fills),
                                  kernels.share_out_rows_numpy(rows, inside, towns, wanted, staff, *fills))
    zones = rng.integers(0, 4, 3 * n).astype(np.int16)
    for only_alive in (False, True):
        arguments = (staff, big > 1.0, only_alive, outside, parks, towns, zones, sectors, 12, 4, 12)
        for got, expected in zip(district_sums(*arguments), kernels.district_sums_numpy(*arguments)):
            np.testing.assert_array_equal(got, expected)
    cells, mask = sectors[:n], alive[:n]
    for arguments in ((cells, mask, True, wanted, capacity, False, 12), (cells, kernels.NO_MASK, False, wanted, capacity, True, 12)):
        for got, expected in zip(two_cell_sums(*arguments), kernels.two_cell_sums_numpy(*arguments)):
            np.testing.assert_array_equal(got, expected)
    streaks = rng.integers(0, 4, 3 * n).astype(np.int16)
    books = [(big.copy(), streaks.copy()) for _ in range(2)]
    profits = [f(rows, capacity, wanted, 0.7, productivity, *book)
               for f, book in zip((book_profits, kernels.book_profits_numpy), books)]
    assert 0 < (profits[1] < 0).sum() < n
    np.testing.assert_array_equal(profits[0], profits[1])
    for got, expected in zip(*books):
        np.testing.assert_array_equal(got, expected)
    cells, mean, level = sectors[:n], rng.random(12) + 0.5, rng.random(12) + 0.5
    moved = [big.copy(), big.copy()]
    relative = [f(rows, cells, capacity, productivity, mean, demand, level, 0.8, out)
                for f, out in zip((move_demand, kernels.move_demand_numpy), moved)]
    np.testing.assert_array_equal(relative[0], relative[1])
    np.testing.assert_array_equal(moved[0], moved[1])


def test_two_cell_sums_of_values_and_of_their_products():
    cells, mask = np.array([0, 1, 1, 0]), np.array([True, False, True, True])
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0, 20.0, 30.0, 40.0])
    sums, products = kernels.two_cell_sums_numpy(cells, kernels.NO_MASK, False, a, b, True, 3)
    np.testing.assert_array_equal(sums, [5.0, 5.0, 0.0])
    np.testing.assert_array_equal(products, [170.0, 130.0, 0.0])
    sums, others = kernels.two_cell_sums_numpy(cells, mask, True, a, b, False, 3)
    np.testing.assert_array_equal(sums, [5.0, 3.0, 0.0])
    np.testing.assert_array_equal(others, [50.0, 30.0, 0.0])


def test_a_loss_lengthens_the_streak_and_a_profit_ends_it():
    profit, streak = np.zeros(4), np.array([0, 2, 3, 1], dtype=np.int16)
    booked = kernels.book_profits_numpy(np.array([1, 2, 3]), np.array([1.0, 1.0, 5.0]), np.array([1e4, 1e4, 0.0]),
                                        2.0, np.array([0.5, 0.0, 1.0]), profit, streak)
    np.testing.assert_array_equal(booked, [-1.5, -1.0, 4.0])  # value added - employed x wage / 1e4 - depreciation
    np.testing.assert_array_equal(profit, [0.0, -1.5, -1.0, 4.0])
    assert streak.tolist() == [0, 3, 4, 0]


def test_the_demand_step_is_the_replicator_of_relative_competitiveness():
    live, sectors = np.array([0, 2, 3]), np.array([0, 1, 1])
    sales, power, mean = np.array([1.0, 2.0, 4.0]), np.array([1.2, 0.5, 3.0]), np.array([1.0, 2.0])
    growth, level, demand = np.array([1.1, 1.0, 0.9]), np.array([1.05, 0.95]), np.zeros(4)
    relative = kernels.move_demand_numpy(live, sectors, sales, power, mean, growth, level, 2.0, demand)
    np.testing.assert_array_equal(relative, power / mean[sectors])
    expected = sales * growth * level[sectors] * demand_rule.replicator_factor(relative, 2.0)
    np.testing.assert_array_equal(demand[live], expected)
    assert demand[1] == 0.0 and demand[2] == pytest.approx(2.0 * 0.95 * 0.05)  # a share shrinks, never below 5%


def test_hiring_in_two_passes_gives_what_share_out_gives():
    rng = np.random.default_rng(3)
    rows = np.sort(rng.choice(300, 100, replace=False))
    parks, outside = rng.integers(-1, 3, 300).astype(np.int16), np.array([False, True, False, False])
    towns, wanted, staff = rng.integers(0, 4, 300).astype(np.int16), rng.random(100) * 10, rng.random(300) * 10
    inside, want, kept, extra = kernels.hiring_totals_numpy(rows, outside, parks, towns, wanted, staff, 4)
    np.testing.assert_array_equal(inside, ~outside[parks[rows]])
    available = 0.8 * want
    keep_fill, growth_fill = labour_market.fill_rates(available, kept, extra)
    got = kernels.share_out_rows_numpy(rows, inside, towns, wanted, staff, keep_fill, growth_fill)
    expected = labour_market.share_out(towns[rows][inside], wanted[inside], staff[rows][inside], available, 4)
    np.testing.assert_allclose(got[inside], expected, rtol=0, atol=0)
    np.testing.assert_array_equal(got[~inside], wanted[~inside])  # the co-built park's firms get what they want


def test_district_sums_count_positive_values_outside_the_excluded_parks_and_if_asked_live_firms_only():
    values = np.array([1.0, 2.0, 0.0, 4.0, 8.0, -1.0])
    park = np.array([-1, 0, 0, 1, -1, 0], dtype=np.int16)
    outside = np.array([False, True, False])  # park 1 is outside; -1 (no park) reads the last entry
    town, zone, sector = np.array([0, 1, 1, 0, 1, 0]), np.array([0, 0, 1, 1, 1, 0]), np.array([0, 1, 0, 1, 1, 0])
    alive = np.array([True, True, True, True, False, True])
    by_town, by_cell = kernels.district_sums_numpy(values, alive, False, outside, park, town, zone, sector, 2, 2, 2)
    np.testing.assert_array_equal(by_town, [1.0, 10.0])
    np.testing.assert_array_equal(by_cell, [1.0, 2.0, 0.0, 8.0])
    by_town, by_cell = kernels.district_sums_numpy(values, alive, True, outside, park, town, zone, sector, 2, 2, 2)
    np.testing.assert_array_equal(by_town, [1.0, 2.0])
    np.testing.assert_array_equal(by_cell, [1.0, 2.0, 0.0, 0.0])


@needs_numba
def test_a_run_is_the_same_with_and_without_the_kernels(monkeypatch):
    def tables(min_rows):
        monkeypatch.setattr(kernels, "MIN_ROWS", min_rows)
        return RegionModel.from_scenario(scenario("fragmented", {"scale": 2}), seed=4).run().tables()

    compiled, numpy_only = tables(0), tables(1 << 62)
    assert compiled.keys() == numpy_only.keys()
    for name in numpy_only:
        pd.testing.assert_frame_equal(pd.DataFrame(compiled[name]), pd.DataFrame(numpy_only[name]), check_exact=True)

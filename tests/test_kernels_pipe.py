"""The compiled kernels of the project pipeline (sim/kernels_pipe.py) give exactly the numbers of their numpy
versions, on bids with ties, parks without land (-inf), towns without parks and projects lost."""

import numpy as np
import pytest

from sim import kernels_pipe

compiled = kernels_pipe.compiled()
needs_numba = pytest.mark.skipif(compiled is None, reason="numba not installed or disabled")


def bids(rng, n, parks):
    """Fit and ceilings of ``n`` projects x ``parks`` parks: some parks closed (-inf), some values tied."""
    fit = np.round(rng.normal(0.0, 1.0, (n, parks)), 1)  # rounded: ties between parks and with the outside
    fit[rng.random((n, parks)) < 0.3] = -np.inf
    fit[rng.random(n) < 0.05] = -np.inf  # projects no park can take
    ceiling = np.round(rng.random((n, parks)) * 0.3, 2)
    ceiling[rng.random((n, parks)) < 0.2] = 0.0
    outside = np.round(rng.normal(0.5, 1.0, n), 1)
    return fit, ceiling, outside


def assert_same(got, expected):
    for a, b in zip(got, expected):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@needs_numba
@pytest.mark.parametrize("weight", [3.0, 0.0])
def test_the_bids_equal_their_numpy_versions(weight):
    rng = np.random.default_rng(11)
    fit, ceiling, outside = bids(rng, 4000, 13)
    park_town = np.array([0, 0, 1, 2, 2, 2, 3, 5, 6, 7, 8, 9, 1])  # town 4 and 10 have no park
    known = rng.random((4000, 11)) < 0.4
    for towns_known in (known, None):
        assert_same(compiled[1](fit, ceiling, park_town, 11, outside, weight,
                                np.ones((1, 1), dtype=bool) if towns_known is None else towns_known,
                                towns_known is None),
                    kernels_pipe.town_bids_numpy(fit, ceiling, park_town, 11, outside, weight, towns_known))
    assert_same(compiled[2](fit, ceiling, outside, weight),
                kernels_pipe.unified_bids_numpy(fit, ceiling, outside, weight))


@needs_numba
def test_the_bids_keep_numpy_s_nan_rules():
    fit = np.array([[np.nan, 1.0, 2.0], [1.0, np.nan, 0.5], [-np.inf, -np.inf, -np.inf]])
    ceiling, outside = np.zeros((3, 3)), np.array([0.0, np.nan, 0.0])
    with np.errstate(invalid="ignore"):
        expected = kernels_pipe.town_bids_numpy(fit, ceiling, np.array([0, 1, 1]), 2, outside, 2.0, None)
        unified = kernels_pipe.unified_bids_numpy(fit, ceiling, outside, 2.0)
    assert_same(compiled[1](fit, ceiling, np.array([0, 1, 1]), 2, outside, 2.0, np.ones((1, 1), dtype=bool), True),
                expected)
    assert_same(compiled[2](fit, ceiling, outside, 2.0), unified)


@needs_numba
@pytest.mark.parametrize("others", [0, 1, 3, 12])
def test_the_towns_known_equal_their_numpy_version(others):
    rng = np.random.default_rng(4)
    keys = np.round(rng.exponential(1.0, (3000, 11)), 1)  # ties: the lower index first, as a stable sort
    keys[:, 3] = np.inf  # a town of weight 0
    home = rng.integers(0, 11, 3000)
    keys[np.arange(3000), home] = np.inf
    assert_same([compiled[0](keys, home, others)], [kernels_pipe.pick_known_numpy(keys, home, others)])


def test_the_dispatch_runs_numpy_below_the_kernels_size():
    class Small:
        class firms:
            n = 10
    assert kernels_pipe.kernels_for(Small) is None
    assert kernels_pipe.kernels_for(object()) is None  # a model without firms


@needs_numba
def test_the_parks_fit_equals_its_numpy_version():
    rng = np.random.default_rng(8)
    n, parks = 3000, 13
    eligible = rng.random((n, parks)) < 0.8
    free = np.round(rng.exponential(100.0, parks), 0)
    free[2] = 0.0  # a park without land
    land = np.round(rng.exponential(60.0, n), 0)  # some need just the land a park has
    land_term, fixed = 0.4 * np.log1p(free), rng.normal(0.0, 1.0, (parks, 6))
    sectors, gumbel = rng.integers(0, 6, n), rng.gumbel(0.0, 1.0, (n, parks))
    for waiting in (np.arange(n), np.sort(rng.choice(n, 700, replace=False))):
        np.testing.assert_array_equal(compiled[3](waiting, eligible, free, land, land_term, fixed, sectors, gumbel),
                                      kernels_pipe.park_fit_numpy(waiting, eligible, free, land, land_term, fixed,
                                                                  sectors, gumbel))


@needs_numba
def test_the_incentive_ceilings_equal_their_numpy_version():
    rng = np.random.default_rng(2)
    n, parks = 2000, 13
    price_land, tax_investment = rng.exponential(0.3, n), rng.exponential(0.5, n)
    investment = np.maximum(rng.exponential(2.0, n), 1e-12)
    rate, kept = rng.random(parks), np.where(np.arange(parks) == 12, 0.5, 1.0)
    room = np.maximum(rng.normal(1.0, 1.0, parks), 0.0)
    room[3], room[5], rate[7] = np.inf, 0.0, np.nan  # room unbounded (before public finance), none, a NaN
    with np.errstate(invalid="ignore"):
        expected = kernels_pipe.ceilings_numpy(price_land, tax_investment, investment, rate, kept, room)
    np.testing.assert_array_equal(compiled[4](price_land, tax_investment, investment, rate, kept, room), expected)


@needs_numba
def test_the_producing_projects_equal_their_numpy_version():
    rng = np.random.default_rng(5)
    n, firms = 5000, 800
    status = rng.integers(0, 6, n).astype(np.int8)
    produce_step = rng.integers(-1, 12, n).astype(np.int32)
    firm_row = np.where(rng.random(n) < 0.1, -1, rng.integers(0, firms, n))  # -1: its firm left the table
    firm_alive = rng.random(firms) < 0.9
    per_step, left = np.round(rng.exponential(1.0, n), 1), np.round(rng.exponential(1.0, n), 1)  # ties
    left[7], per_step[9] = np.nan, np.nan
    for start in (0, 1234, n):
        args = (status, produce_step, 8, firm_row, firm_alive, per_step, left, start, 2)
        assert_same(compiled[5](*args), kernels_pipe.producing_rows_numpy(*args))


@needs_numba
def test_the_sums_by_firm_and_the_adds_equal_their_numpy_versions():
    rng = np.random.default_rng(6)
    rows = rng.integers(0, 300, 4000)  # repeated rows, in no order
    first, second = rng.exponential(1.0, 4000), rng.normal(0.0, 1.0, 4000)
    slots = np.full(300, -1, dtype=np.int64)
    touched, sum_first, sum_second = compiled[6](rows, first, second, slots)
    expected = kernels_pipe.sums_by_row_numpy(rows, first, second, None)
    order = np.argsort(touched)  # the compiled version gives them in the order of their first entry
    assert_same((touched[order], sum_first[order], sum_second[order]), expected)
    assert (slots == -1).all()  # the scratch is left as it was found
    target, reference = rng.normal(0.0, 1.0, 300), None
    reference = target.copy()
    compiled[7](target, rows, first)
    kernels_pipe.add_at_numpy(reference, rows, first)
    np.testing.assert_array_equal(target, reference)


@needs_numba
def test_the_capacity_handed_over_is_written_as_by_its_numpy_version():
    rng = np.random.default_rng(9)
    touched = rng.choice(500, 200, replace=False)
    extra, capital = rng.exponential(1.0, 200), rng.exponential(1.2, 200)
    before, path, growth = rng.exponential(1.0, 200), rng.uniform(0.9, 1.1, 200), rng.uniform(0.9, 1.2, 200)
    extra[:3], before[3], path[4], capital[5] = 0.0, 0.0, np.nan, np.nan  # nothing added; nothing kept; NaNs
    before[:2] = 0.0  # nothing at all: κ of the new capacity
    columns = [rng.uniform(0.5, 2.0, 500) for _ in range(3)]
    expected = [column.copy() for column in columns]
    with np.errstate(invalid="ignore", divide="ignore"):
        kernels_pipe.hand_over_numpy(touched, extra, capital, before, path, growth, *expected)
    compiled[8](touched, extra, capital, before, path, growth, *columns)
    for got, want in zip(columns, expected):
        np.testing.assert_array_equal(got, want)


@needs_numba
def test_the_pipeline_pass_equals_its_numpy_version():
    rng = np.random.default_rng(12)
    n = 6000
    status = rng.integers(0, 6, n).astype(np.int8)
    status[:700] = rng.integers(3, 6, 700)  # closed projects first
    sign_step, start_delay = rng.integers(-8, 20, n).astype(np.int32), rng.integers(0, 12, n).astype(np.int32)
    quarters_left, build_steps = rng.integers(-1, 4, n).astype(np.int16), rng.integers(1, 8, n).astype(np.int16)
    investment, park = rng.exponential(2.0, n), rng.integers(-1, 13, n).astype(np.int16)  # -1: no park
    park_outside = np.zeros(14, dtype=bool)
    park_outside[12] = True  # the co-built park; the last entry (no park) False
    for start in (0, 300, 700, n):
        got_left, want_left = quarters_left.copy(), quarters_left.copy()
        got = compiled[9](status, sign_step, start_delay, got_left, investment, build_steps, park, park_outside,
                          15, start, 0.7)
        want = kernels_pipe.advance_rows_numpy(status, sign_step, start_delay, want_left, investment, build_steps,
                                               park, park_outside, 15, start, 0.7)
        assert_same(got[:3], want[:3])
        still_open = np.flatnonzero(status[start:] < 3)
        assert got[3] == want[3] == (start + still_open[0] if still_open.size else n) >= 700
        np.testing.assert_array_equal(got_left, want_left)


@needs_numba
def test_the_fused_fit_and_decision_equal_the_parks_fit_and_the_bids():
    from sim.rules.project_market import best_park

    rng = np.random.default_rng(13)
    n, parks, towns = 3000, 13, 11
    eligible = rng.random((n, parks)) < 0.8
    free = np.round(rng.exponential(100.0, parks), 0)
    free[2] = 0.0
    land = np.round(rng.exponential(60.0, n), 0)
    land_term, fixed = 0.4 * np.log1p(free), np.round(rng.normal(0.0, 1.0, (parks, 6)), 1)  # ties
    sectors, gumbel = rng.integers(0, 6, n), np.round(rng.gumbel(0.0, 1.0, (n, parks)), 1)
    _, ceiling, outside = bids(rng, n, parks)
    placement = rng.integers(0, 3, n).astype(np.int8)
    known = rng.random((n, towns)) < 0.4
    park_town = np.array([0, 0, 1, 2, 2, 2, 3, 5, 6, 7, 8, 9, 1])
    for waiting in (np.arange(n), np.sort(rng.choice(n, 700, replace=False))):
        fit = kernels_pipe.park_fit_numpy(waiting, eligible, free, land, land_term, fixed, sectors, gumbel)
        choice, paid = np.full(waiting.size, -1, dtype=np.int64), np.zeros(waiting.size)
        mode = placement[waiting]
        choice[mode == 0] = best_park(fit[mode == 0])
        unified, towns_bid = mode == 1, mode == 2
        choice[unified], paid[unified] = kernels_pipe.unified_bids_numpy(
            fit[unified], ceiling[waiting[unified]], outside[waiting[unified]], 3.0)
        choice[towns_bid], paid[towns_bid] = kernels_pipe.town_bids_numpy(
            fit[towns_bid], ceiling[waiting[towns_bid]], park_town, towns, outside[waiting[towns_bid]], 3.0,
            known[waiting[towns_bid]])
        assert_same(compiled[10](waiting, eligible, free, land, land_term, fixed, sectors, gumbel, placement, ceiling,
                                 outside, known, park_town, towns, 3.0), (choice, paid))


@needs_numba
def test_the_ceilings_by_placement_equal_their_numpy_version():
    rng = np.random.default_rng(14)
    n, parks = 2000, 13
    placement = rng.integers(0, 3, n).astype(np.int8)
    price_land, tax_investment = rng.exponential(0.3, n), rng.exponential(0.5, n)
    investment = np.maximum(rng.exponential(2.0, n), 1e-12)
    rate, room = rng.random((3, parks)), np.maximum(rng.normal(1.0, 1.0, (3, parks)), 0.0)
    kept = np.where(np.arange(parks) == 12, 0.5, 1.0)
    room[1, 3], room[2, 5], rate[2, 7] = np.inf, 0.0, np.nan
    with np.errstate(invalid="ignore"):
        expected = kernels_pipe.ceilings_by_mode_numpy(placement, price_land, tax_investment, investment, rate, kept,
                                                       room)
    assert (expected[placement == 0] == 0).all()
    np.testing.assert_array_equal(compiled[11](placement, price_land, tax_investment, investment, rate, kept, room),
                                  expected)


@needs_numba
def test_the_expansion_draws_equal_their_numpy_version():
    rng = np.random.default_rng(15)
    firms, groups = 4000, 60
    capacity, alive = np.round(rng.exponential(1.0, firms), 1), rng.random(firms) < 0.8
    capacity[:50] = 0.0  # firms of no weight
    members = rng.choice(firms, 2500, replace=False)
    keys = np.sort(rng.integers(0, groups, members.size))
    members[keys == 7] = np.flatnonzero(~alive)[: int((keys == 7).sum())]  # a group of exited firms only
    wanted = rng.integers(-2, groups + 3, 900)  # some keys without any member
    expands, pick = rng.random(900) < 0.6, rng.random(900)
    pick[:150] = 0.0  # the ends of the group's range: where a group starts with firms of no weight, past them
    pick[150:200] = np.nextafter(1.0, 0.0)
    expected = kernels_pipe.expansion_draws_numpy(members, keys, capacity, alive, wanted, expands, pick)
    assert (expected >= 0).sum() > 300 and (expected[~expands] == -1).all()
    np.testing.assert_array_equal(compiled[12](members, keys, capacity, alive, wanted, expands, pick), expected)

"""The firm table's fused turnover kernels (sim/kernels_firms.py) give exactly their numpy versions' numbers, and the
exits' pass hands the entries what they would have found themselves."""

import numpy as np
import pytest

from sim import kernels, kernels_firms
from sim.agents.firm import FirmPopulation
from sim.model import RegionModel
from sim.rules import firm_dynamics as fd
from tests.helpers import scenario

compiled = kernels_firms.compiled()
needs_numba = pytest.mark.skipif(compiled is None, reason="numba not installed or disabled")


def _rows_and_columns(n=50_000, seed=11):
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(3 * n, n, replace=False)).astype(np.int64)
    rows.setflags(write=False)  # as FirmPopulation.live() hands them out
    alive = rng.random(3 * n) < 0.9
    sectors = rng.integers(0, 12, 3 * n).astype(np.int16)
    return rng, rows, alive, sectors, rng.lognormal(0, 2, 3 * n)


@needs_numba
def test_survivors_equals_its_numpy_version():
    rng, rows, alive, sectors, demand = _rows_and_columns()
    factor, weight = rng.lognormal(0, 0.1, 12), rng.random(12) * 3
    expected_demand, got_demand = demand.copy(), demand.copy()
    expected_out, got_out = np.full(rows.size, -1), np.full(rows.size, -1)
    expected = kernels_firms.survivors_numpy(rows, alive, sectors, expected_demand, factor, weight, expected_out, 12)
    got = compiled[0](rows, alive, sectors, got_demand, factor, weight, got_out, 12)
    assert got[0] == expected[0] == np.count_nonzero(alive[rows])
    for a, b in zip(got[1:], expected[1:]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got_out, expected_out)
    np.testing.assert_array_equal(got_demand, expected_demand)


def test_survivors_numpy_is_the_three_passes_it_replaces():
    """The reference is what the exits and entries did in three passes: scale the live firms' sales, find the
    survivors, sum their entry weights and sales (``kernels.running_cell_weight_sums``)."""
    rng, rows, alive, sectors, demand = _rows_and_columns(n=3000)
    factor, weight = rng.lognormal(0, 0.1, 12), rng.random(12) * 3
    expected = demand.copy()
    kernels.scale_by_cell_numpy(rows, sectors, expected, factor)
    kept = kernels.still_alive_numpy(rows, alive)
    running, sums = kernels.running_cell_weight_numpy(kept, sectors, weight), np.bincount(
        sectors[kept], expected[kept], 12)
    out = np.empty(rows.size, dtype=np.int64)
    count, got_running, got_sums = kernels_firms.survivors_numpy(rows, alive, sectors, demand, factor, weight, out, 12)
    np.testing.assert_array_equal(out[:count], kept)
    np.testing.assert_array_equal(demand[kept], expected[kept])
    np.testing.assert_array_equal(got_running, running)
    np.testing.assert_array_equal(got_sums, sums)


def test_live_rows_after_an_exit_are_the_survivors_whoever_finds_them():
    firms = FirmPopulation(capacity_rows=16)
    firms.add(10, alive=True)
    assert firms.live().tolist() == list(range(10))
    firms.retire(np.array([2, 5]), 2024, no_place_cell=9, no_cluster_cell=8)
    firms.retire(np.array([7]), 2024, no_place_cell=9, no_cluster_cell=8)  # two exits before anyone looks
    assert firms.live().tolist() == [0, 1, 3, 4, 6, 8, 9]
    firms.retire(np.array([0]), 2024, no_place_cell=9, no_cluster_cell=8)
    rows = firms.add(2, alive=True)  # entrants after an exit: appended to the survivors
    assert firms.live().tolist() == [1, 3, 4, 6, 8, 9, *rows.tolist()]
    assert firms.find_live(lambda *args: (0,)) is None  # nothing retired since


@pytest.mark.parametrize("scale", [1.0, 5.0])  # numpy references at scale 1; compiled kernels at 5 (if numba)
def test_entries_read_the_exits_pass_as_they_would_their_own(scale, monkeypatch):
    """A step's entries read the live firms' entry weights and sales from the exits' pass over them: the same
    entrants, sales and table as when they find them in a pass of their own."""
    import sim.model

    original = fd.enter_firms
    phases = sim.model.EVERY_STEP

    def enter_on_their_own(model):
        model.entry_weights = None
        original(model)

    def table_after_five_steps(own_pass):
        monkeypatch.setattr(sim.model, "EVERY_STEP",
                            tuple(enter_on_their_own if own_pass and phase is original else phase for phase in phases))
        model = RegionModel(scenario("plan", {"scale": scale}), seed=5)
        for _ in range(5):
            model.step()
        firms = model.firms
        return {name: firms.cols[name][: firms.n].tobytes() for name in firms.cols}

    assert table_after_five_steps(True) == table_after_five_steps(False)


@needs_numba
def test_search_ascending_equals_numpys_searchsorted():
    """Including flat runs (sectors of weight 0), keys equal to entries, below the first and beyond the last."""
    rng = np.random.default_rng(3)
    weights = rng.random(50_000) * (rng.random(50_000) < 0.7)
    cumulative = np.cumsum(weights)
    keys = np.sort(np.concatenate((rng.random(4000) * cumulative[-1] * 1.01, cumulative[rng.integers(0, 50_000, 500)],
                                   [-1.0, 0.0, cumulative[-1], cumulative[-1] + 1])))
    np.testing.assert_array_equal(compiled[1](cumulative, keys), np.searchsorted(cumulative, keys, side="right"))
    np.testing.assert_array_equal(compiled[1](cumulative, keys[:0]), np.zeros(0, dtype=np.int64))


@needs_numba
def test_retire_rows_equals_its_numpy_version():
    rng, rows, alive, sectors, demand = _rows_and_columns()
    leaving = np.sort(rng.choice(rows, 3000, replace=False))
    columns = {"alive": alive, "exit_year": np.full(alive.size, -1, dtype=np.int16), "exit_age": np.zeros(alive.size),
               "age": rng.random(alive.size) * 30, "growth_factor": rng.lognormal(0, 0.1, alive.size),
               "demand": demand, "place_cell": rng.integers(0, 900, alive.size),
               "cluster_cell": rng.integers(0, 60, alive.size)}
    expected = {name: column.copy() for name, column in columns.items()}
    got = {name: column.copy() for name, column in columns.items()}
    for run, c in ((kernels_firms.retire_rows_numpy, expected), (compiled[2], got)):
        run(leaving, 2027, c["alive"], c["exit_year"], c["exit_age"], c["age"], c["growth_factor"], c["demand"],
            c["place_cell"], 999, c["cluster_cell"], 60)
    for name in columns:
        np.testing.assert_array_equal(got[name], expected[name])
    assert not expected["alive"][leaving].any() and (expected["exit_year"][leaving] == 2027).all()
    np.testing.assert_array_equal(expected["exit_age"][leaving], columns["age"][leaving])


@needs_numba
def test_parents_of_equals_its_numpy_version():
    rng, rows, alive, sectors, demand = _rows_and_columns()
    picks = rng.integers(0, rows.size + 3, 4000)  # some beyond the last: capped
    towns, parks = rng.integers(0, 11, alive.size).astype(np.int16), rng.integers(-1, 9, alive.size).astype(np.int16)
    arguments = (rows, picks, sectors, towns, parks, demand, rng.random(alive.size) < 0.2, 1.3)
    for got, expected in zip(compiled[3](*arguments), kernels_firms.parents_of_numpy(*arguments)):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_entries_do_not_read_the_exits_pass_once_the_live_firms_changed():
    """A firm added between the exits and the entries (or another step) makes the exits' sums stale: the entries
    then find their own, and give what they give without any handed over."""
    def entrants_after_a_change(handed_over):
        model = RegionModel(scenario("plan"), seed=6)
        for _ in range(2):
            model.step()
        fd.exit_firms(model)
        if not handed_over:
            model.entry_weights = None
        firms = model.firms
        model.add_firms(sector=firms.sector[:1], town=firms.town[:1], park=firms.park[:1], capacity=np.array([50.0]))
        n = firms.n
        fd.enter_firms(model)
        return {name: firms.cols[name][n: firms.n].tobytes() for name in firms.cols}, firms.demand[: n].tobytes()

    assert entrants_after_a_change(True) == entrants_after_a_change(False)

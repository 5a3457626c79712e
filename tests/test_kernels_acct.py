"""The growth accounting's and the approval queue's kernels (sim/kernels_acct.py): compiled loops give exactly
what their references give (the position-table match, the numpy cross-section, the heapq loop)."""

import heapq

import numpy as np
import pytest

from sim import kernels, kernels_acct
from sim.accounting import decomposition as dec
from sim.rules.approvals import ApprovalOffices

numba_kernels = kernels_acct.compiled()
needs_numba = pytest.mark.skipif(numba_kernels is None, reason="numba not installed or disabled")


def two_years(n: int, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Ascending firm rows of two years: some exit, some enter (rows above the first year's), most stay."""
    rng = np.random.default_rng(seed)
    ids0 = np.flatnonzero(rng.random(n) < 0.7)
    stays = ids0[rng.random(ids0.size) < 0.85]
    entrants = np.arange(n, n + n // 10)[rng.random(n // 10) < 0.6]
    late = np.flatnonzero(rng.random(n) < 0.02)  # rows that produce again, not in year 0
    return ids0, np.unique(np.concatenate([stays, entrants, late]))


def position_table_match(ids0, ids1):
    """match_firms's reference path (the position table), whatever the dispatch."""
    position = np.full(int(max(ids0.max(), ids1.max())) + 1, -1, dtype=np.intp)
    position[ids0] = np.arange(ids0.size)
    found_at = position[ids1]
    i1 = np.flatnonzero(found_at >= 0)
    stays = np.zeros(ids0.size, dtype=bool)
    stays[found_at[i1]] = True
    return found_at[i1], i1, np.flatnonzero(~stays), np.flatnonzero(found_at < 0)


@needs_numba
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merge_match_equals_the_position_table(seed):
    ids0, ids1 = two_years(40_000, seed)
    ascending, *got = numba_kernels[0](ids0, ids1)
    assert ascending
    for mine, reference in zip(got, position_table_match(ids0, ids1)):
        np.testing.assert_array_equal(mine, reference)
        assert mine.dtype == np.intp


@needs_numba
def test_merge_match_edge_cases_and_unsorted_ids():
    same = np.arange(5, dtype=np.int64)
    for ids0, ids1 in ((same, same), (same, same + 10), (same + 10, same), (same[:1], same)):
        ascending, *got = numba_kernels[0](ids0, ids1)
        assert ascending
        for mine, reference in zip(got, position_table_match(ids0, ids1)):
            np.testing.assert_array_equal(mine, reference)
    assert not numba_kernels[0](np.array([0, 2, 1]), same)[0]
    assert not numba_kernels[0](same, np.array([0, 1, 1, 3]))[0]  # repeated ids are not strictly ascending


def test_match_firms_dispatch_gives_the_reference_at_any_size():
    for n in (500, 4 * kernels.MIN_ROWS):
        ids0, ids1 = two_years(n)
        for mine, reference in zip(dec.match_firms(ids0, ids1), position_table_match(ids0, ids1)):
            np.testing.assert_array_equal(mine, reference)
    shuffled = np.random.default_rng(1).permutation(ids1)  # not ascending: the position table
    for mine, reference in zip(dec.match_firms(ids0, shuffled), position_table_match(ids0, shuffled)):
        np.testing.assert_array_equal(mine, reference)


def snapshot_columns(n: int, seed: int = 4) -> tuple:
    rng = np.random.default_rng(seed)
    va = np.where(rng.random(n) < 0.95, rng.lognormal(-4, 1.5, n), 0.0)
    capital = np.where(rng.random(n) < 0.98, rng.lognormal(-3, 1.5, n), 0.0)
    share = np.where(rng.random(n) < 0.9, 1.0, rng.random(n))
    labour = np.where(rng.random(n) < 0.97, rng.lognormal(3, 1, n), np.nan)
    return np.sort(rng.choice(2 * n, n, replace=False)), va, capital, share, labour, rng.random(n) < 0.93


@needs_numba
def test_cross_section_kernel_equals_numpy():
    columns = snapshot_columns(50_000)
    count, *arrays = numba_kernels[1](*columns)
    ids, va, va_per_worker, k_per_worker, complete = kernels_acct.cross_section_numpy(*columns)
    assert not complete and count == ids.size
    for mine, reference in zip(arrays, (ids, va, va_per_worker, k_per_worker)):
        np.testing.assert_array_equal(mine[:count], reference)
    ids, va, capital, share, labour, _ = columns
    keep = np.flatnonzero((va > 0) & (capital > 0) & (labour > 0))  # every firm kept
    whole = (ids[keep], va[keep], capital[keep], share[keep], labour[keep], np.ones(keep.size, dtype=bool))
    got = kernels_acct.cross_section(*whole)
    assert got[4] and got[0] is whole[0] and got[1] is whole[1]
    for mine, reference in zip(got[2:4], kernels_acct.cross_section_numpy(*whole)[2:4]):
        np.testing.assert_array_equal(mine, reference)


def test_cross_section_log_tfp_is_the_decomposition_s():
    ids, va, capital, share, labour, alive = snapshot_columns(3_000)
    _, kept_va, va_per_worker, k_per_worker, _ = kernels_acct.cross_section(ids, va, capital, share, labour, alive)
    ok = alive & (va > 0) & (capital * share > 0) & (labour > 0)
    np.testing.assert_array_equal(dec.log_tfp_of_ratios(va_per_worker, k_per_worker, 0.55),
                                  dec.log_tfp(va[ok], (capital * share)[ok], labour[ok], 0.55))


def offices(pooled: bool, seed: int) -> ApprovalOffices:
    """Offices of 11 towns with work in hand (heaps of different sizes, one of a single team)."""
    rng = np.random.default_rng(seed)
    teams = rng.integers(1, 30, 11)
    teams[3] = 1
    result = ApprovalOffices(teams, 40.0, 2030)
    for heap in result.free_at:
        heap[:] = (40.0 + rng.exponential(1.5, len(heap)) * (rng.random(len(heap)) < 0.7)).tolist()
        heapq.heapify(heap)
    if pooled:
        result.pool()
    return result


@needs_numba
@pytest.mark.parametrize("pooled", [False, True])
@pytest.mark.parametrize("seed", [1, 2])
def test_compiled_queue_leaves_heapq_s_heaps_and_waits(pooled, seed):
    rng = np.random.default_rng(seed + 10)
    mine, reference = offices(pooled, seed), offices(pooled, seed)
    for arrival in (41.0, 42.0, 43.0):
        towns = rng.integers(0, 11, 300)
        towns[:5] = 3  # the single team's office, popped and pushed in a row
        work = rng.exponential(2.0, towns.size)
        np.testing.assert_array_equal(mine.file_many(towns, arrival, work, numba_kernels[2]),
                                      reference.file_many(towns, arrival, work))
        assert mine.free_at == reference.free_at and mine.pooled == reference.pooled
        np.testing.assert_array_equal(mine.filed, reference.filed)
    mine.restaff(np.full(11, 3), 44.0, 2031)  # the read-back lists are still heaps for heapq
    reference.restaff(np.full(11, 3), 44.0, 2031)
    assert mine.free_at == reference.free_at and mine.pooled == reference.pooled


@needs_numba
def test_compiled_snapshot_is_the_numpy_snapshot(monkeypatch):
    """After two years of a run (entrants of the year, exiters, the co-built park's firms outside): the compiled
    snapshot's columns are the numpy path's, value for value and dtype for dtype."""
    from sim.accounting import snapshot
    from sim.model import RegionModel
    from tests.helpers import scenario

    model = RegionModel.from_scenario(scenario("plan"), seed=3)
    for _ in range(2 * model.steps_per_year):
        model.step()
    outside = model.in_district() & (np.random.default_rng(1).random(model.firms.n) < 0.9)  # some rows outside
    monkeypatch.setattr(model, "in_district", lambda: outside)
    monkeypatch.setattr(kernels_acct, "snapshot_kernel", lambda rows: numba_kernels[3])
    mine = snapshot.firm_accounting_snapshot(model)
    monkeypatch.setattr(kernels_acct, "snapshot_kernel", lambda rows: None)
    reference = snapshot.firm_accounting_snapshot(model)
    cross_section = mine.pop("_cross_section")  # from the same pass: the reference's cross-section of its columns
    assert set(mine) == set(reference) and 0 < (~reference["alive"]).sum() < reference["alive"].sum()
    assert (reference["producing_share"] < 1).any()
    for key, values in reference.items():
        np.testing.assert_array_equal(mine[key], values)
        assert mine[key].dtype == values.dtype, key
    expected = kernels_acct.cross_section_numpy(*(reference[key] for key in (
        "firm_id", "value_added_100m_cny", "capital_100m_cny", "producing_share", "employment_persons", "alive")))
    assert not expected[-1] and cross_section[-1] is False  # exiters of the year leave the cross-section
    for got, want in zip(cross_section[:-1], expected[:-1]):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype


@needs_numba
@pytest.mark.parametrize("every_firm", [False, True])
def test_compiled_accounting_record_is_what_the_accounting_reads_of_the_snapshot(monkeypatch, every_firm):
    """The lean record's value added, employment and capital are the numpy snapshot's, value for value (their
    totals are summed from them), and its cross-section is the snapshot's (after two years of a run: entrants,
    exiters, rows outside the district); ``every_firm``: all producing firms in the cross-section (complete)."""
    from sim.accounting import snapshot
    from sim.model import RegionModel
    from tests.helpers import scenario

    model = RegionModel.from_scenario(scenario("plan"), seed=3)
    for _ in range(2 * model.steps_per_year):
        model.step()
    firms = model.firms
    outside = model.in_district() & (np.random.default_rng(1).random(firms.n) < 0.9)  # some rows outside
    if every_firm:  # only the live firms with positive capital and employment produce
        outside = model.in_district() & firms.alive & (firms.capacity > 0) & (firms.employment > 0)
    monkeypatch.setattr(model, "in_district", lambda: outside)
    monkeypatch.setattr(kernels_acct, "inputs_kernel", lambda rows: numba_kernels[4])
    mine = snapshot.accounting_record(model)
    monkeypatch.setattr(kernels_acct, "inputs_kernel", lambda rows: None)
    monkeypatch.setattr(kernels_acct, "snapshot_kernel", lambda rows: None)
    reference = snapshot.accounting_record(model)
    assert "_cross_section" not in reference and reference["value_added_100m_cny"].size > kernels.MIN_ROWS // 100
    for key in ("value_added_100m_cny", "employment_persons", "capital_100m_cny"):
        np.testing.assert_array_equal(mine[key], reference[key])
        assert mine[key].dtype == reference[key].dtype and mine[key].flags.c_contiguous
        assert float(mine[key].sum()) == float(reference[key].sum())
    expected = kernels_acct.cross_section_numpy(*(reference[key] for key in (
        "firm_id", "value_added_100m_cny", "capital_100m_cny", "producing_share", "employment_persons", "alive")))
    got = mine["_cross_section"]
    assert got[-1] is every_firm and expected[-1] is every_firm
    for column, want in zip(got[:-1], expected[:-1], strict=True):
        np.testing.assert_array_equal(column, want)
        assert column.dtype == want.dtype


def test_labelled_firms_take_the_reference_paths():
    """Ids that are not firm rows (labels) never reach the compiled cross-section, at any size."""
    n = 2 * kernels.MIN_ROWS
    labels = np.array([f"f{i:06d}" for i in range(n)])
    ones = np.ones(n)
    ids, *_, complete = kernels_acct.cross_section(labels, ones, ones, ones, ones, np.ones(n, dtype=bool))
    assert complete and ids is labels

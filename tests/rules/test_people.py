"""People: residents, town labour markets, commuting and migration (sim/rules/population, labour_market,
migration)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.model import RegionModel
from sim.rules import labour, labour_market, migration, population
from tests.helpers import scenario

SHORT = {"horizon": {"last_year": 2027}}


def model(overrides: dict | None = None, name: str = "plan", seed: int = 1) -> RegionModel:
    return RegionModel(scenario(name, {**SHORT, **(overrides or {})}), seed=seed)


def base_industry_jobs(m: RegionModel) -> np.ndarray:
    lp = labour.reference_labour_productivity(m)
    return np.array([t.industrial_va_100m_cny for t in m.towns]) * 1e4 / lp / m.scale


def test_matches_never_exceed_jobs_or_workers_and_leave_frictional_unemployment_at_the_kink():
    m = labour_market.matching_efficiency(0.0205)
    supply = np.full(5, 1000.0)
    demand = np.array([500.0, 900.0, 979.5, 1200.0, 3000.0])
    filled = labour_market.matches(demand, supply, m)
    assert np.all(filled <= demand + 1e-9) and np.all(filled < supply)
    assert filled[2] == pytest.approx(979.5, rel=1e-3)  # at the kink: all jobs filled, 2.05% unemployed
    assert np.all(np.diff(filled) > 0)


def test_a_shortage_caps_expansion_before_any_firm_loses_its_staff():
    town = np.array([0, 0, 1])
    wanted, staff = np.array([100.0, 50.0, 10.0]), np.array([100.0, 20.0, 0.0])
    got = labour_market.share_out(town, wanted, staff, np.array([135.0, 10.0]), 2)
    np.testing.assert_allclose(got, [100.0, 35.0, 10.0])  # the grower gets half its 30 extra workers
    short = labour_market.share_out(town, wanted, staff, np.array([60.0, 10.0]), 2)
    np.testing.assert_allclose(short, [50.0, 10.0, 10.0])  # staff kept in equal shares, no growth


def test_internal_moves_cancel_exactly_and_go_towards_better_earnings():
    m = model()
    pop = population.residents(m)
    m.town_labour_market.resident_earnings_10k_cny = np.where(np.arange(pop.size) == 3, 20.0, 12.0)
    moves = migration.internal_moves(m, pop)
    assert moves.sum() == 0.0
    assert moves[3] > 0 and np.all(moves[np.arange(pop.size) != 3] <= 0)


def test_a_town_whose_services_grow_draws_movers():
    m = model()
    pop = population.residents(m)
    before = migration.internal_moves(m, pop)
    m.towns[5].tertiary_100m_cny *= 1.5
    moves = migration.internal_moves(m, pop)
    assert moves[5] > before[5] + 100 and moves.sum() == 0


@pytest.fixture(scope="module")
def batch() -> list[dict[str, pd.DataFrame]]:
    """A test batch: two variants x two seeds, to 2027."""
    runs = []
    for name in ("plan", "baseline"):
        for seed in (1, 2):
            m = model(name=name, seed=seed)
            m.run()
            runs.append({k: pd.DataFrame(v) for k, v in m.records.tables().items() if k in ("district", "towns", "zones")})
    return runs


def test_population_identity_holds_exactly_every_year_by_town_zone_and_district(batch):
    base = {t.id: t.population_2022 for t in scenario("plan").region.towns}
    for tables in batch:
        towns = tables["towns"].sort_values(["town", "year"])
        before = towns.groupby("town")["population"].shift(1).fillna(towns["town"].map(base))
        change = towns.births - towns.deaths + towns.net_internal_migration + towns.net_external_migration
        assert ((towns.population - before) == change).all()
        assert (towns.groupby("year").net_internal_migration.sum() == 0).all()
        d = tables["district"].sort_values("year")
        d_before = d.population.shift(1).fillna(sum(base.values()))
        assert ((d.population - d_before) == d.births - d.deaths + d.net_external_migration).all()
        assert (d.net_internal_migration == 0).all()
        z = tables["zones"].sort_values(["zone", "year"])
        z_change = z.births - z.deaths + z.net_internal_migration + z.net_external_migration
        z_first = z.groupby("zone").population.shift(1)
        assert ((z.population - z_first) == z_change)[z_first.notna()].all()


def test_2023_jobs_by_sector_and_unemployment_are_near_the_data():
    rows = []
    for seed in range(1, 11):  # the mean of seeds 1-10 of plan, as the calibration checks
        m = model(seed=seed)
        for _ in range(m.steps_per_year):
            m.step()
        rows.append(population.group_columns(m.towns, 1.0))
    first = pd.DataFrame(rows).mean()
    assert first.jobs_10k == pytest.approx(57.47, rel=0.05)
    for sector, jobs in (("primary", 4.07), ("secondary", 16.72), ("tertiary", 36.68)):
        assert abs(first[f"jobs_{sector}_10k"] / first.jobs_10k - jobs / 57.47) < 0.02
    assert 0.015 <= first.unemployment_rate <= 0.03


def shocked_market(cost_per_km: float, town: int = 7, factor: float = 2.0) -> RegionModel:
    """A market calibrated at the base year, then cleared with one town's industrial jobs multiplied."""
    m = model({"people": {"commuting_cost_per_km": cost_per_km}})
    jobs = base_industry_jobs(m)
    jobs[town] *= factor
    m.labour_market.clear(m, jobs)
    return m


def test_cheaper_commuting_narrows_the_wage_gap_and_fills_more_jobs_where_they_are():
    dear, cheap = shocked_market(0.4), shocked_market(0.1)
    gap = [np.ptp(np.log(m.labour_market.wage_by_town)) for m in (dear, cheap)]
    assert gap[1] < gap[0]
    boosted = [m.towns[7].employment for m in (dear, cheap)]
    assert boosted[1] > boosted[0]
    assert dear.labour_market.fill[7] < 1.0  # the boom is short of workers when commuting is dear


def test_better_access_lowers_the_cost_of_commuting():
    m = model()
    before = m.labour_market.commuting_cost(m)
    m.towns[2].access_index += 0.2
    after = m.labour_market.commuting_cost(m)
    assert np.all(after[2, np.arange(11) != 2] < before[2, np.arange(11) != 2])
    assert np.array_equal(np.delete(np.delete(after, 2, 0), 2, 1), np.delete(np.delete(before, 2, 0), 2, 1))


def industrial_output(overrides: dict, year: int = 2026) -> float:
    m = model(overrides)
    m.run()
    d = pd.DataFrame(m.records.tables()["district"])
    return float(d.loc[d.year == year, "industrial_output_100m_cny"].iloc[0])


def test_a_labour_supply_shock_slows_industrial_growth():
    normal = industrial_output({})
    fewer_workers = industrial_output({"people": {"labour_force_per_working_age_resident": 0.85}})
    assert fewer_workers < 0.97 * normal


def run_with_boom(town: int | None, years: int = 2) -> RegionModel:
    """Two years of ``plan``; ``town``'s firms sell half as much again as their demand from the first year."""
    m = model()
    rows = np.flatnonzero(m.firms.live())
    if town is not None:
        rows = rows[m.firms.town[rows] == town]
        m.firms.demand[rows] *= 1.5
    for _ in range(years * m.steps_per_year):
        m.step()
    return m


def test_a_town_that_gains_jobs_gains_residents_and_the_district_changes_only_by_natural_and_external_flows():
    town = 7
    quiet, boom = run_with_boom(None), run_with_boom(town)
    assert boom.towns[town].employment > quiet.towns[town].employment
    assert boom.towns[town].population > quiet.towns[town].population
    assert boom.towns[town].net_internal_migration > quiet.towns[town].net_internal_migration
    for m in (quiet, boom):
        d = pd.DataFrame(m.records.tables()["district"]).sort_values("year")
        start = sum(t.population_2022 for t in m.region.towns)
        total = start + (d.births - d.deaths + d.net_external_migration).sum()
        assert sum(t.population for t in m.towns) == total


def test_the_wage_solver_gives_the_bits_of_its_plain_numpy_form():
    """``TownLabourMarket.clear`` (its loop's constants taken once, its reductions as ufuncs, ``matches`` and
    ``np.clip`` inline) solves to the same wages, unemployment and fill, bit for bit, as the plain form it
    replaced, here written out as the reference."""
    import math

    m = model()
    market, jobs = m.town_labour_market, base_industry_jobs(m) * 1.3  # a year away from the last solution
    p, start = m.params.people, market.unemployment.copy()
    demand = market.demand(m, jobs).sum(axis=0)
    force, cost = population.labour_force(m), market.commuting_cost(m)
    reference = labour.LabourMarket.wage(market, m)
    u, step, last_gap = start, labour_market.STEP, math.inf
    for _ in range(labour_market.ITERATIONS):
        wage = reference * (u / p.frictional_unemployment_rate) ** -p.wage_curve_elasticity
        shares = labour_market.commuting_shares(demand, wage * (1 - u), cost, p.commuting_wage_elasticity,
                                                market.log_pull)
        supply = force @ shares
        filled = labour_market.matches(demand, supply, market.m)
        log_gap = np.log(np.clip(1 - filled / np.maximum(supply, 1e-9), 1e-4, 1.0) / u)
        gap = float(np.abs(log_gap).max())
        if gap < labour_market.TOLERANCE:
            break
        step = step / 2 if gap > last_gap else step
        u, last_gap = u * np.exp(step * log_gap), gap
    market.clear(m, jobs)
    assert market.wage_by_town.tobytes() == wage.tobytes() and market.unemployment.tobytes() == u.tobytes()
    assert market.fill.tobytes() == np.where(demand > 0, filled / np.maximum(demand, 1e-9), 1.0).tobytes()

"""Capital deepening: putty-clay capital intensity chosen at the wage, and the Cobb-Douglas labour productivity
that follows from it (sim/rules/capital.py, sim/rules/labour.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import RegionModel
from sim.rules import capital, labour, labour_market
from sim.scenario import Section
from tests.helpers import scenario

P = Section({"labour_share_of_value_added": 0.45, "labour_productivity_10k_cny_per_worker": 30.0})
SHORT = {"horizon": {"last_year": 2029}}
# no firm comes or goes and no capital arrives from projects: only incumbents' investment moves capital
CLOSED = {"investment": {"projects_per_year": 0},
          "firms": {"entry_rate_per_year": 0.0, "exit_hazard_by_age": [0.0], "competitiveness_floor": 0.0,
                    "exit_loss_years": 10, "tech_upgrade_rate_per_year": 0.0}}


def run(overrides: dict, seed: int = 1):
    model = RegionModel(scenario("plan", {**SHORT, **overrides}), seed=seed)
    model.run()
    return model, model.records.tables()


def last(tables, column: str) -> float:
    return float(np.asarray(tables["district"][column], dtype=float)[-1])


def mean_intensity(model) -> float:
    live = model.firms.live()
    return float(np.average(model.firms.capital_intensity[live], weights=model.firms.capacity[live]))


def test_new_capacity_is_built_more_capital_intensive_when_wages_are_higher():
    base = capital.base_wage(P)
    kappa = capital.intensity_for_wage(np.array([0.8, 1.0, 1.5]) * base, P)
    np.testing.assert_allclose(kappa, np.array([0.8, 1.0, 1.5]) ** 0.45)  # (w / w_base)^(1 - a), a = 0.55


def test_vintages_blend_by_capacity_and_old_capacity_keeps_its_intensity():
    got = capital.vintage_intensity(np.array([1.0, 1.2, 1.0]), np.array([9.0, 5.0, 0.0]),
                                    np.array([1.5, 2.0, 1.3]), np.array([1.0, 0.0, 0.0]))
    np.testing.assert_allclose(got, [(9.0 + 1.5) / 10.0, 1.2, 1.3])


def test_labour_productivity_follows_the_cobb_douglas_identity():
    # Y/L = E (K/Y at E = 1)^(a/(1-a)): κ = 1.21 at a = 0.55 raises output per worker by 1.21^(0.55/0.45)
    assert labour.deepening(np.array([1.0, 1.21]), P) == pytest.approx([1.0, 1.21 ** (0.55 / 0.45)])


def test_higher_wages_deepen_capital_and_raise_output_per_worker(monkeypatch):
    # a higher wage path: every town's market-clearing wage a quarter higher for the firms, from the first year
    # (a steeper wage curve, which stood for it until 2026-12-01, raises wages only while the market is tight
    # and lowers them in any slack year: a lever of the market, not a higher wage path)
    def pay_more(clear):
        def cleared(self, model, industry_jobs):
            clear(self, model, industry_jobs)
            self.wage_by_town = 1.25 * self.wage_by_town
        return cleared

    low, low_tables = run({})
    monkeypatch.setattr(labour_market.TownLabourMarket, "clear", pay_more(labour_market.TownLabourMarket.clear))
    high, high_tables = run({})
    assert high.wage_10k_cny > 1.2 * low.wage_10k_cny  # the firms' wage of the last year
    assert mean_intensity(high) > mean_intensity(low)

    def per_worker(tables):
        return last(tables, "industrial_va_100m_cny") / last(tables, "industrial_employment_10k")

    assert per_worker(high_tables) > per_worker(low_tables)
    workers_per_output = [last(t, "industrial_employment_10k") / last(t, "industrial_output_100m_cny")
                          for t in (low_tables, high_tables)]
    assert workers_per_output[1] < workers_per_output[0]


def test_with_a_labour_supply_shock_industry_still_grows_more_slowly():
    # deeper capital eases the shortage but does not undo it: growth from 2024 (after the base year's cut)
    def growth(tables):
        va = np.asarray(tables["district"]["industrial_va_100m_cny"], dtype=float)
        return np.log(va[-1] / va[1])

    _, full = run({})
    _, short = run({"people": {"labour_force_per_working_age_resident": 0.9}})
    # measured 2026-12-01 (seed 1, log growth 2024-2029): 0.057 slower; 0.002 with firms' sales not capped at
    # their workers (the wage alone), so the bound tells the binding channel from the rest
    assert growth(short) < growth(full) - 0.02


def year_end_states(overrides: dict, seed: int = 1):
    """(year, firm ids, capital, alive, investment, firm ids fed by a project) of every firm in the table after
    each year (its rows move when exited firms leave the table: the firms are matched by ``firm_id``)."""
    model = RegionModel(scenario("plan", {**SHORT, **overrides}), seed=seed)
    states = []
    while model.running:
        for _ in range(model.steps_per_year):
            model.step()
        rows = np.arange(model.firms.n)
        linked = model.projects.firm_row[model.projects.firm_row >= 0]
        states.append((model.year, model.firms.firm_id.copy(), capital.capital_stock(model, rows),
                       model.firms.alive.copy(), model.firms.investment.copy(), model.firms.firm_id[linked]))
    return states


def test_each_incumbent_ends_the_year_with_depreciated_capital_plus_its_investment():
    states = year_end_states({})
    d = RegionModel(scenario("plan", SHORT), seed=1).params.firms.depreciation_rate_per_year
    fed_by_projects = np.unique(np.concatenate([state[-1] for state in states]))
    checked = 0
    for (_, ids0, k0, alive0, _, _), (_, ids1, k1, alive1, investment, _) in zip(states, states[1:]):
        _, at0, at1 = np.intersect1d(ids0, ids1, assume_unique=True, return_indices=True)
        both = alive0[at0] & alive1[at1] & ~np.isin(ids0[at0], fed_by_projects)
        np.testing.assert_allclose(k1[at1][both], (1 - d) * k0[at0][both] + investment[at1][both], rtol=1e-9)
        checked += int(both.sum())
    assert checked > 1000


def test_the_district_capital_stock_is_depreciated_capital_plus_investment_and_capital_handed_over():
    model = RegionModel(scenario("plan", {**SHORT, **CLOSED}), seed=1)
    d = model.params.firms.depreciation_rate_per_year
    start, checked, handed_over = None, 0, 0.0
    while model.running:
        for _ in range(model.steps_per_year):
            model.step()
        stats = model.year_stats
        end = float(capital.capital_stock(model, model.firms.live()[model.in_district()[model.firms.live()]]).sum())
        if start is not None and stats["fai_projects_100m_cny"] == 0:  # no construction: FAI is incumbents'
            assert stats["firm_exits"] == 0
            expected = (1 - d) * start + stats["fai_incumbents_100m_cny"] + stats["capital_from_projects_100m_cny"]
            assert end == pytest.approx(expected, rel=1e-7)  # growth factors: roots and powers
            checked += 1
            handed_over += stats["capital_from_projects_100m_cny"]
        start = end
    assert checked >= 2 and handed_over > 0  # the warm-up's projects still ramp up in the years checked


def test_capacity_handed_over_is_blended_in_and_neither_grows_nor_depreciates_in_its_first_year():
    from collections import defaultdict
    from types import SimpleNamespace

    from sim.agents.firm import FirmPopulation

    firms = FirmPopulation()
    firms.add(2, capacity=np.array([10.0, 4.0]), growth_factor=np.array([1.02, 0.99]), alive=True)
    model = SimpleNamespace(firms=firms, steps_per_year=4, step_in_year=1, year_stats=defaultdict(float),
                            params=SimpleNamespace(firms=SimpleNamespace(capital_output_ratio=0.5)),
                            in_district=lambda: np.array([True, True]))
    planned_end = 10.0 * 1.02 ** 3
    capital.add_capacity(model, np.array([0, 0]), np.array([1.0, 1.0]), np.array([1.2, 1.6]))
    assert firms.capacity[0] == pytest.approx(12.0)
    # κ holds for the year-end capacity: the stock's planned end (planned_end) and the 2 handed over; so the
    # year-end capital is exactly the stock's plus what was handed over
    assert firms.capital_intensity[0] == pytest.approx((planned_end + 1.2 + 1.6) / (planned_end + 2.0))
    assert firms.capacity[0] * firms.growth_factor[0] ** 3 == pytest.approx(planned_end + 2.0)
    assert (firms.capacity[1], firms.capital_intensity[1], firms.growth_factor[1]) == (4.0, 1.0, 0.99)
    assert model.year_stats["capital_from_projects_100m_cny"] == pytest.approx(0.5 * (1.2 + 1.6))


def test_a_firm_that_cannot_hire_all_it_wants_prices_labour_at_its_shadow_wage():
    # Cobb-Douglas conditional labour demand L ∝ w^(-a): at the shadow wage the firm wants just the share it got
    shadow = capital.shadow_wage(np.array([10.0, 10.0]), np.array([1.0, 0.8]), P)
    assert shadow[0] == 10.0
    assert (shadow[1] / 10.0) ** -0.55 == pytest.approx(0.8)


def test_rationed_firms_build_more_capital_intensive_capacity():
    from sim.rules import demand

    model, _ = run({})
    live = model.firms.live()
    power = demand.competitiveness(model, live, model.place_multipliers())
    kept = model.firms.capital_intensity.copy(), model.firms.growth_factor.copy(), model.firms.investment.copy()

    def intensity_after(fill):
        model.firms.capital_intensity[:], model.firms.growth_factor[:], model.firms.investment[:] = kept
        capital.invest(model, live, power, fill)
        return model.firms.capital_intensity[live].copy(), model.firms.investment[live].copy()

    full, full_investment = intensity_after(np.ones(live.size))
    short, _ = intensity_after(np.full(live.size, 0.8))
    builds = full_investment > 0
    assert builds.sum() > 100
    assert (short[builds] > full[builds]).all()

"""The production side: investment, demand, selection, labour (sim/rules/capital, demand, labour, firm_dynamics)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents import firm_accounting_snapshot
from sim.model import RegionModel
from sim.rules import capital, demand, economy, labour
from sim.scenario import Section
from tests.helpers import scenario

SHORT = {"horizon": {"last_year": 2029}}


def run(overrides: dict, seed: int = 1, name: str = "plan"):
    merged = {**SHORT, **overrides}
    model = RegionModel(scenario(name, merged), seed=seed)
    model.run()
    return model, model.records.tables()


def district(tables, column: str) -> np.ndarray:
    return np.array(tables["district"][column], dtype=float)


def sector_output(tables, sector: str, year: int) -> float:
    c = tables["clusters"]
    return sum(o for s, y, o in zip(c["sector"], c["year"], c["industrial_output_100m_cny"])
               if s == sector and y == year)


def sector_employment(tables, sector: str, year: int) -> float:
    c = tables["clusters"]
    return sum(e for s, y, e in zip(c["sector"], c["year"], c["employment_10k"]) if s == sector and y == year)


def test_investment_fills_the_gap_to_desired_capacity_within_the_financing_limit():
    p = Section({"depreciation_rate_per_year": 0.1, "capital_output_ratio": 0.5, "financing_multiple": 2.0})
    capacity, desired = np.array([10.0, 10.0, 10.0]), np.array([12.0, 12.0, 8.0])
    got = capital.planned_investment(capacity, desired, np.array([100.0, 0.5, 100.0]), p)
    # gap 12 - 9 = 3 capacity = 1.5亿 of capital; the second firm can finance only 2 x 0.5; no gap for the third
    np.testing.assert_allclose(got, [1.5, 1.0, 0.0])


def test_the_replicator_only_moves_shares_within_a_sector():
    relative = np.array([0.9, 1.0, 1.2])
    sales = np.array([2.0, 5.0, 1.0])
    mean = (sales * relative).sum() / sales.sum()
    moved = sales * demand.replicator_factor(relative / mean, 1.0)
    assert moved.sum() == pytest.approx(sales.sum())
    assert moved[2] / sales[2] > moved[1] / sales[1] > moved[0] / sales[0]


def test_without_projects_or_incumbent_investment_industry_grows_no_faster_than_productivity():
    _, tables = run({"investment": {"projects_per_year": 0}, "firms": {"financing_multiple": 0.0},
                     "horizon": {"last_year": 2033}})
    va = district(tables, "industrial_va_100m_cny")
    growth = np.diff(np.log(va))[1:]  # from 2024: projects signed before 2023 are still ramping up in 2023
    assert growth.mean() < 0.03


def test_a_sector_output_rises_with_its_outside_demand_path():
    faster = {"demand": {"outside_growth_per_year": {"new_energy": 0.10}}}
    _, base = run({})
    _, more = run(faster)
    # measured x1.17 with the scenario wage path, x1.09 since wages follow output per worker (the labour market
    # binds more: the sector's extra sales need workers that the others lose): the sign with a margin
    assert sector_output(more, "new_energy", 2029) > 1.05 * sector_output(base, "new_energy", 2029)


def test_a_negative_demand_shock_lowers_output_and_employment_and_raises_exits():
    shock = {"demand": {"shocks": [{"sector": "light_textile", "first_year": 2025, "last_year": 2027,
                                    "growth_change_per_year": -0.3}]}}
    base_exits, base = exits_by_year({}, "light_textile")
    shocked_exits, shocked = exits_by_year(shock, "light_textile")
    assert sector_output(shocked, "light_textile", 2027) < 0.8 * sector_output(base, "light_textile", 2027)
    assert sector_employment(shocked, "light_textile", 2027) < 0.8 * sector_employment(base, "light_textile", 2027)
    years = range(2025, 2029)
    assert sum(shocked_exits[y] for y in years) > sum(base_exits[y] for y in years)


def exits_by_year(overrides: dict, sector: str, seed: int = 1) -> tuple[dict[int, int], dict]:
    """Exits of ``sector``'s firms by year, counted at each year's end (exited firms leave the firm table at
    the next year's start: RegionModel.compact_firms), and the tables."""
    model = RegionModel(scenario("plan", {**SHORT, **overrides}), seed=seed)
    index, exits = model.sector_ids.index(sector), {}
    while model.running:
        for _ in range(model.steps_per_year):
            model.step()
        f = model.firms
        exits[model.year] = int(np.count_nonzero((f.sector == index) & ~f.alive & (f.exit_year == model.year)))
    return exits, model.records.tables()


def led_cluster_output(model, tables, sectors: tuple[str, ...], year: int) -> float:
    """Output of the clusters (zone x sector) of ``sectors`` in zones where a district park leads the sector."""
    led = {(model.zones[park.zone_index].id, sector) for park in model.parks for sector in sectors
           if model.park_leads[park.index, model.sector_ids.index(sector)] and not park.outside_district}
    c = tables["clusters"]
    return sum(o for s, z, y, o in zip(c["sector"], c["zone"], c["year"], c["industrial_output_100m_cny"])
               if y == year and (z, s) in led)


def test_steering_projects_to_focus_sectors_with_the_mix_fixed_changes_their_clusters_output():
    focus = ("new_materials", "new_energy")
    steer = {"investment": {"focus_sectors": ", ".join(focus), "steering_share": 0.8}}
    full = {"horizon": {"last_year": 2033}}
    differences = []
    for seed in range(12):
        base_model, base = run(full, seed)
        steered_model, steered = run({**steer, **full}, seed)
        differences.append(led_cluster_output(steered_model, steered, focus, 2033)
                           - led_cluster_output(base_model, base, focus, 2033))
    d = np.array(differences)  # paired by seed: common random numbers
    half_width = 2.201 * d.std(ddof=1) / np.sqrt(d.size)  # t(11), 97.5%
    assert d.mean() - half_width > 0


def test_employment_fixed_investment_and_capital_add_up_from_the_firms():
    # no certificates won or lost: they change productivity after the year's accounts, which this test reads
    # and prices held at 2022's: the tables are nominal, the firms' accounts in 2022 prices
    model, tables = run({"horizon": {"last_year": 2027}, "economy": {"observed_price_growth": [0.0],
                                                                    "price_growth_per_year": 0.0},
                         "firms": {"high_tech_certification_rate": 0.0, "high_tech_loss_rate": 0.0}})
    snap = firm_accounting_snapshot(model)
    inside = snap["in_district"]
    industrial = district(tables, "industrial_employment_10k")[-1]
    assert industrial == pytest.approx(snap["employment_persons"][inside].sum() / 1e4)
    assert district(tables, "industrial_va_100m_cny")[-1] == pytest.approx(
        snap["value_added_100m_cny"][inside].sum())
    live = snap["alive"] & inside
    assert district(tables, "capital_stock_100m_cny")[-1] == pytest.approx(snap["capital_100m_cny"][live].sum())
    s = model.year_stats
    assert district(tables, "fixed_asset_investment_100m_cny")[-1] == pytest.approx(
        s["fai_incumbents_100m_cny"] + s["fai_upgrades_100m_cny"] + s["fai_projects_100m_cny"]
        + s["fai_construction_orders_100m_cny"])  # and the investment outside the firms (sim.rules.economy)
    live_rows = np.flatnonzero(live & (snap["employment_persons"] > 0))
    power = model.firms.productivity[live_rows] * model.place_multipliers()[model.firms.place_cell[live_rows]]
    per_worker = labour.labour_productivity(model, live_rows, power)  # 万元 per person
    np.testing.assert_allclose(snap["employment_persons"][live_rows] * per_worker / 1e4,
                               snap["value_added_100m_cny"][live_rows])
    construction = sum(t.construction_100m_cny for t in model.towns) * 1e4 / economy.construction_labour_productivity(model)
    assert district(tables, "employment_10k")[-1] == pytest.approx(industrial + construction / 1e4)
    assert set(snap) >= {"firm_id", "sector", "town", "alive", "value_added_100m_cny", "employment_persons",
                         "capital_100m_cny"}


class HalfTheWorkers(labour.LabourMarket):
    """A labour market that grants half the workers firms want (the interface a labour-market rule binds)."""

    def hire(self, model, rows, wanted):
        return wanted * 0.5


def test_a_bound_labour_market_caps_output_through_the_hiring_hook():
    free = RegionModel(scenario("plan", SHORT), seed=2)
    bound = RegionModel(scenario("plan", SHORT), seed=2)
    bound.labour_market = HalfTheWorkers()
    va = [np.array(m.run().tables()["district"]["industrial_va_100m_cny"]) for m in (free, bound)]
    assert (va[1] < 0.7 * va[0]).all()


def test_no_scenario_key_sets_a_firm_growth_drift_or_a_construction_trend():
    from sim.scenario.schema import SCHEMA
    assert "growth_drift_per_year" not in SCHEMA["firms"]
    assert "construction_growth_per_year" not in SCHEMA["economy"]
    assert SCHEMA["firms"]["productivity_growth_per_year"].source.startswith("lit F6")


def test_turnover_moves_sales_within_a_sector_without_creating_or_destroying_them():
    model = RegionModel(scenario("plan", SHORT), seed=3)
    firms = model.firms
    live = firms.live()
    by_sector = np.bincount(firms.sector[live], weights=firms.demand[live], minlength=len(model.sector_ids))
    leaving = live[::50]
    demand.pass_on_sales(model, leaving)
    model.remove_firms(leaving)
    entrants = model.add_firms(sector=firms.sector[live[1:4]], town=firms.town[live[1:4]], park=firms.park[live[1:4]],
                               capacity=np.full(3, 0.1), demand=np.full(3, 0.05))
    demand.take_sales(model, entrants)
    live = firms.live()
    after = np.bincount(firms.sector[live], weights=firms.demand[live], minlength=len(model.sector_ids))
    np.testing.assert_allclose(after, by_sector)
    assert (firms.demand[entrants] == 0.05).all()

"""Scenario variants move outcomes in the direction their mechanisms imply (means over seeds)."""

import numpy as np

from sim.results import run_tables
from tests.helpers import at, run, scenario

SEEDS = range(1, 6)


def _mean(name, table, year, column, where=None):
    values = []
    for seed in SEEDS:
        frame = at(run(name, seed)[table], year)
        if where is not None:
            frame = frame[where(frame)]
        values.append(frame[column].sum())
    return float(np.mean(values))


def test_fragmented_lowers_district_industrial_output():
    for year in (2027, 2033):
        plan = _mean("plan", "district", year, "industrial_output_100m_cny")
        fragmented = _mean("fragmented", "district", year, "industrial_output_100m_cny")
        assert fragmented < plan, (year, fragmented, plan)


# (a strict xfail until the firms' draws were keyed by the firm, not its row (s5-integ): seed 1's mean loss of
# 0.37万元 in 2033 was the noise of firms created in another order drawing other numbers)
def test_no_pairing_never_raises_paired_villages_income():
    """All else equal (town-town steering off in both), removing village pairing never raises a paired
    village's income and leaves every other village almost unchanged (common random numbers)."""
    village_pairing_only = scenario("plan", {"pairing": {"strong_weak_town_pairs": 0}})
    no_pairing = scenario("no_pairing")
    for seed in SEEDS[:3]:
        with_pairs = __import__("pandas").DataFrame(run_tables(village_pairing_only, seed)["villages"])
        without = __import__("pandas").DataFrame(run_tables(no_pairing, seed)["villages"])
        assert with_pairs.is_paired.sum() == 130 * 11 and not without.is_paired.any()
        gain = with_pairs.collective_operating_income_10k_cny - without.collective_operating_income_10k_cny
        # since the towns' labour markets (issue 12) a paired village can lose a little leasing income in a tight
        # year: the services its dividends buy hire workers that industry then lacks (seed 2, 2032: -0.4%); since
        # the district's pairing funds come out of its budget (public services, transport, land: s4-accounts),
        # its town's industry can grow a little less (measured: at most -2.9%, 7 of 1,430 village-years below -1%)
        base = without.collective_operating_income_10k_cny[with_pairs.is_paired]
        # since wages follow output per worker the budget's cost moves projects between towns in some seeds
        # (seed 1: one paired village-year -13%, 4.6% of them below -1%): the bound is on the distribution
        assert (gain[with_pairs.is_paired] < -0.01 * base).mean() < 0.05
        last = gain[with_pairs.is_paired & (with_pairs.year == 2033)]
        assert last.mean() > 0 and (last > 0).mean() > 0.5  # funds below the smallest block earn nothing yet
        # other villages move only through the economy: paired villages' dividends raise rural incomes,
        # consumer services, GDP and so firms' inside demand and leasing income, and the workers services hire (issue 12)
        relative = gain[~with_pairs.is_paired] / without.collective_operating_income_10k_cny[~with_pairs.is_paired]
        # with the labour market (issue 12) by up to 0.8% (seed 2, 2033); since the donors' funds come out of the
        # budgets' public services (up to 8-10% of a town's), whose value added and jobs follow the spending
        # (s4-accounts), by up to 3.4% (seed 1, 2033: 62 of 1,166 village-years beyond 1%)
        # (seed 1 since wages follow output per worker: up to 10%, 1.7% of village-years beyond 1%)
        assert (abs(relative) > 0.01).mean() < 0.05


def test_steered_projects_raise_recipient_towns_output():
    """Town-town pairs steer projects to the weakest towns: their industrial output rises."""
    plan_towns, none_towns = [], []
    for seed in SEEDS:
        plan = at(run("plan", seed)["towns"], 2033).set_index("town").industrial_output_100m_cny
        none = at(run("no_pairing", seed)["towns"], 2033).set_index("town").industrial_output_100m_cny
        weakest = at(run("plan", seed)["towns"], 2023).nsmallest(2, "industrial_output_100m_cny").town
        plan_towns.append(plan[weakest].sum())
        none_towns.append(none[weakest].sum())
    assert np.mean(plan_towns) > np.mean(none_towns)


def test_strong_pairing_raises_pairing_income():
    plan = _mean("plan", "villages", 2033, "pairing_income_10k_cny")
    strong = _mean("strong_pairing", "villages", 2033, "pairing_income_10k_cny")
    assert strong > plan > 0


def test_cluster_focus_grows_new_energy_and_materials():
    for column in ("new_energy_output_100m_cny", "new_materials_output_100m_cny"):
        assert _mean("cluster_focus", "district", 2030, column) > _mean("plan", "district", 2030, column)


def _zone_concentration(elasticity, seed):
    sc = scenario("plan", {"clustering": {"localization_elasticity": elasticity}})
    clusters = at(__import__("pandas").DataFrame(run_tables(sc, seed)["clusters"]), 2033)
    shares = clusters.groupby("sector").industrial_output_100m_cny.transform(lambda s: s / s.sum())
    return float((shares**2).groupby(clusters.sector).sum().mean())


def test_larger_localization_elasticity_concentrates_sectors():
    low = np.mean([_zone_concentration(0.0, s) for s in SEEDS])
    high = np.mean([_zone_concentration(0.15, s) for s in SEEDS])
    assert high > low, (low, high)


def test_plan_lands_more_investment_than_baseline():
    base = _mean("baseline", "district", 2025, "investment_landed_100m_cny")
    plan = _mean("plan", "district", 2025, "investment_landed_100m_cny")
    assert plan > base


def test_cobuilt_park_is_outside_the_accounts_but_shares_tax():
    """新台 co-built park: its firms produce outside Xinhui's GDP; the partner town gets a tax share."""
    with_park = run("plan", 1)
    without = run_tables(scenario("plan", {"pairing": {"cobuilt_park_land_mu": 0.0}}), 1)
    district = with_park["district"].set_index("year")
    assert (district.loc[:2025, "cobuilt_park_va_100m_cny"] == 0).all()
    assert district.loc[2033, "cobuilt_park_va_100m_cny"] > 0
    assert all(v == 0 for v in without["district"]["cobuilt_park_va_100m_cny"])
    parks = with_park["parks"]
    assert "xintai_cobuilt" in set(parks.park)
    assert at(parks[parks.park == "xintai_cobuilt"], 2025).land_total_mu.iloc[0] == 0
    assert at(parks[parks.park == "xintai_cobuilt"], 2026).land_total_mu.iloc[0] >= 2000

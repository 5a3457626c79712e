"""Households, services, urbanisation and the 陈皮 chain (issue 12): behaviour and identities."""

from __future__ import annotations

import math

import pytest

from sim.model import RegionModel
from sim.rules import chenpi, households, services, urbanisation


def built(scenario: str = "plan", **overrides) -> RegionModel:
    return RegionModel(scenario, seed=3, collect=False, scale=0.2, **overrides)


def run_years(model: RegionModel, years: int) -> RegionModel:
    for _ in range(years * model.steps_per_year):
        model.step()
    return model


def test_higher_household_income_raises_consumer_services():
    model = built()
    coefficient = model.consumer_services_coefficient
    before = services.components(model, coefficient)
    town = model.towns[3]
    town.urban_income_per_head_cny *= 1.2
    town.rural_income_per_head_cny *= 1.2
    after = services.components(model, coefficient)
    assert after[town.index]["consumer"] > before[town.index]["consumer"] * 1.2  # income elasticity above 1
    centre = model.town_index[model.params.services.centre_town]
    assert after[centre]["consumer"] > before[centre]["consumer"]  # part is bought in the centre
    for other in model.towns:
        assert after[other.index]["producer"] == before[other.index]["producer"]


def test_higher_transfers_raise_consumer_services_through_incomes_in_a_run():
    low = run_years(built(**{"households.urban_transfers_cny_per_head": 13000.0}), 2)
    high = run_years(built(**{"households.urban_transfers_cny_per_head": 20000.0}), 2)
    assert services.district_components(high)["consumer"] > services.district_components(low)["consumer"]


def test_parts_add_up_to_the_base_year_tertiary_and_every_year():
    model = built()
    tertiary_2022 = sum(t.tertiary_100m_cny for t in model.towns)
    assert math.isclose(sum(services.district_components(model).values()), tertiary_2022, rel_tol=1e-12)
    region = model.region.district
    expected = region["gdp_2023_100m_cny"] * region["sector_shares_2023"]["tertiary"] \
        / (1 + region["real_growth_2023"]["tertiary"]) * model.scale
    assert math.isclose(tertiary_2022, expected, rel_tol=1e-9)
    run_years(model, 2)
    for town in model.towns:
        assert math.isclose(sum(town.tertiary_by_component_100m_cny.values()), town.tertiary_100m_cny, rel_tol=1e-12)
        assert all(v >= 0 for v in town.tertiary_by_component_100m_cny.values())


def test_more_industrial_output_raises_producer_services():
    model = built()
    before = services.components(model, model.consumer_services_coefficient)
    model.towns[2].industrial_output_100m_cny *= 1.5
    after = services.components(model, model.consumer_services_coefficient)
    assert after[2]["producer"] > before[2]["producer"]


def test_public_value_added_follows_each_towns_public_spending():
    model = built()
    ratio = model.params.services.public_services_va_ratio
    spending = services.public_services_spending(model)
    assert math.isclose(sum(spending.values()), model.params.services.public_services_spending_2022_100m_cny
                        * model.scale, rel_tol=1e-12)  # the base year's level
    model.towns[4].public_services_100m_cny *= 2
    parts = services.components(model, model.consumer_services_coefficient)
    assert math.isclose(parts[4]["public"], 2 * spending[4] * ratio, rel_tol=1e-12)
    assert math.isclose(parts[3]["public"], spending[3] * ratio, rel_tol=1e-12)


def test_chain_starts_at_its_2022_value_and_more_area_means_more_growing_value():
    model = built()
    assert math.isclose(chenpi.chain_value(model), 190.0 * model.scale, rel_tol=1e-9)
    small = run_years(built(**{"chenpi.citrus_area_target_mu": 143000.0}), 3)
    large = run_years(built(**{"chenpi.citrus_area_target_mu": 150000.0}), 3)
    assert math.isclose(sum(t.citrus_area_mu for t in large.towns), 150000.0)  # 4,000 mu a year at most
    one_year = run_years(built(**{"chenpi.citrus_area_target_mu": 150000.0}), 1)
    assert math.isclose(sum(t.citrus_area_mu for t in one_year.towns), 147000.0)
    grow = [sum(t.chenpi_100m_cny["growing"] for t in m.towns) for m in (small, large)]
    assert grow[1] > grow[0]
    assert chenpi.chain_value(large) > chenpi.chain_value(small)


def test_value_adding_growth_halves():
    p = built().params.chenpi
    assert math.isclose(chenpi.value_adding_growth(p, int(p.value_adding_halving_years)),
                        p.value_adding_growth_per_year / 2)


def test_wage_income_split_keeps_the_total():
    urban, rural = households.split_wage_income(1e9, 30000, 20000, 0.5)
    assert math.isclose(urban * 30000 + rural * 20000, 1e9)
    assert math.isclose(rural, 0.5 * urban)


def test_farm_jobs_earn_the_farm_income_not_the_town_wage_as_well():
    model = run_years(built(), 1)
    town = model.towns[4]
    p = model.params.households
    parts = households.town_incomes(town, model)
    urban, rural = town.population * town.urban_share, town.population * (1 - town.urban_share)
    wage_bill = parts["urban_wage"] * urban + parts["rural_wage"] * rural
    earners = town.employed_residents - town.jobs_by_sector["primary"]
    assert town.jobs_by_sector["primary"] > 0
    assert math.isclose(wage_bill, town.wage_10k_cny * 1e4 * earners * p.wage_disposable_share)
    town.jobs_by_sector = {**town.jobs_by_sector, "primary": 2 * town.jobs_by_sector["primary"]}
    moved = households.town_incomes(town, model)
    assert moved["rural_wage"] < parts["rural_wage"] and moved["rural_business"] == parts["rural_business"]


def test_more_collective_income_raises_rural_income_and_its_dividend_share():
    model = built()
    town = model.towns[4]
    before = households.town_incomes(town, model)
    for village in model.villages_of_town(town.index):
        village.income_by_source_10k_cny["leasing"] *= 2
    after = households.town_incomes(town, model)
    assert after["rural_dividends"] > before["rural_dividends"]
    assert after["urban_wage"] == before["urban_wage"]


def test_urbanisation_follows_jobs_and_stays_a_share():
    p = built().params.urbanisation
    assert urbanisation.conversion_rate(p, 0.1, 0.0) > urbanisation.conversion_rate(p, 0.0, 0.0)
    assert urbanisation.conversion_rate(p, 0.0, 0.1) > urbanisation.conversion_rate(p, 0.0, 0.0)
    assert 0.0 <= urbanisation.conversion_rate(p, 50.0, 50.0) <= 1.0
    model = run_years(built(), 3)
    assert all(0.0 < t.urban_share < 1.0 for t in model.towns)


def test_town_centre_services_urbanise_the_towns():
    base = run_years(built(**{"services.town_centre_services_100m_cny_per_year": 0.0}), 3)
    push = run_years(built(**{"services.town_centre_services_100m_cny_per_year": 10.0}), 3)
    centre = base.params.services.centre_town
    gain = [p.urban_share - b.urban_share for b, p in zip(base.towns, push.towns) if b.id != centre]
    assert min(gain) > 0


@pytest.mark.parametrize("column", ["urban_rural_income_ratio", "chenpi_chain_value_100m_cny", "urban_share",
                                    "theil_town_income_per_head"])
def test_district_reports_the_new_columns(column):
    model = run_years(built(), 1)
    row = model.records.rows["district"][-1]
    assert math.isfinite(row[column]) and row[column] >= 0


@pytest.mark.parametrize("override", [{"services.producer_input_share": 1.0},
                                      {"chenpi.trade_share_of_chain_2022": 0.99}])
def test_impossible_base_year_split_is_a_scenario_error(override):
    from sim.scenario.errors import ScenarioError

    with pytest.raises(ScenarioError):
        built(**override)

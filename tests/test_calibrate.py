"""``xinhui-sim calibrate`` (ABC-SMC) and ``batch --posterior``: the machinery, not the numbers.

The quick calibration (calibration/quick.yaml, a few dozen simulations) runs end to end with a held-out
target; a second run with another number of workers must give the identical posterior. Bad configs exit 2
with one line naming file, line and key path, and write nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from sim.cli import main
from sim.results import load

ROOT = Path(__file__).resolve().parents[1]
QUICK = ROOT / "calibration" / "quick.yaml"
SCENARIOS = ROOT / "scenarios"
HELDOUT = """  - name: gdp_2024_heldout
    output: district.gdp_100m_cny
    year: 2024
    observed: 1080.0
    error: 20.0
    source: "test: a held-out figure"
"""


def config(tmp_path: Path, text: str, name: str = "cal.yaml") -> Path:
    """A calibration file in tmp_path whose scenario points at the shipped plan."""
    path = tmp_path / name
    path.write_text(text.replace("../scenarios/plan.yaml", str(SCENARIOS / "plan.yaml")), encoding="utf-8")
    return path


def quick_text() -> str:
    return QUICK.read_text(encoding="utf-8")


def calibrate(cfg: Path, out: Path, *extra: str) -> int:
    return main(["calibrate", str(cfg), "--out", str(out), *extra])


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quick")
    cfg = config(tmp, quick_text() + HELDOUT)
    out = tmp / "out"
    assert calibrate(cfg, out, "--workers", "1", "--holdout-from", "2024") == 0
    return cfg, out


def test_quick_calibration_writes_posterior_summary_predictive_and_report(quick):
    _, out = quick
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert len(posterior) == 8 and np.isclose(posterior.weight.sum(), 1.0)
    for column in ("firms.first_year_recovery_growth", "firms.productivity_growth_per_year"):
        assert posterior[column].between(0.0, 0.1).all()
    summary = pd.read_parquet(out / "posterior_summary.parquet")
    assert list(summary.parameter) == ["firms.first_year_recovery_growth", "firms.productivity_growth_per_year"]
    assert (summary.posterior_q05 <= summary.posterior_q95).all() and summary.identified.isin(["yes", "partly", "no"]).all()
    predictive = pd.read_parquet(out / "predictive.parquet").set_index("target")
    assert predictive.role.to_dict() == {"gdp_2023": "fitted", "tertiary_share_2023": "fitted",
                                         "gdp_2024_heldout": "heldout"}
    assert (predictive.q05 <= predictive.q95).all() and (predictive.draws == 8).all()
    generations = pd.read_parquet(out / "generations.parquet")
    assert generations.simulations.sum() <= 24 and generations.epsilon.iloc[0] == np.inf
    manifest = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert manifest["holdout"] == ["gdp_2024_heldout"]
    # every simulation of the sampler is counted, those of a generation the budget left incomplete included
    incomplete = "left incomplete" in manifest["stopped"]
    assert manifest["simulations"] >= generations.simulations.sum() if incomplete else \
        manifest["simulations"] == generations.simulations.sum()
    report = (out / "calibration.md").read_text(encoding="utf-8")
    assert "firms.first_year_recovery_growth" in report and "forecast of held-out `gdp_2024_heldout`" in report
    assert not (out / ".simulations").exists() and (out / "marginals.png").stat().st_size > 1000


def test_the_held_out_target_does_not_steer_the_sampler(quick, tmp_path):
    """Its observed value is ignored: the same calibration with another held-out value gives the same posterior."""
    cfg, out = quick
    other = config(tmp_path, quick_text() + HELDOUT.replace("1080.0", "5000.0"))
    assert calibrate(other, tmp_path / "out", "--workers", "1", "--holdout-from", "2024", "--budget", "8") == 0
    first = pd.read_parquet(out / "particles.parquet").query("generation == 0")
    again = pd.read_parquet(tmp_path / "out" / "particles.parquet")
    pd.testing.assert_frame_equal(first.reset_index(drop=True), again.reset_index(drop=True))


def test_same_config_and_seed_give_the_same_posterior_with_any_number_of_workers(quick, tmp_path):
    cfg, out = quick
    assert calibrate(cfg, tmp_path / "again", "--workers", "2", "--holdout-from", "2024") == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "particles.parquet"),
                                  pd.read_parquet(tmp_path / "again" / "particles.parquet"))
    pd.testing.assert_frame_equal(pd.read_parquet(out / "predictive.parquet"),
                                  pd.read_parquet(tmp_path / "again" / "predictive.parquet"))


def test_the_dask_executor_gives_the_same_particles(quick, tmp_path):
    cfg, out = quick
    args = ("--executor", "dask", "--workers", "1", "--holdout-from", "2024", "--budget", "8")
    assert calibrate(cfg, tmp_path / "dask", *args) == 0
    first = pd.read_parquet(out / "particles.parquet").query("generation == 0").reset_index(drop=True)
    pd.testing.assert_frame_equal(first, pd.read_parquet(tmp_path / "dask" / "particles.parquet"))


ERROR = re.compile(r"^error: (?P<file>.+?):(?P<line>\d+): \[(?P<key>.+?)\] (?P<message>.+)$")
PRIOR = "  firms.first_year_recovery_growth:\n    distribution: uniform\n    low: 0.0\n"
TARGETS_BLOCK = quick_text()[quick_text().index("targets:"):]

BAD = {
    "unknown parameter": (lambda t: t.replace("firms.first_year_recovery_growth:", "firms.first_year_recovery:"),
                          "firms.first_year_recovery:", "parameters.firms.first_year_recovery", "unknown parameter"),
    "prior outside the schema": (lambda t: t.replace("    low: 0.0\n    high: 0.1", "    low: -0.9\n    high: 0.1"),
                                 "low: -0.9", "parameters.firms.first_year_recovery_growth.low", "schema's minimum"),
    "unknown output column": (lambda t: t.replace("output: district.gdp_100m_cny", "output: district.gdp_1e8_cny"),
                              "district.gdp_1e8_cny", "targets[0].output", "no column 'gdp_1e8_cny'"),
    "unknown output table": (lambda t: t.replace("output: district.gdp_100m_cny", "output: county.gdp_100m_cny"),
                             "county.gdp_100m_cny", "targets[0].output", "table.column"),
    "year outside the simulated years": (lambda t: t.replace("year: 2023\n    observed: 1011.25",
                                                             "year: 2015\n    observed: 1011.25"),
                                         "year: 2015", "targets[0].year", "historical_start"),
    "zero observation error": (lambda t: t.replace("error: 15.0", "error: 0"), "error: 0",
                               "targets[0].error", "must be > 0"),
    "negative observation error": (lambda t: t.replace("error: 0.005", "error: -0.005"), "error: -0.005",
                                   "targets[1].error", "must be > 0"),
    "empty target list": (lambda t: t.replace(TARGETS_BLOCK, "targets: []\n"), "targets: []", "targets",
                          "non-empty list"),
    "unknown method": (lambda t: t.replace("name: abc_smc", "name: mcmc"), "name: mcmc", "method.name",
                       "must be one of abc_smc"),
    "cut-off below one error": (lambda t: t.replace("  predictive: 8", "  predictive: 8\n  unreachable_beyond: 0.5"),
                                "unreachable_beyond: 0.5", "method.unreachable_beyond", ">= 1"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_config_exits_2_with_file_line_and_key_and_writes_nothing(case, tmp_path, capsys):
    edit, needle, key, fragment = BAD[case]
    text = edit(quick_text())
    assert text != quick_text()
    cfg = config(tmp_path, text)
    out = tmp_path / "out"
    assert calibrate(cfg, out) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    match = ERROR.match(lines[0])
    assert match, lines[0]
    expected = next(i for i, line in enumerate(cfg.read_text(encoding="utf-8").splitlines(), 1) if needle in line)
    assert (match["file"], int(match["line"]), match["key"]) == (str(cfg), expected, key)
    assert fragment in match["message"]
    assert not out.exists()


def test_holding_out_every_target_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    assert calibrate(config(tmp_path, quick_text()), out, "--holdout-from", "2023") == 2
    assert "[--holdout-from]" in capsys.readouterr().err and not out.exists()


def test_shipped_calibration_files_validate():
    from sim.calibration.config import load_config

    for path in sorted((ROOT / "calibration").glob("*.yaml")):
        cfg = load_config(path)
        assert cfg.fitted and all(t.error > 0 for t in cfg.targets), path
        assert all(t.needs for t in cfg.skipped)


def posterior_file(path: Path, values: list[float]) -> Path:
    """A posterior of one parameter with equal weights, as ``calibrate`` writes it."""
    table = pa.table({"generation": [0] * len(values), "particle": list(range(len(values))),
                      "weight": [1.0] * len(values), "distance": [0.0] * len(values), "seed": [0] * len(values),
                      "firms.productivity_growth_per_year": values})
    meta = {"format": "xinhui-sim posterior 1", "parameters": ["firms.productivity_growth_per_year"]}
    pq.write_table(table.replace_schema_metadata({b"xinhui_posterior": json.dumps(meta).encode()}), path)
    return path


def test_posterior_draws_are_paired_across_variants_and_paired_differences_are_narrower(tmp_path):
    post = posterior_file(tmp_path / "posterior.parquet", [-0.02, 0.0, 0.01, 0.02, 0.03, 0.05, 0.08])
    out = tmp_path / "batch"
    argv = ["batch", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "plan.yaml"), "--reps", "6", "--out",
            str(out), "--posterior", str(post), "--workers", "2", "--no-progress"]
    assert main(argv) == 0
    results = load(out)
    runs = results.runs.set_index(["variant", "replicate"])
    column = "firms__productivity_growth_per_year"
    draws = runs.loc["plan", column]
    assert draws.nunique() > 2  # the replicates really draw different parameters
    pd.testing.assert_series_equal(runs.loc["baseline", column], draws)
    manifest = results.manifest["posterior"]
    assert manifest["parameters"] == ["firms.productivity_growth_per_year"] and len(manifest["draws"]) == 6
    gdp = results.district.query("year == 2033").set_index(["variant", "replicate"]).gdp_100m_cny
    plan, base = gdp.loc["plan"].to_numpy(), gdp.loc["baseline"].to_numpy()
    paired, unpaired = plan - base, plan - np.roll(base, 1)
    assert paired.std() < unpaired.std() / 2, (paired.std(), unpaired.std())
    assert main(["compare", str(out), "--baseline", "plan"]) == 0  # the executive summary says so too
    assert "include the uncertainty of 1 calibrated parameters" in (out / "summary.md").read_text(encoding="utf-8")


def test_a_posterior_of_unknown_parameters_is_refused(tmp_path, capsys):
    post = posterior_file(tmp_path / "posterior.parquet", [0.01, 0.02])
    table = pq.read_table(post)
    meta = {"format": "xinhui-sim posterior 1", "parameters": ["economy.no_such_key"]}
    table = table.rename_columns([c.replace("firms.productivity_growth_per_year", "economy.no_such_key")
                                  for c in table.column_names])
    pq.write_table(table.replace_schema_metadata({b"xinhui_posterior": json.dumps(meta).encode()}), post)
    out = tmp_path / "batch"
    assert main(["batch", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--posterior", str(post)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "[--posterior]" in err[0] and "economy.no_such_key" in err[0]
    assert not out.exists()


def test_abc_smc_concentrates_on_the_observation_of_a_toy_model():
    """The sampler alone, on a model whose answer is known: value = theta + noise(sd 0.05), observed 0.6 +- 0.05.

    The exact posterior (flat prior on [0, 1]) is normal(0.6, 0.07); ABC-SMC must move from the prior's mean
    0.5 and sd 0.29 to near it, with importance weights that stay usable (ESS > N/4).
    """
    from sim.calibration.abc import abc_smc
    from sim.calibration.config import CalibrationConfig, Method, Prior, Target

    prior = Prior("x.theta", "uniform", 0.0, 1.0, None, None, "test")
    target = Target("y", "district", "y", None, "sum", 2023, 0.6, 0.05, "none", "test")
    method = Method("abc_smc", budget=3000, population=200, quantile=0.5, min_epsilon=0.5, max_generations=8,
                    predictive=0)
    cfg = CalibrationConfig("toy", "", None, 3, method, (prior,), (target,), ())

    def simulate(thetas, seeds, tag):
        noise = [np.random.default_rng(s).normal(0, 0.05) for s in seeds]
        return thetas[:, :1] + np.array(noise)[:, None]

    result = abc_smc(cfg, simulate)
    final = result.final
    mean = float(np.sum(final.weights * final.thetas[:, 0]))
    sd = float(np.sqrt(np.sum(final.weights * (final.thetas[:, 0] - mean) ** 2)))
    assert abs(mean - 0.6) < 0.03 and 0.02 < sd < 0.1, (mean, sd)
    assert final.ess > method.population / 4 and len(result.generations) >= 2
    assert [g.epsilon for g in result.generations] == sorted((g.epsilon for g in result.generations), reverse=True)


def _toy(targets, **method):
    from sim.calibration.config import CalibrationConfig, Method, Prior

    prior = Prior("x.theta", "uniform", 0.0, 1.0, None, None, "test")
    settings = dict(budget=3000, population=200, quantile=0.5, min_epsilon=0.5, max_generations=8, predictive=0)
    return CalibrationConfig("toy", "", None, 3, Method("abc_smc", **{**settings, **method}), (prior,),
                             tuple(targets), ())


def _toy_simulate(targets: int):
    """Outputs theta + noise (sd 0.05) and 2 theta + noise (never above about 2.2): the first ``targets``."""
    def simulate(thetas, seeds, tag):
        noise = np.array([np.random.default_rng(s).normal(0, 0.05) for s in seeds])
        return np.column_stack([thetas[:, 0] + noise, 2 * thetas[:, 0] + noise])[:, :targets]

    return simulate


def test_a_target_the_prior_cannot_reach_is_left_out_of_the_distance_and_reported_as_a_misfit():
    """Observed 5 for an output below 2.2 everywhere in the prior: with it in the distance the sampler would
    accept only particles at theta's upper edge; screened out, the posterior is the one of the reachable target."""
    from sim.calibration.abc import abc_smc
    from sim.calibration.config import Target
    from sim.calibration.report import predictive_frame

    fit = Target("y", "district", "y", None, "sum", 2023, 0.6, 0.05, "none", "test")
    far = Target("far", "district", "z", None, "sum", 2023, 5.0, 0.1, "none", "test")
    alone, both = abc_smc(_toy([fit]), _toy_simulate(1)), abc_smc(_toy([fit, far]), _toy_simulate(2))
    assert list(both.used) == [True, False] and list(alone.used) == [True]
    assert np.array_equal(alone.final.thetas, both.final.thetas)
    assert both.final.ess > 200 / 4
    pred = predictive_frame(_toy([fit, far]), both.final.values, both.used, both.generations[0].values)
    assert list(pred.role) == ["fitted", "unreachable"] and pred.closest_prior_misfit[1] > 25
    with_far = abc_smc(_toy([fit, far], unreachable_beyond=100.0), _toy_simulate(2))  # the screen switched off
    assert list(with_far.used) == [True, True]
    assert float(np.sum(with_far.final.weights * with_far.final.thetas[:, 0])) > 0.9  # pushed to the edge


def test_twenty_parameters_propose_inside_the_bounds_and_the_uninformed_ones_keep_their_prior():
    """19 of 20 parameters move no output: their posterior must stay uniform on [0, 1] (mean 0.5, sd 0.29),
    which needs the logit kernel's weights to carry the Jacobian; every proposal lies inside the bounds."""
    from sim.calibration.abc import abc_smc
    from sim.calibration.config import CalibrationConfig, Method, Prior, Target

    priors = tuple(Prior(f"x.p{i}", "uniform", 0.0, 1.0, None, None, "test") for i in range(20))
    fit = Target("y", "district", "y", None, "sum", 2023, 0.6, 0.05, "none", "test")
    method = Method("abc_smc", budget=4000, population=300, quantile=0.5, min_epsilon=0.7, max_generations=6,
                    predictive=0)
    result = abc_smc(CalibrationConfig("toy", "", None, 4, method, priors, (fit,), ()), _toy_simulate(1))
    final = result.final
    assert len(result.generations) >= 3 and final.ess > 300 / 4
    assert all(((g.thetas > 0) & (g.thetas < 1)).all() for g in result.generations)
    mean = final.weights @ final.thetas
    sd = np.sqrt(final.weights @ (final.thetas - mean) ** 2)
    assert abs(mean[0] - 0.6) < 0.05 and sd[0] < 0.12
    assert abs(mean[1:].mean() - 0.5) < 0.03 and 0.25 < sd[1:].mean() < 0.33, (mean[1:].mean(), sd[1:].mean())


def test_the_sampler_stops_when_acceptance_falls_below_min_acceptance():
    from sim.calibration.abc import abc_smc
    from sim.calibration.config import Target

    fit = Target("y", "district", "y", None, "sum", 2023, 0.6, 0.05, "none", "test")
    result = abc_smc(_toy([fit], min_epsilon=0.0, min_acceptance=0.3, max_generations=30), _toy_simulate(1))
    assert "min_acceptance" in result.stopped and result.final.acceptance < 0.3
    assert all(g.acceptance >= 0.3 for g in result.generations[1:-1])


def test_when_every_simulation_fails_nothing_is_written_and_the_exit_status_is_1(tmp_path, monkeypatch, capsys):
    from sim.calibration.simulate import Simulator

    def failing(self, thetas, seeds, tag):
        self.failures, self.first_error = self.failures + len(seeds), "ValueError: broken (model.py:1 in step)"
        return np.full((len(seeds), len(self.config.targets)), np.nan)

    monkeypatch.setattr(Simulator, "run", failing)
    out = tmp_path / "out"
    assert calibrate(config(tmp_path, quick_text()), out, "--workers", "1") == 1
    err = capsys.readouterr().err
    assert "no generation completed" in err and "ValueError: broken" in err
    assert not out.exists()


def test_an_interrupted_calibration_resumes_to_the_same_posterior(quick, tmp_path, monkeypatch, capsys):
    import sim.calibration.run as run_module

    cfg, out = quick
    args = ("--workers", "1", "--holdout-from", "2024")
    real_save = run_module.save_generation

    def crash_after_first(folder, gen):
        real_save(folder, gen)
        raise RuntimeError("killed")

    monkeypatch.setattr(run_module, "save_generation", crash_after_first)
    again = tmp_path / "again"
    with pytest.raises(RuntimeError, match="killed"):
        calibrate(cfg, again, *args)
    monkeypatch.setattr(run_module, "save_generation", real_save)
    assert not (again / "posterior.parquet").exists()
    assert calibrate(cfg, again, "--budget", "30", *args) == 2  # another budget: not the same calibration
    capsys.readouterr()
    assert calibrate(cfg, again, *args) == 0
    assert "resuming after generation 0 (8 simulations done)" in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_parquet(out / "particles.parquet"),
                                  pd.read_parquet(again / "particles.parquet"))
    assert not (again / ".state").exists()
    assert calibrate(cfg, again, *args) == 2  # finished: not resumed again


def test_a_set_of_a_posterior_parameter_is_refused(tmp_path, capsys):
    """The runs would use the --set value while every table recorded the draw."""
    post = posterior_file(tmp_path / "posterior.parquet", [0.01, 0.02])
    out = tmp_path / "batch"
    argv = ["batch", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--posterior", str(post),
            "--set", "firms.productivity_growth_per_year=0.03"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "[--set]" in err[0] and "firms.productivity_growth_per_year" in err[0]
    assert not out.exists()


def test_quiet_calibration_prints_only_its_closing_line(tmp_path, capsys):
    cfg = config(tmp_path, quick_text())
    assert main(["-q", "calibrate", str(cfg), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1 and "simulations in" in lines[0], captured.err


HISTORY_TARGET = """  - name: gdp_2018
    output: district.gdp_100m_cny
    year: 2018
    observed: 677.03
    error: 12.0
    needs: historical_start
    source: "factpedia wiki mirror (xinhui_facts.md §4a)"
"""


def test_the_historical_start_makes_the_pre_2023_targets_usable(tmp_path):
    from sim.calibration.config import load_config

    text = quick_text() + HISTORY_TARGET
    assert [t.name for t in load_config(config(tmp_path, text, "base.yaml")).skipped] == ["gdp_2018"]
    cfg = config(tmp_path, text.replace("seed: 7", "seed: 7\nstart: historical")
                 .replace("budget: 24", "budget: 8").replace("population: 8", "population: 4")
                 .replace("predictive: 8", "predictive: 0"))
    loaded = load_config(cfg)
    assert not loaded.skipped and "gdp_2018" in [t.name for t in loaded.fitted]
    assert loaded.scenario.data["horizon"]["start"] == "historical"
    out = tmp_path / "out"
    assert calibrate(cfg, out, "--workers", "1") == 0
    predictive = pd.read_parquet(out / "predictive.parquet")
    assert "gdp_2018" in set(predictive.get("target", predictive.columns))


def test_the_shipped_posterior_loads_and_the_main_job_uses_it():
    """The main job's batch draws from calibration/posterior/xinhui.parquet (docs/calibration.md §5); its
    parameters are today's schema keys and none is a lever the variants set (a draw would erase it)."""
    from sim.calibration.posterior import load_posterior

    posterior = load_posterior(ROOT / "calibration" / "posterior" / "xinhui.parquet")
    assert len(posterior.weights) >= 20 and abs(posterior.weights.sum() - 1) < 1e-9
    levers = set()
    for path in SCENARIOS.glob("*.yaml"):
        for section, keys in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            levers |= {f"{section}.{k}" for k in keys} if isinstance(keys, dict) else set()
    assert not levers & set(posterior.parameters)
    main_sh = (ROOT / "scripts" / "main.sh").read_text(encoding="utf-8")
    assert "calibration/posterior/xinhui.parquet" in main_sh and "--posterior" in main_sh


SCRIPT_CONFIG = """scenario: {scenario}
start: historical
seed: 5
method: {{name: abc_smc, budget: 4, population: 2, quantile: 0.5, min_epsilon: 0.0, max_generations: 2,
         predictive: 2}}
parameters:
  firms.productivity_growth_per_year: {{distribution: uniform, low: 0.0, high: 0.06, source: "test"}}
targets:
  - {{name: gdp_2018, output: district.gdp_100m_cny, year: 2018, observed: 677.03, error: 30.0, source: "test",
     needs: historical_start}}
  - {{name: gdp_2023, output: district.gdp_100m_cny, year: 2023, observed: 1011.25, error: 30.0, source: "test"}}
"""


def test_the_calibration_script_runs_both_calibrations_installs_the_posterior_and_reports_the_forecast(tmp_path):
    """scripts/calibrate.sh with a tiny historical config: full run, hold-out from 2021, install, summary; a
    second call skips both finished runs."""
    import os
    import subprocess

    cfg = tmp_path / "tiny.yaml"
    cfg.write_text(SCRIPT_CONFIG.format(scenario=SCENARIOS / "plan.yaml"), encoding="utf-8")
    env = {**os.environ, "CONFIG": str(cfg), "OUT": str(tmp_path / "runs"), "DEST": str(tmp_path / "dest"),
           "HOLDOUT_BUDGET": "4", "WORKERS": "2"}
    script = ROOT / "scripts" / "calibrate.sh"
    done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "generation 0:" in done.stderr and "ESS" in done.stderr
    assert "forecast of gdp_2023" in done.stdout and "width" in done.stdout and "held-out figures" in done.stdout
    assert (tmp_path / "runs" / "holdout_2021" / "predictive.parquet").is_file()
    for name in ("xinhui.parquet", "xinhui.md", "xinhui_holdout.md"):
        assert (tmp_path / "dest" / name).is_file()
    posterior = pd.read_parquet(tmp_path / "dest" / "xinhui.parquet")
    assert posterior.equals(pd.read_parquet(tmp_path / "runs" / "full" / "posterior.parquet"))
    again = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0 and again.stderr.count("finished already") == 2, again.stderr[-2000:]


def test_correlated_parameters_get_a_pair_plot(tmp_path):
    from sim.calibration.abc import Generation
    from sim.calibration.config import CalibrationConfig, Method, Prior
    from sim.calibration.report import correlated_pairs, write_pairs

    priors = tuple(Prior(f"x.p{i}", "uniform", 0.0, 1.0, None, None, "test") for i in range(3))
    rng = np.random.default_rng(1)
    a = rng.uniform(size=50)
    thetas = np.column_stack([a, 0.9 * a + 0.05 * rng.uniform(size=50), rng.uniform(size=50)])
    gen = Generation(1, 1.0, thetas, np.full(50, 0.02), np.zeros(50), np.zeros((50, 1)), np.zeros(50, dtype=int),
                     50, 0.0)
    cfg = CalibrationConfig("toy", "", None, 1, Method("abc_smc", 10, 2, 0.5, 0.0, 2, 0), priors, (), ())
    pairs = correlated_pairs(cfg, gen)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)] and pairs[0][2] > 0.95
    write_pairs(tmp_path / "pairs.png", cfg, gen)
    assert (tmp_path / "pairs.png").stat().st_size > 1000

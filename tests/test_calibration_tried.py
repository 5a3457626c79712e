"""The report's "what was tried" for every missed target (sim/calibration/tried.py): the closest prior draw, the
parameters that move the target, and a wider prior within the schema's bounds, simulated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration import tried
from sim.calibration.abc import abc_smc
from sim.calibration.config import CalibrationConfig, Method, Prior, Target
from sim.calibration.report import predictive_frame

ROOT = Path(__file__).resolve().parents[1]


def toy_config(*targets: Target) -> CalibrationConfig:
    """Two parameters on [0, 1]: ``x.a`` moves the outputs, ``x.b`` does nothing."""
    priors = (Prior("x.a", "uniform", 0.0, 1.0, None, None, "test"),
              Prior("x.b", "uniform", 0.0, 1.0, None, None, "test"))
    method = Method("abc_smc", budget=600, population=100, quantile=0.5, min_epsilon=0.5, max_generations=4,
                    predictive=0)
    return CalibrationConfig("toy", "", None, 5, method, priors, targets, ())


def simulate(thetas, seeds, tag):
    """y = a + noise (sd 0.02), z = 2 a + noise: z never exceeds about 2.06 on the prior, 4 at a = 2."""
    noise = np.array([np.random.default_rng(int(s)).normal(0, 0.02) for s in seeds])
    return np.column_stack([thetas[:, 0] + noise, 2 * thetas[:, 0] + noise])


Y = Target("y", "district", "y", None, "sum", 2023, 0.4, 0.02, "none", "test")


def run(far: Target):
    config = toy_config(Y, far)
    result = abc_smc(config, simulate)
    pred = predictive_frame(config, result.final.values, result.used, result.generations[0].values)
    found = tried.probes(config, pred, result.generations[0], result.final)
    design = tried.probe_design(config, found)
    values = simulate(design, list(range(len(design))), "probe")
    return config, pred, tried.tried_frame(config, pred, result.generations[0], found, values)


def test_a_missed_target_gets_its_closest_prior_draw_its_mover_and_a_wider_prior_that_reaches_it():
    """z observed 3.6 +- 0.5 while the prior reaches at most ~2.06 and y (error 0.02) holds a near 0.4: z is
    missed. Its mover is x.a (x.b moves nothing); the wider prior puts x.a one width beyond the edge 1.0 (no
    schema bound), at 2.0, where z = 4.0 is 0.8 errors off: a wider prior would let the calibration fit it."""
    far = Target("z", "district", "z", None, "sum", 2023, 3.6, 0.5, "none", "test")
    config, pred, frame = run(far)
    assert not pred.inside_90[1]
    assert list(frame.target) == list(pred.target[~pred.inside_90])  # only the missed targets
    row = frame.set_index("target").loc["z"]
    assert row.movers.startswith("x.a (+")
    assert 1.9 < row.closest_prior_value < 2.1 and row.closest_prior_misfit < -tried.REACHED
    assert row.probe_parameter == "x.a" and row.prior_edge == 1.0 and row.probe_value == 2.0
    assert abs(row.probe_result - 4.0) < 0.1 and abs(row.probe_misfit) <= tried.REACHED
    assert row.verdict.startswith("reached with x.a between 1 and 2")
    text = "\n".join(tried.markdown_section(frame))
    assert "`z`" in text and "moved most by: x.a" in text and "closest prior draw" in text


def test_a_target_even_the_wider_prior_cannot_reach_is_called_structural():
    far = Target("z", "district", "z", None, "sum", 2023, 10.0, 0.5, "none", "test")
    _, _, frame = run(far)
    row = frame.iloc[0]
    assert row.probe_misfit < -tried.REACHED and "structural" in row.verdict and "closer" in row.verdict


def test_a_missed_target_some_prior_draw_reaches_is_a_trade_off_not_a_prior_too_narrow():
    far = Target("z", "district", "z", None, "sum", 2023, 1.6, 0.5, "none", "test")  # prior reaches it
    _, pred, frame = run(far)
    row = frame.set_index("target").loc["z"]
    assert row.probe_parameter == "" and row.verdict.startswith("not needed: a prior draw comes within")


def test_the_wider_prior_goes_the_way_that_closes_the_misfit_and_stops_at_the_schema_bound():
    prior = Prior("firms.productivity_growth_per_year", "uniform", 0.0, 0.06, None, None, "test")  # schema max 0.1
    config = CalibrationConfig("toy", "", None, 1, toy_config().method, (prior,), (Y,), ())
    base = np.array([0.03])
    up = tried.probe_for(config, 0, np.array([0.8]), +1, base)
    assert up.value == 0.1 and up.edge == 0.06 and up.bound == 0.1  # 0.12 clipped to the schema's 0.1
    down = tried.probe_for(config, 0, np.array([0.8]), -1, base)
    assert down.value == -0.05 and down.edge == 0.0  # 0.0 - 0.06 clipped to the schema's -0.05
    flipped = tried.probe_for(config, 0, np.array([-0.8]), +1, base)  # a negative mover: lower it to raise
    assert flipped.value == -0.05
    assert tried.probe_for(config, 0, np.array([np.nan]), +1, base) is None
    assert base[0] == 0.03  # the best particle is not modified


def test_bounds_say_which_way_the_model_must_move():
    lower = Target("t", "district", "t", None, "sum", 2023, 230.0, 10.0, "lower", "test")
    upper = Target("t", "district", "t", None, "sum", 2023, 230.0, 10.0, "upper", "test")
    assert tried.direction(lower, 500.0) == 1 and tried.direction(upper, 10.0) == -1
    assert tried.direction(Y, 0.1) == 1 and tried.direction(Y, 0.9) == -1


def test_nothing_missed_gives_an_empty_section_and_the_documented_columns():
    frame = tried.tried_columns(None)
    assert list(frame.columns) == list(tried.COLUMNS) and tried.markdown_section(frame) == []


def test_rank_correlations_skip_constant_columns_and_failed_runs():
    thetas = np.column_stack([np.arange(10.0), np.full(10, 3.0)])
    values = np.where(np.arange(10) == 4, np.nan, np.arange(10.0) ** 2)
    rho = tried.rank_correlations(thetas, values)
    assert rho[0] == 1.0 and np.isnan(rho[1])


def test_the_calibration_writes_what_was_tried_for_a_missed_target(tmp_path):
    """End to end on the quick config plus a figure no parameter set reaches (2023 GDP of 2,000亿)."""
    from sim.cli import main

    text = (ROOT / "calibration" / "quick.yaml").read_text(encoding="utf-8")
    text = text.replace("../scenarios/plan.yaml", str(ROOT / "scenarios" / "plan.yaml"))
    text = text.replace("budget: 24", "budget: 8").replace("predictive: 8", "predictive: 4")
    text += ("  - {name: gdp_2023_far, output: district.gdp_100m_cny, year: 2023, observed: 2000.0, error: 15.0,\n"
             "     source: test}\n")
    (tmp_path / "cal.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["calibrate", str(tmp_path / "cal.yaml"), "--out", str(out), "--workers", "1"]) == 0
    frame = pd.read_parquet(out / "tried.parquet").set_index("target")
    assert "gdp_2023_far" in frame.index
    row = frame.loc["gdp_2023_far"]
    assert row.probe_parameter in ("firms.first_year_recovery_growth", "firms.productivity_growth_per_year")
    assert np.isfinite(row.probe_result) and "structural" in row.verdict
    report = (out / "calibration.md").read_text(encoding="utf-8")
    assert "## What was tried" in report and "`gdp_2023_far`" in report
    from sim.calibration.install import tried_lines  # what scripts/calibrate.sh prints

    assert any("gdp_2023_far" in line and "structural" in line for line in tried_lines(out))
    import json
    assert json.loads((out / "calibration.json").read_text(encoding="utf-8"))["probe_simulations"] == \
        tried.PROBE_SEEDS * len(frame[frame.probe_parameter != ""])

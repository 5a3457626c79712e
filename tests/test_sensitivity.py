"""A tiny Morris analysis runs end to end and ranks the parameters for every output; ranges from a calibration's
priors or posterior over a chosen list; warnings when the sample is too small for the indices."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.validation.sensitivity import OUTPUTS, PARAMETERS, sensitivity


def test_morris_ranks_at_least_12_parameters(tmp_path):
    table = sensitivity(tmp_path, "morris", n=2, reps=1, seed=3, workers=2, progress=False)
    assert len(PARAMETERS) >= 12
    for output in OUTPUTS:
        ranked = table[table.output == output]
        assert sorted(ranked["rank"]) == list(range(1, len(PARAMETERS) + 1))
        assert (ranked.mu_star >= 0).all() and ranked.mu_star.max() > 0
    assert "firms.capital_output_ratio" in (tmp_path / "sensitivity.md").read_text(encoding="utf-8")


def test_sobol_with_a_tiny_base_sample_warns_before_running(tmp_path, monkeypatch, caplog):
    import logging

    import pytest

    from sim.validation import sensitivity as module

    class Stop(Exception):
        pass

    def stop(*args, **kwargs):
        raise Stop

    monkeypatch.setattr(module, "run_batch", stop)
    with caplog.at_level(logging.WARNING, logger="sim"), pytest.raises(Stop):
        sensitivity(tmp_path, "sobol", n=8, reps=1)
    assert f"use --n {module.SOBOL_MIN_N} or more" in caplog.text and "--n 8" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sim"), pytest.raises(Stop):
        sensitivity(tmp_path, "sobol", n=module.SOBOL_MIN_N, reps=1)
    assert "sampling error" not in caplog.text


QUICK = Path(__file__).resolve().parents[1] / "calibration" / "quick.yaml"


def _posterior(path: Path, values: dict[str, list[float]]) -> Path:
    """A posterior with equal weights over the given particles, as ``calibrate`` writes it."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(next(iter(values.values())))
    table = pa.table({"particle": list(range(n)), "weight": [1.0 / n] * n, **values})
    meta = {"format": "xinhui-sim posterior 1", "parameters": list(values)}
    pq.write_table(table.replace_schema_metadata({b"xinhui_posterior": json.dumps(meta).encode()}), path)
    return path


def test_ranges_from_a_calibration_file_are_its_priors_and_the_others_sit_at_their_medians():
    from sim.validation.sensitivity import choose_ranges

    ranges, fixed = choose_ranges(["firms.first_year_recovery_growth"], QUICK)
    assert list(ranges) == ["firms.first_year_recovery_growth"]
    assert ranges["firms.first_year_recovery_growth"][:2] == (0.0, 0.1)
    assert fixed == {"firms.productivity_growth_per_year": pytest.approx(0.0285, abs=1e-4)}  # the prior median
    ranges, fixed = choose_ranges(None, QUICK)
    lo, hi, _ = ranges["firms.productivity_growth_per_year"]  # normal(0.0285, 0.01): its 5-95%
    assert lo == pytest.approx(0.0285 - 1.645 * 0.01, abs=1e-3) and hi == pytest.approx(0.0285 + 1.645 * 0.01, abs=1e-3)
    assert fixed == {}


def test_ranges_from_a_posterior_are_its_weighted_90_percent_intervals(tmp_path):
    from sim.validation.sensitivity import choose_ranges

    post = _posterior(tmp_path / "posterior.parquet", {
        "firms.productivity_growth_per_year": list(np.linspace(0.01, 0.05, 41)),
        "demand.inside_share": [0.2] * 20 + [0.3] * 21})
    ranges, fixed = choose_ranges(["firms.productivity_growth_per_year"], post)
    lo, hi, why = ranges["firms.productivity_growth_per_year"]
    assert 0.011 < lo < 0.014 and 0.046 < hi < 0.049 and "posterior" in why
    assert fixed == {"demand.inside_share": pytest.approx(0.3)}


def test_an_unknown_parameter_is_refused_in_one_line(tmp_path, capsys):
    from sim.cli import main

    assert main(["sensitivity", "--out", str(tmp_path / "s"), "--parameters", "firms.no_such_key"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "firms.no_such_key" in err[0] and "--parameters" in err[0]
    assert main(["sensitivity", "--out", str(tmp_path / "s"), "--ranges-from", str(QUICK), "--parameters",
                 "demand.inside_share"]) == 2
    assert "demand.inside_share" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_a_sample_too_small_for_the_indices_is_warned_about():
    from sim.validation.sensitivity import sample_warnings

    good = pd.DataFrame({"output": ["gdp"] * 2, "parameter": ["a", "b"], "S1": [0.5, 0.2], "S1_conf": [0.1, 0.05],
                         "ST": [0.6, 0.3], "ST_conf": [0.1, 0.05]})
    assert sample_warnings(good, "sobol") == []
    bad = good.assign(S1=[0.7, -0.1], S1_conf=[0.1, 0.3])
    text = " ".join(sample_warnings(bad, "sobol"))
    assert "S1 above ST" in text and "negative S1" in text and "wider than the indices" in text
    morris = pd.DataFrame({"output": ["gdp"], "parameter": ["a"], "mu_star": [1.0], "mu_star_conf": [2.0],
                           "sigma": [1.0]})
    assert "mu*" in sample_warnings(morris, "morris")[0]


def test_morris_over_a_chosen_prior_list_runs_and_says_where_the_ranges_come_from(tmp_path):
    table = sensitivity(tmp_path, "morris", n=2, reps=1, seed=3, workers=2, progress=False,
                        parameters=["firms.first_year_recovery_growth"], ranges_from=QUICK)
    assert set(table.parameter) == {"firms.first_year_recovery_growth"}
    assert "quick.yaml" in (tmp_path / "sensitivity.md").read_text(encoding="utf-8")
    sweep = (tmp_path / "scenarios" / "sensitivity_morris.yaml").read_text(encoding="utf-8")
    assert "productivity_growth_per_year: 0.02851" in sweep  # the other prior's median, not the schema's value


def test_the_given_data_index_is_the_share_of_variance_a_parameter_explains():
    """y = x1 + noise of equal variance: S1(x1) = 0.5; x2, a noisy copy of x1, inherits most of it (correlated
    inputs: indices are not shares of a sum); x3, independent, gets about 0 (the bias correction)."""
    from sim.validation.given_data import first_order, indices

    rng = np.random.default_rng(4)
    x1, x3 = rng.uniform(size=2000), rng.uniform(size=2000)
    x2 = x1 + rng.normal(0, 0.03, size=2000)
    y = x1 + rng.normal(0, np.sqrt(1 / 12), size=2000)
    assert first_order(x1, y) == pytest.approx(0.5, abs=0.06)
    assert first_order(x2, y) > 0.4 and abs(first_order(x3, y)) < 0.01  # uncorrected: (bins - 1) / n ≈ 0.022
    s1, conf, floor = indices(x1[:300], y[:300], seed=1)
    assert 0 < conf < 0.3 and abs(s1 - 0.5) < 0.2 and 0 < floor < 0.1  # x1 is far above its noise floor
    _, _, floor3 = indices(x3[:300], y[:300], seed=1)
    assert indices(x3[:300], y[:300], seed=1)[0] < floor3  # x3 is not told apart from 0


def test_copies_of_a_particle_raise_the_noise_floor():
    """40 particles, each run 5 times with its own noise: a parameter that does nothing still lines up with
    the particles' other effects, so its floor (permuting it among particles) is higher than among 200
    independent runs."""
    from sim.validation.given_data import indices

    rng = np.random.default_rng(7)
    effect, idle = rng.normal(size=40), rng.uniform(size=40)
    groups = np.repeat(np.arange(40), 5)
    y = effect[groups] + rng.normal(0, 0.3, size=200)
    s1, _, floor = indices(idle[groups], y, seed=2, groups=groups)
    _, _, plain = indices(idle[groups], y, seed=2)  # treating the 200 runs as independent
    assert floor > plain and s1 < floor


def test_sensitivity_over_a_posterior_runs_its_joint_draws_and_keeps_their_correlation(tmp_path):
    """Two parameters the posterior pins together (inside_share = 0.1 + 5 x (growth - 0.01)): every run uses
    one particle's pair, so the runs keep the correlation; independent marginals would give r near 0."""
    from sim.batch.sweep import column_name
    from sim.results import load

    growth = np.linspace(0.01, 0.05, 9)
    post = _posterior(tmp_path / "posterior.parquet", {"firms.productivity_growth_per_year": list(growth),
                                                       "demand.inside_share": list(0.1 + 5 * (growth - 0.01))})
    table = sensitivity(tmp_path / "s", "given-data", n=12, seed=3, workers=2, progress=False,
                        parameters=["firms.productivity_growth_per_year"], ranges_from=post)
    assert set(table.parameter) == {"firms.productivity_growth_per_year"} and set(table.output) == set(OUTPUTS)
    runs = load(tmp_path / "s" / "ensemble").runs
    a = runs[column_name("firms.productivity_growth_per_year")].to_numpy()
    b = runs[column_name("demand.inside_share")].to_numpy()
    assert len(runs) == 12 and np.allclose(b, 0.1 + 5 * (a - 0.01))  # each run is one joint draw
    assert len(set(np.round(a, 6))) >= 4 and np.corrcoef(a, b)[0, 1] > 0.99
    report = (tmp_path / "s" / "sensitivity.md").read_text(encoding="utf-8")
    assert "joint draw" in report and "demand.inside_share" not in report.split("## ")[1]  # not analysed
    from sim import plotting as xp  # the notebooks and `report` draw its ranking

    table = pd.read_csv(tmp_path / "s" / "sensitivity.csv")
    assert xp.sensitivity_method(table) == "given-data"
    fig = xp.sensitivity_ranking(table)
    assert fig._suptitle.get_text().startswith("Sensitivity ranking (given-data)")
    xp.close(fig)


def test_a_posterior_refuses_independent_designs_and_given_data_needs_a_posterior(tmp_path, capsys):
    from sim.cli import main

    post = _posterior(tmp_path / "posterior.parquet", {"firms.productivity_growth_per_year": [0.02, 0.03, 0.04]})
    assert main(["sensitivity", "--out", str(tmp_path / "s"), "--ranges-from", str(post), "--method", "morris"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--method" in err[0] and "given-data" in err[0]
    assert main(["sensitivity", "--out", str(tmp_path / "s"), "--method", "given-data"]) == 2
    assert "needs --ranges-from a posterior" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
    # too few runs for two bins: one line before any run, not a traceback after them
    assert main(["sensitivity", "--out", str(tmp_path / "s"), "--ranges-from", str(post), "--n", "3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--n" in err[0] and "given-data" in err[0]
    assert not (tmp_path / "s").exists()

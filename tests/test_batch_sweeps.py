"""Sweeps in a batch: a grid (3 x 2) and a Latin hypercube (20 points) run with their parameter values as
columns; Sobol and Morris sample sizes; ``check`` and ``run`` on sweep files; bad sweeps as bad input.

Sweep files live in ``tmp_path``, extend the shipped baseline by absolute path and set ``region:`` absolutely.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import cli, results
from sim.batch import spec
from sim.batch.runner import run_batch
from tests.test_batch import SCENARIOS, YEARS, main_fails, run_cli, sweep_file

GRID = """
sweep:
  method: grid
  grid:
    investment.projects_per_year: [60, 90, 120]
    clustering.localization_elasticity: [0.03, 0.06]
"""

LHS = """
sweep:
  method: lhs
  n: 20
  seed: 4
  ranges:
    investment.projects_per_year: [60, 140]
    firms.entry_rate_per_year: [0.03, 0.09]
"""


def test_grid_sweep_3x2_runs_with_parameter_columns(tmp_path):
    path, out = sweep_file(tmp_path, "grid", GRID), tmp_path / "out"
    summary = run_batch([path], 1, 2, out, workers=2, progress=False)
    assert (summary.ok, summary.failed) == (6, 0)
    r = results.load(out)
    assert "grid[investment.projects_per_year=90,clustering.localization_elasticity=0.03]" in set(r.runs.variant)
    for frame in (r.runs, r.district, r.villages, r.targets):
        pairs = set(zip(frame.investment__projects_per_year, frame.clustering__localization_elasticity))
        assert pairs == {(a, b) for a in (60.0, 90.0, 120.0) for b in (0.03, 0.06)}
    assert sorted(r.district.year.unique()) == list(range(2023, 2034))
    for variant, rows in r.district.groupby("variant"):
        value = rows.investment__projects_per_year.iloc[0]
        assert f"investment.projects_per_year={value:g}," in variant
    signed = r.district.groupby("investment__projects_per_year").projects_signed.sum()
    assert signed.is_monotonic_increasing and signed.iloc[0] < signed.iloc[-1]


def test_lhs_sample_of_20_points_runs_with_parameter_values(tmp_path):
    path, out = sweep_file(tmp_path, "lhs", LHS), tmp_path / "out"
    summary = run_batch([path], 1, 2, out, workers=2, progress=False)
    assert (summary.ok, summary.failed) == (20, 0)
    runs = results.load(out).runs
    assert sorted(runs.sweep_point) == list(range(20))
    x = runs.investment__projects_per_year.to_numpy()
    assert ((60 <= x) & (x <= 140)).all()
    assert sorted(np.floor((x - 60) / 4).astype(int)) == list(range(20)), "one point per Latin hypercube stratum"
    district = results.load(out).district
    assert district.groupby("variant").firms__entry_rate_per_year.nunique().eq(1).all()


def test_sobol_and_morris_sample_sizes_follow_salib():
    from sim.batch.sweep import Sweep, sweep_points
    from sim.scenario.spec import Param

    params = (Param(1.0, "", "", ""), Param(1, "", "", "", kind="int"))
    common = dict(paths=("investment.projects_per_year", "investment.ramp_up_quarters"), params=params,
                  ranges=((60.0, 140.0), (4.0, 12.0)), n=8, seed=1)
    sobol = sweep_points(Sweep("sobol", **common), "plan")
    assert len(sobol) == 8 * (2 * 2 + 2)
    morris = sweep_points(Sweep("morris", levels=4, **common), "plan")
    assert len(morris) == 8 * (2 + 1)
    assert len({p.name for p in morris}) == len(morris), "revisited points get distinct names"
    assert all(isinstance(p.params["investment__ramp_up_quarters"], int) for p in sobol)


def test_check_validates_a_sweep_and_run_ignores_it(tmp_path):
    path = sweep_file(tmp_path, "grid", GRID)
    proc = run_cli("check", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"ok: {path} (grid, sweep of 6 points)"
    assert spec.has_sweep(path) and not spec.has_sweep(SCENARIOS / "plan.yaml")


def test_run_on_a_sweep_file_runs_its_base_and_says_so(tmp_path, capsys):
    path = sweep_file(tmp_path, "grid", GRID)
    assert cli.main(["run", str(path), "--seed", "1", "--out", str(tmp_path / "one")]) == 0
    assert "has a sweep; run ignores it" in capsys.readouterr().err
    assert len(results.load(tmp_path / "one").district) == YEARS


BAD_SWEEPS = [
    ("sweep:\n  method: grid\n  grid:\n    investment.projects_per_yer: [1, 2]\n", "sweep.grid.investment.projects_per_yer",
     "did you mean 'investment.projects_per_year'"),
    ("sweep:\n  grid:\n    investment.focus_sectors: [a, b]\n", "sweep.grid.investment.focus_sectors",
     "not a numeric scenario parameter"),
    ("sweep:\n  grid:\n    investment.projects_per_year: []\n", "sweep.grid.investment.projects_per_year",
     "non-empty list"),
    ("sweep:\n  grid:\n    investment.landing_rate: [0.5, 1.5]\n", "sweep.grid.investment.landing_rate[1]",
     "must be <= 1"),
    ("sweep:\n  method: random\n  n: 3\n", "sweep.method", "must be one of grid, lhs, sobol, morris"),
    ("sweep:\n  method: lhs\n  n: 0\n  ranges:\n    investment.projects_per_year: [1, 2]\n", "sweep.n",
     "must be >= 1"),
    ("sweep:\n  method: lhs\n  n: 4\n  ranges:\n    investment.projects_per_year: [90, 60]\n",
     "sweep.ranges.investment.projects_per_year", "low must be below high"),
    ("sweep:\n  method: lhs\n  n: 4\n  ranges:\n    investment.projects_per_year: [60]\n",
     "sweep.ranges.investment.projects_per_year", "must be a range [low, high]"),
    ("sweep:\n  method: sobol\n  n: 6\n  ranges:\n    investment.projects_per_year: [60, 90]\n", "sweep.n",
     "power of 2"),
    ("sweep:\n  method: lhs\n  n: 4\n  grid:\n    investment.projects_per_year: [60]\n", "sweep.grid",
     "unknown key 'grid' for method lhs"),
    ("sweep:\n  grid:\n    pairing.pairing_start_year: [2024, 2040]\n", "sweep", "outside the horizon 2023-2033"),
]


@pytest.mark.parametrize(("body", "key", "fragment"), BAD_SWEEPS, ids=[b[1] + ":" + b[2][:12] for b in BAD_SWEEPS])
def test_bad_sweeps_name_file_line_and_key_and_write_nothing(tmp_path, capsys, body, key, fragment):
    path = sweep_file(tmp_path, "bad", body)
    out = tmp_path / "out"
    for argv in (("check", str(path)), ("batch", str(path), "--out", str(out))):
        line = main_fails(capsys, *argv)
        assert line.startswith(f"error: {path}:"), line
        assert f"[{key}]" in line and fragment in line, line
    assert not out.exists()

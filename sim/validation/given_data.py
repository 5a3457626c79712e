"""Sensitivity over a posterior that keeps its correlations: first-order indices from the joint draws themselves.

Morris and Sobol designs sample every parameter independently over its range, so over a calibration's posterior
they would pair values the posterior rules out (two parameters it pins together, e.g. the capital-output ratio
and the project size tail, docs/calibration.md §5). Here each run is one weighted joint draw of the posterior
(``batch --posterior``: replicate r gets draw r, all of its parameters together, and its own noise seed), and
the index of parameter X_i on output Y is estimated from the sample as it is ("given data", Plischke, Borgonovo
& Smith 2013, Eur. J. Oper. Res. 226:536-550): the first-order index S_i = Var(E[Y | X_i]) / Var(Y), by the
correlation ratio over ``bins`` equal-count bins of X_i, bias-corrected like the adjusted R^2 (epsilon^2 =
(SS_between - (B - 1) MS_within) / SS_total, Kelley 1935), so an uninformative X_i gives about 0 (negative
values are noise). Under correlation the indices are not shares of a sum: X_i's index includes what it carries
of the parameters correlated with it (Saltelli et al. 2008 §1.2.15), so they may add up to more than 1; there
is no total-order index without independent inputs. Confidence: 95% bootstrap intervals that resample the
distinct posterior particles with all their runs (the runs of one particle share its parameters, so they are
not independent). Noise floor: the 95% quantile of the index when X_i's values are permuted among the particles
(``S1_null95``; a permutation test, the particles' clustering kept): an index below it is not told apart from 0
with this sample, whatever its interval says.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

BOOTSTRAP = 200    # resamples of the confidence interval
PERMUTATIONS = 200  # of the noise floor
MIN_BIN = 5        # runs per bin at least (fewer: the conditional means are mostly noise)


def bins_for(n: int) -> int:
    """About sqrt(n) bins, at least 2, with at least ``MIN_BIN`` runs each."""
    return max(2, min(int(round(math.sqrt(n))), n // MIN_BIN))


def first_order(x: np.ndarray, y: np.ndarray, bins: int | None = None) -> float:
    """Bias-corrected correlation ratio of ``y`` on equal-count bins of ``x`` (ties kept in one bin)."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(y)
    total = float(np.sum((y - y.mean()) ** 2))
    if n < 2 * MIN_BIN or total == 0:
        return float("nan")
    b = bins or bins_for(n)
    edges = np.unique(np.quantile(x, np.linspace(0, 1, b + 1)[1:-1]))
    group = np.searchsorted(edges, x, side="right")
    count = np.bincount(group)
    used = count > 0
    means = np.bincount(group, weights=y)[used] / count[used]
    between = float(np.sum(count[used] * (means - y.mean()) ** 2))
    k = int(used.sum())
    if k < 2 or n <= k:
        return float("nan")
    within = (total - between) / (n - k)
    return (between - (k - 1) * within) / total


def indices(x: np.ndarray, y: np.ndarray, seed: int, groups: np.ndarray | None = None
            ) -> tuple[float, float, float]:
    """(S1, half-width of its 95% bootstrap interval, the 95% quantile of S1 under permutation).

    ``groups``: the posterior particle of every run (None: every run its own); the bootstrap resamples whole
    groups and the permutation moves X_i's values between groups, so copies of a particle stay together."""
    groups = np.arange(len(y)) if groups is None else np.asarray(groups)
    labels, which = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(which == g) for g in range(len(labels))]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x6764,)))
    boot = []
    for _ in range(BOOTSTRAP):
        rows = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        boot.append(first_order(x[rows], y[rows]))
    boot = np.array([b for b in boot if np.isfinite(b)])
    conf = float(np.subtract(*np.quantile(boot, [0.975, 0.025])) / 2) if len(boot) > 1 else float("nan")
    first = np.array([m[0] for m in members])
    null = [first_order(x[first][rng.permutation(len(first))][which], y) for _ in range(PERMUTATIONS)]
    null = np.array([v for v in null if np.isfinite(v)])
    return first_order(x, y), conf, float(np.quantile(null, 0.95)) if len(null) else float("nan")


def run_draws(out: Path, source, n: int, seed: int, workers: int | None, progress: bool) -> pd.DataFrame:
    """``n`` runs of plan.yaml, run r with the posterior's joint draw r; the district table of the last year."""
    from sim.batch.runner import check_finished, execute_plan, plan_batch
    from sim.calibration.posterior import attach_posterior
    from sim.results import load
    from sim.validation.sensitivity import SCENARIOS

    plan = plan_batch([str(SCENARIOS / "plan.yaml")], n, seed, out)
    attach_posterior(plan, source, seed)
    check_finished(execute_plan(plan, workers, progress=progress))  # Ctrl-C: no analysis of a part
    district = load(out).district
    return district[district.year == district.year.max()].reset_index(drop=True)


def analyse(last: pd.DataFrame, parameters: list[str], outputs: list[str], seed: int) -> pd.DataFrame:
    """One row per (output, parameter): S1, S1_conf, rank by S1."""
    from sim.batch.sweep import column_name

    rows = []
    groups = last["posterior_particle"].to_numpy() if "posterior_particle" in last else None
    for output in outputs:
        y = last[output].to_numpy(dtype=float)
        for name in parameters:
            s1, conf, floor = indices(last[column_name(name)].to_numpy(dtype=float), y, seed, groups)
            rows.append({"output": output, "parameter": name, "S1": s1, "S1_conf": conf, "S1_null95": floor})
    table = pd.DataFrame(rows)
    # an index that could not be estimated (too few runs, a constant output) is NaN and ranks last
    table["rank"] = table.groupby("output")["S1"].rank(ascending=False, method="first", na_option="bottom").astype(int)
    return table.sort_values(["output", "rank"])


def draw_correlations(last: pd.DataFrame, parameters: list[str]) -> pd.DataFrame:
    """Pearson correlations of the parameters over the runs' draws (the posterior's, up to sampling)."""
    from sim.batch.sweep import column_name

    return last[[column_name(p) for p in parameters]].set_axis(parameters, axis=1).corr()


def sample_warnings(table: pd.DataFrame, last: pd.DataFrame) -> list[str]:
    """Signs that the sample is too small: intervals wider than the indices, negative indices, few particles."""
    out = []
    for rows, what in ((table[table.S1_conf > table.S1.abs()], "confidence intervals wider than the indices"),
                       (table[table.S1 < 0], "negative S1 (an index of about 0 measured with noise)"),
                       (table[table.S1 <= table.S1_null95], "S1 below its noise floor S1_null95 (not told "
                                                            "apart from 0)")):
        if len(rows):
            out.append(f"{what} for {len(rows)} of {len(table)} (output, parameter) pairs, e.g. "
                       f"{rows.iloc[0].parameter} on {rows.iloc[0].output}: the sample is too small for these "
                       "indices; raise --n")
    distinct = last["posterior_particle"].nunique() if "posterior_particle" in last else len(last)
    if distinct < 2 * bins_for(len(last)):
        out.append(f"the {len(last)} runs drew only {distinct} distinct posterior particles: a posterior of few "
                   "effective particles cannot resolve the indices")
    return out

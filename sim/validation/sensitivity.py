"""``xinhui-sim sensitivity``: Morris or Sobol sensitivity of key outputs to key parameters, through the
batch runner (a sweep scenario) and SALib's analysers.

Outputs, in the last year: district GDP, the Theil index of town GDP per head, and the number of
administrative villages above 1000万. Each sweep point runs ``reps`` replicates (common random numbers
across points) and its outputs are averaged before the analysis (literature.md §5: analyse the mean of a
stochastic model's outputs). Parameter ranges are the literature ranges where there are some, else
plausible bands around the plan's values; or, with ``ranges_from``, a calibration's priors or posterior over a
chosen list (sim/calibration/ranges.py), the calibration's other parameters fixed at their medians.

After the analysis ``sample_warnings`` says when the sample is too small for the indices: confidence
intervals wider than the indices, S1 above ST, negative S1 (Sobol), mu* intervals wider than mu* (Morris).

Over a posterior the method is ``given-data`` (sim/validation/given_data.py): the runs are the posterior's
weighted joint draws, so its correlations are kept, and first-order indices are estimated from that sample;
Morris and Sobol designs, which sample each range independently, are refused there.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from sim.batch.runner import run_batch
from sim.results import load

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
# Below this Sobol base sample the indices are mostly noise: Saltelli et al. (2010, Comput. Phys. Commun. 181)
# use N of 500-1000, SALib's examples 1024; a power of 2 as the Sobol sequence needs.
SOBOL_MIN_N = 512
GIVEN_DATA = "given-data"
GIVEN_DATA_N = 128  # default joint draws: about 11 bins of 11 runs (sim/validation/given_data.py)
log = logging.getLogger(__name__)

# parameter path: (low, high, why this range)
PARAMETERS = {
    "clustering.localization_elasticity": (0.027, 0.064, "lit A2: preferred 2.7-6.4%"),
    "investment.projects_per_year": (80, 140, "pre-plan 75 to the plan's drive and beyond"),
    "investment.landing_rate": (0.82, 0.95, "lit I3, I5: 82-95%"),
    "investment.funds_in_place_share": (0.2, 0.4, "lit I3: 23-30% of funds in place"),
    "firms.capital_output_ratio": (0.45, 0.9, "calibrated 0.667 to the 5.76% profit margin; output per 亿元 invested 1.1-2.2"),
    "demand.inside_share": (0.0, 0.4, "estimate around 0.2"),
    "firms.exit_size_elasticity": (0.0, 0.3, "estimate around 0.15"),
    "integration.unified_attraction_intensity": (0.3, 1.0, "estimate around the plan's 0.7"),
    "integration.revenue_share": (0.0, 0.3, "lit §2: 10-25% compensation"),
    "pairing.factory_demand_m2_per_100m_cny_output": (50, 800, "estimate around 200 m²/亿元 (prices P13-P14)"),
    "pairing.factory_rent_10k_cny_per_m2_year": (0.0096, 0.0216, "estimate: 8-18元/m²/month"),
    "pairing.asset_build_years": (1, 3, "estimate: approval and building 1-3 years"),
    "investment.outside_location_utility": (10.0, 12.0, "estimate around 10.75: other counties' pull"),
    "villages.leasing_elasticity_to_industry": (0.4, 1.2, "estimate around 0.8"),
    "services.consumer_income_elasticity": (0.9, 1.5, "estimate around 1.2"),
}
OUTPUTS = {"gdp_100m_cny": "GDP, last year (亿元)", "theil_town_gdp_per_capita": "Theil T of town GDP per head",
           "admin_villages_over_10m_cny": "admin villages > 1000万"}


def sweep_file(directory: Path, method: str, n: int, seed: int, ranges: dict | None = None,
               fixed: dict | None = None) -> Path:
    """A scenario extending plan.yaml whose sweep samples ``ranges`` (default PARAMETERS), ``fixed`` set."""
    import yaml

    from sim.calibration.ranges import nested

    directory.mkdir(parents=True, exist_ok=True)
    data = {"extends": str(SCENARIOS / "plan.yaml"), "name": "sensitivity",
            "region": str(SCENARIOS / "regions" / "xinhui.yaml"), **nested(fixed or {}),
            "sweep": {"method": method, "n": n, "seed": seed,
                      "ranges": {path: [lo, hi] for path, (lo, hi, _) in (ranges or PARAMETERS).items()}}}
    path = directory / f"sensitivity_{method}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def point_means(results) -> pd.DataFrame:
    """Mean over replicates of each output in the last year, by sweep point (SALib's row order)."""
    district = results.district
    last = district[district.year == district.year.max()]
    point = results.runs.set_index("run_id").sweep_point
    last = last.assign(sweep_point=point.reindex(last.run_id).to_numpy())
    return last.groupby("sweep_point")[list(OUTPUTS)].mean().sort_index()


def analyse(method: str, means: pd.DataFrame, n: int, seed: int, levels: int = 4,
            ranges: dict | None = None) -> pd.DataFrame:
    """SALib analysis per output; one row per (output, parameter)."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    from sim.batch.sweep import Sweep, _sample

    ranges = ranges or PARAMETERS
    names = list(ranges)
    problem = {"num_vars": len(names), "names": names, "bounds": [[lo, hi] for lo, hi, _ in ranges.values()]}
    sweep = Sweep(method, tuple(names), (), ranges=tuple((lo, hi) for lo, hi, _ in ranges.values()), n=n,
                  seed=seed, levels=levels)
    x = np.asarray(_sample(sweep))
    rows = []
    for output in OUTPUTS:
        y = means[output].to_numpy(dtype=float)
        if method == "morris":
            result = morris_analyze.analyze(problem, x, y, num_levels=levels, seed=seed)
            for i, name in enumerate(names):
                rows.append({"output": output, "parameter": name, "mu_star": result["mu_star"][i],
                             "mu_star_conf": result["mu_star_conf"][i], "sigma": result["sigma"][i]})
        else:
            result = sobol_analyze.analyze(problem, y, calc_second_order=True, seed=seed)
            for i, name in enumerate(names):
                rows.append({"output": output, "parameter": name, "S1": result["S1"][i],
                             "S1_conf": result["S1_conf"][i], "ST": result["ST"][i],
                             "ST_conf": result["ST_conf"][i]})
    table = pd.DataFrame(rows)
    key = "mu_star" if method == "morris" else "ST"
    table["rank"] = table.groupby("output")[key].rank(ascending=False, method="first").astype(int)
    return table.sort_values(["output", "rank"])


def sensitivity(out: Path, method: str = "morris", n: int | None = None, reps: int = 2, seed: int = 2023,
                workers: int | None = None, progress: bool = True, parameters: list[str] | None = None,
                ranges_from: str | Path | None = None) -> pd.DataFrame:
    """Run the sweep and the analysis; ``parameters`` (a subset) and ``ranges_from`` (a calibration file or
    posterior) choose what is sampled over which ranges."""
    out = Path(out)
    check_method(method, ranges_from)
    if method == GIVEN_DATA:
        return given_data_sensitivity(out, n or GIVEN_DATA_N, seed, workers, progress, parameters, ranges_from)
    n = n or (10 if method == "morris" else 64)
    ranges, fixed = choose_ranges(parameters, ranges_from)
    if method == "sobol" and n < SOBOL_MIN_N:
        log.warning("warning: Sobol indices from a base sample of --n %d are dominated by sampling error (their "
                    "confidence intervals are about as wide as the indices); use --n %d or more", n, SOBOL_MIN_N)
    path = sweep_file(out / "scenarios", method, n, seed, ranges, fixed)
    run_batch([str(path)], reps, seed, out / "ensemble", workers=workers, progress=progress)
    table = analyse(method, point_means(load(out / "ensemble")), n, seed, ranges=ranges)
    warnings = sample_warnings(table, method)
    for line in warnings:
        log.warning("warning: %s", line)
    table.to_csv(out / "sensitivity.csv", index=False)
    write_markdown(out / "sensitivity.md", table, method, n, reps, ranges, warnings, ranges_from)
    return table


def is_posterior(source) -> bool:
    """A ranges source is a posterior (a directory or parquet file), not a calibration file's priors."""
    return source is not None and Path(source).suffix not in (".yaml", ".yml")


def check_method(method: str, ranges_from) -> None:
    """Over a posterior only the given-data method keeps its correlations; it needs a posterior."""
    from sim.scenario.errors import ScenarioError

    if is_posterior(ranges_from) and method != GIVEN_DATA:
        raise ScenarioError(f"--method {method} samples each parameter independently and would break the "
                            f"posterior's correlations; use --method {GIVEN_DATA} (the default with a posterior)",
                            file="<command line>", key_path="--method")
    if method == GIVEN_DATA and not is_posterior(ranges_from):
        raise ScenarioError(f"--method {GIVEN_DATA} needs --ranges-from a posterior (a calibration directory or "
                            "its posterior.parquet): its runs are the posterior's joint draws",
                            file="<command line>", key_path="--method")


def given_data_sensitivity(out: Path, n: int, seed: int, workers: int | None, progress: bool,
                           parameters: list[str] | None, ranges_from) -> pd.DataFrame:
    """``n`` runs, each one weighted joint draw of the posterior; first-order indices of the chosen parameters."""
    from sim.validation import given_data

    ranges, _ = choose_ranges(parameters, ranges_from)  # checks the names; every posterior parameter varies
    last = given_data.run_draws(out / "ensemble", ranges_from, n, seed, workers, progress)
    table = given_data.analyse(last, list(ranges), list(OUTPUTS), seed)
    warnings = given_data.sample_warnings(table, last)
    for line in warnings:
        log.warning("warning: %s", line)
    table.to_csv(out / "sensitivity.csv", index=False)
    write_markdown(out / "sensitivity.md", table, GIVEN_DATA, n, 1, ranges, warnings, ranges_from,
                   given_data.draw_correlations(last, list(ranges)))
    return table


def choose_ranges(parameters: list[str] | None, ranges_from) -> tuple[dict, dict]:
    """(ranges, fixed values): PARAMETERS (or the chosen ones of it), or a calibration's (sim/calibration/ranges)."""
    from sim.scenario.errors import ScenarioError

    if ranges_from is not None:
        from sim.calibration.ranges import ranges_from as calibrated

        chosen = calibrated(ranges_from, parameters)
        return chosen.ranges, chosen.fixed
    for name in parameters or ():
        if name not in PARAMETERS:
            raise ScenarioError(f"'{name}' has no sensitivity range (known: {', '.join(PARAMETERS)}); give "
                                "--ranges-from a calibration file or posterior for others", file="<command line>",
                                key_path="--parameters")
    return ({name: PARAMETERS[name] for name in parameters} if parameters else dict(PARAMETERS)), {}


def sample_warnings(table: pd.DataFrame, method: str) -> list[str]:
    """Signs that the sample is too small for the indices (Saltelli et al. 2010; SALib's confidence intervals)."""
    if method == "morris":
        wide = table[table.mu_star_conf > table.mu_star]
        checks = [(wide, "mu* confidence intervals wider than mu*")]
    else:
        checks = [(table[(table.S1_conf > table.S1.abs()) | (table.ST_conf > table.ST.abs())],
                   "confidence intervals wider than the indices"),
                  (table[table.S1 > table.ST], "S1 above ST (a first-order index cannot exceed the total)"),
                  (table[table.S1 < 0], "negative S1")]
    out = []
    for rows, what in checks:
        if len(rows):
            out.append(f"{what} for {len(rows)} of {len(table)} (output, parameter) pairs, e.g. "
                       f"{rows.iloc[0].parameter} on {rows.iloc[0].output}: the sample is too small for these "
                       "indices; raise --n (and --reps)")
    return out


KEYS = {"morris": ["mu_star", "mu_star_conf", "sigma"], "sobol": ["S1", "S1_conf", "ST", "ST_conf"],
        GIVEN_DATA: ["S1", "S1_conf", "S1_null95"]}


def _design_text(method: str, n: int, reps: int, dims: int, ranges_from) -> str:
    if method == GIVEN_DATA:
        return (f"{dims} parameters, {n} runs, each one weighted joint draw of the posterior `{ranges_from}` "
                "(every posterior parameter varies with its draw, so the correlations are kept) with its own noise "
                "seed. Ranked by the first-order index S1 (given-data estimator, sim/validation/given_data.py; "
                "under correlation an index includes what the parameter carries of those correlated with it, so "
                "they may sum to more than 1). S1_conf: bootstrap over the particles; S1_null95: the noise "
                "floor, the 95% quantile of S1 with the parameter permuted among the particles (below it an "
                "index is not told apart from 0). The range column is the marginal 90% interval.")
    runs = n * (dims + 1) if method == "morris" else n * (2 * dims + 2)
    source = f" Ranges from `{ranges_from}` (independent marginal intervals)." if ranges_from else ""
    return (f"{dims} parameters, {runs} sweep points x {reps} replicates (outputs averaged over replicates). "
            "Ranked by " + ("mu* (mean absolute elementary effect)" if method == "morris"
                            else "the total-order index ST") + "." + source)


def write_markdown(path: Path, table: pd.DataFrame, method: str, n: int, reps: int, ranges: dict | None = None,
                   warnings: list[str] | None = None, ranges_from=None, correlations: pd.DataFrame | None = None
                   ) -> None:
    ranges = ranges or PARAMETERS
    key = KEYS[method]
    lines = [f"# Sensitivity analysis ({method})", "", _design_text(method, n, reps, len(ranges), ranges_from), ""]
    lines += [f"**Warning:** {w}." for w in warnings or ()] + ([""] if warnings else [])
    if correlations is not None:
        pairs = [f"`{a}` and `{b}`: {correlations.loc[a, b]:+.2f}" for i, a in enumerate(correlations)
                 for b in list(correlations)[i + 1:] if abs(correlations.loc[a, b]) >= 0.3]
        lines += ["Correlations of the analysed parameters over the draws (|r| >= 0.3): " +
                  ("; ".join(pairs) if pairs else "none") + ".", ""]
    for output, label in OUTPUTS.items():
        lines += [f"## {label}", "", "| rank | parameter | " + " | ".join(key) + " | range |",
                  "|---|---|" + "---|" * len(key) + "---|"]
        for row in table[table.output == output].itertuples():
            lo, hi, why = ranges[row.parameter]
            values = " | ".join(f"{getattr(row, k):.4g}" for k in key)
            lines.append(f"| {row.rank} | `{row.parameter}` | {values} | {lo:.4g}-{hi:.4g} ({why}) |")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")

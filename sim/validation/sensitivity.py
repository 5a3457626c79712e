"""``xinhui-sim sensitivity``: Morris or Sobol sensitivity of key outputs to key parameters, through the
batch runner (a sweep scenario) and SALib's analysers.

Outputs, in the last year: district GDP, the Theil index of town GDP per head, and the number of
administrative villages above 1000万. Each sweep point runs ``reps`` replicates (common random numbers
across points) and its outputs are averaged before the analysis (literature.md §5: analyse the mean of a
stochastic model's outputs). Parameter ranges are the literature ranges where there are some, else
plausible bands around the plan's values.
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
    "pairing.factory_demand_m2_per_100m_cny_output": (5, 80, "estimate around 20 m²/亿元 (55 富民工坊)"),
    "pairing.factory_rent_10k_cny_per_m2_year": (0.0096, 0.0216, "estimate: 8-18元/m²/month"),
    "pairing.asset_build_years": (1, 3, "estimate: approval and building 1-3 years"),
    "investment.outside_location_utility": (10.0, 12.0, "estimate around 10.75: other counties' pull"),
    "villages.leasing_elasticity_to_industry": (0.4, 1.2, "estimate around 0.8"),
    "services.consumer_income_elasticity": (0.9, 1.5, "estimate around 1.2"),
}
OUTPUTS = {"gdp_100m_cny": "GDP, last year (亿元)", "theil_town_gdp_per_capita": "Theil T of town GDP per head",
           "admin_villages_over_10m_cny": "admin villages > 1000万"}


def sweep_file(directory: Path, method: str, n: int, seed: int) -> Path:
    """A scenario extending plan.yaml whose sweep samples PARAMETERS."""
    directory.mkdir(parents=True, exist_ok=True)
    ranges = "\n".join(f"    {path}: [{lo}, {hi}]" for path, (lo, hi, _) in PARAMETERS.items())
    text = (f"extends: {SCENARIOS / 'plan.yaml'}\nname: sensitivity\n"
            f"region: {SCENARIOS / 'regions' / 'xinhui.yaml'}\n"
            f"sweep:\n  method: {method}\n  n: {n}\n  seed: {seed}\n  ranges:\n{ranges}\n")
    path = directory / f"sensitivity_{method}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def point_means(results) -> pd.DataFrame:
    """Mean over replicates of each output in the last year, by sweep point (SALib's row order)."""
    district = results.district
    last = district[district.year == district.year.max()]
    point = results.runs.set_index("run_id").sweep_point
    last = last.assign(sweep_point=point.reindex(last.run_id).to_numpy())
    return last.groupby("sweep_point")[list(OUTPUTS)].mean().sort_index()


def analyse(method: str, means: pd.DataFrame, n: int, seed: int, levels: int = 4) -> pd.DataFrame:
    """SALib analysis per output; one row per (output, parameter)."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    from sim.batch.sweep import Sweep, _sample

    names = list(PARAMETERS)
    problem = {"num_vars": len(names), "names": names, "bounds": [[lo, hi] for lo, hi, _ in PARAMETERS.values()]}
    sweep = Sweep(method, tuple(names), (), ranges=tuple((lo, hi) for lo, hi, _ in PARAMETERS.values()), n=n,
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
                workers: int | None = None, progress: bool = True) -> pd.DataFrame:
    out = Path(out)
    n = n or (10 if method == "morris" else 64)
    if method == "sobol" and n < SOBOL_MIN_N:
        log.warning("warning: Sobol indices from a base sample of --n %d are dominated by sampling error (their "
                    "confidence intervals are about as wide as the indices); use --n %d or more", n, SOBOL_MIN_N)
    path = sweep_file(out / "scenarios", method, n, seed)
    run_batch([str(path)], reps, seed, out / "ensemble", workers=workers, progress=progress)
    table = analyse(method, point_means(load(out / "ensemble")), n, seed)
    table.to_csv(out / "sensitivity.csv", index=False)
    write_markdown(out / "sensitivity.md", table, method, n, reps)
    return table


def write_markdown(path: Path, table: pd.DataFrame, method: str, n: int, reps: int) -> None:
    key = ["mu_star", "mu_star_conf", "sigma"] if method == "morris" else ["S1", "S1_conf", "ST", "ST_conf"]
    runs = n * (len(PARAMETERS) + 1) if method == "morris" else n * (2 * len(PARAMETERS) + 2)
    lines = [f"# Sensitivity analysis ({method})", "",
             f"{len(PARAMETERS)} parameters, {runs} sweep points x {reps} replicates (outputs averaged over "
             "replicates). Ranked by " + ("mu* (mean absolute elementary effect)" if method == "morris"
                                          else "the total-order index ST") + ".", ""]
    for output, label in OUTPUTS.items():
        lines += [f"## {label}", "", "| rank | parameter | " + " | ".join(key) + " | range |",
                  "|---|---|" + "---|" * len(key) + "---|"]
        for row in table[table.output == output].itertuples():
            lo, hi, why = PARAMETERS[row.parameter]
            values = " | ".join(f"{getattr(row, k):.4g}" for k in key)
            lines.append(f"| {row.rank} | `{row.parameter}` | {values} | {lo}-{hi} ({why}) |")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")

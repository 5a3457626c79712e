"""``xinhui-sim validate``: build the validation variants, run their ensembles through the batch runner,
summarise the firm panels in worker processes, evaluate every check and write ``DIR/validation.md``.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from sim.batch.runner import run_batch
from sim.batch.spec import replicate_seeds
from sim.results import load
from sim.scenario import load_scenario
from sim.validation import checks
from sim.validation.firm_level import firm_level_stats
from sim.validation.growth_checks import growth_accounting_checks
from sim.validation.services_checks import services_checks

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
NEW_PARK_TOWN, NEW_PARK_YEAR = "luokeng", 2025
REVENUE_SHARES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)

VARIANTS = {
    # name: (parent scenario, overrides as YAML text)
    "v_plan": ("plan", ""),
    "v_baseline": ("baseline", ""),
    "v_fragmented": ("fragmented", ""),
    "v_no_pairing": ("no_pairing", ""),
    "v_village_pairing": ("plan", "pairing: {strong_weak_town_pairs: 0}\n"),
    "v_village_pairing_double": ("plan", "pairing: {strong_weak_town_pairs: 0, "
                                 "district_funds_10k_cny_per_village_year: 100, "
                                 "enterprise_funds_10k_cny_per_village_year: 40}\n"),
    "v_new_park": ("baseline", "clustering:\n  new_parks:\n    - {id: validation_park, town: "
                   f"{NEW_PARK_TOWN}, sectors: \"high_end_equipment, light_textile\", land_mu: 3000, "
                   f"open_year: {NEW_PARK_YEAR}}}\n"),
    "v_revenue_share": ("plan", "sweep:\n  grid:\n    integration.revenue_share: "
                        f"[{', '.join(str(s) for s in REVENUE_SHARES)}]\n"),
}


def write_variants(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (parent, body) in VARIANTS.items():
        path = directory / f"{name}.yaml"
        path.write_text(f"extends: {SCENARIOS / (parent + '.yaml')}\nname: {name}\n"
                        f"region: {SCENARIOS / 'regions' / 'xinhui.yaml'}\n{body}", encoding="utf-8")
        paths.append(path)
    return paths


def firm_level_ensemble(scenario: str, seeds: list[int], workers: int | None) -> pd.DataFrame:
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
        rows = list(pool.map(firm_level_stats, [scenario] * len(seeds), seeds))
    return pd.DataFrame(rows)


def validate(out: Path, reps: int = 50, seed: int = 2023, workers: int | None = None,
             firm_reps: int | None = None, progress: bool = True) -> pd.DataFrame:
    """Run everything and write the report; return the checks as a DataFrame."""
    out = Path(out)
    paths = write_variants(out / "scenarios")
    log.info("validation: %d variants x %d replicates -> %s", len(paths), reps, out / "ensemble")
    run_batch([str(p) for p in paths], reps, seed, out / "ensemble", workers=workers, progress=progress)
    results = load(out / "ensemble")
    seeds = replicate_seeds(seed, firm_reps or min(reps, 20))
    log.info("validation: firm-level checks on %d replicates", len(seeds))
    firm = firm_level_ensemble(str(SCENARIOS / "plan.yaml"), seeds, workers)
    pipeline = firm_level_ensemble(str(SCENARIOS / "baseline.yaml"), seeds, workers)
    table, extras = evaluate(results, firm, pipeline)
    from sim.validation.report import write_report

    write_report(out, table, extras, reps=reps, seed=seed, firm_reps=len(seeds))
    (out / "checks.json").write_text(json.dumps(table.to_dict("records"), ensure_ascii=False, indent=1,
                                                default=float), encoding="utf-8")
    return table


def pairing_threshold() -> float:
    """The smallest asset block of the pairing variants (万元): the funds below which nothing can be bought."""
    from types import SimpleNamespace

    from sim.rules.collective_assets import smallest_block_10k_cny
    from sim.scenario.loader import defaults

    return smallest_block_10k_cny(SimpleNamespace(**defaults()["pairing"]))


def evaluate(results, firm: pd.DataFrame, pipeline: pd.DataFrame):
    def of(table, variant):
        frame = getattr(results, table)
        return frame[frame.variant == variant]

    found = []
    found += checks.base_year_checks(of("district", "v_plan"), of("villages", "v_plan"))
    found += checks.firm_checks(firm)
    found += checks.pipeline_checks(pipeline)
    found += checks.park_checks(of("towns", "v_new_park"), of("towns", "v_baseline"), NEW_PARK_TOWN, NEW_PARK_YEAR)
    found += checks.pairing_checks(of("villages", "v_village_pairing"), of("villages", "v_no_pairing"),
                                   of("villages", "v_village_pairing_double"), pairing_threshold())
    sweep_towns = results.towns[results.towns.variant.str.startswith("v_revenue_share")]
    integration, gain = checks.integration_checks(of("district", "v_plan"), of("district", "v_fragmented"),
                                                  sweep_towns, of("towns", "v_fragmented"),
                                                  "integration__revenue_share")
    found += integration
    if "shared_tax_in_100m_cny" in results.towns:
        share = load_scenario(SCENARIOS / "plan.yaml").params.integration.revenue_share
        found.append(checks.participation_limits_check(of("towns", "v_plan"), of("towns", "v_fragmented"), share))
    found += growth_accounting_checks(of("growth_accounting", "v_plan"), firm.get("period_net_entry_share"))
    found += services_checks(of("district", "v_plan"))
    extras = {"firm": firm, "pipeline": pipeline, "participation": gain,
              "disparity": checks.disparity_table(results.district), "results": results}
    return pd.DataFrame([c.row() for c in found]), extras

"""Firm-level and pipeline statistics of one replicate, computed in a worker process.

The firm panel of a run is large (about 57,000 firm-years), so it is summarised where it is made and only
the statistics travel back: size tail, growth shape, demography, agglomeration, investment pipeline, and the
decomposition of productivity growth over the whole horizon (``period_productivity``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.validation import stats
from sim.validation.period_productivity import run_with_period_decomposition

LATE_YEARS_FROM = 2025  # literature.md §6: use years 3 to 10 of the run


def firm_level_stats(scenario_file: str, seed: int) -> dict:
    """Statistics of the firm panel of ``scenario_file`` with ``seed``."""
    from sim.model import RegionModel
    from sim.scenario import load_scenario

    model = RegionModel.from_scenario(load_scenario(scenario_file), seed=seed, firm_panel=True)
    period = run_with_period_decomposition(model)
    panel = pd.DataFrame(model.records.tables()["firms"])
    panel = panel[panel.park != "xintai_cobuilt"]  # the co-built park is outside the district
    late = panel[panel.year >= LATE_YEARS_FROM]
    growth = stats.annual_log_growth(panel)
    growth = growth[growth.year >= LATE_YEARS_FROM - 1]
    hazard = stats.hazard_by_age(late)
    proj = model.projects
    started, producing = stats.pipeline_shares(proj.sign_step, proj.start_step, proj.produce_step,
                                               model.steps_per_year)
    return {
        "seed": seed,
        "hill_exponent": float(np.mean([stats.hill_tail_exponent(g.output_100m_cny) for _, g in late.groupby("year")])),
        "growth_excess_kurtosis": stats.excess_kurtosis(growth.growth),
        "size_variance_beta": stats.size_variance_beta(growth.output_100m_cny.to_numpy(), growth.growth.to_numpy()),
        "above_scale_exit_rate": stats.above_scale_exit_rate(late, register=True),
        "above_scale_closure_rate": stats.above_scale_exit_rate(late, register=False),
        "hazard_peak_age": int(hazard.idxmax()),
        "hazard_by_age": {int(k): float(v) for k, v in hazard.items()},
        "agglomeration_elasticity": stats.agglomeration_elasticity(late),
        "pipeline_started_within_1y": started,
        "pipeline_producing_within_2y": producing,
        "period_net_entry_share": period["net_entry_share"],
        "period_productivity_growth": period["total"],
    }

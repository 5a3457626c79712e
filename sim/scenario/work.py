"""The work a scenario asks for, estimated before it runs, and refused above the limits of ``sim.scenario.limits``.

Keys that are each in range can still multiply into a run that takes hours and tens of GB (``scale: 500`` with
10,000 projects a year took 13 GB). The estimates are upper bounds from the parameters alone:
signed projects in the busiest year = projects_per_year x scale x (1 + inflow_growth)^(years - 1);
firms grow at most by (entry rate - lowest exit hazard) a year, plus every landed project that founds a firm;
firm-steps = the firms of each year x steps per year, summed over the horizon.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.scenario import limits


def estimate(data: dict, initial_firms: float) -> dict[str, float]:
    """Peak projects per year, firms at the end and firm-steps of a resolved scenario (upper bounds)."""
    years = data["horizon"]["last_year"] - data["horizon"]["first_year"] + 1
    inv, firms, scale = data["investment"], data["firms"], data["scale"]
    growth = max(1.0 + inv["inflow_growth_per_year"], 1.0)
    net_entry = max(firms["entry_rate_per_year"] - min(firms["exit_hazard_by_age"]), 0.0)
    founding = inv["landing_rate"] * (1.0 - inv["expansion_share"])
    count, firm_steps, peak_projects = initial_firms * scale, 0.0, 0.0
    for year in range(years):
        projects = inv["projects_per_year"] * scale * growth ** year
        peak_projects = max(peak_projects, projects)
        count = count * (1.0 + net_entry) + projects * founding
        firm_steps += count * data["horizon"]["steps_per_year"]
    return {"projects_per_year": peak_projects, "firms": count, "firm_steps": firm_steps}


def check_work(data: dict, initial_firms: float, fail: Callable[[tuple, str], None]) -> None:
    """Refuse a scenario whose estimated work passes a limit; the error names the limit and what drives it."""
    work = estimate(data, initial_firms)
    checks = (("projects_per_year", limits.MAX_PROJECTS_PER_YEAR, "MAX_PROJECTS_PER_YEAR",
               "signed projects in the busiest year", ("investment", "projects_per_year")),
              ("firms", limits.MAX_FIRMS, "MAX_FIRMS", "firms", ("scale",)),
              ("firm_steps", limits.MAX_FIRM_STEPS, "MAX_FIRM_STEPS", "firm-steps", ("scale",)))
    for key, limit, name, what, where in checks:
        if work[key] > limit:
            fail(where, f"the run would need about {work[key]:,.0f} {what}, above the limit of {limit:,} ({name}); "
                        "lower scale, projects_per_year or the horizon")

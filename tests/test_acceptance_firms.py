"""Acceptance of issue 11 (the production side), the points no other test covers.

The behaviour tests of the issue are in tests/rules/test_production.py (no projects and no incumbent
investment, the outside-demand path, a demand shock, steering with the mix fixed) and determinism in
tests/test_determinism.py; this file adds the base-year bands on the issue's ensemble (mean of seeds 1-10 of
``plan``), a schema-wide guard against a firm growth drift, and common random numbers across variants.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import RegionModel
from sim.scenario.schema import SCHEMA
from sim.validation.checks import base_year_checks
from tests.helpers import first_year, scenario

SECONDARY_JOBS_2023_10K = 16.72  # facts §4a: 2023 secondary employment, 万人


@pytest.fixture(scope="module")
def base():
    return first_year()


def test_the_base_year_stays_within_todays_bands_on_ten_seeds_of_plan(base):
    """GDP 2023 within 3% of 1,011.25亿, shares within 2 points of 7.1 : 50.6 : 42.3, the village facts."""
    checks = base_year_checks(base["district"], base["villages"])
    assert {c.id for c in checks} >= {"base_gdp_2023", "base_share_primary", "base_share_secondary",
                                      "base_share_tertiary", "base_villages_over_1m", "base_villages_floor",
                                      "base_collective_income"}
    failing = [f"{c.id} {c.value:.4g} (target {c.target})" for c in checks if not c.passed]
    assert not failing


def test_secondary_employment_2023_is_within_five_percent_of_the_data(base):
    d = base["district"]
    assert d.replicate.nunique() == 10
    # employment_10k: the firms' own count (industry + construction); jobs_secondary_10k: the labour market's
    for column in ("employment_10k", "jobs_secondary_10k"):
        assert d[column].mean() == pytest.approx(SECONDARY_JOBS_2023_10K, rel=0.05), column


def parameters(node, path=()):
    """Every (dotted key, parameter) of the schema."""
    for key, value in node.items():
        if hasattr(value, "default") and hasattr(value, "source"):
            yield ".".join((*path, key)), value
        elif hasattr(value, "items"):
            yield from parameters(value, (*path, key))


# the growth-like keys the production side may have, each with why it is not a free drift of firms' growth
ALLOWED_FIRM_GROWTH_KEYS = {
    "firms.productivity_growth_per_year",   # incumbent TFP trend, lit F6 (checked below)
    "firms.first_year_recovery_growth",     # a one-off 2023 demand rebound, calibrated to 2023 (not a trend)
    "firms.growth_spread_at_reference",     # a spread of mean zero (mean-preserving, tests/rules/test_firm_dynamics)
    "firms.growth_spread_size_exponent",
}


def test_no_scenario_key_sets_a_drift_of_firms_growth_and_the_productivity_trend_is_sourced():
    keys = dict(parameters(SCHEMA))
    assert not [k for k in keys if "drift" in k]
    firm_growth = {k for k in keys if k.startswith(("firms.", "investment.")) and ("growth" in k or "trend" in k)}
    assert firm_growth - ALLOWED_FIRM_GROWTH_KEYS <= {"investment.inflow_growth_per_year"}
    assert keys["firms.productivity_growth_per_year"].source.startswith("lit F6")
    assert keys["firms.productivity_growth_per_year"].default == pytest.approx(0.0285)


def industrial_va_growth(productivity_growth: float, seed: int = 1) -> float:
    """Mean yearly log growth of industrial value added 2024-2033 with no projects, no incumbent investment,
    no upgrades and capital that does not wear out: only productivity and labour can move output."""
    model = RegionModel(scenario("plan", {"investment": {"projects_per_year": 0},
                                          "firms": {"financing_multiple": 0.0, "depreciation_rate_per_year": 0.0,
                                                    "tech_upgrade_rate_per_year": 0.0,
                                                    "productivity_growth_per_year": productivity_growth}}), seed=seed)
    va = np.array(model.run().tables()["district"]["industrial_va_100m_cny"], dtype=float)
    return float(np.diff(np.log(va))[1:].mean())  # from 2024: projects signed before 2023 still ramp up in 2023


def test_with_capital_held_industry_grows_no_faster_than_productivity_and_not_at_all_without_it():
    """Sharper than tests/rules/test_production.py's version, where depreciation alone shrinks industry
    (-6%/yr): a productivity trend of 9%/yr still gives 0.1%/yr there, below its 3% bound (measured 2026-12-01).
    A hidden drift of 2%/yr on every firm fails this test and passes that one."""
    trend = SCHEMA["firms"]["productivity_growth_per_year"].default
    # measured -0.9%/yr; the margin is for a growing labour force (about 0.3%/yr at a labour share of 0.55)
    assert industrial_va_growth(0.0) < 0.005
    assert industrial_va_growth(trend) < trend  # measured 1.1%/yr: fewer workers as each produces more


def exited_initial_firms(name: str, seed: int, overrides: dict | None = None) -> set[int]:
    """Ids (``firm_id``) of the firms alive at the start that have left by the end of 2027."""
    model = RegionModel(scenario(name, {"horizon": {"last_year": 2027}, **(overrides or {})}), seed=seed)
    initial = set(model.firms.firm_id[model.firms.live()].tolist())
    model.run()
    return initial - set(model.firms.firm_id[model.firms.live()].tolist())


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


def test_common_random_numbers_align_the_exits_of_the_same_firms_across_variants():
    """A variant with more projects (more draws in investment and entry) keeps the initial firms' exit draws:
    the same firms leave as in ``plan`` of the same seed, unlike in ``plan`` of another seed."""
    plan = exited_initial_firms("plan", 1)
    more_projects = exited_initial_firms("plan", 1, {"investment": {"projects_per_year": 140}})
    other_variant = exited_initial_firms("cluster_focus", 1)
    other_seed = exited_initial_firms("plan", 2)
    assert jaccard(plan, more_projects) > 0.9 and jaccard(plan, other_variant) > 0.9
    assert jaccard(plan, other_seed) < 0.5
    assert len(plan) > 300  # about 1,400 of 4,500 leave in five years

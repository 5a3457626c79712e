"""Quick validation (few replicates) in CI: checks that passed in the last full run must still pass."""

import pandas as pd
import pytest

from sim.validation import stats
from sim.validation.suite import validate

# checks passing in the last full `xinhui-sim validate --reps 50` (docs/validation.md); robust at 4 replicates
MUST_PASS = ("base_gdp_2023", "base_fiscal_revenue_2023", "base_share_primary", "base_share_secondary", "base_share_tertiary",
             "base_villages_over_1m", "base_villages_floor", "base_collective_income", "size_tail",
             "growth_kurtosis", "growth_beta", "hazard_peak", "agglomeration",
             "pipeline_started_within_1y", "pipeline_producing_within_2y", "pairing_lag",
             "pairing_base_strength", "pairing_diminishing", "base_chenpi_chain_2023", "tertiary_share_2033",
             "urbanisation_pace", "income_ratio_2023")
# Fail on the merged model (2026-12-01 evening; docs/validation.md §4.0k), shown, not loosened: exits from the
# register (sales shocks around the 2000万 line); within-firm growth 2.35%/yr since the growth accounting uses
# the model's capital share 0.55 (capital deepening is no longer measured as TFP, §4.0i). integration_output
# passes at 20 replicates (+1.2%, 5-95% of the paired effects above 0); tests/test_integration_gain.py tests it.
FAILING_AFTER_MERGE = ("exit_above_scale", "within_firm_productivity")


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation")
    return out, validate(out, reps=4, seed=11, workers=2, firm_reps=3, progress=False)


@pytest.mark.parametrize("check_id", MUST_PASS)
def test_check_still_passes(quick, check_id):
    _, table = quick
    row = table.set_index("id").loc[check_id]
    assert row.passed, f"{check_id}: {row.value} outside {row.target} ({row.source})"


def test_report_lists_every_check_with_target_and_source(quick):
    out, table = quick
    text = (out / "validation.md").read_text(encoding="utf-8")
    assert len(table) >= 20
    for row in table.itertuples():
        assert row.id in text and row.source in text
    for figure in ("park_effect", "pairing_effect", "participation", "hazard_by_age"):
        assert (out / "figures" / f"{figure}.png").stat().st_size > 5000


def test_hill_estimator_recovers_a_known_tail():
    import numpy as np

    rng = np.random.default_rng(0)
    pareto = (1 - rng.random(200_000)) ** (-1 / 1.2)
    assert abs(stats.hill_tail_exponent(pareto, 0.05) - 1.2) < 0.05


def test_agglomeration_regression_recovers_a_known_elasticity():
    import numpy as np

    rng = np.random.default_rng(1)
    rows = []
    for cell in range(20):
        base = rng.uniform(10, 500)
        for year in range(2023, 2030):
            scale = base * np.exp(0.1 * (year - 2023) + rng.normal(0, 0.2))
            capacity = rng.uniform(0.1, 5, 30)
            output = capacity * scale**0.05 * np.exp(0.02 * (year - 2023) + rng.normal(0, 0.01, 30))
            rows += [{"zone": cell % 4, "sector": cell, "year": year, "output_100m_cny": o,
                      "input_avg_100m_cny": c, "cluster_capacity_avg_100m_cny": scale}
                     for o, c in zip(output, capacity)]
    assert abs(stats.agglomeration_elasticity(pd.DataFrame(rows)) - 0.05) < 0.01


def test_period_decomposition_is_of_the_above_scale_firms_alive_at_year_end():
    """F6's universe: firms above the 规上 threshold in the year's survey (closed firms are not in it)."""
    import numpy as np

    from sim.model import RegionModel
    from sim.validation.period_productivity import above_scale_cross_section, run_with_period_decomposition
    from tests.helpers import scenario

    model = RegionModel(scenario("baseline", {"horizon": {"last_year": 2026}}), seed=3)
    parts = run_with_period_decomposition(model)
    firms = model.firms
    ids, tfp, weight = above_scale_cross_section(model)
    rows = firms.rows_of(ids)  # ids are firm_ids
    assert firms.alive[rows].all() and (firms.output_last_year[rows] >= 0.2).all()
    assert ids.size < np.count_nonzero(firms.alive) and np.isfinite(tfp).all() and (weight > 0).all()
    components = parts["within"] + parts["between"] + parts["cross"] + parts["entry"] + parts["exit"]
    assert abs(components - parts["total"]) < 1e-12
    assert parts["net_entry_share"] == parts["net_entry"] / parts["total"]


def test_park_note_shows_relocation_netting_out_at_the_zone_and_district():
    """A park whose town gains only what a neighbour of its zone loses has a large town effect and none at the
    zone's or the district's scale: the note beside park_level_effect says so."""
    from sim.validation import checks

    def towns(gain):
        rows = []
        for replicate in (0, 1):
            for year in range(2023, 2034):
                moved = gain if year >= 2030 else 0.0
                rows += [(replicate, year, "park_town", "z1", 50.0 + moved), (replicate, year, "neighbour", "z1", 100.0 - moved),
                         (replicate, year, "far", "z2", 200.0)]
        return pd.DataFrame(rows, columns=["replicate", "year", "town", "zone", "industrial_output_100m_cny"])

    level = checks.park_checks(towns(10.0), towns(0.0), "park_town", 2025)[0]
    assert level.value == pytest.approx(0.2)
    assert "zone z1 +0.000, district +0.000" in level.note
    created = checks.park_checks(towns(10.0).assign(industrial_output_100m_cny=lambda t: t.industrial_output_100m_cny
                                                    + 10.0 * ((t.town == "neighbour") & (t.year >= 2030))),
                                 towns(0.0), "park_town", 2025)[0]
    assert "zone z1 +0.067, district +0.029" in created.note

"""Base year: the district's 2023 一般公共预算收入 lies in the band docs/calibration.md sources (46-85亿)."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.results import run_tables
from sim.scenario import load_scenario
from sim.scenario.sources import scenario_path

BAND_100M_CNY = (46.0, 85.0)  # docs/calibration.md: Jan-Apr 2022 x 3 (facts §4b); the 2017 ratio to GDP on 2023


@pytest.mark.parametrize("variant", ["plan", "baseline"])
def test_district_budget_revenue_2023_is_in_the_sourced_band(variant):
    scenario = load_scenario(scenario_path(variant))
    values = []
    for seed in (1, 2, 3):
        district = pd.DataFrame(run_tables(scenario, seed)["district"]).set_index("year")
        values.append(district.loc[2023, "fiscal_revenue_100m_cny"])
    low, high = BAND_100M_CNY
    assert all(low <= v <= high for v in values), values

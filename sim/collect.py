"""The optional ``mesa.DataCollector`` of RegionModel: one row per simulated year, labelled by the year it describes.

Each reporter reads the district record that the year's close just wrote (sim/indicators.py), so a collected
value is the value of ``district.parquet`` for that year (units in the column name, docs/outputs.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import mesa

HEADLINE = ("year", "gdp_100m_cny", "gdp_per_capita_10k_cny", "industrial_output_above_scale_100m_cny",
            "new_materials_output_100m_cny", "new_energy_output_100m_cny", "firms_above_scale",
            "high_tech_firms", "investment_landed_100m_cny", "pairing_funds_100m_cny", "fiscal_revenue_100m_cny",
            "admin_villages_over_10m_cny", "admin_villages_over_20m_cny", "admin_villages_min_income_10k_cny",
            "share_units_beautiful_standard", "theil_town_gdp_per_capita")


def district_value(model, column: str):
    """``column`` of the district row of the year just closed."""
    return model.records.rows["district"][-1][column]


def make_collector(columns: Sequence[str] = HEADLINE) -> mesa.DataCollector:
    """A DataCollector of district columns (``year`` always first); collected once a year, at its close."""
    names = ["year", *(c for c in columns if c != "year")]
    return mesa.DataCollector(model_reporters={name: partial(district_value, column=name) for name in names})

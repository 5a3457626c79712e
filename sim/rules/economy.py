"""The rest of the economy: primary output (新会柑 and other), construction and tertiary output.

Citrus output follows the 陈皮 value per mu and the planted area; other primary output grows at a trend rate;
construction value added is the base year's share of the year's district fixed-asset investment (firms'
investment, 技改 and the capital projects put in place: ``sim.rules.capital``), shared among towns as in the
base year; a town's tertiary output grows at a trend plus an elasticity to its secondary growth
(services follow industry). Residents: ``sim.rules.population``. Parameters (scenario ``economy``; units
1/yr unless noted):
chenpi_value_growth_per_year, citrus_area_growth_per_year, primary_growth_per_year,
tertiary_trend_growth_per_year, tertiary_elasticity_to_secondary (1).
Sources: xinhui_facts.md §4a (2023 sector growth), §5 (陈皮), §0 (census); estimates are marked in the schema.
"""

from __future__ import annotations

import math

from sim.rules import capital


def grow_rest_of_economy(model, secondary_growth: dict[str, float], district_secondary_growth: float):
    """At year end, after industrial output is known: update every town's non-industrial economy."""
    p = model.params.economy
    construction_ratio = capital.fixed_asset_investment(model) / model.base_fixed_asset_investment
    for town in model.towns:
        town.citrus_area_mu *= 1.0 + p.citrus_area_growth_per_year
        town.primary_citrus_100m_cny *= (1.0 + p.chenpi_value_growth_per_year) * (1.0 + p.citrus_area_growth_per_year)
        town.primary_other_100m_cny *= 1.0 + p.primary_growth_per_year
        town.construction_100m_cny = town.base_construction_100m_cny * construction_ratio
        g_secondary = secondary_growth[town.id]
        town.tertiary_100m_cny *= math.exp(p.tertiary_trend_growth_per_year
                                           + p.tertiary_elasticity_to_secondary * g_secondary)
    gdp = sum(t.gdp_100m_cny for t in model.towns)
    model.district_gdp_growth = math.log(gdp / model.gdp_last_year)  # inside demand follows it next year
    model.gdp_last_year = gdp

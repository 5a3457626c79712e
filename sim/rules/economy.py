"""The rest of the economy: primary output other than 新会柑, and construction.

Other primary output grows at a trend rate; construction value added is the base year's share of the year's
district fixed-asset investment (firms' investment, 技改 and the capital projects put in place:
``sim.rules.capital``), shared among towns as in the base year. 新会柑 output is the 陈皮 chain's
(``sim.rules.chenpi``), tertiary output comes from ``sim.rules.services``, residents from
``sim.rules.population``. Parameters (scenario ``economy``; units 1/yr): primary_growth_per_year.
Sources: xinhui_facts.md §4a (2023 sector growth); estimates are marked in the schema.
"""

from __future__ import annotations

import math

from sim.rules import capital


def grow_rest_of_economy(model, secondary_growth: dict[str, float], district_secondary_growth: float):
    """At year end, after industrial output is known: update every town's non-industrial economy."""
    p = model.params.economy
    construction_ratio = capital.fixed_asset_investment(model) / model.base_fixed_asset_investment
    for town in model.towns:
        town.primary_other_100m_cny *= 1.0 + p.primary_growth_per_year
        town.construction_100m_cny = town.base_construction_100m_cny * construction_ratio


def close_gdp(model) -> None:
    """After every part of GDP is known: the district's GDP growth (inside demand follows it next year)."""
    gdp = sum(t.gdp_100m_cny for t in model.towns)
    model.district_gdp_growth = math.log(gdp / model.gdp_last_year)
    model.gdp_last_year = gdp

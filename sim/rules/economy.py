"""The rest of the economy: primary output other than 新会柑, and construction.

Other primary output grows at a trend rate. Construction value added follows all the investment spending that
reaches builders: the firms' fixed-asset investment (incumbents, 技改, the capital projects put in place:
``sim.rules.capital``) and what ``firms:construction`` received in the twelve months to the year's accounts
(land development, village building with pairing money, transport projects and other public infrastructure;
the land a town develops at last year's close is built this year), at the base year's construction value added
per 亿元 of the firms' FAI (the base year's other investment is not simulated: estimate 0), shared among towns
as in the base year; its workers are its value added over the secondary labour productivity at the district's
capital deepening (``construction_labour_productivity``). District fixed-asset investment
(``fixed_asset_investment``) is the sum of the two.
新会柑 output is the 陈皮 chain's (``sim.rules.chenpi``), tertiary output comes from ``sim.rules.services``,
residents from ``sim.rules.population``. Parameters (scenario ``economy``; units 1/yr): primary_growth_per_year.
Sources: xinhui_facts.md §4a (2023 sector growth); estimates are marked in the schema.
"""

from __future__ import annotations

import math

from sim.rules import capital, labour

CONSTRUCTION = "firms:construction"


def construction_labour_productivity(model) -> float:
    """Value added per construction worker (万元/yr): the reference secondary labour productivity at the district's
    capital deepening, ``model.deepening_index`` (as the firms' output per worker and the wage grow with their
    capital intensity, sim/rules/labour.py). The index is the one of the start of the year, which the year's wage
    also uses (lagged: this year's vintage is added after hiring); 1 in the base year."""
    return labour.reference_labour_productivity(model) * model.deepening_index


def construction_orders(model) -> float:
    """Investment spending (亿元) that reached ``firms:construction`` since last year's accounts: this year's
    receipts so far and last year's after its accounts (the land developed at its close); remembers what was
    counted."""
    received = model.ledger.received(CONSTRUCTION)
    last = model.ledger.years.get(model.year - 1, {})
    last_year = model.ledger.received_in(model.year - 1, CONSTRUCTION)  # a pass over last year's flows
    carried = max(last_year - model.construction_received_at_accounts_100m_cny, 0.0) if last else 0.0
    model.construction_received_at_accounts_100m_cny = received
    return received + carried


def fixed_asset_investment(model) -> float:
    """This year's district FAI (亿元): the firms' (``sim.rules.capital``) and the other investment that reached
    builders (after ``grow_rest_of_economy`` has counted it this year)."""
    return capital.fixed_asset_investment(model) + model.year_stats["fai_construction_orders_100m_cny"]


def grow_rest_of_economy(model, secondary_growth: dict[str, float], district_secondary_growth: float):
    """At year end, after industrial output is known: update every town's non-industrial economy."""
    p = model.params.economy
    orders = construction_orders(model)
    model.year_stats["fai_construction_orders_100m_cny"] = orders
    construction_ratio = (capital.fixed_asset_investment(model) + orders) / model.base_fixed_asset_investment
    for town in model.towns:
        town.primary_other_100m_cny *= 1.0 + p.primary_growth_per_year
        town.construction_100m_cny = town.base_construction_100m_cny * construction_ratio


def close_gdp(model) -> None:
    """After every part of GDP is known: the district's GDP growth (inside demand follows it next year)."""
    gdp = sum(t.gdp_100m_cny for t in model.towns)
    model.district_gdp_growth = math.log(gdp / model.gdp_last_year)
    model.gdp_last_year = gdp

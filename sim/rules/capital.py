"""Capital: incumbents invest when expected sales outgrow their capacity (an accelerator with a financing
limit), and capital depreciates.

A firm's capital is ``capital_output_ratio`` x its capacity (full-capacity output at productivity 1). At the
start of a year it wants the capacity that sells this year's demand at the target utilisation,
c* = demand / (u* x own productivity x place multiplier); it invests I = ratio x max(c* - (1 - delta) c, 0),
at most ``financing_multiple`` x last year's cash flow (value added - wages); capacity then moves over the
year's steps from c to (1 - delta) c + I / ratio. A 技改 costs ``tech_upgrade_cost_share`` of the firm's
capital in its start year. Fixed-asset investment (FAI, 亿元) sums these and the capital projects put in place
(``investment.advance_pipeline``). Parameters (scenario ``firms``): capital_output_ratio (亿元 per 亿元/yr),
depreciation_rate_per_year (1/yr), target_utilisation (share), financing_multiple (1),
tech_upgrade_cost_share (share). Sources: lit E1 (K+S accelerator and financing limit); 张军 et al. 2004
(9.6%); NBS 2023 (utilisation 75.1%, 资产负债率 57%, profit margin 5.76%).
"""

from __future__ import annotations

import numpy as np


def desired_capacity(demand: np.ndarray, competitiveness: np.ndarray, utilisation: float) -> np.ndarray:
    """Capacity (at productivity 1) that sells ``demand`` at the target utilisation."""
    return demand / (utilisation * np.maximum(competitiveness, 1e-9))


def planned_investment(capacity: np.ndarray, desired: np.ndarray, cash_flow: np.ndarray, p) -> np.ndarray:
    """Accelerator investment (亿元) after depreciation, limited by the financing multiple of cash flow."""
    gap = np.maximum(desired - (1.0 - p.depreciation_rate_per_year) * capacity, 0.0)
    return np.minimum(p.capital_output_ratio * gap, p.financing_multiple * np.maximum(cash_flow, 0.0))


def invest(model, live: np.ndarray, competitiveness: np.ndarray) -> None:
    """At the start of a year: each live firm's investment; this year's capacity path (``growth_factor``)."""
    p, firms = model.params.firms, model.firms
    desired = desired_capacity(firms.demand[live], competitiveness, p.target_utilisation)
    investment = planned_investment(firms.capacity[live], desired, cash_flow(model, live), p)
    capacity = np.maximum(firms.capacity[live], 1e-12)
    end = (1.0 - p.depreciation_rate_per_year) * capacity + investment / p.capital_output_ratio
    firms.growth_factor[live] = (end / capacity) ** (1.0 / model.steps_per_year)
    model.year_stats["fai_incumbents_100m_cny"] += float(investment[model.in_district()[live]].sum())


def cash_flow(model, rows: np.ndarray) -> np.ndarray:
    """Last year's value added less wages (亿元); for firms without a year of accounts (the base year's, and
    those founded during last year), that of their demand at the base labour share."""
    firms = model.firms
    sales = np.where(firms.output_last_year[rows] > 0, firms.output_last_year[rows], firms.demand[rows])
    value_added = sales * model.sector_va_ratio[firms.sector[rows]]
    wages = firms.employment[rows] * model.wage_10k_cny / 1e4
    no_accounts = firms.employment[rows] <= 0
    wages = np.where(no_accounts, value_added * model.params.firms.labour_share_of_value_added, wages)
    return value_added - wages


def pay_for_upgrades(model, rows: np.ndarray) -> None:
    """技改 started this year cost a share of the firms' capital, counted as fixed-asset investment."""
    p, firms = model.params.firms, model.firms
    rows = rows[model.in_district()[rows]]
    cost = p.tech_upgrade_cost_share * p.capital_output_ratio * firms.capacity[rows]
    model.year_stats["fai_upgrades_100m_cny"] += float(cost.sum())


def capital_stock(model, rows: np.ndarray) -> np.ndarray:
    """Fixed capital of the given firms, 亿元 (2022 prices)."""
    return model.params.firms.capital_output_ratio * model.firms.capacity[rows]


def fixed_asset_investment(model) -> float:
    """This year's district FAI so far: incumbents, 技改 and the capital projects put in place (亿元)."""
    s = model.year_stats
    return s["fai_incumbents_100m_cny"] + s["fai_upgrades_100m_cny"] + s["fai_projects_100m_cny"]

"""Capital: incumbents invest when expected sales outgrow their capacity (an accelerator with a financing
limit), capital depreciates, and new capacity is built at the capital intensity today's wage makes cheapest.

Production is Cobb-Douglas, Y = E K^a L^(1-a), with a = 1 - ``labour_share_of_value_added``. A firm's capital is
``capital_output_ratio`` x κ x its capacity (full-capacity output at productivity 1); κ, its capital intensity, is
1 for every firm of the base year. A cost-minimising firm facing wage w and a constant user cost of capital
builds at κ* = (w / w_base)^(1 - a) (K/Y ∝ (w/r)^(1-a) / E, and capacity is output / E): w is the wage of the
firm's town this year (``TownLabourMarket.wage_by_town``, cleared by ``labour.start_year`` just before firms
invest; the firms' wage path under the unconstrained ``LabourMarket``), w_base the reference wage of 2023
(labour share x 2023 labour productivity). A firm that got only the share f of the workers it wanted prices
labour at its shadow wage w f^(-1/a), the wage at which it would want just those workers (conditional labour
demand has elasticity -a; a virtual price, Neary & Roberts 1980). Capacity is putty-clay: what stands keeps
its κ; what is built this year (replacing depreciation and expanding) is built at κ*,
κ' = ((1-δ) κ c + κ* (c' - (1-δ) c)) / c'.
At the start of a year a firm wants the capacity that sells this year's demand at the target utilisation,
c* = demand / (u* x own productivity x place multiplier); it invests I = ratio x κ* x max(c* - (1 - δ) c, 0),
at most ``financing_multiple`` x last year's cash flow (value added - wages), and capacity moves over the
year's steps from c to (1 - δ) c + I / (ratio x κ*). Capital projects put in place becomes capacity at κ*
(``investment.start_production``; ``add_capacity`` blends it in), entrants start at κ*. A 技改 costs
``tech_upgrade_cost_share`` of the firm's capital in its start year (it raises productivity, not capital).
Fixed-asset investment (FAI, 亿元) sums these and the capital projects put in place. Parameters (scenario
``firms``): capital_output_ratio (亿元 per 亿元/yr), depreciation_rate_per_year (1/yr), target_utilisation
(share), financing_multiple (1), tech_upgrade_cost_share (share); a and w_base from labour_share_of_value_added
and labour_productivity_10k_cny_per_worker (no parameter of its own). Sources: lit E1 (K+S accelerator and
financing limit); 张军 et al. 2004 (9.6%); NBS 2023 (utilisation 75.1%, 资产负债率 57%, profit margin 5.76%);
putty-clay vintages (Johansen 1959; Solow 1962); Neary & Roberts 1980 (virtual prices under rationing).
"""

from __future__ import annotations

import math

import numpy as np

from sim import kernels_pipe, kernels_step
from sim.rules import labour


def capital_elasticity(p) -> float:
    """a, capital's exponent in Y = E K^a L^(1-a): one less the labour share of value added."""
    return 1.0 - p.labour_share_of_value_added


def base_wage(p) -> float:
    """w_base of the default start: the reference wage of 2023 (万元/yr), at which capital intensity is 1."""
    return p.labour_productivity_10k_cny_per_worker * p.labour_share_of_value_added


def start_wage(model) -> float:
    """w_base of a run: the reference wage of its first simulated year at the base capital intensity (2023 in
    the default start, 2015 in the historical one, where the scenario's level is 2023's point on the path)."""
    p = model.params.firms
    return base_wage(p) * math.exp(p.productivity_growth_per_year * (model.start_year - model.first_year))


def intensity_for_wage(wage: np.ndarray | float, p, base: float | None = None) -> np.ndarray:
    """κ* = (w / w_base)^(1 - a): the cost-minimising capital intensity of new capacity at wage w (``base``:
    w_base, default ``base_wage(p)``; a model passes ``model.base_wage_10k_cny``)."""
    base = base_wage(p) if base is None else base
    relative = np.maximum(np.asarray(wage, dtype=np.float64) / base, 1e-9)
    return relative ** (1.0 - capital_elasticity(p))


def new_capital_intensity(model, towns: np.ndarray, fill: np.ndarray | float = 1.0) -> np.ndarray:
    """κ* of capacity built this year in the given towns (indices), from this year's town wages; ``fill``: the
    share of the workers wanted that each firm got (its shadow wage, ``shadow_wage``)."""
    wages = getattr(model.labour_market, "wage_by_town", None)
    wage = model.wage_10k_cny if wages is None else np.asarray(wages)[towns]
    wage = shadow_wage(wage, fill, model.params.firms)
    return np.broadcast_to(intensity_for_wage(wage, model.params.firms, model.base_wage_10k_cny),
                           np.shape(towns)).copy()


def shadow_wage(wage, fill, p):
    """The wage at which a firm would choose to employ only the share ``fill`` of the workers it wanted for
    the same output: Cobb-Douglas conditional labour demand has elasticity -a in the wage, so
    w_shadow = w x fill^(-1/a) (a virtual price of the hiring constraint: Neary & Roberts 1980)."""
    fill = np.clip(np.asarray(fill, dtype=np.float64), 1e-3, 1.0)
    return np.asarray(wage) * fill ** (-1.0 / capital_elasticity(p))


def vintage_intensity(kappa: np.ndarray, kept: np.ndarray, kappa_new: np.ndarray, added: np.ndarray) -> np.ndarray:
    """Capital intensity of ``kept`` capacity at ``kappa`` plus ``added`` capacity at ``kappa_new``."""
    total = kept + added
    blended = (kappa * kept + kappa_new * added) / np.maximum(total, 1e-300)
    return np.where(total > 0, blended, kappa_new)


def add_capacity(model, rows: np.ndarray, added: np.ndarray, kappa_new: np.ndarray) -> None:
    """Give firms ``added`` capacity built at ``kappa_new`` (rows may repeat: several projects, one firm),
    before this step's growth (``firm_dynamics.grow``). The capacity handed over neither grows nor depreciates
    in its first year: the firm's growth factor is reset so that its year-end capacity is what it was to be
    plus ``added`` (capital end = (1 - δ) capital start + investment + capital handed over, exactly)."""
    firms = model.firms
    handed = kappa_new * added  # the capital handed over, over the capital-output ratio
    compiled = kernels_pipe.kernels_for(model)
    slots = model.projects.firm_slots(firms.n) if compiled is not None and hasattr(model, "projects") else None
    # sums by firm over the rows handed over (in the compiled version without sorting them)
    touched, extra, capital = kernels_pipe.sums_by_row(rows, added, handed, slots, compiled)
    before = firms.capacity[touched]
    remaining = model.steps_per_year - model.step_in_year  # growth steps left this year, this one included
    path = firms.growth_factor[touched] ** remaining
    growth = ((before * path + extra) / np.maximum(before + extra, 1e-300)) ** (1.0 / remaining)
    # κ holds for the capacity planned for year end (capital.invest), so the blend weighs that, before x path;
    # then the firms' growth factors, κ and capacity written (kernels_pipe.hand_over_numpy)
    kernels_pipe.hand_over(touched, extra, capital, before, path, growth, firms.growth_factor,
                           firms.capital_intensity, firms.capacity, compiled)
    record_handover(model, rows, handed)


def record_handover(model, rows: np.ndarray, capital: np.ndarray) -> None:
    """Capital (亿元) projects hand over to firms in the district this year (built earlier: FAI then)."""
    inside = model.in_district()[rows]
    model.year_stats["capital_from_projects_100m_cny"] += float(
        model.params.firms.capital_output_ratio * capital[inside].sum())


def desired_capacity(demand: np.ndarray, competitiveness: np.ndarray, utilisation: float) -> np.ndarray:
    """Capacity (at productivity 1) that sells ``demand`` at the target utilisation."""
    return demand / (utilisation * np.maximum(competitiveness, 1e-9))


def planned_investment(capacity: np.ndarray, desired: np.ndarray, cash_flow: np.ndarray, p,
                       kappa_new: np.ndarray | float = 1.0) -> np.ndarray:
    """Accelerator investment (亿元) after depreciation, at capital intensity ``kappa_new``, limited by the
    financing multiple of cash flow."""
    gap = np.maximum(desired - (1.0 - p.depreciation_rate_per_year) * capacity, 0.0)
    return np.minimum(p.capital_output_ratio * kappa_new * gap, p.financing_multiple * np.maximum(cash_flow, 0.0))


def invest(model, live: np.ndarray, competitiveness: np.ndarray, fill: np.ndarray | float = 1.0) -> None:
    """At the start of a year: each live firm's investment and the capital intensity of its capacity at year
    end (putty-clay), at its shadow wage given ``fill`` (``labour.start_year``); this year's capacity path
    (``growth_factor``). The arithmetic is ``desired_capacity``, ``cash_flow``, ``planned_investment`` and
    ``vintage_intensity`` in one pass over the live rows (``kernels_step.invest_rows``; a change to those
    must be made there too: tests/test_kernels_step.py holds the two equal)."""
    p, firms = model.params.firms, model.firms
    # κ* by town where a firm got all it wanted (its shadow wage is the town's wage); by firm for the rationed
    rationed, towns, fills = rationed_rows(live, fill, firms.town)
    kappa_rationed = new_capital_intensity(model, towns, fills)
    ratio, inside = kernels_step.invest_rows(
        live, firms.town, town_capital_intensity(model), rationed, kappa_rationed, firms.demand, competitiveness,
        firms.capacity, firms.output_last_year, firms.sector, model.sector_va_ratio, firms.employment,
        model.in_district(), firms.capital_intensity, firms.investment, model.wage_10k_cny,
        p.labour_share_of_value_added, p.target_utilisation, p.depreciation_rate_per_year, p.capital_output_ratio,
        p.financing_multiple)
    kernels_step.put_rows(live, ratio ** (1.0 / model.steps_per_year), firms.growth_factor)
    model.year_stats["fai_incumbents_100m_cny"] += float(inside.sum())


def rationed_rows(live: np.ndarray, fill: np.ndarray | float, town: np.ndarray) -> tuple[np.ndarray, ...]:
    """The positions in ``live`` of the firms whose fill is below 1 (ascending), their towns and fills."""
    if np.ndim(fill) == 0:
        fill = np.full(live.size, float(fill))
    return kernels_step.rationed_rows(live, np.asarray(fill, dtype=np.float64), town)


def town_capital_intensity(model) -> np.ndarray:
    """κ* of capacity built this year by a firm that got the workers it wanted, by town."""
    return new_capital_intensity(model, np.arange(len(model.towns)))


def cash_flow(model, rows: np.ndarray) -> np.ndarray:
    """Last year's value added less wages (亿元); for firms without a year of accounts (the base year's, and
    those founded during last year), that of their demand at the base labour share."""
    firms = model.firms
    sales = labour.last_sales(model, rows)
    value_added = sales * model.sector_va_ratio[firms.sector[rows]]
    wages = firms.employment[rows] * model.wage_10k_cny / 1e4
    no_accounts = firms.employment[rows] <= 0
    wages = np.where(no_accounts, value_added * model.params.firms.labour_share_of_value_added, wages)
    return value_added - wages


def pay_for_upgrades(model, rows: np.ndarray) -> None:
    """技改 started this year cost a share of the firms' capital, counted as fixed-asset investment."""
    p = model.params.firms
    rows = rows[model.in_district()[rows]]
    cost = p.tech_upgrade_cost_share * capital_stock(model, rows)
    model.year_stats["fai_upgrades_100m_cny"] += float(cost.sum())


def capital_stock(model, rows: np.ndarray) -> np.ndarray:
    """Fixed capital of the given firms, 亿元 (2022 prices): ratio x κ x capacity."""
    firms = model.firms
    return model.params.firms.capital_output_ratio * firms.capital_intensity[rows] * firms.capacity[rows]


def fixed_asset_investment(model) -> float:
    """This year's district FAI so far: incumbents, 技改 and the capital projects put in place (亿元)."""
    s = model.year_stats
    return s["fai_incumbents_100m_cny"] + s["fai_upgrades_100m_cny"] + s["fai_projects_100m_cny"]

"""Demand: each sector's markets grow on a scenario path, and a firm's share of them moves with its competitiveness.

A firm's sales potential (``firms.demand``, 亿元/yr) is its share of markets outside the district, which grow at
the sector's real outside growth plus any shock, and inside it (a share ``inside_share`` that follows last
year's district GDP). Each year the share moves by replicator dynamics: demand x (1 + chi (E / E_bar - 1)), E = own productivity
x place multiplier, against the sector's mean (Dosi, Fagiolo & Roventini 2010, K+S); a mean-preserving Laplace shock whose scale falls
with size adds the tent-shaped growth of firm sales (lit F3). The replicator only moves shares within a sector;
the sector's sales follow its markets and its mean competitiveness relative to the national reference (a level
effect with the same elasticity). New capacity from projects comes with the sales it
was built for (``target_utilisation`` of it): attraction wins the district new market share. Organic turnover is
zero-sum within a sector: exiting firms' sales pass to the sector's survivors and entrants take theirs from
them (K+S renormalisation), so a sector's sales change only with its markets, its competitiveness and projects. Parameters (scenario ``demand``, ``firms``):
outside_growth_per_year (1/yr by sector), inside_share, shocks (sector, years, growth change, 1/yr),
replicator_elasticity (chi), productivity_growth_per_year (1/yr), first_year_recovery_growth (log, 2023).
Sources: lit E1 (K+S), F3 (Laplace growth, beta), F6 (2.85%/yr), NBS 2023 (4.6% industrial growth).
"""

from __future__ import annotations

import numpy as np

from sim import kernels, kernels_step
from sim.randomness import laplace_from_uniform


def growth_spread(size: np.ndarray, spread_at_reference: float, size_exponent: float,
                  reference_size: float) -> np.ndarray:
    """Laplace scale of annual log growth for firms of the given sizes (capped below 0.9)."""
    safe = np.maximum(size, 1e-6)
    return np.minimum(spread_at_reference * (safe / reference_size) ** (-size_exponent), 0.9)


def annual_growth(uniform: np.ndarray, drift: float, spread: np.ndarray):
    """Mean-preserving Laplace log growth from uniforms: E[exp(g)] = exp(drift) for every firm."""
    shocks = laplace_from_uniform(uniform, spread)
    return drift + shocks + np.log1p(-spread**2)  # E[exp(Laplace(0,b))] = 1/(1-b^2)


def market_growth(model, district_growth: float) -> np.ndarray:
    """This year's log growth of each sector's markets: outside path and shocks, the inside part with GDP."""
    d, year = model.params.demand, model.year
    outside = np.array([getattr(d.outside_growth_per_year, s, 0.0) for s in model.sector_ids])
    for shock in d.shocks:
        if shock.first_year <= year <= shock.last_year and shock.sector in model.sector_ids:
            outside[model.sector_ids.index(shock.sector)] += shock.growth_change_per_year
    growth = (1.0 - d.inside_share) * outside + d.inside_share * district_growth
    if year == model.first_year:
        growth = growth + model.params.firms.first_year_recovery_growth
    return growth


def reference_competitiveness(model) -> np.ndarray:
    """E*_s this year: the sector's base-year mean competitiveness x the national productivity index."""
    return model.base_competitiveness * model.productivity_index


def competitiveness(model, rows: np.ndarray, place: np.ndarray) -> np.ndarray:
    """Own productivity x place multiplier (``place``: the multiplier by place cell, per year)."""
    firms = model.firms
    return firms.productivity[rows] * place[firms.place_cell[rows]]


def replicator_factor(relative: np.ndarray, elasticity: float) -> np.ndarray:
    """1 + chi (E / E_bar - 1), kept positive: a firm's share may shrink, never turn negative."""
    return np.maximum(1.0 + elasticity * (relative - 1.0), 0.05)


def sector_means(model, rows: np.ndarray, power: np.ndarray, sectors: np.ndarray | None = None,
                 sales: np.ndarray | None = None) -> np.ndarray:
    """Each sector's sales-weighted mean competitiveness over the given firms (the base value where none);
    ``sectors`` and ``sales``: the firms' sectors and demand, if already gathered."""
    firms, n = model.firms, len(model.sector_ids)
    sectors = firms.sector[rows] if sectors is None else sectors
    sales = firms.demand[rows] if sales is None else sales
    weight, weighted = kernels.two_cell_sums(sectors, kernels.NO_MASK, False, sales, power, True, n)  # one pass
    return mean_of_sums(model, weight, weighted)


def mean_of_sums(model, weight: np.ndarray, weighted: np.ndarray) -> np.ndarray:
    """``sector_means`` from the sums by sector of sales (``weight``) and of sales x competitiveness."""
    mean = weighted / np.maximum(weight, 1e-300)
    return np.where(weight > 0, mean, model.base_competitiveness * model.productivity_index)


def update_demand(model, live: np.ndarray, power: np.ndarray, gathered=None) -> np.ndarray:
    """At the start of a year: each live firm's sales potential for the year (``firms.demand``).

    Within a sector, shares move by the replicator against the sector's mean competitiveness (they add up to
    the same total); the sector's sales move with its markets and with the change of its mean
    competitiveness relative to the national reference, to the power chi (a level effect: a district whose
    firms became 1% more competitive sells chi % more). Returns each firm's competitiveness relative to its
    sector's mean (selection reads it). ``gathered``: the live firms' sectors, sales, growth uniforms and the
    sums by sector of ``mean_of_sums``, if known (``firm_dynamics.YearStart``: one pass gives them)."""
    p, firms = model.params.firms, model.firms
    if gathered is None:
        sectors, sales = firms.sector.take(live), firms.demand.take(live)  # gathered once
        mean = sector_means(model, live, power, sectors, sales)
        uniform = model.keyed_uniform("growth", live, model.year)
    else:
        sectors, sales, uniform = gathered.sectors, gathered.sales, gathered.uniform
        mean = mean_of_sums(model, gathered.sales_by_sector, gathered.weighted_by_sector)
    relative_to_nation = mean / reference_competitiveness(model)
    level = (relative_to_nation / model.sector_relative_competitiveness) ** p.replicator_elasticity
    model.sector_relative_competitiveness = relative_to_nation
    factors = growth_factors(p, market_growth(model, model.district_gdp_growth), sectors, sales, uniform)
    # the replicator factor (``replicator_factor`` of each firm's relative competitiveness) has a sales-weighted
    # mean of exactly 1 within each sector: shares only move; the products in one pass (compiled at larger scales)
    return kernels.move_demand(live, sectors, sales, power, mean, factors, level, p.replicator_elasticity,
                               firms.demand)


def growth_factors(p, growth: np.ndarray, sectors: np.ndarray, sales: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Each firm's growth factor of sales this year: its sector's market growth ``growth`` (log) and its own
    Laplace shock (``annual_growth`` of its ``growth_spread``, from ``uniform``); compiled at larger scales
    (``kernels_step.demand_growth_factors``: the same numbers)."""
    factors = kernels_step.demand_growth_factors(sectors, sales, uniform, growth, p.growth_spread_at_reference,
                                                 p.growth_spread_size_exponent, p.reference_size_100m_cny)
    if factors is not None:
        return factors
    spread = growth_spread(sales, p.growth_spread_at_reference, p.growth_spread_size_exponent,
                           p.reference_size_100m_cny)
    return np.exp(growth[sectors] + annual_growth(uniform, 0.0, spread))


def pass_on_sales(model, leaving: np.ndarray) -> None:
    """Firms about to exit hand their sales to the live firms of their sector, in proportion to theirs (K+S
    renormalises market shares after exit): turnover alone neither adds nor removes a sector's sales."""
    shift_sales(model, leaving, +1.0)


def take_sales(model, entrants: np.ndarray, sales_before: np.ndarray | None = None,
               live_before: np.ndarray | None = None) -> None:
    """Organic entrants take their sales from the live firms of their sector (shares renormalised after entry).
    ``sales_before``: the live firms' demand by sector before the entrants were added, if already summed;
    ``live_before``: the live rows before them (then only those are scaled: the entrants keep theirs)."""
    live_sales = None
    if sales_before is not None:  # the entrants are the last live rows: their sales add on in row order
        live_sales = sales_before.copy()
        np.add.at(live_sales, model.firms.sector[entrants], model.firms.demand[entrants])
    if live_before is None or live_sales is None:
        shift_sales(model, entrants, -1.0, live_sales)
    elif entrants.size:
        factor = shift_factor(model, entrants, -1.0, live_sales)
        kernels.scale_by_cell(live_before, model.firms.sector, model.firms.demand, factor)


def sales_by_sector(model, rows: np.ndarray) -> np.ndarray:
    """Demand summed by sector over ``rows``, in row order (``np.bincount``'s sums, whatever computes them)."""
    return kernels.sums_by_cell(rows, model.firms.sector, model.firms.demand, len(model.sector_ids))


def shift_sales(model, rows: np.ndarray, sign: float, live_sales: np.ndarray | None = None) -> None:
    """Move the sales of ``rows`` (live) to (+1) or from (-1) the other live firms of their sectors, pro rata;
    ``live_sales``: ``sales_by_sector`` of the live firms, if known."""
    firms = model.firms
    if rows.size == 0:
        return
    live = firms.live()
    # one pass each over the live rows (compiled at larger scales): this runs at every step's exits and entries
    factor = shift_factor(model, rows, sign, sales_by_sector(model, live) if live_sales is None else live_sales)
    kept = firms.demand[rows].copy()
    kernels.scale_by_cell(live, firms.sector, firms.demand, factor)
    firms.demand[rows] = kept  # the moving firms keep theirs (an exiting firm's is cleared when it retires)


def shift_factor(model, rows: np.ndarray, sign: float, live_sales: np.ndarray) -> np.ndarray:
    """By sector: the factor on the other live firms' sales when ``rows`` (live, ``live_sales`` the live firms'
    sales by sector, theirs included) hand theirs on (+1) or take theirs from them (-1) (``shift_sales``)."""
    n = len(model.sector_ids)
    moved = np.bincount(model.firms.sector[rows], weights=model.firms.demand[rows], minlength=n)
    others = live_sales - moved
    return np.maximum(np.where(others > 0, 1.0 + sign * moved / np.maximum(others, 1e-300), 1.0), 0.0)


def demand_of_new_capacity(model, capacity: np.ndarray, productivity: np.ndarray | float,
                           place: np.ndarray | float = 1.0) -> np.ndarray:
    """The sales new capacity comes with: what it produces at the target utilisation."""
    return capacity * productivity * place * model.params.firms.target_utilisation

"""Decisions of towns and the district: the incentives they offer a project and the land they develop a year.

Incentives: a government offers at most what the project is worth to it, the tax revenue it keeps from the
project's value added over ``town_value_horizon_years`` (a leadership's term, undiscounted: bounded
rationality), as a subsidy, plus a land-price discount on the land it has serviced but not let (a town
discounts idle land by its park's vacancy: idle land earns nothing); never more than its budget room. In the
co-built park in Taishan it keeps only ``pairing.cobuilt_park_revenue_share`` of the tax and has no land to
discount. A town
bidding alone weighs only its own part of the local tax (``town_share_of_local_tax``: the district's part is
an externality to it); under unified attraction the district bids for all local governments, weighing all of
it, and discounts land by the district's vacancy, the same in every park.
Land: each year a park develops the serviced land that keeps ``land_reserve_years`` of last year's land uptake
free, within its quota (under unified land planning the district's pooled quota, given to the parks with the
largest shortfall) and its town's (the district's) budget room, at ``land_development_cost_100m_cny_per_mu``.
Payments go through the ledger: subsidies and land discounts from ``town:<id>`` (``district`` under unified
attraction) to ``firms:<sector>`` (``incentive:subsidy``, ``incentive:land_discount``), land development to
``firms:construction`` (``land:development``). Parameters (scenario ``investment``: town_value_horizon_years,
town_share_of_local_tax, industrial_land_price_100m_cny_per_mu; ``clustering``: land_reserve_years,
land_development_cost_100m_cny_per_mu; the local revenue per value added, ``public_finance.local_revenue_per_va``). Sources: lit §2 (towns' land and
tax competition), estimates with their reasoning in the schema.
"""

from __future__ import annotations

import math

import numpy as np

from sim import kernels_pipe
from sim.rules import capital, public_finance

DISTRICT = "district"


def tax_value_share(model, sectors: np.ndarray, unified: bool) -> np.ndarray:
    """Tax a bidder keeps over its horizon per 亿元 of signed investment, by project sector: the local share
    for the district (unified attraction), the town's part of it for a town bidding alone."""
    return tax_value_by_sector(model, unified)[sectors]


_tax_values: dict = {}  # the last inputs of tax_value_by_sector and its table: a function of them alone


def tax_value_by_sector(model, unified: bool) -> np.ndarray:
    """``tax_value_share`` of every sector (read-only), made again only when one of its inputs changes (they
    change once a year: the wage, last year's revenue per value added)."""
    p, firms = model.investment_params, model.params.firms
    va = np.asarray(model.sector_va_ratio, dtype=np.float64)
    key = (float(model.wage_10k_cny), float(model.base_wage_10k_cny), firms.labour_share_of_value_added,
           firms.capital_output_ratio, p.funds_in_place_share, p.town_share_of_local_tax, p.town_value_horizon_years,
           float(public_finance.local_revenue_per_va(model)), bool(unified), va.tobytes())
    table = _tax_values.get(key)
    if table is None:
        # capacity is built at this year's capital intensity (the district's firms' wage: sim/rules/capital.py)
        kappa = float(capital.intensity_for_wage(model.wage_10k_cny, firms, model.base_wage_10k_cny))
        output_per_investment = p.funds_in_place_share / (firms.capital_output_ratio * kappa)
        yearly = output_per_investment * va * public_finance.local_revenue_per_va(model)
        table = yearly * (1.0 if unified else p.town_share_of_local_tax) * p.town_value_horizon_years
        table.setflags(write=False)
        if len(_tax_values) >= 8:
            _tax_values.clear()
        _tax_values[key] = table
    return table


def land_and_tax_share(model, sectors: np.ndarray) -> np.ndarray:
    """A project's land at list price plus the town's tax over its horizon, per 亿元 of investment, by sector:
    what a park's standing discount (``incentive``, a share of land price and taxes) is a share of."""
    p = model.investment_params
    return p.industrial_land_price_100m_cny_per_mu / p.land_intensity_100m_cny_per_mu + \
        tax_value_share(model, sectors, unified=False)


def vacancy(land_total: np.ndarray, land_used: np.ndarray) -> np.ndarray:
    """Share of serviced land not let (0 where a park has no land)."""
    return np.where(land_total > 0, 1.0 - np.minimum(land_used / np.maximum(land_total, 1e-12), 1.0), 0.0)


def vacancy_of(land_total: float, land_used: float) -> float:
    """``vacancy`` of one total (the same operations on numbers: numpy's minimum and maximum keep a NaN as these
    do here)."""
    return float(1.0 - min(land_used / max(land_total, 1e-12), 1.0)) if land_total > 0 else 0.0


def incentive_ceilings(model, sectors: np.ndarray, investment: np.ndarray, land_mu: np.ndarray,
                       unified: bool) -> tuple[np.ndarray, np.ndarray]:
    """The most each park's bidder would offer each project (projects x parks, share of the investment), and
    the land-discount rate on offer by park (vacancy: the park's, or the district's under unified attraction).
    The budget room is the one at the start of the step: projects won in the same step may together spend
    more than it (by less than one project's ceiling each)."""
    rate, kept, room = bidder_terms(model, unified)
    price = model.investment_params.industrial_land_price_100m_cny_per_mu
    # discount: price x land x rate; subsidy: tax value x investment x kept; at most the room, per unit invested
    ceiling = kernels_pipe.ceilings(price * land_mu, tax_value_share(model, sectors, unified) * investment,
                                    np.maximum(investment, 1e-12), rate, kept, room, kernels_pipe.kernels_for(model))
    return ceiling, np.broadcast_to(rate, ceiling.shape)


def bidder_terms(model, unified: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """By park, what its bidder's ceiling is made of: the land-discount rate on offer, the share of the local
    tax Xinhui keeps, the budget room (at least 0)."""
    parks = model.parks
    total = np.array([park.land_total_mu for park in parks])
    used = np.array([park.land_used_mu for park in parks])
    if unified:
        open_in = (total > 0) & ~model.park_outside[: len(parks)]
        rate = np.full(len(parks), vacancy_of(total[open_in].sum(), used[open_in].sum()))
        rate[~open_in] = 0.0
        room = np.full(len(parks), model.district_budget_room_100m_cny)
    else:
        rate = vacancy(total, used)
        rate[model.park_outside[: len(parks)]] = 0.0  # the co-built park's land is Taishan's to price
        room = np.array([model.towns[park.town_index].budget_room_100m_cny for park in parks])
    # Xinhui keeps only its share of the co-built park's local tax (public_finance.add_cobuilt_share)
    kept = np.where(model.park_outside[: len(parks)], model.params.pairing.cobuilt_park_revenue_share, 1.0)
    return rate, kept, np.maximum(room, 0.0)


def pay_incentives(model, payers: list[str], sectors: np.ndarray, land_discount: np.ndarray,
                   subsidy: np.ndarray) -> None:
    """Post each project's land discount and subsidy (亿元) from its payer to its sector's firms, and take them
    from the payer's budget room. The pre-plan warm-up years are not in the accounts."""
    if model.year < model.first_year:
        return
    stats, transfer = model.year_stats, model.ledger.transfer
    accounts = [f"firms:{sector}" for sector in model.sector_ids]
    for payer, sector, discount, grant in zip(payers, np.asarray(sectors).tolist(), np.asarray(land_discount).tolist(),
                                              np.asarray(subsidy).tolist()):
        transfer(payer, accounts[sector], discount, "incentive:land_discount")
        transfer(payer, accounts[sector], grant, "incentive:subsidy")
        spend(model, payer, discount + grant)
    stats["incentive_land_discount_100m_cny"] += float(np.sum(land_discount))
    stats["incentive_subsidy_100m_cny"] += float(np.sum(subsidy))


def spend(model, payer: str, amount: float) -> None:
    """Take ``amount`` (亿元) from the payer's budget room (infinite until public finance sets it)."""
    if payer == DISTRICT:
        model.district_budget_room_100m_cny -= amount
    else:
        town = model.towns[model.town_index[payer.split(":", 1)[1]]]
        town.budget_room_100m_cny -= amount


def split_incentive(model, paid_100m_cny: np.ndarray, land_mu: np.ndarray, rate: np.ndarray):
    """The land discount (first, up to the discount on offer) and the subsidy (the rest) of what was paid."""
    price = model.investment_params.industrial_land_price_100m_cny_per_mu
    discount = np.minimum(paid_100m_cny, price * land_mu * rate)
    return discount, paid_100m_cny - discount


def land_to_develop(free_mu: np.ndarray, uptake_mu: np.ndarray, quota_mu: np.ndarray, reserve_years: float,
                    pooled: bool) -> np.ndarray:
    """Serviced land (亩) each park adds: the shortfall below ``reserve_years`` of uptake, within the quota; a
    pooled quota goes to the parks in proportion to their shortfall."""
    shortfall = np.maximum(reserve_years * uptake_mu - free_mu, 0.0)
    if not pooled:
        return np.minimum(shortfall, quota_mu)
    need = shortfall.sum()
    return shortfall * min(quota_mu.sum() / need, 1.0) if need > 0 else np.zeros_like(shortfall)


def develop_land(model, pooled: bool) -> np.ndarray:
    """At year end: each open park's new serviced land (亩), paid by its town (the district when pooled), within
    budget room; returns the land added by park."""
    p = model.params.clustering
    parks = model.parks
    open_in = np.array([park.land_total_mu > 0 and not park.outside_district for park in parks])
    free = np.array([park.land_free_mu for park in parks])
    uptake = model.land_taken_mu.copy()  # land let this year, by park
    model.land_taken_mu[:] = 0.0
    quota = np.where(open_in, [park.expansion_mu_per_year for park in parks], 0.0)
    added = np.where(open_in, land_to_develop(free, uptake, quota, p.land_reserve_years, pooled), 0.0)
    cost = p.land_development_cost_100m_cny_per_mu
    for i in np.flatnonzero(added > 0):
        payer = DISTRICT if pooled else f"town:{model.town_ids[parks[i].town_index]}"
        room = model.district_budget_room_100m_cny if pooled else model.towns[parks[i].town_index].budget_room_100m_cny
        if cost > 0 and math.isfinite(room):
            added[i] = min(added[i], max(room, 0.0) / cost)
        model.ledger.transfer(payer, "firms:construction", float(added[i] * cost), "land:development")
        spend(model, payer, float(added[i] * cost))
    model.year_stats["land_developed_mu"] += float(added.sum())
    model.year_stats["land_development_100m_cny"] += float(added.sum() * cost)
    return added


def revenue_inside(revenue_at_share: np.ndarray, share_now: float, shared_in: np.ndarray, shared_out: np.ndarray,
                   share: float) -> np.ndarray:
    """Each town's revenue inside the sharing scheme at revenue share ``share``, from its revenue at
    ``share_now`` and the retained tax on handed-on firms it drew (``shared_in``) and hosts (``shared_out``)."""
    return revenue_at_share + (share - share_now) * (shared_in - shared_out)


def participation_limits(revenue_at_share: np.ndarray, share_now: float, shared_in: np.ndarray,
                         shared_out: np.ndarray, revenue_outside: np.ndarray) -> tuple[float, float]:
    """The smallest share the towns that gain from sharing need and the largest the hosts accept, each town
    joining only if its revenue inside the scheme is at least its revenue outside it (in [0, 1]; a town worse
    off inside at every share makes the low limit inf)."""
    base = revenue_at_share - share_now * (shared_in - shared_out)  # revenue inside at share 0
    slope, gap = shared_in - shared_out, revenue_outside - base
    low, high = 0.0, 1.0
    for s, g in zip(slope, gap):
        if s > 0:
            low = max(low, g / s)
        elif s < 0:
            high = min(high, g / s)
        elif g > 0:
            low = math.inf
    return low, high


def participation_band(revenue_at_share: np.ndarray, share_now: float, shared_in: np.ndarray,
                       shared_out: np.ndarray, revenue_outside: np.ndarray) -> tuple[float, float]:
    """The range of revenue shares in [0, 1] in which every town's revenue inside the scheme is at least its
    revenue outside it (town-by-town attraction, no sharing): each town joins only then. (nan, nan): none."""
    low, high = participation_limits(revenue_at_share, share_now, shared_in, shared_out, revenue_outside)
    return (low, high) if low <= high else (math.nan, math.nan)

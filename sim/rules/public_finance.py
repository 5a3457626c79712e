"""Public finance: taxes by type from firms' and households' incomes, split among the five levels of
government (分税制 and the district-town system), revenue sharing between towns, transfers.

At year end every producing firm pays VAT on its value added, corporate income tax on its positive profit
(statutory rate, 15% if certified high-tech, times an effective share), 房产税 on its capital, 城镇土地使用税 on
its land and the VAT surcharges; its workers (``households:<town>``) pay personal income tax on its wage bill.
The non-industrial market economy of each town (tertiary less the public sector, and construction, account
``firms:services``) pays the same taxes on its value added, profit share and labour share, plus the real-estate
taxes and land-transfer income on its construction value added; the public sector's value added (its wages,
sim.rules.services) pays only the PIT of its workers. Each tax T_t is posted in shares to ``outside:central``, ``outside:province``,
``outside:city``, ``district`` and ``town:<id>`` (``level_shares``: every row sums to 1). Revenue sharing
(利益共享): a host town pays the town that drew a handed-on firm ``integration.revenue_share`` and the district
``fiscal.revenue_sharing_district_share`` of its town-level taxes on that firm (``revenue_sharing``). The 新台 co-built park's Xinhui share comes in from
``outside:counties``. The province pays the district a transfer per resident; the district tops up towns
whose own revenue per resident is below ``town_equalisation_floor`` of the towns' mean.

A town's 一般公共预算收入 (``town.fiscal_revenue_100m_cny``, the plan's 5亿 target) is the district-and-town
part of the taxes collected in its territory (VAT, CIT, PIT, property, land taxes, surcharges) and the non-tax
revenue raised on them (``non_tax_revenue_share_of_tax``); not land-transfer income (the fund budget), nor
transfers, revenue-sharing money or 赛马 rewards; ``revenue_share`` of the local part of handed-on firms'
taxes is booked to the drawing town (and the district's share to the district), plus the co-built park's
share for the partner; the district's is their sum plus its share of handed-on firms' taxes.
Parameters: scenario ``fiscal`` (rates, level shares, transfers), ``integration.revenue_share`` and
``revenue_sharing_start_year``, ``pairing.cobuilt_park_revenue_share``. Sources: docs/scenarios.md; lit E4
(分税制 shares); national 2023 tax structure for the effective rates.
"""

from __future__ import annotations

import numpy as np

from sim import kernels_year
from sim.rules import fiscal

TAX_TYPES = kernels_year.TAXES  # ("vat", "cit", "pit", "property", "land", "other")
LEVELS = ("central", "province", "city", "district", "town")
SHARED_WITH_PROVINCE = ("vat", "cit", "pit")
SERVICES = "firms:services"  # the tertiary and construction firms, not modelled one by one
SERVICES_CAPITAL_PER_VA = 2.6  # κ / the 2022 mix's VA ratio (0.667 / 0.26): docs/outputs.md, growth accounting
LEVEL_ACCOUNTS = {"central": "outside:central", "province": "outside:province", "city": "outside:city",
                  "district": "district"}


# 2017: 一般公共预算收入 51.9亿 on ≈ 620亿 of GDP with ≈ 7% primary (xinhui_facts.md §4): the local revenue per
# 亿元 of non-primary value added a bidder assumes before the model's first year of taxes
LOCAL_REVENUE_PER_VA_2017 = 51.9 / (620.0 * 0.93)


def local_revenue_per_va(model) -> float:
    """District-and-town 一般公共预算收入 per 亿元 of non-primary value added: last year's as collected (2017's
    before the first collection)."""
    return getattr(model, "local_revenue_per_va", LOCAL_REVENUE_PER_VA_2017)


def level_shares(fp) -> dict[str, dict[str, float]]:
    """Share of each tax type that goes to each level; the shares of a type sum to 1."""
    out = {}
    for tax in TAX_TYPES:
        central = fp.vat_central_share if tax == "vat" else fp.income_tax_central_share if tax in ("cit", "pit") \
            else 0.0
        province = (1 - central) * fp.province_share_of_local if tax in SHARED_WITH_PROVINCE else 0.0
        below = 1 - central - province
        city = below * fp.city_share_of_local
        town = (below - city) * fp.town_share_of_local
        out[tax] = {"central": central, "province": province, "city": city, "district": below - city - town,
                    "town": town}
    return out


def local_share(shares: dict[str, dict[str, float]], tax: str) -> float:
    """The district-and-town part of a tax (what counts in 一般公共预算收入 of the district and its towns)."""
    return shares[tax]["district"] + shares[tax]["town"]


def firm_taxes(model, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Each tax of the given firms this year (亿元, 2022 prices), from this year's accounts (run after
    firm_dynamics.close_year: output_last_year, profit and employment are this year's)."""
    return kernels_year.firm_taxes_numpy(rows, firm_columns(model), firm_tax_rates(model))


def firm_columns(model) -> dict[str, np.ndarray]:
    """The firm columns the taxes are computed from (sim.kernels_year), with the VA ratio by sector."""
    firms = model.firms
    return {"output": firms.output_last_year, "park": firms.park, "sector": firms.sector, "town": firms.town,
            "zone": firms.zone, "origin_town": firms.origin_town,
            "va_ratio": model.sector_va_ratio, "high_tech": firms.high_tech, "profit": firms.profit,
            "employment": firms.employment, "capital_intensity": firms.capital_intensity,
            "capacity": firms.capacity, "land_mu": firms.land_mu}


def firm_tax_rates(model) -> np.ndarray:
    return kernels_year.tax_rates(model.params.fiscal, float(model.wage_10k_cny),
                                  model.params.firms.capital_output_ratio)


def market_services_va(model) -> np.ndarray:
    """Every town's value added of the market economy outside industry (亿元): tertiary output less the public
    sector's (schools, hospitals, administration pay no business taxes), plus construction."""
    return np.array([t.tertiary_100m_cny - t.tertiary_by_component_100m_cny.get("public", 0.0)
                     + t.construction_100m_cny for t in model.towns])


def services_taxes(model) -> dict[str, np.ndarray]:
    """Each tax of every town's market tertiary and construction economy (亿元), PIT on the public sector's
    wages (its value added) too, and the land-transfer income."""
    fp = model.params.fiscal
    construction = np.array([t.construction_100m_cny for t in model.towns])
    value_added = market_services_va(model)
    public_wages = np.array([t.tertiary_by_component_100m_cny.get("public", 0.0) for t in model.towns])
    vat = fp.vat_rate_on_services_va * value_added
    wages = model.params.firms.labour_share_of_value_added * value_added + public_wages
    return {"vat": vat, "cit": fp.cit_rate * fp.cit_effective_share * fp.services_profit_share_of_va * value_added,
            "pit": fp.pit_rate_on_wages * wages,
            "property": fp.property_tax_rate_on_capital * SERVICES_CAPITAL_PER_VA * value_added,
            "land": fp.real_estate_tax_rate_on_construction_va * construction, "other": fp.surcharge_rate_on_vat * vat,
            "land_transfer": fp.land_transfer_income_per_construction_va * construction}


def post_tax(model, payers: list[str], tax: str, by_payer_town: np.ndarray, shares) -> float:
    """Each payer's tax raised in each town (亿元, payer x town index), split among the levels: for each payer in
    turn one transfer to each level above the towns for its total, then one to each town for its share (one
    batch of postings). Returns the sum of the payers' totals."""
    totals = by_payer_town.sum(axis=1)
    above = totals[:, None] * np.array([shares[tax][level] for level in LEVEL_ACCOUNTS])[None, :]
    amounts = np.concatenate([above, by_payer_town * shares[tax]["town"]], axis=1)
    posted = np.concatenate([np.ones_like(above, dtype=bool), by_payer_town != 0], axis=1)
    rows, columns = np.nonzero(posted)
    payees = [*LEVEL_ACCOUNTS.values(), *town_accounts(model)]
    model.ledger.transfer_many([payers[r] for r in rows.tolist()], [payees[c] for c in columns.tolist()],
                               amounts[rows, columns], f"tax:{tax}")
    return sum(totals.tolist())


def town_accounts(model) -> list[str]:
    """``town:<id>`` of every town, by town index."""
    return [f"town:{t}" for t in model.town_ids]


def post_by_payer(model, tax: str, by_sector_town: np.ndarray, shares, services: bool = False) -> float:
    """Post a tax given by sector x town (or, with ``services``, by town for ``firms:services``): PIT is paid by
    each town's households, the other taxes by the firms of each sector (those that paid any). Returns the
    total."""
    if tax == "pit":
        by_town = by_sector_town if services else by_sector_town.sum(axis=0)
        return post_tax(model, [f"households:{t}" for t in model.town_ids], tax, np.diag(by_town), shares)
    if services:
        return post_tax(model, [SERVICES], tax, by_sector_town[None, :], shares)
    paying = np.flatnonzero(by_sector_town.any(axis=1))
    return post_tax(model, [f"firms:{model.sector_ids[s]}" for s in paying], tax, by_sector_town[paying], shares)


def collect(model, industry: dict) -> dict | None:
    """At year end, after the firms' accounts: taxes, revenue sharing, the co-built park's share, transfers;
    sets each town's 一般公共预算收入. Keeps ``model.taxes_collected[year]`` (type -> 亿元 collected, before the
    split) for the identity checks. Returns what the tax pass over the producing firms in the district also
    added up (compiled scales only, else None): ``wage_bills`` by sector at the wage ``wage_10k_cny``,
    ``jobs_by_town`` and ``jobs_by_cluster`` (persons; zone x n_sectors + sector), for the households'
    settlement and the tables, which ``RegionModel.close_year`` hands them (the same sums in the same order as
    their own passes: sim/kernels_year_numba.py ``tax_sums``; nothing changes the firms in between)."""
    shares = level_shares(model.params.fiscal)
    n = len(model.towns)
    # each tax by sector x town in one pass over the firms (compiled at larger scales), which also finds the
    # firms drawn by one town and hosted by another (few) and those that produced outside the district
    by_tax, handed, outside, by_products = kernels_year.tax_sums(firm_columns(model), model.park_outside,
                                                                 firm_tax_rates(model), n, len(model.sector_ids),
                                                                 len(model.zones))
    collected = dict.fromkeys(TAX_TYPES, 0.0)
    local_by_town = np.zeros(n)
    for tax, sums in zip(TAX_TYPES, by_tax, strict=True):
        by_cell = sums.reshape(-1, n)
        collected[tax] += post_by_payer(model, tax, by_cell, shares)
        local_by_town += local_share(shares, tax) * by_cell.sum(axis=0)
    local_by_town += collect_services(model, shares, collected)
    local_by_town += collect_non_tax(model, local_by_town, collected)
    revenue = share_revenue(model, handed, firm_taxes(model, handed), shares,
                            dict(zip(model.town_ids, local_by_town)))
    revenue = add_cobuilt_share(model, outside, shares, revenue, industry.get("cobuilt_va", 0.0))
    for town in model.towns:
        town.fiscal_revenue_100m_cny = revenue[town.id]
    nonprimary_va = sum(t.industrial_va_100m_cny + t.tertiary_100m_cny + t.construction_100m_cny for t in model.towns)
    if nonprimary_va > 0:  # what bidders value a project's taxes at next year (sim.rules.town_decisions)
        model.local_revenue_per_va = float(local_by_town.sum() / nonprimary_va)
    model.taxes_collected[model.year] = collected
    transfer_from_province(model)
    equalise_towns(model)
    return None if by_products is None else {"wage_10k_cny": float(model.wage_10k_cny), **by_products}


def collect_services(model, shares, collected: dict) -> np.ndarray:
    """The non-industrial economy's taxes and land-transfer income; returns their local part by town."""
    taxes = services_taxes(model)
    local = np.zeros(len(model.towns))
    town_share = model.params.fiscal.land_income_town_share
    for tax in TAX_TYPES:
        collected[tax] += post_by_payer(model, tax, taxes[tax], shares, services=True)
        local += local_share(shares, tax) * taxes[tax]
    land = taxes["land_transfer"]  # to each town its share, then to the district the rest, town by town
    model.ledger.transfer_many(SERVICES, [name for town in town_accounts(model) for name in (town, "district")],
                               np.column_stack([land * town_share, land * (1 - town_share)]), "land:transfer_income")
    collected["land_transfer"] = collected.get("land_transfer", 0.0) + float(taxes["land_transfer"].sum())
    return local


def collect_non_tax(model, local_tax: np.ndarray, collected: dict) -> np.ndarray:
    """Non-tax revenue (fees, fines, state assets: ``nontax:other``), a share of each town's local taxes, paid
    by its households and split between district and town like the taxes; returns it by town."""
    fp = model.params.fiscal
    non_tax = fp.non_tax_revenue_share_of_tax * local_tax
    payers = [f"households:{t}" for t in model.town_ids for _ in range(2)]
    model.ledger.transfer_many(payers, [name for town in town_accounts(model) for name in (town, "district")],
                               np.column_stack([non_tax * fp.town_share_of_local,
                                                non_tax * (1 - fp.town_share_of_local)]), "nontax:other")
    collected["non_tax"] = float(non_tax.sum())
    return non_tax


def sharing_rule(model) -> tuple[float, float]:
    """This year's shares of a handed-on firm's taxes for the drawing town and for the district (the host keeps
    the rest); the district's is capped so that the two never exceed 1."""
    p = model.params.integration
    if model.year < p.revenue_sharing_start_year:
        return 0.0, 0.0
    return p.revenue_share, min(model.params.fiscal.revenue_sharing_district_share, 1.0 - p.revenue_share)


def share_revenue(model, rows: np.ndarray, taxes: dict, shares, revenue: dict[str, float]) -> dict[str, float]:
    """Revenue sharing (利益共享) for firms drawn by one town and hosted by another: in money the host pays the
    drawing town s and the district s_d of its town-level taxes on them; in the 一般公共预算收入 statistic s of
    their local part moves to the drawing town and s_d from the host to the district's own
    (``model.district_shared_revenue_100m_cny``)."""
    share, district_share = sharing_rule(model)
    model.district_shared_revenue_100m_cny = 0.0
    firms = model.firms
    handed = np.flatnonzero(firms.origin_town[rows] != firms.town[rows])
    if share + district_share <= 0 or handed.size == 0:
        return revenue
    n = len(model.towns)
    pairs = firms.origin_town[rows[handed]].astype(np.int64) * n + firms.town[rows[handed]]
    local = sum(local_share(shares, t) * taxes[t][handed] for t in TAX_TYPES)
    town_level = sum(shares[t]["town"] * taxes[t][handed] for t in TAX_TYPES)
    local_pairs = np.bincount(pairs, weights=local, minlength=n * n)
    town_pairs = np.bincount(pairs, weights=town_level, minlength=n * n)
    for k in np.flatnonzero(local_pairs):
        origin, host = model.town_ids[k // n], model.town_ids[k % n]
        model.ledger.transfer(f"town:{host}", f"town:{origin}", share * float(town_pairs[k]), "revenue_sharing")
        model.ledger.transfer(f"town:{host}", "district", district_share * float(town_pairs[k]), "revenue_sharing")
    handed_on = {(model.town_ids[k // n], model.town_ids[k % n]): float(local_pairs[k])
                 for k in np.flatnonzero(local_pairs)}
    revenue = fiscal.town_fiscal_revenue(revenue, handed_on, share)
    for (_, host), local_tax in handed_on.items():
        revenue[host] -= district_share * local_tax
    model.district_shared_revenue_100m_cny = district_share * sum(handed_on.values())
    return revenue


def add_cobuilt_share(model, rows: np.ndarray, shares, revenue: dict[str, float], cobuilt_va: float):
    """Xinhui's share of the local taxes of the co-built park's firms (in Taishan; ``rows``: those that produced
    this year outside the district), paid in from ``outside:counties`` to the district and the partner town; it
    counts in the partner's 一般公共预算收入."""
    model.year_stats["cobuilt_park_va_100m_cny"] = cobuilt_va
    if cobuilt_va <= 0 or not model.park_outside[:-1].any():
        return revenue
    taxes = firm_taxes(model, rows)
    sigma = model.params.pairing.cobuilt_park_revenue_share
    partner = model.params.pairing.cobuilt_park_partner_town
    revenue = dict(revenue)
    for tax in TAX_TYPES:
        total = float(taxes[tax].sum()) * sigma
        item = f"revenue_sharing:cobuilt_park:{tax}"
        model.ledger.transfer("outside:counties", f"town:{partner}", total * shares[tax]["town"], item)
        model.ledger.transfer("outside:counties", "district", total * shares[tax]["district"], item)
        revenue[partner] += total * local_share(shares, tax)
    return revenue


def transfer_from_province(model) -> None:
    """Transfers from higher levels to the district, per resident (``transfer:province``)."""
    per_head = model.params.fiscal.upper_transfers_yuan_per_resident
    residents = sum(t.population for t in model.towns)
    model.ledger.transfer("outside:province", "district", per_head * residents * model.scale / 1e8,
                          "transfer:province")


def equalise_towns(model) -> None:
    """The district tops up every town's own revenue per resident to ``town_equalisation_floor`` of the mean
    (own revenue: what the town received this year, transfers excluded)."""
    floor = model.params.fiscal.town_equalisation_floor
    own = np.array([model.ledger.received_except(account, "transfer:") for account in town_accounts(model)])
    residents = np.array([t.population for t in model.towns])
    target = floor * own.sum() / residents.sum()
    for town, revenue, people in zip(model.towns, own, residents):
        model.ledger.transfer("district", f"town:{town.id}", max(target * people - revenue, 0.0),
                              "transfer:district")

"""Collective assets bought with pairing funds (标准厂房 / 富民工坊 let to firms, 商铺 let to households' trade),
held by the village's 强村公司, and the local market that sets their rent.

A village keeps its pairing funds until they pay for the smallest buildable block of an asset type, then buys
the type with the higher expected rent per 万元 (paid to the builder, ``firms:construction``); the building
takes ``asset_build_years``, tenants are found at ``lease_up_share_per_year`` of the vacant space a year, and
the rent comes from the demand for such space near the village: Q = d_k · X_town · w_v m², with X the town's
industrial output (factories) or tertiary output (shops) of the year and w_v the village's share of its town's
2022 collective operating income (villages near the industrial areas and town centres already let the most).
Up to Q the space lets at the base rent r0_k; beyond it the village cuts the rent until all of it lets,
r = r0_k (Q / A)^(1/ε) (ε: price elasticity of the demand for space, ≥ 1, so more space never earns less).
The lag (saving up for a block, building, letting), the threshold (the block) and diminishing returns (the
catchment Q) thus come out of the assets' market, not out of effect sizes.
Parameters (scenario ``pairing``): factory_/shop_cost_10k_cny_per_m2 (万元/m²), factory_/shop_min_block_m2
(m²), factory_/shop_rent_10k_cny_per_m2_year (万元/m²/yr), factory_demand_m2_per_100m_cny_output,
shop_demand_m2_per_100m_cny_tertiary (m² per 亿元), asset_build_years (yr), lease_up_share_per_year (1/yr),
space_demand_elasticity (ε). Sources: facts §4b (13 强村公司, 55 富民工坊 in 2023); the rest estimates (schema).
Rents are paid ``pairing:rent`` by ``firms:<sector>`` (by the sectors' shares of the town's output) or
``households:<town>``; purchases ``pairing:assets`` from ``village:<id>`` to ``firms:construction``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from sim import kernels


class AssetKind(Enum):
    FACTORY = "factory"   # 标准厂房 / 富民工坊: let to the town's firms
    SHOP = "shop"         # 商铺: let to traders who serve the town's households

    # members are equal only to themselves, so identity hashing agrees with equality; Enum's own __hash__ is
    # Python code, a quarter of a microsecond per lookup in the villages' m²-by-kind dicts (~18,000 a run)
    __hash__ = object.__hash__


ASSET_KINDS = tuple(AssetKind)  # iterating the Enum class runs Python code each time


@dataclass(frozen=True)
class AssetType:
    kind: AssetKind
    cost_10k_cny_per_m2: float
    min_block_m2: float
    rent_10k_cny_per_m2_year: float
    demand_m2_per_100m_cny: float   # nearby demand at the base rent per 亿元 of the town's driver

    @property
    def block_cost_10k_cny(self) -> float:
        return self.cost_10k_cny_per_m2 * self.min_block_m2


def asset_types(p) -> tuple[AssetType, ...]:
    """The two asset types from the scenario's ``pairing`` section."""
    return (AssetType(AssetKind.FACTORY, p.factory_cost_10k_cny_per_m2, p.factory_min_block_m2,
                      p.factory_rent_10k_cny_per_m2_year, p.factory_demand_m2_per_100m_cny_output),
            AssetType(AssetKind.SHOP, p.shop_cost_10k_cny_per_m2, p.shop_min_block_m2,
                      p.shop_rent_10k_cny_per_m2_year, p.shop_demand_m2_per_100m_cny_tertiary))


def smallest_block_10k_cny(p) -> float:
    """The least a village must have saved to buy any asset (万元): the threshold of pairing funds."""
    return min(t.block_cost_10k_cny for t in asset_types(p))


def rent_per_m2(base_rent: float, demand_m2: float, area_m2: float, elasticity: float) -> float:
    """Rent (万元/m²/yr) that lets ``area_m2`` against ``demand_m2`` of demand at the base rent."""
    if area_m2 <= demand_m2:
        return base_rent
    return base_rent * (max(demand_m2, 0.0) / area_m2) ** (1.0 / elasticity)


def rent_income(base_rent: float, demand_m2: float, area_m2: float, let_m2: float, elasticity: float) -> float:
    """Rent (万元/yr) of ``let_m2`` of a village's ``area_m2`` of ready space."""
    if area_m2 <= 0:
        return 0.0
    return rent_per_m2(base_rent, demand_m2, area_m2, elasticity) * let_m2


def lease_up(let_m2: float, area_m2: float, share: float) -> float:
    """Space let after a year of tenant search: a share of the vacant space finds tenants."""
    return let_m2 + share * max(area_m2 - let_m2, 0.0)


def locate_villages(model) -> None:
    """Each village's share of its town's 2022 collective operating income (its location in the town),
    once: the base incomes do not change."""
    for town in model.towns:
        members = model.villages_of_town(town.index)
        total = sum(v.base_income_10k_cny for v in members) or 1.0
        for village in members:
            village.catchment_share = village.base_income_10k_cny / total


def nearby_demand_m2(model, village, asset: AssetType) -> float:
    """Demand for the village's space of this type at the base rent (m²), from its town's current activity
    (at the start of a year: the last completed year). Villages are full-size at any ``model.scale``, so the
    town's output counts at full size too (scale 0.2 had left them a fifth of their market)."""
    town = model.towns[village.town_index]
    driver = town.industrial_output_100m_cny if asset.kind is AssetKind.FACTORY else town.tertiary_100m_cny
    driver /= model.scale
    if village.catchment_share is None:
        locate_villages(model)
    return asset.demand_m2_per_100m_cny * max(driver, 0.0) * village.catchment_share


def choose_asset(cash: float, owned: dict, demand: dict, types, elasticity: float) -> AssetType | None:
    """The affordable type whose purchase with all of ``cash`` adds the most rent at full letting, or None.
    ``owned``/``demand``: m² by kind (ready and building) and nearby demand by kind."""
    best, best_gain = None, 0.0
    for asset in types:
        if cash < asset.block_cost_10k_cny:
            continue
        area, q = owned[asset.kind], demand[asset.kind]
        added = cash / asset.cost_10k_cny_per_m2
        base = asset.rent_10k_cny_per_m2_year
        gain = rent_income(base, q, area + added, area + added, elasticity) - rent_income(base, q, area, area,
                                                                                           elasticity)
        if gain > best_gain:
            best, best_gain = asset, gain
    return best


def invest(model) -> None:
    """At the start of a year (after the pairing disbursement): villages with enough saved buy an asset."""
    p = model.params.pairing
    types = asset_types(p)
    threshold, by_town = smallest_block_10k_cny(p), None
    for village in model.villages:
        if village.pairing_cash_10k_cny < threshold:
            continue
        owned = {k: village.asset_area_m2[k] + sum(a for kind, a, _ in village.assets_building if kind is k)
                 for k in ASSET_KINDS}
        by_town = town_demand_m2(model, types) if by_town is None else by_town  # nearby_demand_m2 by town
        catchment = village_catchment(model, village)
        demand = {t.kind: by_town[t.kind][village.town_index] * catchment for t in types}
        asset = choose_asset(village.pairing_cash_10k_cny, owned, demand, types, p.space_demand_elasticity)
        if asset is None:
            continue
        cash, village.pairing_cash_10k_cny = village.pairing_cash_10k_cny, 0.0
        model.ledger.transfer(f"village:{village.id}", "firms:construction", cash * model.scale / 1e4,
                              "pairing:assets")
        village.assets_building.append((asset.kind, cash / asset.cost_10k_cny_per_m2,
                                        model.year + p.asset_build_years))
        model.year_stats["pairing_assets_100m_cny"] += cash * model.scale / 1e4


def let_assets(model, output_by_town_sector: np.ndarray | None = None) -> None:
    """At year end: finished buildings join the village's space, tenants are found, rents are paid (posted in
    one batch, in the order of one posting each; ``output_by_town_sector``: ``sector_output_shares``'s output,
    if known: ``RegionModel.account_industry``). ``lease_up``, ``rent_income`` and ``post_rent`` are written out
    in the loop (the same operations in the same order: their calls were half of its time)."""
    p = model.params.pairing
    types, year, scale = asset_types(p), model.year, model.scale
    share, exponent = p.lease_up_share_per_year, 1.0 / p.space_demand_elasticity
    demand = payers = None  # by kind and town, from the first village with space on
    payer_column, payee_column, amounts = postings = ([], [], [])
    kinds = [(t.kind, t.rent_10k_cny_per_m2_year) for t in types]
    for village in model.villages:
        if village.assets_building:
            complete_buildings(village, year)
        areas = village.asset_area_m2
        if not any(areas.values()):
            continue
        if demand is None:
            demand, payers = town_demand_m2(model, types), rent_payers(model, output_by_town_sector)
        catchment = village_catchment(model, village)
        lets, town, income, payee = village.asset_let_m2, village.town_index, 0.0, None
        for kind, base in kinds:
            area = areas[kind]
            let = lets[kind]
            let = lets[kind] = let + share * max(area - let, 0.0)  # lease_up
            if area <= 0:  # rent_income: no space of this kind (most villages own one kind) posts nothing
                continue
            q = demand[kind][town] * catchment
            rent = (base if area <= q else base * (max(q, 0.0) / area) ** exponent) * let
            if rent:
                payee = payee or f"village:{village.id}"
                accounts, shares = payers[kind][town]
                amount = rent * scale / 1e4  # the ledger at the model's scale (post_rent)
                if shares is None:
                    payer_column.append(accounts)
                    payee_column.append(payee)
                    amounts.append(amount)
                else:
                    payer_column.extend(accounts)
                    payee_column.extend([payee] * len(accounts))
                    amounts.extend([amount * s for s in shares])
            income += rent
        village.pairing_income_10k_cny = income
    model.ledger.transfer_many(*postings, "pairing:rent")


def town_demand_m2(model, types) -> dict:
    """By kind, each town's demand for collective space at the base rent per unit of catchment share (m²):
    ``nearby_demand_m2`` before the village's share, for the towns' current activity."""
    scale = model.scale
    drivers = {AssetKind.FACTORY: [t.industrial_output_100m_cny / scale for t in model.towns],
               AssetKind.SHOP: [t.tertiary_100m_cny / scale for t in model.towns]}
    return {a.kind: [a.demand_m2_per_100m_cny * max(x, 0.0) for x in drivers[a.kind]] for a in types}


def village_catchment(model, village) -> float:
    if village.catchment_share is None:
        locate_villages(model)
    return village.catchment_share


def rent_payers(model, output: np.ndarray | None = None) -> dict:
    """By kind and town, who pays a village's rent: (accounts, shares of the rent), or (account, None) for one
    payer of all of it: factories' rent by the town's sectors with output this year (by their shares of the
    town's output; by its households where none produced), shops' by its households."""
    households = [(f"households:{town_id}", None) for town_id in model.town_ids]
    factories = [(tuple(a for a, _ in tenants), tuple(s for _, s in tenants)) if tenants else households[t]
                 for t, tenants in enumerate(factory_tenants(model, output))]
    return {AssetKind.FACTORY: factories, AssetKind.SHOP: households}


def post_rent(model, village, payers: tuple, rent_10k_cny: float, postings) -> None:
    """Appends a village's rent (万元, full-size; the ledger at the model's scale) to ``postings`` (payers,
    payees, amounts) for one ``transfer_many``: one posting per payer (``payers`` from ``rent_payers``)."""
    payee, rent = f"village:{village.id}", rent_10k_cny * model.scale / 1e4
    accounts, shares = payers
    if shares is None:
        postings[0].append(accounts)
        postings[1].append(payee)
        postings[2].append(rent)
        return
    postings[0].extend(accounts)
    postings[1].extend([payee] * len(accounts))
    postings[2].extend([rent * s for s in shares])


def complete_buildings(village, year: int) -> None:
    """Buildings due this year become ready space."""
    if not village.assets_building:
        return
    done = [b for b in village.assets_building if b[2] <= year]
    if not done:
        return
    for kind, area, _ in done:
        village.asset_area_m2[kind] += area
    village.assets_building = [b for b in village.assets_building if b[2] > year]


def factory_tenants(model, output: np.ndarray | None = None) -> list[list[tuple[str, float]]]:
    """By town: the accounts of its sectors with output this year and their shares of its output (``output``:
    that output by town x sector, if known)."""
    accounts = [f"firms:{sector}" for sector in model.sector_ids]
    return [[(account, share) for account, share in zip(accounts, row) if share]
            for row in sector_output_shares(model, output).tolist()]


def sector_output_shares(model, output: np.ndarray | None = None) -> np.ndarray:
    """Towns x sectors: each sector's share of the town's industrial output this year (in Xinhui; ``output``:
    that output by town x sector, if known)."""
    firms, n_sectors = model.firms, len(model.sector_ids)
    if output is None:
        _, output = kernels.district_sums(firms.output_year, firms.alive, False, model.park_outside, firms.park,
                                          firms.sector, firms.town, firms.sector, n_sectors, len(model.towns),
                                          n_sectors)
    output = output.reshape(len(model.towns), n_sectors)
    totals = output.sum(axis=1, keepdims=True)
    return np.divide(output, totals, out=np.zeros_like(output), where=totals > 0)

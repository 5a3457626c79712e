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
    threshold = smallest_block_10k_cny(p)
    for village in model.villages:
        if village.pairing_cash_10k_cny < threshold:
            continue
        owned = {k: village.asset_area_m2[k] + sum(a for kind, a, _ in village.assets_building if kind is k)
                 for k in AssetKind}
        demand = {t.kind: nearby_demand_m2(model, village, t) for t in types}
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
    """At year end: finished buildings join the village's space, tenants are found, rents are paid
    (``output_by_town_sector``: ``sector_output_shares``'s output, if known: ``RegionModel.account_industry``)."""
    p = model.params.pairing
    types = {t.kind: t for t in asset_types(p)}
    tenants, rents = None, ([], [], [])  # the year's rent postings, posted in one batch in the same order
    for village in model.villages:
        complete_buildings(village, model.year)
        if not any(village.asset_area_m2.values()):
            continue
        tenants = factory_tenants(model, output_by_town_sector) if tenants is None else tenants
        income = 0.0
        for kind, asset in types.items():
            area = village.asset_area_m2[kind]
            village.asset_let_m2[kind] = lease_up(village.asset_let_m2[kind], area, p.lease_up_share_per_year)
            rent = rent_income(asset.rent_10k_cny_per_m2_year, nearby_demand_m2(model, village, asset), area,
                               village.asset_let_m2[kind], p.space_demand_elasticity)
            pay_rent(model, village, kind, rent, tenants[village.town_index], rents)
            income += rent
        village.pairing_income_10k_cny = income
    model.ledger.transfer_many(*rents, "pairing:rent")


def complete_buildings(village, year: int) -> None:
    """Buildings due this year become ready space."""
    if not village.assets_building:
        return
    done = [b for b in village.assets_building if b[2] <= year]
    for kind, area, _ in done:
        village.asset_area_m2[kind] += area
    village.assets_building = [b for b in village.assets_building if b[2] > year]


def pay_rent(model, village, kind: AssetKind, rent_10k_cny: float, factory_tenants: list, postings) -> None:
    """The tenants pay: factories' rent by the town's sectors (``factory_tenants``: (account, output share)),
    shops' by its households (the ledger at the model's scale, the village's rent full-size). Appends the
    postings to ``postings`` (payers, payees, amounts) for one ``transfer_many``."""
    payee, rent = f"village:{village.id}", rent_10k_cny * model.scale / 1e4
    payers, payees, amounts = postings
    if kind is AssetKind.SHOP or not factory_tenants:
        payers.append(f"households:{model.town_ids[village.town_index]}")
        payees.append(payee)
        amounts.append(rent)
        return
    for account, share in factory_tenants:
        payers.append(account)
        payees.append(payee)
        amounts.append(rent * share)


def factory_tenants(model, output: np.ndarray | None = None) -> list[list[tuple[str, float]]]:
    """By town: the accounts of its sectors with output this year and their shares of its output."""
    return [[(f"firms:{model.sector_ids[s]}", float(row[s])) for s in np.flatnonzero(row)]
            for row in sector_output_shares(model, output)]


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

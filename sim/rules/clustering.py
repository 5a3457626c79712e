"""Industry clustering: localization economies, congestion in full parks, park land expansion and renewal.

A firm's productivity rises with the output capacity of its own sector in its development zone,
A = (S / S_2022)^epsilon (S floored at 1亿 so that new clusters do not explode), and falls linearly once
its park's occupancy passes a threshold; each year parks add the serviced land their towns decide to develop
(sim/rules/town_decisions.py: own quotas, or under unified land planning the district's pooled quota), plus
old industrial land renewed (工改); new parks (scenario ``new_parks``) open with their land in their year.
Parameters (scenario ``clustering``): new_parks, localization_elasticity (1),
congestion_threshold (share), congestion_penalty (1), renewal_mu_per_year (亩/yr), land_reserve_years
(years), land_development_cost_100m_cny_per_mu (亿元/亩; the last two read by town_decisions).
Sources: literature.md A2 (elasticity 2.7-6.4%), A8 (localization > urbanization), A9/A10 (inverted U).
"""

from __future__ import annotations

import numpy as np

from sim import kernels
from sim.region import ParkSpec
from sim.rules import town_decisions

CLUSTER_FLOOR_100M_CNY = 1.0  # estimate: smallest cluster scale that counts, so new clusters start at 1


def sector_zone_capacity(model) -> np.ndarray:
    """Capacity (亿元/yr) of live firms by zone x sector."""
    firms, cells = model.firms, model.no_cluster_cell
    # the co-built park's firms and exited ones fall in an extra cell: they are not in Xinhui's clusters
    flat = kernels.cell_sums(firms.cluster_cell, firms.capacity, cells + 1)[:cells]
    return flat.reshape(len(model.zones), len(model.sector_ids))


def localization_multiplier(scale: np.ndarray, base_scale: np.ndarray, elasticity: float) -> np.ndarray:
    floor = CLUSTER_FLOOR_100M_CNY
    return (np.maximum(scale, floor) / np.maximum(base_scale, floor)) ** elasticity


def congestion_multiplier(occupancy: np.ndarray, threshold: float, penalty: float) -> np.ndarray:
    if threshold >= 1.0:
        return np.ones_like(occupancy)
    excess = np.clip((occupancy - threshold) / (1.0 - threshold), 0.0, 1.0)
    return 1.0 - penalty * excess


def update_productivity(model) -> None:
    """Each step: recompute the zone-sector localization and park congestion multipliers."""
    p = model.params.clustering
    model.cluster_capacity = sector_zone_capacity(model)
    model.localization = localization_multiplier(model.cluster_capacity, model.base_cluster_capacity,
                                                 p.localization_elasticity)
    occupancy = np.array([park.occupancy for park in model.parks])
    model.congestion = congestion_multiplier(occupancy, p.congestion_threshold, p.congestion_penalty)


def expand_land(model) -> None:
    """At year end: parks develop serviced land by their towns' decision (``town_decisions.develop_land``: own
    quotas, or the district's pooled quota under unified land planning) and add renewed land (工改)."""
    p = model.params.clustering
    parks = model.parks
    # parks not yet open (no land) get no quota and no renewed land
    pressure = np.array([max(park.occupancy - 0.5, 0.01) if park.land_total_mu > 0 and not park.outside_district
                         else 0.0 for park in parks])
    pooled = model.params.integration.unified_land_planning and model.year >= model.integration_start_year
    developed = town_decisions.develop_land(model, pooled)
    renewal = p.renewal_mu_per_year * model.scale * pressure / pressure.sum()
    for park, added in zip(parks, developed + renewal):
        park.land_total_mu += float(added)


COBUILT_PARK_ID = "xintai_cobuilt"


def new_park_spec(new) -> ParkSpec:
    """A park of the scenario's ``new_parks``: no land until it opens."""
    sectors = tuple(s.strip() for s in new.sectors.split(",") if s.strip())
    return ParkSpec(new.id, "", new.town, sectors, 0.0, 0.0, 0.0, new.incentive)


def cobuilt_park_spec(pairing) -> ParkSpec | None:
    """The 新台 co-built park (outside the district), placed with its Xinhui partner town for matching."""
    if pairing.cobuilt_park_land_mu <= 0:
        return None
    sectors = tuple(s.strip() for s in pairing.cobuilt_park_sectors.split(",") if s.strip())
    return ParkSpec(COBUILT_PARK_ID, "新台合作共建园区", pairing.cobuilt_park_partner_town, sectors, 0.0, 0.0, 0.0)


def open_new_parks(model) -> None:
    """At the start of a year: parks opening this year get their land and expansion quota."""
    openings = [(new.id, new.open_year, new.land_mu, new.expansion_mu_per_year)
                for new in model.params.clustering.new_parks]
    pairing = model.params.pairing
    if pairing.cobuilt_park_land_mu > 0:
        openings.append((COBUILT_PARK_ID, pairing.cobuilt_park_open_year, pairing.cobuilt_park_land_mu, 0.0))
    for park_id, year, land, expansion in openings:
        if year == model.year:
            park = model.parks[model.park_ids.index(park_id)]
            park.land_total_mu += land * model.scale
            park.expansion_mu_per_year = expansion * model.scale

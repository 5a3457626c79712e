"""Industrial parks (园区): land, leading sectors and host town."""

from __future__ import annotations

import mesa

from sim.region import ParkSpec


class Park(mesa.Agent):
    """A park with serviced industrial land in 亩; firms in it hold part of that land."""

    def __init__(self, model, spec: ParkSpec, index: int, town_index: int, zone_index: int, scale: float):
        super().__init__(model)
        self.spec = spec
        self.id = spec.id
        self.index = index
        self.town_index = town_index
        self.zone_index = zone_index
        self.leading_sectors = frozenset(spec.sectors)
        self.land_total_mu = spec.land_total_mu * scale
        self.land_used_mu = spec.land_used_2022_mu * scale
        self.expansion_mu_per_year = spec.expansion_mu_per_year * scale
        self.outside_district = False       # True for a cross-county co-built park (新台合作)
        self.incentive = spec.incentive     # discount on land price and taxes (share), a logit bonus

    @property
    def land_free_mu(self) -> float:
        return max(self.land_total_mu - self.land_used_mu, 0.0)

    @property
    def occupancy(self) -> float:
        return self.land_used_mu / self.land_total_mu if self.land_total_mu > 0 else 0.0

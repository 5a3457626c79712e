"""Towns (镇街): the 11 town-level units, with their non-industrial economy, population and fiscal revenue."""

from __future__ import annotations

import math

import mesa

from sim.region import TownSpec


class Town(mesa.Agent):
    """A town or subdistrict. Industrial output comes from its firms; the rest is held here (亿元/yr)."""

    def __init__(self, model, spec: TownSpec, index: int, zone_index: int):
        super().__init__(model)
        self.spec = spec
        self.id = spec.id
        self.index = index
        self.zone_index = zone_index
        self.population = spec.population_2022
        self.access_index = spec.access_index
        self.citrus_area_mu = spec.citrus_area_mu
        self.primary_other_100m_cny = 0.0    # primary output other than 新会柑
        self.primary_citrus_100m_cny = 0.0
        self.tertiary_100m_cny = 0.0
        self.construction_100m_cny = 0.0
        self.industrial_va_100m_cny = 0.0    # value added of the town's modelled firms, this year
        self.industrial_output_100m_cny = 0.0
        self.industrial_output_last_100m_cny = 0.0
        self.fiscal_revenue_100m_cny = 0.0
        self.horse_race_winner = False       # among last year's 3 fastest-growing towns (赛马)
        # what the town government can still spend this year (亿元): set by public finance from revenue,
        # reserves and its debt limit; spending decisions (land, incentives, pairing) stay within it
        self.budget_room_100m_cny = math.inf
        self.public_services_100m_cny = 0.0  # public services spent in the town this year, district's share included

    @property
    def primary_100m_cny(self) -> float:
        return self.primary_other_100m_cny + self.primary_citrus_100m_cny

    @property
    def secondary_100m_cny(self) -> float:
        return self.industrial_va_100m_cny + self.construction_100m_cny

    @property
    def gdp_100m_cny(self) -> float:
        return self.primary_100m_cny + self.secondary_100m_cny + self.tertiary_100m_cny

"""Towns (镇街): the 11 town-level units, with their non-industrial economy, population and fiscal revenue."""

from __future__ import annotations

import math

import mesa

from sim.region import TownSpec

EMPLOYED_PER_RESIDENT = 574_700 / 911_300  # 2023 bulletin: employment / residents (GDP / GDP per head)


class Town(mesa.Agent):
    """A town or subdistrict. Industrial output comes from its firms; the rest is held here (亿元/yr)."""

    def __init__(self, model, spec: TownSpec, index: int, zone_index: int):
        super().__init__(model)
        self.spec = spec
        self.id = spec.id
        self.index = index
        self.zone_index = zone_index
        self.population = float(spec.population_2022)  # 常住 residents, whole persons (sim.rules.population)
        # people (issue 12): set by sim.rules.population, labour_market and migration each year
        self.working_age_share = spec.working_age_share  # residents aged 15-59
        self.urban_share = spec.urban_share              # residents living in urban areas (services moves it)
        self.labour_force = 0.0                          # persons, by residence
        self.employed_residents = 0.0                    # persons employed, wherever they work
        self.jobs_by_sector = {"primary": 0.0, "secondary": 0.0, "tertiary": 0.0}  # filled jobs in the town
        self.wage_10k_cny = 0.0                          # 万元 per worker per year, 2022 prices
        self.commuters_out = 0.0                         # employed residents working in another town
        self.commuters_in = 0.0                          # jobs held by residents of other towns
        self.births = self.deaths = 0.0                  # this year, persons
        self.net_internal_migration = self.net_external_migration = 0.0
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
        # households and services (issue 12, engineer `services`); yuan per head per year, 亿元 per year
        self.urban_income_per_head_cny = 0.0
        self.rural_income_per_head_cny = 0.0
        self.dividend_income_per_rural_head_cny = 0.0
        self.tertiary_by_component_100m_cny: dict[str, float] = {}
        self.chenpi_100m_cny: dict[str, float] = {}      # growing, processing, trade, tourism (sim.rules.chenpi)
        self.tourism_services_100m_cny = 0.0              # village and scenic tourism value added
        # last year's values the yearly rules grow from (services, chenpi, urbanisation, the people stand-in)
        self.village_tourism_last_10k_cny = 0.0
        self.village_tourism_income_for_services_10k_cny = 0.0
        self.nonfarm_last_100m_cny = 0.0
        self.services_per_head_last = 0.0
        self.base_secondary_jobs = 0.0
        self.public_services_100m_cny = 0.0  # public services spent in the town this year, district's share included
        self.income_by_source_100m_cny: dict[str, float] = {}  # households' disposable income (sim.rules.households)
        self.household_consumption_100m_cny = 0.0

    @property
    def employment(self) -> float:
        """Filled jobs located in the town, persons."""
        return sum(self.jobs_by_sector.values())

    @property
    def unemployment_rate(self) -> float:
        """Share of the resident labour force without a job."""
        return 1.0 - self.employed_residents / self.labour_force if self.labour_force > 0 else 0.0

    @property
    def primary_100m_cny(self) -> float:
        return self.primary_other_100m_cny + self.primary_citrus_100m_cny

    @property
    def secondary_100m_cny(self) -> float:
        return self.industrial_va_100m_cny + self.construction_100m_cny

    @property
    def gdp_100m_cny(self) -> float:
        return self.primary_100m_cny + self.secondary_100m_cny + self.tertiary_100m_cny

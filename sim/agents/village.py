"""Village-level units (村/社区): collective operating income by source, pairing funds and the collective assets
they bought, demonstration status."""

from __future__ import annotations

from enum import Enum

import mesa

from sim.region import INCOME_SOURCES, VillageSpec
from sim.rules.collective_assets import ASSET_KINDS, AssetKind


class DemoStatus(Enum):
    NONE = 0
    BUILDING = 1
    DONE = 2

    __hash__ = object.__hash__  # as collective_assets.AssetKind: Enum's own hash is Python code (the tables' names)


class Village(mesa.Agent):
    """An administrative village or a community with its collective economy (万元/yr)."""

    def __init__(self, model, spec: VillageSpec, town_index: int):
        super().__init__(model)
        self.spec = spec
        self.id = spec.id
        self.town_index = town_index
        self.is_community = spec.is_community
        self.income_by_source_10k_cny = {source: 0.0 for source in INCOME_SOURCES}
        self.pairing_income_10k_cny = 0.0       # rent of the collective assets bought with pairing funds
        self.transfer_funds_by_year: dict[int, float] = {}   # 万元 received per year
        self.capacity_funds_by_year: dict[int, float] = {}
        self.pairing_cash_10k_cny = 0.0         # transfer funds saved, not yet spent on assets (万元)
        # collective assets (sim/rules/collective_assets.py), m² by kind: ready, let, and being built
        self.asset_area_m2 = dict.fromkeys(ASSET_KINDS, 0.0)
        self.asset_let_m2 = dict.fromkeys(ASSET_KINDS, 0.0)
        self.assets_building: list[tuple[AssetKind, float, int]] = []  # (kind, m², year ready)
        self.catchment_share: float | None = None  # share of its town's demand for collective space
        self.pairing_donors: list[str] = []
        self.environment_score = 0.0
        self.featured_demo = DemoStatus.NONE
        self.beautiful_demo = DemoStatus.NONE
        self.demo_completed_years: set[int] = set()
        self.base_income_10k_cny = 0.0          # 2022 operating income, for the base-strength effect

    @property
    def operating_income_10k_cny(self) -> float:
        return sum(self.income_by_source_10k_cny.values()) + self.pairing_income_10k_cny

    @property
    def is_paired(self) -> bool:
        return bool(self.pairing_donors)

    @property
    def meets_beautiful_standard(self) -> bool:
        return self.environment_score >= self.model.params.villages.beautiful_standard_score

"""Static region data: sectors, development zones, towns, parks and villages of the base year (2022).

Read from ``scenarios/regions/<name>.yaml``, where every number carries its source or says "estimate".
Village-level units are generated from the towns' counts: ``<town>_c<nn>`` for communities (社区) and
``<town>_v<nn>`` for administrative villages (行政村); named villages with sourced facts take the first ids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from sim.scenario.errors import ScenarioError
from sim.scenario.limits import MAX_REGION_BYTES
from sim.scenario.yamlmarks import Marks, format_path, read_yaml

TOWN_TYPES = ("urban_core", "central_town", "specialised_town", "featured_town")
INCOME_SOURCES = ("leasing", "citrus", "tourism", "aquaculture", "other")


@dataclass(frozen=True)
class Sector:
    id: str
    name_zh: str
    output_share_2022: float
    va_ratio: float
    tech_intensive: bool


@dataclass(frozen=True)
class Zone:
    id: str
    name_zh: str
    output_target_2025_100m_cny: float


@dataclass(frozen=True)
class TownSpec:
    id: str
    name_zh: str
    zone: str
    type: str
    population_2022: float
    area_km2: float
    communities: int
    villages: int
    industrial_output_share: float
    sector_mix: dict
    primary_share: float
    tertiary_share: float
    access_index: float
    citrus_area_mu: float
    village_income_mix: dict
    working_age_share: float = 0.6516  # residents aged 15-59 (7th census, Xinhui)
    urban_share: float = 0.6           # residents living in urban areas (estimate)
    lon_lat: tuple | None = None       # approximate seat (estimate): commuting distances


@dataclass(frozen=True)
class ParkSpec:
    id: str
    name_zh: str
    town: str
    sectors: tuple
    land_total_mu: float
    land_used_2022_mu: float
    expansion_mu_per_year: float
    incentive: float = 0.0


@dataclass(frozen=True)
class VillageSpec:
    id: str
    town: str
    is_community: bool
    name_zh: str = ""
    operating_income_2023_10k_cny: float | None = None


@dataclass(frozen=True)
class Region:
    path: str
    base_year: int
    district: dict
    sectors: tuple[Sector, ...]
    zones: tuple[Zone, ...]
    towns: tuple[TownSpec, ...]
    parks: tuple[ParkSpec, ...]
    villages: tuple[VillageSpec, ...] = field(default=())

    @property
    def sector_ids(self) -> list[str]:
        return [s.id for s in self.sectors]

    @property
    def town_ids(self) -> list[str]:
        return [t.id for t in self.towns]

    @property
    def village_ids(self) -> list[str]:
        return [v.id for v in self.villages]


class _Reader:
    def __init__(self, path: str, marks: Marks):
        self.path, self.marks = path, marks

    def fail(self, key_path: tuple, message: str):
        line = next((self.marks[key_path[:n]][1] for n in range(len(key_path), -1, -1)
                     if key_path[:n] in self.marks), None)
        raise ScenarioError(message, file=self.path, line=line, key_path=format_path(key_path))

    def get(self, data: dict, key: str, path: tuple, kind=float, minimum=0.0):
        if not isinstance(data, dict) or key not in data:
            self.fail(path, f"missing key '{key}'")
        value = data[key]
        if isinstance(value, dict) and "value" in value:
            value = value["value"]
        if kind in (float, int):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self.fail(path + (key,), f"must be a number, got {value!r}")
            if isinstance(value, float) and not math.isfinite(value):
                self.fail(path + (key,), f"must be a finite number, got {value}")
            if minimum is not None and value < minimum:
                self.fail(path + (key,), f"must be >= {minimum}, got {value}")
            return kind(value)
        if not isinstance(value, kind):
            self.fail(path + (key,), f"must be {kind.__name__}, got {value!r}")
        return value

    def numbers(self, data: dict, key: str, path: tuple) -> dict:
        """An optional mapping of ids to non-negative numbers (sector_mix, village_income_mix)."""
        value = data.get(key) or {}
        if not isinstance(value, dict):
            self.fail(path + (key,), "must be a mapping of ids to numbers")
        return {k: self.get(value, k, path + (key,)) for k in value}

    def items(self, data: dict, key: str) -> list:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, list) or not value:
            self.fail((key,), f"'{key}' must be a non-empty list")
        return value

    def shares(self, values: dict, path: tuple):
        total = sum(values.values())
        if abs(total - 1.0) > 0.02:
            self.fail(path, f"shares must add up to 1 (got {total:.3f})")


def load_region(path: str | Path) -> Region:
    """Read and check a region file. Raises ScenarioError naming file, line and key."""
    data, marks, _ = read_yaml(Path(path), MAX_REGION_BYTES, "MAX_REGION_BYTES")
    r = _Reader(str(path), marks)
    if not isinstance(data, dict):
        r.fail((), "a region file must be a mapping")
    sectors = tuple(_sector(r, s, i) for i, s in enumerate(r.items(data, "sectors")))
    r.shares({s.id: s.output_share_2022 for s in sectors}, ("sectors",))
    zones = tuple(Zone(r.get(z, "id", ("zones", i), str), z.get("name_zh", ""),
                       r.get(z, "output_target_2025_100m_cny", ("zones", i)))
                  for i, z in enumerate(r.items(data, "zones")))
    zone_ids = {z.id for z in zones}
    sector_ids = {s.id for s in sectors}
    towns = tuple(_town(r, t, i, zone_ids, sector_ids) for i, t in enumerate(r.items(data, "towns")))
    for key in ("industrial_output_share", "primary_share", "tertiary_share"):
        r.shares({t.id: getattr(t, key) for t in towns}, ("towns",))
    town_ids = {t.id for t in towns}
    parks = tuple(_park(r, p, i, town_ids, sector_ids) for i, p in enumerate(r.items(data, "parks")))
    district = data.get("district")
    if not isinstance(district, dict):
        r.fail(("district",), "missing mapping 'district'")
    district = {k: (v["value"] if isinstance(v, dict) and "value" in v else v) for k, v in district.items()}
    for key in ("industrial_output_2022_100m_cny", "industrial_firms_2022", "above_scale_firms_2022",
                "high_tech_firms_2022", "gdp_2023_100m_cny"):
        r.get(district, key, ("district",))
    named = data.get("named_villages") or []
    if not isinstance(named, list):
        r.fail(("named_villages",), "must be a list")
    villages = _villages(r, named, towns)
    base_year = r.get(data, "base_year", (), int) if "base_year" in data else 2022
    return Region(str(path), base_year, district, sectors, zones, towns, parks, villages)


def _sector(r: _Reader, s: dict, i: int) -> Sector:
    path = ("sectors", i)
    return Sector(r.get(s, "id", path, str), s.get("name_zh", ""), r.get(s, "output_share_2022", path),
                  r.get(s, "va_ratio", path), bool(s.get("tech_intensive", False)))


def _town(r: _Reader, t: dict, i: int, zone_ids: set, sector_ids: set) -> TownSpec:
    path = ("towns", i)
    zone = r.get(t, "zone", path, str)
    if zone not in zone_ids:
        r.fail(path + ("zone",), f"unknown zone '{zone}'")
    town_type = r.get(t, "type", path, str)
    if town_type not in TOWN_TYPES:
        r.fail(path + ("type",), f"type must be one of {', '.join(TOWN_TYPES)}")
    mix = r.numbers(t, "sector_mix", path)
    for sector in mix:
        if sector not in sector_ids:
            r.fail(path + ("sector_mix", sector), f"unknown sector '{sector}'")
    given = r.numbers(t, "village_income_mix", path)
    income_mix = {k: float(given.get(k, 0.0)) for k in INCOME_SOURCES}
    unknown = set(given) - set(INCOME_SOURCES)
    if unknown:
        r.fail(path + ("village_income_mix",), f"unknown income source '{sorted(unknown)[0]}'")
    return TownSpec(
        id=r.get(t, "id", path, str), name_zh=t.get("name_zh", ""), zone=zone, type=town_type,
        population_2022=r.get(t, "population_2022", path), area_km2=r.get(t, "area_km2", path),
        communities=r.get(t, "communities", path, int), villages=r.get(t, "villages", path, int),
        industrial_output_share=r.get(t, "industrial_output_share", path),
        sector_mix={k: float(v) for k, v in mix.items()}, primary_share=r.get(t, "primary_share", path),
        tertiary_share=r.get(t, "tertiary_share", path), access_index=r.get(t, "access_index", path),
        citrus_area_mu=r.get(t, "citrus_area_mu", path), village_income_mix=income_mix,
        working_age_share=_share(r, t, "working_age_share", path), urban_share=_share(r, t, "urban_share", path),
        lon_lat=_position(r, t, path))


def _share(r: _Reader, t: dict, key: str, path: tuple) -> float:
    """A share in [0, 1] of a town's residents (people, issue 12)."""
    value = r.get(t, key, path)
    if value > 1:
        r.fail(path + (key,), f"must be <= 1, got {value}")
    return float(value)


def _position(r: _Reader, t: dict, path: tuple) -> tuple | None:
    where = t.get("lon_lat")
    if where is None:
        return None
    if not (isinstance(where, list) and len(where) == 2 and all(isinstance(x, (int, float)) for x in where)):
        r.fail(path + ("lon_lat",), f"must be [longitude, latitude], got {where!r}")
    return (float(where[0]), float(where[1]))


def _park(r: _Reader, p: dict, i: int, town_ids: set, sector_ids: set) -> ParkSpec:
    path = ("parks", i)
    town = r.get(p, "town", path, str)
    if town not in town_ids:
        r.fail(path + ("town",), f"unknown town '{town}'")
    sectors = p.get("sectors") or []
    if not isinstance(sectors, list):
        r.fail(path + ("sectors",), "must be a list of sector ids")
    for sector in sectors:
        if sector not in sector_ids:
            r.fail(path + ("sectors",), f"unknown sector '{sector}'")
    total = r.get(p, "land_total_mu", path)
    used = r.get(p, "land_used_2022_mu", path)
    if used > total:
        r.fail(path + ("land_used_2022_mu",), f"used land {used} exceeds total land {total}")
    incentive = r.get(p, "incentive", path) if "incentive" in p else 0.0
    if incentive > 1:
        r.fail(path + ("incentive",), f"must be <= 1, got {incentive}")
    return ParkSpec(r.get(p, "id", path, str), p.get("name_zh", ""), town, tuple(sectors), total, used,
                    r.get(p, "expansion_mu_per_year", path), incentive)


def _villages(r: _Reader, named: list, towns: tuple) -> tuple[VillageSpec, ...]:
    named_by_town: dict[str, list] = {}
    for i, v in enumerate(named):
        town = r.get(v, "town", ("named_villages", i), str)
        r.get(v, "id", ("named_villages", i), str)
        if v.get("operating_income_2023_10k_cny") is not None:
            r.get(v, "operating_income_2023_10k_cny", ("named_villages", i))
        named_by_town.setdefault(town, []).append(v)
    out = []
    for town in towns:
        out += [VillageSpec(f"{town.id}_c{k + 1:02d}", town.id, True) for k in range(town.communities)]
        specials = named_by_town.get(town.id, [])
        for k in range(town.villages):
            if k < len(specials):
                v = specials[k]
                income = v.get("operating_income_2023_10k_cny")
                income = income["value"] if isinstance(income, dict) else income
                out.append(VillageSpec(v["id"], town.id, False, v.get("name_zh", ""), income))
            else:
                out.append(VillageSpec(f"{town.id}_v{k + 1:02d}", town.id, False))
    return tuple(out)

"""Yearly indicators by level (district, zones, towns, villages, clusters, parks) and the plan's targets.

Money is nominal (2022 prices x the price index) in 亿元 (``_100m_cny``); village money in 万元
(``_10k_cny``). Column meanings and units are documented in docs/outputs.md.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from sim import kernels, kernels_year
from sim.accounting.table import GrowthAccounting
from sim.agents.village import DemoStatus
from sim.region import INCOME_SOURCES
from sim.rules import (
    approvals,
    budgets,
    economy,
    households,
    population,
    prices,
    public_finance,
    services,
)

ABOVE_1M, ABOVE_10M, ABOVE_20M = 100.0, 1000.0, 2000.0  # 万元
TOWN_FISCAL_TARGET_100M_CNY = 5.0
DEMO_NAMES = {status: status.name.lower() for status in DemoStatus}
TABLES = ("district", "zones", "towns", "villages", "clusters", "parks", "budgets")


def theil_t(income: np.ndarray, population: np.ndarray, groups: np.ndarray) -> tuple[float, float, float]:
    """Population-weighted Theil T of per-head income, split into between-group and within-group parts."""
    y, p = income / income.sum(), population / population.sum()
    total = float(np.sum(y * np.log(y / p)))
    between = 0.0
    for g in np.unique(groups):
        m = groups == g
        yg, pg = y[m].sum(), p[m].sum()
        between += yg * np.log(yg / pg)
    return total, float(between), float(total - between)


_BUDGET_AS_IS = frozenset({"government", "level", "over_debt_limit"})  # the budgets table's columns without units
_BUDGET_COLUMNS: dict[str, str] = {}  # budgets.rows' key -> its column (``Recorder._budgets``)


class Recorder:
    """Collects one row per year and entity; ``tables()`` returns plain column dicts."""

    def __init__(self, model, firm_panel: bool = False):
        self.model = model
        self.rows = {name: [] for name in TABLES if name != "villages"}  # a dict per row
        self.blocks = {"villages": []}  # a dict of columns per year
        self.firm_panel = [] if firm_panel else None  # one dict of arrays per year (opt-in: large)
        self.growth_accounting = GrowthAccounting()  # keeps only the previous year's firm snapshot

    def record_year(self, industry: dict, firm_sums: dict | None = None) -> None:
        """This year's rows; ``firm_sums``: what this year's tax pass added up (``public_finance.collect``), or
        None (then the tables add up the employment themselves)."""
        m = self.model
        # money is in 2022 prices (the ledger's), also from the historical start, whose region base year is 2014
        price = prices.price_index(m.params, m.year, m.first_year - 1, m.first_year)
        live = live_firm_columns(m)
        live_by_place = live.pop("by_place")  # live firms, the co-built park's included
        incomes = [v.operating_income_10k_cny for v in m.villages]  # 万元, 2022 prices
        jobs = employment_by_place(m, firm_sums)
        self._towns(price, jobs, industry)
        self._clusters(price, industry, np.where(m.outside_slots[None, :, None], 0, live_by_place), jobs)
        self._parks(price, industry, live_by_place.sum(axis=(0, 2))[1:])
        self._villages(price, incomes)
        self._zones(price, industry)
        self._district(price, industry, incomes, jobs, live)
        self._budgets(price)
        if self.firm_panel is not None:
            self._firms(price)
        self.growth_accounting.record_year(m)

    def _firms(self, price: float) -> None:
        """Every firm that produced this year: the panel behind the firm-level validation checks."""
        m = self.model
        firms = m.firms
        rows = np.flatnonzero(firms.output_last_year > 0)
        zone, sector = firms.zone[rows], firms.sector[rows]
        park_ids = np.array([*m.park_ids, ""], dtype=object)
        self.firm_panel.append({
            "year": np.full(rows.size, m.year, dtype=np.int16), "firm": firms.firm_id[rows],
            "sector": np.array(m.sector_ids, dtype=object)[sector], "town": np.array(m.town_ids, dtype=object)[firms.town[rows]],
            "zone": np.array([z.id for z in m.zones], dtype=object)[zone], "park": park_ids[firms.park[rows]],
            "output_100m_cny": firms.output_last_year[rows] * price,
            "capacity_100m_cny": firms.capacity[rows] * price,
            "capital_intensity": firms.capital_intensity[rows].copy(),
            "own_productivity": firms.productivity[rows].copy(),
            "cluster_capacity_100m_cny": m.cluster_capacity[zone, sector] * price,
            "input_avg_100m_cny": firms.input_year[rows] * price,
            "cluster_capacity_avg_100m_cny": m.cluster_capacity_year[zone, sector] * price,
            "age_years": np.where(firms.alive[rows], firms.age[rows], firms.exit_age[rows]), "above_scale": firms.above_scale[rows].copy(),
            "high_tech": firms.high_tech[rows].copy(), "alive_at_year_end": firms.alive[rows].copy(),
            "from_project": firms.from_project[rows].copy(),
        })

    def _zone_by_sector(self, by_place: np.ndarray) -> np.ndarray:
        """A sector x park slot x town table (``RegionModel.place_table``) summed to zone x sector."""
        by_town = by_place.sum(axis=1)
        zone_of_town = self.model.town_zone
        return np.stack([by_town[:, zone_of_town == z].sum(axis=1) for z in range(len(self.model.zones))])

    def _towns(self, price: float, jobs: dict, industry: dict) -> None:
        m = self.model
        for town, industrial, construction in zip(m.towns, jobs["industry_by_town"], jobs["construction_by_town"]):
            self.rows["towns"].append({
                "year": m.year, "town": town.id, "zone": m.zones[town.zone_index].id,
                "gdp_100m_cny": town.gdp_100m_cny * price,
                "gdp_real_100m_cny": town.gdp_100m_cny,
                "gdp_primary_100m_cny": town.primary_100m_cny * price,
                "gdp_secondary_100m_cny": town.secondary_100m_cny * price,
                "gdp_tertiary_100m_cny": town.tertiary_100m_cny * price,
                "industrial_output_100m_cny": town.industrial_output_100m_cny * price,
                "population": town.population,
                "gdp_per_capita_10k_cny": town.gdp_100m_cny * price * 1e4 / town.population,
                "fiscal_revenue_100m_cny": town.fiscal_revenue_100m_cny * price,
                "public_services_100m_cny": town.public_services_100m_cny * price,
                "access_index": town.access_index,
                "citrus_area_mu": town.citrus_area_mu,
                "employment_10k": (industrial + construction) / 1e4,
                **services_columns([town], price),
                **population.group_columns([town], price),
                **shared_tax_columns(m, industry, town, price),
            })

    def _clusters(self, price: float, industry: dict, live_in_district: np.ndarray, jobs: dict) -> None:
        m = self.model
        employed = jobs["industry_by_cluster"]
        output = self._zone_by_sector(industry["output_by_place"])
        output_above = self._zone_by_sector(industry["above_scale_by_place"])
        count = self._zone_by_sector(live_in_district)
        for z, zone in enumerate(m.zones):
            for s, sector in enumerate(m.sector_ids):
                self.rows["clusters"].append({
                    "year": m.year, "sector": sector, "zone": zone.id,
                    "industrial_output_100m_cny": output[z, s] * price,
                    "industrial_output_above_scale_100m_cny": output_above[z, s] * price,
                    "firms": int(count[z, s]), "localization_multiplier": float(m.localization[z, s]),
                    "employment_10k": float(employed[z, s]) / 1e4,
                })

    def _parks(self, price: float, industry: dict, count: np.ndarray) -> None:
        m = self.model
        output = industry["output_by_park"]  # the co-built park (outside the district's accounts) included
        for park in m.parks:
            self.rows["parks"].append({
                "year": m.year, "park": park.id, "town": m.town_ids[park.town_index],
                "land_total_mu": park.land_total_mu / m.scale, "land_used_mu": park.land_used_mu / m.scale,
                "industrial_output_100m_cny": output[park.index] * price, "firms": int(count[park.index]),
            })

    def _villages(self, price: float, incomes: list[float]) -> None:
        """One row per village, gathered column by column (236 dicts a year were a tenth of a scale-1 run)."""
        m = self.model
        villages = m.villages
        other = m.params.villages.non_operating_income_10k_cny
        operating = [income * price for income in incomes]
        columns = {
            "year": [m.year] * len(villages), "village": [v.id for v in villages],
            "town": [m.town_ids[v.town_index] for v in villages], "is_community": [v.is_community for v in villages],
            "collective_operating_income_10k_cny": operating,
            "collective_total_income_10k_cny": [income + other * price for income in operating],
        }
        for source in INCOME_SOURCES:
            columns[f"{source}_income_10k_cny"] = [v.income_by_source_10k_cny[source] * price for v in villages]
        columns.update({
            "pairing_income_10k_cny": [v.pairing_income_10k_cny * price for v in villages],
            "pairing_funds_received_10k_cny": [sum(v.transfer_funds_by_year.values())
                                               + sum(v.capacity_funds_by_year.values()) for v in villages],
            "is_paired": [v.is_paired for v in villages],
            "environment_score": [v.environment_score for v in villages],
            "meets_beautiful_standard": [v.meets_beautiful_standard for v in villages],
            "featured_demo": [DEMO_NAMES[v.featured_demo] for v in villages],
            "beautiful_demo": [DEMO_NAMES[v.beautiful_demo] for v in villages],
        })
        self.blocks["villages"].append(columns)

    def _budgets(self, price: float) -> None:
        """One row per government (district and towns): money nominal, flags and names as they are (each key's
        column name found once, not per row)."""
        out, year = self.rows["budgets"], self.model.year
        for row in budgets.rows(self.model):
            record = {"year": year}
            for key, value in row.items():
                column = _BUDGET_COLUMNS.get(key)
                if column is None:
                    column = _BUDGET_COLUMNS[key] = key if key in _BUDGET_AS_IS else f"{key}_100m_cny"
                record[column] = value if key in _BUDGET_AS_IS else value * price
            out.append(record)

    def _zones(self, price: float, industry: dict) -> None:
        m = self.model
        above_by_town = industry["above_scale_by_place"].sum(axis=(0, 1))
        for z, zone in enumerate(m.zones):
            members = [t for t in m.towns if t.zone_index == z]
            self.rows["zones"].append({
                "year": m.year, "zone": zone.id,
                "gdp_100m_cny": sum(t.gdp_100m_cny for t in members) * price,
                "industrial_output_100m_cny": sum(t.industrial_output_100m_cny for t in members) * price,
                "industrial_output_above_scale_100m_cny": sum(above_by_town[t.index] for t in members) * price,
                "population": sum(t.population for t in members),
                "output_target_2025_100m_cny": zone.output_target_2025_100m_cny,
                **services_columns(members, price),
                **population.group_columns(members, price),
            })

    def _district(self, price: float, industry: dict, incomes: list[float], jobs: dict, live: dict) -> None:
        m = self.model
        by_place = industry["output_by_place"]
        gdp = np.array([t.gdp_100m_cny for t in m.towns])
        pop = np.array([t.population for t in m.towns])
        total, between, within = theil_t(gdp, pop, np.array([t.zone_index for t in m.towns]))
        sector_output = by_place.sum(axis=(1, 2))
        admin = [v for v in m.villages if not v.is_community]
        admin_income = np.array([income for income, v in zip(incomes, m.villages) if not v.is_community]) * price
        all_total = sum(incomes) * price + \
            m.params.villages.non_operating_income_10k_cny * price * len(m.villages)
        s = m.year_stats
        scale = m.scale
        self.rows["district"].append({
            "year": m.year,
            "gdp_100m_cny": gdp.sum() * price,
            "gdp_real_100m_cny": gdp.sum(),
            "price_index": price,
            "gdp_primary_100m_cny": sum(t.primary_100m_cny for t in m.towns) * price,
            "gdp_secondary_100m_cny": sum(t.secondary_100m_cny for t in m.towns) * price,
            "gdp_tertiary_100m_cny": sum(t.tertiary_100m_cny for t in m.towns) * price,
            "industrial_output_100m_cny": by_place.sum() * price,
            "industrial_output_above_scale_100m_cny": industry["above_scale_by_place"].sum() * price,
            "industrial_va_100m_cny": sum(t.industrial_va_100m_cny for t in m.towns) * price,
            "new_materials_output_100m_cny": sector_output[m.sector_ids.index("new_materials")] * price,
            "new_energy_output_100m_cny": sector_output[m.sector_ids.index("new_energy")] * price,
            "population": pop.sum(),
            "gdp_per_capita_10k_cny": gdp.sum() * price * 1e4 / pop.sum(),
            "firms": live["firms"],
            "firms_above_scale": live["firms_above_scale"],
            "firms_newly_above_scale": int(s["newly_above_scale"]),
            "firm_exits": int(s["firm_exits"]),
            "above_scale_exits": int(s["above_scale_exits"]),
            "firms_over_1bn_cny_output": industry["firms_over_1bn_cny_output"],
            "high_tech_firms": live["high_tech_firms"],
            "tech_upgrades_started": int(s["tech_upgrades_started"]),
            "projects_signed": int(s["projects_signed"]),
            "investment_signed_100m_cny": s["investment_signed_100m_cny"] * price,
            "projects_started": int(s["projects_started"]),
            "investment_landed_100m_cny": s["investment_landed_100m_cny"] * price,
            "projects_producing": int(s["projects_producing"]),
            "projects_lost": int(s["projects_lost"]),
            **project_market_columns(s, price),
            "approval_wait_years": approvals.wait_years(s, m.steps_per_year),
            "pairing_funds_100m_cny": s["pairing_funds_100m_cny"] * price,
            "cobuilt_park_va_100m_cny": s["cobuilt_park_va_100m_cny"] * price,
            "fiscal_revenue_100m_cny": budgets.district_fiscal_revenue(m) * price,
            "fiscal_revenue_share_of_gdp": budgets.district_fiscal_revenue(m) / gdp.sum(),
            "public_services_100m_cny": m.public_services_100m_cny * price,
            **households.district_spending(m.towns, price),
            "share_towns_fiscal_over_5e8_cny": float(np.mean(
                [t.fiscal_revenue_100m_cny * price / scale > TOWN_FISCAL_TARGET_100M_CNY for t in m.towns])),
            "collective_total_income_100m_cny": all_total / 1e4,
            "admin_villages": len(admin),
            "admin_villages_over_1m_cny": int((admin_income > ABOVE_1M).sum()),
            "admin_villages_over_10m_cny": int((admin_income > ABOVE_10M).sum()),
            "admin_villages_over_20m_cny": int((admin_income > ABOVE_20M).sum()),
            "admin_villages_min_income_10k_cny": float(admin_income.min()),
            "share_units_beautiful_standard": float(np.mean([v.meets_beautiful_standard for v in m.villages])),
            "featured_demo_villages_started": sum(v.featured_demo is not DemoStatus.NONE for v in m.villages),
            "beautiful_demo_villages_done": sum(v.beautiful_demo is DemoStatus.DONE for v in m.villages),
            "citrus_area_mu": sum(t.citrus_area_mu for t in m.towns),
            "theil_town_gdp_per_capita": total,
            "theil_between_zones": between,
            "theil_within_zones": within,
            "employment_10k": float(jobs["industry_by_town"].sum() + jobs["construction_by_town"].sum()) / 1e4,
            "industrial_employment_10k": float(jobs["industry_by_town"].sum()) / 1e4,
            "capital_stock_100m_cny": live["capital_stock_100m_cny"] * price,
            "fixed_asset_investment_100m_cny": economy.fixed_asset_investment(m) * price,
            **services_columns(m.towns, price),
            **dict(zip(("theil_town_income_per_head", "theil_income_between_zones", "theil_income_within_zones"),
                       households.income_theil(m))),
            **population.group_columns(m.towns, price),
            **mobility_and_assets_columns(m, price),
        })

    def tables(self) -> dict[str, dict]:
        """Column dicts by table name, plus the evaluated targets."""
        out = {}
        for name in TABLES:
            if name in self.blocks:
                blocks = self.blocks[name]
                out[name] = {key: [value for block in blocks for value in block[key]] for key in blocks[0]} \
                    if blocks else {}
            else:
                out[name] = _columns(self.rows[name])
        out["targets"] = _columns(evaluate_targets(self.rows["district"], self.rows["zones"], self.model))
        out["growth_accounting"] = self.growth_accounting.columns()
        if self.firm_panel:
            out["firms"] = {key: np.concatenate([year[key] for year in self.firm_panel])
                            for key in self.firm_panel[0]}
        return out


def services_columns(towns, price: float) -> dict:
    """Issue 12 columns of a group of towns: incomes per head (yuan/yr), their ratio, the dividend share of rural
    income, the urban share, tertiary value added by part and the 陈皮 chain value (亿元)."""
    incomes = households.group_incomes(towns)
    money = {key: value * price for key, value in incomes.items() if key.endswith("_cny")}
    parts = {f"tertiary_{c}_100m_cny": sum(t.tertiary_by_component_100m_cny.get(c, 0.0) for t in towns) * price
             for c in services.COMPONENTS}
    chain = sum(sum(t.chenpi_100m_cny.values()) for t in towns) * price
    return {**money, "urban_rural_income_ratio": incomes["urban_rural_income_ratio"],
            "rural_income_share_dividends": incomes["rural_income_share_dividends"],
            "urban_share": incomes["urban_share"], **parts, "chenpi_chain_value_100m_cny": chain}


def mobility_and_assets_columns(model, price: float) -> dict:
    """The district's labour-mobility and pairing-asset channels of ``xinhui-sim explain`` (docs/outputs.md)."""
    villages = model.villages
    return {
        "internal_migrants": sum(max(t.net_internal_migration, 0.0) for t in model.towns),
        "pairing_assets_bought_100m_cny": model.year_stats["pairing_assets_100m_cny"] * price,
        "collective_assets_m2": sum(sum(v.asset_area_m2.values()) for v in villages),
        "collective_assets_let_m2": sum(sum(v.asset_let_m2.values()) for v in villages),
        # villages are full-size at any scale; the money columns follow the ledger, which carries scale x (pairing.py)
        "pairing_rent_100m_cny": sum(v.pairing_income_10k_cny for v in villages) * price / 1e4 * model.scale,
    }


def live_firm_columns(model) -> dict:
    """The live firms' year-end columns, in one pass over their rows (compiled at larger scales): their count by
    place (``by_place``, sector x park slot x town as ``RegionModel.place_table``, the co-built park's included)
    and, of those in the district, the count, the above-scale and high-tech counts and the capital stock
    (``capital.capital_stock`` summed, 亿元, 2022 prices)."""
    firms = model.firms
    shape = (len(model.sector_ids), len(model.parks) + 1, len(model.towns))
    by_place, inside, above, tech, capital_of_each = kernels_year.live_firm_sums(
        firms.live(), model.in_district(), firms.above_scale, firms.high_tech, firms.place_key,
        firms.capital_intensity, firms.capacity, model.params.firms.capital_output_ratio, shape[0] * shape[1] * shape[2])
    return {"by_place": by_place.reshape(shape), "firms": inside, "firms_above_scale": above, "high_tech_firms": tech,
            "capital_stock_100m_cny": float(capital_of_each.sum())}


def employment_by_place(model, firm_sums: dict | None = None) -> dict:
    """Persons employed this year: industrial firms in the district by town and by zone x sector (cluster), and
    construction by town (its value added at the reference labour productivity with the district's capital
    deepening: ``economy.construction_labour_productivity``). ``firm_sums``: this year's tax pass's sums
    (``public_finance.collect``), or None."""
    firms = model.firms
    n_sectors = len(model.sector_ids)
    summed = firm_sums  # after this year's taxes: from their pass (compiled)
    if summed is not None:
        by_town, by_cluster = summed["jobs_by_town"].copy(), summed["jobs_by_cluster"].copy()
    else:  # one pass over the firm rows (compiled at larger scales); firms outside the district's parks count nothing
        by_town, by_cluster = kernels.district_sums(firms.employment, firms.alive, False, model.park_outside,
                                                    firms.park, firms.town, firms.zone, firms.sector,
                                                    len(model.towns), len(model.zones), n_sectors)
    per_worker = economy.construction_labour_productivity(model)
    construction = np.array([t.construction_100m_cny * 1e4 / per_worker for t in model.towns])
    return {"industry_by_town": by_town, "industry_by_cluster": by_cluster.reshape(len(model.zones), n_sectors),
            "construction_by_town": construction}


def _columns(rows: list[dict]) -> dict:
    if not rows:
        return {}
    return {key: [row[key] for row in rows] for key in rows[0]}


TARGETS_FILE = Path(__file__).resolve().parent / "plan_targets.yaml"


def load_targets() -> list[dict]:
    """The plan's targets (sim/plan_targets.yaml), a fresh copy each call of the file parsed once per process
    and version of the file (parsing it was a tenth of a default run's writing)."""
    stat = TARGETS_FILE.stat()
    return copy.deepcopy(_parse_targets(TARGETS_FILE, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _parse_targets(path: Path, mtime_ns: int, size: int) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["targets"]


# target id -> (district column or None, comparison, note)
_DISTRICT_TARGETS = {
    "gdp_2023": "gdp_100m_cny", "gdp_2025": "gdp_100m_cny", "gdp_2033": "gdp_100m_cny",
    "cluster_industrial_output_2025": "industrial_output_above_scale_100m_cny",
    "investment_landed_2023_2025": "investment_landed_100m_cny", "high_tech_firms_2025": "high_tech_firms",
    "billion_output_firms_2025": "firms_over_1bn_cny_output", "tech_upgrades_per_year": "tech_upgrades_started",
    "beautiful_villages_2025": "share_units_beautiful_standard",
    "town_fiscal_2027": "share_towns_fiscal_over_5e8_cny", "demo_villages_2027": "beautiful_demo_villages_done",
    "featured_demo_villages_2027": "featured_demo_villages_started", "citrus_area": "citrus_area_mu",
    "village_income_10m_2025": "admin_villages_over_10m_cny", "village_income_20m_2027": "admin_villages_over_20m_cny",
}


def evaluate_targets(district: list[dict], zones: list[dict], model) -> list[dict]:
    """One row per (target, year[, part]) that a run can test; qualitative targets report their proxy."""
    by_year = {row["year"]: row for row in district}
    out = []

    def add(target, year, part, value, threshold, unit):
        kind = target["kind"]
        met = None if kind == "qualitative" or threshold is None else bool(value >= threshold)
        out.append({"target": target["id"], "part": part, "year": year, "kind": kind, "value": float(value),
                    "threshold": float("nan") if threshold is None else float(threshold), "unit": unit,
                    "met": met, "text": target["text"]})

    for target in load_targets():
        tid, unit = target["id"], target.get("unit", "")
        column = _DISTRICT_TARGETS.get(tid)
        years = _target_years(target, by_year)
        if tid == "zone_output_2025":
            for row in zones:
                if row["year"] == 2025:
                    add(target, 2025, row["zone"], row["industrial_output_above_scale_100m_cny"],
                        row["output_target_2025_100m_cny"], unit)
        elif tid == "hundred_billion_clusters_2025" and 2025 in by_year:
            add(target, 2025, "new_materials", by_year[2025]["new_materials_output_100m_cny"], 1000, unit)
            add(target, 2025, "new_energy", by_year[2025]["new_energy_output_100m_cny"], 1000, unit)
        elif tid == "growth_2023_2033" and model.first_year in by_year and model.last_year in by_year:
            # a growth target is real: growth of GDP at 2022 prices
            first = by_year[model.first_year]["gdp_real_100m_cny"]
            last = by_year[model.last_year]["gdp_real_100m_cny"]
            n = model.last_year - model.first_year
            add(target, model.last_year, "", (last / first) ** (1 / n) - 1 if n else 0.0, target["value"], unit)
        elif tid == "demo_villages_2027":
            for year, value in target["values"].items():
                if int(year) in by_year:
                    add(target, int(year), "", by_year[int(year)][column], value, unit)
        elif column is not None:
            for year in years:
                add(target, year, "", by_year[year][column], target.get("value"), unit)
    return out


def _target_years(target: dict, by_year: dict) -> list[int]:
    if target.get("years") == "all":
        return sorted(by_year)
    years = target.get("years") or ([target["year"]] if "year" in target else [])
    return [y for y in years if y in by_year]


def project_market_columns(stats, price: float) -> dict:
    """The project market's and the towns' decisions of the year (sim/rules/project_market.py, town_decisions)."""
    in_parks, producing = stats["projects_in_parks"], stats["projects_producing"]
    return {
        "project_capital_lost_100m_cny": stats["project_capital_lost_100m_cny"] * price,
        "incentive_subsidy_100m_cny": stats["incentive_subsidy_100m_cny"] * price,
        "incentive_land_discount_100m_cny": stats["incentive_land_discount_100m_cny"] * price,
        "land_developed_mu": stats["land_developed_mu"],
        "land_development_100m_cny": stats["land_development_100m_cny"] * price,
        "project_fit_mean": stats["project_fit_sum"] / in_parks if in_parks else 0.0,
        "project_lag_quarters_mean": stats["project_lag_quarters_sum"] / producing if producing else 0.0,
    }


def shared_tax_columns(model, industry: dict, town, price: float) -> dict:
    """The town's retained tax on firms it drew that another town hosts (in) and on firms it hosts that another
    drew (out): what a revenue share s moves, s x (in - out) (the participation band)."""
    retained = public_finance.local_revenue_per_va(model) * price
    handed = industry["handed_on_va"]
    return {"shared_tax_in_100m_cny": retained * sum(v for (o, h), v in handed.items() if o == town.id),
            "shared_tax_out_100m_cny": retained * sum(v for (o, h), v in handed.items() if h == town.id)}

"""The 2022 initial state: firms, the non-industrial economy of towns, villages, and the project pipeline.

Firm sizes are Pareto with the schema's tail exponent; the lower bound is set so that the share of firms
above 2000万 matches the region's counts; firms are dealt to town x sector cells in proportion to the
output each cell still lacks (largest first), then each cell is rescaled to its output exactly, so the base
year matches the region data while sizes stay heavy-tailed. A firm's 2022 sales are its demand; its capacity is what
sells the demand of 2023's recovery at the target utilisation (capital was installed for it; COVID controls held
2022 sales below it). Ages are exponential with a mean of 7.3 years
(derived: 49.4% of Chinese firms are under 5 years old, SAIC 2013, literature.md F5).
"""

from __future__ import annotations

import numpy as np

from sim import history
from sim.rules import capital, investment, labour
from sim.rules.villages import initial_environment_scores, initial_operating_income
from sim.scenario import Section
from sim.scenario.loader import defaults

MEAN_FIRM_AGE_YEARS = 7.3
PARK_SHARE_OF_FIRMS = 0.5       # estimate: half of the firms sit in a named park, the rest on town land
LARGEST_FIRM_100M_CNY = 300.0   # estimate: 李锦记 produced 266亿 in 2015 (xinhui_facts.md §4a)
CITRUS_SHARE_OF_PRIMARY = 0.2   # estimate: "三农" direct income from 新会柑 >15亿 in 2023 of 72亿 primary
WARM_UP_YEARS = 2               # projects signed in 2021-2022 are still in the pipeline in 2023


def town_sector_targets(region, total_output: float) -> np.ndarray:
    """Output (亿元) by town x sector: town mixes raked (IPF) to the district's sector shares."""
    towns, sectors = region.towns, region.sector_ids
    seed = np.array([[t.sector_mix.get(s, 0.0) + 1e-6 for s in sectors] for t in towns])
    rows = np.array([t.industrial_output_share for t in towns]) * total_output
    cols = np.array([s.output_share_2022 for s in region.sectors]) * total_output
    cols *= rows.sum() / cols.sum()
    for _ in range(200):
        seed *= (rows / seed.sum(axis=1))[:, None]
        seed *= (cols / seed.sum(axis=0))[None, :]
    return seed


def initial_firm_sizes(rng, count: int, above_scale: int, threshold: float, tail: float) -> np.ndarray:
    minimum = threshold * (above_scale / count) ** (1.0 / tail)
    return investment.draw_project_sizes(rng, count, minimum, tail, LARGEST_FIRM_100M_CNY)


def deal_to_cells(rng, sizes: np.ndarray, targets: np.ndarray, one_by_one: int = 2000,
                  block: int = 512) -> np.ndarray:
    """Cell index of each firm; largest firms first, cells drawn by the output they still lack.
    The largest ``one_by_one`` firms are dealt singly, the rest in blocks (they barely move the gaps)."""
    flat = targets.ravel()
    cells = np.empty(sizes.size, dtype=np.int64)
    order = np.argsort(-sizes, kind="stable")
    draws = rng.random(order.size)  # the numbers of one draw per firm dealt singly, then one per firm of a block
    single = min(one_by_one, order.size)
    firsts, missing = order[:single], flat.tolist()
    cells[firsts] = deal_singly(flat, sizes[firsts].tolist(), draws[:single].tolist(), missing)
    missing = np.array(missing, dtype=np.float64)
    for start in range(single, order.size, block):
        chunk = order[start:start + block]
        weights = np.maximum(missing, 0.0)
        if weights.sum() <= 0:
            weights = flat
        cumulative = np.cumsum(weights)
        drawn = np.searchsorted(cumulative, draws[start:start + chunk.size] * cumulative[-1], side="right")
        cells[chunk] = np.minimum(drawn, flat.size - 1)
        np.subtract.at(missing, cells[chunk], sizes[chunk])
    return cells


def deal_singly(flat: np.ndarray, sizes: list, draws: list, missing: list) -> list:
    """The cells of firms dealt one at a time (largest first), by the output each cell still lacks
    (``missing``, Python floats, updated in place) or, where no cell lacks any, by the targets. Only the drawn
    cell's weight changes between draws, so the weights are kept rather than recomputed (the same numbers: this
    loop was a third of the build)."""
    weights, cumulative, by_target = np.maximum(flat, 0.0), np.empty_like(flat), np.cumsum(flat)
    last, accumulate, by_target_total = flat.size - 1, np.add.accumulate, float(by_target[-1])
    cells = []
    for size, draw in zip(sizes, draws):
        accumulate(weights, out=cumulative)  # np.cumsum's sums without its wrapper
        total = float(cumulative[-1])
        if total > 0:
            cell = min(int(cumulative.searchsorted(draw * total, side="right")), last)
        else:
            cell = min(int(by_target.searchsorted(draw * by_target_total, side="right")), last)
        cells.append(cell)
        left = missing[cell] = missing[cell] - size
        weights[cell] = left if left > 0.0 else 0.0
    return cells


def build_firms(model) -> None:
    region, p = model.region, model.params.firms
    d = region.district
    count = int(round(d["industrial_firms_2022"] * model.scale))
    above = int(round(d["above_scale_firms_2022"] * model.scale))
    targets = town_sector_targets(region, d["industrial_output_2022_100m_cny"] * model.scale)
    sizes = initial_firm_sizes(model.streams["build"], count, above, p.above_scale_threshold_100m_cny, p.size_tail_exponent)
    cells = deal_to_cells(model.streams["build"], sizes, targets)
    n_sectors = len(region.sectors)
    got = np.bincount(cells, weights=sizes, minlength=targets.size)
    sizes = sizes * np.where(got > 0, targets.ravel() / np.maximum(got, 1e-12), 1.0)[cells]
    start_production_side(model)
    capacity = sizes * np.exp(p.first_year_recovery_growth) / p.target_utilisation
    town, sector = cells // n_sectors, cells % n_sectors
    park = pick_parks(model, town, sector)
    ages = model.streams["build"].exponential(MEAN_FIRM_AGE_YEARS, count)
    rows = model.add_firms(sector=sector, town=town, park=park, capacity=capacity, age=ages, birth_year=0,
                           demand=sizes)
    firms = model.firms
    firms.output_last_year[rows] = sizes
    firms.set_above_scale(rows, sizes >= p.above_scale_threshold_100m_cny)
    assign_park_land(model, rows)
    assign_high_tech(model, rows, int(round(d["high_tech_firms_2022"] * model.scale)))


def start_production_side(model) -> None:
    """The state of the production side before any firm exists: the national productivity index of 2022, the
    labour market, the wage, and each sector's profit rate at the target utilisation (``capital``, ``labour``)."""
    p = model.params.firms
    model.productivity_index = 1.0
    model.first_year_productivity_index = float(np.exp(p.productivity_growth_per_year
                                                       * (model.first_year - model.region.base_year)))
    model.labour_market = labour.LabourMarket()
    model.deepening_index = 1.0  # every firm at the base capital intensity (sim.rules.labour.deepening_index)
    model.wage_10k_cny = p.labour_share_of_value_added * p.labour_productivity_10k_cny_per_worker
    model.base_wage_10k_cny = capital.start_wage(model)  # κ = 1 at the first simulated year's reference wage
    depreciation = p.depreciation_rate_per_year * p.capital_output_ratio / p.target_utilisation
    model.base_profit_rate = model.sector_va_ratio * (1.0 - p.labour_share_of_value_added) - depreciation
    model.sector_profit_rate = model.base_profit_rate.copy()


def pick_parks(model, town: np.ndarray, sector: np.ndarray) -> np.ndarray:
    """A park for about half of the firms: among their town's parks, by used land, doubled where the
    firm's sector leads the park; -1 (town land outside parks) for the rest."""
    rng = model.streams["build"]
    park = np.full(town.size, -1, dtype=np.int64)
    in_park = rng.random(town.size) < PARK_SHARE_OF_FIRMS
    pick = rng.random(town.size)
    for t in range(len(model.towns)):
        parks = [p for p in model.parks_of_town(t) if p.land_total_mu > 0]  # parks open in 2022
        if not parks:
            continue
        leads = np.array([[s in p.leading_sectors for s in model.sector_ids] for p in parks])  # park x sector
        used = np.array([max(p.land_used_mu, 1.0) for p in parks])
        members = np.flatnonzero((town == t) & in_park)
        weights = used[:, None] * np.where(leads, 2.0, 1.0)[:, sector[members]]  # park x member
        cumulative = np.cumsum(weights, axis=0)
        chosen = (cumulative < pick[members] * cumulative[-1]).sum(axis=0)
        park[members] = np.array([p.index for p in parks])[np.minimum(chosen, len(parks) - 1)]
    return park


def assign_park_land(model, rows: np.ndarray) -> None:
    """Each park's used land is shared among its firms in proportion to output."""
    firms = model.firms
    for park in model.parks:
        members = rows[firms.park[rows] == park.index]
        if members.size:
            firms.land_mu[members] = park.land_used_mu * firms.capacity[members] / firms.capacity[members].sum()


def assign_high_tech(model, rows: np.ndarray, stock: int) -> None:
    firms = model.firms
    eligible = rows[firms.above_scale[rows]]
    if eligible.size == 0 or stock <= 0:
        return
    weight = np.sqrt(firms.capacity[eligible]) * np.where(model.sector_tech_intensive[firms.sector[eligible]], 3, 1)
    chosen = model.streams["build"].choice(eligible, size=min(stock, eligible.size), replace=False, p=weight / weight.sum())
    firms.high_tech[chosen] = True
    # certified firms carry the premium from the start; their capacity is net of it, so 2022 output holds
    premium = 1.0 + model.params.firms.high_tech_productivity_gain
    firms.productivity[chosen] *= premium
    firms.capacity[chosen] /= premium


def build_economy(model) -> None:
    """2022 primary, construction and tertiary output by town, from 2023 levels and 2023 growth rates."""
    d = model.region.district
    gdp, shares, growth = d["gdp_2023_100m_cny"], d["sector_shares_2023"], d["real_growth_2023"]
    primary = gdp * shares["primary"] / (1 + growth["primary"]) * model.scale
    secondary = gdp * shares["secondary"] / (1 + growth["secondary"]) * model.scale
    tertiary = gdp * shares["tertiary"] / (1 + growth["tertiary"]) * model.scale
    industrial_va = float((model.firms.output_last_year * model.sector_va_ratio[model.firms.sector]).sum())
    construction = secondary - industrial_va
    if construction < 0:
        raise ValueError("region data: industrial value added exceeds the secondary sector")
    total_pop = sum(t.population for t in model.towns)
    total_citrus = sum(t.citrus_area_mu for t in model.towns) or 1.0
    for town in model.towns:
        town.base_construction_100m_cny = construction * town.population / total_pop
        town.primary_citrus_100m_cny = primary * CITRUS_SHARE_OF_PRIMARY * town.citrus_area_mu / total_citrus
        town.primary_other_100m_cny = primary * ((1 - CITRUS_SHARE_OF_PRIMARY) * town.spec.primary_share)
        town.tertiary_100m_cny = tertiary * town.spec.tertiary_share
        town.construction_100m_cny = construction * town.population / total_pop
    model.gdp_last_year = primary + secondary + tertiary  # 2022
    model.district_gdp_growth = float(np.log1p(growth["gdp"]))  # the inside demand of 2023 follows 2023's GDP


def build_villages(model) -> None:
    p = model.params.villages
    villages = model.villages
    incomes = initial_operating_income(model.streams["build"], len(villages), p.operating_income_median_10k_cny,
                                       p.operating_income_log_sd, p.minimum_operating_income_10k_cny)
    incomes = incomes * history.initial_factor(model, "operating_income_median_10k_cny")  # 2022 levels in the schema
    scores = initial_environment_scores(model.streams["build"], len(villages), p.beautiful_standard_score,
                                        p.initial_beautiful_share)
    mixes = [model.towns[village.town_index].spec.village_income_mix for village in villages]
    # one gamma draw per village and source, in that order, drawn at once (the same numbers as one at a time)
    noise = iter(model.streams["build"].gamma(4.0, 0.25, sum(len(mix) for mix in mixes)).tolist())
    for village, income, score, mix in zip(villages, incomes, scores, mixes):
        if village.spec.operating_income_2023_10k_cny is not None:
            income = village.spec.operating_income_2023_10k_cny / 1.05  # 2022 level, one year of growth back
        noisy = {k: w * next(noise) for k, w in mix.items()}
        total = sum(noisy.values()) or 1.0
        # Python floats: these are updated one village at a time, where numpy scalars are several times slower
        village.income_by_source_10k_cny = {k: float(income * w / total) for k, w in noisy.items()}
        village.base_income_10k_cny = float(income)
        village.environment_score = float(score)
    model.median_base_income = float(np.median([v.base_income_10k_cny for v in villages]))


def warm_up_pipeline(model) -> None:
    """Sign and advance projects over the two years before 2023, so that in 2023 some are being built and
    some ramp up (as CALB did from April 2023). The capacity that warm-up projects already delivered is
    part of the 2022 base, so all firms are scaled back to keep the base-year output."""
    before = float(model.firms.capacity[model.firms.live()].sum())
    before_demand = float(model.firms.demand[model.firms.live()].sum())
    model.investment_params = Section(defaults()["investment"])  # the pipeline before the plan
    start = model.clock  # 0, or negative in the historical mode (steps before horizon.first_year)
    model.clock = start - WARM_UP_YEARS * model.steps_per_year
    for step in range(WARM_UP_YEARS * model.steps_per_year):
        if step == (WARM_UP_YEARS - 1) * model.steps_per_year:
            model.year_stats["fai_projects_100m_cny"] = 0.0  # 2022's capital put in place is measured
        investment.sign_projects(model)
        investment.advance_pipeline(model)
        model.clock += 1
    model.investment_params = model.params.investment
    live = model.firms.live()
    model.firms.capacity[live] *= before / float(model.firms.capacity[live].sum())
    model.firms.demand[live] *= before_demand / float(model.firms.demand[live].sum())
    remember_base_production(model, live)
    # the land of projects already producing is part of the parks' 2022 used land
    proj = model.projects
    producing = np.isin(proj.status, (investment.ProjectStatus.PRODUCING, investment.ProjectStatus.DONE))
    for row in np.flatnonzero(producing & (proj.park >= 0)):
        park = model.parks[proj.park[row]]
        park.land_used_mu = max(park.land_used_mu - proj.land_mu[row], 0.0)


def remember_base_production(model, live: np.ndarray) -> None:
    """The base year's reference competitiveness by sector (sales-weighted mean of own productivity x place),
    median sales (the exit hazard's size reference) and fixed-asset investment (construction's base).

    2022 FAI is not simulated: it is the capital projects put in place in 2022 plus what incumbents invest on a
    steady path (replacing depreciation and growing with their outside markets)."""
    p, firms = model.params.firms, model.firms
    place = model.place_multipliers()
    power = firms.productivity[live] * place[firms.place_cell[live]]
    sectors, sales = firms.sector[live], firms.demand[live]
    n = len(model.sector_ids)
    weight = np.bincount(sectors, weights=sales, minlength=n)
    model.base_competitiveness = np.bincount(sectors, weights=sales * power, minlength=n) / np.maximum(weight, 1e-12)
    model.base_competitiveness[weight <= 0] = 1.0
    model.sector_relative_competitiveness = np.ones(n)  # the sectors' mean over the reference, 2022
    model.median_firm_size = float(np.median(sales))
    growth = np.array([getattr(model.params.demand.outside_growth_per_year, s, 0.0) for s in model.sector_ids])
    steady = p.capital_output_ratio * firms.capacity[live] * (np.expm1(growth[sectors]) + p.depreciation_rate_per_year)
    inside = model.in_district()[live]
    model.base_fixed_asset_investment = float(steady[inside].sum()) + model.year_stats["fai_projects_100m_cny"]

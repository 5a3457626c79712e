"""Investment attraction: signed projects, their location, and the pipeline signing -> construction -> production.

Projects arrive as a Poisson stream with Pareto-distributed total investment and a sector mix; a share is
abandoned, the rest choose a park by a logit on free land, expected localization gain, access and sector
match, either district-wide (unified attraction, 统一招商) or among the parks of the town that drew them
(town-by-town competition); landed projects start construction with a quarterly probability, build for a
few quarters, then add capacity (funds in place x output per investment) to a new or expanding firm over
the ramp-up. Parameters (scenario ``investment``; units in the schema): projects_per_year,
project_size_*, sector_mix, landing_rate, start_probability_per_quarter, construction_quarters_*,
ramp_up_quarters, funds_in_place_share, output_per_investment, land_intensity_100m_cny_per_mu,
expansion_share, outside_park_share, lost_without_land, choice_* weights, steering_share, focus_sectors.
Sources: literature.md I2-I5 (time to build, start and production rates, Xinhui landing rate), §2.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.table import ColumnTable


class ProjectStatus(IntEnum):
    SIGNED = 0
    BUILDING = 1
    PRODUCING = 2   # capacity still being transferred to the firm during ramp-up
    DONE = 3
    ABANDONED = 4
    LOST = 5        # went to another county for lack of land


PROJECT_COLUMNS = {
    "sector": np.int16, "town": np.int16, "park": np.int16, "status": np.int8,
    "investment": np.float64,        # signed total investment, 亿元
    "land_mu": np.float64,
    "sign_step": np.int32, "start_step": np.int32, "produce_step": np.int32,
    "quarters_left": np.int16,
    "capacity_left": np.float64,     # capacity (亿元/yr output) not yet transferred to the firm
    "capacity_per_step": np.float64,
    "firm_row": np.int64,
}


class ProjectPipeline(ColumnTable):
    def __init__(self):
        super().__init__(PROJECT_COLUMNS, 256, fill={"park": -1, "firm_row": -1, "start_step": -1,
                                                     "produce_step": -1})


def draw_project_sizes(rng, count: int, minimum: float, tail_exponent: float, maximum: float):
    """Truncated Pareto draws (亿元) by inversion."""
    u = rng.random(count)
    low, high = minimum ** -tail_exponent, maximum ** -tail_exponent
    return (low - u * (low - high)) ** (-1.0 / tail_exponent)


def logit_choice(rng, utility: np.ndarray) -> int:
    """Index of the option with the highest utility plus Gumbel noise."""
    return int(np.argmax(utility + rng.gumbel(size=utility.size)))


def sign_projects(model) -> None:
    """Each step: new projects are signed, a share abandoned, the rest located (land reserved)."""
    p = model.params.investment
    years_in = model.year - model.first_year
    rate = p.projects_per_year * (1 + p.inflow_growth_per_year) ** years_in * model.scale
    count = model.streams["investment"].poisson(rate / model.steps_per_year)
    if count == 0:
        return
    sizes = draw_project_sizes(model.streams["investment"], count, p.project_size_min_100m_cny, p.project_size_tail_exponent,
                               p.project_size_max_100m_cny)
    sectors = model.streams["investment"].choice(len(model.sector_ids), size=count, p=model.project_sector_probs)
    lands = model.streams["investment"].random(count) < p.landing_rate
    for size, sector, lands_here in zip(sizes, sectors, lands):
        row = model.projects.add(1, sector=sector, investment=size, sign_step=model.steps,
                                 land_mu=size / p.land_intensity_100m_cny_per_mu)[0]
        model.year_stats["projects_signed"] += 1
        model.year_stats["investment_signed_100m_cny"] += size
        if not lands_here:
            model.projects.status[row] = ProjectStatus.ABANDONED
            continue
        locate_project(model, row)


def locate_project(model, row: int) -> None:
    """Choose where a landing project goes; reserve its land or mark it lost."""
    p, proj = model.params.investment, model.projects
    sector, land = int(proj.sector[row]), float(proj.land_mu[row])
    steered_town = model.take_steered_town()
    if steered_town is not None:
        town, parks = steered_town, model.parks_with_land(land, town=steered_town)
    elif sector in model.focus_sector_indices and model.streams["investment"].random() < p.steering_share:
        town, parks = None, model.parks_with_land(land, leading_sector=sector)
    elif model.streams["investment"].random() < model.unified_attraction_level():
        town, parks = None, model.parks_with_land(land)
    else:
        town = model.draw_attracting_town()
        parks = [] if model.streams["investment"].random() < p.outside_park_share else model.parks_with_land(land, town=town)
        if not parks and model.streams["investment"].random() < p.lost_without_land and model.town_has_parks(town):
            proj.status[row] = ProjectStatus.LOST
            model.year_stats["projects_lost"] += 1
            return
    if parks:
        park = parks[logit_choice(model.streams["investment"], park_utilities(model, parks, sector))]
        park.land_used_mu += land
        proj.park[row], proj.town[row] = park.index, park.town_index
    else:
        if town is None:  # no park in the district has the land: the project takes scattered land
            town = model.draw_attracting_town()
        proj.town[row] = town
    proj.status[row] = ProjectStatus.SIGNED


def park_utilities(model, parks: list, sector: int) -> np.ndarray:
    """Logit utility of each candidate park for a project of ``sector``."""
    p = model.params.investment
    elasticity = model.params.clustering.localization_elasticity
    free = np.array([park.land_free_mu for park in parks])
    cluster = np.array([model.cluster_output(park.zone_index, sector) for park in parks])
    access = np.array([model.towns[park.town_index].access_index for park in parks])
    match = np.array([model.sector_ids[sector] in park.leading_sectors for park in parks], dtype=float)
    return (p.choice_land_weight * np.log1p(free) + p.choice_profit_weight * elasticity * np.log1p(cluster)
            + p.choice_access_weight * access + p.choice_sector_match_weight * match)


def advance_pipeline(model) -> None:
    """Each step: signed projects start, building ones progress, producing ones ramp capacity up."""
    p, proj = model.params.investment, model.projects
    status = proj.status
    reduction = model.service_lag_reduction()
    start_prob = min(p.start_probability_per_quarter * 4.0 / model.steps_per_year / (1.0 - reduction), 1.0)
    signed = np.flatnonzero(status == ProjectStatus.SIGNED)
    starting = signed[model.streams["investment"].random(signed.size) < start_prob]
    if starting.size:
        quarters = model.streams["investment"].integers(p.construction_quarters_min, p.construction_quarters_max + 1,
                                      size=starting.size)
        proj.quarters_left[starting] = np.maximum(np.round(quarters * (1.0 - reduction)), 1)
        proj.status[starting] = ProjectStatus.BUILDING
        proj.start_step[starting] = model.steps
        model.year_stats["projects_started"] += int(starting.size)
        model.year_stats["investment_landed_100m_cny"] += float(proj.investment[starting].sum())
    building = np.flatnonzero(status == ProjectStatus.BUILDING)
    proj.quarters_left[building] -= 1
    for row in building[proj.quarters_left[building] <= 0]:
        start_production(model, int(row))
    ramp_capacity(model)


def start_production(model, row: int) -> None:
    p, proj = model.params.investment, model.projects
    if model.warming_up:  # already producing before the base year: part of the 2022 firms and land
        if proj.park[row] >= 0:
            park = model.parks[proj.park[row]]
            park.land_used_mu = max(park.land_used_mu - proj.land_mu[row], 0.0)
        proj.status[row] = ProjectStatus.DONE
        return
    capacity = proj.investment[row] * p.funds_in_place_share * p.output_per_investment
    proj.capacity_per_step[row] = capacity / p.ramp_up_quarters
    proj.capacity_left[row] = capacity
    proj.status[row] = ProjectStatus.PRODUCING
    proj.produce_step[row] = model.steps
    model.year_stats["projects_producing"] += 1
    sector, park, town = int(proj.sector[row]), int(proj.park[row]), int(proj.town[row])
    firm = model.expandable_firm(sector, park, town) if model.streams["investment"].random() < p.expansion_share else None
    if firm is None:
        first = min(proj.capacity_per_step[row], capacity)
        firm = int(model.add_firms(sector=np.array([sector]), town=np.array([town]), park=np.array([park]),
                                   capacity=np.array([first]), from_project=True)[0])
        proj.capacity_left[row] -= first
    model.firms.land_mu[firm] += proj.land_mu[row]
    proj.firm_row[row] = firm


def ramp_capacity(model) -> None:
    """Producing projects hand their remaining capacity to their firm, one step's share at a time."""
    proj, firms = model.projects, model.firms
    rows = np.flatnonzero(proj.status == ProjectStatus.PRODUCING)
    if rows.size == 0:
        return
    firm_rows = proj.firm_row[rows]
    alive = firms.alive[firm_rows]
    step = np.minimum(proj.capacity_per_step[rows], proj.capacity_left[rows])
    np.add.at(firms.capacity, firm_rows[alive], step[alive])
    proj.capacity_left[rows] -= step
    done = rows[(proj.capacity_left[rows] <= 1e-12) | ~alive]
    proj.status[done] = ProjectStatus.DONE

"""Investment attraction: signed projects, their location, and the pipeline signing -> construction -> production.

Projects arrive as a Poisson stream with Pareto-distributed total investment and a sector mix; a share is
abandoned, the rest are located: projects steered by pairing (to the town that steers them) or by the district's
focus (to the parks leading their sector) choose a park by a logit on free land, expected localization gain,
the share of wanted workers the town's firms got (``labour_fill_gain``), access and sector match; the others
go to the project market (sim/rules/project_market.py), where under
unified attraction (统一招商) the district bids once with the best-fitting park and under town-by-town attraction
the towns bid against each other, both against other counties, and a project whose best offer is another
county's is lost; a share of town-by-town projects takes scattered land in the town that drew it. Landed
projects start construction once their host town's office (or the pooled district service) has approved them
(sim/rules/approvals.py: a first-come-first-served queue), build for a few quarters, putting the funds in
place (a share of the signed investment) into capital evenly over them (fixed-asset investment), then add
that capital's capacity (capital / (``firms.capital_output_ratio`` x κ*), κ* the capital intensity the town's
wage makes cheapest when production starts, sim/rules/capital.py) to a new or expanding firm over the ramp-up,
with the sales it was built for. Parameters (scenario ``investment``; units in the schema): projects_per_year,
project_size_*, sector_mix, landing_rate, construction_quarters_*, ramp_up_quarters, funds_in_place_share, land_intensity_100m_cny_per_mu,
expansion_share, outside_park_share, choice_* weights, steering_share, focus_sectors (the market's and the
incentives' parameters in those modules). Sources: literature.md I2-I5 (time to build, start and production
rates, Xinhui landing rate), §2.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim import kernels_pipe, randomness
from sim.randomness import gumbel_from_uniform
from sim.rules import approvals, capital, town_decisions
from sim.rules.demand import demand_of_new_capacity
from sim.rules.project_market import CONTACT_COLUMNS, NO_PARK, OUTSIDE, Placement, ProjectMarket, best_park
from sim.table import ColumnTable

GUMBEL_COLUMNS = 32  # logit noise drawn per project for up to this many parks


class ProjectStatus(IntEnum):
    SIGNED = 0
    BUILDING = 1
    PRODUCING = 2   # capacity still being transferred to the firm during ramp-up
    DONE = 3
    ABANDONED = 4
    LOST = 5        # went to another county: its best offer, or no park of Xinhui had the land


PROJECT_COLUMNS = {
    "sector": np.int16, "town": np.int16, "park": np.int16, "status": np.int8,
    "origin_town": np.int16,         # the town that drew the project (where it would land if fragmented)
    "investment": np.float64,        # signed total investment, 亿元
    "land_mu": np.float64,
    "sign_step": np.int32, "start_step": np.int32, "produce_step": np.int32,
    "quarters_left": np.int16,
    "build_steps": np.int16,         # steps of construction, set at its start (funds in place spread over them)
    "start_delay": np.int32,         # steps from signing to the start of construction (its approval time)
    "approval_steps": np.float64,    # processing time of its dossier, steps (drawn at signing)
    "construction_quarters": np.int16,  # drawn at signing
    "expansion_u": np.float64, "pick_u": np.float64,  # drawn at signing: expand a firm?, which one
    "capacity_left": np.float64,     # capacity (亿元/yr output) not yet transferred to the firm
    "capacity_per_step": np.float64,
    "capital_intensity": np.float64,  # κ* of the capacity it built (sim/rules/capital.py), set at production start
    "firm_row": np.int64,            # its firm's row in the firm table (follows it: RegionModel.compact_firms; -1: none)
}


class ProjectPipeline(ColumnTable):
    def __init__(self):
        super().__init__(PROJECT_COLUMNS, 256, fill={"park": -1, "firm_row": -1, "start_step": -1,
                                                     "produce_step": -1})
        # rows before it are done, abandoned or lost, statuses no step changes again: the steps pass over the
        # projects from there on (kernels_pipe.advance_rows moves it on)
        self.open_from = 0
        self._firm_slots = np.empty(0, dtype=np.int64)

    def firm_slots(self, firm_rows: int) -> np.ndarray:
        """Scratch for ``kernels_pipe.sums_by_row`` over firm rows: -1 at each of at least ``firm_rows`` rows."""
        if self._firm_slots.size < firm_rows:
            self._firm_slots = np.full(2 * firm_rows, -1, dtype=np.int64)
        return self._firm_slots


def draw_project_sizes(rng, count: int, minimum: float, tail_exponent: float, maximum: float):
    """Truncated Pareto draws (亿元) by inversion."""
    u = rng.random(count)
    low, high = minimum ** -tail_exponent, maximum ** -tail_exponent
    return (low - u * (low - high)) ** (-1.0 / tail_exponent)


def logit_pick(utility: np.ndarray, gumbel: np.ndarray) -> int:
    """Index of the option with the highest utility plus Gumbel noise: a multinomial logit draw."""
    return int(np.argmax(utility + gumbel))


class ParkOptions:
    """One step's view of the parks as arrays for location choice."""

    kernels = None  # the compiled kernels (kernels_pipe.kernels_for), None: numpy

    def __init__(self, model):
        p = model.investment_params
        self.kernels = kernels_pipe.kernels_for(model)
        elasticity = model.params.clustering.localization_elasticity
        self.parks = model.parks
        self.free = np.array([park.land_free_mu for park in self.parks])
        self.town = np.array([park.town_index for park in self.parks])
        zone = np.array([park.zone_index for park in self.parks])
        access = np.array([model.towns[t].access_index for t in self.town])
        incentive = np.array([park.incentive for park in self.parks])
        self.leads = model.park_leads
        # a park's standing preferential policy, a discount on land price and taxes, as a share of the
        # investment: the same unit as the bids of the project market
        standing = incentive[:, None] * town_decisions.land_and_tax_share(model, np.arange(len(model.sector_ids)))
        # the parts of the utility that do not change within a step, by park x sector
        self.fixed = (p.choice_profit_weight * (elasticity * np.log1p(model.cluster_capacity[zone, :])
                                                + labour_fill_gain(model, self.town)[:, None])
                      + p.choice_access_weight * access[:, None] + p.choice_sector_match_weight * self.leads
                      + p.choice_incentive_weight * standing)
        self.land_weight = p.choice_land_weight
        self.town_cumulative = model.attraction_weights()
        self.land_taken = model.land_taken_mu  # land let this year, by park (the towns' land decision reads it)

    def attracting_towns(self, u: np.ndarray) -> np.ndarray:
        """The towns that draw projects under town-by-town attraction (``u`` uniform in [0, 1))."""
        towns = np.searchsorted(self.town_cumulative, u * self.town_cumulative[-1], side="right")
        return np.minimum(towns, self.town_cumulative.size - 1)

    def fit(self, waiting: np.ndarray, eligible: np.ndarray, sectors: np.ndarray, land: np.ndarray,
            gumbel: np.ndarray) -> np.ndarray:
        """The utility of each park to each project ``waiting`` (indices into the other arguments' rows)
        without incentives (projects x parks; -inf where the park is not eligible or has not the land)."""
        run = kernels_pipe.park_fit_numpy if self.kernels is None else self.kernels[3]
        return run(waiting, eligible, self.free, land, self.land_weight * np.log1p(self.free), self.fixed, sectors,
                   gumbel)

    def reserve(self, parks: np.ndarray, land: np.ndarray) -> None:
        reserved = np.bincount(parks, weights=land, minlength=len(self.parks))
        self.free -= reserved
        self.land_taken += reserved
        for park in np.flatnonzero(reserved):
            self.parks[park].land_used_mu += reserved[park]


def labour_fill_gain(model, park_towns: np.ndarray) -> np.ndarray:
    """By park: the log of the share of the workers it wants a firm got in the park's town at the labour market's
    last clearing (sim/rules/labour_market.py), relative to the district's (jobs-weighted geometric) mean; 0 in
    the co-built park, which hires outside the district. A firm that gets a share f of its workers sells f of its
    demand, as if its productivity were f times lower: the unit the localization gain is weighed in
    (``choice_profit_weight``), so no weight of its own. Relative to the district's mean (estimate: other
    counties' locations draw on the same Pearl River Delta labour market, so the level does not move the choice
    against them and ``outside_location_utility``'s calibration stands): it moves projects between towns."""
    fill = getattr(model.labour_market, "fill", None)
    if fill is None:
        return np.zeros(park_towns.size)
    log_fill = np.log(np.clip(fill, 1e-6, 1.0))
    jobs = np.array([town.jobs_by_sector.get("secondary", 0.0) for town in model.towns])
    total = jobs.sum()
    # np.average's operations (product, sum, quotient), without its checks
    mean = float((log_fill * jobs).sum() / total) if total > 0 else float(log_fill.mean())
    return np.where(model.park_outside[: park_towns.size], 0.0, log_fill[park_towns] - mean)


def sign_projects(model) -> None:
    """Each step: new projects are signed, a share abandoned, the rest located (land reserved)."""
    p, rng = model.investment_params, model.step_rng("investment")
    years_in = model.year - model.first_year
    rate = p.projects_per_year * (1 + p.inflow_growth_per_year) ** years_in * model.scale
    count = rng.poisson(rate / model.steps_per_year)
    if count == 0:
        return
    sizes = draw_project_sizes(rng, count, p.project_size_min_100m_cny, p.project_size_tail_exponent,
                               p.project_size_max_100m_cny)
    weights = np.array([p.sector_mix.get(s, 0.0) for s in model.sector_ids])
    # what rng.choice(sectors, p=weights / sum) does, the same draws, without its checks of p
    cumulative = np.cumsum(weights / weights.sum())
    cumulative /= cumulative[-1]
    sectors = cumulative.searchsorted(rng.random(count), side="right")
    lands = rng.random(count) < p.landing_rate
    # every random number a project will need is drawn now, so variants keep them aligned
    processing = approvals.draw_processing_steps(model, rng.random(count))
    rows = model.projects.add(count, sector=sectors, investment=sizes, sign_step=model.clock,
                              land_mu=sizes / p.land_intensity_100m_cny_per_mu, approval_steps=processing,
                              construction_quarters=rng.integers(p.construction_quarters_min,
                                                                 p.construction_quarters_max + 1, count),
                              expansion_u=rng.random(count), pick_u=rng.random(count))
    model.year_stats["projects_signed"] += count
    model.year_stats["investment_signed_100m_cny"] += float(sizes.sum())
    model.projects.status[rows[~lands]] = ProjectStatus.ABANDONED
    # every project draws the same uniforms and Gumbel noise whichever branch it takes, so that variants
    # which send some projects elsewhere keep the others' draws aligned (common random numbers)
    uniforms = rng.random((count, 7))
    # a fixed number of Gumbel columns, so that adding a park leaves the noise of the others unchanged;
    # drawn as uniforms, made Gumbel only where used
    gumbel_u = rng.random((count, max(GUMBEL_COLUMNS, len(model.parks))))
    contact_u = rng.random((count, max(CONTACT_COLUMNS, len(model.towns))))  # which towns a project knows
    uniforms = np.hstack([uniforms, contact_u])
    if lands.any():
        gumbel = gumbel_from_uniform(gumbel_u[lands, : len(model.parks)])
        locate_projects(model, rows[lands], ParkOptions(model), uniforms[lands], gumbel)


def steered_towns(model, count: int) -> np.ndarray:
    """The towns that pairing steers the first of ``count`` landing projects to (-1: not steered).

    Each whole unit of a town's steering quota takes one project, towns in index order."""
    quota = model.steering_quota
    towns = np.repeat(np.arange(quota.size), np.floor(np.maximum(quota, 0.0)).astype(np.int64))[:count]
    quota -= np.bincount(towns, minlength=quota.size)
    steered = np.full(count, -1, dtype=np.int64)
    steered[: towns.size] = towns
    return steered


def locate_projects(model, rows: np.ndarray, options: ParkOptions, u: np.ndarray, gumbel: np.ndarray) -> None:
    """Choose where this step's landing projects go; reserve their land, pay their incentives, or mark them lost.

    ``u``: uniforms per project for unified matching of focus sectors, unified attraction, outside-park,
    (unused), the attracting town, other counties' offer (noise, incentive), then one per town (the towns it
    knows). Projects signed in the same step choose at once, seeing the land free at the start of the step
    (``assign_parks``)."""
    proj = model.projects
    sectors, land = proj.sector[rows].astype(np.int64), proj.land_mu[rows]
    steered = steered_towns(model, rows.size)
    home = np.where(steered >= 0, steered, options.attracting_towns(u[:, 4]))  # the town that drew the project
    eligible, placement = candidate_parks(model, options, sectors, u, home, steered >= 0)
    market = ProjectMarket(model, rows, placement, u, home, np.diff(options.town_cumulative, prepend=0.0))
    park, paid = assign_parks(options, eligible, sectors, land, gumbel, market.decide,
                              market.fit_and_decide(options, eligible, sectors, land, gumbel))
    lost = park == OUTSIDE
    proj.status[rows[lost]] = ProjectStatus.LOST
    model.year_stats["projects_lost"] += int(lost.sum())
    model.year_stats["project_capital_lost_100m_cny"] += float(proj.investment[rows[lost]].sum()
                                                               * model.investment_params.funds_in_place_share)
    placed = ~lost
    in_park = placed & (park >= 0)
    host = np.where(in_park, options.town[np.maximum(park, 0)], home)
    proj.status[rows[placed]] = ProjectStatus.SIGNED
    proj.park[rows[placed]] = park[placed]
    proj.town[rows[placed]] = host[placed]
    # a project a town won by bidding is its own; one the district placed stays the drawing town's (sharing)
    proj.origin_town[rows] = np.where(placement == Placement.TOWNS, host, home)
    approvals.file_dossiers(model, rows[placed], host[placed])  # sets their start delays
    model.year_stats["project_fit_sum"] += float(options.fixed[park[in_park], sectors[in_park]].sum())
    model.year_stats["projects_in_parks"] += int(in_park.sum())
    market.pay(paid, park, host)


def candidate_parks(model, options: ParkOptions, sectors: np.ndarray, u: np.ndarray, home: np.ndarray,
                    is_steered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The parks each project would consider, land permitting (projects x parks), by the first branch that
    applies: steered, focus steering, unified attraction, town by town; and how it is placed (Placement)."""
    p = model.investment_params
    focus = model.focus_sector_mask[sectors] & (u[:, 0] < p.steering_share) & ~is_steered
    unified = (u[:, 1] < model.unified_attraction_level()) & ~is_steered & ~focus
    in_town = ~(is_steered | focus | unified)  # town-by-town attraction
    outside_parks = in_town & (u[:, 2] < p.outside_park_share)  # scattered land of the town that drew it
    eligible = np.ones((sectors.size, len(options.parks)), dtype=bool)
    eligible[is_steered] = options.town[None, :] == home[is_steered, None]
    eligible[focus] = options.leads[:, sectors[focus]].T
    eligible[outside_parks] = False
    placement = np.full(sectors.size, Placement.LOGIT, dtype=np.int8)
    placement[unified] = Placement.UNIFIED
    placement[in_town & ~outside_parks] = Placement.TOWNS
    return eligible, placement


def assign_parks(options: ParkOptions, eligible: np.ndarray, sectors: np.ndarray, land: np.ndarray,
                 gumbel: np.ndarray, decide=None, choose=None) -> tuple[np.ndarray, np.ndarray]:
    """Each project's park (NO_PARK: none had the land; OUTSIDE: lost to another county) and the incentive it
    was paid (share of its investment), its land reserved. ``decide(waiting, fit)`` gives the choice and the
    incentive (default: the logit choice, no incentive). Where the projects choosing a park need more land
    than it has left, they are served in signing order while it lasts (the first always fits) and the others
    choose again, with the same Gumbel shocks, among the parks with land left. ``choose(waiting)``, when
    given, does the fit and ``decide`` at once (``ProjectMarket.fit_and_decide``)."""
    park = np.full(sectors.size, NO_PARK, dtype=np.int64)
    paid = np.zeros(sectors.size)
    waiting = np.arange(sectors.size)
    while waiting.size:
        if choose is not None:
            choice, share = choose(waiting)
        else:
            fit = options.fit(waiting, eligible, sectors, land, gumbel)
            choice, share = (best_park(fit), np.zeros(waiting.size)) if decide is None else decide(waiting, fit)
        park[waiting[choice == OUTSIDE]] = OUTSIDE
        chose = choice >= 0
        choosing, parks, share = waiting[chose], choice[chose], share[chose]
        if choosing.size == 0:
            break
        order = np.lexsort((choosing, parks))  # by park, then in signing order
        choosing, parks, share = choosing[order], parks[order], share[order]
        used = np.cumsum(land[choosing])
        first = np.concatenate(([0], np.flatnonzero(np.diff(parks)) + 1))  # where each park's choosers start
        before = np.repeat(used[first] - land[choosing[first]], np.diff(first, append=parks.size))
        served = used - before <= options.free[parks]
        park[choosing[served]] = parks[served]
        paid[choosing[served]] = share[served]
        options.reserve(parks[served], land[choosing[served]])
        waiting = np.sort(choosing[~served])
    return park, paid


def advance_pipeline(model) -> None:
    """Each step: signed projects start, building ones progress, producing ones ramp capacity up."""
    proj = model.projects
    # one pass over the open projects: the approved start, the building put their funds in place and count
    # down, some finish (their rows, in row order); the first open row moves on
    starting, finishing, spent_inside, proj.open_from = kernels_pipe.advance_rows(
        proj.status, proj.sign_step, proj.start_delay, proj.quarters_left, proj.investment, proj.build_steps,
        proj.park, model.park_outside, model.clock, proj.open_from, model.investment_params.funds_in_place_share,
        kernels_pipe.kernels_for(model))
    start_construction(model, starting)
    model.year_stats["fai_projects_100m_cny"] += float(spent_inside.sum())  # FAI: funds spent evenly over the build
    if finishing.size:
        start_production(model, finishing)
    ramp_capacity(model)


def start_construction(model, starting: np.ndarray) -> None:
    """Approved projects start building: their construction steps set, funds put in place from this step."""
    if starting.size == 0:
        return
    proj = model.projects
    quarters = proj.construction_quarters[starting]
    steps = quarters * model.steps_per_year / 4.0  # durations are in quarters
    proj.quarters_left[starting] = proj.build_steps[starting] = np.maximum(np.round(steps), 1)
    proj.status[starting] = ProjectStatus.BUILDING
    proj.start_step[starting] = model.clock
    model.year_stats["projects_started"] += int(starting.size)
    model.year_stats["investment_landed_100m_cny"] += float(proj.investment[starting].sum())


def start_production(model, rows: np.ndarray) -> None:
    """Finished projects start producing: expand a firm of their sector and place, or found one."""
    p, proj = model.investment_params, model.projects
    kappa = capital.new_capital_intensity(model, proj.town[rows])
    proj.capital_intensity[rows] = kappa
    capacity = proj.investment[rows] * p.funds_in_place_share / (model.params.firms.capital_output_ratio * kappa)
    proj.capacity_per_step[rows] = capacity / max(p.ramp_up_quarters * model.steps_per_year / 4.0, 1.0)
    proj.capacity_left[rows] = capacity
    proj.status[rows] = ProjectStatus.PRODUCING
    proj.produce_step[rows] = model.clock
    model.year_stats["projects_producing"] += int(rows.size)
    quarters = (model.clock - proj.sign_step[rows]) * 4.0 / model.steps_per_year  # signing to production
    model.year_stats["project_lag_quarters_sum"] += float(quarters.sum())
    firm = expanding_firms(model, rows, proj.expansion_u[rows] < p.expansion_share, proj.pick_u[rows])
    new = firm < 0
    if new.any():
        first = np.minimum(proj.capacity_per_step[rows[new]], capacity[new])
        firm[new] = model.add_firms(sector=proj.sector[rows[new]], town=proj.town[rows[new]],
                                    park=proj.park[rows[new]], capacity=first, from_project=True,
                                    origin=proj.origin_town[rows[new]], capital_intensity=kappa[new],
                                    draw_key=randomness.project_firm_keys(rows[new]))
        proj.capacity_left[rows[new]] -= first
        capital.record_handover(model, firm[new], kappa[new] * first)
    kernels_pipe.add_at(model.firms.land_mu, firm, proj.land_mu[rows], kernels_pipe.kernels_for(model))
    proj.firm_row[rows] = firm


def expanding_firms(model, rows: np.ndarray, expands: np.ndarray, pick: np.ndarray) -> np.ndarray:
    """For each project that expands, a live above-scale firm of the same sector, park and town (weighted
    by capacity; 增资扩产 is done by established firms), or -1 when there is none or it founds a firm."""
    if not expands.any():
        return np.full(rows.size, -1, dtype=np.int64)
    firms, proj = model.firms, model.projects
    wanted = model.place_key(proj.sector[rows], proj.park[rows], proj.town[rows])
    members, sorted_keys = firms.above_scale_by_place()  # may include firms that exited since
    return kernels_pipe.expansion_draws(members, sorted_keys, firms.capacity, firms.alive, wanted, expands, pick,
                                        kernels_pipe.kernels_for(model))


def ramp_capacity(model) -> None:
    """Producing projects hand their remaining capacity to their firm, one step's share at a time."""
    proj, firms = model.projects, model.firms
    compiled = kernels_pipe.kernels_for(model)
    # projects that started producing this step already handed over their first step's capacity; a firm row
    # -1: its firm exited and left the firm table (RegionModel.compact_firms)
    rows, firm_rows, alive, step = kernels_pipe.producing_rows(
        proj.status, proj.produce_step, model.clock, proj.firm_row, firms.alive, proj.capacity_per_step,
        proj.capacity_left, proj.open_from, ProjectStatus.PRODUCING, compiled)
    if rows.size == 0:
        return
    capital.add_capacity(model, firm_rows[alive], step[alive], proj.capital_intensity[rows[alive]])
    # the new capacity comes with the sales it was built for (at the firm's own productivity)
    added = demand_of_new_capacity(model, step[alive], firms.productivity[firm_rows[alive]])
    kernels_pipe.add_at(firms.demand, firm_rows[alive], added, compiled)
    proj.capacity_left[rows] -= step
    done = rows[(proj.capacity_left[rows] <= 1e-12) | ~alive]
    proj.status[done] = ProjectStatus.DONE

"""Town labour markets: employers hire from residents and commuters; wages follow local unemployment.

Jobs wanted in a town: its firms' (``sim.rules.labour``), construction's (value added at the secondary labour
productivity with the district's capital deepening, ``economy.construction_labour_productivity``), farms' and
services' (output at their labour productivity). The labour force of
each town chooses where to work by a logit over towns, weight D_j (w_j (1 − u_j))^β A_j exp(−κ d_ij / a_ij):
jobs, wage, the chance of a job, workplace attributes A_j (calibrated once so that the base year balances), and
a commuting cost that falls with distance d_ij (km) over the mean access a_ij of the two towns (transport
projects raise access). Workers supplied to a town, S_j, fill
E_j = min(D_j, S_j (1 − exp(−m D_j / S_j))) jobs (a matching function whose unemployment at the kink where all
jobs are filled is the frictional rate u*); the wage is w_j = w_ref (u_j / u*)^(−η) (the wage curve), w_ref the
firms' wage path. Wages, supply and matches are solved together each year; a town's employers get E_j / D_j of
the workers they want, firms keeping last year's staff before any grows (``share_out``), so firms' sales are
capped (labour binds growth); farms' and services' jobs are rationed by E_j / D_j (their output is not capped
here: its owner reads ``town.jobs_by_sector``). Non-industrial demand is last year's output grown at last
year's growth (its output of this year is known only at year end: lagged).
Parameters (scenario ``people``): frictional_unemployment_rate u*, wage_curve_elasticity η,
commuting_wage_elasticity β, commuting_cost_per_km κ, primary/tertiary labour productivity and its growth.
Sources: registered unemployment 2.05% (2023), employment by sector (xinhui_facts.md §4a); the wage curve
(Blanchflower & Oswald 1994); commuting logit (Ahlfeldt, Redding, Sturm & Wolf 2015); estimates in the schema.
"""

from __future__ import annotations

import math

import numpy as np

from sim import kernels
from sim.rules import economy, labour, migration, population

SECTORS = ("primary", "secondary", "tertiary")
ITERATIONS = 60   # at most, fixed-point rounds for wages and commuting (from last year's rates)
STEP = 0.5        # first weight of the new unemployment rates in a round, in logs; halved when a round
TOLERANCE = 1e-6  # overshoots (an undamped loop oscillates); done when no rate moves by more than this
CALIBRATION_ROUNDS = 60  # proportional fitting of the workplace attributes: converged to 1e-6 well before
EARTH_KM_PER_DEGREE = 111.2
DEFAULT_DISTANCE_KM = 20.0  # towns without a position in the region file: a typical distance between seats


def distances_km(model) -> np.ndarray:
    """Straight-line distance between town seats (km), from the region file's lon_lat (estimate positions)."""
    where = [t.spec.lon_lat for t in model.towns]
    n = len(where)
    d = np.full((n, n), DEFAULT_DISTANCE_KM)
    for i, a in enumerate(where):
        for j, b in enumerate(where):
            if a and b:
                dx = (a[0] - b[0]) * math.cos(math.radians(0.5 * (a[1] + b[1])))
                d[i, j] = EARTH_KM_PER_DEGREE * math.hypot(dx, a[1] - b[1])
    np.fill_diagonal(d, 0.0)
    return d


def matching_efficiency(frictional_rate: float) -> float:
    """m in E = S (1 − exp(−m D/S)), such that at the kink (all jobs filled) unemployment is ``frictional_rate``."""
    return -math.log(frictional_rate) / (1.0 - frictional_rate)


def matches(demand: np.ndarray, supply: np.ndarray, m: float) -> np.ndarray:
    """Jobs filled by town: no more than wanted, and fewer than the workers supplied (frictions)."""
    tight = demand / np.maximum(supply, 1e-9)
    return np.minimum(demand, supply * -np.expm1(-m * tight))


def share_out(town: np.ndarray, wanted: np.ndarray, staff: np.ndarray, available: np.ndarray, n: int) -> np.ndarray:
    """Workers each firm gets from its town's ``available`` workers: firms keep their staff of last year
    (up to what they want) before any firm grows, so a shortage caps expansion first; when even the staff
    cannot all be kept, every firm keeps the same share of it."""
    kept = np.minimum(wanted, staff)
    extra = wanted - kept
    kept_total = np.bincount(town, weights=kept, minlength=n)
    extra_total = np.bincount(town, weights=extra, minlength=n)
    keep_fill, growth_fill = fill_rates(available, kept_total, extra_total)
    return kept * keep_fill[town] + extra * growth_fill[town]


def fill_rates(available: np.ndarray, kept_total: np.ndarray, extra_total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """By town: the share of last year's staff kept, and of the extra workers wanted that is filled (``share_out``)."""
    growth_fill = np.clip((available - kept_total) / np.maximum(extra_total, 1e-12), 0.0, 1.0)
    keep_fill = np.clip(available / np.maximum(kept_total, 1e-12), 0.0, 1.0)
    return keep_fill, growth_fill


def commuting_shares(jobs: np.ndarray, earnings: np.ndarray, cost: np.ndarray, beta: float,
                     log_pull: np.ndarray | float = 0.0) -> np.ndarray:
    """P[i, j]: share of town i's labour force that works in town j (``log_pull``: the towns' calibrated
    workplace attributes)."""
    return logit_shares(np.log(np.maximum(jobs, 1e-9)), earnings, cost, beta, log_pull)


def logit_shares(log_jobs: np.ndarray, earnings: np.ndarray, cost: np.ndarray, beta: float,
                 log_pull: np.ndarray | float = 0.0) -> np.ndarray:
    """``commuting_shares`` from the log of its jobs (fixed while wages are solved: taken once). The same
    operations as the methods ``max`` and ``sum`` do (their ufuncs' reductions, without the methods' Python
    wrappers: the solver runs this ~20 times a year on 11 x 11 arrays, where the wrappers cost what the sums do)."""
    utility = np.subtract(log_jobs + beta * np.log(np.maximum(earnings, 1e-9)) + log_pull, cost)
    utility -= np.maximum.reduce(utility, axis=1, keepdims=True)
    weight = np.exp(utility, out=utility)
    return np.divide(weight, np.add.reduce(weight, axis=1, keepdims=True), out=weight)


class TownLabourMarket(labour.LabourMarket):
    """The constrained market behind ``model.labour_market``: ``hire`` clears it for the year."""

    def __init__(self, model):
        p = model.params.people
        self.distance_km = distances_km(model)
        self.m = matching_efficiency(p.frictional_unemployment_rate)
        n = len(model.towns)
        self.wage_by_town = np.full(n, model.wage_10k_cny)
        self.unemployment = np.full(n, p.frictional_unemployment_rate)  # by workplace
        self.resident_earnings_10k_cny = self.wage_by_town * (1 - self.unemployment)
        self.base_earnings_10k_cny = float(model.wage_10k_cny * (1 - p.frictional_unemployment_rate))
        self.parity_earnings_10k_cny = None  # the outside path's level in the first year (sim.rules.migration)
        self.base_services_per_head = np.maximum(migration.services_per_head(model), 1e-12)
        growth = model.region.district["real_growth_2023"]
        self.last_growth = {s: math.log1p(growth[s]) for s in SECTORS}
        self.fill = np.ones(n)
        self.last_output = sector_output(model)  # the base year's (2022)
        lp = labour.reference_labour_productivity(model)
        base_jobs = np.array([t.industrial_va_100m_cny for t in model.towns]) * 1e4 / lp / model.scale
        self.log_pull = self.calibrate_pull(model, base_jobs)
        self.clear(model, base_jobs)  # the towns' people before the first year

    def calibrate_pull(self, model, industry_jobs: np.ndarray) -> np.ndarray:
        """Workplace attributes (log units) such that at the base year's jobs, reference wages and frictional
        unemployment every town receives workers in proportion to its jobs: no town-level employment data
        exist, so the base year is read as a balanced market (the way spatial models recover unobserved
        fundamentals from a base-year allocation) and the model moves from there."""
        p = model.params.people
        demand = self.demand(model, industry_jobs).sum(axis=0)
        force = population.labour_force(model)
        target = force.sum() * demand / demand.sum()
        earnings = np.full(len(demand), self.base_earnings_10k_cny)
        cost, pull, log_jobs = self.commuting_cost(model), np.zeros(len(demand)), np.log(np.maximum(demand, 1e-9))
        for _ in range(CALIBRATION_ROUNDS):
            supply = force @ logit_shares(log_jobs, earnings, cost, p.commuting_wage_elasticity, pull)
            pull += np.log(np.maximum(target, 1e-9) / np.maximum(supply, 1e-9))
        return pull - pull.mean()

    # ---- the interface labour.start_year calls --------------------------------------------------------
    def hire(self, model, rows: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        firms, n = model.firms, len(model.towns)
        # ``share_out`` over the firms not in the co-built park (it hires outside the district), in two passes
        # over the rows (compiled at larger scales): the totals by town, then each firm's workers
        inside, by_town, kept_total, extra_total = kernels.hiring_totals(
            rows, model.park_outside, firms.park, firms.town, wanted, firms.employment, n)
        self.clear(model, by_town / model.scale)
        keep_fill, growth_fill = fill_rates(self.fill * by_town, kept_total, extra_total)
        return kernels.share_out_rows(rows, inside, firms.town, wanted, firms.employment, keep_fill, growth_fill)

    def wage(self, model) -> float:
        """The firms' wage: this year's town wages weighted by secondary jobs, 万元/yr."""
        jobs = np.array([t.jobs_by_sector["secondary"] for t in model.towns])
        return float((self.wage_by_town * jobs).sum() / max(jobs.sum(), 1e-9))

    # ---- the market -----------------------------------------------------------------------------------
    def demand(self, model, industry_jobs: np.ndarray) -> np.ndarray:
        """Jobs wanted this year by sector x town (persons at full scale)."""
        scale, g = model.scale, self.last_growth
        primary_lp = sector_labour_productivity(model, "primary", model.year)
        tertiary_lp = sector_labour_productivity(model, "tertiary", model.year)
        building_lp = economy.construction_labour_productivity(model)
        towns = model.towns
        primary = np.array([t.primary_100m_cny for t in towns]) * math.exp(g["primary"]) * 1e4 / primary_lp
        tertiary = np.array([t.tertiary_100m_cny for t in towns]) * math.exp(g["tertiary"]) * 1e4 / tertiary_lp
        building = np.array([t.construction_100m_cny for t in towns]) * math.exp(g["secondary"]) * 1e4 / building_lp
        return np.vstack([primary / scale, industry_jobs + building / scale, tertiary / scale])

    def commuting_cost(self, model) -> np.ndarray:
        access = np.array([t.access_index for t in model.towns])
        mean_access = np.maximum(0.5 * (access[:, None] + access[None, :]), 0.05)
        return model.params.people.commuting_cost_per_km * self.distance_km / mean_access

    def clear(self, model, industry_jobs: np.ndarray) -> None:
        """Solve wages, commuting and matches for the year; write each town's jobs, wage and employment."""
        p = model.params.people
        wanted = self.demand(model, industry_jobs)
        demand = wanted.sum(axis=0)
        force = population.labour_force(model)
        cost = self.commuting_cost(model)
        reference = labour.LabourMarket.wage(self, model)
        u, step, last_gap = self.unemployment, STEP, math.inf
        # the loop's constants once (the same numbers each round); ``matches`` and ``np.clip`` inline, as the
        # same ufuncs (a maximum then a minimum is what clip does to numbers), the supply's floor taken once
        log_jobs, rate = np.log(np.maximum(demand, 1e-9)), p.frictional_unemployment_rate
        exponent, beta, log_pull, minus_m = -p.wage_curve_elasticity, p.commuting_wage_elasticity, self.log_pull, -self.m
        for _ in range(ITERATIONS):
            wage = reference * (u / rate) ** exponent
            shares = logit_shares(log_jobs, wage * (1 - u), cost, beta, log_pull)
            supply = force @ shares
            floor = np.maximum(supply, 1e-9)
            filled = np.minimum(demand, supply * -np.expm1(minus_m * (demand / floor)))
            log_gap = np.log(np.minimum(np.maximum(1 - filled / floor, 1e-4), 1.0) / u)
            gap = float(np.maximum.reduce(np.abs(log_gap)))
            if gap < TOLERANCE:
                break
            step = step / 2 if gap > last_gap else step
            u, last_gap = u * np.exp(step * log_gap), gap
        self.wage_by_town, self.unemployment = wage, u
        self.fill = np.where(demand > 0, filled / np.maximum(demand, 1e-9), 1.0)
        job_rate = filled / np.maximum(supply, 1e-9)
        self.resident_earnings_10k_cny = shares @ (wage * job_rate)
        self.record(model, wanted * self.fill, force, shares, job_rate)

    def record(self, model, jobs: np.ndarray, force: np.ndarray, shares: np.ndarray, job_rate: np.ndarray):
        flows = force[:, None] * shares * job_rate[None, :]  # employed residents of i working in j
        employed = flows.sum(axis=1)
        for i, town in enumerate(model.towns):
            town.jobs_by_sector = {s: float(jobs[k, i]) for k, s in enumerate(SECTORS)}
            town.wage_10k_cny = float(self.wage_by_town[i])
            town.labour_force = float(force[i])
            town.employed_residents = float(employed[i])
            town.commuters_out = float(employed[i] - flows[i, i])
            town.commuters_in = float(flows[:, i].sum() - flows[i, i])

    def learn_growth(self, model) -> None:
        """At year end, once the 陈皮 chain and services have closed (``RegionModel.close_people_and_services``):
        this year's growth of primary, secondary and tertiary output, which next year's demand reads. (Read
        before they closed, citrus and tertiary output were the year before's: primary growth was half stale
        and tertiary growth a year old, and the first year's was none.)"""
        now, before = sector_output(model), self.last_output
        self.last_growth = {s: math.log(max(now[s], 1e-9) / max(before[s], 1e-9)) for s in SECTORS}
        self.last_output = now


def base_year_wage(model) -> float:
    """The wage of the base year (万元/yr, 2022 prices), which its household incomes, and so the services calibrated
    on them, are paid at (``households.follow_district_wage``): the reference wage of the base year
    (``labour.LabourMarket.wage``, ``model.wage_10k_cny`` when the base year is built) at the base year's capital
    deepening. The firms' capital intensity κ = 1 is that of the start of the first simulated year
    (``capital.start_wage``), and the base year's own vintage is not simulated, so at κ = 1 the base year's wage had
    the year's TFP growth below the first year's but none of its capital deepening: the first simulated year's wage
    then grew by g alone (2.85%, less the wage curve) against g / (1 − a) on the balanced path of sim/rules/labour.py,
    which is the path the base year is read on (its κ is one year of it below 1: κ* = (w / w_base)^(1 − a) grows at
    g where w grows at g / (1 − a), sim/rules/capital.py). Measured before (plan, seed 1): +0.6% in 2015 from the
    2015 start and +2.2% in 2023 from the default start, against ≈5% real in the data (Guangdong's per-capita
    disposable income 2015-2022, the overlay's outside path; Jiangmen +5.2% in 2023, facts §4b)."""
    p = model.params.firms
    kappa_base_year = math.exp(-p.productivity_growth_per_year)  # one year of the balanced path before κ = 1
    return float(model.wage_10k_cny * labour.deepening(np.array(kappa_base_year), p))


def sector_labour_productivity(model, sector: str, year: int) -> float:
    """Output per worker of farms or services (万元/yr, 2022 prices) in ``year``: an exogenous trend, the schema's
    level of ``horizon.first_year`` times exp(growth x years from it) (in the historical mode the pre-plan growth
    joins it to the 2015 level before, sim/history.py)."""
    p = model.params.people
    level = getattr(p, f"{sector}_labour_productivity_10k_cny_per_worker")
    return level * math.exp(getattr(p, f"{sector}_labour_productivity_growth_per_year") * (year - model.first_year))


def sector_output(model) -> dict[str, float]:
    """District value added by sector (亿元, 2022 prices)."""
    towns = model.towns
    return {"primary": sum(t.primary_100m_cny for t in towns), "secondary": sum(t.secondary_100m_cny for t in towns),
            "tertiary": sum(t.tertiary_100m_cny for t in towns)}

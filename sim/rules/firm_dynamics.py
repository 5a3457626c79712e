"""Firm dynamics: fat-tailed growth, exit by age and size, organic entry, 小升规, 技改 and high-tech status.

Each year a firm draws a mean-preserving Laplace log-growth shock whose scale falls with size,
b(S) = b0 (S / S_ref)^-beta, spread evenly over the year's steps; exit follows an age hazard scaled by
(S / median S)^-gamma; entrants copy the town, sector and park of a random live firm (imitation).
Parameters (scenario ``firms``): growth_drift_per_year (1/yr), first_year_recovery_growth (log, 2023 only), growth_spread_at_reference (log),
growth_spread_size_exponent (beta), exit_hazard_by_age (1/yr), exit_size_elasticity (gamma),
entry_rate_per_year (1/yr), entrant_median_output_100m_cny (亿元/yr), above_scale_threshold_100m_cny,
tech_upgrade_rate_per_year, tech_upgrade_gain, high_tech_* rates.
Sources: literature.md F3/F3e (Laplace growth, beta = 0.2), F5 (SAIC hazard by age), F4 (churning).
"""

from __future__ import annotations

import numpy as np

from sim import kernels, randomness
from sim.randomness import bits_below, laplace_from_uniform

ENTRANT_LOG_SD = 0.6  # estimate: spread of entrant size around the median


def growth_spread(size: np.ndarray, spread_at_reference: float, size_exponent: float,
                  reference_size: float) -> np.ndarray:
    """Laplace scale of annual log growth for firms of the given sizes (capped below 0.9)."""
    safe = np.maximum(size, 1e-6)
    return np.minimum(spread_at_reference * (safe / reference_size) ** (-size_exponent), 0.9)


def annual_growth(uniform: np.ndarray, drift: float, spread: np.ndarray):
    """Mean-preserving Laplace log growth from uniforms: E[exp(g)] = exp(drift) for every firm."""
    shocks = laplace_from_uniform(uniform, spread)
    return drift + shocks + np.log1p(-spread**2)  # E[exp(Laplace(0,b))] = 1/(1-b^2)


def exit_hazard(age: np.ndarray, size: np.ndarray, hazard_by_age: list[float], size_elasticity: float,
                median_size: float) -> np.ndarray:
    """Annual exit probability by age in years since founding (table entry k is the (k+1)-th year of life)
    and by size relative to the median."""
    table = np.asarray(hazard_by_age)
    index = np.minimum(age.astype(np.intp), len(table) - 1)  # ages are >= 0: truncation is the floor
    relative = np.maximum(size, 1e-6) / max(median_size, 1e-6)
    return np.minimum(table[index] * relative ** (-size_elasticity), 0.95)


SIZE_EXPONENTS = np.arange(-19, 41)  # binary exponents of firm size in the exit bound's table (2**-20 < 1e-6)


def exit_draw_bound(age: np.ndarray, size: np.ndarray, annual_growth: np.ndarray, steps: int,
                    hazard_by_age: list[float], size_elasticity: float, median_size: float) -> np.ndarray:
    """For firms of the given age and size at the start of a year, and log growth over it: a bound on the keyed
    exit draws (``randomness.keyed_bits``) that can mean an exit in one of the year's ``steps`` steps.

    The hazard is at most that of the firm one year older (it ages by at most a year) and as small as its
    growth can make it (it shrinks at most by its growth factor each step; size_elasticity >= 0, so the
    smaller the firm, the higher its hazard), rounded down to a power of two (a hazard at most 2^elasticity
    higher), so that the bound is looked up in a table by age and binary exponent; the exit test compares
    the draw with the step's probability."""
    table = np.asarray(hazard_by_age, dtype=float)
    worst_by_age = np.maximum(table, np.r_[table[1:], table[-1]])  # this year of life or the next
    # frexp: x = m 2**e with m in [0.5, 1), so x >= 2**(e - 1); sizes below 1e-6 all have the hazard of 1e-6
    _, exponent = np.frexp(np.maximum(size * np.exp(np.minimum(annual_growth, 0.0)), 1e-6))
    ages = np.arange(table.size, dtype=float)[:, None]
    floor_sizes = np.ldexp(1.0, SIZE_EXPONENTS - 1)[None, :]
    annual = exit_hazard(ages, floor_sizes, worst_by_age, size_elasticity, median_size)  # ages x exponents
    # the step's probability 1 - (1 - a)^(1/k) = 1 - exp(log(1 - a) / k) is at most -log(1 - a) / k, which is at
    # most a / (1 - a) / k (3% above it at a = 0.05)
    per_step = annual / ((1.0 - annual) * steps)
    bounds = bits_below(per_step + 1e-9).ravel()  # a margin for rounding: a bound that is not one changes results
    # exponents above the table's take its last column: a smaller size, a higher bound
    column = np.minimum(exponent - SIZE_EXPONENTS[0], SIZE_EXPONENTS.size - 1)
    row = np.minimum(age.astype(np.intp), table.size - 1)
    return bounds[row * SIZE_EXPONENTS.size + column]


def integer_power(x: np.ndarray, k: int) -> np.ndarray:
    """x ** k for a positive integer k; by multiplication when k is small (several times faster than a power)."""
    if k > 8:
        return np.power(x, k)
    result = x.copy()
    for _ in range(k - 1):
        result *= x
    return result


def start_year(model) -> None:
    """At the start of a year: draw growth shocks, finish last year's upgrades, start new ones."""
    p, firms = model.params.firms, model.firms
    live = firms.live()
    size = firms.capacity.take(live) * firms.productivity.take(live)
    spread = growth_spread(size, p.growth_spread_at_reference, p.growth_spread_size_exponent,
                           p.reference_size_100m_cny)
    drift = p.growth_drift_per_year + (p.first_year_recovery_growth if model.year == model.first_year else 0.0)
    growth = annual_growth(model.keyed_uniform("growth", live, model.year), drift, spread)
    firms.growth_factor[live] = np.exp(growth / model.steps_per_year)
    firms.exit_draw_bound[live] = exit_draw_bound(firms.age.take(live), size, growth, model.steps_per_year,
                                                  p.exit_hazard_by_age, p.exit_size_elasticity,
                                                  model.median_firm_size)  # before upgrades: they only add size
    finished = live[firms.upgrading[live]]
    firms.productivity[finished] *= 1.0 + p.tech_upgrade_gain
    firms.upgrading[finished] = False
    candidates = np.flatnonzero(firms.alive & firms.above_scale)
    rate = p.tech_upgrade_rate_per_year
    starting = candidates[model.keyed_uniform("upgrade", candidates, model.year) < rate]
    firms.upgrading[starting] = True
    model.year_stats["tech_upgrades_started"] = int(starting.size)


def grow(model) -> None:
    """Each step: capacity follows this year's growth path; firms age."""
    firms = model.firms
    # all rows at once: exited firms have a growth factor of 1; they age on, but their age at exit is kept
    kernels.grow(firms.capacity, firms.growth_factor, firms.age, 1.0 / model.steps_per_year)


def exit_firms(model) -> None:
    """Each step: firms exit with the step share of their annual hazard; their park land is freed."""
    p, firms = model.params.firms, model.firms
    live = firms.live()
    # the hazard itself is needed only where the year's bound on the draws allows an exit (a few percent)
    possible = kernels.below_bound(live, randomness.keyed_base(model.key, "exit", model.clock),
                                   firms.exit_draw_bound)
    rows = live.take(possible)
    u = model.keyed_uniform("exit", rows)
    annual = exit_hazard(firms.age[rows], firms.capacity[rows] * firms.productivity[rows], p.exit_hazard_by_age,
                         p.exit_size_elasticity, model.median_firm_size)
    # exit this step with probability 1 - (1 - annual)^(1/k): u below it means (1 - u)^k above 1 - annual
    model.remove_firms(rows[integer_power(1.0 - u, model.steps_per_year) > 1.0 - annual])


def enter_firms(model) -> None:
    """Each step: organic entrants imitate a random live firm's town, sector and park."""
    p, firms = model.params.firms, model.firms
    live = firms.live()
    rng = model.step_rng("entry")
    count = rng.poisson(p.entry_rate_per_year * live.size / model.steps_per_year)
    if count == 0 or live.size == 0:
        return
    parents = live[np.minimum((rng.random(count) * live.size).astype(np.int64), live.size - 1)]
    size = p.entrant_median_output_100m_cny * np.exp(rng.normal(0.0, ENTRANT_LOG_SD, count))
    model.add_firms(sector=firms.sector[parents], town=firms.town[parents], park=firms.park[parents],
                    capacity=size, from_project=False)


def produce(model) -> None:
    """Each step: output = capacity x own productivity x place multipliers, per step."""
    firms = model.firms
    # all rows at once: the place multiplier of exited firms is 0; the table holds it per step (multiplier / k)
    kernels.add_output(firms.output_year, firms.capacity, firms.productivity, firms.place_cell,
                       model.place_multipliers() / model.steps_per_year)
    if model.firm_panel:  # year averages of inputs, so that the panel's productivity is output / input
        live = firms.live()
        firms.input_year[live] += firms.capacity[live] * firms.productivity[live] / model.steps_per_year
        model.cluster_capacity_year += model.cluster_capacity / model.steps_per_year


def close_year(model) -> None:
    """At year end: 小升规 status from this year's output, high-tech certification, output roll-over."""
    p, firms = model.params.firms, model.firms
    alive, was_above = firms.alive, firms.above_scale
    # over all rows at once: an exited firm keeps the status it had
    # np.where on boolean arrays is ~15 times slower here than the same choice by bitwise operations
    above = (alive & (firms.output_year >= p.above_scale_threshold_100m_cny)) | (was_above & ~alive)
    model.year_stats["newly_above_scale"] = int(np.count_nonzero(above & ~was_above))
    firms.set_above_scale(slice(0, firms.n), above)
    certify_high_tech(model)
    firms.output_last_year[: firms.n] = firms.output_year
    firms.output_year[: firms.n] = 0.0


def certify_high_tech(model) -> None:
    p, firms = model.params.firms, model.firms
    # the keyed draws depend only on (year, firm), so drawing them for the candidates alone changes nothing
    certified = np.flatnonzero(firms.alive & firms.high_tech)
    eligible = np.flatnonzero(firms.alive & firms.above_scale & ~firms.high_tech)
    by_sector = p.high_tech_certification_rate * np.where(model.sector_tech_intensive, 1.0, 0.25)
    rate = by_sector.take(firms.sector[eligible])
    rate = rate * (1.0 + firms.upgrading[eligible])  # twice the rate for firms upgrading (技改)
    newly = eligible[model.keyed_uniform("certify", eligible, model.year) < rate]
    losing = certified[model.keyed_uniform("decertify", certified, model.year) < p.high_tech_loss_rate]
    firms.high_tech[newly] = True
    firms.high_tech[losing] = False
    firms.productivity[newly] *= 1.0 + p.high_tech_productivity_gain
    firms.productivity[losing] /= 1.0 + p.high_tech_productivity_gain

"""Firm dynamics: productivity growth, selection, exit by age and size, entry by profitability, 小升规, 技改 and
high-tech status.

Incumbents' own productivity grows at the F6 rate; a firm whose competitiveness falls below a floor of its
sector's mean, or which makes losses for ``exit_loss_years`` years running, exits at the start of a
year (selection); on top, the age hazard scaled by (sales / median sales)^-gamma remains a lower bound of
exit; entrants copy the town, sector, park and productivity of a live firm (imitation), drawn with weights
that rise with the sector's last profit rate over its base-year rate. Output each step is the lower of
capacity x own productivity x place multiplier and the firm's demand (``sim.rules.demand``). Parameters
(scenario ``firms``): productivity_growth_per_year, competitiveness_floor, exit_loss_years,
exit_hazard_by_age (1/yr), exit_size_elasticity (gamma), entry_rate_per_year (1/yr),
entrant_median_output_100m_cny (亿元/yr), above_scale_threshold_100m_cny, tech_upgrade_rate_per_year,
tech_upgrade_gain, high_tech_* rates.
Sources: literature.md F6 (2.85%/yr), E1 (K+S selection), F5 (SAIC hazard by age), F4 (churning).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim import kernels, kernels_firms, kernels_step, kernels_year, randomness
from sim.randomness import bits_below
from sim.rules import capital, demand, labour, productivity
from sim.rules.demand import annual_growth, growth_spread  # noqa: F401 (re-exported for the tests)

ENTRANT_LOG_SD = 0.6  # estimate: spread of entrant size around the median


def exit_hazard(age: np.ndarray, size: np.ndarray, hazard_by_age: list[float], size_elasticity: float,
                median_size: float) -> np.ndarray:
    """Annual exit probability by age in years since founding (table entry k is the (k+1)-th year of life)
    and by size relative to the median."""
    table = np.asarray(hazard_by_age)
    index = np.minimum(age.astype(np.intp), len(table) - 1)  # ages are >= 0: truncation is the floor
    relative = np.maximum(size, 1e-6) / max(median_size, 1e-6)
    return np.minimum(table[index] * relative ** (-size_elasticity), 0.95)


SIZE_EXPONENTS = np.arange(-19, 41)  # binary exponents of firm size in the exit bound's table (2**-20 < 1e-6)


def exit_bound_table(steps: int, hazard_by_age: list[float], size_elasticity: float,
                     median_size: float) -> np.ndarray:
    """For firms at the start of a year, by age (rows) and binary exponent of sales (columns,
    ``SIZE_EXPONENTS``): a bound on the keyed exit draws (``randomness.keyed_bits``) that can mean an exit in
    one of the year's ``steps`` steps (looked up by ``kernels_step.exit_bounds``).

    The hazard is at most that of the firm one year older (it ages by at most a year); sales are fixed over
    the year, and size_elasticity >= 0 (the smaller the firm, the higher its hazard), so the size is rounded
    down to a power of two (a hazard at most 2^elasticity higher); the exit test compares the draw with the
    step's probability."""
    table = np.asarray(hazard_by_age, dtype=float)
    worst_by_age = np.maximum(table, np.r_[table[1:], table[-1]])  # this year of life or the next
    # frexp: x = m 2**e with m in [0.5, 1), so x >= 2**(e - 1); sizes below 1e-6 all have the hazard of 1e-6
    ages = np.arange(table.size, dtype=float)[:, None]
    floor_sizes = np.ldexp(1.0, SIZE_EXPONENTS - 1)[None, :]
    annual = exit_hazard(ages, floor_sizes, worst_by_age, size_elasticity, median_size)  # ages x exponents
    # the step's probability 1 - (1 - a)^(1/k) = 1 - exp(log(1 - a) / k) is at most -log(1 - a) / k, which is at
    # most a / (1 - a) / k (3% above it at a = 0.05)
    per_step = annual / ((1.0 - annual) * steps)
    # a margin for rounding: a bound that is not one changes results; exponents above the table's take its last
    # column (a smaller size, a higher bound)
    return bits_below(per_step + 1e-9)


def integer_power(x: np.ndarray, k: int) -> np.ndarray:
    """x ** k for a positive integer k; by multiplication when k is small (several times faster than a power)."""
    if k > 8:
        return np.power(x, k)
    result = x.copy()
    for _ in range(k - 1):
        result *= x
    return result


def start_year(model) -> None:
    """At the start of a year: productivity grows, demand moves, the uncompetitive and loss-making exit,
    incumbents invest; last year's upgrades finish, new ones start."""
    p, firms = model.params.firms, model.firms
    model.productivity_index = np.exp(p.productivity_growth_per_year * (model.year - model.region.base_year))
    live = firms.live()
    rows = open_year(model, live)
    relative = demand.update_demand(model, live, rows.power, rows)
    stays = select(model, live, relative, rows.losing)
    live, power = (live, rows.power) if stays is None else (live[stays], rows.power[stays])  # as firms.live() now
    live.setflags(write=False)
    fill = labour.start_year(model, live, power)
    capital.invest(model, live, power, fill)
    # the bound on the exit draws of the year (sales are fixed over the year)
    bounds = exit_bound_table(model.steps_per_year, p.exit_hazard_by_age, p.exit_size_elasticity,
                              model.median_firm_size)
    kernels_step.exit_bounds(live, firms.age, firms.demand, bounds, SIZE_EXPONENTS[0], firms.exit_draw_bound)
    candidates = np.flatnonzero(firms.alive & firms.above_scale)
    rate = p.tech_upgrade_rate_per_year
    starting = candidates[model.keyed_uniform("upgrade", candidates, model.year) < rate]
    firms.upgrading[starting] = True
    capital.pay_for_upgrades(model, starting)
    model.year_stats["tech_upgrades_started"] = int(starting.size)


class YearStart(NamedTuple):
    """What the year's first pass over the live firms gives (``open_year``), by live firm: competitiveness,
    sector, sales and growth uniform (``demand.update_demand``), whether the loss streak calls for exit
    (``select``); by sector, the sums of sales and of sales x competitiveness (``demand.sector_means``)."""

    power: np.ndarray
    sectors: np.ndarray
    sales: np.ndarray
    uniform: np.ndarray
    sales_by_sector: np.ndarray
    weighted_by_sector: np.ndarray
    losing: np.ndarray


def open_year(model, live: np.ndarray) -> YearStart:
    """Incumbents' own productivity grows at the F6 rate (and takes its firm-specific shock, if any); last
    year's 技改 end (a productivity gain); each firm's competitiveness (``demand.competitiveness``) and what
    demand and selection read of it, in one pass over the live rows (``kernels_step.open_year_rows``)."""
    p, firms = model.params.firms, model.firms
    tfp_factor = np.exp(p.productivity_growth_per_year)  # F6: incumbents' TFP
    if p.productivity_shock_sd != 0.0:  # the shock comes between the growth and the upgrades' gain
        kernels_step.scale_rows(live, firms.productivity, tfp_factor)
        productivity.shock_productivity(model, live)  # firm-specific: exit can select on it
        tfp_factor = 1.0
    return YearStart(*kernels_step.open_year_rows(
        live, firms.productivity, tfp_factor, firms.upgrading, 1.0 + p.tech_upgrade_gain, firms.place_cell,
        model.place_multipliers(), firms.sector, firms.demand, firms.draw_key,
        randomness.keyed_base(model.key, "growth", model.year), firms.loss_years, p.exit_loss_years,
        len(model.sector_ids)))


def select(model, live: np.ndarray, relative: np.ndarray, losing: np.ndarray | None = None) -> np.ndarray | None:
    """Firms below the competitiveness floor, or with losses for ``exit_loss_years`` years in a row, exit.
    Returns whether each of ``live`` stays (None: all do); ``losing``: the loss test of each, if known."""
    p, firms = model.params.firms, model.firms
    losing = firms.loss_years[live] >= p.exit_loss_years if losing is None else losing
    weak = relative < p.competitiveness_floor
    exits = losing | weak
    leaving = live[exits]
    model.year_stats["selection_exits"] += int(leaving.size)
    if leaving.size == 0:
        return None
    demand.pass_on_sales(model, leaving)
    model.remove_firms(leaving)
    return ~exits


def grow(model) -> None:
    """Each step: capacity follows this year's growth path; firms age."""
    firms = model.firms
    # all rows at once: exited firms have a growth factor of 1; they age on, but their age at exit is kept
    kernels.grow(firms.capacity, firms.growth_factor, firms.age, 1.0 / model.steps_per_year)


def exit_firms(model) -> None:
    """Each step: firms exit with the step share of their annual hazard; their park land is freed; the firms of
    their sectors take over their sales (``demand.pass_on_sales``)."""
    firms, n = model.firms, len(model.sector_ids)
    live = firms.live()
    # the hazard itself is needed only where the year's bound on the draws allows an exit (a few percent)
    # with the live firms' sales by sector, for those who take over the leavers' (one pass over the live rows)
    possible, live_sales = kernels.below_bound_sums_keyed(live, firms.draw_key,
                                                          randomness.keyed_base(model.key, "exit", model.clock),
                                                          firms.exit_draw_bound, firms.sector, firms.demand, n)
    leaving = leavers(model, live, possible)
    takeover = demand.shift_factor(model, leaving, +1.0, live_sales)  # as pass_on_sales
    model.remove_firms(leaving)
    # one pass over the rows live before finds the survivors, scales their sales (the take-over) and gives what
    # this step's entry reads of them (``EntryWeights``)
    attraction = entry_attraction(model.sector_profit_rate, model.base_profit_rate)
    found = firms.find_live(lambda rows, alive, out: kernels_firms.survivors(
        rows, alive, firms.sector, firms.demand, takeover, attraction, out, n))
    if found is None:  # the live rows were not known before the exit (then none are cached)
        kernels.scale_by_cell(firms.live(), firms.sector, firms.demand, takeover)
        return
    model.entry_weights = EntryWeights(model.clock, firms.live(), attraction, *found)


class EntryWeights(NamedTuple):
    """What ``enter_firms`` reads of the live firms, found by this step's exits in their pass over them: the
    running sum of the entry weights (``entry_attraction`` by sector) over ``live`` ([0, w0, w0 + w1, ...]) and
    the live firms' sales by sector; valid in step ``clock`` while the live rows are ``live`` (nothing runs
    between the exits and the entries that changes sales)."""

    clock: int
    live: np.ndarray
    attraction: np.ndarray
    running: np.ndarray
    live_sales: np.ndarray


def leavers(model, live: np.ndarray, possible: np.ndarray) -> np.ndarray:
    """The firms at the positions ``possible`` of ``live`` that exit this step: their keyed draw is below the
    step's share of their annual hazard (compiled at larger scales: ``kernels_step.exit_leavers``, the same)."""
    p, firms = model.params.firms, model.firms
    leaving = kernels_step.exit_leavers(live, possible, firms.draw_key,
                                        randomness.keyed_base(model.key, "exit", model.clock), firms.age, firms.demand,
                                        p.exit_hazard_by_age, p.exit_size_elasticity, model.median_firm_size,
                                        model.steps_per_year)
    if leaving is not None:
        return leaving
    rows = live.take(possible)
    u = model.keyed_uniform("exit", rows)
    annual = exit_hazard(firms.age[rows], firms.demand[rows], p.exit_hazard_by_age,
                         p.exit_size_elasticity, model.median_firm_size)
    # exit this step with probability 1 - (1 - annual)^(1/k): u below it means (1 - u)^k above 1 - annual
    return rows[integer_power(1.0 - u, model.steps_per_year) > 1.0 - annual]


def enter_firms(model) -> None:
    """Each step: organic entrants imitate a live firm's town, sector, park and productivity (their capacity
    built at this year's capital intensity, capital.new_capital_intensity); the entry
    rate of a sector scales with its profit rate relative to the base year's (entry follows profitability)."""
    p, firms = model.params.firms, model.firms
    live = firms.live()
    rng = model.step_rng("entry")
    attraction = entry_attraction(model.sector_profit_rate, model.base_profit_rate)
    # by live firm, in row order; with the live firms' sales by sector, which entrants take theirs from
    running, live_sales = entry_weights(model, live, attraction)
    cumulative = running[1:]
    total = float(cumulative[-1]) if live.size else 0.0
    count = rng.poisson(p.entry_rate_per_year * total / model.steps_per_year)
    if count == 0 or total <= 0:
        return
    # the count, the parents and the sizes from streams of their own: the k-th entrant of a step draws the same
    # numbers in every variant even where the counts differ (common random numbers, sim.randomness)
    picks = sorted_search(cumulative, model.step_rng("entry_pick").random(count) * total)
    # the certificate is not copied: the parent's productivity without the high-tech premium
    sector, town, park, productivity = kernels_firms.parents_of(
        live, picks, firms.sector, firms.town, firms.park, firms.productivity, firms.high_tech,
        1.0 + p.high_tech_productivity_gain)
    size = p.entrant_median_output_100m_cny * np.exp(model.step_rng("entry_size").normal(0.0, ENTRANT_LOG_SD, count))
    entrants = model.add_firms(sector=sector, town=town, park=park,
                               capacity=size / (p.target_utilisation * productivity), productivity=productivity,
                               demand=size, from_project=False,
                               capital_intensity=capital.new_capital_intensity(model, town),  # built at κ*
                               draw_key=randomness.entrant_keys(model.clock, count))
    demand.take_sales(model, entrants, live_sales, live)


def entry_weights(model, live: np.ndarray, attraction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The running sum of ``attraction`` (by sector) over the ``live`` firms and their sales by sector: from
    this step's exits (``EntryWeights``) where they are still valid, else in a pass of its own."""
    known = getattr(model, "entry_weights", None)
    model.entry_weights = None  # read once
    if (known is not None and known.clock == model.clock and known.live is live
            and np.array_equal(known.attraction, attraction)):
        return known.running, known.live_sales
    firms = model.firms
    return kernels.running_cell_weight_sums(live, firms.sector, attraction, firms.demand, len(model.sector_ids))


def sorted_search(cumulative: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``np.searchsorted(cumulative, keys, side="right")``, the keys searched in ascending order (each search
    then starts where the previous one ended: compiled at larger scales, ~10 times faster into 200,000 firms)."""
    order = np.argsort(keys)
    picks = np.empty(keys.size, dtype=np.intp)
    picks[order] = kernels_firms.search_ascending(cumulative, keys[order])
    return picks


def entry_attraction(profit_rate: np.ndarray, base_profit_rate: np.ndarray) -> np.ndarray:
    """Entry weight by sector: its profit rate over the base year's, between 0 and 3."""
    return np.clip(profit_rate / np.maximum(base_profit_rate, 1e-6), 0.0, 3.0)


def produce(model) -> None:
    """Each step: output = min(capacity x own productivity x place multipliers, demand), per step."""
    firms = model.firms
    # all rows at once: the place multiplier of exited firms is 0; the table holds it per step (multiplier / k)
    per_step = 1.0 / model.steps_per_year
    multipliers = model.place_multipliers()
    kernels.add_output(firms.output_year, firms.capacity, firms.productivity, firms.place_cell,
                       multipliers * per_step, firms.demand, per_step)
    if model.firm_panel:  # year averages of inputs used, so that the panel's productivity is output / input
        live = firms.live()
        used = np.minimum(firms.capacity[live] * firms.productivity[live],
                          firms.demand[live] / np.maximum(multipliers[firms.place_cell[live]], 1e-12))
        firms.input_year[live] += used * per_step
        model.cluster_capacity_year += model.cluster_capacity / model.steps_per_year


def close_year(model) -> None:
    """At year end: employment and profits, 小升规 status from this year's output, high-tech certification,
    output roll-over."""
    p, firms = model.params.firms, model.firms
    account_firms(model)
    # over all rows at once (an exited firm keeps the status it had), with the output's roll-over in the same
    # pass (compiled at larger scales); certification reads neither output
    above, newly = kernels_year.roll_over_year(firms.alive, firms.above_scale, firms.output_year,
                                               firms.output_last_year, p.above_scale_threshold_100m_cny)
    model.year_stats["newly_above_scale"] = newly
    firms.set_above_scale(slice(0, firms.n), above)
    certify_high_tech(model)


def account_firms(model) -> None:
    """This year's employment, profit (value added - wages - depreciation) and loss streak of every firm that
    produced; each sector's profit rate on sales (entry reads it next year)."""
    firms = model.firms
    rows = np.flatnonzero(firms.output_year > 0)
    compiled = kernels_year.firm_accounts(rows.size)
    sales, earned = book_accounts(model, rows) if compiled is None else book_accounts_compiled(model, rows, compiled)
    model.sector_profit_rate = np.where(sales > 0, earned / np.maximum(sales, 1e-12), model.base_profit_rate)


def book_accounts(model, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``account_firms`` for the given producing rows (the reference); returns the live firms' sales and profits
    by sector."""
    p, firms = model.params.firms, model.firms
    # each column gathered once for these rows (a large share of all rows, scattered among the exited)
    sector, alive, output = firms.sector.take(rows), firms.alive.take(rows), firms.output_year.take(rows)
    own = firms.productivity.take(rows)
    # competitiveness (demand.competitiveness); firms that exited during the year lost their place cell:
    # their own productivity stands for it
    power = np.where(alive, own * model.place_multipliers().take(firms.place_cell.take(rows)), own)
    value_added = output * model.sector_va_ratio.take(sector)
    employed = labour.employment(model, rows, value_added, power)
    firms.employment[: firms.n] = 0.0
    firms.employment[rows] = employed
    depreciation = p.depreciation_rate_per_year * capital.capital_stock(model, rows)
    # profit = value added - wages - depreciation, and the loss streaks (one pass, compiled at larger scales)
    profit = kernels.book_profits(rows, value_added, employed, model.wage_10k_cny, depreciation, firms.profit,
                                  firms.loss_years)
    # the live firms' sales and profits by sector, in one pass (compiled at larger scales)
    return kernels.two_cell_sums(sector, alive, True, output, profit, False, len(model.sector_ids))


def book_accounts_compiled(model, rows: np.ndarray, compiled) -> tuple[np.ndarray, np.ndarray]:
    """``book_accounts`` in one compiled pass (sim/kernels_year_numba.py): the same numbers."""
    p, firms = model.params.firms, model.firms
    firms.employment[: firms.n] = 0.0
    reference = model.base_competitiveness * model.first_year_productivity_index  # as labour.labour_productivity
    return compiled(rows, firms.sector, firms.alive, firms.output_year, firms.productivity, firms.place_cell,
                    model.place_multipliers(), model.sector_va_ratio, reference,
                    p.labour_productivity_10k_cny_per_worker, labour.deepening(firms.capital_intensity.take(rows), p),
                    float(model.wage_10k_cny), p.depreciation_rate_per_year, p.capital_output_ratio,
                    firms.capital_intensity, firms.capacity, firms.employment, firms.profit, firms.loss_years,
                    len(model.sector_ids))


def certify_high_tech(model) -> None:
    p, firms = model.params.firms, model.firms
    # the keyed draws depend only on (year, firm), so drawing them for the candidates alone changes nothing
    certified, eligible = kernels_year.certification_candidates(firms.alive, firms.above_scale, firms.high_tech)
    by_sector = p.high_tech_certification_rate * np.where(model.sector_tech_intensive, 1.0, 0.25)
    rate = by_sector.take(firms.sector[eligible])
    rate = rate * (1.0 + firms.upgrading[eligible])  # twice the rate for firms upgrading (技改)
    newly = eligible[model.keyed_uniform("certify", eligible, model.year) < rate]
    losing = certified[model.keyed_uniform("decertify", certified, model.year) < p.high_tech_loss_rate]
    firms.high_tech[newly] = True
    firms.high_tech[losing] = False
    firms.productivity[newly] *= 1.0 + p.high_tech_productivity_gain
    firms.productivity[losing] /= 1.0 + p.high_tech_productivity_gain

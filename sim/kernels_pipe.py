"""Compiled loops (numba) for the investment project pipeline (the project market's bids, which towns a project
knows, the incentive ceilings, the parks' fit and the decision in one pass; the step's pass over the open
projects, the capacity handover and the expansion draws), with numpy equivalents as the reference.

As in sim/kernels_step.py: each kernel does per project, in one pass over its row of parks or towns, what its
numpy equivalent does with a dozen temporaries (projects x parks) and a loop over the towns, with the same
arithmetic in the same order, so that the results are identical bit for bit (tests/test_kernels_pipe.py runs
both); logs and powers stay in numpy. The compiled versions are used when the model's firm table has ``kernels.MIN_ROWS``
rows (larger scales: a few hundred projects or more a step), unless numba is missing or
``XINHUI_SIM_NO_NUMBA=1``; a caller passes ``kernels_for(model)`` (None: the numpy versions).
"""

from __future__ import annotations

import functools

import numpy as np

from sim import kernels

OUTSIDE = -2  # as sim/rules/project_market.py: the project went to another county
NO_PARK = -1
SIGNED, BUILDING, DONE = 0, 1, 3  # as investment.ProjectStatus (statuses from DONE on are closed)


# ---- numpy versions (the reference) ----------------------------------------------------------------------
def pick_known_numpy(keys: np.ndarray, home: np.ndarray, others: int) -> np.ndarray:
    """Projects x towns: the drawing town (``home``) and the ``others`` towns of smallest finite keys (ties to
    the lower index: a stable sort), ``keys`` having inf at the drawing town."""
    known = np.zeros(keys.shape, dtype=bool)
    if others > 0:
        picked = np.argsort(keys, axis=1, kind="stable")[:, : min(others, keys.shape[1] - 1)]
        known[np.arange(keys.shape[0])[:, None], picked] = True  # (what np.put_along_axis does, directly)
        known &= np.isfinite(keys)  # a town of weight 0 is never contacted
    known[np.arange(home.size), home] = True
    return known


def runner_up(values: np.ndarray, winner: np.ndarray) -> np.ndarray:
    """Per row, the largest value among the columns other than ``winner``."""
    others = values.copy()
    others[np.arange(values.shape[0]), winner] = -np.inf
    return others.max(axis=1)


def paid_incentive(fit: np.ndarray, ceiling: np.ndarray, park: np.ndarray, to_beat: np.ndarray,
                   weight: float) -> np.ndarray:
    """What the winner pays (share of the investment): just enough that its net offer reaches ``to_beat``,
    at least 0 and at most its ceiling; 0 for projects lost."""
    rows = np.arange(fit.shape[0])
    won = park >= 0
    at = np.maximum(park, 0)
    with np.errstate(invalid="ignore"):  # lost projects may compare -inf with -inf; they pay nothing
        needed = (to_beat - fit[rows, at]) / weight if weight > 0 else np.zeros(rows.size)
        return np.where(won, np.clip(needed, 0.0, ceiling[rows, at]), 0.0)


def parks_by_town(park_town: np.ndarray, n_towns: int) -> np.ndarray:
    """Towns x (most parks a town has): each town's parks in index order, padded with NO_PARK (read-only)."""
    return _parks_by_town(np.asarray(park_town, dtype=np.int64).tobytes(), n_towns)


@functools.lru_cache(maxsize=16)  # a run's parks keep their towns: one table a run, not one a step
def _parks_by_town(park_town_bytes: bytes, n_towns: int) -> np.ndarray:
    park_town = np.frombuffer(park_town_bytes, dtype=np.int64)
    mine = [np.flatnonzero(park_town == t) for t in range(n_towns)]
    table = np.full((n_towns, max(max(len(parks) for parks in mine), 1)), NO_PARK)
    for t, parks in enumerate(mine):
        table[t, : parks.size] = parks
    table.setflags(write=False)
    return table


def town_bids_numpy(fit, ceiling, park_town, n_towns, outside, weight, known):
    """``project_market.town_by_town``: each known town's best park (the first of highest net offer) and its
    net offer, the best offer against other counties', what the winner pays. ``known``: projects x towns
    (None: every town)."""
    best_net = fit + weight * ceiling
    n = fit.shape[0]
    table = parks_by_town(park_town, n_towns)
    by_town = best_net[:, table]  # projects x towns x parks of the town; the padding made -inf: never first
    by_town[:, table < 0] = -np.inf
    pick = by_town.argmax(axis=2)
    towns = np.arange(n_towns)[None, :]
    town_net = by_town[np.arange(n)[:, None], towns, pick]  # the value at the pick (np.take_along_axis's)
    town_park = table[towns, pick]  # NO_PARK for a town without parks (its net -inf)
    if known is not None:
        town_net[~known] = -np.inf
    bids = np.column_stack([town_net, outside])  # the last column: other counties
    winner = bids.argmax(axis=1)
    second = runner_up(bids, winner)
    won = winner < n_towns
    park = np.where(won, town_park[np.arange(n), np.minimum(winner, n_towns - 1)], OUTSIDE)
    return park, paid_incentive(fit, ceiling, park, second, weight)


def unified_bids_numpy(fit, ceiling, outside, weight):
    """``project_market.unified``: the district's best park and one bid against other counties."""
    rows = np.arange(fit.shape[0])
    best = (fit + weight * ceiling).argmax(axis=1)
    fit_best = fit[rows, best]
    district_net = np.where(np.isfinite(fit_best), fit_best + weight * ceiling[rows, best], -np.inf)
    park = np.where(district_net >= outside, best, OUTSIDE)
    return park, paid_incentive(fit, ceiling, park, outside, weight)


def park_fit_numpy(waiting, eligible, free, land, land_term, fixed, sectors, gumbel):
    """``investment.ParkOptions.fit`` of the rows ``waiting``, ``land_term`` its land weight x log1p(free)."""
    ok = eligible[waiting] & (free[None, :] >= land[waiting, None])
    utility = land_term[None, :] + fixed[:, sectors[waiting]].T + gumbel[waiting]
    utility[~ok] = -np.inf  # (np.where is several times slower here)
    return utility


def ceilings_numpy(price_land, tax_investment, investment_floor, rate, kept, room):
    """``town_decisions.incentive_ceilings``' projects x parks matrix: the land discount (price x land x rate)
    plus the subsidy (tax value x investment x kept), at most the room, per unit of investment."""
    discount = price_land[:, None] * rate[None, :]
    subsidy = tax_investment[:, None] * kept[None, :]
    money = np.minimum(subsidy + discount, room[None, :])
    return money / investment_floor[:, None]


def producing_rows_numpy(status, produce_step, clock, firm_row, firm_alive, capacity_per_step, capacity_left,
                         start, producing):
    """``investment.ramp_capacity``'s projects: the rows from ``start`` on with status ``producing`` since before
    step ``clock``, their firm rows, whether that firm is in the table and live, and this step's capacity."""
    rows = start + np.flatnonzero((status[start:] == producing) & (produce_step[start:] < clock))
    firm_rows = firm_row[rows]
    alive = firm_rows >= 0  # -1: its firm exited and left the firm table
    alive[alive] = firm_alive[firm_rows[alive]]
    return rows, firm_rows, alive, np.minimum(capacity_per_step[rows], capacity_left[rows])


def sums_by_row_numpy(rows, first, second, slots):
    """The distinct ``rows`` (ascending) and the sums of ``first`` and ``second`` over each one's entries, added
    in the order given (``np.bincount``'s). ``slots`` is the compiled version's scratch (unused here)."""
    touched, of = np.unique(rows, return_inverse=True)
    return (touched, np.bincount(of, weights=first, minlength=touched.size),
            np.bincount(of, weights=second, minlength=touched.size))


def add_at_numpy(target, rows, values):
    """``np.add.at``: ``values`` added to ``target`` at ``rows`` (which may repeat), in their order."""
    np.add.at(target, rows, values)


def hand_over_numpy(touched, extra, capital, before, path, growth, growth_factor, capital_intensity, capacity):
    """``capital.add_capacity`` after its sums and powers: growth factors, κ's vintage blend, capacity."""
    from sim.rules.capital import vintage_intensity

    growth_factor[touched] = growth
    capital_intensity[touched] = vintage_intensity(capital_intensity[touched], before * path,
                                                   capital / np.maximum(extra, 1e-300), extra)
    capacity[touched] += extra


def advance_rows_numpy(status, sign_step, start_delay, quarters_left, investment, build_steps, park, park_outside,
                       clock, start, share):
    """``investment.advance_pipeline``'s pass over the projects from ``start`` on (the first open one, status
    below DONE): the signed whose approval is through (starting), the building's funds put in place this
    step where their park is in the district (in row order), their quarters left counted down and those that
    finish; and the first open row (status as it was: the step changes none to closed before its end)."""
    open_rows = np.flatnonzero(status[start:] < DONE)
    first_open = start + int(open_rows[0]) if open_rows.size else status.size
    rows = first_open + np.flatnonzero(status[first_open:] == BUILDING)
    signed = first_open + np.flatnonzero(status[first_open:] == SIGNED)
    starting = signed[clock - sign_step[signed] >= start_delay[signed]]
    spent = investment[rows] * share / build_steps[rows]
    quarters_left[rows] -= 1
    return starting, rows[quarters_left[rows] <= 0], spent[~park_outside[park[rows]]], first_open


def ceilings_by_mode_numpy(placement, price_land, tax_investment, investment_floor, rate, kept, room):
    """``ceilings_numpy`` of each project with the rates and rooms of its placement (rows of ``rate`` and
    ``room``), 0 for the projects placed without bidding (placement 0)."""
    ceiling = np.zeros((placement.size, rate.shape[1]))
    for mode in range(1, rate.shape[0]):
        mine = placement == mode
        ceiling[mine] = ceilings_numpy(price_land[mine], tax_investment[mine], investment_floor[mine], rate[mode],
                                       kept, room[mode])
    return ceiling


def expansion_draws_numpy(members, sorted_keys, capacity, alive, wanted, expands, pick):
    """``investment.expanding_firms``' draws: for each project that expands (``expands``), a live member of
    its place's group (``members`` sorted by their keys ``sorted_keys``; ``wanted``: its key), weighted by
    capacity, from its uniform ``pick``; -1 where the group has no live firm or it does not expand."""
    firm = np.full(wanted.size, -1, dtype=np.int64)
    low, high = np.searchsorted(sorted_keys, wanted, "left"), np.searchsorted(sorted_keys, wanted, "right")
    # a capacity-weighted draw within each project's group of firms, on one running sum over all groups;
    # firms that exited weigh 0, so they are never drawn and a group of exited firms only has no weight
    running = kernels.running_weight_numpy(capacity, alive, members)
    chosen = np.flatnonzero(expands & (running[high] > running[low]))
    first, last = low[chosen], high[chosen]
    target = running[first] + pick[chosen] * (running[last] - running[first])
    # below the group's end even where rounding reaches it, so that the draw is a live firm of the group
    target = np.minimum(target, np.nextafter(running[last], -np.inf))
    firm[chosen] = members[np.clip(np.searchsorted(running, target, "right") - 1, first, last - 1)]
    return firm


def _compile():
    from sim.kernels_pipe_numba import (
        add_at,
        advance_rows,
        ceilings,
        ceilings_by_mode,
        expansion_draws,
        fit_and_decide,
        hand_over,
        park_fit,
        pick_known,
        producing_rows,
        sums_by_row,
        town_bids,
        unified_bids,
    )

    # loaded now (from numba's cache: a few ms each): the kernels a model calls; the bids, the parks' fit and
    # the ceilings of one placement on their own (the model calls fit_and_decide and ceilings_by_mode instead)
    # load at their first call
    ceiling, known = np.zeros((2, 3)), np.ones((2, 2), dtype=np.bool_)
    towns, outside = np.array([0, 0, 1], dtype=np.int64), np.zeros(2)
    pick_known(np.zeros((2, 2)), np.zeros(2, dtype=np.int64), 1)
    waiting, sectors = np.arange(2, dtype=np.int64), np.zeros(2, dtype=np.int64)
    ones = np.ones(2)
    status, steps = np.zeros(2, dtype=np.int8), np.zeros(2, dtype=np.int32)
    producing_rows(status, steps, 1, np.zeros(2, dtype=np.int64), np.ones(2, dtype=np.bool_), ones, ones, 0, 0)
    sums_by_row(np.zeros(2, dtype=np.int64), ones, ones, np.full(2, -1, dtype=np.int64))
    add_at(np.zeros(2), np.zeros(2, dtype=np.int64), ones)
    hand_over(np.zeros(2, dtype=np.int64), ones, ones, ones, ones, ones, np.ones(2), np.ones(2), np.ones(2))
    advance_rows(status, steps, steps, np.ones(2, dtype=np.int16), ones, np.ones(2, dtype=np.int16),
                 np.zeros(2, dtype=np.int16), np.zeros(3, dtype=np.bool_), 1, 0, 0.5)
    fit_and_decide(waiting, np.ones((2, 3), dtype=np.bool_), np.ones(3), np.ones(2), np.ones(3), np.ones((3, 1)),
                   sectors, np.zeros((2, 3)), np.array([1, 2], dtype=np.int8), ceiling, outside, known, towns, 2, 1.0)
    ceilings_by_mode(np.array([0, 1], dtype=np.int8), ones, ones, ones, np.ones((2, 3)), np.ones(3), np.ones((2, 3)))
    keys = np.zeros(2, dtype=np.int64)
    expansion_draws(keys, keys, ones, np.ones(2, dtype=np.bool_), keys, np.ones(2, dtype=np.bool_), ones)
    return (pick_known, town_bids, unified_bids, park_fit, ceilings, producing_rows, sums_by_row, add_at, hand_over,
            advance_rows, fit_and_decide, ceilings_by_mode, expansion_draws)


@functools.cache
def compiled() -> tuple | None:
    """The compiled kernels, loaded on first use (None without numba or with XINHUI_SIM_NO_NUMBA=1)."""
    return kernels.load_compiled(_compile)


def kernels_for(model) -> tuple | None:
    """The compiled kernels for a model whose firm table has ``kernels.MIN_ROWS`` rows or more, else None."""
    firms = getattr(model, "firms", None)
    return compiled() if firms is not None and firms.n >= kernels.MIN_ROWS else None


# ---- dispatch ----------------------------------------------------------------------------------------------
def pick_known(keys: np.ndarray, home: np.ndarray, others: int, compiled_kernels=None) -> np.ndarray:
    if compiled_kernels is None:
        return pick_known_numpy(keys, home, others)
    return compiled_kernels[0](np.ascontiguousarray(keys, dtype=np.float64), np.asarray(home, dtype=np.int64),
                               int(others))


def town_bids(fit, ceiling, park_town, n_towns, outside, weight, known, compiled_kernels=None):
    if compiled_kernels is None:
        return town_bids_numpy(fit, ceiling, park_town, n_towns, outside, weight, known)
    every = known is None
    known = np.ones((1, 1), dtype=np.bool_) if every else np.ascontiguousarray(known, dtype=np.bool_)
    return compiled_kernels[1](np.ascontiguousarray(fit, dtype=np.float64),
                               np.ascontiguousarray(ceiling, dtype=np.float64),
                               np.asarray(park_town, dtype=np.int64), int(n_towns),
                               np.ascontiguousarray(outside, dtype=np.float64), float(weight), known, every)


def unified_bids(fit, ceiling, outside, weight, compiled_kernels=None):
    if compiled_kernels is None:
        return unified_bids_numpy(fit, ceiling, outside, weight)
    return compiled_kernels[2](np.ascontiguousarray(fit, dtype=np.float64),
                               np.ascontiguousarray(ceiling, dtype=np.float64),
                               np.ascontiguousarray(outside, dtype=np.float64), float(weight))


def ceilings(price_land, tax_investment, investment_floor, rate, kept, room, compiled_kernels=None):
    run = ceilings_numpy if compiled_kernels is None else compiled_kernels[4]
    return run(np.asarray(price_land, dtype=np.float64), np.asarray(tax_investment, dtype=np.float64),
               np.asarray(investment_floor, dtype=np.float64), np.asarray(rate, dtype=np.float64),
               np.asarray(kept, dtype=np.float64), np.asarray(room, dtype=np.float64))


def producing_rows(status, produce_step, clock, firm_row, firm_alive, capacity_per_step, capacity_left, start,
                   producing, compiled_kernels=None):
    run = producing_rows_numpy if compiled_kernels is None else compiled_kernels[5]
    return run(status, produce_step, int(clock), firm_row, firm_alive, capacity_per_step, capacity_left, int(start),
               int(producing))


def sums_by_row(rows, first, second, slots=None, compiled_kernels=None):
    """``sums_by_row_numpy``; the compiled version gives the distinct rows in the order of their first entry
    (the sums the same, bit for bit) and needs ``slots``, -1 at every row (left so)."""
    if compiled_kernels is None or slots is None:
        return sums_by_row_numpy(rows, first, second, slots)
    return compiled_kernels[6](np.ascontiguousarray(rows, dtype=np.int64), np.ascontiguousarray(first, dtype=np.float64),
                               np.ascontiguousarray(second, dtype=np.float64), slots)


def add_at(target, rows, values, compiled_kernels=None):
    if compiled_kernels is None:
        add_at_numpy(target, rows, values)
    else:
        compiled_kernels[7](target, np.ascontiguousarray(rows, dtype=np.int64),
                            np.ascontiguousarray(values, dtype=np.float64))


def hand_over(touched, extra, capital, before, path, growth, growth_factor, capital_intensity, capacity,
              compiled_kernels=None):
    run = hand_over_numpy if compiled_kernels is None else compiled_kernels[8]
    run(touched, extra, capital, before, path, growth, growth_factor, capital_intensity, capacity)


def advance_rows(status, sign_step, start_delay, quarters_left, investment, build_steps, park, park_outside, clock,
                 start, share, compiled_kernels=None):
    run = advance_rows_numpy if compiled_kernels is None else compiled_kernels[9]
    return run(status, sign_step, start_delay, quarters_left, investment, build_steps, park, park_outside, int(clock),
               int(start), float(share))


def ceilings_by_mode(placement, price_land, tax_investment, investment_floor, rate, kept, room, compiled_kernels=None):
    run = ceilings_by_mode_numpy if compiled_kernels is None else compiled_kernels[11]
    return run(np.asarray(placement, dtype=np.int8), np.asarray(price_land, dtype=np.float64),
               np.asarray(tax_investment, dtype=np.float64), np.asarray(investment_floor, dtype=np.float64),
               np.ascontiguousarray(rate, dtype=np.float64), np.asarray(kept, dtype=np.float64),
               np.ascontiguousarray(room, dtype=np.float64))


def expansion_draws(members, sorted_keys, capacity, alive, wanted, expands, pick, compiled_kernels=None):
    if compiled_kernels is None:
        return expansion_draws_numpy(members, sorted_keys, capacity, alive, wanted, expands, pick)
    return compiled_kernels[12](np.ascontiguousarray(members, dtype=np.int64),
                                np.ascontiguousarray(sorted_keys, dtype=np.int64), capacity, alive,
                                np.ascontiguousarray(wanted, dtype=np.int64), np.asarray(expands, dtype=np.bool_),
                                np.asarray(pick, dtype=np.float64))

"""The numba versions of sim/kernels_pipe.py's loops (imported only when they are used; see that module).

Module-level functions, so that numba's on-disk cache (``cache=True``) serves every process. Each does the
arithmetic of its numpy equivalent in the same order; ``argmax`` keeps numpy's rule (the first maximum, a NaN
before any number), ``max`` and ``clip`` propagate a NaN as numpy's do.
"""

from __future__ import annotations

import math

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True)

OUTSIDE = -2
NO_PARK = -1
SIGNED, BUILDING, DONE = 0, 1, 3


@jit
def _beats(value, best):
    """Whether ``value`` replaces ``best`` in numpy's argmax scan (the first maximum; the first NaN)."""
    return best == best and (value > best or value != value)


@jit
def _clip(value, low, high):
    """numpy's clip for floats: max(value, low), then min with high, a NaN kept."""
    if not (value != value or value > low):
        value = low
    if not (value != value or value < high):
        value = high
    return value


@jit
def _paid(fit, ceiling, park, to_beat, weight):
    """What the winner pays, from one project's row of fit and ceilings."""
    if park < 0:
        return 0.0
    needed = (to_beat - fit[park]) / weight if weight > 0 else 0.0
    return _clip(needed, 0.0, ceiling[park])


@jit
def pick_known(keys, home, others):
    n, towns = keys.shape
    known = np.zeros((n, towns), dtype=np.bool_)
    picks = min(others, towns - 1) if others > 0 else 0
    picked = np.zeros(towns, dtype=np.bool_)
    for i in range(n):
        if picks > 0:
            picked[:] = False
            for _ in range(picks):  # the smallest key not yet picked, the lower index first (a stable sort)
                best = -1
                for t in range(towns):
                    if picked[t]:
                        continue
                    if best < 0 or keys[i, t] < keys[i, best] or (keys[i, best] != keys[i, best]
                                                                  and keys[i, t] == keys[i, t]):
                        best = t
                picked[best] = True
            for t in range(towns):
                known[i, t] = picked[t] and math.isfinite(keys[i, t])
        known[i, home[i]] = True
    return known


@jit
def _town_bid(fit, ceiling, park_town, n_towns, outside, weight, known, every, town_net, town_park, have):
    """One project's row of ``town_bids``: its park (OUTSIDE: lost) and what it is paid; ``known``: its row of
    the towns it knows (read unless ``every``); the last three: scratch of n_towns entries."""
    town_net[:] = -np.inf
    town_park[:] = NO_PARK
    have[:] = False
    for k in range(fit.size):  # each town's best park: the first of highest fit plus incentive
        t = park_town[k]
        if t < 0 or t >= n_towns:
            continue
        value = fit[k] + weight * ceiling[k]
        if not have[t] or _beats(value, town_net[t]):
            have[t], town_net[t], town_park[t] = True, value, k
    if not every:
        for t in range(n_towns):
            if not known[t]:
                town_net[t] = -np.inf
    winner, best = 0, town_net[0] if n_towns > 0 else outside
    for j in range(1, n_towns + 1):
        value = town_net[j] if j < n_towns else outside
        if _beats(value, best):
            winner, best = j, value
    second = -np.inf
    for j in range(n_towns + 1):
        if j == winner:
            continue
        value = town_net[j] if j < n_towns else outside
        if value != value:
            second = value
        elif second == second and value > second:
            second = value
    park = town_park[winner] if winner < n_towns else OUTSIDE
    return park, _paid(fit, ceiling, park, second, weight)


@jit
def town_bids(fit, ceiling, park_town, n_towns, outside, weight, known, every):
    n = fit.shape[0]
    park = np.empty(n, dtype=np.int64)
    paid = np.empty(n)
    town_net = np.empty(n_towns)
    town_park = np.empty(n_towns, dtype=np.int64)
    have = np.empty(n_towns, dtype=np.bool_)
    for i in range(n):
        park[i], paid[i] = _town_bid(fit[i], ceiling[i], park_town, n_towns, outside[i], weight,
                                     known[0] if every else known[i], every, town_net, town_park, have)
    return park, paid


@jit
def _unified_bid(fit, ceiling, outside, weight):
    """One project's row of ``unified_bids``."""
    best, best_net = 0, fit[0] + weight * ceiling[0]
    for k in range(1, fit.size):
        value = fit[k] + weight * ceiling[k]
        if _beats(value, best_net):
            best, best_net = k, value
    district_net = fit[best] + weight * ceiling[best] if math.isfinite(fit[best]) else -np.inf
    park = best if district_net >= outside else OUTSIDE
    return park, _paid(fit, ceiling, park, outside, weight)


@jit
def unified_bids(fit, ceiling, outside, weight):
    n = fit.shape[0]
    park = np.empty(n, dtype=np.int64)
    paid = np.empty(n)
    for i in range(n):
        park[i], paid[i] = _unified_bid(fit[i], ceiling[i], outside[i], weight)
    return park, paid


@jit
def _best_park(fit):
    """``project_market.best_park`` of one row: numpy's argmax, NO_PARK where its value is not finite."""
    best = 0
    for k in range(1, fit.size):
        if _beats(fit[k], fit[best]):
            best = k
    return best if math.isfinite(fit[best]) else NO_PARK


@jit
def _fit_row(i, eligible, free, land, land_term, fixed, sectors, gumbel, out):
    for k in range(free.size):
        if eligible[i, k] and free[k] >= land[i]:
            out[k] = land_term[k] + fixed[k, sectors[i]] + gumbel[i, k]
        else:
            out[k] = -np.inf


@jit
def fit_and_decide(waiting, eligible, free, land, land_term, fixed, sectors, gumbel, placement, ceiling, outside,
                   known, park_town, n_towns, weight):
    """``ParkOptions.fit`` and ``ProjectMarket.decide`` of the rows ``waiting`` in one pass: each one's fit row,
    then its choice by its placement (0 logit, 1 unified, 2 towns) and the incentive it is paid."""
    choice = np.empty(waiting.size, dtype=np.int64)
    paid = np.zeros(waiting.size)
    row = np.empty(free.size)
    town_net = np.empty(n_towns)
    town_park = np.empty(n_towns, dtype=np.int64)
    have = np.empty(n_towns, dtype=np.bool_)
    for j in range(waiting.size):
        i = waiting[j]
        _fit_row(i, eligible, free, land, land_term, fixed, sectors, gumbel, row)
        mode = placement[i]
        if mode == 0:
            choice[j] = _best_park(row)
        elif mode == 1:
            choice[j], paid[j] = _unified_bid(row, ceiling[i], outside[i], weight)
        else:
            choice[j], paid[j] = _town_bid(row, ceiling[i], park_town, n_towns, outside[i], weight, known[i], False,
                                           town_net, town_park, have)
    return choice, paid


@jit
def park_fit(waiting, eligible, free, land, land_term, fixed, sectors, gumbel):
    """ParkOptions.fit of the rows ``waiting``: land term + fixed part of the park and sector + Gumbel noise
    where the park is eligible and has the land, else -inf."""
    utility = np.empty((waiting.size, free.size))
    for j in range(waiting.size):
        _fit_row(waiting[j], eligible, free, land, land_term, fixed, sectors, gumbel, utility[j])
    return utility


@jit
def _ceilings_row(i, price_land, tax_investment, investment_floor, rate, kept, room, out):
    for k in range(rate.size):
        money = tax_investment[i] * kept[k] + price_land[i] * rate[k]
        if not (money <= room[k] or money != money):  # numpy's minimum: a NaN of either side
            money = room[k]
        out[k] = money / investment_floor[i]


@jit
def ceilings(price_land, tax_investment, investment_floor, rate, kept, room):
    ceiling = np.empty((price_land.size, rate.size))
    for i in range(price_land.size):
        _ceilings_row(i, price_land, tax_investment, investment_floor, rate, kept, room, ceiling[i])
    return ceiling


@jit
def ceilings_by_mode(placement, price_land, tax_investment, investment_floor, rate, kept, room):
    ceiling = np.zeros((placement.size, rate.shape[1]))
    for i in range(placement.size):
        mode = placement[i]
        if mode > 0:
            _ceilings_row(i, price_land, tax_investment, investment_floor, rate[mode], kept, room[mode], ceiling[i])
    return ceiling


@jit
def producing_rows(status, produce_step, clock, firm_row, firm_alive, capacity_per_step, capacity_left, start,
                   producing):
    # written without branches on the status (mixed: they were mispredicted), then cut to the rows found
    rows = np.empty(max(status.size - start, 0), dtype=np.int64)
    count = 0
    for i in range(start, status.size):
        rows[count] = i
        count += (status[i] == producing) & (produce_step[i] < clock)
    rows = rows[:count]
    firm_rows = np.empty(count, dtype=np.int64)
    alive = np.empty(count, dtype=np.bool_)
    step = np.empty(count)
    for j in range(count):
        i = rows[j]
        firm = firm_row[i]
        firm_rows[j] = firm
        alive[j] = firm >= 0 and firm_alive[firm]
        a, b = capacity_per_step[i], capacity_left[i]
        step[j] = a if (a <= b or a != a) and b == b else b  # numpy's minimum: a NaN of either side
    return rows, firm_rows, alive, step


@jit
def add_at(target, rows, values):
    for i in range(rows.size):
        target[rows[i]] += values[i]


@jit
def sums_by_row(rows, first, second, slots):
    """The distinct rows in the order of their first entry, with the sums of ``first`` and ``second`` added in
    the order given; ``slots`` (one entry per possible row, -1) holds each row's place while summing, reset after."""
    touched = np.empty(rows.size, dtype=np.int64)
    sum_first = np.zeros(rows.size)
    sum_second = np.zeros(rows.size)
    count = 0
    for i in range(rows.size):
        row = rows[i]
        slot = slots[row]
        if slot < 0:
            slot = count
            slots[row] = slot
            touched[slot] = row
            count += 1
        sum_first[slot] += first[i]
        sum_second[slot] += second[i]
    for j in range(count):
        slots[touched[j]] = -1
    return touched[:count], sum_first[:count], sum_second[:count]


@jit
def hand_over(touched, extra, capital, before, path, growth, growth_factor, capital_intensity, capacity):
    """``capital.add_capacity`` after its sums and powers: the growth factors, the vintage blend of κ and the
    capacity of the firms ``touched`` (``capital.vintage_intensity``'s arithmetic in its order)."""
    for j in range(touched.size):
        row = touched[j]
        growth_factor[row] = growth[j]
        added = extra[j]
        floor = added if added >= 1e-300 or added != added else 1e-300  # np.maximum(extra, 1e-300)
        kappa_new = capital[j] / floor
        kept = before[j] * path[j]
        total = kept + added
        if total > 0:
            floor = total if total >= 1e-300 else 1e-300
            capital_intensity[row] = (capital_intensity[row] * kept + kappa_new * added) / floor
        else:
            capital_intensity[row] = kappa_new
        capacity[row] += added


@jit
def advance_rows(status, sign_step, start_delay, quarters_left, investment, build_steps, park, park_outside, clock,
                 start, share):
    size = max(status.size - start, 0)
    starting, finishing = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    spent = np.empty(size)
    started = finished = inside = 0
    first_open = status.size
    for i in range(start, status.size):
        state = status[i]
        if state < DONE and first_open == status.size:
            first_open = i
        if state == BUILDING:
            if not park_outside[park[i]]:  # park -1 (none): the last entry, False
                spent[inside] = investment[i] * share / build_steps[i]
                inside += 1
            left = quarters_left[i] - 1
            quarters_left[i] = left
            if left <= 0:
                finishing[finished] = i
                finished += 1
        elif state == SIGNED and clock - sign_step[i] >= start_delay[i]:
            starting[started] = i
            started += 1
    return starting[:started], finishing[:finished], spent[:inside], first_open


@jit
def _less(a, b):
    """numpy's sort order: NaN after every number."""
    return a < b or (b != b and a == a)


@jit
def _search_right(values, target):
    """``np.searchsorted(values, target, "right")``: the first index whose value sorts after ``target``."""
    low, high = 0, values.size
    while low < high:
        mid = (low + high) // 2
        if _less(target, values[mid]):
            high = mid
        else:
            low = mid + 1
    return low


@jit
def _search_left(values, target):
    low, high = 0, values.size
    while low < high:
        mid = (low + high) // 2
        if _less(values[mid], target):
            low = mid + 1
        else:
            high = mid
    return low


@jit
def expansion_draws(members, sorted_keys, capacity, alive, wanted, expands, pick):
    running = np.empty(members.size + 1)
    running[0] = 0.0
    for i in range(members.size):
        row = members[i]
        running[i + 1] = running[i] + capacity[row] * alive[row]
    firm = np.full(wanted.size, -1, dtype=np.int64)
    for j in range(wanted.size):
        if not expands[j]:
            continue
        first, last = _search_left(sorted_keys, wanted[j]), _search_right(sorted_keys, wanted[j])
        if not running[last] > running[first]:
            continue
        target = running[first] + pick[j] * (running[last] - running[first])
        below = np.nextafter(running[last], -np.inf)
        if not (target <= below or target != target):  # numpy's minimum
            target = below
        at = min(max(_search_right(running, target) - 1, first), last - 1)
        firm[j] = members[at]
    return firm

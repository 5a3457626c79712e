"""The numba versions of sim/kernels_step.py's loops (imported only when they are used; see that module).

Module-level functions, so that numba's on-disk cache (``cache=True``) serves every process; each loop does the
arithmetic of its numpy equivalent in kernels_step.py in the same order (``maximum`` and ``minimum`` propagate
a NaN as numpy's do).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from sim.kernels_numba import bits_of

jit = numba.njit(cache=True, nogil=True)


@jit
def maximum(a, b):
    return a if a >= b or a != a else b


@jit
def minimum(a, b):
    return a if a <= b or a != a else b


@jit
def invest_rows(live, town, kappa_by_town, rationed, kappa_rationed, demand, competitiveness, capacity,
                output_last_year, sector, va_ratio, employment, in_district, capital_intensity, investment,
                wage_10k_cny, labour_share, utilisation, depreciation, capital_output_ratio, financing_multiple):
    # choices written as selects, not branches (a third faster: the firms' cases are mixed, and mispredicted)
    n = live.size
    ratio = np.empty(n)
    inside = np.empty(n)
    kappa = np.empty(n)  # κ* of each firm: its town's, or its own where rationed
    for i in range(n):
        kappa[i] = kappa_by_town[town[live[i]]]
    for j in range(rationed.size):
        kappa[rationed[j]] = kappa_rationed[j]
    kept_share = 1.0 - depreciation
    found = 0
    for i in range(n):
        r = live[i]
        kappa_new = kappa[i]
        desired = demand[r] / (utilisation * maximum(competitiveness[i], 1e-9))
        last = output_last_year[r]
        sales = last if last > 0 else demand[r]
        value_added = sales * va_ratio[sector[r]]
        staff = employment[r]
        wages = value_added * labour_share if staff <= 0 else staff * wage_10k_cny / 1e4
        cash_flow = value_added - wages
        gap = maximum(desired - kept_share * capacity[r], 0.0)
        planned = minimum(capital_output_ratio * kappa_new * gap, financing_multiple * maximum(cash_flow, 0.0))
        now = maximum(capacity[r], 1e-12)
        kept = kept_share * now
        built = planned / (capital_output_ratio * kappa_new)
        total = kept + built
        blended = (capital_intensity[r] * kept + kappa_new * built) / maximum(total, 1e-300)
        capital_intensity[r] = blended if total > 0 else kappa_new
        investment[r] = planned
        ratio[i] = (kept + built) / now
        inside[found] = planned  # kept where the firm is in the district
        found += 1 if in_district[r] else 0
    return ratio, inside[:found]


@jit
def put_rows(rows, values, column):
    for i in range(rows.size):
        column[rows[i]] = values[i]


@jit
def hiring_wants(rows, sector, demand, competitiveness, reference, labour_productivity_base, kappa_b, va_ratio,
                 in_district, output_last_year):
    # the in-district firms' weights computed for every firm and kept by the count (no branch: 40% faster)
    n = rows.size
    wanted = np.empty(n)
    weight = np.empty(n)
    weighted_inverse = np.empty(n)
    found = 0
    for i in range(n):
        r = rows[i]
        s = sector[r]
        lp = labour_productivity_base * (competitiveness[i] / reference[s]) * kappa_b[i]
        sales_now, va = demand[r], va_ratio[s]
        wanted[i] = sales_now * va * 1e4 / lp
        last = output_last_year[r]
        w = (last if last > 0 else sales_now) * va
        weight[found] = w
        weighted_inverse[found] = w / kappa_b[i]
        found += 1 if in_district[r] else 0
    return wanted, weight[:found], weighted_inverse[:found]


@jit
def ration(rows, wanted, got, demand):
    fill = np.empty(rows.size)
    for i in range(rows.size):
        f = minimum(got[i] / maximum(wanted[i], 1e-12), 1.0) if wanted[i] > 0 else 1.0
        fill[i] = f
        demand[rows[i]] *= f
    return fill


@jit
def scale_rows(rows, column, factor):
    for i in range(rows.size):
        column[rows[i]] *= factor


@jit
def exit_bounds(rows, age, sales, bounds, first_exponent, out):
    last_age, last_column = bounds.shape[0] - 1, bounds.shape[1] - 1
    for i in range(rows.size):
        r = rows[i]
        exponent = math.frexp(maximum(sales[r], 1e-6))[1]
        out[r] = bounds[min(np.intp(age[r]), last_age), min(exponent - first_exponent, last_column)]


@jit
def still_alive_into(rows, alive, out):
    found = 0
    for i in range(rows.size):
        if alive[rows[i]]:
            out[found] = rows[i]
            found += 1
    return found


@jit
def open_year_rows(live, productivity, tfp_factor, upgrading, gain_factor, place_cell, place, sector, demand, draw_key,
                   growth_base, loss_years, exit_loss_years, n):
    size = live.size
    power, sales, uniform = np.empty(size), np.empty(size), np.empty(size)
    sectors, losing = np.empty(size, sector.dtype), np.empty(size, np.bool_)
    weight, weighted = np.zeros(n), np.zeros(n)
    for i in range(size):
        r = live[i]
        own = productivity[r] * tfp_factor
        if upgrading[r]:
            own *= gain_factor
            upgrading[r] = False
        productivity[r] = own
        e = own * place[place_cell[r]]
        s, d = sector[r], demand[r]
        power[i], sectors[i], sales[i] = e, s, d
        weight[s] += d
        weighted[s] += d * e
        # randomness.uniform_from_bits: (bits + 0.5) / 2**53, the bits below 2**53 read as int64
        uniform[i] = (np.float64(np.int64(bits_of(draw_key[r], growth_base))) + 0.5) / 9007199254740992.0
        losing[i] = loss_years[r] >= exit_loss_years
    return power, sectors, sales, uniform, weight, weighted, losing


@jit
def rationed_rows(live, fill, town):
    positions = np.empty(live.size, np.int64)
    towns = np.empty(live.size, town.dtype)
    fills = np.empty(live.size)
    found = 0
    for i in range(live.size):  # written for every firm, kept by the count (no branch: twice as fast)
        positions[found], towns[found], fills[found] = i, town[live[i]], fill[i]
        found += 1 if fill[i] < 1.0 else 0
    return positions[:found].copy(), towns[:found].copy(), fills[:found].copy()


@jit
def relative_sizes(sales, reference_size):
    relative = np.empty(sales.size)
    for i in range(sales.size):
        relative[i] = maximum(sales[i], 1e-6) / reference_size
    return relative


@jit
def laplace_parts(scaled, uniform, spread_at_reference):
    n = scaled.size
    spread, magnitude, variance_term = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        s = minimum(spread_at_reference * scaled[i], 0.9)
        spread[i] = s
        magnitude[i] = abs(uniform[i] - 0.5) * -2.0
        variance_term[i] = -(s * s)
    return spread, magnitude, variance_term


@jit
def growth_exponents(log_magnitude, spread, uniform, log_variance_term, sectors, market_growth):
    exponent = np.empty(spread.size)
    for i in range(spread.size):
        shock = math.copysign(log_magnitude[i] * spread[i], uniform[i] - 0.5)
        exponent[i] = market_growth[sectors[i]] + ((0.0 + shock) + log_variance_term[i])
    return exponent


@jit
def exit_candidates(live, possible, draw_key, base, age, sales, hazard_by_age, median_size):
    n, last_age = possible.size, hazard_by_age.size - 1
    rows, uniform, base_hazard, relative = np.empty(n, np.int64), np.empty(n), np.empty(n), np.empty(n)
    median = maximum(median_size, 1e-6)
    for j in range(n):
        r = live[possible[j]]
        rows[j] = r
        # randomness.keyed_uniform, and firm_dynamics.exit_hazard's look-up and relative size
        uniform[j] = (np.float64(np.int64(bits_of(draw_key[r], base))) + 0.5) / 9007199254740992.0
        base_hazard[j] = hazard_by_age[min(np.intp(age[r]), last_age)]
        relative[j] = maximum(sales[r], 1e-6) / median
    return rows, uniform, base_hazard, relative


@jit
def exit_leavers(rows, uniform, base_hazard, size_factor, steps):
    leaving = np.empty(rows.size, np.int64)
    found = 0
    for j in range(rows.size):
        annual = minimum(base_hazard[j] * size_factor[j], 0.95)
        stays = 1.0 - uniform[j]
        survival = stays
        for _ in range(steps - 1):  # firm_dynamics.integer_power
            survival *= stays
        leaving[found] = rows[j]
        found += 1 if survival > 1.0 - annual else 0
    return leaving[:found].copy()

"""The numba versions of sim/kernels.py's loops (imported only when they are used; see that module).

Module-level functions, so that numba's on-disk cache (``cache=True``) serves every process; each loop does the
arithmetic of its numpy equivalent in kernels.py in the same order.
"""

from __future__ import annotations

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True)


@jit
def bits_of(row, base):
    """The splitmix64 finalizer of row x golden + base, its top 53 bits."""
    x = np.uint64(row) * np.uint64(0x9E3779B97F4A7C15) + base
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x >> np.uint64(11)


@jit
def splitmix_bits(rows, base):
    bits = np.empty(rows.size, np.uint64)
    for i in range(rows.size):
        bits[i] = bits_of(rows[i], base)
    return bits


@jit
def below_bound(rows, base, bound):
    positions = np.empty(rows.size, np.int64)
    found = 0
    for i in range(rows.size):
        if np.int64(bits_of(rows[i], base)) < bound[rows[i]]:
            positions[found] = i
            found += 1
    return positions[:found].copy()


@jit
def add_output(output, capacity, productivity, cell, per_cell, demand, per_step):
    for i in range(output.size):
        produced = capacity[i] * productivity[i] * per_cell[cell[i]]
        output[i] += min(produced, demand[i] * per_step)


@jit
def cell_sums(cells, values, n):
    sums = np.zeros(n)
    for i in range(cells.size):
        sums[cells[i]] += values[i]
    return sums


@jit
def running_weight(weights, include, rows):
    running = np.empty(rows.size + 1)
    running[0] = 0.0
    for i in range(rows.size):
        running[i + 1] = running[i] + weights[rows[i]] * include[rows[i]]
    return running


@jit
def grow(capacity, growth_factor, age, years_per_step):
    for i in range(capacity.size):
        capacity[i] *= growth_factor[i]
        age[i] += years_per_step


@jit
def sums_by_cell(rows, cells, values, n):
    sums = np.zeros(n)
    for i in range(rows.size):
        sums[cells[rows[i]]] += values[rows[i]]
    return sums


@jit
def scale_by_cell(rows, cells, values, factor):
    for i in range(rows.size):
        values[rows[i]] *= factor[cells[rows[i]]]


@jit
def running_cell_weight(rows, cells, weight):
    running = np.empty(rows.size + 1)
    running[0] = 0.0
    for i in range(rows.size):
        running[i + 1] = running[i] + weight[cells[rows[i]]]
    return running


@jit
def still_alive(rows, alive):
    kept = np.empty(rows.size, np.int64)
    found = 0
    for i in range(rows.size):
        if alive[rows[i]]:
            kept[found] = rows[i]
            found += 1
    return kept[:found].copy()


@jit
def running_cell_weight_sums(rows, cells, weight, values, n):
    """running_cell_weight and sums_by_cell(rows, cells, values, n) in one pass."""
    running = np.empty(rows.size + 1)
    running[0] = 0.0
    sums = np.zeros(n)
    for i in range(rows.size):
        cell = cells[rows[i]]
        running[i + 1] = running[i] + weight[cell]
        sums[cell] += values[rows[i]]
    return running, sums


@jit
def hiring_totals(rows, outside, park, town, wanted, staff, n):
    """hiring_totals_numpy in one pass."""
    inside = np.empty(rows.size, np.bool_)
    want, kept, extra = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(rows.size):
        row = rows[i]
        slot = park[row] if park[row] >= 0 else park[row] + outside.size
        inside[i] = not outside[slot]
        if inside[i]:
            cell = town[row]
            keep = min(wanted[i], staff[row])
            want[cell] += wanted[i]
            kept[cell] += keep
            extra[cell] += wanted[i] - keep
    return inside, want, kept, extra


@jit
def share_out_rows(rows, inside, town, wanted, staff, keep_fill, growth_fill):
    """share_out_rows_numpy in one pass."""
    got = wanted.copy()
    for i in range(rows.size):
        if inside[i]:
            cell = town[rows[i]]
            keep = min(wanted[i], staff[rows[i]])
            got[i] = keep * keep_fill[cell] + (wanted[i] - keep) * growth_fill[cell]
    return got


@jit
def district_sums(values, alive, only_alive, outside, park, cells_a, cells_b, cells_c, n_a, n_b, n_c):
    """district_sums_numpy in one pass."""
    by_a, by_bc = np.zeros(n_a), np.zeros(n_b * n_c)
    for row in range(values.size):
        slot = park[row] if park[row] >= 0 else park[row] + outside.size
        if values[row] > 0 and not outside[slot] and (alive[row] or not only_alive):
            by_a[cells_a[row]] += values[row]
            by_bc[np.int64(cells_b[row]) * n_c + cells_c[row]] += values[row]
    return by_a, by_bc


@jit
def two_cell_sums(cells, mask, use_mask, a, b, product, n):
    """two_cell_sums_numpy in one pass."""
    sums_a, sums_b = np.zeros(n), np.zeros(n)
    for i in range(cells.size):
        if use_mask and not mask[i]:
            continue
        sums_a[cells[i]] += a[i]
        sums_b[cells[i]] += a[i] * b[i] if product else b[i]
    return sums_a, sums_b


@jit
def book_profits(rows, value_added, employed, wage_10k_cny, depreciation, profit, loss_years):
    """book_profits_numpy in one pass."""
    booked = np.empty(rows.size)
    for i in range(rows.size):
        booked[i] = value_added[i] - employed[i] * wage_10k_cny / 1e4 - depreciation[i]
        profit[rows[i]] = booked[i]
        loss_years[rows[i]] = loss_years[rows[i]] + 1 if booked[i] < 0 else 0
    return booked


@jit
def move_demand(live, sectors, sales, power, mean, growth, level, elasticity, demand):
    """move_demand_numpy in one pass."""
    relative = np.empty(live.size)
    for i in range(live.size):
        relative[i] = power[i] / mean[sectors[i]]
        factor = growth[i] * level[sectors[i]] * max(1.0 + elasticity * (relative[i] - 1.0), 0.05)
        demand[live[i]] = sales[i] * factor
    return relative


@jit
def below_bound_sums_keyed(rows, keys, base, bound, cells, values, n):
    """Positions i where the bits of keys[rows[i]] are below bound[rows[i]], and sums_by_cell(rows, cells, values, n), in one pass."""
    positions = np.empty(rows.size, np.int64)
    sums = np.zeros(n)
    found = 0
    for i in range(rows.size):
        row = rows[i]
        sums[cells[row]] += values[row]
        if np.int64(bits_of(keys[row], base)) < bound[row]:
            positions[found] = i
            found += 1
    return positions[:found].copy(), sums

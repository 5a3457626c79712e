"""The numba versions of sim/kernels_firms.py's loops (imported only when they are used; see that module)."""

from __future__ import annotations

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True)


@jit
def survivors(rows, alive, cells, values, factor, weight, out, n):
    """survivors_numpy in one pass: the live rows kept, their values scaled, running weights and sums by cell."""
    running = np.empty(rows.size + 1)
    running[0] = total = 0.0  # the running sum in a register: a third faster than reading it back
    sums = np.zeros(n)
    found = 0
    for i in range(rows.size):
        row = rows[i]
        if alive[row]:
            cell = cells[row]
            values[row] *= factor[cell]
            out[found] = row
            found += 1
            total += weight[cell]
            running[found] = total
            sums[cell] += values[row]
    return found, running[: found + 1], sums


@jit
def search_ascending(cumulative, keys):
    """np.searchsorted(cumulative, keys, side="right") for ascending keys into an ascending ``cumulative``: each
    search gallops on from where the last ended (keys a few dozen entries apart: a few probes each)."""
    picks = np.empty(keys.size, np.int64)
    n, low = cumulative.size, 0
    for k in range(keys.size):
        key = keys[k]
        # every entry before ``low`` is <= key (they were <= the last key); gallop to an entry above it
        high, stride = low, 1
        while high < n and cumulative[high] <= key:
            low = high + 1
            high = low + stride
            stride *= 2
        high = min(high, n)
        while low < high:  # the first entry above key is in [low, high] (high: above it, or the end)
            middle = (low + high) // 2
            if cumulative[middle] <= key:
                low = middle + 1
            else:
                high = middle
        picks[k] = low
    return picks


@jit
def retire_rows(rows, year, alive, exit_year, exit_age, age, growth_factor, demand, place_cell, no_place_cell,
                cluster_cell, no_cluster_cell):
    """retire_rows_numpy in one loop."""
    for i in range(rows.size):
        row = rows[i]
        alive[row] = False
        exit_year[row] = year
        exit_age[row] = age[row]
        growth_factor[row] = 1.0
        demand[row] = 0.0
        place_cell[row] = no_place_cell
        cluster_cell[row] = no_cluster_cell


@jit
def parents_of(live, picks, sector, town, park, productivity, high_tech, premium):
    """parents_of_numpy in one loop over the parents (gathers of several columns overlap)."""
    count = picks.size
    sectors, towns, parks = np.empty(count, sector.dtype), np.empty(count, town.dtype), np.empty(count, park.dtype)
    own = np.empty(count)
    last = live.size - 1
    for k in range(count):
        row = live[min(picks[k], last)]
        sectors[k], towns[k], parks[k] = sector[row], town[row], park[row]
        own[k] = productivity[row] / (premium if high_tech[row] else 1.0)
    return sectors, towns, parks, own

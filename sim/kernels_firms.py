"""Compiled loops (numba) for the firm table's work of every step -- exits, entries and production -- each doing in
one pass over the firm rows what took several, with numpy equivalents as the reference.

The same arithmetic in the same order as the numpy versions, so results are identical bit for bit
(tests/test_kernels_firms.py runs both); the compiled versions run from ``kernels.MIN_ROWS`` rows and follow
``sim.kernels.compiled`` (none without numba or with ``XINHUI_SIM_NO_NUMBA=1``); cached on disk like the others.
"""

from __future__ import annotations

import functools

import numpy as np

from sim import kernels


# ---- numpy versions (the reference) ----------------------------------------------------------------------
def survivors_numpy(rows: np.ndarray, alive: np.ndarray, cells: np.ndarray, values: np.ndarray, factor: np.ndarray,
                    weight: np.ndarray, out: np.ndarray, n: int) -> tuple[int, np.ndarray, np.ndarray]:
    """The ``rows`` (in their order) whose ``alive`` flag is set, into the start of ``out``; for them, in order:
    values[row] *= factor[cells[row]] (in place), the running sum of weight[cells[row]] ([0, w0, w0 + w1, ...])
    and the sums of the scaled values by cell (0 .. n-1). Returns (their count, the running sum, the sums)."""
    kept = rows[alive[rows]]
    out[: kept.size] = kept
    kept_cells = cells[kept]  # gathered once for the three (as kernels' scale_by_cell, running and sums do)
    scaled = values[kept] * factor[kept_cells]
    values[kept] = scaled
    running = np.empty(kept.size + 1)
    running[0] = 0.0
    np.cumsum(weight[kept_cells], out=running[1:])
    return kept.size, running, np.bincount(kept_cells, weights=scaled, minlength=n)


def search_ascending_numpy(cumulative: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Where each of the ascending ``keys`` falls in the ascending ``cumulative``: the first entry above it."""
    return np.searchsorted(cumulative, keys, side="right")


def retire_rows_numpy(rows, year, alive, exit_year, exit_age, age, growth_factor, demand, place_cell, no_place_cell,
                      cluster_cell, no_cluster_cell) -> None:
    """What exiting firms (``rows``, distinct) leave behind (``FirmPopulation.retire``): not alive, their exit year
    and age, a growth factor of 1, no demand, and the place and cluster cells that count nothing."""
    alive[rows] = False
    exit_year[rows] = year
    exit_age[rows] = age[rows]
    growth_factor[rows] = 1.0
    demand[rows] = 0.0
    place_cell[rows] = no_place_cell
    cluster_cell[rows] = no_cluster_cell


def parents_of_numpy(live, picks, sector, town, park, productivity, high_tech, premium: float) -> tuple:
    """The entrants' parents, the live firms at positions ``picks`` of ``live`` (capped at the last): their sector,
    town, park and productivity over ``premium`` where they are high-tech (else over 1)."""
    parents = live[np.minimum(picks, live.size - 1)]
    own = productivity[parents] / np.where(high_tech[parents], premium, 1.0)
    return sector[parents], town[parents], park[parents], own


# ---- compiled versions (sim/kernels_firms_numba.py, loaded on first use) ----------------------------------
def _compile():
    from sim.kernels_firms_numba import parents_of, retire_rows, search_ascending, survivors

    values, flags, sectors = np.ones(2), np.ones(2, dtype=np.bool_), np.zeros(2, dtype=np.int16)
    for some_rows in kernels.warm_up_rows():  # the firm table's column types; live rows are read-only
        survivors(some_rows, flags, sectors, values.copy(), values, values, np.zeros(2, dtype=np.int64), 1)
    search_ascending(values, values)
    cells, years = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int16)
    retire_rows(kernels.warm_up_rows()[0], 2024, flags.copy(), years, values.copy(), values, values.copy(),
                values.copy(), cells, 1, cells.copy(), 1)
    for some_rows in kernels.warm_up_rows():
        parents_of(some_rows, kernels.warm_up_rows()[0], sectors, sectors, sectors, values, flags, 1.5)
    return survivors, search_ascending, retire_rows, parents_of


@functools.cache
def compiled() -> tuple | None:
    """The compiled kernels, loaded on first use (None where sim.kernels has none)."""
    return None if kernels.compiled() is None else _compile()


def _use(rows: int):
    return compiled() if rows >= kernels.MIN_ROWS else None


# ---- dispatch ----------------------------------------------------------------------------------------------
def survivors(rows: np.ndarray, alive: np.ndarray, cells: np.ndarray, values: np.ndarray, factor: np.ndarray,
              weight: np.ndarray, out: np.ndarray, n: int) -> tuple[int, np.ndarray, np.ndarray]:
    compiled_kernels = _use(rows.size)
    run = compiled_kernels[0] if compiled_kernels else survivors_numpy
    return run(rows, alive, cells, values, factor, weight, out, int(n))


def search_ascending(cumulative: np.ndarray, keys: np.ndarray) -> np.ndarray:
    compiled_kernels = _use(cumulative.size)
    return (compiled_kernels[1] if compiled_kernels else search_ascending_numpy)(cumulative, keys)


def retire_rows(rows, year: int, alive, exit_year, exit_age, age, growth_factor, demand, place_cell,
                no_place_cell: int, cluster_cell, no_cluster_cell: int) -> None:
    """``retire_rows_numpy``; compiled where the firm table has ``kernels.MIN_ROWS`` rows (leavers are few)."""
    compiled_kernels = _use(alive.size)
    run = compiled_kernels[2] if compiled_kernels else retire_rows_numpy
    run(np.ascontiguousarray(rows, dtype=np.int64), int(year), alive, exit_year, exit_age, age, growth_factor, demand,
        place_cell, int(no_place_cell), cluster_cell, int(no_cluster_cell))


def parents_of(live, picks, sector, town, park, productivity, high_tech, premium: float) -> tuple:
    compiled_kernels = _use(live.size)
    if compiled_kernels:
        return compiled_kernels[3](live, np.ascontiguousarray(picks, dtype=np.int64), sector, town, park, productivity,
                                   high_tech, float(premium))
    return parents_of_numpy(live, picks, sector, town, park, productivity, high_tech, premium)

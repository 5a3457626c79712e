"""Compiled loops (numba) for the firm work of every step and of the year's start and close (hiring, demand,
accounts, sums by town and sector), with numpy equivalents as the reference.

Each kernel does in one pass over the firm rows what its numpy equivalent does in several (at 50 times Xinhui's
firms these passes are most of the stepping time): the same arithmetic in the same order, so the results are
identical, bit for bit (tests/test_kernels.py runs both). They are used from ``MIN_ROWS`` rows (larger scales);
below it, without numba, or with ``XINHUI_SIM_NO_NUMBA=1`` in the environment, the numpy versions run. Compiled
code is cached next to this file (numba's ``cache=True``): the first use on a machine compiles for a few
seconds, later processes load it in about 0.3 s.
"""

from __future__ import annotations

import os

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


# ---- numpy versions (the reference) ----------------------------------------------------------------------
def splitmix_bits_numpy(rows: np.ndarray, base: np.uint64) -> np.ndarray:
    """53 bits per row: the splitmix64 finalizer of row x golden + base, shifted right by 11 (uint64)."""
    rows = np.asarray(rows)
    with np.errstate(over="ignore"):
        # rows are never negative: int64 rows are read as uint64 without a copy
        x = (rows.view(np.uint64) if rows.dtype == np.int64 else rows.astype(np.uint64)) * _GOLDEN
        x += base
        for shift, multiplier in ((30, _MIX1), (27, _MIX2)):
            x ^= x >> np.uint64(shift)
            x *= multiplier
        x ^= x >> np.uint64(31)
        x >>= np.uint64(11)
    return x


def below_bound_numpy(rows: np.ndarray, base: np.uint64, bound: np.ndarray) -> np.ndarray:
    """Positions i (ascending) where the bits of ``rows[i]`` are below ``bound[rows[i]]`` (int64)."""
    bits = splitmix_bits_numpy(rows, base).view(np.int64)  # below 2**53: the same numbers as int64
    return np.flatnonzero(bits < bound.take(rows))


def add_output_numpy(output: np.ndarray, capacity: np.ndarray, productivity: np.ndarray, cell: np.ndarray,
                     per_cell: np.ndarray, demand: np.ndarray, per_step: float) -> None:
    """output += min(capacity x productivity x per_cell[cell], demand x per_step), row by row, in place."""
    produced = capacity * productivity
    produced *= per_cell.take(cell)
    np.minimum(produced, demand * per_step, out=produced)
    output += produced


def cell_sums_numpy(cells: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``values`` by cell (0 .. n-1), added in row order (as ``np.bincount`` does)."""
    sums = np.zeros(n)
    np.add.at(sums, cells, values)
    return sums


def running_weight_numpy(weights: np.ndarray, include: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """[0, w0, w0 + w1, ...]: the running sum of ``weights[rows]`` counting only rows where ``include`` is true."""
    picked = weights.take(rows)
    picked *= include[rows]
    running = np.empty(rows.size + 1)
    running[0] = 0.0
    np.cumsum(picked, out=running[1:])
    return running


def sums_by_cell_numpy(rows: np.ndarray, cells: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``values[rows]`` by ``cells[rows]`` (0 .. n-1), added in the order of ``rows`` (``np.bincount``)."""
    return np.bincount(cells[rows], weights=values[rows], minlength=n)


def scale_by_cell_numpy(rows: np.ndarray, cells: np.ndarray, values: np.ndarray, factor: np.ndarray) -> None:
    """values[rows] *= factor[cells[rows]], in place."""
    values[rows] *= factor[cells[rows]]


def running_cell_weight_numpy(rows: np.ndarray, cells: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """[0, w0, w0 + w1, ...]: the running sum of ``weight[cells[rows]]`` (weights by cell, e.g. by sector)."""
    running = np.empty(rows.size + 1)
    running[0] = 0.0
    np.cumsum(weight[cells[rows]], out=running[1:])  # a cumulative sum adds in order, as the loop does
    return running


def still_alive_numpy(rows: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """The rows (in their order) whose ``alive`` flag is set."""
    return rows[alive[rows]]


def grow_numpy(capacity: np.ndarray, growth_factor: np.ndarray, age: np.ndarray, years_per_step: float) -> None:
    """capacity *= growth_factor and age += years_per_step, in place."""
    capacity *= growth_factor
    age += years_per_step


def hiring_totals_numpy(rows: np.ndarray, outside: np.ndarray, park: np.ndarray, town: np.ndarray,
                        wanted: np.ndarray, staff: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """Over the ``rows`` whose park is not ``outside`` (park -1: the last entry), by town (0 .. n-1), in row
    order: workers wanted, last year's staff kept (min(wanted, staff)) and the extra wanted; and that mask
    (``wanted`` by position in ``rows``; ``park``, ``town``, ``staff`` by firm row)."""
    inside = ~outside[park[rows]]
    towns, want = town[rows][inside], wanted[inside]
    kept = np.minimum(want, staff[rows[inside]])
    extra = want - kept
    totals = (np.bincount(towns, weights=w, minlength=n) for w in (want, kept, extra))
    return (inside, *totals)


def share_out_rows_numpy(rows: np.ndarray, inside: np.ndarray, town: np.ndarray, wanted: np.ndarray,
                         staff: np.ndarray, keep_fill: np.ndarray, growth_fill: np.ndarray) -> np.ndarray:
    """``wanted``, where ``inside``: kept x keep_fill[town] + extra x growth_fill[town] (kept and extra as in
    ``hiring_totals_numpy``)."""
    towns, want = town[rows][inside], wanted[inside]
    kept = np.minimum(want, staff[rows[inside]])
    got = wanted.copy()
    got[inside] = kept * keep_fill[towns] + (want - kept) * growth_fill[towns]
    return got


def district_sums_numpy(values: np.ndarray, alive: np.ndarray, only_alive: bool, outside: np.ndarray,
                        park: np.ndarray, cells_a: np.ndarray, cells_b: np.ndarray, cells_c: np.ndarray,
                        n_a: int, n_b: int, n_c: int) -> tuple[np.ndarray, np.ndarray]:
    """Over the firm rows with a positive value whose park is not ``outside`` (park -1: its last entry), and
    ``alive`` if ``only_alive``, in row order: the sums of ``values`` by ``cells_a`` (0 .. n_a-1) and by
    ``cells_b`` x n_c + ``cells_c`` (0 .. n_b n_c - 1). Rows of value 0 would add nothing to the sums."""
    counted = (values > 0) & ~outside[park]
    rows = np.flatnonzero(counted & alive if only_alive else counted)
    by_a = np.bincount(cells_a[rows], weights=values[rows], minlength=n_a)
    cells = cells_b[rows].astype(np.int64) * n_c + cells_c[rows]
    return by_a, np.bincount(cells, weights=values[rows], minlength=n_b * n_c)


def book_profits_numpy(rows: np.ndarray, value_added: np.ndarray, employed: np.ndarray, wage_10k_cny: float,
                       depreciation: np.ndarray, profit: np.ndarray, loss_years: np.ndarray) -> np.ndarray:
    """profit[rows] = value added - employed x wage / 1e4 - depreciation (亿元); loss_years[rows] + 1 where it is
    negative, else 0 (in place); returns the profits."""
    wages = employed * wage_10k_cny / 1e4
    booked = value_added - wages - depreciation
    profit[rows] = booked
    loss_years[rows] = np.where(booked < 0, loss_years.take(rows) + 1, 0)
    return booked


def move_demand_numpy(live: np.ndarray, sectors: np.ndarray, sales: np.ndarray, power: np.ndarray,
                      mean: np.ndarray, growth: np.ndarray, level: np.ndarray, elasticity: float,
                      demand: np.ndarray) -> np.ndarray:
    """The replicator step of ``demand.update_demand``: relative = power / mean[sector]; demand[live] = sales x
    growth x level[sector] x max(1 + elasticity (relative - 1), 0.05) (``growth``: each firm's growth factor);
    returns ``relative``."""
    relative = power / mean[sectors]
    factor = growth * level[sectors] * np.maximum(1.0 + elasticity * (relative - 1.0), 0.05)
    demand[live] = sales * factor
    return relative


NO_MASK = np.zeros(0, dtype=np.bool_)  # the ``mask`` of two_cell_sums when ``use_mask`` is false


def two_cell_sums_numpy(cells: np.ndarray, mask: np.ndarray, use_mask: bool, a: np.ndarray, b: np.ndarray,
                        product: bool, n: int) -> tuple[np.ndarray, np.ndarray]:
    """By cell (0 .. n-1), in order, over the positions where ``mask`` (all if not ``use_mask``): the sums of
    ``a`` and of ``a x b`` (``product``) or of ``b``."""
    if use_mask:
        cells, a, b = cells[mask], a[mask], b[mask]
    return (np.bincount(cells, weights=a, minlength=n),
            np.bincount(cells, weights=a * b if product else b, minlength=n))


# ---- compiled versions (sim/kernels_numba.py, imported on first use) --------------------------------------
def _compile():
    from sim.kernels_numba import (
        add_output,
        below_bound,
        below_bound_sums_keyed,
        book_profits,
        cell_sums,
        district_sums,
        grow,
        hiring_totals,
        move_demand,
        running_cell_weight,
        running_cell_weight_sums,
        running_weight,
        scale_by_cell,
        share_out_rows,
        splitmix_bits,
        still_alive,
        sums_by_cell,
        two_cell_sums,
    )

    # a first call of each with the model's argument types: loading (or compiling) them happens here, at first use
    rows, live = warm_up_rows()
    values, cells = np.ones(2), np.zeros(2, dtype=np.int64)
    for some_rows in (rows, live):
        splitmix_bits(some_rows, np.uint64(1))
        below_bound(some_rows, np.uint64(1), cells)
    add_output(values.copy(), values, values, cells, values, values, 0.25)
    cell_sums(cells, values, 1)
    running_weight(values, np.ones(2, dtype=np.bool_), rows)
    grow(values.copy(), values, values.copy(), 0.25)
    sectors = np.zeros(2, dtype=np.int16)  # the firm table's sector column
    for some_rows in (rows, live):
        sums_by_cell(some_rows, sectors, values, 1)
        scale_by_cell(some_rows, sectors, values.copy(), values)
        running_cell_weight(some_rows, sectors, values)
        still_alive(some_rows, np.ones(2, dtype=np.bool_))
        below_bound_sums_keyed(some_rows, rows, np.uint64(1), cells, sectors, values, 1)
        running_cell_weight_sums(some_rows, sectors, values, values, 1)
        outside = np.zeros(2, dtype=np.bool_)
        inside = hiring_totals(some_rows, outside, sectors, sectors, values, values, 1)[0]
        share_out_rows(some_rows, inside, sectors, values, values, values, values)
    flags = np.ones(2, dtype=np.bool_)
    district_sums(values, flags, True, ~flags, sectors, sectors, sectors, sectors, 1, 1, 1)
    two_cell_sums(sectors, flags, True, values, values, True, 1)
    book_profits(rows, values, values, 1.0, values, values.copy(), sectors.copy())
    for some_rows in (rows, live):
        move_demand(some_rows, sectors, values, values, values, values, values, 1.0, values.copy())
    return (splitmix_bits, below_bound, add_output, cell_sums, running_weight, grow, sums_by_cell, scale_by_cell,
            running_cell_weight, still_alive, below_bound_sums_keyed, running_cell_weight_sums, hiring_totals,
            share_out_rows, district_sums, two_cell_sums, book_profits,
            move_demand)


MIN_ROWS = 20_000  # below this the numpy versions are as fast, and a process need not load numba (~0.3 s)
_compiled: tuple | None = None
_loaded = False


def compiled():
    """The compiled kernels, loaded on first use (None without numba or with XINHUI_SIM_NO_NUMBA=1)."""
    global _compiled, _loaded
    if not _loaded:
        _loaded = True
        if os.environ.get("XINHUI_SIM_NO_NUMBA") != "1":
            try:
                _compiled = _compile()
            except ImportError:
                _compiled = None
    return _compiled


def _use(rows: int):
    return compiled() if rows >= MIN_ROWS else None


def splitmix_bits(rows: np.ndarray, base: np.uint64) -> np.ndarray:
    rows = np.asarray(rows)
    kernels = _use(rows.size)
    if kernels:
        return kernels[0](np.ascontiguousarray(rows, dtype=np.int64), np.uint64(base))
    return splitmix_bits_numpy(rows, base)


def below_bound(rows: np.ndarray, base: np.uint64, bound: np.ndarray) -> np.ndarray:
    kernels = _use(rows.size)
    if kernels:
        return kernels[1](np.ascontiguousarray(rows, dtype=np.int64), np.uint64(base), bound)
    return below_bound_numpy(rows, base, bound)


def add_output(output: np.ndarray, capacity: np.ndarray, productivity: np.ndarray, cell: np.ndarray,
               per_cell: np.ndarray, demand: np.ndarray, per_step: float) -> None:
    kernels = _use(output.size)
    if kernels:
        kernels[2](output, capacity, productivity, cell, per_cell, demand, per_step)
    else:
        add_output_numpy(output, capacity, productivity, cell, per_cell, demand, per_step)


def cell_sums(cells: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    kernels = _use(cells.size)
    if kernels:
        return kernels[3](np.ascontiguousarray(cells, dtype=np.int64), np.ascontiguousarray(values, dtype=np.float64), n)
    return cell_sums_numpy(cells, values, n)


def running_weight(weights: np.ndarray, include: np.ndarray, rows: np.ndarray) -> np.ndarray:
    kernels = _use(weights.size)
    if kernels:
        return kernels[4](weights, include, np.ascontiguousarray(rows, dtype=np.int64))
    return running_weight_numpy(weights, include, rows)


def grow(capacity: np.ndarray, growth_factor: np.ndarray, age: np.ndarray, years_per_step: float) -> None:
    kernels = _use(capacity.size)
    if kernels:
        kernels[5](capacity, growth_factor, age, years_per_step)
    else:
        grow_numpy(capacity, growth_factor, age, years_per_step)


def sums_by_cell(rows: np.ndarray, cells: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    kernels = _use(rows.size)
    if kernels:
        return kernels[6](rows, cells, values, n)
    return sums_by_cell_numpy(rows, cells, values, n)


def scale_by_cell(rows: np.ndarray, cells: np.ndarray, values: np.ndarray, factor: np.ndarray) -> None:
    kernels = _use(rows.size)
    if kernels:
        kernels[7](rows, cells, values, factor)
    else:
        scale_by_cell_numpy(rows, cells, values, factor)


def running_cell_weight(rows: np.ndarray, cells: np.ndarray, weight: np.ndarray) -> np.ndarray:
    kernels = _use(rows.size)
    if kernels:
        return kernels[8](rows, cells, weight)
    return running_cell_weight_numpy(rows, cells, weight)


def still_alive(rows: np.ndarray, alive: np.ndarray) -> np.ndarray:
    kernels = _use(rows.size)
    if kernels:
        return kernels[9](rows, alive)
    return still_alive_numpy(rows, alive)


def running_cell_weight_sums(rows: np.ndarray, cells: np.ndarray, weight: np.ndarray, values: np.ndarray,
                             n: int) -> tuple[np.ndarray, np.ndarray]:
    """``running_cell_weight(rows, cells, weight)`` and ``sums_by_cell(rows, cells, values, n)``, in one pass if
    compiled."""
    kernels = _use(rows.size)
    if kernels:
        return kernels[11](rows, cells, weight, values, n)
    return running_cell_weight_numpy(rows, cells, weight), sums_by_cell_numpy(rows, cells, values, n)


def hiring_totals(rows: np.ndarray, outside: np.ndarray, park: np.ndarray, town: np.ndarray, wanted: np.ndarray,
                  staff: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    kernels = _use(rows.size)
    if kernels:
        return kernels[12](rows, outside, park, town, wanted, staff, n)
    return hiring_totals_numpy(rows, outside, park, town, wanted, staff, n)


def share_out_rows(rows: np.ndarray, inside: np.ndarray, town: np.ndarray, wanted: np.ndarray, staff: np.ndarray,
                   keep_fill: np.ndarray, growth_fill: np.ndarray) -> np.ndarray:
    kernels = _use(rows.size)
    if kernels:
        return kernels[13](rows, inside, town, wanted, staff, keep_fill, growth_fill)
    return share_out_rows_numpy(rows, inside, town, wanted, staff, keep_fill, growth_fill)


def district_sums(values: np.ndarray, alive: np.ndarray, only_alive: bool, outside: np.ndarray, park: np.ndarray,
                  cells_a: np.ndarray, cells_b: np.ndarray, cells_c: np.ndarray, n_a: int, n_b: int,
                  n_c: int) -> tuple[np.ndarray, np.ndarray]:
    kernels = _use(values.size)
    if kernels:
        return kernels[14](values, alive, only_alive, outside, park, cells_a, cells_b, cells_c, n_a, n_b, n_c)
    return district_sums_numpy(values, alive, only_alive, outside, park, cells_a, cells_b, cells_c, n_a, n_b, n_c)


def two_cell_sums(cells: np.ndarray, mask: np.ndarray, use_mask: bool, a: np.ndarray, b: np.ndarray, product: bool,
                  n: int) -> tuple[np.ndarray, np.ndarray]:
    kernels = _use(cells.size)
    if kernels:
        return kernels[15](cells, mask, use_mask, a, b, product, n)
    return two_cell_sums_numpy(cells, mask, use_mask, a, b, product, n)


def book_profits(rows: np.ndarray, value_added: np.ndarray, employed: np.ndarray, wage_10k_cny: float,
                 depreciation: np.ndarray, profit: np.ndarray, loss_years: np.ndarray) -> np.ndarray:
    kernels = _use(rows.size)
    if kernels:
        return kernels[16](rows, value_added, employed, float(wage_10k_cny), depreciation, profit, loss_years)
    return book_profits_numpy(rows, value_added, employed, wage_10k_cny, depreciation, profit, loss_years)


def move_demand(live: np.ndarray, sectors: np.ndarray, sales: np.ndarray, power: np.ndarray, mean: np.ndarray,
                growth: np.ndarray, level: np.ndarray, elasticity: float, demand: np.ndarray) -> np.ndarray:
    kernels = _use(live.size)
    if kernels:
        return kernels[17](live, sectors, sales, power, mean, growth, level, float(elasticity), demand)
    return move_demand_numpy(live, sectors, sales, power, mean, growth, level, elasticity, demand)


def below_bound_sums_keyed(rows: np.ndarray, keys: np.ndarray, base: np.uint64, bound: np.ndarray,
                           cells: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions i where the bits of each row's draw key ``keys[rows[i]]`` (sim.randomness) are below
    ``bound[rows[i]]``, and ``sums_by_cell(rows, cells, values, n)``, in one pass if compiled."""
    kernels = _use(rows.size)
    if kernels:
        return kernels[10](np.ascontiguousarray(rows, dtype=np.int64), keys, np.uint64(base), bound, cells, values, n)
    bits = splitmix_bits_numpy(keys.take(rows), base).view(np.int64)
    return np.flatnonzero(bits < bound.take(rows)), sums_by_cell_numpy(rows, cells, values, n)


def load_compiled(compile_kernels):
    """``compile_kernels()`` (a module's loader of its numba kernels), or None without numba or with
    XINHUI_SIM_NO_NUMBA=1: the rule a kernel module's cached ``compiled()`` follows."""
    if os.environ.get("XINHUI_SIM_NO_NUMBA") == "1":
        return None
    try:
        return compile_kernels()
    except ImportError:
        return None


def warm_up_rows() -> tuple[np.ndarray, np.ndarray]:
    """Rows for a kernel's first call (which loads or compiles it), as the model passes them: writable, and
    read-only as ``FirmPopulation.live()`` is (numba compiles read-only arrays apart)."""
    rows = np.arange(2, dtype=np.int64)
    live = rows.copy()
    live.setflags(write=False)
    return rows, live

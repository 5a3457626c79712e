"""Compiled loops (numba) for the firm work of the quarterly steps and of the year's start (incumbents'
investment, hiring's wants), with numpy equivalents as the reference.

As in sim/kernels.py: each kernel does in one pass over the live firm rows what its numpy equivalent does with a
dozen gathers, temporaries and scatters, with the same arithmetic in the same order, so that the results are
identical bit for bit (tests/test_kernels_step.py runs both); transcendental functions (powers, logs) stay in
numpy, whose vectorised versions need not give the bits of the C library's. The compiled versions are used from
``kernels.MIN_ROWS`` rows, unless numba is missing or ``XINHUI_SIM_NO_NUMBA=1``.
"""

from __future__ import annotations

import functools

import numpy as np

from sim import kernels, randomness


# ---- numpy versions (the reference) ----------------------------------------------------------------------
def invest_rows_numpy(live, town, kappa_by_town, rationed, kappa_rationed, demand, competitiveness, capacity,
                      output_last_year, sector, va_ratio, employment, in_district, capital_intensity, investment,
                      wage_10k_cny, labour_share, utilisation, depreciation, capital_output_ratio, financing_multiple):
    """``capital.invest``'s arithmetic for the live rows: writes ``capital_intensity`` and ``investment``;
    returns each firm's capacity at year end over its capacity now, and the in-district firms' investments (in
    row order, for a numpy sum). ``kappa_rationed``: κ* of the firms at the positions ``rationed`` (ascending
    positions in ``live`` of the firms whose fill is below 1); the others' is their town's, ``kappa_by_town``."""
    kappa_new = kappa_by_town[town[live]]
    kappa_new[rationed] = kappa_rationed
    desired = demand[live] / (utilisation * np.maximum(competitiveness, 1e-9))
    sales = np.where(output_last_year[live] > 0, output_last_year[live], demand[live])  # labour.last_sales
    value_added = sales * va_ratio[sector[live]]
    wages = employment[live] * wage_10k_cny / 1e4
    wages = np.where(employment[live] <= 0, value_added * labour_share, wages)
    cash_flow = value_added - wages
    gap = np.maximum(desired - (1.0 - depreciation) * capacity[live], 0.0)
    planned = np.minimum(capital_output_ratio * kappa_new * gap, financing_multiple * np.maximum(cash_flow, 0.0))
    now = np.maximum(capacity[live], 1e-12)
    kept = (1.0 - depreciation) * now
    built = planned / (capital_output_ratio * kappa_new)
    total = kept + built
    blended = (capital_intensity[live] * kept + kappa_new * built) / np.maximum(total, 1e-300)
    capital_intensity[live] = np.where(total > 0, blended, kappa_new)
    investment[live] = planned
    return (kept + built) / now, planned[in_district[live]]


def rationed_rows_numpy(live, fill, town):
    """The positions in ``live`` (ascending) of the firms whose ``fill`` (by position) is below 1, their towns and
    their fills."""
    positions = np.flatnonzero(fill < 1.0)
    return positions, town[live[positions]], fill[positions]


def hiring_wants_numpy(rows, sector, demand, competitiveness, reference, labour_productivity_base, kappa_b, va_ratio,
                       in_district, output_last_year):
    """``labour.start_year``'s wants: the workers each firm wants for its demand (at ``labour_productivity``),
    and for the in-district firms (in row order, for numpy sums) the deepening index's weights and weights over
    κ^b (``labour.deepening_index``)."""
    lp = labour_productivity_base * (competitiveness / reference[sector[rows]]) * kappa_b
    va_ratio_rows = va_ratio[sector[rows]]
    wanted = demand[rows] * va_ratio_rows * 1e4 / lp
    inside = in_district[rows]
    sales = np.where(output_last_year[rows] > 0, output_last_year[rows], demand[rows])  # labour.last_sales
    weight = (sales * va_ratio_rows)[inside]
    return wanted, weight, weight / kappa_b[inside]


def ration_numpy(rows, wanted, got, demand):
    """Each firm's fill (the share of the workers it wanted that it got); its demand is capped by it."""
    fill = np.where(wanted > 0, np.minimum(got / np.maximum(wanted, 1e-12), 1.0), 1.0)
    demand[rows] *= fill
    return fill


def scale_rows_numpy(rows, column, factor):
    column[rows] *= factor


def finish_upgrades_numpy(live, upgrading, productivity, gain_factor, place_cell, place):
    """Firms whose 技改 ends gain ``gain_factor`` of productivity; returns each live firm's competitiveness
    (own productivity x its place cell's multiplier, ``demand.competitiveness``)."""
    finished = live[upgrading[live]]
    productivity[finished] *= gain_factor
    upgrading[finished] = False
    return productivity[live] * place[place_cell[live]]


def exit_bounds_numpy(rows, age, sales, bounds, first_exponent, out):
    """``out[rows]``: the exit draws' bound of each firm, looked up in ``bounds`` (ages x binary exponents of
    sales, ``firm_dynamics.exit_bound_table``) by its age and the binary exponent of its sales."""
    _, exponent = np.frexp(np.maximum(sales[rows], 1e-6))
    column = np.minimum(exponent - first_exponent, bounds.shape[1] - 1)
    row = np.minimum(age[rows].astype(np.intp), bounds.shape[0] - 1)
    out[rows] = bounds.ravel()[row * bounds.shape[1] + column]


def still_alive_into_numpy(rows, alive, out):
    """The rows (in their order) whose ``alive`` flag is set, into the start of ``out``; returns their count."""
    kept = rows[alive[rows]]
    out[: kept.size] = kept
    return kept.size


def put_rows_numpy(rows, values, column):
    column[rows] = values


def open_year_rows_numpy(live, productivity, tfp_factor, upgrading, gain_factor, place_cell, place, sector, demand,
                         draw_key, growth_base, loss_years, exit_loss_years, n):
    """The year's first pass over the live rows (``firm_dynamics.start_year``): own productivity x ``tfp_factor``
    (F6) and the 技改 that end, then each firm's competitiveness (``finish_upgrades_numpy``); its sector, its sales,
    its keyed growth uniform (``randomness.keyed_uniform`` with the base ``growth_base``) and whether its loss
    streak reached ``exit_loss_years``; by sector (0 .. n-1, in row order) the sums of sales and of sales x
    competitiveness (``demand.sector_means``)."""
    scale_rows_numpy(live, productivity, tfp_factor)
    power = finish_upgrades_numpy(live, upgrading, productivity, gain_factor, place_cell, place)
    sectors, sales = sector.take(live), demand.take(live)
    weight, weighted = kernels.two_cell_sums_numpy(sectors, kernels.NO_MASK, False, sales, power, True, n)
    uniform = randomness.uniform_from_bits(kernels.splitmix_bits_numpy(draw_key.take(live), growth_base))
    return power, sectors, sales, uniform, weight, weighted, loss_years.take(live) >= exit_loss_years


def _compile():
    from sim.kernels_step_numba import (
        exit_bounds,
        exit_candidates,
        exit_leavers,
        growth_exponents,
        hiring_wants,
        invest_rows,
        laplace_parts,
        open_year_rows,
        put_rows,
        ration,
        rationed_rows,
        relative_sizes,
        scale_rows,
        still_alive_into,
    )

    values, cells = np.ones(2), np.zeros(2, dtype=np.int64)
    flags, sectors = np.zeros(2, dtype=np.bool_), np.zeros(2, dtype=np.int16)  # the firm table's column types
    for some_rows in kernels.warm_up_rows():
        invest_rows(some_rows, sectors, values, cells, values, values, values, values, values, sectors, values,
                    values, flags, values.copy(), values.copy(), 1.0, 0.5, 0.75, 0.1, 2.0, 3.0)
        put_rows(some_rows, values, values.copy())
        hiring_wants(some_rows, sectors, values, values, values, 1.0, values, values, flags, values)
        ration(some_rows, values, values, values.copy())
        scale_rows(some_rows, values.copy(), 1.0)
        exit_bounds(some_rows, values, values, np.zeros((2, 2), dtype=np.int64), -1, cells.copy())
        still_alive_into(some_rows, flags, cells.copy())
        open_year_rows(some_rows, values.copy(), 1.0, flags.copy(), 1.0, cells, values, sectors, values, cells,
                       np.uint64(1), sectors, 3.0, 1)
        rationed_rows(some_rows, values, sectors)
        candidates = exit_candidates(some_rows, cells, cells, np.uint64(1), values, values, values, 1.0)
    exit_leavers(candidates[0], values, values, values, 4)
    relative_sizes(values, 1.0)
    spread, magnitude, variance_term = laplace_parts(values, values, 0.2)
    growth_exponents(magnitude, spread, values, variance_term, sectors, values)
    return (invest_rows, put_rows, hiring_wants, ration, scale_rows, exit_bounds, still_alive_into,
            open_year_rows, rationed_rows, (relative_sizes, laplace_parts, growth_exponents),
            (exit_candidates, exit_leavers))


@functools.cache
def compiled() -> tuple | None:
    """The compiled kernels, loaded on first use (None where sim.kernels has none: without numba or with
    XINHUI_SIM_NO_NUMBA=1)."""
    return None if kernels.compiled() is None else _compile()


def _use(rows: int):
    return compiled() if rows >= kernels.MIN_ROWS else None


# ---- dispatch ----------------------------------------------------------------------------------------------
def invest_rows(live, town, kappa_by_town, rationed, kappa_rationed, demand, competitiveness, capacity,
                output_last_year, sector, va_ratio, employment, in_district, capital_intensity, investment,
                wage_10k_cny, labour_share, utilisation, depreciation, capital_output_ratio, financing_multiple):
    compiled_kernels = _use(live.size)
    run = compiled_kernels[0] if compiled_kernels else invest_rows_numpy
    return run(live, town, kappa_by_town, rationed, kappa_rationed, demand, competitiveness, capacity,
               output_last_year, sector, va_ratio, employment, in_district, capital_intensity, investment,
               float(wage_10k_cny), float(labour_share), float(utilisation), float(depreciation),
               float(capital_output_ratio), float(financing_multiple))


def put_rows(rows, values, column) -> None:
    """``column[rows] = values`` (rows distinct)."""
    compiled_kernels = _use(rows.size)
    (compiled_kernels[1] if compiled_kernels else put_rows_numpy)(rows, values, column)


def hiring_wants(rows, sector, demand, competitiveness, reference, labour_productivity_base, kappa_b, va_ratio,
                 in_district, output_last_year):
    compiled_kernels = _use(rows.size)
    run = compiled_kernels[2] if compiled_kernels else hiring_wants_numpy
    return run(rows, sector, demand, competitiveness, reference, float(labour_productivity_base), kappa_b, va_ratio,
               in_district, output_last_year)


def ration(rows, wanted, got, demand) -> np.ndarray:
    compiled_kernels = _use(rows.size)
    return (compiled_kernels[3] if compiled_kernels else ration_numpy)(rows, wanted, got, demand)


def scale_rows(rows, column, factor: float) -> None:
    """``column[rows] *= factor`` (rows distinct)."""
    compiled_kernels = _use(rows.size)
    (compiled_kernels[4] if compiled_kernels else scale_rows_numpy)(rows, column, float(factor))


def exit_bounds(rows, age, sales, bounds, first_exponent: int, out) -> None:
    compiled_kernels = _use(rows.size)
    (compiled_kernels[5] if compiled_kernels else exit_bounds_numpy)(rows, age, sales, bounds, int(first_exponent), out)


def still_alive_into(rows, alive, out) -> int:
    compiled_kernels = _use(rows.size)
    return int((compiled_kernels[6] if compiled_kernels else still_alive_into_numpy)(rows, alive, out))


def open_year_rows(live, productivity, tfp_factor: float, upgrading, gain_factor: float, place_cell, place, sector,
                   demand, draw_key, growth_base: np.uint64, loss_years, exit_loss_years: float, n: int) -> tuple:
    compiled_kernels = _use(live.size)
    run = compiled_kernels[7] if compiled_kernels else open_year_rows_numpy
    return run(live, productivity, float(tfp_factor), upgrading, float(gain_factor), place_cell, place, sector, demand,
               draw_key, np.uint64(growth_base), loss_years, float(exit_loss_years), int(n))


def rationed_rows(live, fill, town) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    compiled_kernels = _use(live.size)
    return (compiled_kernels[8] if compiled_kernels else rationed_rows_numpy)(live, fill, town)


def demand_growth_factors(sectors, sales, uniform, market_growth, spread_at_reference: float, size_exponent: float,
                          reference_size: float) -> np.ndarray | None:
    """exp(market_growth[sector] + the firm's mean-preserving Laplace shock): the arithmetic of
    ``demand.growth_spread``, ``demand.annual_growth`` (drift 0) and ``randomness.laplace_from_uniform`` in three
    compiled passes, their powers and logs numpy's between them; None where not compiled (then they run)."""
    compiled_kernels = _use(sales.size)
    if not compiled_kernels:
        return None
    relative_sizes, laplace_parts, growth_exponents = compiled_kernels[9]
    scaled = relative_sizes(sales, float(reference_size)) ** (-size_exponent)  # numpy's power, as growth_spread's
    spread, magnitude, variance_term = laplace_parts(scaled, uniform, float(spread_at_reference))
    np.log1p(magnitude, out=magnitude)
    np.log1p(variance_term, out=variance_term)
    exponent = growth_exponents(magnitude, spread, uniform, variance_term, sectors, market_growth)
    return np.exp(exponent, out=exponent)


def exit_leavers(live, possible, draw_key, exit_base: np.uint64, age, sales, hazard_by_age, size_elasticity: float,
                 median_size: float, steps: int) -> np.ndarray | None:
    """The firms at the positions ``possible`` of ``live`` whose keyed exit draw this step (base ``exit_base``)
    means an exit: ``firm_dynamics.exit_firms``'s arithmetic (``exit_hazard``, ``integer_power``) in two
    compiled passes, the size's power numpy's between them; None where not compiled (then those run)."""
    compiled_kernels = _use(live.size)
    if not compiled_kernels or steps > 8:  # integer_power multiplies up to 8 times
        return None
    exit_candidates, leavers = compiled_kernels[10]
    rows, uniform, base_hazard, relative = exit_candidates(live, possible, draw_key, np.uint64(exit_base), age, sales,
                                                           np.asarray(hazard_by_age, dtype=np.float64),
                                                           float(median_size))
    return leavers(rows, uniform, base_hazard, relative ** (-size_elasticity), int(steps))

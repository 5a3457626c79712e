"""Compiled loops (numba) for the year's close: the firms' taxes and wage bills by sector and town, with numpy
equivalents as the reference; and the live firms' year-end counts and capital for the tables.

As in sim/kernels.py: each kernel does in one pass over the firm rows what its numpy version does with masks,
gathers and bincounts, with the same arithmetic in the same order (sums by cell are added in row order, as
``np.bincount`` adds them), so the results are identical bit for bit (tests/test_kernels_year.py runs both).
They are used from ``kernels.MIN_ROWS`` rows; below it, without numba or with ``XINHUI_SIM_NO_NUMBA=1``, the
numpy versions run. The compiled loops are in sim/kernels_year_numba.py, imported on first use.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim import kernels

TAXES = ("vat", "cit", "pit", "property", "land", "other")  # public_finance.TAX_TYPES, the rows of tax_sums


# ---- numpy versions (the reference) ----------------------------------------------------------------------
def taxed_rows_numpy(output: np.ndarray, park: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Rows of the firms that produced (``output`` > 0) in a park slot not ``outside`` the district."""
    return np.flatnonzero((output > 0) & ~outside.take(park))


def firm_taxes_numpy(rows: np.ndarray, firms: dict, rates: np.ndarray) -> dict[str, np.ndarray]:
    """Each tax of the given firm rows (亿元): ``firms`` holds the columns (output, sector, high_tech, profit,
    employment, capital_intensity, capacity, land_mu) and ``va_ratio`` by sector; ``rates`` is
    ``tax_rates(...)``."""
    (vat_rate, cit_rate, high_tech_cit_rate, cit_effective, pit_rate, wage_10k_cny, property_rate,
     capital_output_ratio, land_rate, surcharge) = rates.tolist()
    value_added = firms["output"][rows] * firms["va_ratio"][firms["sector"][rows]]
    cit = np.where(firms["high_tech"][rows], high_tech_cit_rate, cit_rate) * cit_effective
    vat = vat_rate * value_added
    wages = firms["employment"][rows] * wage_10k_cny / 1e4
    capital = capital_output_ratio * firms["capital_intensity"][rows] * firms["capacity"][rows]
    return {"vat": vat, "cit": cit * np.maximum(firms["profit"][rows], 0.0), "pit": pit_rate * wages,
            "property": property_rate * capital, "land": land_rate * firms["land_mu"][rows] / 1e4,
            "other": surcharge * vat}


def tax_sums_numpy(firms: dict, outside: np.ndarray, rates: np.ndarray, n_towns: int,
                   n_sectors: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each tax (``TAXES``) of the firms that produced in the district, summed by sector x town cell
    (6 x sectors*towns, cell sector * n_towns + town), in row order; the rows (ascending) of those firms drawn
    by another town than their host (``origin_town``: revenue sharing) and of the firms that produced outside the
    district (the co-built park's)."""
    rows = taxed_rows_numpy(firms["output"], firms["park"], outside)
    taxes = firm_taxes_numpy(rows, firms, rates)
    cells = firms["sector"][rows].astype(np.int64) * n_towns + firms["town"][rows]
    sums = np.stack([np.bincount(cells, weights=taxes[tax], minlength=n_sectors * n_towns) for tax in TAXES])
    handed = rows[firms["origin_town"][rows] != firms["town"][rows]]
    return sums, handed, np.flatnonzero((firms["output"] > 0) & outside.take(firms["park"]))


def wage_bills_numpy(output: np.ndarray, park: np.ndarray, outside: np.ndarray, sector: np.ndarray,
                     employment: np.ndarray, wage_10k_cny: float, n_sectors: int) -> np.ndarray:
    """The wage bill (亿元: employment x wage / 1e4) of the firms that produced in the district, by sector."""
    rows = taxed_rows_numpy(output, park, outside)
    return np.bincount(sector[rows], weights=employment[rows] * wage_10k_cny / 1e4, minlength=n_sectors)


def industry_sums_numpy(place_key: np.ndarray, output: np.ndarray, threshold: float, in_district: np.ndarray,
                        n_cells: int, origin_town: np.ndarray, town: np.ndarray, sector: np.ndarray,
                        n_towns: int, n_sectors: int) -> tuple:
    """The year's industrial output by place cell (``place_key``) of all firm rows and of those at or above
    ``threshold`` (亿元, added in row order), the number of firms in the district with 10亿元 or more, the
    rows (ascending) of the firms that produced in the district drawn by another town than their host
    (``origin_town``: their value added handed on, ``RegionModel.handed_on_va``), and the output in the
    district by town x n_sectors + sector (row order: ``kernels.district_sums_numpy``'s)."""
    by_place = kernels.cell_sums_numpy(place_key, output, n_cells)
    above_rows = np.flatnonzero(output >= threshold)
    above = kernels.cell_sums_numpy(place_key[above_rows], output[above_rows], n_cells)
    produced = output > 0
    inside = np.flatnonzero(produced & in_district)
    by_town_sector = np.bincount(town[inside].astype(np.int64) * n_sectors + sector[inside], weights=output[inside],
                                 minlength=n_towns * n_sectors)
    return (by_place, above, int(np.count_nonzero((output >= 10.0) & in_district)),
            np.flatnonzero((origin_town != town) & produced & in_district), by_town_sector)

def live_firm_sums_numpy(live: np.ndarray, in_district: np.ndarray, above_scale: np.ndarray, high_tech: np.ndarray,
                         place_key: np.ndarray, capital_intensity: np.ndarray, capacity: np.ndarray,
                         capital_output_ratio: float, n_cells: int) -> tuple:
    """The year-end tables of the live firms (``live``: their rows, ascending): their count by place cell
    (``place_key``, the co-built park's included); the counts of those in the district, above scale and
    high-tech among them; and the capital (ratio x κ x capacity, 亿元) of each in the district, in row order
    (the caller sums it with numpy, as ``capital.capital_stock(...).sum()``)."""
    by_place = np.bincount(place_key[live], minlength=n_cells)
    inside = live[in_district[live]]
    capital = capital_output_ratio * capital_intensity[inside] * capacity[inside]
    return (by_place, inside.size, int(np.count_nonzero(above_scale[inside])),
            int(np.count_nonzero(high_tech[inside])), capital)


def certification_candidates_numpy(alive: np.ndarray, above_scale: np.ndarray,
                                   high_tech: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (ascending) of the live high-tech firms (who may lose the certificate) and of the live above-scale
    firms not high-tech (who may gain it): ``firm_dynamics.certify_high_tech``."""
    return np.flatnonzero(alive & high_tech), np.flatnonzero(alive & above_scale & ~high_tech)


def roll_over_year_numpy(alive: np.ndarray, above_scale: np.ndarray, output_year: np.ndarray,
                        output_last_year: np.ndarray, threshold: float) -> tuple[np.ndarray, int]:
    """小升规 status from this year's output (live firms at or above ``threshold``; an exited firm keeps its
    status) and the number of firms newly above; then this year's output becomes last year's and the year's
    output starts at 0 (in place). ``firm_dynamics.close_year`` sets the status."""
    # np.where on boolean arrays is ~15 times slower here than the same choice by bitwise operations
    above = (alive & (output_year >= threshold)) | (above_scale & ~alive)
    newly = int(np.count_nonzero(above & ~above_scale))
    output_last_year[:] = output_year
    output_year[:] = 0.0
    return above, newly


# ---- dispatch ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def compiled():
    """The compiled year-close kernels, loaded on first use (None where sim.kernels has none)."""
    if kernels.compiled() is None:
        return None
    from sim.kernels_year_numba import warm_up

    return warm_up()


def _use(rows: int):
    return compiled() if rows >= kernels.MIN_ROWS else None


def tax_rates(fp, wage_10k_cny: float, capital_output_ratio: float) -> np.ndarray:
    """The rates ``tax_sums`` reads, in its order (scenario ``fiscal``, the wage and the capital-output ratio)."""
    return np.array([fp.vat_rate_on_industrial_va, fp.cit_rate, fp.high_tech_cit_rate, fp.cit_effective_share,
                     fp.pit_rate_on_wages, wage_10k_cny, fp.property_tax_rate_on_capital, capital_output_ratio,
                     fp.land_use_tax_10k_cny_per_mu, fp.surcharge_rate_on_vat], dtype=np.float64)


def tax_sums(firms: dict, outside: np.ndarray, rates: np.ndarray, n_towns: int, n_sectors: int,
             n_zones: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict | None]:
    """``tax_sums_numpy``, and from ``kernels.MIN_ROWS`` rows, from the same compiled pass over the producing
    firms in the district, what two later passes would add up over them in the same order (``None`` below it):
    ``wage_bills`` (``wage_bills_numpy`` at the wage of ``rates``), ``jobs_by_town`` and ``jobs_by_cluster``
    (zone x n_sectors + sector: ``kernels.district_sums`` of the employment; ``firms["zone"]`` gives the zone)."""
    compiled_kernels = _use(firms["output"].size)
    if compiled_kernels:
        sums, handed, outside_rows, bills, by_town, by_cluster = compiled_kernels[0](
            firms["output"], firms["park"], outside, firms["sector"], firms["town"], firms["zone"],
            firms["origin_town"], firms["va_ratio"], firms["high_tech"], firms["profit"], firms["employment"],
            firms["capital_intensity"], firms["capacity"], firms["land_mu"], rates, n_towns, n_zones, n_sectors)
        return sums, handed, outside_rows, {"wage_bills": bills, "jobs_by_town": by_town, "jobs_by_cluster": by_cluster}
    return (*tax_sums_numpy(firms, outside, rates, n_towns, n_sectors), None)


def wage_bills(output: np.ndarray, park: np.ndarray, outside: np.ndarray, sector: np.ndarray,
               employment: np.ndarray, wage_10k_cny: float, n_sectors: int) -> np.ndarray:
    compiled_kernels = _use(output.size)
    if compiled_kernels:
        return compiled_kernels[1](output, park, outside, sector, employment, float(wage_10k_cny), n_sectors)
    return wage_bills_numpy(output, park, outside, sector, employment, wage_10k_cny, n_sectors)


def firm_accounts(rows: int):
    """The compiled firm accounts (sim/kernels_year_numba.py ``account_firms``) for ``rows`` producing firms, or
    None: then ``firm_dynamics.account_firms`` runs its numpy path, the reference."""
    compiled_kernels = _use(rows)
    return compiled_kernels[2] if compiled_kernels else None


def industry_sums(place_key: np.ndarray, output: np.ndarray, threshold: float, in_district: np.ndarray,
                  n_cells: int, origin_town: np.ndarray, town: np.ndarray, sector: np.ndarray, n_towns: int,
                  n_sectors: int) -> tuple:
    """``industry_sums_numpy`` in one compiled pass over the firm rows from ``kernels.MIN_ROWS`` rows
    (``RegionModel.account_industry``)."""
    compiled_kernels = _use(output.size)
    if compiled_kernels:
        by_place, above, over, handed, by_town_sector = compiled_kernels[3](
            np.ascontiguousarray(place_key, dtype=np.int64), output, float(threshold), in_district, n_cells,
            origin_town, town, sector, n_towns, n_sectors)
        return by_place, above, int(over), handed, by_town_sector
    return industry_sums_numpy(place_key, output, threshold, in_district, n_cells, origin_town, town, sector, n_towns,
                               n_sectors)


def live_firm_sums(live: np.ndarray, in_district: np.ndarray, above_scale: np.ndarray, high_tech: np.ndarray,
                   place_key: np.ndarray, capital_intensity: np.ndarray, capacity: np.ndarray,
                   capital_output_ratio: float, n_cells: int) -> tuple:
    """``live_firm_sums_numpy`` in one compiled pass over the live rows from ``kernels.MIN_ROWS`` rows (the
    tables' live-firm columns: ``indicators.Recorder.record_year``)."""
    compiled_kernels = _use(in_district.size)
    if compiled_kernels:
        by_place, inside, above, tech, capital = compiled_kernels[4](live, in_district, above_scale, high_tech,
                                                                     place_key, capital_intensity, capacity,
                                                                     float(capital_output_ratio), n_cells)
        return by_place, int(inside), int(above), int(tech), capital
    return live_firm_sums_numpy(live, in_district, above_scale, high_tech, place_key, capital_intensity, capacity,
                                capital_output_ratio, n_cells)


def certification_candidates(alive: np.ndarray, above_scale: np.ndarray,
                             high_tech: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``certification_candidates_numpy`` in one compiled pass from ``kernels.MIN_ROWS`` rows."""
    compiled_kernels = _use(alive.size)
    if compiled_kernels:
        return compiled_kernels[5](alive, above_scale, high_tech)
    return certification_candidates_numpy(alive, above_scale, high_tech)


def roll_over_year(alive: np.ndarray, above_scale: np.ndarray, output_year: np.ndarray,
                   output_last_year: np.ndarray, threshold: float) -> tuple[np.ndarray, int]:
    """``roll_over_year_numpy`` in one compiled pass from ``kernels.MIN_ROWS`` rows."""
    compiled_kernels = _use(alive.size)
    if compiled_kernels:
        above, newly = compiled_kernels[6](alive, above_scale, output_year, output_last_year, float(threshold))
        return above, int(newly)
    return roll_over_year_numpy(alive, above_scale, output_year, output_last_year, threshold)

"""The numba versions of sim/kernels_year.py's loops (imported only when they are used; see that module).

Module-level functions, so that numba's on-disk cache (``cache=True``) serves every process; each loop does the
arithmetic of its numpy equivalent in kernels_year.py in the same order.
"""

from __future__ import annotations

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True)


@jit
def tax_sums(output, park, outside, sector, town, zone, origin_town, va_ratio, high_tech, profit, employment,
             capital_intensity, capacity, land_mu, rates, n_towns, n_zones, n_sectors):
    """tax_sums_numpy in one pass: each firm's taxes added to its sector x town cell in row order; the rows of
    the taxed firms drawn by another town than their host (``origin_town``) and of those that produced outside
    the district (few: written at each row, counted without a branch); and, over the taxed rows in the same
    order, the wage bills by sector (wage_bills_numpy) and the employment by town and by zone x sector
    (kernels.district_sums_numpy of the employment: the rows with a positive one)."""
    vat_rate, cit_rate, high_tech_cit_rate, cit_effective = rates[0], rates[1], rates[2], rates[3]
    pit_rate, wage, property_rate, capital_output_ratio = rates[4], rates[5], rates[6], rates[7]
    land_rate, surcharge = rates[8], rates[9]
    sums = np.zeros((6, n_sectors * n_towns))
    bills, jobs_by_town, jobs_by_cluster = np.zeros(n_sectors), np.zeros(n_towns), np.zeros(n_zones * n_sectors)
    handed, away = np.empty(output.size, np.int64), np.empty(output.size, np.int64)
    n_handed = n_away = 0
    for i in range(output.size):
        slot = park[i] if park[i] >= 0 else park[i] + outside.size  # park -1: no park (the last flag)
        produced = output[i] > 0
        away[n_away] = i
        n_away += produced & outside[slot]
        if not produced or outside[slot]:
            continue
        handed[n_handed] = i
        n_handed += origin_town[i] != town[i]
        cell = np.int64(sector[i]) * n_towns + town[i]
        vat = vat_rate * (output[i] * va_ratio[sector[i]])
        cit = (high_tech_cit_rate if high_tech[i] else cit_rate) * cit_effective
        wages = employment[i] * wage / 1e4
        sums[0, cell] += vat
        sums[1, cell] += cit * max(profit[i], 0.0)
        sums[2, cell] += pit_rate * wages
        sums[3, cell] += property_rate * (capital_output_ratio * capital_intensity[i] * capacity[i])
        sums[4, cell] += land_rate * land_mu[i] / 1e4
        sums[5, cell] += surcharge * vat
        bills[sector[i]] += wages
        if employment[i] > 0:
            jobs_by_town[town[i]] += employment[i]
            jobs_by_cluster[np.int64(zone[i]) * n_sectors + sector[i]] += employment[i]
    return sums, handed[:n_handed].copy(), away[:n_away].copy(), bills, jobs_by_town, jobs_by_cluster


@jit
def wage_bills(output, park, outside, sector, employment, wage, n_sectors):
    """wage_bills_numpy in one pass."""
    bills = np.zeros(n_sectors)
    for i in range(output.size):
        slot = park[i] if park[i] >= 0 else park[i] + outside.size
        if output[i] > 0 and not outside[slot]:
            bills[sector[i]] += employment[i] * wage / 1e4
    return bills


@jit
def account_firms(rows, sector, alive, output, productivity, place_cell, multipliers, va_ratio, reference, base_lp,
                  deep, wage, depreciation_rate, capital_output_ratio, capital_intensity, capacity, employment, profit,
                  loss_years, n_sectors):
    """sim.rules.firm_dynamics.account_firms's numpy path in one pass over the producing rows: competitiveness,
    value added, employment (sim.rules.labour.employment, ``deep`` = κ^b of each row), depreciation, profit and
    loss streak (kernels.book_profits), the live firms' sales and profits by sector (kernels.two_cell_sums).
    Without a branch on the loss (about a quarter of the firms lose, in no order) or on exit: an exited firm adds
    0.0 to its sector's sums, which leaves them as they are (they start at +0.0 and never become -0.0)."""
    sales, earned = np.zeros(n_sectors), np.zeros(n_sectors)
    for i in range(rows.size):
        row, s = rows[i], sector[rows[i]]
        live = alive[row]
        power = productivity[row] * multipliers[place_cell[row]] if live else productivity[row]
        value_added = output[row] * va_ratio[s]
        employed = value_added * 1e4 / max(base_lp * (power / reference[s]) * deep[i], 1e-9)
        employment[row] = employed
        booked = value_added - employed * wage / 1e4 - depreciation_rate * (
            capital_output_ratio * capital_intensity[row] * capacity[row])
        profit[row] = booked
        loss_years[row] = (loss_years[row] + 1) * (booked < 0)
        sales[s] += output[row] if live else 0.0
        earned[s] += booked if live else 0.0
    return sales, earned


@jit
def industry_sums(place_key, output, threshold, in_district, n_cells, origin_town, town, sector, n_towns, n_sectors):
    """industry_sums_numpy in one pass: output by place cell, the same at or above ``threshold``, and the
    count of firms in the district with 10亿元 or more, added in row order; the rows of the handed-on firms
    (few: written at each row, counted without a branch); the
    output in the district by town x sector, in row order. No branch on a row's output (about a third of the
    rows made none, in no order): a row that does not count adds 0.0, which leaves a sum (from +0.0, never -0.0)
    as it is."""
    by_place, above, over = np.zeros(n_cells), np.zeros(n_cells), 0
    by_town_sector = np.zeros(n_towns * n_sectors)
    handed = np.empty(output.size, np.int64)
    n_handed = 0
    for row in range(output.size):
        value, cell = output[row], place_key[row]
        by_place[cell] += value
        above[cell] += value if value >= threshold else 0.0  # without a branch: adding 0.0 leaves a sum as it is
        over += (value >= 10.0) & in_district[row]
        handed[n_handed] = row
        produced = value > 0
        by_town_sector[np.int64(town[row]) * n_sectors + sector[row]] += value if produced & in_district[row] else 0.0
        n_handed += produced & in_district[row] & (origin_town[row] != town[row])
    return by_place, above, over, handed[:n_handed].copy(), by_town_sector


@jit
def live_firm_sums(live, in_district, above_scale, high_tech, place_key, capital_intensity, capacity,
                   capital_output_ratio, n_cells):
    """kernels_year.live_firm_sums_numpy in one pass over the live rows."""
    by_place = np.zeros(n_cells, np.int64)
    capital = np.empty(live.size)
    inside = above = tech = 0
    for row in live:
        by_place[place_key[row]] += 1
        if in_district[row]:
            capital[inside] = capital_output_ratio * capital_intensity[row] * capacity[row]
            inside += 1
            above += above_scale[row]
            tech += high_tech[row]
    return by_place, inside, above, tech, capital[:inside]


@jit
def certification_candidates(alive, above_scale, high_tech):
    """kernels_year.certification_candidates_numpy in one pass without a branch: each row written at both
    counts, which move on by whether it is certified (live, high-tech) or eligible (live, above scale, not
    high-tech)."""
    certified, eligible = np.empty(alive.size, np.int64), np.empty(alive.size, np.int64)
    n_certified = n_eligible = 0
    for row in range(alive.size):
        certified[n_certified], eligible[n_eligible] = row, row
        n_certified += alive[row] & high_tech[row]
        n_eligible += alive[row] & above_scale[row] & (not high_tech[row])
    return certified[:n_certified], eligible[:n_eligible]


@jit
def roll_over_year(alive, above_scale, output_year, output_last_year, threshold):
    """kernels_year.roll_over_year_numpy in one pass: the new status and the count of firms newly above, and
    the output's roll-over, in place."""
    above = np.empty(alive.size, np.bool_)
    newly = 0
    for row in range(alive.size):
        output, was = output_year[row], above_scale[row]
        now = (alive[row] & (output >= threshold)) | (was & (not alive[row]))
        above[row] = now
        newly += now & (not was)
        output_last_year[row] = output
        output_year[row] = 0.0
    return above, newly


def warm_up() -> tuple:
    """A first call of each kernel with the firm table's column types: loading (or compiling) happens here."""
    values, flags = np.ones(2), np.zeros(2, dtype=np.bool_)
    small, rates = np.zeros(2, dtype=np.int16), np.ones(10)
    outside = np.zeros(3, dtype=np.bool_)
    tax_sums(values, small, outside, small, small, small, small, values, flags, values, values, values, values, values,
             rates, 1, 1, 1)
    wage_bills(values, small, outside, small, values, 1.0, 1)
    rows = np.arange(2, dtype=np.int64)
    streak = np.zeros(2, dtype=np.int16)
    account_firms(rows, small, flags, values, values, rows, values, values, values, 1.0, values, 1.0, 0.1, 1.0,
                  values, values, values.copy(), values.copy(), streak, 1)
    district = flags.copy()
    district.setflags(write=False)  # as RegionModel.in_district()
    industry_sums(rows, values, 1.0, district, 2, small, small, small, 1, 1)
    live = rows.copy()
    live.setflags(write=False)  # FirmPopulation.live() is read-only
    live_firm_sums(live, district, flags, flags, rows, values, values, 1.0, 2)
    certification_candidates(flags, flags, flags)
    roll_over_year(flags, flags, values.copy(), values.copy(), 1.0)
    return (tax_sums, wage_bills, account_firms, industry_sums, live_firm_sums, certification_candidates,
            roll_over_year)

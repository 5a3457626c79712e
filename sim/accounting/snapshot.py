"""One year's firm and district accounts in real terms (2022 prices), the input of the growth accounting.

``firm_accounting_snapshot(model)`` is the interface to the firm model: per firm that produced in the year,
``firm_id``, ``sector``, ``town``, ``alive`` (at year end), ``value_added_100m_cny``, ``employment_persons``,
``capital_100m_cny``; and, when the firm model provides them, district totals ``capital_stock_100m_cny``,
``employment_10k`` and ``fixed_asset_investment_100m_cny`` (0-d arrays, whole economy). ``year_snapshot``
adds the year and the district's real GDP, and derives the district columns the firm model leaves out.
What the accounting needs of the firm model's version: real values (2022 prices); ``firm_id`` unique within a
year and the same firm's id in every year (rows of the firm table are); capital and employment as year
averages, or over the part of the year the firm produced (year-end stocks make entrants, exiters and growing
firms look unproductive and invent between-firm and net-entry terms: docs/validation.md §4).

STAND-IN until the firm model provides capital and employment (issue 11, items 1-6): today firms have only a
capacity (output at productivity 1, 亿元/yr) and productivity multipliers, so, with the capacity in use over
the year = output / (own productivity x the firm's place multiplier at year end), i.e. the year average of
capacity (a firm that entered, exited or ramped up during the year has the inputs of the part of the year
it produced; year-end capacities made such firms look unproductive and invented between-firm, cross and
net-entry terms of 2-3 points a year),
- capital = capacity in use / ``investment.output_per_investment`` (a project's capacity is the capital really
  put in place times that ratio, sim/rules/investment.py), with no depreciation;
- employment = capacity in use x the sector's value-added ratio / the 2023 secondary labour productivity (511.27亿
  with 16.72万 workers, 2023 statistical bulletin, xinhui_facts.md §4a): a firm employs what its plant needs
  at base-year productivity, so the model's productivity multipliers (upgrades, high-tech, localization,
  congestion, integration) show as productivity, and capacity growth as capital and labour;
- the non-industrial economy has no capital or workers in today's model: its employment is its value added
  over the 2023 labour productivity of its sector (primary 72.09亿 / 4.07万, construction at the secondary
  figure, tertiary 427.89亿 / 36.68万), its capital its value added times the capital per unit of value added
  of a firm at productivity 1 in the 2022 sector mix (``rest_capital_per_va``), so its growth shows as factor
  accumulation, none as productivity.
"""

from __future__ import annotations

import numpy as np

# 2023 value added per worker, 亿元 per 万 persons (2023年新会区统计公报, xinhui_facts.md §4a)
LABOUR_PRODUCTIVITY_2023 = {"primary": 72.09 / 4.07, "secondary": 511.27 / 16.72, "tertiary": 427.89 / 36.68}


def firm_accounting_snapshot(model) -> dict[str, np.ndarray]:
    """Firms that produced this year in the district's accounts (the co-built park's are outside).

    Stand-in (see the module docstring): to be replaced by the firm model's own function, which may also
    return the district columns."""
    firms = model.firms
    rows = np.flatnonzero((firms.output_last_year > 0) & model.in_district())
    sector = firms.sector[rows]
    capacity = capacity_in_use(model, rows)
    va_ratio = model.sector_va_ratio[sector]
    persons_per_va = 1e4 / LABOUR_PRODUCTIVITY_2023["secondary"]  # persons per 亿元 of value added
    return {
        "firm_id": rows.astype(np.int64), "sector": sector.copy(), "town": firms.town[rows].copy(),
        "alive": firms.alive[rows].copy(), "value_added_100m_cny": firms.output_last_year[rows] * va_ratio,
        "employment_persons": capacity * va_ratio * persons_per_va,
        "capital_100m_cny": capacity / model.params.investment.output_per_investment,
    }


def capacity_in_use(model, rows: np.ndarray) -> np.ndarray:
    """Year-average capacity (亿元/yr) of firms ``rows``: output / (own productivity x place multiplier), the
    multiplier of the firm's place (park slot x zone x sector; exited firms' cell is found again) at year end."""
    firms = model.firms
    cells = firms.place_cell[rows]
    gone = np.flatnonzero(~firms.alive[rows])  # their place cell was reset at exit (few)
    exited = rows[gone]
    cells[gone] = (firms.park[exited].astype(np.int64) + 1) * model.no_cluster_cell \
        + firms.zone[exited].astype(np.int64) * len(model.sector_ids) + firms.sector[exited]
    multiplier = model.place_multipliers()[cells]
    return firms.output_last_year[rows] / np.maximum(firms.productivity[rows] * multiplier, 1e-12)


def year_snapshot(model) -> dict[str, np.ndarray]:
    """The firm snapshot with the year, the district's real GDP (亿元, 2022 prices) and, where the firm model
    does not provide them, the district's capital stock and employment derived as the module docstring says
    (``fixed_asset_investment_100m_cny`` is then left out: the growth accounting derives it from two years)."""
    snapshot = dict(firm_accounting_snapshot(model))
    snapshot["year"] = np.array(model.year)
    snapshot["gdp_100m_cny"] = np.array(sum(t.gdp_100m_cny for t in model.towns))
    rest = _rest_of_economy(model)
    if "capital_stock_100m_cny" not in snapshot:
        capital = snapshot["capital_100m_cny"].sum()
        snapshot["capital_stock_100m_cny"] = np.array(capital + rest_capital_per_va(model) * sum(rest.values()))
    if "employment_10k" not in snapshot:
        rest_workers = sum(va / LABOUR_PRODUCTIVITY_2023[s] for s, va in rest.items())  # 万 persons
        snapshot["employment_10k"] = np.array(snapshot["employment_persons"].sum() / 1e4 + rest_workers)
    return snapshot


def rest_capital_per_va(model) -> float:
    """Capital per 亿元 of value added of a firm at productivity 1 in the district's 2022 sector mix:
    1 / (output_per_investment x the output-weighted value-added ratio), the stand-in for the rest of the economy."""
    sectors = model.region.sectors
    va_ratio = sum(s.output_share_2022 * s.va_ratio for s in sectors) / sum(s.output_share_2022 for s in sectors)
    return 1.0 / (model.params.investment.output_per_investment * va_ratio)


def _rest_of_economy(model) -> dict[str, float]:
    """Real value added (亿元) outside the modelled industrial firms, by the sector whose productivity it takes."""
    towns = model.towns
    return {"primary": sum(t.primary_100m_cny for t in towns),
            "secondary": sum(t.construction_100m_cny for t in towns),
            "tertiary": sum(t.tertiary_100m_cny for t in towns)}

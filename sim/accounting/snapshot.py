"""One year's firm and district accounts in real terms (2022 prices), the input of the growth accounting.

``firm_accounting_snapshot(model)`` is the interface to the firm model: per firm that produced in the year,
``firm_id``, ``sector``, ``town``, ``alive`` (at year end), ``value_added_100m_cny``, ``employment_persons``,
``capital_100m_cny``; and, when the firm model provides them, district totals ``capital_stock_100m_cny``,
``employment_10k`` and ``fixed_asset_investment_100m_cny`` (0-d arrays, whole economy). ``year_snapshot``
adds the year and the district's real GDP, and derives the district columns the firm model leaves out.
What the accounting needs of the firm model's version: real values (2022 prices); ``firm_id`` unique within a
year and the same firm's id in every year (``firm_id``: rows move when exited firms leave the table); capital and employment as year
averages, or over the part of the year the firm produced (year-end stocks make entrants, exiters and growing
firms look unproductive and invent between-firm and net-entry terms: docs/validation.md §4).

The firm model's own record (``sim.agents.firm_accounting_snapshot``) gives each firm's value added, employment
(value added over its labour productivity, sim/rules/labour.py) and capital (ratio x capital intensity x capacity at year end,
sim/rules/capital.py); this module keeps the firms that produced in the district's accounts. Year-end capital
makes a firm that entered or grew during the year look less productive than a year average would (a known bias
of the between and net-entry terms, docs/validation.md §4). The non-industrial economy other than construction
has no capital in the model: its workers are the labour market's (``rest_of_economy_workers``: farm and services
jobs of the year, construction's value added over its labour productivity), its capital its value added times
the capital per unit of value added of a firm at productivity 1 in the 2022 sector mix (``rest_capital_per_va``). District FAI is the firms' and the other investment reaching builders (``sim.rules.economy.fixed_asset_investment``).
"""

from __future__ import annotations

import numpy as np

from sim import agents, kernels_acct
from sim.agents.firm import producing_rows
from sim.rules import capital, economy, services

FIRM_COLUMNS = ("firm_id", "sector", "town", "alive", "value_added_100m_cny", "employment_persons", "capital_100m_cny")


def firm_accounting_snapshot(model) -> dict[str, np.ndarray]:
    """Firms that produced this year in the district's accounts (the co-built park's are outside), from the
    firm model's record of every firm, with the share of the year each produced (``producing_share``)."""
    firms = model.firms
    kernel = kernels_acct.snapshot_kernel(firms.n)
    if kernel is not None:  # the numpy path below in two compiled passes (tests/test_kernels_acct.py)
        columns = kernel(firms.output_last_year, model.in_district(), firms.sector, firms.town, firms.alive,
                         model.sector_va_ratio, firms.employment, firms.capital_intensity, firms.capacity,
                         float(model.params.firms.capital_output_ratio), firms.birth_year, firms.age, int(model.year),
                         1.0 / model.steps_per_year)
        record = dict(zip(FIRM_COLUMNS + ("producing_share",), columns[:8]))
        record["firm_id"] = firms.firm_id.take(record["firm_id"])  # the kernel gives rows
        count, rows_ok, *per_worker = columns[8:]
        # the cross-section of these columns, from the same pass (table.cross_section_productivity reads it)
        record["_cross_section"] = kernels_acct.cross_section_of(
            record["firm_id"], record["value_added_100m_cny"], count, firms.firm_id.take(rows_ok[:count]),
            *per_worker)
        return record
    # the record of the producing firms only (a year's entrants and exiters are a fraction of all rows ever made)
    rows = producing_rows(model)
    record = agents.firm_accounting_snapshot(model, rows, FIRM_COLUMNS)
    positive = record["value_added_100m_cny"] > 0  # output > 0, unless a value-added ratio is 0
    if not positive.all():
        rows, record = rows[positive], {key: record[key][positive] for key in FIRM_COLUMNS}
    record["producing_share"] = producing_share(model, rows)
    return record


def accounting_record(model) -> dict[str, np.ndarray]:
    """What the growth accounting reads of ``firm_accounting_snapshot``: at compiled scales only the producing
    firms' value added, employment and capital (their totals) and the record's cross-section
    (``table.cross_section_productivity``), from one pass over the firm table
    (``kernels_acct.inputs_kernel``: the same numbers); else the whole record."""
    firms = model.firms
    kernel = kernels_acct.inputs_kernel(firms.n)
    if kernel is None:
        return firm_accounting_snapshot(model)
    count, value_added, employed, capital, kept, *cross_section = kernel(
        firms.output_last_year, model.in_district(), firms.sector, firms.alive, model.sector_va_ratio,
        firms.employment, firms.capital_intensity, firms.capacity, float(model.params.firms.capital_output_ratio),
        firms.birth_year, firms.age, int(model.year), 1.0 / model.steps_per_year, firms.firm_id)
    return {"value_added_100m_cny": value_added[:count], "employment_persons": employed[:count],
            "capital_100m_cny": capital[:count],
            "_cross_section": (*(column[:kept] for column in cross_section), kept == count)}


def producing_share(model, rows: np.ndarray) -> np.ndarray:
    """Share of this year in which each firm produced: 1 for firms founded before it; for those founded
    during it, the steps from founding to year end (their age at year end plus the founding step)."""
    firms = model.firms
    born_now = firms.birth_year[rows] == model.year
    return np.where(born_now, np.minimum(firms.age[rows] + 1.0 / model.steps_per_year, 1.0), 1.0)


def year_snapshot(model) -> dict[str, np.ndarray]:
    """The firm snapshot with the year, the district's real GDP (亿元, 2022 prices), the technology's capital
    share (``capital_share``: the growth accounting measures TFP with it) and, where the firm model does not
    provide them, the district's capital stock and employment derived as the module docstring says,
    and the year's district fixed-asset investment of the firm model. At compiled scales its firm columns are
    those the accounting reads (``accounting_record``)."""
    snapshot = dict(accounting_record(model))
    snapshot["year"] = np.array(model.year)
    snapshot["gdp_100m_cny"] = np.array(sum(t.gdp_100m_cny for t in model.towns))
    snapshot["capital_share"] = np.array(capital.capital_elasticity(model.params.firms))  # the accounting's a
    for part, value in services.district_components(model).items():  # the tertiary drivers (explain)
        snapshot[f"tertiary_{part}_100m_cny"] = np.array(value)
    snapshot.setdefault("fixed_asset_investment_100m_cny", np.array(economy.fixed_asset_investment(model)))
    rest = _rest_of_economy(model)
    # the firms' value added, capital and employment, summed once (the growth accounting reads them: _totals)
    totals = snapshot["_totals"] = tuple(float(snapshot[k].sum()) for k in
                                         ("value_added_100m_cny", "capital_100m_cny", "employment_persons"))
    if "capital_stock_100m_cny" not in snapshot:
        snapshot["capital_stock_100m_cny"] = np.array(totals[1] + rest_capital_per_va(model) * sum(rest.values()))
    if "employment_10k" not in snapshot:
        workers = totals[2] + rest_of_economy_workers(model)
        snapshot["employment_10k"] = np.array(workers / 1e4)
    return snapshot


def rest_of_economy_workers(model) -> float:
    """Persons at work outside the modelled industrial firms this year, at the model's scale (as the firms'
    employment): the labour market's farm and services jobs (``town.jobs_by_sector``, filled at the start of
    the year, at full scale) and construction's value added over its labour productivity
    (``economy.construction_labour_productivity``), as the district's employment column counts it."""
    towns = model.towns
    jobs = sum(t.jobs_by_sector["primary"] + t.jobs_by_sector["tertiary"] for t in towns) * model.scale
    building = sum(t.construction_100m_cny for t in towns) * 1e4 / economy.construction_labour_productivity(model)
    return float(jobs + building)


def rest_capital_per_va(model) -> float:
    """Capital per 亿元 of value added of a firm at productivity 1 in the district's 2022 sector mix:
    κ (capital per unit of capacity) / the output-weighted value-added ratio, the stand-in for the rest of the economy."""
    sectors = model.region.sectors
    va_ratio = sum(s.output_share_2022 * s.va_ratio for s in sectors) / sum(s.output_share_2022 for s in sectors)
    return model.params.firms.capital_output_ratio / va_ratio


def _rest_of_economy(model) -> dict[str, float]:
    """Real value added (亿元) outside the modelled industrial firms, by the sector whose productivity it takes."""
    towns = model.towns
    return {"primary": sum(t.primary_100m_cny for t in towns),
            "secondary": sum(t.construction_100m_cny for t in towns),
            "tertiary": sum(t.tertiary_100m_cny for t in towns)}

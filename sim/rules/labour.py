"""Labour demand: a firm employs what its output needs at its labour productivity; the reference wage is the
labour share of the output per worker of a reference firm at the district's capital intensity.

Labour productivity (万元 of value added per worker) is the 2023 secondary figure for a firm at its sector's
reference competitiveness and the base year's capital intensity, scaled by the firm's competitiveness relative
to that reference in 2023 and by its capital intensity κ (sim/rules/capital.py): lp = LP_2023 x (E / E*_2023)
x κ^b, b = a / (1 - a), a = 1 - labour_share_of_value_added. That is the Cobb-Douglas identity: with
Y = E K^a L^(1-a) and K = ratio x κ x Y / E, Y / L = E^(1/(1-a)) (K/Y)^(a/(1-a)) = E (ratio x κ)^b; so output
per worker grows with own productivity, place and capital deepening. Employment = value added / lp. Hiring
(``start_year``) reads κ as it stands at the start of the year (before this year's vintage is added by
``capital.invest``, which needs the wage hiring sets); the year's accounts (``employment``) read κ at year end. The
reference wage per worker is the competitive wage of the Cobb-Douglas technology, w = (1 - a) Y / L, at a firm of
the reference productivity whose capital intensity is the district's: w_ref = s_L x LP_2023 x (E*_t / E*_2023)
x D_t, D_t the value-added-weighted harmonic mean of κ^b over the district's live firms at the start of the
year (so D_t is last year's deepening: the vintage of this year is added after hiring). Wages then rise with
capital deepening, and deepening with wages: on a balanced path output per worker grows at g / (1 - a), the
Cobb-Douglas steady state, not at the TFP rate g. (Until this session the wage grew at a scenario rate equal
to g, which held output per worker at g.) ``LabourMarket`` grants what firms want at that wage; the model runs
``sim.rules.labour_market.TownLabourMarket``, whose ``hire`` clears the towns' markets and can grant fewer
workers (then a firm's sales are capped by the workers it got) and whose ``wage`` is the firms' wage that year.
Parameters (scenario ``firms``): labour_productivity_10k_cny_per_worker (万元),
labour_share_of_value_added (share); the reference productivity path ``productivity_growth_per_year``.
Sources: xinhui_facts.md §4a (511.27亿 and 16.72万 secondary workers, 2023); Bai & Qian 2010 (labour share).
"""

from __future__ import annotations

import numpy as np

from sim import kernels_step


class LabourMarket:
    """Unconstrained hiring at the scenario's wage path (the interface a labour-market rule implements)."""

    def hire(self, model, rows: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """Workers each firm gets this year (persons), given the workers it wants."""
        return wanted

    def wage(self, model) -> float:
        """Reference wage per worker this year, 万元/yr (2022 prices): the labour share of the output per worker
        of a reference firm at the district's capital deepening (``deepening_index``)."""
        p = model.params.firms
        return p.labour_share_of_value_added * reference_labour_productivity(model) * model.deepening_index


def labour_productivity(model, rows: np.ndarray, competitiveness: np.ndarray) -> np.ndarray:
    """Value added per worker (万元/yr) of the given firms, from their competitiveness and capital intensity."""
    p = model.params.firms
    reference_2023 = model.base_competitiveness * model.first_year_productivity_index
    relative = competitiveness / reference_2023[model.firms.sector[rows]]
    return p.labour_productivity_10k_cny_per_worker * relative * deepening(model.firms.capital_intensity[rows], p)


def deepening(kappa: np.ndarray, p) -> np.ndarray:
    """κ^b, b = a / (1 - a): output per worker relative to a firm of equal productivity at the base intensity."""
    a = 1.0 - p.labour_share_of_value_added
    return np.power(kappa, a / (1.0 - a))


def reference_labour_productivity(model) -> float:
    """Value added per worker at the reference competitiveness this year (construction uses it), 万元/yr."""
    growth = model.productivity_index / model.first_year_productivity_index
    return model.params.firms.labour_productivity_10k_cny_per_worker * growth


def deepening_index(model, rows: np.ndarray) -> float:
    """D: the value-added-weighted harmonic mean of κ^b over the given firms (the district's live firms), the
    factor by which capital deepening has raised the output per worker of the average job (1 in the base year).
    Weights: last year's sales (this year's demand for firms without accounts yet)."""
    firms = model.firms
    rows = rows[model.in_district()[rows]]
    if rows.size == 0:
        return 1.0
    weight = last_sales(model, rows) * model.sector_va_ratio[firms.sector[rows]]
    total = float(weight.sum())
    if total <= 0:
        return 1.0
    return total / float((weight / deepening(firms.capital_intensity[rows], model.params.firms)).sum())


def last_sales(model, rows: np.ndarray) -> np.ndarray:
    """Last year's sales of the given firms (亿元); this year's demand for firms without a year of accounts."""
    firms = model.firms
    return np.where(firms.output_last_year[rows] > 0, firms.output_last_year[rows], firms.demand[rows])


def start_year(model, rows: np.ndarray, competitiveness: np.ndarray) -> np.ndarray:
    """Where hiring is constrained, clear the market and cap each firm's sales at what its workers make; then
    set this year's wage (a constrained market sets it while it clears). Returns each firm's fill, the share
    of the workers it wanted that it got (1 where hiring is not constrained). The deepening index and the
    workers wanted (``deepening_index``, ``labour_productivity``) share one κ^b and one pass over the rows
    (``kernels_step.hiring_wants``; tests/test_kernels_step.py holds it equal to those two)."""
    market, firms = model.labour_market, model.firms
    kappa_b = deepening(firms.capital_intensity.take(rows), model.params.firms)
    wanted, weight, weighted_inverse = kernels_step.hiring_wants(
        rows, firms.sector, firms.demand, competitiveness,
        model.base_competitiveness * model.first_year_productivity_index,
        model.params.firms.labour_productivity_10k_cny_per_worker, kappa_b, model.sector_va_ratio,
        model.in_district(), firms.output_last_year)
    total = float(weight.sum())
    model.deepening_index = 1.0 if weight.size == 0 or total <= 0 else total / float(weighted_inverse.sum())
    if type(market) is LabourMarket:
        fill = np.ones(rows.size)
    else:
        fill = kernels_step.ration(rows, wanted, market.hire(model, rows, wanted), firms.demand)
    model.wage_10k_cny = float(market.wage(model))
    return fill


def employment(model, rows: np.ndarray, value_added: np.ndarray, competitiveness: np.ndarray) -> np.ndarray:
    """Persons employed by the given firms for their year's value added (亿元)."""
    return value_added * 1e4 / np.maximum(labour_productivity(model, rows, competitiveness), 1e-9)

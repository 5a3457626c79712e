"""Statistics behind the validation checks, computed on simulated firms, projects and places.

Each function is pure (arrays or DataFrames in, numbers out) so tests can feed it known distributions.
Sources of the target ranges: literature.md §6 (checks 1-8).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def hill_tail_exponent(sizes: np.ndarray, top_share: float = 0.10) -> float:
    """Hill estimate of the CCDF exponent alpha from the largest ``top_share`` of positive sizes."""
    x = np.sort(np.asarray(sizes, dtype=float)[np.asarray(sizes) > 0])[::-1]
    k = max(int(len(x) * top_share), 2)
    tail, threshold = x[:k], x[k]
    return float(1.0 / np.mean(np.log(tail / threshold)))


def annual_log_growth(panel: pd.DataFrame) -> pd.DataFrame:
    """Log growth of output between consecutive years for firms alive in both, with the start size."""
    keep = panel[["firm", "year", "output_100m_cny"]]
    nxt = keep.assign(year=keep.year - 1).rename(columns={"output_100m_cny": "output_next"})
    both = keep.merge(nxt, on=["firm", "year"])
    both = both[(both.output_100m_cny > 0) & (both.output_next > 0)]
    return both.assign(growth=np.log(both.output_next / both.output_100m_cny))


def excess_kurtosis(values: np.ndarray) -> float:
    v = np.asarray(values, dtype=float)
    centred = v - v.mean()
    return float(np.mean(centred**4) / np.mean(centred**2) ** 2 - 3.0)


def size_variance_beta(size: np.ndarray, growth: np.ndarray, bins: int = 10) -> float:
    """beta in sd(g | S) ~ S^-beta: slope of log sd of growth on log mean size across size deciles."""
    size, growth = np.asarray(size), np.asarray(growth)
    edges = np.quantile(np.log(size), np.linspace(0, 1, bins + 1))
    index = np.clip(np.searchsorted(edges, np.log(size), side="right") - 1, 0, bins - 1)
    log_size = [np.log(size[index == b]).mean() for b in range(bins) if (index == b).sum() > 10]
    log_sd = [np.log(growth[index == b].std()) for b in range(bins) if (index == b).sum() > 10]
    slope = np.polyfit(log_size, log_sd, 1)[0]
    return float(-slope)


def above_scale_exit_rate(panel: pd.DataFrame, register: bool = True) -> float:
    """Mean yearly share of above-scale firms (at the end of a year) that leave during the next one: by
    closing, or (``register``) also by falling below the 2000万 threshold, as firms leave the 规上 register."""
    rates = []
    for year, firms in panel.groupby("year"):
        before = panel[(panel.year == year - 1) & panel.above_scale & panel.alive_at_year_end]
        if len(before) == 0:
            continue
        staying = firms[firms.alive_at_year_end & (firms.above_scale if register else True)].firm
        rates.append((~before.firm.isin(staying)).mean())
    return float(np.mean(rates))


def hazard_by_age(panel: pd.DataFrame, max_age: int = 10) -> pd.Series:
    """Yearly exit share by completed age in years (firms producing in a year, exited by its end)."""
    age = np.floor(panel.age_years).clip(upper=max_age)
    exited = ~panel.alive_at_year_end
    return exited.groupby(age).mean()


def agglomeration_elasticity(panel: pd.DataFrame, sweeps: int = 50) -> float:
    """Two-way fixed-effects (zone x sector cell, year) regression of log firm productivity, output per
    unit of input (capacity x own productivity, year averages), on log own-sector scale in the zone (year
    average). Year-end stocks would mix in within-year growth."""
    y = np.log(panel.output_100m_cny / panel.input_avg_100m_cny)
    x = np.log(np.maximum(panel.cluster_capacity_avg_100m_cny, 1.0))
    cell = panel.zone.astype(str) + "/" + panel.sector.astype(str)
    for _ in range(sweeps):  # alternating projections remove both sets of fixed effects
        y, x = y - y.groupby(cell).transform("mean"), x - x.groupby(cell).transform("mean")
        y, x = y - y.groupby(panel.year).transform("mean"), x - x.groupby(panel.year).transform("mean")
    denominator = float((x**2).sum())
    return float((x * y).sum() / denominator) if denominator > 0 else float("nan")


def pipeline_shares(sign_step: np.ndarray, start_step: np.ndarray, produce_step: np.ndarray,
                    steps_per_year: int, first_step: int = 0) -> tuple[float, float]:
    """Of projects signed in the horizon (steps >= first_step) with two years to run: the share that started
    construction within a year of signing and the share producing within two years."""
    sign_step, start_step, produce_step = map(np.asarray, (sign_step, start_step, produce_step))
    last = sign_step.max() - 2 * steps_per_year if sign_step.size else 0
    cohort = (sign_step >= first_step) & (sign_step <= last)
    started = (start_step >= 0) & (start_step - sign_step <= steps_per_year)
    producing = (produce_step >= 0) & (produce_step - sign_step <= 2 * steps_per_year)
    return float(started[cohort].mean()), float(producing[cohort].mean())


def theil_decomposition(income: np.ndarray, population: np.ndarray, groups: np.ndarray) -> tuple[float, float, float]:
    """Population-weighted Theil T, its between-group and within-group parts (Shorrocks 1980)."""
    from sim.indicators import theil_t

    return theil_t(np.asarray(income, float), np.asarray(population, float), np.asarray(groups))


def first_year_above(effect_by_year: pd.Series, threshold: float) -> int | None:
    """First year in which an effect series reaches ``threshold`` (None if never)."""
    above = effect_by_year[effect_by_year >= threshold]
    return int(above.index.min()) if len(above) else None

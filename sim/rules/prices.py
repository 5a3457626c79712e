"""Prices: the GDP deflator path that turns the model's money (2022 prices) into nominal yuan.

Every rule computes in 2022 prices (volumes); the recorded tables multiply money by the price index
P_t = prod_{y=2023..t} (1 + pi_y), with P_2022 = 1. pi_y is the observed deflator growth for the years
``economy.observed_price_growth`` covers (one entry a year from the first simulated year) and
``economy.price_growth_per_year`` after them. Nominal targets (GDP levels, 5亿 of town fiscal revenue) are tested
on nominal values, growth targets on real ones (sim/indicators.py). The index does not feed back into any rule.
Parameters (scenario ``economy``): observed_price_growth (1/yr, list), price_growth_per_year (1/yr).
Sources: NBS, China's GDP deflator 2023 -0.6%, 2024 -0.7% (nominal vs real GDP growth in the 2023 and 2024
statistical communiqués: 4.6% vs 5.2%, 4.2% vs 5.0%; recalled, verify); the later rate is an estimate.
"""

from __future__ import annotations


def price_growth(params, year: int, first_year: int) -> float:
    """Deflator growth from ``year - 1`` to ``year``."""
    p = params.economy
    observed = p.observed_price_growth
    k = year - first_year
    return observed[k] if 0 <= k < len(observed) else p.price_growth_per_year


def price_index(params, year: int, base_year: int, first_year: int) -> float:
    """The price level of ``year`` relative to ``base_year`` (1 in the base year; below 1 before it, as in the
    historical start's years before 2022)."""
    index = 1.0
    for y in range(base_year + 1, year + 1):
        index *= 1.0 + price_growth(params, y, first_year)
    for y in range(year + 1, base_year + 1):
        index /= 1.0 + price_growth(params, y, first_year)
    return index

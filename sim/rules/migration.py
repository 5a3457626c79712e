"""Moves of residents between towns (zero-sum) and across the district boundary, towards better earnings.

A resident's expected earnings are those of a labour-force member of their town: the wage of each workplace
they commute to times the chance of a job there (``sim.rules.labour_market``). Between towns, a share μ of
residents reconsider each year and choose a town with weight pop_j · y_j^β · v_j^σ, v_j its tertiary value
added per resident relative to the base year's (services): net inflow_j = μ (P s_j − pop_j), which sums to zero
over towns and is zero when earnings and services have moved alike everywhere. Across the boundary, a town gains
pop_j (r0 + ε ln(y_j / y_out)) a year, y_out being the outside (Guangdong) earnings path, at parity with the
district in the first simulated year and growing at ``outside_wage_growth_per_year``; r0 is the district's net inflow
at parity. Parameters (scenario ``people``): internal_migration_rate_per_year μ (1/yr),
internal_migration_income_elasticity β (1), internal_migration_services_elasticity σ (1), net_external_migration_at_parity_per_year r0 (1/yr),
external_migration_income_elasticity ε (1/yr per log point), outside_wage_growth_per_year (1/yr).
Sources: census 2010-2020 growth less natural increase (r0); the others are estimates (see the schema).
"""

from __future__ import annotations

import numpy as np


def expected_earnings(model) -> np.ndarray:
    """Expected earnings per labour-force member by town of residence this year, 万元/yr."""
    return np.maximum(model.town_labour_market.resident_earnings_10k_cny, 1e-9)


def services_per_head(model) -> np.ndarray:
    """Tertiary value added per resident by town (亿元 per person, 2022 prices): the services a town offers."""
    return np.array([t.tertiary_100m_cny / max(t.population, 1.0) for t in model.towns])


def internal_moves(model, population: np.ndarray) -> np.ndarray:
    """Net moves into each town from the other towns this year (whole persons, summing to exactly 0)."""
    p = model.params.people
    services = services_per_head(model) / model.town_labour_market.base_services_per_head
    weight = population * expected_earnings(model) ** p.internal_migration_income_elasticity \
        * services ** p.internal_migration_services_elasticity
    target = population.sum() * weight / weight.sum()
    net = np.rint(p.internal_migration_rate_per_year * (target - population))
    largest = int(np.argmax(population))
    net[largest] = 0.0
    net[largest] = -net.sum()  # sums of whole numbers are exact: the moves cancel to the person
    return net


def outside_earnings(model) -> float:
    """Expected earnings outside the district (Guangdong) this year, 万元/yr: at parity with the district's
    mean in the first simulated year (so that r0, the district's historic net inflow, holds then), growing
    at the scenario's path."""
    p, market = model.params.people, model.town_labour_market
    if market.parity_earnings_10k_cny is None:
        force = np.array([t.labour_force for t in model.towns])
        market.parity_earnings_10k_cny = float((expected_earnings(model) * force).sum() / force.sum())
    return market.parity_earnings_10k_cny * np.exp(p.outside_wage_growth_per_year * (model.year - model.start_year))


def external_moves(model, population: np.ndarray) -> np.ndarray:
    """Net moves into each town from outside the district this year (whole persons)."""
    p = model.params.people
    gap = np.log(expected_earnings(model) / outside_earnings(model))
    rate = p.net_external_migration_at_parity_per_year + p.external_migration_income_elasticity * gap
    return np.rint(population * np.clip(rate, -0.2, 0.2))  # bounds: a fifth of a town a year at most

"""Urbanisation (就地就近城镇化): each town's urban share of residents moves with its jobs and services.

Each year a share of the town's rural residents becomes urban: a base rate, plus an elasticity to the growth of
the town's non-farm value added (jobs off the farm) and one to the growth of consumer and public services per
resident (the town centre's 服务圈 and 商业圈), both of the year just closed, so a town-centre services programme
(``services.town_centre_services_*``) urbanises through its services. Parameters (scenario ``urbanisation``):
base_rate_per_year (1/yr), jobs_elasticity, services_elasticity (1); the base-year shares are the region
file's (towns' ``urban_share``). Check: the county-level pace of Guangdong's 百千万 counties, 县域常住人口城镇化率
44.72% -> 46.48% over three years (xinhui_facts.md §7a; ``xinhui-sim validate``).
"""

from __future__ import annotations

import math


def initial_shares(model) -> None:
    """Base-year urban shares: each town's from the region file (``urban_share``, estimates with reasoning)."""
    for town in model.towns:
        town.urban_share = town.spec.urban_share
        remember(town)


def remember(town) -> None:
    parts = town.tertiary_by_component_100m_cny
    town.nonfarm_last_100m_cny = town.secondary_100m_cny + town.tertiary_100m_cny
    town.services_per_head_last = (parts.get("consumer", 0.0) + parts.get("public", 0.0)) / max(town.population, 1.0)


def conversion_rate(p, nonfarm_growth: float, services_growth: float) -> float:
    """Share of rural residents becoming urban this year (between 0 and 1)."""
    rate = p.base_rate_per_year + p.jobs_elasticity * max(nonfarm_growth, 0.0) \
        + p.services_elasticity * max(services_growth, 0.0)
    return min(max(rate, 0.0), 1.0)


def urbanise(model) -> None:
    """At year end, after services: every town's urban share for the next year."""
    p = model.params.urbanisation
    for town in model.towns:
        parts = town.tertiary_by_component_100m_cny
        nonfarm = town.secondary_100m_cny + town.tertiary_100m_cny
        services = (parts.get("consumer", 0.0) + parts.get("public", 0.0)) / max(town.population, 1.0)
        g_jobs = math.log(nonfarm / town.nonfarm_last_100m_cny) if nonfarm > 0 and town.nonfarm_last_100m_cny > 0 else 0.0
        g_services = math.log(services / town.services_per_head_last) \
            if services > 0 and town.services_per_head_last > 0 else 0.0
        town.urban_share += (1 - town.urban_share) * conversion_rate(p, g_jobs, g_services)
        remember(town)

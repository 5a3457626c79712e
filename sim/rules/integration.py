"""District-town integration (区镇一体, 园镇融合): unified attraction, faster services, transport links and 赛马
ranking.

From its start year unified attraction phases in linearly over ``phase_in_years``: a share of projects is placed
by the district in the project market rather than bid for town by town (sim/rules/project_market.py); with
``unified_services`` the towns' approval offices are pooled into one district service from the start year
(sim/rules/approvals.py), so approval waits fall where load is uneven; transport projects raise a town's access
index in the year the district has paid their cost (access gain x ``transport_cost_100m_cny_per_access_gain``,
to ``firms:construction``, item ``infrastructure:transport``, within its budget room: a short room pays part
and the project opens in a later year, the rest paid first; fixed-asset investment and construction count it,
sim.rules.economy); each year the 3 towns with the fastest industrial growth get extra weight in
town-level attraction and a reward from the district's 赛马 pool (sim/rules/budgets.py).
Integration changes no productivity directly: its gains come from what the bidders do (matching, incentives
spent, projects lost, land planned jointly, shorter lags), and the literature's size of the effect (lit §6.7,
Ahrend et al. 2017) is a check in ``validate``, not an input.
Parameters (scenario ``integration``): unified_attraction_start_year, unified_attraction_intensity (u),
phase_in_years, unified_services, transport_projects, transport_cost_100m_cny_per_access_gain
(亿元 per unit of access), horse_race_reward_100m_cny,
horse_race_attraction_bonus (revenue sharing: fiscal).
Sources: literature.md §2 (寇晓东 & 汪红 2019 unified attraction), §6.7; the plan article (六个一体化, 赛马).
"""

from __future__ import annotations

from sim.rules import budgets

HORSE_RACE_WINNERS = 3


def phase(year: int, start_year: int, phase_in_years: int) -> float:
    """0 before the start year, rising linearly to 1 after ``phase_in_years``."""
    if year < start_year:
        return 0.0
    return min((year - start_year + 1) / phase_in_years, 1.0)


def unified_level(params, year: int) -> float:
    p = params.integration
    return p.unified_attraction_intensity * phase(year, p.unified_attraction_start_year, p.phase_in_years)


def open_transport(model) -> None:
    """At the start of a year: the district pays for the transport projects due (their year reached, not yet
    open) within its budget room; a project paid in full opens now and raises its town's access."""
    p = model.params.integration
    for k, project in enumerate(p.transport_projects):
        if project.year > model.year or k in model.transport_open:
            continue
        cost = project.access_gain * p.transport_cost_100m_cny_per_access_gain * model.scale
        owed = cost - model.transport_paid_100m_cny.get(k, 0.0)
        paid = budgets.spend(model, "district", "firms:construction", owed, "infrastructure:transport")
        model.transport_paid_100m_cny[k] = model.transport_paid_100m_cny.get(k, 0.0) + paid
        if paid >= owed * (1 - 1e-9):
            model.transport_open.add(k)
            town = model.towns[model.town_index[project.town]]
            town.access_index = min(town.access_index + project.access_gain, 1.0)


def run_horse_race(model) -> None:
    """At year end: the towns with the fastest industrial growth win rewards (赛马)."""
    p = model.params.integration
    growth = []
    for town in model.towns:
        last = town.industrial_output_last_100m_cny
        growth.append((town.industrial_output_100m_cny / last if last > 0 else 0.0, town.id, town))
    active = model.year >= p.unified_attraction_start_year
    winners = {t.id for _, _, t in sorted(growth, key=lambda g: (-g[0], g[1]))[:HORSE_RACE_WINNERS]}
    for town in model.towns:
        town.horse_race_winner = active and town.id in winners
    budgets.pay_horse_race(model, [t for t in model.towns if t.horse_race_winner])  # from the district's budget

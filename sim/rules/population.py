"""Residents by town: births, deaths and the moves of ``sim.rules.migration``, in whole persons, conserved.

Each town's 常住 residents change every year by births and deaths at the district's crude rates, by net moves
from the other towns (zero-sum) and by net moves across the district boundary: Δpop = births − deaths + net
internal + net external, with every term a whole number of persons so that the identity holds exactly. The
labour force is residents x working-age (15-59) share x labour force per working-age resident.
Parameters (scenario ``people``): birth_rate_per_year, death_rate_per_year (1/yr),
labour_force_per_working_age_resident (1). Region data per town: population_2022, working_age_share.
Sources: Jiangmen 2021 birth and death rates (8.54‰, 7.29‰); 7th census age structure of Xinhui (15-59:
65.16%); employment 57.47万 and registered unemployment 2.05% in 2023 (xinhui_facts.md §4a).
"""

from __future__ import annotations

import numpy as np

from sim.rules import migration

FLOWS = ("births", "deaths", "net_internal_migration", "net_external_migration")


def residents(model) -> np.ndarray:
    return np.array([t.population for t in model.towns])


def labour_force(model, population: np.ndarray | None = None) -> np.ndarray:
    """Persons in the labour force by town of residence."""
    population = residents(model) if population is None else population
    share = np.array([t.working_age_share for t in model.towns])
    return population * share * model.params.people.labour_force_per_working_age_resident


def whole(values: np.ndarray) -> np.ndarray:
    """Persons as whole numbers (floats holding integers: sums of them are exact)."""
    return np.rint(values)


def natural_change(model, population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Births and deaths this year by town, whole persons."""
    p = model.params.people
    return whole(population * p.birth_rate_per_year), whole(population * p.death_rate_per_year)


def close_year(model) -> dict[str, np.ndarray]:
    """At year end, after the year's industrial output: residents change. Services close later in
    ``RegionModel.close_year``, so the services per head that migration reads are last year's (lagged); the
    labour market learns the year's growth of every sector after they close
    (``RegionModel.close_people_and_services``)."""
    return update(model)


def update(model) -> dict[str, np.ndarray]:
    """Residents change by births, deaths and moves, after the labour market of the year."""
    population = residents(model)
    births, deaths = natural_change(model, population)
    internal = migration.internal_moves(model, population)
    external = migration.external_moves(model, population)
    flows = dict(zip(FLOWS, (births, deaths, internal, external)))
    new = population + births - deaths + internal + external
    for i, town in enumerate(model.towns):
        town.population = float(new[i])
        for name, values in flows.items():
            setattr(town, name, float(values[i]))
    return flows  # the labour force follows next year, when the market clears


def group_columns(towns, price: float) -> dict:
    """People columns of a town, a zone or the district (``towns``: its towns); docs/outputs.md has units.
    (Sums over lists rather than generators: ``sum`` adds the same numbers in the same order, a third faster.)"""
    jobs = {s: sum([t.jobs_by_sector[s] for t in towns]) for s in ("primary", "secondary", "tertiary")}
    total = sum(jobs.values())
    force = sum([t.labour_force for t in towns])
    wages = sum([t.wage_10k_cny * t.employment for t in towns])
    employed = sum([t.employed_residents for t in towns])
    return {
        "jobs_10k": total / 1e4, **{f"jobs_{s}_10k": n / 1e4 for s, n in jobs.items()},
        "labour_force_10k": force / 1e4,
        "employed_residents_10k": employed / 1e4,
        "unemployment_rate": 1.0 - employed / force if force else 0.0,
        "wage_10k_cny": wages / total * price if total else 0.0,
        "births": sum([t.births for t in towns]), "deaths": sum([t.deaths for t in towns]),
        "net_internal_migration": sum([t.net_internal_migration for t in towns]),
        "net_external_migration": sum([t.net_external_migration for t in towns]),
        "commuters_in": sum([t.commuters_in for t in towns]), "commuters_out": sum([t.commuters_out for t in towns]),
        "urban_share": sum([t.urban_share * t.population for t in towns]) / sum([t.population for t in towns]),
    }

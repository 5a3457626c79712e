"""Tertiary output by town from what buys services: households, industry, visitors and the public sector.

A town's tertiary value added is the sum of five parts: consumer services (its households' disposable income,
urban residents spending more of it on market services, a share bought in the district centre), producer
services (an input-output share of the industrial gross output of its firms, a share bought in the centre),
village tourism (follows the town's village tourism income), the 陈皮 chain's trade and tourism
(``sim.rules.chenpi``) and public services: ``public_services_va_ratio`` x what the governments spent on public
services in the town (``public:<town>``'s receipts in ``services:public`` items, sim.rules.budgets). Budgets
close after services in the year-end order, so this year's public part reads last year's spending (lagged);
the base year and the first simulated year read the 2022 level, placed by population. The public sector
(``public:<town>``) pays the value-added part as wages to ``households:<town>`` (``wages:public``) and buys
the rest from ``firms:services`` (``public:purchases``); it pays no business taxes (sim.rules.public_finance).
The district pays the town-centre programme (就地就近城镇化) to the towns other than the centre, by
population, within its budget room (``services:public:town_centre``). The consumer-services coefficient is
calibrated in the base year so that the parts add up to the 2022 tertiary output. Parameters (scenario
``services``): producer_input_share (亿元 of services per 亿元 of industrial output), services_va_ratio,
rural_spending_relative (1), centre_purchase_share (share), tourism_share_of_tertiary_2022 (share),
public_services_spending_2022_100m_cny (亿元/yr), town_centre_services_100m_cny_per_year (亿元/yr),
town_centre_services_start_year, public_services_va_ratio, centre_town.
Sources: the 2023 bulletin (tertiary 427.89亿, +4.6%); national input-output tables (service inputs of
manufacturing); estimates are marked in the schema.
"""

from __future__ import annotations

from sim import history
from sim.rules import budgets, chenpi
from sim.scenario.errors import ScenarioError

COMPONENTS = ("consumer", "producer", "tourism", "chenpi", "public")
YUAN_PER_100M = 1e8


def household_services_demand(town, p, scale: float) -> float:
    """The town's households' demand for market services (亿元/yr, at the model's scale, before the calibrated
    coefficient): residents x (weighted income per head / 10,000 yuan) ^ income elasticity, the income weighing
    urban income 1 and rural income ``rural_spending_relative``."""
    urban = town.population * town.urban_share * town.urban_income_per_head_cny
    rural = town.population * (1 - town.urban_share) * town.rural_income_per_head_cny
    per_head = (urban + p.rural_spending_relative * rural) / max(town.population, 1.0) / 1e4
    return town.population * per_head ** p.consumer_income_elasticity * scale / 1e4


def public_services_spending(model) -> dict[int, float]:
    """Public-services spending in each town (亿元, 2022 prices, at the model's scale) that this year's public
    value added follows: what the governments spent in the last closed year (``town.public_services_100m_cny``,
    set by budgets.close_year after services: lagged), the 2022 level by population before the first close."""
    return {t.index: t.public_services_100m_cny for t in model.towns}


def open_public_services(model) -> None:
    """Base year: each town's public-services spending of 2022 (the scenario's level by population), which the
    first simulated year's public value added reads."""
    p = model.params.services
    level = p.public_services_spending_2022_100m_cny * history.initial_factor(model, "public_services_spending_2022_100m_cny")
    population = sum(t.population for t in model.towns)
    for town in model.towns:
        town.public_services_100m_cny = level * model.scale * town.population / population
    model.public_services_100m_cny = level * model.scale


def town_centre_programme(model) -> float:
    """This year's spending of the town-centre services programme (就地就近城镇化), 亿元, 2022 prices."""
    p = model.params.services
    return p.town_centre_services_100m_cny_per_year if model.year >= p.town_centre_services_start_year else 0.0


def pay_town_centre_programme(model) -> None:
    """At year end, before the budgets close: the district pays the town-centre programme to the public sector
    of the towns other than the centre, by population, within its budget room (a short room pays less)."""
    centre = model.params.services.centre_town
    others = [t for t in model.towns if t.id != centre]
    people = sum(t.population for t in others)
    amount = town_centre_programme(model) * model.scale
    for town in others if amount > 0 and people > 0 else []:
        budgets.spend(model, "district", f"public:{town.id}", amount * town.population / people,
                      "services:public:town_centre")


def pay_public_sector(model) -> None:
    """At year end, after the budgets close: each town's public sector pays the value-added part of what it
    received as wages to the town's households and buys the rest from ``firms:services``."""
    ratio = model.params.services.public_services_va_ratio
    for town in model.towns:
        account = f"public:{town.id}"
        received = max(model.ledger.balance(account), 0.0)
        model.ledger.transfer(account, f"households:{town.id}", received * ratio, "wages:public")
        model.ledger.transfer(account, "firms:services", received * (1 - ratio), "public:purchases")


def place_in_centre(amounts: dict[int, float], centre: int, share: float) -> dict[int, float]:
    """Each town's purchases, a ``share`` of every other town's bought in the centre."""
    placed = {i: a * (1 - share) if i != centre else a for i, a in amounts.items()}
    placed[centre] += sum(a * share for i, a in amounts.items() if i != centre)
    return placed


def components(model, consumer_coefficient: float) -> dict[int, dict[str, float]]:
    """Every town's tertiary value added by part this year (亿元, 2022 prices, at the model's scale)."""
    p = model.params.services
    centre = model.town_index[p.centre_town]
    demand = {t.index: household_services_demand(t, p, model.scale) * consumer_coefficient for t in model.towns}
    producer = {t.index: t.industrial_output_100m_cny * p.producer_input_share * p.services_va_ratio
                for t in model.towns}
    demand, producer = (place_in_centre(x, centre, p.centre_purchase_share) for x in (demand, producer))
    spending = public_services_spending(model)
    out = {}
    for town in model.towns:
        public = spending[town.index]
        out[town.index] = {"consumer": demand[town.index], "producer": producer[town.index],
                           "tourism": town.tourism_services_100m_cny,
                           "chenpi": chenpi.tertiary_value_added(town, model.params.chenpi),
                           "public": public * p.public_services_va_ratio}
    return out


def build(model) -> None:
    """Base year (after incomes, the 陈皮 chain and industry): the tourism parts, then the consumer coefficient
    that makes the district's parts add up to its 2022 tertiary output."""
    p = model.params.services
    open_public_services(model)
    tertiary = sum(t.tertiary_100m_cny for t in model.towns)
    tourism_income = {t.index: sum(v.income_by_source_10k_cny["tourism"] for v in model.villages_of_town(t.index))
                      for t in model.towns}
    total_tourism = sum(tourism_income.values()) or 1.0
    for town in model.towns:
        town.tourism_services_100m_cny = tertiary * p.tourism_share_of_tertiary_2022 * tourism_income[town.index] \
            / total_tourism
        town.village_tourism_income_for_services_10k_cny = tourism_income[town.index]
    others = components(model, 0.0)
    rest = tertiary - sum(sum(parts.values()) for parts in others.values())
    demand = sum(household_services_demand(t, p, model.scale) for t in model.towns)
    if rest <= 0 or demand <= 0:
        raise ScenarioError("producer, tourism, 陈皮 and public services exceed the 2022 tertiary output "
                            f"({tertiary / model.scale:.1f}亿): lower their shares or spending",
                            file=model.definition.path, key_path="services")
    model.consumer_services_coefficient = rest / demand
    apply_components(model, components(model, model.consumer_services_coefficient))


def update(model) -> None:
    """At year end, after household incomes: village tourism follows its income, then every part."""
    for town in model.towns:
        income = sum(v.income_by_source_10k_cny["tourism"] for v in model.villages_of_town(town.index))
        if town.village_tourism_income_for_services_10k_cny:
            town.tourism_services_100m_cny *= income / town.village_tourism_income_for_services_10k_cny
        town.village_tourism_income_for_services_10k_cny = income
    apply_components(model, components(model, model.consumer_services_coefficient))


def apply_components(model, parts: dict[int, dict[str, float]]) -> None:
    for town in model.towns:
        town.tertiary_by_component_100m_cny = parts[town.index]
        town.tertiary_100m_cny = sum(parts[town.index].values())


def district_components(model) -> dict[str, float]:
    """The district's tertiary value added by part (亿元, 2022 prices, at the model's scale)."""
    return {c: sum(t.tertiary_by_component_100m_cny.get(c, 0.0) for t in model.towns) for c in COMPONENTS}


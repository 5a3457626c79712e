"""Tertiary output by town from what buys services: households, industry, visitors and the public sector.

A town's tertiary value added is the sum of five parts: consumer services (its households' disposable income,
urban residents spending more of it on market services, a share bought in the district centre), producer
services (an input-output share of the industrial gross output of its firms, a share bought in the centre),
village tourism (follows the town's village tourism income), the 陈皮 chain's trade and tourism
(``sim.rules.chenpi``) and public services (spending x a value-added ratio, placed by population; the spending
is a scenario path until public finance sets ``model.public_services_spending_100m_cny``: see
``public_services_spending``). The consumer-services coefficient is calibrated in the base year so that the
parts add up to the 2022 tertiary output. Parameters (scenario ``services``): producer_input_share (亿元 of
services per 亿元 of industrial output), services_va_ratio, rural_spending_relative (1), centre_purchase_share
(share), tourism_share_of_tertiary_2022 (share), public_services_spending_2022_100m_cny (亿元/yr),
public_services_spending_growth_per_year (1/yr), town_centre_services_100m_cny_per_year (亿元/yr, plan lever
就地就近城镇化), town_centre_services_start_year, public_services_va_ratio, centre_town.
Sources: the 2023 bulletin (tertiary 427.89亿, +4.6%); national input-output tables (service inputs of
manufacturing); estimates are marked in the schema.
"""

from __future__ import annotations

from sim import history
from sim.rules import chenpi
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


def public_services_spending(model) -> float:
    """District public-services spending this year, 亿元 (2022 prices, at the model's scale): the entry point for
    public finance, which sets ``model.public_services_spending_100m_cny`` (a number); until then the scenario
    path: the 2022 level grown at its rate, plus the town-centre programme from its start year."""
    set_by_finance = getattr(model, "public_services_spending_100m_cny", None)
    if set_by_finance is not None:
        return float(set_by_finance)
    p = model.params.services
    level = p.public_services_spending_2022_100m_cny * history.initial_factor(model, "public_services_spending_2022_100m_cny")
    base = level * (1 + p.public_services_spending_growth_per_year) ** (model.year - model.region.base_year)
    return (base + town_centre_programme(model)) * model.scale


def town_centre_programme(model) -> float:
    """This year's spending of the town-centre services programme (就地就近城镇化), 亿元, 2022 prices."""
    p = model.params.services
    return p.town_centre_services_100m_cny_per_year if model.year >= p.town_centre_services_start_year else 0.0


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
    spending = public_services_spending(model) - town_centre_programme(model) * model.scale
    programme = town_centre_programme(model) * model.scale
    population = sum(t.population for t in model.towns)
    outside = population - model.towns[centre].population
    out = {}
    for town in model.towns:
        public = spending * town.population / population
        if town.index != centre and outside > 0:
            public += programme * town.population / outside
        out[town.index] = {"consumer": demand[town.index], "producer": producer[town.index],
                           "tourism": town.tourism_services_100m_cny,
                           "chenpi": chenpi.tertiary_value_added(town, model.params.chenpi),
                           "public": public * p.public_services_va_ratio}
    return out


def build(model) -> None:
    """Base year (after incomes, the 陈皮 chain and industry): the tourism parts, then the consumer coefficient
    that makes the district's parts add up to its 2022 tertiary output."""
    p = model.params.services
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


"""The 陈皮 chain: growing 新会柑 (primary), processing into 陈皮 and its products (agri-food manufacturing), trade
and 陈皮 culture tourism (tertiary), by town.

Growing is area x yield x farm-gate price; the area moves toward the scenario's target (the plan's 保障15万亩)
by at most ``planting_mu_per_year`` a year. Processing follows the fruit harvested and a value-adding index (ageing, products,
brand) that grows at a rate which halves every ``value_adding_halving_years``; trade follows processing; 陈皮
tourism follows the town's village tourism income (demonstration villages raise it). The whole-chain value is the
sum of the four (gross output, as the district reports it). Growing is the town's 新会柑 primary output; trade and
tourism value added enter its tertiary output (``sim.rules.services``); processing is inside the agri-food
firms' output (not added to GDP again). Parameters (scenario ``chenpi``): citrus_area_target_mu (mu),
planting_mu_per_year (mu/yr), yield_t_per_mu (t/mu), farm_price_cny_per_t (yuan/t),
farm_price_growth_per_year, value_adding_growth_per_year (1/yr), value_adding_halving_years (yr),
chain_value_2022_100m_cny, trade_share_of_chain_2022, tourism_share_of_chain_2022 (shares),
trade_va_ratio, tourism_va_ratio (value added / output).
Sources: xinhui_facts.md §5 and §11 (area, fruit, chain value 145/190/>230亿 for 2021/2022/2023); the plan article
(保障15万亩, 中国陈皮交易中心); estimates are marked in the schema.
"""

from __future__ import annotations

from sim import history
from sim.scenario.errors import ScenarioError

PARTS = ("growing", "processing", "trade", "tourism")


def growing_value_100m_cny(area_mu: float, yield_t_per_mu: float, price_cny_per_t: float) -> float:
    """Farm-gate value of the 新会柑 harvest, 亿元."""
    return area_mu * yield_t_per_mu * price_cny_per_t / 1e8


def value_adding_growth(p, years_since_start: int) -> float:
    """This year's growth of the processing value per tonne of fruit (halves every ``value_adding_halving_years``)."""
    return p.value_adding_growth_per_year * 0.5 ** (years_since_start / p.value_adding_halving_years)


def build(model) -> None:
    """2022 chain by town: growing from area, yield and price; trade and tourism at their base shares of the
    chain value, placed like the area (trade) and like village tourism income (tourism); processing the rest."""
    p = model.params.chenpi
    scale = model.scale
    chain = p.chain_value_2022_100m_cny * history.initial_factor(model, "chain_value_2022_100m_cny") * scale
    area = sum(t.citrus_area_mu for t in model.towns) or 1.0
    tourism_income = {t.index: sum(v.income_by_source_10k_cny["tourism"] for v in model.villages_of_town(t.index))
                      for t in model.towns}
    all_tourism = sum(tourism_income.values()) or 1.0
    growing = {t.index: growing_value_100m_cny(t.citrus_area_mu, p.yield_t_per_mu, p.farm_price_cny_per_t) * scale
               for t in model.towns}
    processing = chain * (1 - p.trade_share_of_chain_2022 - p.tourism_share_of_chain_2022) - sum(growing.values())
    if processing <= 0:
        raise ScenarioError("growing, trade and tourism exceed the 2022 chain value: lower their shares, the "
                            "price or the yield", file=model.definition.path, key_path="chenpi")
    for town in model.towns:
        share = town.citrus_area_mu / area
        town.chenpi_100m_cny = {"growing": growing[town.index], "processing": processing * share,
                                "trade": chain * p.trade_share_of_chain_2022 * share,
                                "tourism": chain * p.tourism_share_of_chain_2022 * tourism_income[town.index]
                                / all_tourism}
        town.village_tourism_last_10k_cny = tourism_income[town.index]
        town.primary_citrus_100m_cny = growing[town.index]


def plant(model) -> None:
    """At year end: each town moves its area toward its part of the target area (placed like the base-year area),
    by at most its part of the district's planting capacity a year."""
    p = model.params.chenpi
    base_total = sum(t.spec.citrus_area_mu for t in model.towns) or 1.0
    for town in model.towns:
        share = town.spec.citrus_area_mu / base_total
        gap = p.citrus_area_target_mu * share - town.citrus_area_mu
        step = p.planting_mu_per_year * share
        town.citrus_area_mu += min(max(gap, -step), step)


def grow(model) -> float:
    """At year end, after planting: every town's growing, processing and trade this year. Returns the district's
    growth factor of farm plus processing value (village citrus income follows it)."""
    p = model.params.chenpi
    # years since 2023; before it (the historical start) the halving runs backwards: the rate doubles every
    # ``value_adding_halving_years`` into the past, which gives 145亿 in 2021 and 190亿 in 2022 within a few per cent
    years = model.year - model.first_year
    price = p.farm_price_cny_per_t * (1 + p.farm_price_growth_per_year) ** (years + 1)
    value_adding = 1.0 + value_adding_growth(p, years)
    before = sum(t.chenpi_100m_cny["growing"] + t.chenpi_100m_cny["processing"] for t in model.towns)
    for town in model.towns:
        chain = town.chenpi_100m_cny
        growing = growing_value_100m_cny(town.citrus_area_mu, p.yield_t_per_mu, price) * model.scale
        fruit_ratio = growing / chain["growing"] / (1 + p.farm_price_growth_per_year) if chain["growing"] else 1.0
        processing = chain["processing"] * fruit_ratio * value_adding
        chain["trade"] *= processing / chain["processing"] if chain["processing"] else 1.0
        chain["growing"], chain["processing"] = growing, processing
        town.primary_citrus_100m_cny = growing
    after = sum(t.chenpi_100m_cny["growing"] + t.chenpi_100m_cny["processing"] for t in model.towns)
    return after / before if before else 1.0


def follow_tourism(model) -> None:
    """At year end, after the villages' incomes: 陈皮 tourism follows the town's village tourism income."""
    for town in model.towns:
        income = sum(v.income_by_source_10k_cny["tourism"] for v in model.villages_of_town(town.index))
        if town.village_tourism_last_10k_cny:
            town.chenpi_100m_cny["tourism"] *= income / town.village_tourism_last_10k_cny
        town.village_tourism_last_10k_cny = income


def tertiary_value_added(town, p) -> float:
    """The chain's value added in the town's tertiary sector (trade and tourism), 亿元."""
    return town.chenpi_100m_cny["trade"] * p.trade_va_ratio + town.chenpi_100m_cny["tourism"] * p.tourism_va_ratio


def chain_value(model) -> float:
    """The whole-chain value of the district, 亿元 (2022 prices, at the model's scale)."""
    return sum(sum(t.chenpi_100m_cny.values()) for t in model.towns)

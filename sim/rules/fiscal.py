"""Town fiscal revenue: tax raised on a town's non-primary value added, park revenue sharing, 赛马 rewards.

Tax is a fixed share of secondary plus tertiary value added, set so that tax / GDP equals the district's
2015 ratio (财税总收入 126.3亿 on GDP 520亿); under revenue sharing a share of the tax of park firms is
pooled by the district and returned to towns by population; each 赛马 winner adds its reward.
Parameters: region ``district.fiscal_tax_to_gdp``; scenario ``integration.revenue_share`` (share),
``integration.revenue_sharing_start_year``, ``integration.horse_race_reward_100m_cny`` (亿元/yr),
``fiscal.town_retained_share`` (share). Sources: xinhui_facts.md §4a (2015 government work report);
literature.md §2 (寇晓东 & 汪红 2019: compensation 10-25%).
"""

from __future__ import annotations


def town_fiscal_revenue(tax_raised: dict[str, float], park_tax: dict[str, float], population: dict[str, float],
                        revenue_share: float) -> dict[str, float]:
    """Tax after pooling ``revenue_share`` of park tax and returning the pool by population (亿元)."""
    pool = revenue_share * sum(park_tax.values())
    total_population = sum(population.values())
    return {town: tax_raised[town] - revenue_share * park_tax[town] + pool * population[town] / total_population
            for town in tax_raised}


def collect(model, va_by_town: dict[str, float], park_va_by_town: dict[str, float], cobuilt_va: float = 0.0):
    """At year end: each town's fiscal revenue (亿元); the partner town adds Xinhui's share of the tax of
    the co-built park (新台合作)."""
    p = model.params
    rate = model.tax_rate_on_va
    tax = {t.id: rate * (va_by_town[t.id] + t.tertiary_100m_cny + t.construction_100m_cny) for t in model.towns}
    park_tax = {t.id: rate * park_va_by_town[t.id] for t in model.towns}
    share = p.integration.revenue_share if model.year >= p.integration.revenue_sharing_start_year else 0.0
    revenue = town_fiscal_revenue(tax, park_tax, {t.id: t.population for t in model.towns}, share)
    for town in model.towns:
        reward = p.integration.horse_race_reward_100m_cny if town.horse_race_winner else 0.0
        town.fiscal_revenue_100m_cny = p.fiscal.town_retained_share * revenue[town.id] + reward
    if cobuilt_va > 0:
        partner = model.towns[model.town_index[p.pairing.cobuilt_park_partner_town]]
        partner.fiscal_revenue_100m_cny += (p.fiscal.town_retained_share * rate * cobuilt_va
                                            * p.pairing.cobuilt_park_revenue_share)
    model.year_stats["cobuilt_park_va_100m_cny"] = cobuilt_va

"""Town fiscal revenue: tax raised on a town's non-primary value added, revenue sharing, 赛马 rewards.

Tax is a fixed share of secondary plus tertiary value added, set so that tax / GDP equals the district's
2015 ratio (财税总收入 126.3亿 on GDP 520亿); under revenue sharing (利益共享) a share of the tax of a firm
founded by a project that landed outside the town that drew it goes back to that town, compensating it for
the project it handed on (寇晓东 & 汪红 2019); each 赛马 winner adds its reward.
Parameters: region ``district.fiscal_tax_to_gdp``; scenario ``integration.revenue_share`` (share),
``integration.revenue_sharing_start_year``, ``integration.horse_race_reward_100m_cny`` (亿元/yr),
``fiscal.town_retained_share`` (share). Sources: xinhui_facts.md §4a (2015 government work report);
literature.md §2 (寇晓东 & 汪红 2019: compensation 10-25%).
"""

from __future__ import annotations


def town_fiscal_revenue(tax_raised: dict[str, float], handed_on_tax: dict[tuple[str, str], float],
                        revenue_share: float) -> dict[str, float]:
    """Tax after each host town pays ``revenue_share`` of the tax of firms drawn by another town to that town.
    ``handed_on_tax[(origin, host)]`` is the tax (亿元) raised in ``host`` by firms that ``origin`` drew."""
    revenue = dict(tax_raised)
    for (origin, host), tax in handed_on_tax.items():
        revenue[host] -= revenue_share * tax
        revenue[origin] += revenue_share * tax
    return revenue


def collect(model, va_by_town: dict[str, float], handed_on_va: dict[tuple[str, str], float], cobuilt_va: float = 0.0):
    """At year end: each town's fiscal revenue (亿元); the partner town adds Xinhui's share of the tax of
    the co-built park (新台合作)."""
    p = model.params
    rate = model.tax_rate_on_va
    tax = {t.id: rate * (va_by_town[t.id] + t.tertiary_100m_cny + t.construction_100m_cny) for t in model.towns}
    handed_on_tax = {pair: rate * va for pair, va in handed_on_va.items()}
    share = p.integration.revenue_share if model.year >= p.integration.revenue_sharing_start_year else 0.0
    revenue = town_fiscal_revenue(tax, handed_on_tax, share)
    for town in model.towns:
        reward = p.integration.horse_race_reward_100m_cny if town.horse_race_winner else 0.0
        town.fiscal_revenue_100m_cny = p.fiscal.town_retained_share * revenue[town.id] + reward
    if cobuilt_va > 0:
        partner = model.towns[model.town_index[p.pairing.cobuilt_park_partner_town]]
        partner.fiscal_revenue_100m_cny += (p.fiscal.town_retained_share * rate * cobuilt_va
                                            * p.pairing.cobuilt_park_revenue_share)
    model.year_stats["cobuilt_park_va_100m_cny"] = cobuilt_va

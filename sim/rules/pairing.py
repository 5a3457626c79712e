"""Pairing assistance (结对帮扶, 组团帮扶, 百企兴百村, strong-weak town pairs): funds, skills and steered projects.

Transfers are invested in leasable collective property that yields nothing for ``effect_lag_years``, then
ramps up over two more years; the matured funds pay off only above a threshold and with diminishing
returns, E = F_ref ((F - T) / F_ref)^alpha, and the income is yield x E x (base / median)^theta, so
stronger recipients gain more; capacity funds raise the growth of a village's own income after the lag;
steered projects are the next landing projects of any sector, placed in the recipient town's parks (or on
its scattered land when they are full). Parameters (scenario ``pairing``): pairs,
weakest_villages_paired, district_funds_10k_cny_per_village_year, enterprise_paired_villages,
enterprise_funds_10k_cny_per_village_year, strong_weak_town_pairs, steered_projects_per_pair_year,
effect_lag_years (yr), threshold_10k_cny (万元), yield_per_year (1/yr), diminishing_exponent (alpha),
base_strength_elasticity (theta), capacity_growth_gain (1/yr per 100万).
Sources: literature.md §2 (Xinjiang DID lag ~5 years, stronger bases gain more; 贺立龙 et al. 2023
threshold and diminishing returns; Tang & Zhang 2024 benefit sharing) and §6.6.
"""

from __future__ import annotations

REFERENCE_FUNDS_10K_CNY = 100.0   # F_ref: 100万, the scale at which the diminishing-returns curve is 1:1
RAMP_YEARS = 3                    # matured share rises 1/3, 2/3, 1 over the lag year and two more


def matured_funds(funds_by_year: dict[int, float], year: int, lag_years: int) -> float:
    """Funds (万元) that have matured into productive assets by ``year``."""
    total = 0.0
    for given, amount in funds_by_year.items():
        age = year - given
        if age >= lag_years:
            total += amount * min((age - lag_years + 1) / RAMP_YEARS, 1.0)
    return total


def effective_assets(matured: float, threshold: float, exponent: float) -> float:
    """Threshold, then diminishing returns: E = F_ref ((F - T) / F_ref)^alpha."""
    excess = max(matured - threshold, 0.0)
    return REFERENCE_FUNDS_10K_CNY * (excess / REFERENCE_FUNDS_10K_CNY) ** exponent


def pairing_income(matured: float, base_ratio: float, p) -> float:
    """Operating income (万元/yr) from pairing-funded assets."""
    assets = effective_assets(matured, p.threshold_10k_cny, p.diminishing_exponent)
    return p.yield_per_year * assets * max(base_ratio, 1e-6) ** p.base_strength_elasticity


def capacity_growth(matured_capacity: float, p) -> float:
    """Extra growth rate of own income from matured capacity-building funds."""
    return min(p.capacity_growth_gain * matured_capacity / REFERENCE_FUNDS_10K_CNY, 3 * p.capacity_growth_gain)


def form_rule_pairs(model) -> None:
    """In the pairing start year: district bodies take the weakest villages, enterprises the next ones,
    and the strongest towns pair with the weakest towns."""
    p = model.params.pairing
    villages = sorted((v for v in model.villages if not v.is_community),
                      key=lambda v: (v.operating_income_10k_cny, v.id))
    district = villages[: p.weakest_villages_paired]
    enterprise = villages[p.weakest_villages_paired: p.weakest_villages_paired + p.enterprise_paired_villages]
    for village in district:
        model.add_pair("district_groups", village.id, "transfer", p.district_funds_10k_cny_per_village_year)
    for village in enterprise:
        model.add_pair("bai_qi_xing_bai_cun", village.id, "transfer",
                       p.enterprise_funds_10k_cny_per_village_year)
    towns = sorted(model.towns, key=lambda t: (t.industrial_output_100m_cny, t.id))  # last completed year
    for weak, strong in zip(towns[: p.strong_weak_town_pairs], reversed(towns)):
        model.add_pair(strong.id, weak.id, "steered_project", 0.0, p.steered_projects_per_pair_year)


def disburse(model) -> None:
    """At the start of a year: active pairs pay their funds and set the steering quotas."""
    p = model.params.pairing
    if model.year == p.pairing_start_year:
        form_rule_pairs(model)
    for pair in model.active_pairs():
        if pair.instrument == "steered_project":
            model.steering_quota[model.town_index[pair.recipient]] += pair.projects_per_year * model.scale
            continue
        for village, share in model.recipient_villages(pair.recipient):
            ledger = village.transfer_funds_by_year if pair.instrument == "transfer" \
                else village.capacity_funds_by_year
            ledger[model.year] = ledger.get(model.year, 0.0) + pair.funds_10k_cny_per_year * share
            if pair.donor not in village.pairing_donors:
                village.pairing_donors.append(pair.donor)
        model.year_stats["pairing_funds_100m_cny"] += pair.funds_10k_cny_per_year / 1e4


def update_income(model) -> None:
    """At year end: pairing income of every village from its matured funds."""
    p = model.params.pairing
    median = model.median_base_income
    for village in model.villages:
        if not village.transfer_funds_by_year:
            continue
        matured = matured_funds(village.transfer_funds_by_year, model.year, p.effect_lag_years)
        village.pairing_income_10k_cny = pairing_income(matured, village.base_income_10k_cny / median, p)


def capacity_growth_of(village, model) -> float:
    p = model.params.pairing
    if not village.capacity_funds_by_year:
        return 0.0
    return capacity_growth(matured_funds(village.capacity_funds_by_year, model.year, p.effect_lag_years), p)


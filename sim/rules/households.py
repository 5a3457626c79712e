"""Household incomes: per-capita disposable income of urban and rural residents in each town, by source.

A town's wage income is its employed residents less its farm jobs (``wage_earners``) x the town wage x the
disposable share of wages, split between urban and rural residents at a relative wage income per head;
own-business income is a share of the town's primary value added (farming, rural residents) and of last year's
tertiary value added (个体户, urban residents);
rural residents receive the dividends their villages' collectives pay out of operating income; transfers and
property income per head grow at a trend. Outputs per town: urban and rural income per head, their ratio, the
share of rural income from collective dividends; at district level the Theil T between towns and zones.

Money (``settle``, at year end after the budgets close): ``households:<town>`` receives the income counted here
plus the taxes and fees it paid this year (withheld at source): wages from the public sector (``wages:public``,
sim.rules.services) and pairing's capacity funds (``pairing:capacity``) first, the rest of the wages from the
firms (``income:wages``: industry by its sectors' wage bills, ``firms:services`` the rest), own business from
``firms:services`` (个体户) and ``firms:primary`` (farms, not modelled one by one), dividends from
``collectives:<town>`` (the collectives' operating accounts, whose leasing income the ledger does not carry,
like the firms' sales), transfers from ``outside:province`` (social insurance, pensions: ``income:transfers``).
Urban residents consume ``urban_consumption_propensity`` and rural residents ``rural_consumption_propensity``
of their disposable income: the rents they paid villages this year (``pairing:rent``) count in it, the rest is
bought from ``firms:services`` (``households:consumption``); they save the rest as deposits with the banks
(``outside:lenders``, the lenders the governments borrow from; ``households:saving``). So a town's households'
balance moves only by what was paid to them beyond their income (none by default).
Parameters (scenario ``households``): wage_disposable_share (share), rural_wage_income_relative (1),
farm_income_share_of_primary, business_income_share_of_tertiary, dividend_payout_share (shares),
urban_transfers_cny_per_head, rural_transfers_cny_per_head (yuan/yr, 2022), transfers_growth_per_year (1/yr),
urban_consumption_propensity, rural_consumption_propensity (shares).
Sources: the 2023 bulletin (employment, residents; literature.md row Xinhui GDP 2023), xinhui_facts.md §4b
(collective income 12.56亿); no Xinhui household income figure exists in the domain files (facts §4), so the
levels are estimates, reasoned in the schema; the propensities are Guangdong's 2020 (docs/sources hs §2).
"""

from __future__ import annotations

import numpy as np

from sim import kernels_year

YUAN_PER_100M = 1e8
SECONDARY_EMPLOYMENT_SHARE = 16.72 / 57.47  # 2023 bulletin: secondary workers of all employed


def split_wage_income(total_cny: float, urban: float, rural: float, rural_relative: float) -> tuple[float, float]:
    """Wage income per urban and per rural resident (yuan) from the town's total, when a rural resident earns
    ``rural_relative`` of an urban resident's wage income."""
    urban_head = total_cny / max(urban + rural_relative * rural, 1e-9)
    return urban_head, rural_relative * urban_head


def wage_earners(town) -> float:
    """Employed residents paid a wage: all but the town's farm jobs, whose earnings are the farm income
    (``farm_income_share_of_primary``; farm workers are taken to live where they farm: estimate). Paying them
    the town wage as well had counted 4.07万 farm jobs twice, at 55亿 a year (77% of primary value added) besides
    the farm income."""
    return max(town.employed_residents - town.jobs_by_sector.get("primary", 0.0), 0.0)


def town_incomes(town, model) -> dict[str, float]:
    """This year's income per head of the town's urban and rural residents, by source (yuan/yr, 2022 prices)."""
    p = model.params.households
    scale, years = model.scale, model.year - model.region.base_year
    urban, rural = town.population * town.urban_share, town.population * (1 - town.urban_share)
    wages = town.wage_10k_cny * 1e4 * wage_earners(town) * p.wage_disposable_share
    urban_wage, rural_wage = split_wage_income(wages, urban, rural, p.rural_wage_income_relative)
    farm = town.primary_100m_cny / scale * YUAN_PER_100M * p.farm_income_share_of_primary / max(rural, 1.0)
    business = town.tertiary_100m_cny / scale * YUAN_PER_100M * p.business_income_share_of_tertiary / max(urban, 1.0)
    members = [v for v in model.villages_of_town(town.index) if not v.is_community]
    dividends = sum(v.operating_income_10k_cny for v in members) * 1e4 * p.dividend_payout_share / max(rural, 1.0)
    trend = (1 + p.transfers_growth_per_year) ** years
    return {"urban_wage": urban_wage, "urban_business": business, "urban_transfers": p.urban_transfers_cny_per_head * trend,
            "rural_wage": rural_wage, "rural_business": farm, "rural_dividends": dividends,
            "rural_transfers": p.rural_transfers_cny_per_head * trend}


def update_incomes(model) -> None:
    """At year end, after wages, farm output and village incomes (tertiary output: last year's): every town's
    urban and rural disposable income per head."""
    for town in model.towns:
        parts = town_incomes(town, model)
        town.income_by_source_100m_cny = income_totals(town, parts, model.scale)
        town.urban_income_per_head_cny = parts["urban_wage"] + parts["urban_business"] + parts["urban_transfers"]
        town.rural_income_per_head_cny = (parts["rural_wage"] + parts["rural_business"] + parts["rural_dividends"]
                                          + parts["rural_transfers"])
        town.dividend_income_per_rural_head_cny = parts["rural_dividends"]


def income_totals(town, parts: dict[str, float], scale: float) -> dict[str, float]:
    """The town's households' disposable income this year by source and by urban and rural residents (亿元, at
    the model's scale): wages, business (urban 个体户), farm, dividends, transfers, and the urban and rural sums."""
    urban, rural = town.population * town.urban_share, town.population * (1 - town.urban_share)
    money = {k: v * (urban if k.startswith("urban") else rural) * scale / YUAN_PER_100M for k, v in parts.items()}
    return {"wages": money["urban_wage"] + money["rural_wage"], "business": money["urban_business"],
            "farm": money["rural_business"], "dividends": money["rural_dividends"],
            "transfers": money["urban_transfers"] + money["rural_transfers"],
            "urban": sum(v for k, v in money.items() if k.startswith("urban")),
            "rural": sum(v for k, v in money.items() if k.startswith("rural"))}


def wage_payers(model, firm_sums: dict | None = None) -> list[tuple[str, float]]:
    """Who pays the firms' part of wages, with shares: each industrial sector by its firms' wage bill this year,
    ``firms:services`` by the labour share of the market tertiary and construction value added. ``firm_sums``:
    this year's tax pass's sums (``public_finance.collect``'s result), if any."""
    from sim.rules.public_finance import market_services_va

    firms, summed = model.firms, firm_sums
    if summed is not None and summed["wage_10k_cny"] == model.wage_10k_cny:
        bills = summed["wage_bills"]  # from the tax pass over the same firms (compiled scales)
    else:  # the producing firms' wage bills by sector in one pass (compiled at larger scales)
        bills = kernels_year.wage_bills(firms.output_last_year, firms.park, model.park_outside, firms.sector,
                                        firms.employment, model.wage_10k_cny, len(model.sector_ids))
    services = model.params.firms.labour_share_of_value_added * float(market_services_va(model).sum())
    total = float(bills.sum()) + services
    payers = [(f"firms:{s}", float(b) / total) for s, b in zip(model.sector_ids, bills) if b > 0]
    return payers + [("firms:services", services / total)] if total > 0 else [("firms:services", 1.0)]


def settle(model, firm_sums: dict | None = None) -> None:
    """At year end, after the budgets and the public sector have paid: every town's households receive the rest
    of their income (and what they paid in taxes and fees this year), consume and save (module docstring).
    ``firm_sums``: what this year's tax pass added up (``public_finance.collect``), or None."""
    ledger, payers = model.ledger, wage_payers(model, firm_sums)
    for town in model.towns:
        account, income = f"households:{town.id}", town.income_by_source_100m_cny
        taxes = ledger.paid(account, "tax:") + ledger.paid(account, "nontax:")
        received = ledger.received(account, "wages:public") + ledger.received(account, "pairing:capacity")
        wages = max(income["wages"] + taxes - received, 0.0)
        for payer, share in payers:
            ledger.transfer(payer, account, wages * share, "income:wages")
        ledger.transfer("firms:services", account, income["business"], "income:business")
        ledger.transfer("firms:primary", account, income["farm"], "income:business")
        ledger.transfer(f"collectives:{town.id}", account, income["dividends"], "income:dividends")
        ledger.transfer("outside:province", account, income["transfers"], "income:transfers")
        spend_and_save(model, town, account)


def spend_and_save(model, town, account: str) -> None:
    """The town's households' consumption (the year's village rents included) and saving (亿元)."""
    p, income = model.params.households, town.income_by_source_100m_cny
    consumption = p.urban_consumption_propensity * income["urban"] + p.rural_consumption_propensity * income["rural"]
    rents = model.ledger.paid(account, "pairing:rent")
    model.ledger.transfer(account, "firms:services", max(consumption - rents, 0.0), "households:consumption")
    model.ledger.transfer(account, "outside:lenders", income["urban"] + income["rural"] - consumption, "households:saving")
    town.household_consumption_100m_cny = consumption


def district_spending(towns, price: float) -> dict[str, float]:
    """The district's households' disposable income, consumption and saving this year (亿元, at ``price``)."""
    income = sum(t.income_by_source_100m_cny.get("urban", 0.0) + t.income_by_source_100m_cny.get("rural", 0.0)
                 for t in towns)
    consumption = sum(t.household_consumption_100m_cny for t in towns)
    return {"household_income_100m_cny": float(income * price), "household_consumption_100m_cny": float(consumption * price),
            "household_saving_100m_cny": float((income - consumption) * price)}


def follow_district_wage(model) -> None:
    """people interface (issue 12): until engineer `people`'s labour market sets each town's wage and employed
    residents, every town pays the district wage path of ``sim.rules.labour`` (万元/yr) and its employed residents
    follow its population, with the secondary part (16.72 of 57.47万 in 2023) following the town's industrial and
    construction jobs since the base year (firms hire in the district: a stand-in for commuting and migration).
    Farm jobs are the town's primary value added at the primary labour productivity of the first simulated year,
    as the labour market counts them then (``wage_earners`` pays them no wage): 2023's in the default start,
    2015's in the historical one (8.87万元; it had been 2023's 17.71 there, 2.39万 farm jobs in 2014 against the
    market's 4.9万 in 2015, so the base-year wage bill services are calibrated on paid ~2.4万 farm workers a wage)."""
    from sim import history
    from sim.agents.town import EMPLOYED_PER_RESIDENT
    from sim.indicators import employment_by_place
    from sim.rules.labour_market import base_year_wage, sector_labour_productivity

    jobs = employment_by_place(model)
    secondary = jobs["industry_by_town"] + jobs["construction_by_town"]
    farm_lp = sector_labour_productivity(model, "primary", model.start_year)
    working_age_factor = history.initial_factor(model, "working_age_share")  # 1.047 in 2015, 1 in the default start
    wage = base_year_wage(model)  # at the base year's capital deepening, one year of the balanced path below 1
    for town, job in zip(model.towns, secondary):
        town.jobs_by_sector = {**town.jobs_by_sector, "primary": town.primary_100m_cny / model.scale * 1e4 / farm_lp}
        town.wage_10k_cny = wage
        # the base year's employed per resident is 2023's; the historical start's working-age share is 2015's
        base = town.population * EMPLOYED_PER_RESIDENT * working_age_factor
        if town.base_secondary_jobs == 0.0 and jobs["industry_by_town"].sum() > 0:
            town.base_secondary_jobs = float(job)  # the first year firms report jobs (2023: none in the build)
        ratio = job / town.base_secondary_jobs if town.base_secondary_jobs > 0 else 1.0
        town.employed_residents = base * (1 - SECONDARY_EMPLOYMENT_SHARE + SECONDARY_EMPLOYMENT_SHARE * ratio)


def income_per_head(town) -> float:
    """Disposable income per resident of the town (yuan/yr, 2022 prices)."""
    return town.urban_share * town.urban_income_per_head_cny + (1 - town.urban_share) * town.rural_income_per_head_cny


def group_incomes(towns) -> dict[str, float]:
    """Income per head (all, urban, rural), the urban-rural ratio and the dividend share of rural income of a
    group of towns (yuan/yr, 2022 prices)."""
    urban = sum(t.population * t.urban_share for t in towns)
    rural = sum(t.population * (1 - t.urban_share) for t in towns)
    urban_income = sum(t.population * t.urban_share * t.urban_income_per_head_cny for t in towns)
    rural_income = sum(t.population * (1 - t.urban_share) * t.rural_income_per_head_cny for t in towns)
    dividends = sum(t.population * (1 - t.urban_share) * t.dividend_income_per_rural_head_cny for t in towns)
    urban_head = urban_income / urban if urban else 0.0
    rural_head = rural_income / rural if rural else 0.0
    return {"income_per_head_cny": (urban_income + rural_income) / max(urban + rural, 1.0),
            "urban_income_per_head_cny": urban_head, "rural_income_per_head_cny": rural_head,
            "urban_rural_income_ratio": urban_head / rural_head if rural_head else float("nan"),
            "rural_income_share_dividends": dividends / rural_income if rural_income else 0.0,
            "urban_share": urban / max(urban + rural, 1.0)}


def income_theil(model) -> tuple[float, float, float]:
    """Population-weighted Theil T of income per head between towns: total, between zones, within zones."""
    from sim.indicators import theil_t  # indicators reads this module's columns

    population = np.array([t.population for t in model.towns])
    income = np.array([income_per_head(t) for t in model.towns]) * population
    return theil_t(income, population, np.array([t.zone_index for t in model.towns]))

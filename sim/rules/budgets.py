"""Government budgets: the district's and each town's revenue, spending, debt and reserves, every year.

A government's account in the ledger (``district``, ``town:<id>``) receives its taxes, land-transfer income,
transfers, revenue sharing and 赛马 rewards, and pays whatever the other mechanisms post during the year (land
development, incentives, pairing funds, transport, the 赛马 pool, transfers). At year end it pays interest r·D
and the repayment D/m to ``outside:lenders``, then public services: what it holds above its reserve target
(``reserve_share_of_revenue`` x revenue R), but at least ``services_floor_share_of_revenue`` x R, borrowing to
keep the reserve target while debt stays within ``debt_limit_share_of_revenue`` x R; past the limit services are
cut, and only if they reach 0 does it borrow over the limit (``over_limit``). The district's services are paid to
the towns' public sectors (``public:<town>``, sim.rules.services) by population, a town's to its own. Its room for next year's discretionary spending is
held reserves + debt room (negative over the limit) + (1 - floor - reserve share) x R - next year's
debt service, at least 0. So, by the ledger,
revenue + borrowing - repayment = spending + change in reserves for every government and year.
Other mechanisms pay discretionary items through ``spend`` (posts within the room and lowers it).
The 赛马 (``pay_horse_race``) is a pool the district funds (``horse_race:pool`` to ``fund:horse_race``) and
pays out in full to the winners (``horse_race:reward``), who spend it like any revenue.
Parameters (scenario ``fiscal``): reserve_share_of_revenue, services_floor_share_of_revenue,
debt_limit_share_of_revenue, initial_debt_share_of_revenue, interest_rate_per_year, debt_maturity_years;
``integration.horse_race_reward_100m_cny``. Sources: docs/scenarios.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LENDERS = "outside:lenders"
HORSE_RACE_FUND = "fund:horse_race"


@dataclass
class Budget:
    """One government's debt (a stock from before 2023, not a ledger balance) and its last year-end figures."""

    account: str
    debt_100m_cny: float = math.nan  # set from the first year's revenue
    debt_limit_100m_cny: float = 0.0
    reserves_start_100m_cny: float = 0.0  # the account's balance at the start of the year
    room_100m_cny: float = math.inf
    over_limit: bool = False


def make_budgets(model) -> dict[str, Budget]:
    accounts = ["district", *(f"town:{t.id}" for t in model.towns)]
    return {account: Budget(account) for account in accounts}


def open_first_year(model) -> None:
    """The first year's budget rooms, before any year-end has set them: each government's free share of the
    revenue its base-year economy would raise (non-primary value added x the 2017 local revenue per value added,
    split between the towns and the district by ``fiscal.town_share_of_local``), so that no decision in the
    first year spends money no government has (an infinite room let a small town's incentives exceed its
    revenue in 2023)."""
    from sim.rules.public_finance import LOCAL_REVENUE_PER_VA_2017

    fp = model.params.fiscal
    free_share = max(1 - fp.services_floor_share_of_revenue - fp.reserve_share_of_revenue, 0.0)
    local = [LOCAL_REVENUE_PER_VA_2017 * (t.industrial_va_100m_cny + t.tertiary_100m_cny + t.construction_100m_cny)
             for t in model.towns]
    for town, revenue in zip(model.towns, local):
        town.budget_room_100m_cny = free_share * fp.town_share_of_local * revenue
    model.district_budget_room_100m_cny = free_share * (1 - fp.town_share_of_local) * sum(local)


def receipts(flows: dict, prefix_excluded: str = "debt:") -> dict[str, float]:
    """What every account received this year in items not starting with ``prefix_excluded`` (one pass)."""
    out: dict[str, float] = {}
    for (_, payee, item), amount in flows.items():
        if not item.startswith(prefix_excluded):
            out[payee] = out.get(payee, 0.0) + amount
    return out


def spend(model, account: str, payee: str, amount_100m_cny: float, item: str) -> float:
    """Post a discretionary payment of a government (``district`` or ``town:<id>``) within its budget room and
    lower the room by it; returns what was paid (the request, cut to the room). For the spending rules of other
    mechanisms (land development, incentives, pairing), so that they stay within the rooms set here."""
    town = model.towns[model.town_index[account[5:]]] if account.startswith("town:") else None
    room = town.budget_room_100m_cny if town else model.district_budget_room_100m_cny
    paid = model.ledger.transfer(account, payee, min(max(amount_100m_cny, 0.0), room), item)
    if town:
        town.budget_room_100m_cny = room - paid
    else:
        model.district_budget_room_100m_cny = room - paid
    return paid


def pay_horse_race(model, winners: list) -> None:
    """The district funds the 赛马 pool within its budget room and pays it out to this year's winners in equal
    rewards (a pool the room cuts pays each winner less)."""
    reward = model.params.integration.horse_race_reward_100m_cny * model.scale
    if reward <= 0 or not winners:
        return
    pool = spend(model, "district", HORSE_RACE_FUND, reward * len(winners), "horse_race:pool")
    for town in winners:
        model.ledger.transfer(HORSE_RACE_FUND, f"town:{town.id}", pool / len(winners), "horse_race:reward")


def close_budget(model, budget: Budget, service_payees: list[tuple[str, float]], income: float | None = None) -> float:
    """Debt service, public services and borrowing of one government at year end; returns its services.
    ``income``: what it received this year, borrowing excluded (found from the ledger if not given)."""
    fp, ledger, account = model.params.fiscal, model.ledger, budget.account
    income = receipts(ledger.flows()).get(account, 0.0) if income is None else income
    if math.isnan(budget.debt_100m_cny):
        budget.debt_100m_cny = fp.initial_debt_share_of_revenue * income
    debt = budget.debt_100m_cny
    ledger.transfer(account, LENDERS, fp.interest_rate_per_year * debt, "debt:interest")
    repay = debt / fp.debt_maturity_years
    ledger.transfer(account, LENDERS, repay, "debt:repay")
    debt -= repay
    held, target = ledger.balance(account), fp.reserve_share_of_revenue * income
    limit = fp.debt_limit_share_of_revenue * income
    services = max(held - target, fp.services_floor_share_of_revenue * income, 0.0)
    borrow = min(max(target - (held - services), 0.0), max(limit - debt, 0.0))
    short = max(services - held - borrow, 0.0)  # what borrowing within the limit could not cover
    cut = min(short, services)
    services -= cut
    budget.over_limit = short > cut
    borrow += short - cut
    ledger.transfer(LENDERS, account, borrow, "debt:borrow")
    for payee, weight in service_payees:
        ledger.transfer(account, payee, services * weight, "services:public")
    budget.debt_100m_cny = debt + borrow
    budget.debt_limit_100m_cny = limit
    after = ledger.balance(account)
    next_service = (fp.interest_rate_per_year + 1 / fp.debt_maturity_years) * budget.debt_100m_cny
    free_share = max(1 - fp.services_floor_share_of_revenue - fp.reserve_share_of_revenue, 0.0)
    # debt over the limit (negative debt room) is a first claim on next year's room
    budget.room_100m_cny = max(after + limit - budget.debt_100m_cny + free_share * income - next_service, 0.0)
    return services


def close_year(model) -> None:
    """Close every government's budget (towns first: they receive the district's transfers earlier in the
    year-end), set the budget rooms and the public services spent in each town this year (亿元, 2022 prices):
    what its public sector (``public:<town>``) received in ``services:public`` items, the district's share (by
    population) and the town-centre programme included."""
    budgets = model.budgets
    residents = [t.population for t in model.towns]
    total = sum(residents)
    # closing a town adds nothing to another's or the district's receipts; one account's running sum is the
    # sum a pass over all flows makes (same bits)
    income = {account: model.ledger.received_except(account, "debt:") for account in budgets}
    for town in model.towns:
        account = f"town:{town.id}"
        close_budget(model, budgets[account], [(f"public:{town.id}", 1.0)], income.get(account, 0.0))
    district_payees = [(f"public:{t.id}", people / total) for t, people in zip(model.towns, residents)]
    close_budget(model, budgets["district"], district_payees, income.get("district", 0.0))
    for town in model.towns:
        town.public_services_100m_cny = model.ledger.received_running(f"public:{town.id}", "services:public")
        town.budget_room_100m_cny = budgets[f"town:{town.id}"].room_100m_cny
    model.district_budget_room_100m_cny = budgets["district"].room_100m_cny
    model.public_services_100m_cny = sum(t.public_services_100m_cny for t in model.towns)


def public_services_received(flows: dict) -> dict[str, float]:
    """What every account received this year in ``services:public`` items (亿元)."""
    out: dict[str, float] = {}
    for (_, payee, item), amount in flows.items():
        if item.startswith("services:public"):
            out[payee] = out.get(payee, 0.0) + amount
    return out


# (column, direction, item prefix): how the year's ledger flows of a government fill its budget row
REVENUE = (("tax_vat", "tax:vat"), ("tax_cit", "tax:cit"), ("tax_pit", "tax:pit"), ("tax_property", "tax:property"),
           ("tax_land", "tax:land"), ("tax_other", "tax:other"), ("non_tax", "nontax:"), ("land_transfer_income", "land:transfer_income"),
           ("transfers_received", "transfer:"), ("revenue_sharing_received", "revenue_sharing"),
           ("horse_race_reward", "horse_race:reward"))
SPENDING = (("public_services", "services:public"), ("land_development", "land:development"),
            ("incentives", "incentive:"), ("pairing", "pairing:"), ("infrastructure", "infrastructure:"),
            ("horse_race_pool", "horse_race:pool"), ("transfers_paid", "transfer:"),
            ("revenue_sharing_paid", "revenue_sharing"), ("debt_interest", "debt:interest"))


_COLUMNS = (*(k for k, _ in REVENUE), "other_revenue", "borrowing", *(k for k, _ in SPENDING), "other_spending",
            "debt_repayment")


def classify(flows: dict, accounts) -> dict[str, dict[str, float]]:
    """Each account's revenue by source and spending by item this year (亿元), from the ledger's flows."""
    out = {a: dict.fromkeys(_COLUMNS, 0.0) for a in accounts}
    columns: dict[tuple[str, bool], str] = {}  # (item, received) -> column, memoised: few items, many flows
    for (payer, payee, item), amount in flows.items():
        for account, received in ((payee, True), (payer, False)):
            if account in out:
                key = columns.get((item, received)) or columns.setdefault((item, received), _column(item, received))
                out[account][key] += amount
    return out


def classify_accounts(ledger, accounts) -> dict[str, dict[str, float]]:
    """``classify(ledger.flows(), accounts)`` from each account's own flows (same bits: revenue and spending
    columns are distinct, so each column adds its flows in the order of the year's flows either way)."""
    out = {}
    for account in accounts:
        row = out[account] = dict.fromkeys(_COLUMNS, 0.0)
        for flows, columns, received in ((ledger.flows_received(account), _RECEIVED_COLUMN, True),
                                         (ledger.flows_paid(account), _PAID_COLUMN, False)):
            for item, amount in flows:
                key = columns.get(item)
                if key is None:
                    key = columns[item] = _column(item, received)
                row[key] += amount
    return out


# item -> column of a flow received or paid, memoised (a few dozen items in all)
_RECEIVED_COLUMN: dict[str, str] = {}
_PAID_COLUMN: dict[str, str] = {}


def _column(item: str, received: bool) -> str:
    if item == ("debt:borrow" if received else "debt:repay"):
        return "borrowing" if received else "debt_repayment"
    table, other = (REVENUE, "other_revenue") if received else (SPENDING, "other_spending")
    return next((column for column, prefix in table if item.startswith(prefix)), other)


def district_fiscal_revenue(model) -> float:
    """The district's 一般公共预算收入: its towns' plus its own share of handed-on firms' taxes (亿元)."""
    return sum(t.fiscal_revenue_100m_cny for t in model.towns) + model.district_shared_revenue_100m_cny


def rows(model) -> list[dict]:
    """One row per government of the year being closed, in 2022 prices (the recorder converts money)."""
    out = []
    classified = classify_accounts(model.ledger, model.budgets)
    for account, budget in model.budgets.items():
        row = classified[account]
        revenue_total = sum(row[k] for k, _ in REVENUE) + row["other_revenue"]
        spending_total = sum(row[k] for k, _ in SPENDING) + row["other_spending"]
        reserves = model.ledger.balance(account)
        town = model.towns[model.town_index[account[5:]]] if account.startswith("town:") else None
        general = town.fiscal_revenue_100m_cny if town else district_fiscal_revenue(model)
        out.append({"government": account[5:] if town else account, "level": "town" if town else "district",
                    **row, "revenue_total": revenue_total, "spending_total": spending_total,
                    "reserves": reserves, "reserves_change": reserves - budget.reserves_start_100m_cny,
                    "debt": budget.debt_100m_cny, "debt_limit": budget.debt_limit_100m_cny,
                    "budget_room": budget.room_100m_cny, "general_budget_revenue": general,
                    "over_debt_limit": budget.over_limit})
        budget.reserves_start_100m_cny = reserves
    return out

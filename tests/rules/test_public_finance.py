"""Public finance: tax shares add up, budgets balance, the 赛马 creates no money, prices are nominal only."""

from __future__ import annotations

import math
from functools import cache
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.ledger import Ledger
from sim.model import RegionModel
from sim.rules import budgets, prices, public_finance
from sim.scenario import load_scenario
from sim.scenario.sources import scenario_path, shipped_variants

VARIANTS = tuple(shipped_variants())  # the test batch: every shipped variant
SMALL = {"scale": 0.1, "horizon.last_year": 2028}


@cache
def small_run(variant: str, **overrides) -> tuple[RegionModel, dict]:
    model = RegionModel(variant, rng=2, collect=False, **{**SMALL, **overrides})
    return model, model.run().tables()


def fiscal_params(**changes):
    params = load_scenario(scenario_path("plan")).params
    return SimpleNamespace(**{k: getattr(params.fiscal, k) for k in dir(params.fiscal) if not k.startswith("_")}
                           | changes)


def test_every_tax_is_split_into_shares_that_add_up_to_one():
    shares = public_finance.level_shares(fiscal_params())
    assert set(shares) == set(public_finance.TAX_TYPES)
    for tax, by_level in shares.items():
        assert sum(by_level.values()) == pytest.approx(1.0), tax
        assert all(share >= 0 for share in by_level.values())
    assert shares["vat"]["central"] == 0.5 and shares["cit"]["central"] == 0.6
    assert shares["property"]["central"] == 0.0  # local taxes stay below the province


@pytest.mark.parametrize("variant", VARIANTS)
def test_tax_shares_posted_add_up_to_the_taxes_collected_every_year(variant):
    model, _ = small_run(variant)
    for year, flows in model.ledger.years.items():
        for tax in public_finance.TAX_TYPES:
            posted = math.fsum(v for (payer, _, item), v in flows.items()
                               if item == f"tax:{tax}" and not payer.startswith("outside:"))
            assert posted == pytest.approx(model.taxes_collected[year][tax], rel=1e-9, abs=1e-12), (year, tax)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_budget_balances_every_year(variant):
    """revenue + borrowing - repayment = spending + change in reserves, for every government and year."""
    _, tables = small_run(variant)
    b = pd.DataFrame(tables["budgets"])
    assert len(b) == 12 * len(set(b.year))
    left = b.revenue_total_100m_cny + b.borrowing_100m_cny - b.debt_repayment_100m_cny
    right = b.spending_total_100m_cny + b.reserves_change_100m_cny
    assert (left - right).abs().max() < 1e-9
    assert (b.debt_100m_cny <= b.debt_limit_100m_cny + 1e-9).all() or b.over_debt_limit.any()
    assert (b.public_services_100m_cny > 0).all()


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_money_is_created_and_the_horse_race_pool_is_paid_out(variant):
    model, _ = small_run(variant)
    assert abs(model.ledger.imbalance()) < 1e-9
    for flows in model.ledger.years.values():
        pool = sum(v for (payer, _, item), v in flows.items() if payer == "district" and item == "horse_race:pool")
        rewards = sum(v for (_, payee, item), v in flows.items()
                      if payee.startswith("town:") and item == "horse_race:reward")
        assert pool == pytest.approx(rewards)
    assert model.ledger.balance(budgets.HORSE_RACE_FUND) == pytest.approx(0.0, abs=1e-12)


def test_plan_pays_a_horse_race_from_the_district_budget():
    model, tables = small_run("plan")
    b = pd.DataFrame(tables["budgets"])
    district = b[b.government == "district"]
    assert (district.horse_race_pool_100m_cny > 0).all()
    winners = b[(b.level == "town") & (b.horse_race_reward_100m_cny > 0)]
    assert winners.groupby("year").size().eq(3).all()


def test_town_fiscal_revenue_is_the_local_part_of_its_taxes_and_sums_to_the_district():
    _, tables = small_run("plan")
    b = pd.DataFrame(tables["budgets"])
    towns = pd.DataFrame(tables["towns"])
    district = b[b.government == "district"].set_index("year").general_budget_revenue_100m_cny
    assert towns.groupby("year").fiscal_revenue_100m_cny.sum().values == pytest.approx(district.values)
    d = pd.DataFrame(tables["district"]).set_index("year")
    assert d.fiscal_revenue_100m_cny.values == pytest.approx(district.values)


def test_revenue_sharing_moves_money_from_host_to_drawing_town_and_conserves_the_statistic():
    _, shared = small_run("plan")
    _, unshared = small_run("plan", **{"integration.revenue_share": 0.0})
    a, b = pd.DataFrame(shared["budgets"]), pd.DataFrame(unshared["budgets"])
    assert a.revenue_sharing_received_100m_cny.sum() > 0
    assert a.revenue_sharing_received_100m_cny.sum() == pytest.approx(a.revenue_sharing_paid_100m_cny.sum())
    assert b.revenue_sharing_received_100m_cny.sum() == 0


def budget_model(revenue: float, spent: float, **changes) -> tuple[SimpleNamespace, budgets.Budget]:
    """A ledger with one government that received ``revenue`` and already spent ``spent`` this year."""
    model = SimpleNamespace(ledger=Ledger(), params=SimpleNamespace(fiscal=fiscal_params(**changes)))
    model.ledger.transfer("firms:services", "town:a", revenue, "tax:vat")
    model.ledger.transfer("town:a", "firms:services", spent, "land:development")
    return model, budgets.Budget("town:a")


def test_a_government_spends_on_services_what_it_holds_above_its_reserve_target():
    model, budget = budget_model(10.0, 1.0, initial_debt_share_of_revenue=0.0)
    services = budgets.close_budget(model, budget, [("households:a", 1.0)])
    assert services == pytest.approx(10.0 - 1.0 - 0.05 * 10.0)
    assert model.ledger.balance("town:a") == pytest.approx(0.5)
    assert budget.debt_100m_cny == 0.0


def test_spending_beyond_revenue_is_borrowed_within_the_limit_then_services_are_cut():
    model, budget = budget_model(10.0, 8.0, initial_debt_share_of_revenue=0.0)
    services = budgets.close_budget(model, budget, [("households:a", 1.0)])
    assert services == pytest.approx(6.0)  # the floor, 0.6 x revenue
    assert budget.debt_100m_cny == pytest.approx(6.0 - 2.0 + 0.5)  # the floor plus the reserve target, borrowed
    model, budget = budget_model(10.0, 18.0, initial_debt_share_of_revenue=1.0)  # at its debt limit already
    services = budgets.close_budget(model, budget, [("households:a", 1.0)])
    assert services == 0.0 and budget.over_limit  # nothing left for services: borrowed over the limit


def test_budget_room_shrinks_with_spending_and_never_goes_negative():
    rooms = []
    for spent in (0.0, 5.0, 30.0):
        model, budget = budget_model(10.0, spent)
        budgets.close_budget(model, budget, [("households:a", 1.0)])
        rooms.append(budget.room_100m_cny)
    assert rooms[0] > rooms[1] >= rooms[2] == 0.0


def test_horse_race_pool_is_funded_by_the_district_and_paid_out_in_full():
    model = SimpleNamespace(ledger=Ledger(), scale=1.0, district_budget_room_100m_cny=math.inf,
                            params=SimpleNamespace(integration=SimpleNamespace(horse_race_reward_100m_cny=0.5)))
    winners = [SimpleNamespace(id=x) for x in "abc"]
    budgets.pay_horse_race(model, winners)
    assert model.ledger.paid("district") == pytest.approx(1.5)
    assert model.ledger.balance(budgets.HORSE_RACE_FUND) == 0.0
    assert all(model.ledger.received(f"town:{x}", "horse_race:reward") == 0.5 for x in "abc")


def test_horse_race_pool_stays_within_the_districts_room():
    model = SimpleNamespace(ledger=Ledger(), scale=1.0, district_budget_room_100m_cny=0.9,
                            params=SimpleNamespace(integration=SimpleNamespace(horse_race_reward_100m_cny=0.5)))
    budgets.pay_horse_race(model, [SimpleNamespace(id=x) for x in "abc"])
    assert model.ledger.paid("district") == pytest.approx(0.9) and model.district_budget_room_100m_cny == 0.0
    assert all(model.ledger.received(f"town:{x}", "horse_race:reward") == pytest.approx(0.3) for x in "abc")
    assert model.ledger.balance(budgets.HORSE_RACE_FUND) == pytest.approx(0.0)


def test_price_index_follows_observed_then_assumed_deflator():
    params = SimpleNamespace(economy=SimpleNamespace(observed_price_growth=[-0.006, -0.007],
                                                     price_growth_per_year=0.01))
    assert prices.price_index(params, 2022, 2022, 2023) == 1.0
    assert prices.price_index(params, 2024, 2022, 2023) == pytest.approx(0.994 * 0.993)
    assert prices.price_index(params, 2026, 2022, 2023) == pytest.approx(0.994 * 0.993 * 1.01**2)


def test_prices_change_nominal_values_and_targets_but_not_real_ones_or_growth_targets():
    _, low = small_run("plan", **{"economy.price_growth_per_year": 0.0})
    _, high = small_run("plan", **{"economy.price_growth_per_year": 0.05})
    lo, hi = pd.DataFrame(low["district"]), pd.DataFrame(high["district"])
    assert lo.gdp_real_100m_cny.tolist() == hi.gdp_real_100m_cny.tolist()
    assert hi.gdp_100m_cny.iloc[-1] > lo.gdp_100m_cny.iloc[-1]
    assert (hi.gdp_100m_cny / hi.price_index - hi.gdp_real_100m_cny).abs().max() < 1e-9
    targets_lo, targets_hi = pd.DataFrame(low["targets"]), pd.DataFrame(high["targets"])
    growth = [t[t.target == "growth_2023_2033"].value.tolist() for t in (targets_lo, targets_hi)]
    assert growth[0] == growth[1]
    level = [t[t.target == "gdp_2025"].value.iloc[0] for t in (targets_lo, targets_hi)]
    assert level[1] > level[0]


def test_district_fiscal_share_of_gdp_differs_between_variants_through_its_tax_bases():
    _, plan = small_run("plan")
    _, fragmented = small_run("fragmented")
    share = [pd.DataFrame(t["district"]).fiscal_revenue_share_of_gdp.iloc[-1] for t in (plan, fragmented)]
    assert share[0] != pytest.approx(share[1], rel=1e-4)


def write_small_run(variant: str, folder):
    from sim.results import run_and_write

    scenario = load_scenario(scenario_path(variant)).with_overrides({"scale": 0.1, "horizon": {"last_year": 2027}})
    run_and_write(scenario, 1, folder)
    return folder


def test_explain_splits_the_fiscal_share_of_gdp_by_tax_base(tmp_path):
    from sim.accounting.explain import explain
    from sim.accounting.fiscal_share import INDICATOR, SOURCES, fiscal_share_values

    shares = {}
    for variant in ("plan", "fragmented"):
        rows = fiscal_share_values(write_small_run(variant, tmp_path / variant), variant)
        values = rows[rows.indicator == INDICATOR].set_index("scope").value  # beside it: the flows (explain)
        parts = values.drop("total")
        assert set(parts.index) == {*SOURCES, "cobuilt_park"}
        assert parts.sum() == pytest.approx(values["total"])
        shares[variant] = values
    difference = shares["plan"] - shares["fragmented"]
    assert difference["total"] != pytest.approx(0.0, abs=1e-6)
    assert difference.drop("total").sum() == pytest.approx(difference["total"])
    table = explain(tmp_path / "plan")
    assert set(table[table.indicator == INDICATOR].scope) == {"total", *SOURCES, "cobuilt_park"}


def test_a_district_share_of_revenue_sharing_moves_money_and_revenue_from_hosts_to_the_district():
    _, without = small_run("plan")
    _, with_district = small_run("plan", **{"fiscal.revenue_sharing_district_share": 0.3})
    a, b = pd.DataFrame(without["budgets"]), pd.DataFrame(with_district["budgets"])
    district_a, district_b = (x[x.government == "district"].set_index("year") for x in (a, b))
    assert (district_b.revenue_sharing_received_100m_cny > district_a.revenue_sharing_received_100m_cny).any()
    # the statistic moves, its total does not (but for a few parts in a million: see the rel 1e-4 below)
    assert district_b.general_budget_revenue_100m_cny.values == pytest.approx(
        district_a.general_budget_revenue_100m_cny.values, rel=1e-4)
    towns_a, towns_b = (pd.DataFrame(t["towns"]).groupby("year").fiscal_revenue_100m_cny.sum()
                        for t in (without, with_district))
    assert (towns_b <= towns_a + 1e-9).all() and (towns_b < towns_a).any()
    paid = (b[b.level == "town"].revenue_sharing_paid_100m_cny.sum()
            - a[a.level == "town"].revenue_sharing_paid_100m_cny.sum())
    # rel 1e-4: the district's share moves its public spending, so next year's public value added, wages and
    # the firms' taxes by a few parts in a million (the towns' sharing money follows them)
    assert paid == pytest.approx(district_b.revenue_sharing_received_100m_cny.sum()
                                 - district_a.revenue_sharing_received_100m_cny.sum(), rel=1e-4)


def test_certified_high_tech_firms_pay_less_corporate_income_tax_and_loss_makers_none():
    model, _ = small_run("plan")
    firms = model.firms
    rows = np.flatnonzero((firms.output_last_year[: firms.n] > 0) & (firms.profit[: firms.n] > 0))[:20]
    certified = firms.high_tech[rows].copy()
    try:
        firms.high_tech[rows] = False
        plain = public_finance.firm_taxes(model, rows)["cit"]
        firms.high_tech[rows] = True
        relieved = public_finance.firm_taxes(model, rows)["cit"]
    finally:
        firms.high_tech[rows] = certified
    assert relieved == pytest.approx(plain * 0.15 / 0.25)
    losing = np.flatnonzero((firms.output_last_year[: firms.n] > 0) & (firms.profit[: firms.n] < 0))
    assert losing.size > 0 and (public_finance.firm_taxes(model, losing)["cit"] == 0).all()


@pytest.mark.parametrize("variant", ["plan", "fragmented"])
def test_every_flow_is_debited_where_it_is_credited(variant):
    """Each account's balance is what the yearly flows credited to it less what they debited from it."""
    model, _ = small_run(variant)
    net: dict[str, float] = {}
    for flows in model.ledger.years.values():
        for (payer, payee, _), amount in flows.items():
            net[payer] = net.get(payer, 0.0) - amount
            net[payee] = net.get(payee, 0.0) + amount
    assert set(net) == {a for a, b in model.ledger.balances.items() if b != 0 or a in net}
    for account, value in net.items():
        assert model.ledger.balance(account) == pytest.approx(value, abs=1e-9), account


def test_spending_through_the_budget_stays_within_the_room_and_uses_it_up():
    town = SimpleNamespace(id="a", budget_room_100m_cny=2.0)
    model = SimpleNamespace(ledger=Ledger(), towns=[town], town_index={"a": 0}, district_budget_room_100m_cny=1.0)
    assert budgets.spend(model, "town:a", "firms:other", 1.5, "incentive:subsidy") == 1.5
    assert budgets.spend(model, "town:a", "firms:other", 1.5, "incentive:subsidy") == pytest.approx(0.5)
    assert town.budget_room_100m_cny == pytest.approx(0.0)
    assert budgets.spend(model, "district", "village:v1", 3.0, "pairing:funds") == 1.0
    assert model.district_budget_room_100m_cny == 0.0 and model.ledger.paid("town:a") == pytest.approx(2.0)

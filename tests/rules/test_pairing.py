"""Pairing: funds come out of the donors' money, buy collective assets, and earn the rent the market gives."""

from types import SimpleNamespace

import pytest

from sim.model import RegionModel
from sim.rules import collective_assets as ca
from sim.rules.collective_assets import AssetKind

P = SimpleNamespace(factory_cost_10k_cny_per_m2=0.15, factory_min_block_m2=500.0,
                    factory_rent_10k_cny_per_m2_year=0.0144, factory_demand_m2_per_100m_cny_output=20.0,
                    shop_cost_10k_cny_per_m2=0.3, shop_min_block_m2=200.0, shop_rent_10k_cny_per_m2_year=0.024,
                    shop_demand_m2_per_100m_cny_tertiary=20.0)
VILLAGE_ONLY = {"pairing": {"strong_weak_town_pairs": 0}}  # no steered projects: firms identical across runs


def test_rent_is_the_base_rent_up_to_the_nearby_demand_then_falls():
    assert ca.rent_per_m2(0.02, 500.0, 400.0, 1.5) == 0.02
    assert ca.rent_per_m2(0.02, 500.0, 1000.0, 1.5) == pytest.approx(0.02 * 0.5 ** (1 / 1.5))


@pytest.mark.parametrize("elasticity", [1.0, 1.5, 4.0])
def test_more_space_never_earns_less_but_with_diminishing_returns(elasticity):
    incomes = [ca.rent_income(0.02, 500.0, a, a, elasticity) for a in (250, 500, 1000, 2000, 4000)]
    gains = [b - a for a, b in zip(incomes, incomes[1:])]
    assert all(g >= 0 for g in gains)
    assert gains[1] < gains[0] * 2  # doubling the space beyond the demand less than doubles the rent


def test_a_village_saves_until_it_can_buy_a_block():
    types = ca.asset_types(P)
    owned = {k: 0.0 for k in AssetKind}
    demand = {AssetKind.FACTORY: 800.0, AssetKind.SHOP: 100.0}
    assert ca.smallest_block_10k_cny(P) == 60.0
    assert ca.choose_asset(59.0, owned, demand, types, 1.5) is None
    assert ca.choose_asset(60.0, owned, demand, types, 1.5).kind is AssetKind.SHOP   # only the shop block
    assert ca.choose_asset(100.0, owned, demand, types, 1.5).kind is AssetKind.FACTORY  # higher rent per 万元


def test_lease_up_fills_a_share_of_the_vacancy():
    assert ca.lease_up(0.0, 1000.0, 0.5) == 500.0
    assert ca.lease_up(500.0, 1000.0, 0.5) == 750.0


def _pairing_flows(model):
    """By year: {item: (paid by donors / villages, received)} of the pairing items."""
    return {year: {(payer.split(":")[0], payee.split(":")[0], item): amount
                   for (payer, payee, item), amount in flows.items() if item.startswith("pairing")}
            for year, flows in model.ledger.years.items()}


def _run(name, overrides=None):
    model = RegionModel(name, rng=5, scale=0.2, collect=False, **(overrides or {}))
    model.run()
    return model


def test_no_money_is_created_by_pairing_in_any_year():
    model = _run("plan")
    assert abs(model.ledger.imbalance()) < 1e-9
    by_village = {v.id: v for v in model.villages}
    bought, given, rent = {}, {}, {}
    for year, flows in sorted(model.ledger.years.items()):
        for (payer, payee, item), amount in flows.items():
            if item == "pairing:funds":
                assert payer.split(":")[0] in ("district", "soe", "firms", "town", "outside")
                given[payee] = given.get(payee, 0.0) + amount
            elif item == "pairing:assets":
                assert payee == "firms:construction"
                bought[payer] = bought.get(payer, 0.0) + amount
                assert bought[payer] <= given[payer] + 1e-12  # a village spends only what it was given
            elif item == "pairing:rent":
                rent[(year, payee)] = rent.get((year, payee), 0.0) + amount
        funds = sum(a for (_, _, item), a in flows.items() if item == "pairing:funds")
        # villages are full-size at any scale, the ledger (like the donors' budgets) at the model's scale
        scale = model.scale
        assert funds == pytest.approx(sum(v.transfer_funds_by_year.get(year, 0.0) for v in model.villages) / 1e4
                                      * scale)
    for account, received in given.items():  # what was not spent on assets is still the village's cash
        village = by_village[account.split(":", 1)[1]]
        assert received - bought.get(account, 0.0) == pytest.approx(village.pairing_cash_10k_cny / 1e4 * scale)
    for account in given:  # the village's account holds its saved funds and the rents it was paid
        rents = sum(a for (_, payee), a in rent.items() if payee == account)
        village = by_village[account.split(":", 1)[1]]
        assert model.ledger.balance(account) == pytest.approx(village.pairing_cash_10k_cny / 1e4 * scale + rents)
    last = {payee: a for (year, payee), a in rent.items() if year == model.last_year}
    assert last and all(by_village[p.split(":", 1)[1]].pairing_income_10k_cny == pytest.approx(a * 1e4 / scale)
                        for p, a in last.items())
    assert {"district", "soe", "firms"} <= {k[0] for y in _pairing_flows(model).values() for k in y}


def test_no_pairing_keeps_the_donors_money():
    model = _run("no_pairing")
    assert all(not item.startswith("pairing") for flows in model.ledger.years.values() for (_, _, item) in flows)
    # the district now has taxes and spending of its own (public finance): what it keeps is that no pairing
    # item ever leaves it, above; the SOEs have no other flows, so their account stays untouched
    assert model.ledger.balance("soe:district_soes") == 0.0
    assert not any(v.is_paired or v.pairing_income_10k_cny for v in model.villages)


def test_the_district_pays_within_its_budget_room():
    model = RegionModel("plan", rng=5, scale=0.2, collect=False)
    # the district's part is 30 villages x 25万 = 0.075亿, 0.015亿 at scale 0.2: a room of 0.01 binds
    model.district_budget_room_100m_cny = 0.01  # public finance sets it each year; here for 2023 only
    for _ in range(model.steps_per_year):
        model.step()
    assert model.ledger.years[2023].get(("district", "village:" + _a_district_village(model), "pairing:funds"),
                                        0.0) <= 0.01
    assert sum(a for (payer, _, item), a in model.ledger.years[2023].items()
               if payer == "district" and item == "pairing:funds") == pytest.approx(0.01)


def _a_district_village(model):
    return next(p.recipient for p in model.pairs if p.donor == "district_groups")


def test_more_pairing_funds_never_lower_the_recipients_income():
    """All else equal (same seed, common random numbers): twice the funds never lower a recipient's pairing
    income (the rent of the assets the funds buy), raise it from the first rents on, and raise the recipients'
    income every year from then on. A single village's whole income is not held equal: the funds cost the
    district's public services and the economy answers (a firm that leaves the village's town a year earlier,
    less land leased), which lowered one recipient's income by up to 1.0% in some year (seeds 1-5, scale 0.2:
    docs/validation.md 4.1-s6-hist): bounded here at 2%, so a channel that made funds cost recipients fails."""

    def incomes(factor, seed):
        p = {"district_funds_10k_cny_per_village_year": 50 * factor,
             "enterprise_funds_10k_cny_per_village_year": 20 * factor, "strong_weak_town_pairs": 0}
        model = RegionModel("plan", rng=seed, scale=0.2, collect=False, pairing=p)
        total, pairing = {}, {}
        while model.running:
            model.step()
            if model.step_in_year == 0:
                paired = [v for v in model.villages if v.is_paired]
                total[model.year] = {v.id: v.operating_income_10k_cny for v in paired}
                pairing[model.year] = {v.id: v.pairing_income_10k_cny for v in paired}
        rent = sum(a for (payer, payee, item), a in model.ledger.years[2033].items()
                   if item == "pairing:rent" and payee.startswith("village:"))
        return total, pairing, rent

    first_rent_year = 2026  # measured: the first rents of the extra assets show in the incomes then
    for seed in (1, 5):
        (low, low_pairing, low_rent), (high, high_pairing, high_rent) = incomes(1.0, seed), incomes(2.0, seed)
        assert high_rent > low_rent  # the direct channel: more funds, more assets let, more rent
        assert low.keys() == high.keys()
        for year in low:
            assert low[year].keys() == high[year].keys()
            assert all(high_pairing[year][v] >= low_pairing[year][v] for v in low[year]), (seed, year)
            assert all(high[year][v] >= low[year][v] * 0.98 for v in low[year]), (seed, year)
            if year >= first_rent_year:  # measured: every recipient's rent is higher, their income +0.6% or more
                assert all(high_pairing[year][v] > low_pairing[year][v] for v in low[year]), (seed, year)
                assert sum(high[year].values()) > sum(low[year].values()) * 1.003, (seed, year)
        assert sum(high[2033].values()) > sum(low[2033].values()) * 1.005


def test_income_arrives_only_after_saving_building_and_letting():
    model = _run("plan", VILLAGE_ONLY)
    first = min(y for y, flows in model.ledger.years.items() if any(i == "pairing:rent" for (_, _, i) in flows))
    build = model.params.pairing.asset_build_years
    assert first >= model.params.pairing.pairing_start_year + build  # bought at the earliest in the first year


def test_explicit_donors_pay_from_their_own_accounts_within_their_room():
    pairs = [{"donor": "huicheng", "donor_type": "town", "recipient": "yamen", "funds_10k_cny_per_year": 300},
             {"donor": "taishan", "donor_type": "county", "recipient": "yamen", "funds_10k_cny_per_year": 100},
             {"donor": "light_textile", "donor_type": "enterprise", "recipient": "yamen",
              "funds_10k_cny_per_year": 100}]
    model = RegionModel("no_pairing", rng=5, scale=0.2, collect=False, pairing={"pairs": pairs})
    # at scale 0.2 the ledger carries a fifth: 60万 wanted of 会城's room of 40万, 20万 of each other donor
    model.towns[model.town_index["huicheng"]].budget_room_100m_cny = 0.004
    for _ in range(model.steps_per_year):
        model.step()
    paid = {}
    for (payer, _, item), amount in model.ledger.years[2023].items():
        if item == "pairing:funds":
            paid[payer] = paid.get(payer, 0.0) + amount
    assert paid == pytest.approx({"town:huicheng": 0.004, "outside:counties": 0.002, "firms:light_textile": 0.002})


def test_enterprises_give_no_more_than_their_profits():
    from sim.rules import pairing

    model = RegionModel("plan", rng=5, scale=0.2, collect=False)
    room = pairing.DonorRoom(model)
    sector = model.sector_ids[0]
    profit = room.sector_profit[sector]
    assert profit > 0
    assert room.pay(f"firms:{sector}", 2 * profit) == pytest.approx(profit)
    assert room.pay(f"firms:{sector}", 1.0) == 0.0


def test_pairing_flows_are_deterministic():
    def flows():
        return [r for r in _run("plan").ledger.rows() if r["item"].startswith("pairing")]

    first = flows()
    assert first and first == flows()


def _explicit(pairs):
    model = RegionModel("no_pairing", rng=5, scale=0.2, collect=False, pairing={"pairs": pairs})
    model.run()
    return model


def test_funds_below_the_smallest_block_buy_nothing_and_earn_nothing():
    model = _explicit([{"donor": "d", "recipient": "yamen_v01", "funds_10k_cny_per_year": 5.0}])  # 55万 in all
    village = model.village_by_id["yamen_v01"]
    assert village.pairing_cash_10k_cny == pytest.approx(55.0) and village.pairing_income_10k_cny == 0.0


def test_a_stronger_village_earns_more_from_the_same_funds():
    model = RegionModel("no_pairing", rng=5, scale=0.2, collect=False)
    town = max(model.towns, key=lambda t: len(model.villages_of_town(t.index))).index
    members = sorted((v for v in model.villages_of_town(town) if not v.is_community),
                     key=lambda v: v.base_income_10k_cny)
    weak, strong = members[0].id, members[-1].id
    model = _explicit([{"donor": "d", "recipient": v, "funds_10k_cny_per_year": 100.0} for v in (weak, strong)])
    assert model.village_by_id[strong].pairing_income_10k_cny > model.village_by_id[weak].pairing_income_10k_cny > 0


def test_the_nearby_demand_does_not_shrink_with_the_models_scale():
    """Villages are full-size at any scale: their market is their town's output at full size (at scale 0.2 it had
    been a fifth, so the assets' rents were)."""
    village = SimpleNamespace(town_index=0, catchment_share=0.1)
    asset = ca.asset_types(P)[0]

    def model(scale):
        town = SimpleNamespace(industrial_output_100m_cny=100.0 * scale, tertiary_100m_cny=40.0 * scale)
        return SimpleNamespace(towns=[town], scale=scale)

    assert ca.nearby_demand_m2(model(0.2), village, asset) == pytest.approx(ca.nearby_demand_m2(model(1.0), village,
                                                                                                   asset))
    assert ca.nearby_demand_m2(model(1.0), village, asset) == pytest.approx(20.0 * 100.0 * 0.1)


def test_the_donors_costs_appear_in_the_budgets_table():
    """What a government gives (the ledger's ``pairing:funds``) is its budget row's ``pairing`` spending, every
    year (nominal: the ledger's 2022-price amount times the price index); nothing under no_pairing."""
    from sim.rules import prices

    pairs = [{"donor": "huicheng", "donor_type": "town", "recipient": "yamen", "funds_10k_cny_per_year": 300}]
    for name, expect_paid in (("plan", True), ("no_pairing", False)):
        model = RegionModel(name, rng=5, scale=0.2, collect=True, pairing={"pairs": pairs} if expect_paid else {},
                            **{"horizon.last_year": 2028})
        model.run()
        rows = {(r["year"], r["government"]): r["pairing_100m_cny"] for r in model.records.rows["budgets"]}
        for year, flows in model.ledger.years.items():
            price = prices.price_index(model.params, year, model.first_year - 1, model.first_year)
            for account, government in (("district", "district"), ("town:huicheng", "huicheng")):
                given = sum(a for (payer, _, item), a in flows.items() if payer == account and item == "pairing:funds")
                assert rows[(year, government)] == pytest.approx(given * price)
                assert (given > 0) is expect_paid

import math

import numpy as np
import pytest

from sim.rules import project_market, town_decisions

NEG = -np.inf


def test_rival_towns_bid_up_the_incentive_the_district_does_not_pay():
    # two towns with one park each, equally good for the project; other counties far behind
    fit = np.array([[5.0, 5.0]])
    ceiling = np.array([[0.1, 0.1]])
    outside = np.array([0.0])
    park, paid = project_market.town_by_town(fit, ceiling, np.array([0, 1]), 2, outside, 3.0)
    assert park[0] in (0, 1) and paid[0] == pytest.approx(0.1)  # the runner-up town pushes it to its ceiling
    park_u, paid_u = project_market.unified(fit, ceiling, outside, 3.0)
    assert park_u[0] in (0, 1) and paid_u[0] == 0.0  # only other counties to beat, and they are behind


def test_a_project_takes_the_best_net_offer_and_is_lost_when_it_is_another_countys():
    fit = np.array([[5.0, 4.0], [5.0, 4.0]])
    ceiling = np.array([[0.0, 0.5], [0.0, 0.5]])
    outside = np.array([0.0, 10.0])
    park, paid = project_market.town_by_town(fit, ceiling, np.array([0, 1]), 2, outside, 3.0)
    # the second town's incentive outbids the better fit; it pays just enough to beat the first town
    assert park[0] == 1 and paid[0] == pytest.approx(1.0 / 3.0)
    assert park[1] == project_market.OUTSIDE and paid[1] == 0.0


def test_the_district_keeps_a_project_a_town_bidding_alone_would_lose():
    fit = np.array([[5.0, NEG]])
    outside = np.array([5.2])
    town_ceiling, district_ceiling = np.array([[0.05, 0.0]]), np.array([[0.1, 0.0]])
    park, _ = project_market.town_by_town(fit, town_ceiling, np.array([0, 1]), 2, outside, 3.0)
    assert park[0] == project_market.OUTSIDE
    park_u, paid_u = project_market.unified(fit, district_ceiling, outside, 3.0)
    assert park_u[0] == 0 and paid_u[0] == pytest.approx(0.2 / 3.0)
    park_far, _ = project_market.unified(fit, district_ceiling, np.array([5.4]), 3.0)  # beyond its ceiling
    assert park_far[0] == project_market.OUTSIDE


def test_a_project_no_park_can_take_is_lost():
    fit = np.array([[NEG, NEG]])
    park, paid = project_market.unified(fit, np.zeros((1, 2)), np.array([-50.0]), 3.0)
    assert park[0] == project_market.OUTSIDE and paid[0] == 0.0


def test_land_is_developed_to_the_reserve_within_the_quota():
    free, uptake, quota = np.array([100.0, 0.0, 500.0]), np.array([100.0, 100.0, 0.0]), np.array([150.0, 150.0, 50.0])
    added = town_decisions.land_to_develop(free, uptake, quota, 2.0, pooled=False)
    np.testing.assert_allclose(added, [100.0, 150.0, 0.0])  # the second park's quota binds
    pooled = town_decisions.land_to_develop(free, uptake, np.array([50.0, 50.0, 50.0]), 2.0, pooled=True)
    np.testing.assert_allclose(pooled, [50.0, 100.0, 0.0])  # the pooled 150 shared by shortfall (100:200)
    assert pooled.sum() == pytest.approx(150.0)


def test_a_town_outside_the_participation_band_is_worse_off_inside_the_scheme():
    # town a hosts firms b drew (it pays shares); b drew them (it receives)
    inside, share_now = np.array([10.0, 3.0]), 0.2
    shared_in, shared_out = np.array([0.0, 5.0]), np.array([5.0, 0.0])
    outside = np.array([9.5, 2.5])
    low, high = town_decisions.participation_band(inside, share_now, shared_in, shared_out, outside)
    # at share 0 a has 11, b 2: b needs s >= 0.1, a needs s <= 0.3
    assert (low, high) == (pytest.approx(0.1), pytest.approx(0.3))
    for share in (0.05, 0.4):  # outside the band: some town is worse off inside than outside
        revenue = town_decisions.revenue_inside(inside, share_now, shared_in, shared_out, share)
        assert (revenue < outside).any()
    for share in (0.1, 0.2, 0.3):
        revenue = town_decisions.revenue_inside(inside, share_now, shared_in, shared_out, share)
        assert (revenue >= outside - 1e-12).all()
    assert math.isnan(town_decisions.participation_band(inside, share_now, shared_in, shared_out,
                                                        np.array([20.0, 20.0]))[0])


def test_incentives_and_land_are_paid_through_the_ledger_as_the_district_table_reports():
    from sim.model import RegionModel

    for variant in ("fragmented", "plan"):
        model = RegionModel(variant, rng=3, collect=False, **{"horizon.last_year": 2028})
        model.run()
        rows = {row["year"]: row for row in model.records.rows["district"]}
        for year, flows in model.ledger.years.items():
            def total(kind, flows=flows):
                return sum(v for (_, _, item), v in flows.items() if item == kind)
            price = rows[year]["price_index"]  # the tables are nominal, the ledger in 2022 prices
            assert total("incentive:subsidy") * price == pytest.approx(rows[year]["incentive_subsidy_100m_cny"])
            assert total("incentive:land_discount") * price == pytest.approx(
                rows[year]["incentive_land_discount_100m_cny"])
            assert total("land:development") * price == pytest.approx(rows[year]["land_development_100m_cny"])
            payers = {payer for (payer, _, item), _ in flows.items() if item.startswith("incentive:")}
            assert payers <= {"district"} | {f"town:{t}" for t in model.town_ids}
        assert sum(row["incentive_subsidy_100m_cny"] + row["incentive_land_discount_100m_cny"]
                   for row in rows.values()) > 0
        assert abs(model.ledger.imbalance()) < 1e-9


def test_no_scenario_key_sets_a_loss_probability_or_an_integration_multiplier():
    from sim.scenario.schema import SCHEMA

    keys = {f"{section}.{key}" for section, fields in SCHEMA.items() if isinstance(fields, dict) for key in fields}
    assert "investment.lost_without_land" not in keys
    assert "integration.jurisdiction_productivity_elasticity" not in keys


def test_a_project_hears_only_the_towns_it_knows_under_town_by_town_attraction():
    rng = np.random.default_rng(5)
    home, weights = np.array([0, 2, 1]), np.array([1.0, 5.0, 1.0, 0.0])
    known = project_market.known_towns(home, weights, rng.random((3, 16)), 1)
    assert known[np.arange(3), home].all() and (known.sum(axis=1) == 2).all()
    assert not known[:, 3].any()  # a town of weight 0 is never contacted
    alone = project_market.known_towns(home, weights, rng.random((3, 16)), 0)
    assert (alone.sum(axis=1) == 1).all()
    # the second town has the better park but the project does not know it: it takes the first town's offer
    fit, ceiling = np.array([[5.0, 9.0]]), np.zeros((1, 2))
    park, _ = project_market.town_by_town(fit, ceiling, np.array([0, 1]), 2, np.array([0.0]), 3.0,
                                          np.array([[True, False]]))
    assert park[0] == 0
    park_all, _ = project_market.town_by_town(fit, ceiling, np.array([0, 1]), 2, np.array([0.0]), 3.0)
    assert park_all[0] == 1


def test_budget_room_caps_incentives_and_land_development():
    from sim.model import RegionModel

    model = RegionModel("baseline", rng=1, collect=False)
    sectors, investment, land = np.array([0, 1]), np.array([10.0, 2.0]), np.array([150.0, 30.0])
    free, _ = town_decisions.incentive_ceilings(model, sectors, investment, land, unified=False)
    assert (free > 0).any()
    for town in model.towns:
        town.budget_room_100m_cny = 0.05
    capped, _ = town_decisions.incentive_ceilings(model, sectors, investment, land, unified=False)
    np.testing.assert_allclose(capped, np.minimum(free, 0.05 / investment[:, None]))
    district, _ = town_decisions.incentive_ceilings(model, sectors, investment, land, unified=True)
    assert (district.max(axis=1) > capped.max(axis=1)).all()  # the district weighs all the local tax
    model.land_taken_mu[:] = 1000.0
    for town in model.towns:
        town.budget_room_100m_cny = 0.0
    assert town_decisions.develop_land(model, pooled=False).sum() == 0.0
    model.land_taken_mu[:] = 1000.0
    for town in model.towns:
        town.budget_room_100m_cny = math.inf
    added = town_decisions.develop_land(model, pooled=False)
    cost = model.params.clustering.land_development_cost_100m_cny_per_mu
    assert added.sum() > 0 and model.ledger.paid("town:huicheng", "land:") == pytest.approx(
        added[[p.town_index == 0 for p in model.parks]].sum() * cost)


def test_variants_see_the_same_projects_and_other_counties_offers():
    """Common random numbers: plan and fragmented sign the same projects (size, sector, step, expansion draw);
    only where they go differs."""
    from sim.model import RegionModel

    seen = {}
    for variant in ("fragmented", "plan"):
        model = RegionModel(variant, rng=4, collect=False, **{"horizon.last_year": 2028})
        model.run()
        proj = model.projects
        n = len(proj.investment)
        seen[variant] = (proj.investment[:n].copy(), proj.sector[:n].copy(), proj.sign_step[:n].copy(),
                         proj.expansion_u[:n].copy(), proj.status[:n].copy())
    for a, b in zip(seen["fragmented"][:4], seen["plan"][:4]):
        np.testing.assert_array_equal(a, b)
    assert (seen["fragmented"][4] != seen["plan"][4]).any()  # placements (and losses) do differ


def test_the_cobuilt_park_is_bid_for_at_the_tax_share_xinhui_keeps_there():
    """Towns and the district value a project in the co-built park in Taishan at the share of its tax Xinhui keeps
    (no land of theirs to discount): where it fits as well as a park of the district, the district places the
    project in the district; where it fits far better, in the co-built park."""
    from sim.model import RegionModel

    model = RegionModel("plan", rng=1, collect=False, **{"horizon.last_year": 2027})
    model.run()
    outside = np.flatnonzero(model.park_outside[: len(model.parks)])[0]
    inside = [k for k, park in enumerate(model.parks) if park.land_total_mu > 0 and k != outside]
    sigma = model.params.pairing.cobuilt_park_revenue_share
    sectors, investment, land = np.array([0]), np.array([10.0]), np.array([1e-9])  # no land to discount
    for unified in (False, True):
        ceiling, rate = town_decisions.incentive_ceilings(model, sectors, investment, land, unified)
        assert rate[0, outside] == 0.0
        subsidy = town_decisions.tax_value_share(model, sectors, unified)[0]
        assert ceiling[0, outside] == pytest.approx(sigma * subsidy)
        assert ceiling[0, inside[0]] == pytest.approx(subsidy)
    rows = np.flatnonzero(model.projects.status[: model.projects.n] != 4)[:2]  # any two projects
    placement = np.full(rows.size, project_market.Placement.UNIFIED, dtype=np.int8)
    u = np.full((rows.size, project_market.CONTACT_FIRST + project_market.CONTACT_COLUMNS), 0.5)
    market = project_market.ProjectMarket(model, rows, placement, u, np.zeros(rows.size, dtype=np.int64),
                                          np.ones(len(model.towns)))
    market.outside[:] = -50.0  # other counties offer nothing
    fit = np.full((rows.size, len(model.parks)), NEG)
    fit[:, inside[0]] = 1.0
    fit[0, outside] = 1.01  # a hair better in Taishan: the district's larger stake wins
    fit[1, outside] = 30.0  # far better: the project goes there
    choice, _ = market.decide(np.arange(rows.size), fit)
    assert choice.tolist() == [inside[0], outside]

import numpy as np

from sim.rules import investment


def test_project_sizes_stay_in_bounds_and_are_heavy_tailed():
    rng = np.random.default_rng(1)
    sizes = investment.draw_project_sizes(rng, 100_000, 1.0, 1.2, 200.0)
    assert sizes.min() >= 1.0 and sizes.max() <= 200.0
    assert np.mean(sizes) > 2 * np.median(sizes)


def test_logit_prefers_higher_utility():
    rng = np.random.default_rng(2)
    picks = [investment.logit_pick(np.array([0.0, 1.0, 3.0]), rng.gumbel(size=3)) for _ in range(5000)]
    counts = np.bincount(picks, minlength=3)
    assert counts[2] > counts[1] > counts[0]


def _location_setup(free_land, n_projects=5, land=4.0):
    """Two parks of town 0, park 0 far more attractive; every project bound to town 0 (town-by-town)."""
    from collections import defaultdict
    from types import SimpleNamespace
    from unittest.mock import patch

    from sim.rules import approvals, town_decisions

    params = SimpleNamespace(steering_share=0.0, outside_park_share=0.0, choice_incentive_weight=0.0,
                             outside_location_utility=-1e9, outside_offer_low_share=0.0, outside_offer_high_share=0.0,
                             funds_in_place_share=0.3, other_towns_known_per_project=3)
    model = SimpleNamespace(investment_params=params, projects=investment.ProjectPipeline(), towns=[None],
                            params=SimpleNamespace(firms=SimpleNamespace(capital_output_ratio=0.667),
                                                   integration=SimpleNamespace(unified_services=False,
                                                                               unified_attraction_start_year=2023)),
                            approval_offices=approvals.ApprovalOffices([1], 0, 2023), clock=0, year=2023,
                            parks=[None, None], park_outside=np.zeros(3, dtype=bool),
                            steering_quota=np.zeros(1), focus_sector_mask=np.zeros(1, dtype=bool),
                            year_stats=defaultdict(float),
                            unified_attraction_level=lambda: 0.0)
    parks = [SimpleNamespace(land_used_mu=0.0, town_index=0) for _ in free_land]
    model.parks = parks
    market_ceilings = np.zeros((n_projects, 2)), np.zeros((n_projects, 2))
    options = object.__new__(investment.ParkOptions)
    options.parks, options.free, options.town = parks, np.array(free_land, dtype=float), np.zeros(2, dtype=int)
    options.leads = np.ones((2, 1), dtype=bool)
    options.fixed = np.array([[50.0], [0.0]])
    options.land_weight = 0.0
    options.town_cumulative = np.array([1.0])
    options.land_taken = np.zeros(2)
    rows = model.projects.add(n_projects, sector=0, land_mu=land)
    u = np.full((n_projects, 7 + 16), 0.5)
    with patch.object(town_decisions, "incentive_ceilings", lambda *a: market_ceilings):
        investment.locate_projects(model, rows, options, u, np.zeros((n_projects, 2)))
    return model, options, parks


def test_projects_of_a_step_are_served_in_signing_order_while_land_lasts():
    model, options, parks = _location_setup([10.0, 100.0])
    # the first two fit in the preferred park; the third finds it too full and takes the other
    assert model.projects.park.tolist() == [0, 0, 1, 1, 1]
    np.testing.assert_allclose(options.free, [2.0, 88.0])
    assert [p.land_used_mu for p in parks] == [8.0, 12.0]


def test_projects_without_land_left_are_lost_and_no_park_is_overdrawn():
    model, options, parks = _location_setup([10.0, 6.0])
    assert model.projects.park.tolist() == [0, 0, 1, -1, -1]
    assert model.projects.status.tolist() == [investment.ProjectStatus.SIGNED] * 3 + [investment.ProjectStatus.LOST] * 2
    assert model.year_stats["projects_lost"] == 2 and (options.free >= 0).all()


def test_projects_prefer_towns_where_firms_get_the_workers_they_want():
    """A park's location utility falls by choice_profit_weight x log(fill) of its town's labour market, relative
    to the district's mean (the co-built park, hiring outside, is left out): moving workers from one town to
    another moves the utility of their parks, not the others'."""
    from sim.model import RegionModel

    model = RegionModel("plan", rng=1, collect=False, **{"horizon.last_year": 2027})
    model.run()
    market = model.labour_market
    market.fill = np.ones(len(model.towns))
    even = investment.ParkOptions(model).fixed.copy()
    short = 1  # a town with parks
    market.fill[short] = 0.8
    tight = investment.ParkOptions(model).fixed
    weight = model.investment_params.choice_profit_weight
    gain = investment.labour_fill_gain(model, np.array([p.town_index for p in model.parks]))
    jobs = np.array([t.jobs_by_sector["secondary"] for t in model.towns])
    mean = np.log(0.8) * jobs[short] / jobs.sum()
    in_short = np.array([p.town_index == short and not p.outside_district for p in model.parks])
    assert in_short.any()
    np.testing.assert_allclose((tight - even)[in_short], weight * (np.log(0.8) - mean))
    others = ~in_short & ~model.park_outside[: len(model.parks)]
    np.testing.assert_allclose((tight - even)[others], -weight * mean)
    assert (gain[model.park_outside[: len(model.parks)]] == 0).all()

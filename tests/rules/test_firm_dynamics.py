import numpy as np

from sim import randomness
from sim.rules import firm_dynamics as fd

HAZARD = [0.016, 0.063, 0.095, 0.090, 0.085, 0.082, 0.080, 0.070, 0.060, 0.050, 0.040]


def test_growth_spread_falls_with_size():
    spread = fd.growth_spread(np.array([0.05, 1.0, 50.0]), 0.17, 0.2, 1.0)
    assert spread[0] > spread[1] > spread[2]
    assert np.isclose(spread[1], 0.17)
    # beta = 0.2: a 50-fold bigger firm has 50^-0.2 of the spread
    assert np.isclose(spread[2] / spread[1], 50 ** -0.2)


def test_growth_is_mean_preserving_and_fat_tailed():
    rng = np.random.default_rng(0)
    size = np.full(400_000, 0.1)
    spread = fd.growth_spread(size, 0.17, 0.2, 1.0)
    g = fd.annual_growth(rng.random(size.size), 0.05, spread)
    assert abs(np.mean(np.exp(g)) / np.exp(0.05) - 1) < 0.005
    centred = g - g.mean()
    excess_kurtosis = np.mean(centred**4) / np.mean(centred**2) ** 2 - 3
    assert excess_kurtosis > 1  # Laplace: 3


def test_exit_hazard_peaks_at_age_three_and_falls_with_size():
    ages = np.arange(0, 11, dtype=float) + 0.5
    hazard = fd.exit_hazard(ages, np.ones_like(ages), HAZARD, 0.3, 1.0)
    assert np.argmax(hazard) == 2
    small, big = fd.exit_hazard(np.array([2.5, 2.5]), np.array([0.1, 10.0]), HAZARD, 0.3, 1.0)
    assert small > big


def test_integer_power_matches_numpy_power():
    x = np.random.default_rng(0).random(1000)
    for k in (1, 2, 4, 12):
        np.testing.assert_allclose(fd.integer_power(x, k), np.power(x, k), rtol=1e-12)


def _plan_model(seed=3):
    from sim.model import RegionModel
    from tests.helpers import scenario

    return RegionModel.from_scenario(scenario("plan"), seed)


def test_the_yearly_exit_bound_holds_at_every_step_of_the_year(monkeypatch):
    """exit_firms computes the hazard only for draws below the bound set at the start of the year: each firm's
    exit probability in each step of the year (including the ramp-up of projects) must lie below it."""
    import sim.model

    model = _plan_model()
    p, firms = model.params.firms, model.firms
    checked = exits = 0
    original = fd.exit_firms

    def checking_exit(m):
        nonlocal checked, exits
        live = firms.live()
        bound = firms.exit_draw_bound[live]
        known = bound < (1 << 53)  # firms created during the year have no bound yet
        annual = fd.exit_hazard(firms.age[live], firms.demand[live],
                                p.exit_hazard_by_age, p.exit_size_elasticity, m.median_firm_size)
        per_step = 1.0 - (1.0 - annual) ** (1.0 / m.steps_per_year)
        assert (per_step[known] * 2.0**53 < bound[known]).all()
        u = m.keyed_uniform("exit", live)
        leaving = fd.integer_power(1.0 - u, m.steps_per_year) > 1.0 - annual  # the rule without the bound
        assert (randomness.keyed_bits(m.key, "exit", m.clock, firms.draw_key[live])[leaving] < bound[leaving]).all()
        checked, exits = checked + int(known.sum()), exits + int(leaving.sum())
        original(m)

    monkeypatch.setattr(sim.model, "EVERY_STEP",
                        tuple(checking_exit if phase is original else phase for phase in sim.model.EVERY_STEP))
    for _ in range(3 * model.steps_per_year):
        model.step()
    assert checked > 10_000 and exits > 100


def test_an_exited_firm_keeps_its_state_while_the_others_grow_and_produce():
    """The step rules update every row; an exited firm's capacity and output of the year stay as at exit, and
    its age at exit is kept."""
    model = _plan_model()
    model.step()  # the year's growth factors are drawn
    firms = model.firms
    gone = firms.live()[:50]
    age = firms.age[gone].copy()
    model.remove_firms(gone)
    before = {name: firms.cols[name][gone].copy() for name in ("capacity", "output_year")}
    before["exit_age"] = age
    others = firms.live()[:50]
    output_before = firms.output_year[others].copy()
    model.step()
    for name, values in before.items():
        np.testing.assert_array_equal(firms.cols[name][gone], values)
    assert (firms.output_year[others] > output_before).all()


def test_expansions_go_to_live_above_scale_firms_of_the_place_only():
    """Projects that expand a firm pick a live above-scale firm of their sector, park and town; when all of
    that place's above-scale firms have exited, they found a firm instead."""
    from sim.rules import investment

    model = _plan_model()
    firms = model.firms
    members, keys = firms.above_scale_by_place()
    values, counts = np.unique(keys, return_counts=True)
    busy, other = values[np.argsort(counts)[-2:]]  # the two places with the most above-scale firms
    in_busy = members[keys == busy]
    model.remove_firms(in_busy[: in_busy.size // 2])  # half the busy place's firms exit
    model.remove_firms(members[keys == other])  # all of the other's
    n = 400
    sample = np.r_[np.full(n // 2, in_busy[0]), np.full(n // 2, members[keys == other][0])]
    rows = model.projects.add(n, sector=firms.sector[sample], park=firms.park[sample], town=firms.town[sample])
    picks = np.random.default_rng(0).random(n)
    picks[:2] = [0.0, np.nextafter(1.0, 0.0)]  # the ends of the running sum
    chosen = investment.expanding_firms(model, rows, np.ones(n, dtype=bool), picks)
    busy_chosen = chosen[: n // 2]
    assert firms.alive[busy_chosen].all() and (firms.place_key[busy_chosen] == busy).all()
    assert firms.above_scale[busy_chosen].all()
    assert (chosen[n // 2:] == -1).all()


def test_select_removes_the_uncompetitive_and_the_loss_makers_and_keeps_the_rest():
    """Selection (issue 11): a firm below the competitiveness floor, or with ``exit_loss_years`` losses in a row,
    exits at the start of the year; a firm at the floor or one loss year short of the streak stays."""
    model = _plan_model()
    p, firms = model.params.firms, model.firms
    live = firms.live()[:4]
    firms.loss_years[live] = [0, p.exit_loss_years, p.exit_loss_years - 1, 0]
    floor = p.competitiveness_floor
    relative = np.array([floor * 0.99, 1.0, 1.0, floor])
    stays = fd.select(model, live, relative)
    np.testing.assert_array_equal(stays, [False, False, True, True])
    np.testing.assert_array_equal(firms.alive[live], [False, False, True, True])
    assert model.year_stats["selection_exits"] >= 2


def test_entry_weight_follows_the_sectors_profit_rate():
    """Entry responds to profitability: a sector's weight is its profit rate over the base year's, 0 for a
    loss-making sector, capped at 3."""
    weight = fd.entry_attraction(np.array([0.06, 0.03, -0.01, 0.5]), np.full(4, 0.06))
    np.testing.assert_allclose(weight, [1.0, 0.5, 0.0, 3.0])


def test_a_more_profitable_sector_draws_more_organic_entrants():
    """All else equal (same model, same step's draws), doubling one sector's profit rate over the base year's
    raises its share of the step's organic entrants; a sector with zero profit gets none."""
    def entrants_by_sector(rate_of_sector_0):
        model = _plan_model()
        model.sector_profit_rate = model.base_profit_rate.copy()
        model.sector_profit_rate[0] = rate_of_sector_0 * model.base_profit_rate[0]
        n = model.firms.n
        for _ in range(4):  # a year of steps: enough entrants to compare shares
            fd.enter_firms(model)
            model.clock += 1
        new = np.arange(n, model.firms.n)
        return np.bincount(model.firms.sector[new], minlength=len(model.sector_ids)), new.size

    base, total_base = entrants_by_sector(1.0)
    more, total_more = entrants_by_sector(2.0)
    none, _ = entrants_by_sector(0.0)
    assert total_base > 50
    assert more[0] / total_more > base[0] / total_base + 0.02
    assert none[0] == 0

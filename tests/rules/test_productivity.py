"""Firm-specific productivity shocks (sim.rules.productivity): keyed, mean-zero, and selected on by exit."""

import numpy as np

from sim.rules import firm_dynamics as fd
from sim.rules import productivity


def test_ar1_step_keeps_rho_of_the_deviation_and_is_mean_zero_in_levels():
    z = np.random.default_rng(0).standard_normal(400_000)
    step = productivity.ar1_step(np.full(z.size, 0.5), np.zeros(z.size), z, 0.9, 0.2)
    assert abs(np.mean(np.exp(step)) / np.exp(0.45) - 1) < 0.005  # E[exp(sigma z - sigma^2/2)] = 1
    np.testing.assert_allclose(productivity.ar1_step(np.array([0.5]), np.zeros(1), np.zeros(1), 0.9, 0.0), [0.45])


def _model(shock_sd, seed=3):
    from sim.model import RegionModel
    from tests.helpers import scenario

    return RegionModel.from_scenario(scenario("plan", {"firms": {"productivity_shock_sd": shock_sd}}), seed)


def test_the_keyed_normals_depend_on_the_firm_row_and_year_only():
    model = _model(0.1)
    rows = np.arange(50)
    first = productivity.standard_normal(model, rows)
    np.testing.assert_array_equal(productivity.standard_normal(model, rows[::-1])[::-1], first)
    assert abs(first.mean()) < 0.5 and 0.5 < first.std() < 1.5


def _selected_productivity(model, years, monkeypatch):
    """Mean log own productivity (relative to the sector's) of the firms ``select`` removes, and of those it keeps."""
    leavers, stayers = [], []
    original = fd.select

    def recording(m, live, relative, *known):
        before = np.log(m.firms.productivity[live])
        sector_mean = productivity.sector_mean_log(m.firms.sector[live], before, m.firms.demand[live],
                                                   len(m.sector_ids))[m.firms.sector[live]]
        stays = original(m, live, relative, *known)
        gone = ~m.firms.alive[live]
        leavers.extend((before - sector_mean)[gone])
        stayers.extend((before - sector_mean)[~gone])
        return stays

    monkeypatch.setattr(fd, "select", recording)
    for _ in range(years * model.steps_per_year):
        model.step()
    return np.array(leavers), np.array(stayers)


def test_with_spread_exit_selects_the_less_productive(monkeypatch):
    leavers, stayers = _selected_productivity(_model(0.1), 4, monkeypatch)
    assert leavers.size > 20
    assert leavers.mean() < stayers.mean() - 0.05


def test_without_spread_exit_does_not_select_on_own_productivity(monkeypatch):
    leavers, stayers = _selected_productivity(_model(0.0), 4, monkeypatch)
    # own productivity differs only by upgrades and certificates: exiters are not markedly below survivors
    assert leavers.size == 0 or leavers.mean() > stayers.mean() - 0.05


def test_the_shocks_are_common_random_numbers_across_variants():
    from sim.model import RegionModel
    from tests.helpers import scenario

    rows = np.arange(200)
    plan = _model(0.1)
    other = RegionModel.from_scenario(scenario("cluster_focus", {"firms": {"productivity_shock_sd": 0.1}}), 3)
    np.testing.assert_array_equal(productivity.standard_normal(plan, rows), productivity.standard_normal(other, rows))

from types import SimpleNamespace

import pytest

from sim.rules import pairing

P = SimpleNamespace(threshold_10k_cny=60.0, diminishing_exponent=0.75, yield_per_year=0.08,
                    base_strength_elasticity=0.3, capacity_growth_gain=0.02)


def test_no_effect_before_the_lag():
    funds = {2023: 100.0, 2024: 100.0}
    assert pairing.matured_funds(funds, 2025, 3) == 0.0
    assert pairing.matured_funds(funds, 2026, 3) == pytest.approx(100.0 / 3)
    assert pairing.matured_funds(funds, 2030, 3) == 200.0


def test_threshold_then_diminishing_returns():
    assert pairing.pairing_income(50.0, 1.0, P) == 0.0
    incomes = [pairing.pairing_income(f, 1.0, P) for f in (100.0, 200.0, 300.0, 400.0)]
    gains = [b - a for a, b in zip(incomes, incomes[1:])]
    assert all(g > 0 for g in gains)           # more funds never lower income
    assert gains[0] > gains[1] > gains[2]      # diminishing returns


def test_stronger_base_gains_more():
    assert pairing.pairing_income(300.0, 2.0, P) > pairing.pairing_income(300.0, 0.5, P)


def test_capacity_growth_saturates():
    assert pairing.capacity_growth(100.0, P) == pytest.approx(0.02)
    assert pairing.capacity_growth(10_000.0, P) == pytest.approx(0.06)

import pytest

from sim.rules import fiscal, integration


def test_phase_in():
    assert integration.phase(2022, 2023, 3) == 0.0
    assert integration.phase(2023, 2023, 3) == pytest.approx(1 / 3)
    assert integration.phase(2030, 2023, 3) == 1.0


def test_fewer_competing_jurisdictions_raise_productivity():
    assert integration.jurisdiction_multiplier(0.0, 0.03) == 1.0
    full = integration.jurisdiction_multiplier(1.0, 0.03)
    assert full == pytest.approx((4 / 11) ** -0.03)
    assert 1.0 < integration.jurisdiction_multiplier(0.5, 0.03) < full


def test_revenue_sharing_conserves_tax_and_moves_it_to_populous_towns():
    tax = {"a": 10.0, "b": 2.0}
    park = {"a": 8.0, "b": 0.0}
    pop = {"a": 1.0, "b": 3.0}
    shared = fiscal.town_fiscal_revenue(tax, park, pop, 0.25)
    assert sum(shared.values()) == pytest.approx(12.0)
    assert shared["b"] > 2.0 and shared["a"] < 10.0
    assert fiscal.town_fiscal_revenue(tax, park, pop, 0.0) == tax

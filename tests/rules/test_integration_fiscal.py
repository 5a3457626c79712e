import pytest

from sim.rules import fiscal, integration


def test_phase_in():
    assert integration.phase(2022, 2023, 3) == 0.0
    assert integration.phase(2023, 2023, 3) == pytest.approx(1 / 3)
    assert integration.phase(2030, 2023, 3) == 1.0


def test_integration_sets_no_productivity_multiplier():
    from sim.scenario.schema import SCHEMA

    assert not hasattr(integration, "jurisdiction_multiplier")
    assert "jurisdiction_productivity_elasticity" not in SCHEMA["integration"]
    assert "lost_without_land" not in SCHEMA["investment"]


def test_revenue_sharing_conserves_tax_and_compensates_the_drawing_town():
    tax = {"a": 10.0, "b": 2.0}
    handed_on = {("b", "a"): 8.0}  # b drew projects that landed in a's parks; they pay 8 of a's tax
    shared = fiscal.town_fiscal_revenue(tax, handed_on, 0.25)
    assert sum(shared.values()) == pytest.approx(12.0)
    assert shared == {"a": pytest.approx(8.0), "b": pytest.approx(4.0)}
    assert fiscal.town_fiscal_revenue(tax, handed_on, 0.0) == tax

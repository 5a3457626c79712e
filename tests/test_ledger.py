"""The money ledger: debits equal credits, bad transfers refused, years kept."""

import math

import pytest

from sim.ledger import Ledger, LedgerError
from sim.model import RegionModel


def test_transfers_balance_and_are_kept_by_year():
    ledger = Ledger()
    ledger.transfer("district", "town:A", 1.5, "pairing:funds")
    ledger.transfer("outside:central", "district", 2.0, "transfer:central")
    ledger.transfer("district", "town:A", 0.5, "pairing:funds")
    assert ledger.balance("town:A") == 2.0 and ledger.balance("district") == 0.0
    assert ledger.received("town:A", "pairing") == 2.0 and ledger.paid("district") == 2.0
    assert math.isclose(ledger.imbalance(), 0.0, abs_tol=1e-12)
    closed = ledger.close_year(2023)
    assert closed[("district", "town:A", "pairing:funds")] == 2.0
    assert ledger.flows() == {}
    assert [r["year"] for r in ledger.rows()] == [2023, 2023]


@pytest.mark.parametrize("amount", [-1.0, float("nan"), float("inf")])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(LedgerError):
        Ledger().transfer("district", "town:A", amount, "x")


def test_self_transfer_is_refused():
    with pytest.raises(LedgerError):
        Ledger().transfer("district", "district", 1.0, "x")


def test_model_ledger_balances_every_year():
    model = RegionModel("plan", rng=3, scale=0.1, collect=False)
    model.run()
    assert set(model.ledger.years) == set(range(model.first_year, model.last_year + 1))
    assert abs(model.ledger.imbalance()) < 1e-9

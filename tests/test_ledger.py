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


def _postings(seed: int = 5, count: int = 400):
    """Random postings among many accounts: many flows per account, so that a change of order changes bits."""
    import numpy as np

    rng = np.random.default_rng(seed)
    accounts = ["district", "town:A", "town:B", "households:A", "outside:central",
                *(f"firms:{k}" for k in range(20))]
    out = []
    for _ in range(count):
        payer, payee = rng.choice(len(accounts), 2, replace=False)
        amount = float(rng.random()) if rng.random() > 0.1 else 0.0
        out.append((accounts[payer], accounts[payee], amount, ["tax:vat", "tax:pit", "income:wages"][rng.integers(3)]))
    return out


def test_batched_postings_are_the_single_postings_bit_for_bit():
    one, many = Ledger(), Ledger()
    postings = _postings()
    for payer, payee, amount, item in postings:
        one.transfer(payer, payee, amount, item)
    for start in range(0, len(postings), 7):  # batches of one item each, in the same order
        batch = postings[start:start + 7]
        for payer, payee, amount, item in batch:
            many.transfer_many([payer], [payee], [amount], item)
    assert dict(one.balances) == dict(many.balances) and list(one.flows().items()) == list(many.flows().items())
    mixed = Ledger()
    for item in ("tax:vat", "tax:pit", "income:wages"):
        chosen = [p for p in postings if p[3] == item]
        mixed.transfer_many([p[0] for p in chosen], [p[1] for p in chosen], [p[2] for p in chosen], item)
    reference = Ledger()
    for item in ("tax:vat", "tax:pit", "income:wages"):
        for payer, payee, amount, _ in (p for p in postings if p[3] == item):
            reference.transfer(payer, payee, amount, item)
    assert dict(mixed.balances) == dict(reference.balances)
    assert list(mixed.flows().items()) == list(reference.flows().items())


def test_paid_and_received_sum_in_the_order_of_all_flows():
    ledger = Ledger()
    postings = _postings(seed=9)
    for payer, payee, amount, item in postings:
        ledger.transfer(payer, payee, amount, item)
    flows = ledger.flows()
    for account in ("district", "town:A", "households:A"):
        for prefix in ("", "tax:", "income:"):
            assert ledger.paid(account, prefix) == sum(
                v for (payer, _, item), v in flows.items() if payer == account and item.startswith(prefix))
            assert ledger.received(account, prefix) == sum(
                v for (_, payee, item), v in flows.items() if payee == account and item.startswith(prefix))
        from sim.rules.budgets import receipts

        assert ledger.received_except(account, "tax:") == receipts(flows, "tax:").get(account, 0.0)
    ledger.close_year(2023)
    assert ledger.paid("district") == 0 and ledger.received("town:A") == 0


def test_paid_and_received_add_the_flows_in_their_order():
    """Amounts whose sum by Python's compensated ``sum`` (3.12) depends on the order: 128 + 2^-46 is a tie
    that rounds to 128 and the three 2^-100 that follow are lost with it, while in the reverse order they
    tip the tie. ``paid`` and ``received`` must add an account's flows in the order they first appeared."""
    amounts = [128.0, 2.0 ** -46, 2.0 ** -100, 2.0 ** -100, 2.0 ** -100]
    assert sum(amounts) == 128.0 != sum(reversed(amounts))  # the data tell the two orders apart
    ledger = Ledger()
    for k, amount in enumerate(amounts):
        ledger.transfer("district", f"town:{k}", amount, "pairing:funds")
        ledger.transfer(f"firms:{k}", "households:A", amount, "income:wages")
    assert ledger.paid("district") == ledger.paid("district", "pairing") == 128.0
    assert ledger.received("households:A") == ledger.received("households:A", "income") == 128.0


@pytest.mark.parametrize("amount", [-1.0, float("nan")])
def test_batched_postings_refuse_bad_amounts_and_self_transfers(amount):
    with pytest.raises(LedgerError, match="town:B"):
        Ledger().transfer_many("district", ["town:A", "town:B"], [1.0, amount], "x")
    with pytest.raises(LedgerError, match="both"):
        Ledger().transfer_many(["district", "town:A"], ["town:A", "town:A"], [1.0, 2.0], "x")
    with pytest.raises(LedgerError, match="payees"):
        Ledger().transfer_many("district", ["town:A"], [1.0, 2.0], "x")


def test_receipts_but_an_item_add_up_one_flow_after_the_other():
    """``received_except`` is ``budgets.receipts`` for one account: a plain running sum in the flows' order,
    whose last bits differ from Python's compensated ``sum``."""
    import numpy as np

    from sim.rules.budgets import receipts

    rng, ledger = np.random.default_rng(1), Ledger()
    for k in range(3000):
        ledger.transfer(f"firms:{k % 40}", "town:A", float(rng.random() * 10.0 ** rng.integers(-6, 3)), f"tax:{k % 7}")
    ledger.transfer("outside:province", "town:A", 5.0, "transfer:province")
    flows = ledger.flows()
    assert ledger.received_except("town:A", "transfer:") == receipts(flows, "transfer:")["town:A"]
    assert ledger.received_except("town:A", "transfer:") != sum(v for (_, _, i), v in flows.items()
                                                                 if not i.startswith("transfer:"))


def _many_small_flows(seed: int = 1) -> Ledger:
    """3,000 flows of widely spread sizes, so that a compensated sum or another order changes the last bits."""
    import numpy as np

    rng, ledger = np.random.default_rng(seed), Ledger()
    items = ("tax:vat", "tax:cit", "transfer:district", "services:public", "services:public:town_centre",
             "debt:borrow", "debt:repay", "pairing:funds", "revenue_sharing", "horse_race:reward", "misc")
    accounts = ("district", "town:A", "town:B", "public:A", "firms:1", "outside:lenders")
    for k in range(3000):
        payer, payee = rng.choice(len(accounts), size=2, replace=False)
        ledger.transfer(accounts[payer], accounts[payee], float(rng.random() * 10.0 ** rng.integers(-6, 3)),
                        items[k % len(items)])
    return ledger


def test_running_receipts_of_an_item_are_a_pass_over_all_flows():
    """``received_running`` is the running sum of ``budgets.public_services_received`` (same bits)."""
    from sim.rules.budgets import public_services_received

    ledger = _many_small_flows()
    spent = public_services_received(ledger.flows())
    for account in ("public:A", "town:A", "district"):
        assert ledger.received_running(account, "services:public") == spent.get(account, 0.0)


def test_budget_rows_from_each_accounts_flows_are_the_pass_over_all_flows():
    """``classify_accounts`` (each account's own flows) fills every column with the bits of ``classify``."""
    from sim.rules.budgets import classify, classify_accounts

    ledger = _many_small_flows(seed=2)
    accounts = ("district", "town:A", "town:B")
    by_account, by_pass = classify_accounts(ledger, accounts), classify(ledger.flows(), accounts)
    assert by_account == by_pass and all(list(by_account[a]) == list(by_pass[a]) for a in accounts)
    assert by_account["town:A"]["tax_vat"] > 0 and by_account["town:A"]["debt_repayment"] > 0


def test_receipts_of_a_closed_year_are_the_pass_over_its_flows():
    """``received_in`` (each account's keys of the closed year) sums what a pass over all that year's flows sums,
    in the same order (amounts whose compensated sum depends on the order)."""
    ledger = _many_small_flows(seed=3)
    for k, amount in enumerate([128.0, 2.0 ** -46, 2.0 ** -100, 2.0 ** -100, 2.0 ** -100]):
        ledger.transfer(f"firms:x{k}", "firms:construction", amount, "infrastructure:transport")
    ledger.close_year(2030)
    ledger.transfer("district", "firms:construction", 1.0, "land:development")  # the next year's: not counted
    for account in ("firms:construction", "town:A", "public:A", "outside:lenders", "nobody"):
        expected = sum(v for (_, payee, _), v in ledger.years[2030].items() if payee == account)
        assert ledger.received_in(2030, account) == expected
    assert ledger.received_in(2029, "town:A") == 0

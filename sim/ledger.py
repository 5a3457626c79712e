"""The money ledger: every transfer between the model's accounts is one debit and one equal credit (亿元).

Accounts are named ``kind:id`` (``district``, ``town:会城街道``, ``village:<id>``, ``firms:<sector>``,
``households:<town>``, ``soe:<id>``, ``outside:central``, ``outside:province``, ``outside:city``,
``outside:counties``, ...). Money that enters or leaves the district does so through an ``outside:`` account,
so the balances of all accounts always sum to zero: no mechanism can create or destroy money, and a test
checks it every year. Each mechanism posts its flows with an ``item`` (``tax:vat``, ``pairing:funds``,
``horse_race:reward``, ``incentive:subsidy``, ...); the year's flows, summed by (payer, payee, item), are what
the budgets table is built from. Pairing posts ``pairing:funds`` (donor -> village), ``pairing:assets``
(village -> ``firms:construction``), ``pairing:capacity`` (village -> ``households:<town>``, training and
management) and ``pairing:rent`` (``firms:<sector>`` or ``households:<town>`` -> village).
the budgets table is built from.

Items and accounts added by public finance (sim/rules/public_finance.py, budgets.py): ``tax:vat``, ``tax:cit``,
``tax:pit``, ``tax:property``, ``tax:land``, ``tax:other`` (VAT surcharges), ``nontax:other`` (fees, fines),
``land:transfer_income``, ``revenue_sharing`` (host town -> drawing town), ``revenue_sharing:cobuilt_park:<tax>``
(``outside:counties`` -> district and partner town), ``transfer:province``, ``transfer:district``,
``horse_race:pool`` (district -> ``fund:horse_race``), ``horse_race:reward`` (fund -> winners),
``services:public`` (governments -> ``households:<town>``), ``debt:borrow``, ``debt:repay``, ``debt:interest``
(with ``outside:lenders``); the account ``firms:services`` is the non-industrial economy (tertiary and
construction) that pays its taxes.

Public sector, households and builders (sim/rules/services.py, households.py, integration.py):
``services:public`` goes to ``public:<town>`` (the town's schools, clinics, administration), with
``services:public:town_centre`` (district -> the towns outside the centre); ``public:<town>`` pays ``wages:public``
(to ``households:<town>``) and ``public:purchases`` (to ``firms:services``). ``households:<town>`` receives
``income:wages`` (``firms:<sector>``, ``firms:services``), ``income:business`` (``firms:services``,
``firms:primary``: farms), ``income:dividends`` (``collectives:<town>``: the village collectives' operating
accounts) and ``income:transfers`` (``outside:province``), and pays ``households:consumption`` (to
``firms:services``) and ``households:saving`` (deposits, to ``outside:lenders``). ``infrastructure:transport``
(district -> ``firms:construction``) pays transport projects. Producers' accounts (``firms:*``,
``collectives:*``) run negative: their sales to one another and to the outside are not booked.

A mechanism that posts one item to many accounts at once uses ``transfer_many`` (the same postings, in the same
order, as one ``transfer`` each: balances and flows are identical bit for bit). The ledger keeps each account's
flow keys in the order they first appeared, so ``paid``, ``received`` and ``received_except`` read one account's
flows instead of the whole year's, summing them in the order a pass over all flows would; ``received_running``,
``flows_received`` and ``flows_paid`` serve the budgets' receipts and table rows the same way (budgets.py).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

__all__ = ["Ledger", "LedgerError"]


class LedgerError(ValueError):
    """A transfer that would break the ledger's identity (negative, not finite, or to itself)."""


class Ledger:
    """Balances by account and the flows of the current year; closed years are kept in ``years``."""

    def __init__(self):
        self.balances: dict[str, float] = defaultdict(float)
        self._flows: dict[tuple[str, str, str], float] = {}
        # the year's flow keys of each payer and payee, in the order they first appeared: ``paid`` and
        # ``received`` sum one account's flows in the order a pass over all the year's flows would (same bits)
        self._by_payer: dict[str, list] = defaultdict(list)
        self._by_payee: dict[str, list] = defaultdict(list)
        self.years: dict[int, dict[tuple[str, str, str], float]] = {}
        self._years_by_payee: dict[int, dict[str, list]] = {}  # the closed years' flow keys of each payee

    def transfer(self, payer: str, payee: str, amount_100m_cny: float, item: str) -> float:
        """Move ``amount_100m_cny`` (亿元, ≥ 0) from ``payer`` to ``payee``; returns the amount."""
        amount = float(amount_100m_cny)
        if not 0.0 <= amount < math.inf:  # negative, infinite or NaN
            raise LedgerError(f"transfer {item!r} from {payer} to {payee}: amount {amount!r} is not a finite, "
                              "non-negative number")
        if payer == payee:
            raise LedgerError(f"transfer {item!r}: payer and payee are both {payer}")
        if amount == 0.0:
            return 0.0
        # booked inline, as in ``transfer_many``: no method call per posting
        balances, flows, key = self.balances, self._flows, (payer, payee, item)
        balances[payer] -= amount
        balances[payee] += amount
        before = flows.get(key)
        if before is None:
            flows[key] = amount
            self._by_payer[payer].append(key)
            self._by_payee[payee].append(key)
        else:
            flows[key] = before + amount
        return amount

    def transfer_many(self, payers, payees, amounts_100m_cny, item: str) -> None:
        """``transfer(payers[k], payees[k], amounts[k], item)`` for every k, in that order (the same postings
        and the same bits as one call each): for mechanisms that post a flow to many accounts at once.
        ``payers`` may be one account name for all."""
        amounts = np.asarray(amounts_100m_cny, dtype=np.float64).ravel()
        payers = [payers] * amounts.size if isinstance(payers, str) else list(payers)
        payees = list(payees)
        if not len(payers) == len(payees) == amounts.size:
            raise LedgerError(f"transfer {item!r}: {len(payers)} payers, {len(payees)} payees and "
                              f"{amounts.size} amounts")
        bad = ~np.isfinite(amounts) | (amounts < 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            self.transfer(payers[k], payees[k], amounts[k], item)  # raises, naming the posting
        # booked inline, as in ``transfer`` (the same operations in the same order): no method call per posting
        balances, flows, by_payer, by_payee = self.balances, self._flows, self._by_payer, self._by_payee
        for payer, payee, amount in zip(payers, payees, amounts.tolist()):
            if payer == payee:
                raise LedgerError(f"transfer {item!r}: payer and payee are both {payer}")
            if amount != 0.0:
                key = (payer, payee, item)
                balances[payer] -= amount
                balances[payee] += amount
                before = flows.get(key)
                if before is None:
                    flows[key] = amount
                    by_payer[payer].append(key)
                    by_payee[payee].append(key)
                else:
                    flows[key] = before + amount

    def balance(self, account: str) -> float:
        return self.balances.get(account, 0.0)

    def flows(self) -> dict[tuple[str, str, str], float]:
        """The current year's flows so far, by (payer, payee, item)."""
        return dict(self._flows)

    def received(self, account: str, item_prefix: str = "") -> float:
        """What ``account`` received this year in items starting with ``item_prefix``."""
        flows = self._flows
        return sum(flows[key] for key in self._by_payee.get(account, ()) if key[2].startswith(item_prefix))

    def received_except(self, account: str, item_prefix: str) -> float:
        """What ``account`` received this year in items not starting with ``item_prefix``, added one flow after
        the other in the order of the year's flows (the sum ``budgets.receipts`` makes; ``sum`` compensates)."""
        flows, total = self._flows, 0.0
        for key in self._by_payee.get(account, ()):
            if not key[2].startswith(item_prefix):
                total += flows[key]
        return total

    def received_running(self, account: str, item_prefix: str) -> float:
        """What ``account`` received this year in items starting with ``item_prefix``, added one flow after the
        other in the order of the year's flows (a running sum, as a pass over all flows makes; ``received``
        uses the compensated ``sum``)."""
        flows, total = self._flows, 0.0
        for key in self._by_payee.get(account, ()):
            if key[2].startswith(item_prefix):
                total += flows[key]
        return total

    def flows_received(self, account: str) -> list[tuple[str, float]]:
        """(item, amount) of every flow ``account`` received this year, in the order of the year's flows."""
        flows = self._flows
        return [(key[2], flows[key]) for key in self._by_payee.get(account, ())]

    def flows_paid(self, account: str) -> list[tuple[str, float]]:
        """(item, amount) of every flow ``account`` paid this year, in the order of the year's flows."""
        flows = self._flows
        return [(key[2], flows[key]) for key in self._by_payer.get(account, ())]

    def paid(self, account: str, item_prefix: str = "") -> float:
        """What ``account`` paid this year in items starting with ``item_prefix``."""
        flows = self._flows
        return sum(flows[key] for key in self._by_payer.get(account, ()) if key[2].startswith(item_prefix))

    def received_in(self, year: int, account: str) -> float:
        """What ``account`` received in the closed ``year``: ``sum`` over that year's flows to it, in their order
        (the sum a pass over all of that year's flows makes; 0 if none)."""
        flows, keys = self.years.get(year, {}), self._years_by_payee.get(year)
        if keys is None:  # a year set from outside: the pass itself
            return sum(v for (_, payee, _), v in flows.items() if payee == account)
        return sum(flows[key] for key in keys.get(account, ()))

    def close_year(self, year: int) -> dict[tuple[str, str, str], float]:
        """Keep the year's flows and start the next year's; returns the closed year's flows."""
        closed = self.years[year] = self._flows
        self._years_by_payee[year] = self._by_payee
        self._flows = {}
        self._by_payer, self._by_payee = defaultdict(list), defaultdict(list)
        return closed

    def imbalance(self) -> float:
        """Sum of all balances: zero up to rounding, whatever was posted."""
        return math.fsum(self.balances.values())

    def rows(self) -> list[dict]:
        """The closed years' flows as table rows (year, payer, payee, item, amount_100m_cny)."""
        return [{"year": year, "payer": payer, "payee": payee, "item": item, "amount_100m_cny": amount}
                for year, flows in sorted(self.years.items())
                for (payer, payee, item), amount in sorted(flows.items())]

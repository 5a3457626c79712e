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
"""

from __future__ import annotations

import math
from collections import defaultdict

__all__ = ["Ledger", "LedgerError"]


class LedgerError(ValueError):
    """A transfer that would break the ledger's identity (negative, not finite, or to itself)."""


class Ledger:
    """Balances by account and the flows of the current year; closed years are kept in ``years``."""

    def __init__(self):
        self.balances: dict[str, float] = defaultdict(float)
        self._flows: dict[tuple[str, str, str], float] = defaultdict(float)
        self.years: dict[int, dict[tuple[str, str, str], float]] = {}

    def transfer(self, payer: str, payee: str, amount_100m_cny: float, item: str) -> float:
        """Move ``amount_100m_cny`` (亿元, ≥ 0) from ``payer`` to ``payee``; returns the amount."""
        amount = float(amount_100m_cny)
        if not math.isfinite(amount) or amount < 0:
            raise LedgerError(f"transfer {item!r} from {payer} to {payee}: amount {amount!r} is not a finite, "
                              "non-negative number")
        if payer == payee:
            raise LedgerError(f"transfer {item!r}: payer and payee are both {payer}")
        if amount == 0.0:
            return 0.0
        self.balances[payer] -= amount
        self.balances[payee] += amount
        self._flows[(payer, payee, item)] += amount
        return amount

    def balance(self, account: str) -> float:
        return self.balances.get(account, 0.0)

    def flows(self) -> dict[tuple[str, str, str], float]:
        """The current year's flows so far, by (payer, payee, item)."""
        return dict(self._flows)

    def received(self, account: str, item_prefix: str = "") -> float:
        """What ``account`` received this year in items starting with ``item_prefix``."""
        return sum(v for (_, payee, item), v in self._flows.items() if payee == account and item.startswith(item_prefix))

    def paid(self, account: str, item_prefix: str = "") -> float:
        """What ``account`` paid this year in items starting with ``item_prefix``."""
        return sum(v for (payer, _, item), v in self._flows.items() if payer == account and item.startswith(item_prefix))

    def close_year(self, year: int) -> dict[tuple[str, str, str], float]:
        """Keep the year's flows and start the next year's; returns the closed year's flows."""
        closed = self.years[year] = dict(self._flows)
        self._flows = defaultdict(float)
        return closed

    def imbalance(self) -> float:
        """Sum of all balances: zero up to rounding, whatever was posted."""
        return math.fsum(self.balances.values())

    def rows(self) -> list[dict]:
        """The closed years' flows as table rows (year, payer, payee, item, amount_100m_cny)."""
        return [{"year": year, "payer": payer, "payee": payee, "item": item, "amount_100m_cny": amount}
                for year, flows in sorted(self.years.items())
                for (payer, payee, item), amount in sorted(flows.items())]

"""Revenue sharing (利益共享) of the town revenue statistic: a pure helper of sim/rules/public_finance.py.

Under revenue sharing a share of the local tax of a firm founded by a project that landed outside the town that
drew it is booked to that town, compensating it for the project it handed on (寇晓东 & 汪红 2019). The taxes
themselves, their split among levels and the budgets are in public_finance.py and budgets.py.
Parameters: scenario ``integration.revenue_share`` (share). Source: literature.md §2 (寇晓东 & 汪红 2019:
compensation 10-25%).
"""

from __future__ import annotations


def town_fiscal_revenue(tax_raised: dict[str, float], handed_on_tax: dict[tuple[str, str], float],
                        revenue_share: float) -> dict[str, float]:
    """Tax after each host town cedes ``revenue_share`` of the tax of firms drawn by another town to that town.
    ``handed_on_tax[(origin, host)]`` is the tax (亿元) raised in ``host`` by firms that ``origin`` drew."""
    revenue = dict(tax_raised)
    for (origin, host), tax in handed_on_tax.items():
        revenue[host] -= revenue_share * tax
        revenue[origin] += revenue_share * tax
    return revenue

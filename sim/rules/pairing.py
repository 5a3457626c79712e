"""Pairing assistance (结对帮扶, 组团帮扶, 百企兴百村, strong-weak town pairs): who pays, who receives, steered projects.

Each year every active pair pays its funds out of its donor's own money, within the donor's room: district
bodies from the district budget (``district``, ``model.district_budget_room_100m_cny``), district SOEs from
their own account (``soe:<id>``; no SOE budget is modelled yet, so no room), towns from theirs
(``town:<id>``, ``budget_room_100m_cny``), enterprises (百企兴百村) out of last year's profits of their
sector (``firms:<sector>``), other counties from outside; the village keeps transfer funds until it buys
collective assets with them (sim/rules/collective_assets.py: the lag, threshold and diminishing returns come
from the assets' market); capacity funds pay training and management (``households:<town>``) and raise no
income in the model. Steered projects are the next landing projects of any sector, placed in the recipient
town's parks (or on its scattered land when they are full).
Parameters (scenario ``pairing``): pairs, weakest_villages_paired, district_funds_10k_cny_per_village_year,
group_soe_share (share), enterprise_paired_villages, enterprise_funds_10k_cny_per_village_year,
strong_weak_town_pairs, steered_projects_per_pair_year. Sources: the plan (组团帮扶, 百企兴百村, town-town
cooperation), facts §7a; lit §2 gives the effects that validation checks (lag, base strength, diminishing).
"""

from __future__ import annotations

import numpy as np

from sim import kernels

DISTRICT_SOES = "district_soes"  # the rule pairs' SOE donor (区属国有企业, together)


def form_rule_pairs(model) -> None:
    """In the pairing start year: district bodies and SOEs take the weakest villages, enterprises the next
    ones, and the strongest towns pair with the weakest towns."""
    p = model.params.pairing
    villages = sorted((v for v in model.villages if not v.is_community),
                      key=lambda v: (v.operating_income_10k_cny, v.id))
    district = villages[: p.weakest_villages_paired]
    enterprise = villages[p.weakest_villages_paired: p.weakest_villages_paired + p.enterprise_paired_villages]
    group = p.district_funds_10k_cny_per_village_year
    for village in district:
        model.add_pair("district_groups", village.id, "transfer", group * (1 - p.group_soe_share))
        model.add_pair(DISTRICT_SOES, village.id, "transfer", group * p.group_soe_share, donor_type="soe")
    for village in enterprise:
        model.add_pair("bai_qi_xing_bai_cun", village.id, "transfer",
                       p.enterprise_funds_10k_cny_per_village_year, donor_type="enterprise")
    towns = sorted(model.towns, key=lambda t: (t.industrial_output_100m_cny, t.id))  # last completed year
    for weak, strong in zip(towns[: p.strong_weak_town_pairs], reversed(towns)):
        model.add_pair(strong.id, weak.id, "steered_project", 0.0, p.steered_projects_per_pair_year,
                       donor_type="town")


class DonorRoom:
    """What each donor can still give this year (亿元): budget rooms and last year's sector profits."""

    def __init__(self, model):
        self.model = model
        firms, n = model.firms, len(model.sector_ids)
        # the live firms' output last year in the district, by sector and by town x sector (one pass over the rows)
        sales, by_town = kernels.district_sums(firms.output_last_year, firms.alive, True, model.park_outside,
                                               firms.park, firms.sector, firms.town, firms.sector, n,
                                               len(model.towns), n)
        # last year's profit rate on last year's sales (in 2023: the base year's rate and output)
        profit = model.sector_profit_rate * sales
        self.sector_profit = dict(zip(model.sector_ids, np.maximum(profit, 0.0).tolist()))
        # each town's largest sector last year: the local firms of 百企兴百村 pairs
        self.largest_sector = [model.sector_ids[int(k)] for k in by_town.reshape(len(model.towns), n).argmax(axis=1)]

    def pay(self, account: str, wanted_100m_cny: float) -> float:
        """The part of ``wanted_100m_cny`` the donor can pay, taken from its room."""
        model, (kind, _, name) = self.model, account.partition(":")
        if kind == "district":
            paid = min(wanted_100m_cny, model.district_budget_room_100m_cny)
            model.district_budget_room_100m_cny -= paid
        elif kind == "town":
            town = model.towns[model.town_index[name]]
            paid = min(wanted_100m_cny, town.budget_room_100m_cny)
            town.budget_room_100m_cny -= paid
        elif kind == "firms":
            paid = min(wanted_100m_cny, self.sector_profit.get(name, 0.0))
            self.sector_profit[name] = self.sector_profit.get(name, 0.0) - paid
        else:  # soe:, outside:counties: no budget modelled
            paid = wanted_100m_cny
        return max(paid, 0.0)


def donor_account(pair, village, room: DonorRoom) -> str:
    """The ledger account a pair's funds come from."""
    kind = pair.donor_type
    if kind == "district_body":
        return "district"
    if kind in ("soe", "town"):
        return f"{kind}:{pair.donor}"
    if kind == "county":
        return "outside:counties"
    # a named sector, or the largest sector of the village's town last year (百企兴百村 pairs local firms)
    sector = pair.donor if pair.donor in room.sector_profit else room.largest_sector[village.town_index]
    return f"firms:{sector}"


def disburse(model) -> None:
    """At the start of a year: active pairs pay their funds (within the donors' room) and set the steering
    quotas."""
    p = model.params.pairing
    if model.year == p.pairing_start_year:
        form_rule_pairs(model)
    room = None
    for pair in model.active_pairs():
        if pair.instrument == "steered_project":
            model.steering_quota[model.town_index[pair.recipient]] += pair.projects_per_year * model.scale
            continue
        room = room or DonorRoom(model)
        for village, share in model.recipient_villages(pair.recipient):
            pay_pair_funds(model, room, pair, village, pair.funds_10k_cny_per_year * share)


def pay_pair_funds(model, room: DonorRoom, pair, village, wanted_10k_cny: float) -> None:
    """One pair's funds to one village: posted from the donor; transfers saved for assets, capacity funds
    spent on training and management. Villages are full-size at any ``model.scale`` while the donors' rooms and
    the ledger are scaled (like households' incomes), so the ledger carries ``scale`` x the village's 万元."""
    payer, scale = donor_account(pair, village, room), model.scale
    paid = room.pay(payer, wanted_10k_cny * scale / 1e4) * 1e4 / scale
    if paid <= 0:
        return
    amount, year, transfer = paid * scale / 1e4, model.year, pair.instrument == "transfer"
    model.ledger.transfer(payer, f"village:{village.id}", amount, "pairing:funds")
    received = village.transfer_funds_by_year if transfer else village.capacity_funds_by_year
    received[year] = received.get(year, 0.0) + paid
    if transfer:
        village.pairing_cash_10k_cny += paid
    else:
        model.ledger.transfer(f"village:{village.id}", f"households:{model.town_ids[village.town_index]}", amount,
                              "pairing:capacity")
    if pair.donor not in village.pairing_donors:
        village.pairing_donors.append(pair.donor)
    model.year_stats["pairing_funds_100m_cny"] += amount

"""The project market: towns, the district and other counties bid for the same projects; a project takes the
best net offer (its location's fit plus the incentive offered, in logit utility).

Every bidder may offer an incentive (subsidy plus land-price discount) up to its ceiling
(``town_decisions.incentive_ceilings``). Negotiation is an ascending (English) auction: each bidder is willing
to go up to its ceiling, the project goes to the highest possible net offer, and the winner pays only what it
takes to beat the runner-up's best net offer (a dominant-strategy rule that needs no belief about rivals, so
it is bounded-rational). Under town-by-town attraction the project knows the town that drew it and
``other_towns_known_per_project`` more (drawn by the towns' draw weights: limited search); each bids with its
best park, and the towns also bid against each other. Under unified attraction (统一招商) the district shows
the project every park, places it where it fits best and bids once, against other counties only. The co-built
park in Taishan is a park of its partner town in both, valued at the tax share Xinhui keeps there (before,
the district bid for it at the full local tax and the towns not at all: ~50亿 of signed investment a run
went there under unified attraction only). Other
counties' best net offer is ``outside_location_utility`` + Gumbel noise + the incentive weight times an offer
drawn uniformly between ``outside_offer_low_share`` and ``outside_offer_high_share`` of the investment; a
project whose best offer is theirs is lost.
Parameters (scenario ``investment``): choice_incentive_weight (utility per unit of incentive as a share of
the investment), outside_location_utility, outside_offer_low_share, outside_offer_high_share,
other_towns_known_per_project. Sources: Milgrom 2004 (Putting Auction Theory to Work, ch. 2: bidding one's
value is dominant in an English auction); Efraimidis & Spirakis 2006 (weighted sampling without
replacement); lit §2 (寇晓东 & 汪红 2019: towns' competition for projects, 统一招商); the rest estimates.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim import kernels_pipe
from sim.rules import town_decisions

OUTSIDE = kernels_pipe.OUTSIDE  # -2: the project went to another county
NO_PARK = kernels_pipe.NO_PARK  # -1: no eligible park had the land
CONTACT_FIRST = 7     # the project's uniforms from this column on: one per town, which towns it knows
CONTACT_COLUMNS = 16  # a fixed number, so that adding a town leaves the others' draws unchanged


class Placement(IntEnum):
    """How a landing project is located."""
    LOGIT = 0       # steered by pairing or by the district's focus: logit among its parks, no bidding
    UNIFIED = 1     # unified attraction: the district bids with the best-fitting park
    TOWNS = 2       # town-by-town attraction: the towns bid against each other


def best_park(utility: np.ndarray) -> np.ndarray:
    """The park of highest utility per project, -1 where none is finite."""
    choice = np.argmax(utility, axis=1)
    return np.where(np.isfinite(utility[np.arange(utility.shape[0]), choice]), choice, NO_PARK)


def outside_net_offers(params, gumbel_u: np.ndarray, offer_u: np.ndarray) -> np.ndarray:
    """Other counties' best net offer per project (logit utility), from its two uniforms."""
    gumbel = -np.log(-np.log(np.clip(gumbel_u, 1e-300, 1.0 - 1e-16)))
    offer = params.outside_offer_low_share + offer_u * (params.outside_offer_high_share
                                                         - params.outside_offer_low_share)
    return params.outside_location_utility + gumbel + params.choice_incentive_weight * offer


def known_towns(home: np.ndarray, weights: np.ndarray, contact_u: np.ndarray, others: int,
                compiled_kernels=None) -> np.ndarray:
    """Which towns each project knows under town-by-town attraction (projects x towns): the one that drew it
    and ``others`` more, drawn without replacement in proportion to ``weights`` (the towns' draw weights), by
    the smallest keys -log(u)/w (Efraimidis & Spirakis 2006), one uniform per town and project.
    ``compiled_kernels``: ``kernels_pipe.kernels_for(model)`` (None: numpy)."""
    n_towns = weights.size
    with np.errstate(divide="ignore"):
        keys = -np.log(np.maximum(contact_u[:, :n_towns], 1e-300)) / weights[None, :]
    keys[np.arange(home.size), home] = np.inf  # the drawing town is known anyway
    return kernels_pipe.pick_known(keys, home, others, compiled_kernels)


def town_by_town(fit: np.ndarray, ceiling: np.ndarray, park_town: np.ndarray, n_towns: int,
                 outside: np.ndarray, weight: float, known: np.ndarray | None = None, compiled_kernels=None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Each town the project knows bids with its best park, up to its ceiling; the project takes the best net
    offer.

    ``fit``: projects x parks utility without incentives (-inf where not eligible); ``ceiling``: projects x
    parks, the most each park's town would offer (share of the investment); ``known``: projects x towns (None:
    every town). Returns the park (OUTSIDE: lost to another county, also when no known town has the land) and
    the incentive paid (share of the investment)."""
    return kernels_pipe.town_bids(fit, ceiling, park_town, n_towns, outside, weight, known, compiled_kernels)


def unified(fit: np.ndarray, ceiling: np.ndarray, outside: np.ndarray, weight: float, compiled_kernels=None
            ) -> tuple[np.ndarray, np.ndarray]:
    """The district places the project where its best net offer is, fit plus the incentive it would go up to
    (in the district's parks, whose ceilings are all the same, where it fits best), and bids once, against
    other counties only."""
    return kernels_pipe.unified_bids(fit, ceiling, outside, weight, compiled_kernels)


class ProjectMarket:
    """One step's bidding for the landing projects: offers, choices and payments."""

    def __init__(self, model, rows: np.ndarray, placement: np.ndarray, u: np.ndarray, home: np.ndarray,
                 town_weights: np.ndarray):
        p, proj = model.investment_params, model.projects
        self.model, self.rows, self.placement = model, rows, placement
        self.kernels = kernels_pipe.kernels_for(model)
        self.sectors, self.land = proj.sector[rows].astype(np.int64), proj.land_mu[rows]
        self.investment = proj.investment[rows]
        self.outside = outside_net_offers(p, u[:, 5], u[:, 6])
        # which towns a project knows matters only when the towns bid (Placement.TOWNS)
        self.known = np.zeros((rows.size, len(model.towns)), dtype=bool)
        bidding = np.flatnonzero(placement == Placement.TOWNS)
        self.known[bidding] = known_towns(home[bidding], town_weights, u[bidding, CONTACT_FIRST:],
                                          p.other_towns_known_per_project, self.kernels)
        self.weight = p.choice_incentive_weight
        # the most each park's bidder would offer, by project; the land-discount rate on offer by placement x park
        self.ceiling, self.rate = self._ceilings(model)
        # the co-built park is its partner town's to bid with, at the tax share Xinhui keeps there (its ceiling)
        self.park_town = np.array([park.town_index for park in model.parks], dtype=np.int64)

    def _ceilings(self, model) -> tuple[np.ndarray, np.ndarray]:
        """``town_decisions.incentive_ceilings`` of each bidding project, by its placement (0 without bidding),
        and the rates on offer by placement x park; with the kernels, all projects in one compiled pass."""
        parks = len(model.parks)
        ceiling, rate = np.zeros((self.rows.size, parks)), np.zeros((len(Placement), parks))
        modes = [mode for mode in (Placement.UNIFIED, Placement.TOWNS) if (self.placement == mode).any()]
        if self.kernels is None or not modes:
            for mode in modes:
                mine = self.placement == mode
                ceiling[mine], rates = town_decisions.incentive_ceilings(
                    model, self.sectors[mine], self.investment[mine], self.land[mine], mode == Placement.UNIFIED)
                rate[mode] = rates[0]
            return ceiling, rate
        room, tax = np.zeros((len(Placement), parks)), np.zeros((len(Placement), len(model.sector_ids)))
        for mode in modes:
            # ``kept`` (the share of the tax a park's bidder keeps) is the park's, the same under either mode
            rate[mode], kept, room[mode] = town_decisions.bidder_terms(model, mode == Placement.UNIFIED)
            tax[mode] = town_decisions.tax_value_by_sector(model, mode == Placement.UNIFIED)
        price = model.investment_params.industrial_land_price_100m_cny_per_mu
        ceiling = kernels_pipe.ceilings_by_mode(self.placement, price * self.land,
                                                tax[self.placement, self.sectors] * self.investment,
                                                np.maximum(self.investment, 1e-12), rate, kept, room, self.kernels)
        return ceiling, rate

    def decide(self, waiting: np.ndarray, fit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The park (or NO_PARK, OUTSIDE) and incentive share of each waiting project."""
        choice, paid = np.full(waiting.size, NO_PARK, dtype=np.int64), np.zeros(waiting.size)
        mode = self.placement[waiting]
        logit = mode == Placement.LOGIT
        choice[logit] = best_park(fit[logit])
        for kind in (Placement.UNIFIED, Placement.TOWNS):
            mine = mode == kind
            if not mine.any():
                continue
            rows = waiting[mine]
            if kind == Placement.UNIFIED:
                choice[mine], paid[mine] = unified(fit[mine], self.ceiling[rows], self.outside[rows], self.weight,
                                                   self.kernels)
            else:
                choice[mine], paid[mine] = town_by_town(
                    fit[mine], self.ceiling[rows], self.park_town, len(self.model.towns), self.outside[rows],
                    self.weight, self.known[rows], self.kernels)
        return choice, paid

    def fit_and_decide(self, options, eligible: np.ndarray, sectors: np.ndarray, land: np.ndarray,
                       gumbel: np.ndarray):
        """``options.fit`` and ``decide`` in one compiled pass over the waiting projects (the same choices and
        payments): a function of the waiting rows for ``investment.assign_parks``, or None without the kernels."""
        if self.kernels is None:
            return None
        n_towns, known = len(self.model.towns), np.ascontiguousarray(self.known)
        placement = np.ascontiguousarray(self.placement, dtype=np.int8)

        def choose(waiting: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return self.kernels[10](waiting, eligible, options.free, land, options.land_weight * np.log1p(options.free),
                                    options.fixed, sectors, gumbel, placement, self.ceiling, self.outside, known,
                                    self.park_town, n_towns, self.weight)
        return choose

    def pay(self, paid_share: np.ndarray, park: np.ndarray, host: np.ndarray) -> None:
        """Post the incentives of the projects placed by bidding: the district's or the winning town's."""
        won = np.flatnonzero((park >= 0) & (self.placement != Placement.LOGIT) & (paid_share > 0))
        if won.size == 0:
            return
        money = paid_share[won] * self.investment[won]
        discount, subsidy = town_decisions.split_incentive(self.model, money, self.land[won],
                                                           self.rate[self.placement[won], park[won]])
        towns = [f"town:{town}" for town in self.model.town_ids]
        payers = [town_decisions.DISTRICT if placement == Placement.UNIFIED else towns[town]
                  for placement, town in zip(self.placement[won].tolist(), host[won].tolist())]
        town_decisions.pay_incentives(self.model, payers, self.sectors[won], discount, subsidy)

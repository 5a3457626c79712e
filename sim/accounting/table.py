"""The yearly ``growth_accounting`` table of a run, built from consecutive year snapshots.

Each year from the second recorded one: the log growth of real GDP and of industrial value added split into
capital, labour and productivity (``decomposition.growth_accounting``), the change of aggregate firm
productivity split by Foster-Haltiwanger-Krizan and by Melitz-Polanec, and the year's fixed-asset investment
with the change of real GDP (for the ICOR). Only the previous year's snapshot is kept. Columns and units:
docs/outputs.md (``growth_accounting.parquet``).
"""

from __future__ import annotations

import numpy as np

from sim import kernels_acct
from sim.accounting import decomposition as dec
from sim.accounting.snapshot import year_snapshot

GROWTH_UNIT = "log points/yr"
MONEY_UNIT = "亿元, 2022 prices"
# fixed-asset investment when the firm model reports it; else the industrial capital formation implied by
# the stand-in capital of two snapshots (firms' capital increases plus entrants' capital)
INVESTMENT_COMPONENTS = ("fixed_asset_investment_100m_cny", "industrial_capital_formation_100m_cny")


class GrowthAccounting:
    """Collects the ``growth_accounting`` rows year by year; ``columns()`` returns them as a column dict."""

    def __init__(self):
        self.previous: dict | None = None
        self.rows: list[tuple] = []

    def record_year(self, model) -> None:
        current = year_snapshot(model)
        if self.previous is not None:
            self.rows.extend(yearly_rows(self.previous, current))
        self.previous = current

    def columns(self) -> dict[str, list]:
        names = ("year", "quantity", "component", "value", "unit")
        return {name: [row[i] for row in self.rows] for i, name in enumerate(names)}


def yearly_rows(before: dict, after: dict) -> list[tuple]:
    """(year, quantity, component, value, unit) rows for the change from snapshot ``before`` to ``after``."""
    year = int(after["year"])
    rows = []

    def add(quantity, parts, unit=GROWTH_UNIT):
        rows.extend((year, quantity, component, float(value), unit) for component, value in parts.items())

    a = float(after["capital_share"])  # the model's technology (decomposition's docstring)
    add("gdp", dec.growth_accounting(*_pairs(before, after, "gdp_100m_cny", "capital_stock_100m_cny",
                                                 "employment_10k"), a))
    add("industrial_va", dec.growth_accounting(*zip(_firm_totals(before), _firm_totals(after)), a))
    (*old, complete0), (*new, complete1) = cross_section_productivity(before), cross_section_productivity(after)
    # the match of all the snapshots' firms only where it serves: the cross-sections are every firm of both
    # snapshots (then it is theirs), or the investment is the stand-in's (an exiter in a year leaves the
    # cross-section, so at scale the first is rare, and the firm model reports its investment)
    # (when complete, the cross-sections' ids are the snapshots' firm ids, which a lean snapshot leaves out)
    stand_in = INVESTMENT_COMPONENTS[0] not in after
    kept = dec.match_firms(old[0], new[0])  # firms with all inputs
    match = kept if complete0 and complete1 else dec.match_firms(before["firm_id"], after["firm_id"]) if stand_in \
        else None
    fhk, melitz_polanec = dec.decompose(*old[1:], *new[1:], kept, (_aggregate(before), _aggregate(after)))
    add("productivity_fhk", fhk)
    add("productivity_mp", melitz_polanec)
    add("incumbents", {"productivity_growth": incumbents_mean_growth(fhk["within"], old[2], kept[0])})
    drivers = tertiary_drivers(before, after)
    share_change = drivers.pop("share_change", None)
    add("tertiary", drivers)
    if share_change is not None:
        add("tertiary_share", {"change": share_change}, "share of GDP")
    investment = investment_of_year(before, after, match)
    add("investment", {**investment, "gdp_change_100m_cny": float(after["gdp_100m_cny"] - before["gdp_100m_cny"])},
        MONEY_UNIT)
    return rows


def incumbents_mean_growth(within: float, weight0: np.ndarray, continuing0: np.ndarray) -> float:
    """The value-added-weighted mean productivity growth of continuing firms (incumbents), weights of the first
    year: FHK's within term is the same sum with weights that are shares of *all* firms of that year, so it
    is this mean times the continuing firms' share. Literature F6 reports the mean ("the weighted average
    annual productivity growth for incumbents", Brandt, Van Biesebroeck & Zhang 2012, abstract)."""
    weight0 = np.asarray(weight0, dtype=float)
    share = float(weight0[continuing0].sum()) / float(weight0.sum()) if weight0.sum() > 0 else 0.0
    return within / share if share > 0 else 0.0


def tertiary_drivers(before: dict, after: dict) -> dict[str, float]:
    """Log growth of real tertiary value added (``growth``) split over its parts in proportion to their
    changes (``consumer``, ``producer``, ``tourism``, ``chenpi``, ``public``: they sum to ``growth``), and the
    change of the tertiary share of GDP (``share_change``, share points)."""
    parts = [k for k in after if k.startswith("tertiary_") and k.endswith("_100m_cny")]
    old = {k: float(before.get(k, 0.0)) for k in parts}
    new = {k: float(after[k]) for k in parts}
    t0, t1 = sum(old.values()), sum(new.values())
    if t0 <= 0 or t1 <= 0:
        return {}
    growth = float(np.log(t1 / t0))
    change = t1 - t0
    out = {"growth": growth}
    for k in parts:
        out[k[len("tertiary_"):-len("_100m_cny")]] = growth * (new[k] - old[k]) / change if change else 0.0
    out["share_change"] = t1 / float(after["gdp_100m_cny"]) - t0 / float(before["gdp_100m_cny"])
    return out


def _pairs(before: dict, after: dict, *keys: str) -> list[tuple[float, float]]:
    return [(float(before[k]), float(after[k])) for k in keys]


def _firm_totals(snapshot: dict) -> tuple[float, float, float]:
    """Value added, capital and employment summed over the snapshot's firms (kept: it serves two years;
    ``snapshot.year_snapshot`` sums them already)."""
    if "_totals" not in snapshot:
        snapshot["_totals"] = tuple(float(snapshot[k].sum()) for k in
                                    ("value_added_100m_cny", "capital_100m_cny", "employment_persons"))
    return snapshot["_totals"]


def _aggregate(snapshot: dict) -> tuple[float, float]:
    """``decomposition.aggregate`` of the snapshot's cross-section (kept in it: each snapshot serves two years)."""
    if "_aggregate" not in snapshot:
        _, tfp, weight, _ = cross_section_productivity(snapshot)
        snapshot["_aggregate"] = dec.aggregate(np.asarray(tfp, dtype=float), np.asarray(weight, dtype=float))
    return snapshot["_aggregate"]


def cross_section_productivity(snapshot: dict) -> tuple:
    """Firm ids, log TFP and value-added weights of the firms in the year's cross-section: alive at year end
    (a firm that closed during the year files no annual report: it is an exiter, as in the firm surveys of
    literature F6), with positive value added, capital and labour; capital is counted over the part of the
    year a firm produced (``producing_share``: entrants' year-end stock would make them look unproductive);
    and whether that is every firm of the snapshot (kept in it: each snapshot serves two years)."""
    if "_productivity" not in snapshot:
        # the compiled snapshot gives it (snapshot.accounting_record): the same numbers, from its pass
        cross_section = snapshot.get("_cross_section")
        if cross_section is None:
            va = snapshot["value_added_100m_cny"]
            share = snapshot.get("producing_share", np.ones(va.size))
            alive = snapshot.get("alive", np.ones(va.size, dtype=bool))
            cross_section = kernels_acct.cross_section(snapshot["firm_id"], va, snapshot["capital_100m_cny"], share,
                                                       snapshot["employment_persons"], alive)
        ids, va, va_per_worker, k_per_worker, complete = cross_section
        tfp = dec.log_tfp_of_ratios(va_per_worker, k_per_worker, float(snapshot["capital_share"]))
        snapshot["_productivity"] = (ids, tfp, va, complete)  # one mask and compress, two logs (kernels_acct)
    return snapshot["_productivity"]


def investment_of_year(before: dict, after: dict, match=None) -> dict[str, float]:
    """The year's fixed-asset investment (亿元, real) if the firm model reports it, else the stand-in's
    industrial capital formation: capital increases of continuing firms plus the capital of entrants
    (``match``: ``match_firms`` of the two snapshots' ids, if known)."""
    if INVESTMENT_COMPONENTS[0] in after:
        return {INVESTMENT_COMPONENTS[0]: float(after[INVESTMENT_COMPONENTS[0]])}
    c0, c1, _, n1 = dec.match_firms(before["firm_id"], after["firm_id"]) if match is None else match
    k0, k1 = before["capital_100m_cny"], after["capital_100m_cny"]
    formed = np.maximum(k1[c1] - k0[c0], 0.0).sum() + k1[n1].sum()
    return {INVESTMENT_COMPONENTS[1]: float(formed)}

"""Validation checks on the growth accounting of the ``plan`` ensemble (``growth_accounting`` tables).

- ``net_entry_share``: net entry's share of the change of aggregate firm productivity over the horizon
  (Foster-Haltiwanger-Krizan), > 2/3 in China 1998-2007 (literature F6: Brandt, Van Biesebroeck & Zhang 2012),
  measured as F6 measured it, in one decomposition between the first and the last year of above-scale firms
  (``period_productivity``), when those values are given; else the yearly chained sum of the table;
- ``within_firm_productivity``: incumbents' (within-firm) productivity growth, %/yr, as F6 reports it (the
  value-added-weighted mean over the firms present in both years of each pair, ``incumbents`` rows;
  all firms, below-scale included, where F6's panel is above-scale firms: an approximate comparison; FHK's
  within term is that mean times the incumbents' share of the first year, ~0.96), between F6's two
  measures, 2.85 (gross-output TFP) and 7.96 (value-added TFP): the model's firm productivity multiplies
  gross output at a fixed value-added ratio, so its measured growth is the same on either basis, and the
  two estimates bracket it (docs/validation.md §3);
- ``icor``: fixed-asset investment / change of GDP over the horizon, 4-7 (literature §6.5: I1, I1b).
Each is computed per replicate by ``sim.accounting.explain.replicate_values``; the ranges are not widened.
"""

from __future__ import annotations

import pandas as pd

from sim.accounting.explain import replicate_values
from sim.validation.checks import Check, in_range, spread

NET_ENTRY_SHARE_MIN = 2 / 3            # F6
WITHIN_GROWTH_PERCENT = (2.85, 7.96)   # F6: gross-output and value-added TFP of incumbents, %/yr
ICOR_RANGE = (4.0, 7.0)                # lit §6.5 from I1 (2.6 in 1978-2008, "more than doubled" since), I1b (5.1)


def growth_accounting_checks(accounts: pd.DataFrame, period_net_entry: pd.Series | None = None) -> list[Check]:
    """The three checks on the ``growth_accounting`` rows of one variant (variant, replicate, year, ...);
    ``period_net_entry``: per replicate, net entry's share in the first-to-last-year decomposition of
    above-scale firms (``period_productivity``), which the net-entry check then uses."""
    values = replicate_values(accounts)
    period = values.year.iloc[0]

    def of(indicator: str, scope: str) -> pd.Series:
        return values[(values.indicator == indicator) & (values.scope == scope)].value

    out = []
    chained = spread(of("net_entry_share", "fhk"))
    if period_net_entry is None:
        (mean, lo, hi), how, note = chained, "yearly decompositions summed", ""
    else:
        (mean, lo, hi), how = spread(period_net_entry), "one decomposition of above-scale firms, first to last year"
        note = f"yearly decompositions summed instead: {chained[0]:.3f} [{chained[1]:.3f}, {chained[2]:.3f}]"
    out.append(Check("net_entry_share", "growth accounting", f"net entry's share of the change of firm "
                     f"productivity, {period} (Foster-Haltiwanger-Krizan; {how})", "> 2/3",
                     "lit F6 (Brandt, Van Biesebroeck & Zhang 2012)", mean, lo, hi, bool(mean > NET_ENTRY_SHARE_MIN),
                     note))
    incumbents = of("incumbents", "productivity_growth")
    fhk_within = spread(of("productivity_fhk", "within"))
    if incumbents.empty:  # tables made before the incumbents' mean was recorded
        (mean, lo, hi), what, note = fhk_within, "FHK within term", ""
    else:
        (mean, lo, hi), what = spread(incumbents), "value-added-weighted mean over incumbents, as F6 reports it"
        note = f"FHK within term (the mean times the incumbents' share): {fhk_within[0]:.2f}"
    out.append(Check("within_firm_productivity", "growth accounting", f"within-firm productivity growth of "
                     f"incumbents, %/yr, {period} ({what})", "2.85-7.96",
                     "lit F6 (2.85 gross-output, 7.96 value-added TFP)", mean, lo, hi,
                     in_range(mean, *WITHIN_GROWTH_PERCENT), note))
    icor = values[values.indicator == "icor"]
    scope = icor.scope.iloc[0] if len(icor) else "fixed_asset_investment_100m_cny"
    note = "" if scope == "fixed_asset_investment_100m_cny" else \
        "investment = industrial capital formation of the firm accounts (these tables have no FAI column)"
    mean, lo, hi = spread(icor.value)
    out.append(Check("icor", "growth accounting", f"ICOR: investment / change of GDP, {period}", "4-7",
                     "lit §6.5 (I1, I1b)", mean, lo, hi, in_range(mean, *ICOR_RANGE), note))
    return out

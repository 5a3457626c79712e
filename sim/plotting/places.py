"""Town, zone and village charts: GDP per head, fiscal revenue, Theil, village income, demonstrations."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plotting.base import (
    VILLAGE_THRESHOLDS_10K,
    _band,
    _grid,
    _subtitle,
    _zone_order,
    as_batch,
    bottom_legend,
    name,
    plt,
    quantile_bands,
    replicates,
    unit_of,
    variant_colors,
    variant_panels,
)


def town_bars(towns: pd.DataFrame, column: str, year: int | None = None, names: dict | None = None,
              order: list[str] | None = None, threshold: float | None = None, threshold_label: str = "",
              ylabel: str | None = None, title: str | None = None) -> Figure:
    """One bar per town and variant (median across replicates, whisker = 90% interval), towns grouped by zone."""
    towns = as_batch(towns)
    year = int(towns.year.max()) if year is None else year
    order = order or list(dict.fromkeys(towns.variant))
    data = towns[towns.year == year]
    bands = quantile_bands(data, ["variant", "town"], column)
    zone_of = data.drop_duplicates("town").set_index("town").zone
    town_order = [t for z in _zone_order(names or {}, zone_of.unique()) for t in
                  ([t for t in (names or {}).get("towns", {}) if zone_of.get(t) == z]
                   or sorted(zone_of[zone_of == z].index))]
    town_order += [t for t in zone_of.index if t not in town_order]
    colors = variant_colors(order)
    width = 0.8 / len(order)
    fig, ax = plt.subplots(figsize=(min(14, max(9, 0.35 * len(town_order) * len(order) + 3)), 5),
                           layout="constrained")
    x = np.arange(len(town_order))
    for i, variant in enumerate(order):
        b = bands[bands.variant == variant].set_index("town").reindex(town_order)
        err = [np.clip(b.q50 - b.q05, 0, None), np.clip(b.q95 - b.q50, 0, None)]
        ax.bar(x + (i - (len(order) - 1) / 2) * width, b.q50, width, yerr=err, capsize=2, color=colors[variant],
               label=variant, error_kw={"elinewidth": 0.8})
    start = 0
    for k, zone in enumerate(_zone_order(names or {}, zone_of.unique())):
        count = sum(zone_of.get(t) == zone for t in town_order)
        if k % 2 == 0:
            ax.axvspan(start - 0.5, start + count - 0.5, color="0.93", zorder=0)
        ax.text(start + count / 2 - 0.5, 1.0, name(names, "zones", zone), transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=9, color="0.25")
        start += count
    if threshold is not None:
        ax.axhline(threshold, color="crimson", linestyle="--", linewidth=1.2, label=threshold_label)
    ax.set_xticks(x, [name(names, "towns", t) for t in town_order], rotation=30, ha="right")
    ax.set_xlim(-0.6, len(town_order) - 0.4)
    ax.set_xlabel("town (grouped by development zone)")
    ax.set_ylabel(ylabel or f"{column} ({unit_of(column)})")
    if len(order) > 1 or threshold is not None:
        ax.legend(loc="upper right")
    fig.suptitle(f"{title or column} in {year}: median across replicates, whiskers 90% interval")
    return fig


def zone_lines(towns: pd.DataFrame, column: str = "fiscal_revenue_100m_cny", names: dict | None = None,
               order: list[str] | None = None, ylabel: str | None = None, title: str | None = None) -> Figure:
    """A town column summed by development zone, over time: one panel per variant, one line per zone."""
    towns = as_batch(towns)
    order = order or list(dict.fromkeys(towns.variant))
    zones = towns.groupby(["variant", "replicate", "year", "zone"], as_index=False)[column].sum()
    zone_order = _zone_order(names or {}, zones.zone.unique())
    cmap = plt.get_cmap("Dark2")
    fig, axes = _grid(len(order))
    for ax, variant in zip(axes, order):
        for k, zone in enumerate(zone_order):
            data = zones[(zones.variant == variant) & (zones.zone == zone)]
            bands = quantile_bands(data, ["year"], column)
            _band(ax, bands.year, bands, cmap(k), label=name(names, "zones", zone), outer=False)
        ax.set_title(variant)
        ax.set_xlabel("year")
        ax.set_ylabel(ylabel or f"{column} ({unit_of(column)})")
    bottom_legend(fig, axes[0])
    fig.suptitle(f"{title or column} by development zone: {_subtitle(towns).replace('bands', '50% band')}")
    return fig



def theil(district: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """Theil T of town GDP per head between and within development zones, over time, by variant."""
    panels = (("theil_between_zones", "Theil T between zones"), ("theil_within_zones", "Theil T within zones"))
    fig, _ = variant_panels(district, panels, order, ylabel="Theil T of town GDP per head (index, 0 = equal)",
                            width=5.5, height=3.8)
    fig.suptitle(f"Inequality of town GDP per head (population-weighted Theil T): median and 90% band "
                 f"across {replicates(district)} replicates")
    return fig


def admin_villages(villages: pd.DataFrame) -> pd.DataFrame:
    villages = as_batch(villages)
    return villages[~villages.is_community.astype(bool)]


def village_shares(villages: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Share of administrative villages with collective operating income above 100万 / 1000万 / 2000万, by
    variant, replicate and year (columns ``over_100``, ``over_1000``, ``over_2000``, in 0–1)."""
    data = admin_villages(villages)
    income = data.collective_operating_income_10k_cny
    flags = pd.DataFrame({f"over_{t}": (income > t).astype(float) for t in VILLAGE_THRESHOLDS_10K})
    flags[["variant", "replicate", "year"]] = data[["variant", "replicate", "year"]].to_numpy()
    out = flags.groupby(["variant", "replicate", "year"], as_index=False).mean()
    out["year"] = out.year.astype(int)
    out["replicate"] = out.replicate.astype(int)
    return out


def village_share_chart(villages: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """Share of administrative villages above 100万, 1000万 and 2000万 collective operating income, by variant."""
    shares = village_shares(villages)
    panels = [(f"over_{t}", f"above {t:,}万 a year") for t in VILLAGE_THRESHOLDS_10K]
    percent = shares.assign(**{column: 100 * shares[column] for column, _ in panels})
    fig, _ = variant_panels(percent, panels, order, ylabel="administrative villages (%)", width=4.6, height=3.6)
    fig.suptitle("Administrative villages by collective operating income (集体经营性收入): median and 90% band "
                 f"across {replicates(shares)} replicates")
    return fig


def village_income_distribution(villages: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """Distribution across administrative villages of collective operating income per year (all replicates
    pooled): median, 25–75% and 10–90% of villages, on a log scale, with the 100万 / 1000万 / 2000万 marks."""
    data = admin_villages(villages)
    order = order or list(dict.fromkeys(data.variant))
    fig, axes = _grid(len(order))
    column = "collective_operating_income_10k_cny"
    for ax, variant in zip(axes, order):
        q = data[data.variant == variant].groupby("year")[column].quantile([0.1, 0.25, 0.5, 0.75, 0.9]).unstack()
        ax.fill_between(q.index, q[0.1], q[0.9], color="#386fa4", alpha=0.18, linewidth=0,
                        label="10–90% of villages")
        ax.fill_between(q.index, q[0.25], q[0.75], color="#386fa4", alpha=0.35, linewidth=0,
                        label="25–75% of villages")
        ax.plot(q.index, q[0.5], color="#386fa4", linewidth=1.8, label="median village")
        for t, style in zip(VILLAGE_THRESHOLDS_10K, (":", "--", "-.")):
            ax.axhline(t, color="crimson", linestyle=style, linewidth=1, label=f"{t:,}万")
        ax.set_yscale("log")
        ax.set_title(variant)
        ax.set_xlabel("year")
        ax.set_ylabel("collective operating income (万元/yr, log)")
    bottom_legend(fig, axes[0])
    n = replicates(data)
    fig.suptitle(f"Collective operating income of the administrative villages, pooled over {n} replicates")
    return fig


def demo_villages(district: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """Beautiful-livable demonstration villages completed and featured demonstration villages started, with
    the plan's targets (10 by 2027 and 20 by 2033; 22 featured by 2027)."""
    panels = (("beautiful_demo_villages_done", "美丽宜居示范村 completed"),
              ("featured_demo_villages_started", "特色示范村 under way or done"))
    fig, axes = variant_panels(district, panels, order, ylabel="villages (count)", width=5.5, height=3.8,
                               legend=False)
    years = district.year
    for ax, marks in zip(axes, ([(2027, 10), (2033, 20)], [(2027, 22)])):
        shown = [(y, v) for y, v in marks if years.min() <= y <= years.max()]
        if shown:
            ax.scatter(*zip(*shown), marker="D", color="crimson", zorder=5, label="plan target")
        ax.legend(loc="upper left")
    fig.suptitle(f"Demonstration villages: median and 90% band across {replicates(district)} replicates")
    return fig


# ----------------------------------------------------------------------------------------------------------
# clusters and parks

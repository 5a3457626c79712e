"""District charts: GDP fan charts, sector structure, paired differences, target probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.plotting.base import (
    INDICATORS,
    _band,
    _band_legend_handles,
    _grid,
    _subtitle,
    as_batch,
    bottom_legend,
    gdp_targets,
    name,
    plan_growth_rate,
    plt,
    quantile_bands,
    unit_of,
    variant_colors,
)


def gdp_fan(district: pd.DataFrame, order: list[str] | None = None, column: str = "gdp_100m_cny",
            targets: list[tuple[int, float]] | None = None) -> Figure:
    """GDP fan chart per variant (median, 50% and 90% bands) with the plan's GDP targets and its 8% path."""
    district = as_batch(district)
    order = order or list(dict.fromkeys(district.variant))
    targets = gdp_targets() if targets is None else targets
    colors = variant_colors(order)
    fig, axes = _grid(len(order))
    growth = plan_growth_rate()
    for ax, variant in zip(axes, order):
        data = district[district.variant == variant]
        bands = quantile_bands(data, ["year"], column)
        _band(ax, bands.year, bands, colors[variant], label="median")
        years = bands.year.to_numpy()
        first = bands.q50.iloc[0]
        path = first * (1 + growth) ** (years - years[0])
        ax.plot(years, path, ":", color="0.35", linewidth=1.2, label=f"{growth:.0%} a year from {years[0]}")
        shown = [(y, v) for y, v in targets if years.min() <= y <= years.max()]
        if shown:
            ax.scatter([y for y, _ in shown], [v for _, v in shown], marker="D", color="crimson", zorder=5,
                       label="plan target")
            for y, v in shown:
                ax.annotate(f"{v:,.0f}亿 ({y})", (y, v), textcoords="offset points", xytext=(-6, 6),
                            ha="right", fontsize=8, color="crimson")
        ax.set_title(variant)
        ax.set_xlabel("year")
        ax.set_ylabel(f"{INDICATORS.get(column, (column,))[0]} ({unit_of(column)})")
    handles = [*_band_legend_handles(), plt.Line2D([], [], linestyle=":", color="0.35",
                                                   label=f"{growth:.0%} a year from the first year"),
               plt.Line2D([], [], marker="D", linestyle="", color="crimson", label="plan target")]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    fig.suptitle(f"District GDP by variant: {_subtitle(district)}; plan targets marked")
    return fig


def sector_structure(district: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """Primary / secondary / tertiary shares of GDP over time, median across replicates, per variant."""
    district = as_batch(district)
    order = order or list(dict.fromkeys(district.variant))
    parts = {"gdp_primary_100m_cny": "primary 第一产业", "gdp_secondary_100m_cny": "secondary 第二产业",
             "gdp_tertiary_100m_cny": "tertiary 第三产业"}
    colors = ["#6a994e", "#386fa4", "#f2a541"]
    frame = district.copy()
    total = frame[list(parts)].sum(axis=1)
    for column in parts:
        frame[column] = 100 * frame[column] / total
    fig, axes = _grid(len(order))
    for ax, variant in zip(axes, order):
        med = frame[frame.variant == variant].groupby("year")[list(parts)].median()
        med = med.div(med.sum(axis=1), axis=0) * 100
        ax.stackplot(med.index, *[med[c] for c in parts], labels=list(parts.values()), colors=colors, alpha=0.85)
        last = med.iloc[-1]
        ax.set_title(f"{variant} ({med.index[-1]}: " + " : ".join(f"{v:.1f}" for v in last) + ")")
        ax.set_ylim(0, 100)
        ax.set_xlabel("year")
        ax.set_ylabel("share of GDP (%)")
    bottom_legend(fig, axes[0], ncols=3)
    fig.suptitle("Sector structure of GDP (median shares across replicates)")
    return fig


# ----------------------------------------------------------------------------------------------------------
# comparisons and targets


def indicator_label(indicator: str, scope: str, year, names: dict | None = None) -> str:
    label = INDICATORS.get(indicator, (indicator,))[0]
    where = "" if scope == "district" else f" {name(names, 'zones', scope)}"
    return f"{label}{where}, {year}"


MANY_VARIANTS = 12  # more variants than this (a sweep): the charts below switch to a compact layout
MANY_PANELS = 8


def paired_differences(indicators: pd.DataFrame, names: dict | None = None, ncols: int = 4) -> Figure:
    """Forest plot of ``sim.batch.compare`` indicators: paired difference to the baseline with its 95% interval."""
    baseline = indicators.baseline.iloc[0]
    others = indicators[indicators.variant != baseline]
    keys = list(dict.fromkeys(zip(indicators.indicator, indicators.scope, indicators.year)))
    order = list(dict.fromkeys(others.variant))
    colors = variant_colors([baseline, *order])
    many = len(order) > MANY_VARIANTS  # a sweep: thinner rows and the first indicators only, so the chart stays printable
    if many:
        keys = keys[:MANY_PANELS]
    row = 0.16 if many else 0.45
    fig, axes = _grid(max(len(keys), 1), ncols=ncols, width=3.9, height=row * max(len(order), 1) + 1.5,
                      sharex=False, sharey=True)
    for ax, (indicator, scope, year) in zip(axes, keys):
        part = others[(others.indicator == indicator) & (others.scope == scope) & (others.year == year)]
        part = part.set_index("variant").reindex(order)
        y = np.arange(len(order))
        lo = (part.diff_mean - part.diff_lo).to_numpy(dtype=float)
        hi = (part.diff_hi - part.diff_mean).to_numpy(dtype=float)
        for i, variant in enumerate(order):
            ax.errorbar(part.diff_mean.iloc[i], y[i], xerr=[[np.nan_to_num(lo[i])], [np.nan_to_num(hi[i])]],
                        fmt="o", color=colors[variant], capsize=3)
        ax.axvline(0, color="0.3", linewidth=1)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_yticks(y, order, fontsize=6 if many else None)
        ax.set_ylim(-0.6, len(order) - 0.4)
        ax.set_title(indicator_label(indicator, scope, year, names), fontsize=9.5)
        ax.set_xlabel(f"Δ vs {baseline} ({unit_of(indicator)})", fontsize=9)
    fig.supylabel("variant")
    n = int(indicators.n_pairs.max()) if "n_pairs" in indicators and indicators.n_pairs.notna().any() else 0
    fig.suptitle(f"Paired difference to {baseline}: mean and 95% interval over {n} replicate pairs "
                 "(common random numbers)")
    return fig


def target_rows(targets: pd.DataFrame, names: dict | None = None) -> list[str]:
    rows = targets[["target", "part", "year"]].drop_duplicates()
    labels = []
    for t, p, y in rows.itertuples(index=False):
        part = name(names, "zones", p) if p in (names or {}).get("zones", {}) else name(names, "sectors", p)
        labels.append(" · ".join(str(x) for x in (t, part, y) if x not in ("", None)))
    return labels


def target_heatmap(targets: pd.DataFrame, names: dict | None = None, order: list[str] | None = None) -> Figure:
    """Probability of meeting each plan target (share of replicates), targets × variants."""
    order = order or list(dict.fromkeys(targets.variant))
    keys = ["target", "part", "year"]
    wide = targets.set_index([*keys, "variant"]).probability_met.unstack("variant")
    wide = wide.reindex(pd.MultiIndex.from_frame(targets[keys].drop_duplicates()))[order]
    labels = target_rows(targets, names)
    many = len(order) > MANY_VARIANTS  # a sweep: narrow columns without numbers in the cells
    column = max(0.22, 12 / len(order)) if many else 1.25
    fig, ax = plt.subplots(figsize=(3.2 + column * len(order), 1.6 + 0.26 * len(wide)), layout="constrained")
    image = ax.imshow(wide.to_numpy(dtype=float), aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
    for (i, j), value in np.ndenumerate(wide.to_numpy(dtype=float)):
        if not np.isnan(value) and not many:
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7.5,
                    color="black" if 0.2 < value < 0.85 else "white")
    ax.set_xticks(range(len(order)), order, rotation=90 if many else 30, ha="center" if many else "right",
                  fontsize=6 if many else None)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.grid(False)
    ax.set_xlabel("variant")
    ax.set_ylabel("plan target · part · year")
    fig.colorbar(image, ax=ax, label="probability met (share of replicates)", shrink=0.6)
    n = int(targets.n.max()) if len(targets) else 0
    ax.set_title(f"Probability of meeting each plan target ({n} replicates per variant)")
    return fig


# ----------------------------------------------------------------------------------------------------------
# towns, zones, villages

"""Sector, cluster and park charts, and the sensitivity ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plotting.base import (
    LINESTYLES,
    _grid,
    as_batch,
    bottom_legend,
    name,
    plt,
    replicates,
    unit_of,
    variant_colors,
    variant_panels,
)


def sector_output(clusters: pd.DataFrame, names: dict | None = None, order: list[str] | None = None) -> Figure:
    """Gross industrial output by sector (summed over zones), stacked, median across replicates, per variant."""
    clusters = as_batch(clusters)
    order = order or list(dict.fromkeys(clusters.variant))
    column = "industrial_output_100m_cny"
    sectors = clusters.groupby(["variant", "replicate", "year", "sector"], as_index=False)[column].sum()
    sector_order = [s for s in (names or {}).get("sectors", {}) if s in set(sectors.sector)]
    sector_order += sorted(set(sectors.sector) - set(sector_order))
    cmap = plt.get_cmap("tab10")
    fig, axes = _grid(len(order))
    for ax, variant in zip(axes, order):
        med = (sectors[sectors.variant == variant].groupby(["year", "sector"])[column].median()
               .unstack("sector").reindex(columns=sector_order).fillna(0))
        ax.stackplot(med.index, *[med[s] for s in sector_order], labels=[name(names, "sectors", s)
                                                                          for s in sector_order],
                     colors=[cmap(i) for i in range(len(sector_order))], alpha=0.85)
        ax.set_title(variant)
        ax.set_xlabel("year")
        ax.set_ylabel("gross industrial output (亿元)")
    bottom_legend(fig, axes[0], most=8)
    fig.suptitle("Industrial output by sector (工业总产值, median across replicates, stacked)")
    return fig


def thousand_billion(district: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """新材料 and 新能源 output against the plan's 千亿 (1,000亿) cluster marks for 2025."""
    panels = (("new_materials_output_100m_cny", "新材料 (new materials)"),
              ("new_energy_output_100m_cny", "新能源 (new energy)"))
    fig, axes = variant_panels(district, panels, order, ylabel="gross output (亿元)", width=5.5, height=3.9,
                               sharey=True, legend=False)
    for ax in axes:
        ax.axhline(1000, color="crimson", linestyle="--", linewidth=1.2, label="千亿 mark (1,000亿)")
        if district.year.min() <= 2025 <= district.year.max():
            ax.axvline(2025, color="0.4", linestyle=":", linewidth=1, label="target year 2025")
        ax.legend(loc="upper left")
    fig.suptitle(f"千亿 clusters: median and 90% band across {replicates(district)} replicates")
    return fig


def park_output(parks: pd.DataFrame, names: dict | None = None, order: list[str] | None = None) -> Figure:
    """Gross output of each industrial park over time: one small panel per park (so 13 parks stay apart), one
    line per variant (median across replicates), the variants' legend below the panels."""
    parks = as_batch(parks)
    order = order or list(dict.fromkeys(parks.variant))
    column = "industrial_output_100m_cny"
    park_order = list(dict.fromkeys(parks.park))
    colors = variant_colors(order)
    med = parks[parks.variant.isin(order)].groupby(["year", "variant", "park"])[column].median()
    med = med.unstack(["variant", "park"])
    fig, axes = _grid(len(park_order), ncols=4, width=3.4, height=2.4, sharey=False)
    for ax, park in zip(axes, park_order):
        for k, variant in enumerate(order):
            if (variant, park) in med:
                ax.plot(med.index, med[(variant, park)], LINESTYLES[k % len(LINESTYLES)], color=colors[variant],
                        linewidth=1.4, label=variant)
        ax.set_title(name(names, "parks", park), fontsize=9)
    fig.supxlabel("year")
    fig.supylabel("gross output of the park's firms (亿元)")
    if len(order) > 1:
        bottom_legend(fig, axes[0], fontsize=8)
    fig.suptitle("Industrial output by park (median across replicates)")
    return fig


def park_land(parks: pd.DataFrame, names: dict | None = None, order: list[str] | None = None,
              year: int | None = None) -> Figure:
    """Serviced and used (or reserved) industrial land of each park in one year, median across replicates."""
    parks = as_batch(parks)
    order = order or list(dict.fromkeys(parks.variant))
    year = int(parks.year.max()) if year is None else year
    data = parks[parks.year == year]
    park_order = list(dict.fromkeys(parks.park))
    fig, axes = _grid(len(order), width=5.0, height=0.32 * len(park_order) + 1.2, sharex=True)
    for ax, variant in zip(axes, order):
        med = data[data.variant == variant].groupby("park")[["land_total_mu", "land_used_mu"]].median()
        med = med.reindex(park_order)
        y = np.arange(len(park_order))
        ax.barh(y, med.land_total_mu, color="#b8d0e6", label="serviced land")
        ax.barh(y, med.land_used_mu, height=0.5, color="#386fa4", label="used or reserved")
        ax.set_yticks(y, [name(names, "parks", p) for p in park_order], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(variant)
        ax.set_xlabel("land (亩)")
        ax.set_ylabel("park")
    bottom_legend(fig, axes[0], ncols=2)
    fig.suptitle(f"Industrial land of the parks in {year} (median across replicates)")
    return fig


# ----------------------------------------------------------------------------------------------------------
# sensitivity


def sensitivity_csv(directory: str | Path) -> Path | None:
    """The sensitivity table for a batch directory: DIR/sensitivity/sensitivity.csv, else DIR/sensitivity.csv,
    else a sibling ``sensitivity/sensitivity.csv`` (the default ``--out`` of ``xinhui-sim sensitivity`` next to
    runs/main); None when there is none."""
    directory = Path(directory)
    for path in (directory / "sensitivity" / "sensitivity.csv", directory / "sensitivity.csv",
                 directory.parent / "sensitivity" / "sensitivity.csv"):
        if path.is_file():
            return path
    return None


def sensitivity_method(table: pd.DataFrame) -> str:
    if "mu_star" in table.columns:
        return "morris"
    if "ST" in table.columns:
        return "sobol"
    if "S1" in table.columns:
        return "given-data"  # first-order indices from a posterior's joint draws (sim/validation/given_data.py)
    raise ValueError("a sensitivity table needs mu_star (Morris), ST (Sobol) or S1 (given-data) columns")


def sensitivity_ranking(table: pd.DataFrame, top: int = 10) -> Figure:
    """Parameters ranked by Morris μ* (with σ) or Sobol ST (with S1), one panel per output."""
    method = sensitivity_method(table)
    outputs = list(dict.fromkeys(table.output))
    fig, axes = _grid(len(outputs), ncols=min(3, len(outputs)), width=5.2, height=0.33 * top + 1.4,
                      sharex=False, sharey=False)
    for ax, output in zip(axes, outputs):
        key = {"morris": "mu_star", "sobol": "ST"}.get(method, "S1")
        part = table[table.output == output].sort_values(key, ascending=False).head(top)
        y = np.arange(len(part))
        if method == "morris":
            conf = part.get("mu_star_conf")
            ax.barh(y, part.mu_star, xerr=None if conf is None else conf, color="#386fa4", capsize=2,
                    label="μ* (mean |elementary effect|)")
            ax.scatter(part.sigma, y, marker="o", color="crimson", zorder=5, label="σ (interactions, non-linearity)")
            ax.set_xlabel(f"μ*, σ ({_output_unit(output)})")
        elif method == "given-data":
            ax.barh(y, part.S1, xerr=part.get("S1_conf"), color="#f2a541", capsize=2,
                    label="S1 (first order, posterior's joint draws)")
            ax.set_xlabel("first-order index (share of variance)")
        else:
            ax.barh(y - 0.2, part.ST, 0.4, xerr=part.get("ST_conf"), color="#386fa4", capsize=2,
                    label="ST (total order)")
            ax.barh(y + 0.2, part.S1, 0.4, xerr=part.get("S1_conf"), color="#f2a541", capsize=2,
                    label="S1 (first order)")
            ax.set_xlabel("Sobol index (share of variance)")
        ax.set_yticks(y, part.parameter, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(output, fontsize=10)
        ax.set_ylabel("parameter")
    bottom_legend(fig, axes[0], ncols=2)
    name = {"morris": "Morris", "sobol": "Sobol"}.get(method, "given-data")
    fig.suptitle(f"Sensitivity ranking ({name}), top {top} parameters "
                 "per output")
    return fig


def _output_unit(output: str) -> str:
    unit = unit_of(output)
    if output.startswith("admin_villages"):
        return "villages"
    if output.startswith("theil"):
        return "index"
    return unit


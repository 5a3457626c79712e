"""Charts of a batch, shared by the analysis notebooks (analysis/*.ipynb) and ``xinhui-sim report``.

Every chart function takes tables of ``sim.results.load(DIR)`` (a batch directory, or a single run, which is
treated as a batch of one variant and one replicate) and returns a matplotlib Figure that has a title, axis
labels with units, and a legend wherever it draws more than one series. Across replicates, a line is the
median and bands are the 50% and 90% intervals (25th–75th and 5th–95th percentiles).

Chinese names render with the shipped font ``sim/fonts/NotoSansSC-Xinhui.otf`` (a subset of Noto Sans SC,
SIL Open Font License, see sim/fonts/OFL.txt), registered with matplotlib's font manager when this module is
imported; characters outside it fall back to DejaVu Sans.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import yaml
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILE = FONT_DIR / "NotoSansSC-Xinhui.otf"
FALLBACK_FONTS = ["DejaVu Sans"]
TARGETS_FILE = Path(__file__).resolve().parent / "plan_targets.yaml"
DEFAULT_REGION = Path(__file__).resolve().parents[1] / "scenarios" / "regions" / "xinhui.yaml"

# headline indicator column -> (label, unit)
INDICATORS = {
    "gdp_100m_cny": ("GDP", "亿元"),
    "industrial_output_above_scale_100m_cny": ("规上工业总产值", "亿元"),
    "share_towns_fiscal_over_5e8_cny": ("towns with fiscal revenue > 5亿", "share of towns"),
    "admin_villages_over_10m_cny": ("villages > 1000万 income", "villages"),
    "admin_villages_over_20m_cny": ("villages > 2000万 income", "villages"),
    "theil_between_zones": ("Theil T between zones", "index"),
    "theil_within_zones": ("Theil T within zones", "index"),
    "new_materials_output_100m_cny": ("新材料 output", "亿元"),
    "new_energy_output_100m_cny": ("新能源 output", "亿元"),
}
EXTRA_PARKS = {"xintai_cobuilt": "新台 co-built park (台山)"}  # parks that scenarios add, not in the region file
VILLAGE_THRESHOLDS_10K = (100, 1000, 2000)  # 100万, 1000万, 2000万 in 万元


def register_fonts() -> str | None:
    """Register the shipped CJK font and make it matplotlib's sans-serif font; return its family name."""
    if not FONT_FILE.is_file():
        return None
    font_manager.fontManager.addfont(str(FONT_FILE))
    family = font_manager.FontProperties(fname=str(FONT_FILE)).get_name()
    rc = matplotlib.rcParams
    rc["font.family"] = ["sans-serif"]
    rc["font.sans-serif"] = [family, *FALLBACK_FONTS, *[f for f in rc["font.sans-serif"] if f != family]]
    rc["axes.unicode_minus"] = False  # the ASCII hyphen-minus: always in the font
    return family


FONT_FAMILY = register_fonts()
matplotlib.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "axes.grid": True, "grid.alpha": 0.3,
                            "axes.titlesize": 11, "figure.titlesize": 13, "legend.fontsize": 9})


# ----------------------------------------------------------------------------------------------------------
# data helpers


def as_batch(frame: pd.DataFrame, name: str = "run") -> pd.DataFrame:
    """A table with ``variant`` and ``replicate`` columns (a single run gets variant ``name``, replicate 0)."""
    if "variant" in frame.columns:
        return frame
    return frame.assign(variant=name, replicate=0)


def variants(results) -> list[str]:
    """Variants present in the results, in the order of the batch manifest."""
    district = as_batch(results.district)
    present = list(dict.fromkeys(district.variant))
    listed = [v.get("name") for v in (results.manifest or {}).get("variants", [])]
    return [v for v in listed if v in present] + [v for v in present if v not in listed]


def default_baseline(names: list[str]) -> str:
    """``plan`` when the batch has it (the README's comparisons are against the plan), else the first variant."""
    return "plan" if "plan" in names else names[0]


def replicates(frame: pd.DataFrame) -> int:
    """Number of replicates per variant (the smallest, if they differ)."""
    frame = as_batch(frame)
    return int(frame.groupby("variant").replicate.nunique().min()) if len(frame) else 0


def quantile_bands(frame: pd.DataFrame, by: list[str], column: str) -> pd.DataFrame:
    """Median, 50% and 90% bands of ``column`` across rows (replicates), by ``by``."""
    group = frame.groupby(by, sort=True)[column]
    out = group.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    out.columns = ["q05", "q25", "q50", "q75", "q95"]
    return out.reset_index()


def region_names(results=None) -> dict[str, dict[str, str]]:
    """Chinese names of zones, towns, sectors and parks by id (``{"zones": {...}, ...}``), from the region file.

    Uses the run's region file when the manifest names one, else scenarios/regions/xinhui.yaml; empty mappings
    (charts then show ids) when neither can be read.
    """
    from sim.region import load_region

    candidates = []
    manifest = getattr(results, "manifest", None) or {}
    if manifest.get("region_file"):
        candidates.append(Path(manifest["region_file"]))
    candidates.append(DEFAULT_REGION)
    for path in candidates:
        try:
            region = load_region(path)
        except Exception:  # noqa: BLE001 - labels only: fall back to ids
            continue
        return {"zones": {z.id: z.name_zh or z.id for z in region.zones},
                "towns": {t.id: t.name_zh or t.id for t in region.towns},
                "sectors": {s.id: s.name_zh or s.id for s in region.sectors},
                "parks": {**EXTRA_PARKS, **{p.id: (p.name_zh or p.id).split(" (")[0] for p in region.parks}},
                "town_zone": {t.id: t.zone for t in region.towns}}
    return {"zones": {}, "towns": {}, "sectors": {}, "parks": {}, "town_zone": {}}


def name(names: dict, kind: str, key) -> str:
    return (names or {}).get(kind, {}).get(key, str(key))


def gdp_targets() -> list[tuple[int, float]]:
    """(year, 亿元) of the plan's district GDP targets (sim/plan_targets.yaml)."""
    targets = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))["targets"]
    return sorted((int(t["year"]), float(t["value"])) for t in targets
                  if t.get("indicator") == "district GDP" and t.get("kind") == "at_least" and "year" in t)


def plan_growth_rate() -> float:
    targets = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))["targets"]
    return next((float(t["value"]) for t in targets if t["id"] == "growth_2023_2033"), 0.08)


def unit_of(column: str) -> str:
    if column in INDICATORS:
        return INDICATORS[column][1]
    for suffix, unit in (("_100m_cny", "亿元"), ("_10k_cny", "万元"), ("_mu", "亩")):
        if column.endswith(suffix):
            return unit
    return "share" if column.startswith("share") else "1"


def variant_colors(names: list[str]) -> dict[str, tuple]:
    cmap = plt.get_cmap("tab10")
    return {v: cmap(i % 10) for i, v in enumerate(names)}


def _grid(n: int, ncols: int = 3, width: float = 4.6, height: float = 3.4, sharey: bool = True,
          sharex: bool = True):
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows + 0.9), squeeze=False,
                             sharex=sharex, sharey=sharey, layout="constrained")
    flat = axes.ravel()
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _band(ax, x, bands: pd.DataFrame, color, label: str | None = None, inner: bool = True, outer: bool = True,
          line: str = "-"):
    """Median line with the 50% (``inner``) and 90% (``outer``) bands."""
    if outer:
        ax.fill_between(x, bands.q05, bands.q95, color=color, alpha=0.15, linewidth=0)
    if inner:
        ax.fill_between(x, bands.q25, bands.q75, color=color, alpha=0.3, linewidth=0)
    ax.plot(x, bands.q50, line, color=color, linewidth=1.8, label=label)


def _band_legend_handles(color="0.3"):
    from matplotlib.patches import Patch

    return [plt.Line2D([], [], color=color, linewidth=1.8, label="median"),
            Patch(facecolor=color, alpha=0.45, label="50% band"), Patch(facecolor=color, alpha=0.15,
                                                                         label="90% band")]


def _subtitle(frame: pd.DataFrame) -> str:
    n = replicates(frame)
    return f"median and bands across {n} replicate{'s' if n != 1 else ''}"


def _zone_order(names: dict, present) -> list[str]:
    order = list(names.get("zones", {}))
    return [z for z in order if z in set(present)] + sorted(set(present) - set(order))


# ----------------------------------------------------------------------------------------------------------
# GDP


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
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3)
    fig.suptitle("Sector structure of GDP (median shares across replicates)")
    return fig


# ----------------------------------------------------------------------------------------------------------
# comparisons and targets


def indicator_label(indicator: str, scope: str, year, names: dict | None = None) -> str:
    label = INDICATORS.get(indicator, (indicator,))[0]
    where = "" if scope == "district" else f" {name(names, 'zones', scope)}"
    return f"{label}{where}, {year}"


def paired_differences(indicators: pd.DataFrame, names: dict | None = None, ncols: int = 4) -> Figure:
    """Forest plot of ``sim.batch.compare`` indicators: paired difference to the baseline with its 95% interval."""
    baseline = indicators.baseline.iloc[0]
    others = indicators[indicators.variant != baseline]
    keys = list(dict.fromkeys(zip(indicators.indicator, indicators.scope, indicators.year)))
    order = list(dict.fromkeys(others.variant))
    colors = variant_colors([baseline, *order])
    fig, axes = _grid(max(len(keys), 1), ncols=ncols, width=3.9, height=0.45 * max(len(order), 1) + 1.5,
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
        ax.set_yticks(y, order)
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
    fig, ax = plt.subplots(figsize=(3.2 + 1.25 * len(order), 1.6 + 0.26 * len(wide)), layout="constrained")
    image = ax.imshow(wide.to_numpy(dtype=float), aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
    for (i, j), value in np.ndenumerate(wide.to_numpy(dtype=float)):
        if not np.isnan(value):
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7.5,
                    color="black" if 0.2 < value < 0.85 else "white")
    ax.set_xticks(range(len(order)), order, rotation=30, ha="right")
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
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    fig.suptitle(f"{title or column} by development zone: {_subtitle(towns).replace('bands', '50% band')}")
    return fig


LINESTYLES = ("-", "--", "-.", ":")


def _variant_lines(ax, frame: pd.DataFrame, column: str, order: list[str], colors: dict, outer: bool = True):
    """One median line per variant (line styles differ, so that lines on top of each other stay visible)."""
    for k, variant in enumerate(order):
        bands = quantile_bands(frame[frame.variant == variant], ["year"], column)
        _band(ax, bands.year, bands, colors[variant], label=variant, inner=not outer, outer=outer,
              line=LINESTYLES[k % len(LINESTYLES)])


def theil(district: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """Theil T of town GDP per head between and within development zones, over time, by variant."""
    district = as_batch(district)
    order = order or list(dict.fromkeys(district.variant))
    colors = variant_colors(order)
    fig, axes = _grid(2, ncols=2, width=5.5, height=3.8, sharey=False)
    for ax, (column, label) in zip(axes, (("theil_between_zones", "between zones"),
                                          ("theil_within_zones", "within zones"))):
        _variant_lines(ax, district, column, order, colors)
        ax.set_title(f"Theil T {label}")
        ax.set_xlabel("year")
        ax.set_ylabel("Theil T of town GDP per head (index, 0 = equal)")
    if len(order) > 1:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
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
    order = order or list(dict.fromkeys(shares.variant))
    colors = variant_colors(order)
    fig, axes = _grid(3, ncols=3, width=4.6, height=3.6, sharey=False)
    for ax, t in zip(axes, VILLAGE_THRESHOLDS_10K):
        column = f"over_{t}"
        frame = shares.assign(**{column: 100 * shares[column]})
        _variant_lines(ax, frame, column, order, colors)
        ax.set_title(f"above {t:,}万 a year")
        ax.set_xlabel("year")
        ax.set_ylabel("administrative villages (%)")
    if len(order) > 1:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
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
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    n = replicates(data)
    fig.suptitle(f"Collective operating income of the administrative villages, pooled over {n} replicates")
    return fig


def demo_villages(district: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """Beautiful-livable demonstration villages completed and featured demonstration villages started, with
    the plan's targets (10 by 2027 and 20 by 2033; 22 featured by 2027)."""
    district = as_batch(district)
    order = order or list(dict.fromkeys(district.variant))
    colors = variant_colors(order)
    fig, axes = _grid(2, ncols=2, width=5.5, height=3.8, sharey=False)
    panels = (("beautiful_demo_villages_done", "美丽宜居示范村 completed", [(2027, 10), (2033, 20)]),
              ("featured_demo_villages_started", "特色示范村 under way or done", [(2027, 22)]))
    years = district.year
    for ax, (column, title, marks) in zip(axes, panels):
        _variant_lines(ax, district, column, order, colors)
        shown = [(y, v) for y, v in marks if years.min() <= y <= years.max()]
        if shown:
            ax.scatter(*zip(*shown), marker="D", color="crimson", zorder=5, label="plan target")
        ax.set_title(title)
        ax.set_xlabel("year")
        ax.set_ylabel("villages (count)")
        ax.legend(loc="upper left")
    fig.suptitle(f"Demonstration villages: median and 90% band across {replicates(district)} replicates")
    return fig


# ----------------------------------------------------------------------------------------------------------
# clusters and parks


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
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 8))
    fig.suptitle("Industrial output by sector (工业总产值, median across replicates, stacked)")
    return fig


def thousand_billion(district: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """新材料 and 新能源 output against the plan's 千亿 (1,000亿) cluster marks for 2025."""
    district = as_batch(district)
    order = order or list(dict.fromkeys(district.variant))
    colors = variant_colors(order)
    fig, axes = _grid(2, ncols=2, width=5.5, height=3.9, sharey=True)
    for ax, (column, title) in zip(axes, (("new_materials_output_100m_cny", "新材料 (new materials)"),
                                          ("new_energy_output_100m_cny", "新能源 (new energy)"))):
        _variant_lines(ax, district, column, order, colors)
        ax.axhline(1000, color="crimson", linestyle="--", linewidth=1.2, label="千亿 mark (1,000亿)")
        if district.year.min() <= 2025 <= district.year.max():
            ax.axvline(2025, color="0.4", linestyle=":", linewidth=1, label="target year 2025")
        ax.set_title(title)
        ax.set_xlabel("year")
        ax.set_ylabel("gross output (亿元)")
        ax.legend(loc="upper left")
    fig.suptitle(f"千亿 clusters: median and 90% band across {replicates(district)} replicates")
    return fig


def park_output(parks: pd.DataFrame, names: dict | None = None, order: list[str] | None = None) -> Figure:
    """Gross output of each industrial park over time, median across replicates, one panel per variant."""
    parks = as_batch(parks)
    order = order or list(dict.fromkeys(parks.variant))
    column = "industrial_output_100m_cny"
    park_order = list(dict.fromkeys(parks.park))
    cmap = plt.get_cmap("tab20")
    fig, axes = _grid(len(order))
    for ax, variant in zip(axes, order):
        med = parks[parks.variant == variant].groupby(["year", "park"])[column].median().unstack("park")
        for k, park in enumerate(park_order):
            if park in med:
                ax.plot(med.index, med[park], color=cmap(k % 20), linewidth=1.5, label=name(names, "parks", park))
        ax.set_title(variant)
        ax.set_xlabel("year")
        ax.set_ylabel("gross output (亿元)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), fontsize=8)
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
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
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
    raise ValueError("a sensitivity table needs mu_star (Morris) or ST (Sobol) columns")


def sensitivity_ranking(table: pd.DataFrame, top: int = 10) -> Figure:
    """Parameters ranked by Morris μ* (with σ) or Sobol ST (with S1), one panel per output."""
    method = sensitivity_method(table)
    outputs = list(dict.fromkeys(table.output))
    fig, axes = _grid(len(outputs), ncols=min(3, len(outputs)), width=5.2, height=0.33 * top + 1.4,
                      sharex=False, sharey=False)
    for ax, output in zip(axes, outputs):
        key = "mu_star" if method == "morris" else "ST"
        part = table[table.output == output].sort_values(key, ascending=False).head(top)
        y = np.arange(len(part))
        if method == "morris":
            conf = part.get("mu_star_conf")
            ax.barh(y, part.mu_star, xerr=None if conf is None else conf, color="#386fa4", capsize=2,
                    label="μ* (mean |elementary effect|)")
            ax.scatter(part.sigma, y, marker="o", color="crimson", zorder=5, label="σ (interactions, non-linearity)")
            ax.set_xlabel(f"μ*, σ ({_output_unit(output)})")
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
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    fig.suptitle(f"Sensitivity ranking ({'Morris' if method == 'morris' else 'Sobol'}), top {top} parameters "
                 "per output")
    return fig


def _output_unit(output: str) -> str:
    unit = unit_of(output)
    if output.startswith("admin_villages"):
        return "villages"
    if output.startswith("theil"):
        return "index"
    return unit


def close(fig: Figure) -> None:
    plt.close(fig)

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
import pandas as pd
import yaml
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
FONT_FILE = FONT_DIR / "NotoSansSC-Xinhui.otf"
FALLBACK_FONTS = ["DejaVu Sans"]
TARGETS_FILE = Path(__file__).resolve().parents[1] / "plan_targets.yaml"
DEFAULT_REGION = Path(__file__).resolve().parents[2] / "scenarios" / "regions" / "xinhui.yaml"

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
    "urban_rural_income_ratio": ("urban-rural income ratio", "ratio"),
    "chenpi_chain_value_100m_cny": ("陈皮 chain value", "亿元"),
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


LINESTYLES = ("-", "--", "-.", ":")
LEGEND_COLUMNS = 6


def _variant_lines(ax, frame: pd.DataFrame, column: str, order: list[str], colors: dict, outer: bool = True):
    """One median line per variant (line styles differ, so that lines on top of each other stay visible)."""
    for k, variant in enumerate(order):
        bands = quantile_bands(frame[frame.variant == variant], ["year"], column)
        _band(ax, bands.year, bands, colors[variant], label=variant, inner=not outer, outer=outer,
              line=LINESTYLES[k % len(LINESTYLES)])


def variant_panels(frame: pd.DataFrame, panels, order: list[str] | None, *, ylabel: str, width: float,
                   height: float, sharey: bool = False, legend: bool = True):
    """One panel per ``(column, title)`` of ``panels``, in one row, with a line per variant (``_variant_lines``)
    over the years and ``ylabel``; with ``legend``, a figure legend of the variants below the panels when there
    is more than one. ``order`` defaults to the variants of ``frame`` as they come. Returns ``fig, axes``."""
    frame = as_batch(frame)
    order = order or list(dict.fromkeys(frame.variant))
    colors = variant_colors(order)
    fig, axes = _grid(len(panels), ncols=len(panels), width=width, height=height, sharey=sharey)
    for ax, (column, title) in zip(axes, panels):
        _variant_lines(ax, frame, column, order, colors)
        ax.set_title(title)
        ax.set_xlabel("year")
        ax.set_ylabel(ylabel)
    if legend and len(order) > 1:
        bottom_legend(fig, axes[0])
    return fig, axes


def bottom_legend(fig: Figure, ax, most: int | None = None, **kwargs) -> None:
    """A figure legend below the panels with the entries of ``ax``, in one row (at most ``most`` columns)."""
    handles, labels = ax.get_legend_handles_labels()
    kwargs.setdefault("ncols", max(1, min(len(labels), most or LEGEND_COLUMNS)))  # rows, not one endless line
    fig.legend(handles, labels, loc="outside lower center", **kwargs)


def close(fig: Figure) -> None:
    """Free a figure's memory (the report draws many)."""
    plt.close(fig)


__all__ = ["close", "DEFAULT_REGION", "EXTRA_PARKS", "FALLBACK_FONTS", "FONT_DIR", "FONT_FAMILY", "FONT_FILE", "INDICATORS", "LINESTYLES", "TARGETS_FILE", "VILLAGE_THRESHOLDS_10K", "as_batch", "bottom_legend", "default_baseline", "gdp_targets", "name", "plan_growth_rate", "plt", "quantile_bands", "region_names", "register_fonts", "replicates", "unit_of", "variant_colors", "variant_panels", "variants"]

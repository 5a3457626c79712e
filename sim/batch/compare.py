"""Compare the variants of a batch on the plan's headline indicators, paired by replicate.

For each variant and indicator: mean and 90% interval across replicates, and the difference to the
baseline variant with a 95% t interval over the replicate-paired differences (replicate r of every variant
ran with the same seed, so the pairs share their random numbers and the interval is narrower than an
unpaired one; the unpaired Welch interval is in the CSV for comparison). For each plan target (the
``targets`` table): the share of replicates that meet it. Only the needed columns are read, lazily.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
from scipy import stats

from sim.batch import store
from sim.scenario.errors import ScenarioError

# (table, column, years): zone rows are compared zone by zone (scope = zone id)
HEADLINES = (
    ("district", "gdp_100m_cny", (2025, 2027, 2033)),
    ("district", "industrial_output_above_scale_100m_cny", (2025,)),
    ("zones", "industrial_output_above_scale_100m_cny", (2025,)),
    ("district", "share_towns_fiscal_over_5e8_cny", (2027,)),
    ("district", "admin_villages_over_10m_cny", (2027, 2033)),
    ("district", "admin_villages_over_20m_cny", (2027, 2033)),
    ("district", "theil_between_zones", (2033,)),
    ("district", "theil_within_zones", (2033,)),
    ("district", "new_materials_output_100m_cny", (2025, 2033)),
    ("district", "new_energy_output_100m_cny", (2025, 2033)),
    ("district", "urban_rural_income_ratio", (2023, 2033)),
    ("district", "chenpi_chain_value_100m_cny", (2023, 2033)),
)
KEYS = ["indicator", "scope", "year"]
SHOWN = ["indicator", "scope", "year", "variant", "n", "mean", "p05", "p95", "diff_mean", "diff_lo", "diff_hi"]
FILES = ("compare_indicators.csv", "compare_targets.csv", "compare.md")


def headline_values(out: Path, done: set[str] | None = None) -> pd.DataFrame:
    """Long frame: indicator, scope, year, variant, replicate, value; only the needed columns are read."""
    done = store.done_runs(out) if done is None else done
    frames = []
    for table in ("district", "zones"):
        wanted = [h for h in HEADLINES if h[0] == table]
        data = store.table_dataset(out, table, done)
        if not wanted or "year" not in data.schema.names:
            continue
        scope = ["zone"] if table == "zones" else []
        columns = sorted({c for _, c, _ in wanted} & set(data.schema.names))
        years = sorted({y for *_, ys in wanted for y in ys})
        frame = data.to_table(columns=["variant", "replicate", "year", *scope, *columns],
                              filter=ds.field("year").isin(years)).to_pandas()
        for _, column, ys in wanted:
            if column not in frame:
                continue
            part = frame[frame.year.isin(ys)]
            frames.append(pd.DataFrame({"indicator": column, "scope": part.zone if scope else "district",
                                        "year": part.year, "variant": part.variant,
                                        "replicate": part.replicate, "value": part[column].astype(float)}))
    if not frames:
        return pd.DataFrame(columns=[*KEYS, "variant", "replicate", "value"])
    return pd.concat(frames, ignore_index=True)


def summarize(values: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per indicator, scope, year and variant: n, mean, sd, p05, p95, paired and unpaired differences."""
    group = values.groupby([*KEYS, "variant"], sort=False).value
    quantiles = group.quantile([0.05, 0.95]).unstack().rename(columns={0.05: "p05", 0.95: "p95"})
    out = group.agg(n="count", mean="mean", sd="std").join(quantiles).reset_index()
    base = values[values.variant == baseline].drop(columns="variant")
    pairs = values.merge(base, on=[*KEYS, "replicate"], suffixes=("", "_base"))
    pairs["d"] = pairs.value - pairs.value_base
    paired = pairs.groupby([*KEYS, "variant"], sort=False).d.agg(n_pairs="count", diff_mean="mean", diff_sd="std")
    out = out.merge(paired.reset_index(), on=[*KEYS, "variant"], how="left")
    half = _t(0.975, out.n_pairs - 1) * out.diff_sd / np.sqrt(out.n_pairs)
    out["diff_lo"], out["diff_hi"] = out.diff_mean - half, out.diff_mean + half
    b = out[out.variant == baseline][[*KEYS, "n", "mean", "sd"]]
    out = out.merge(b, on=KEYS, how="left", suffixes=("", "_base"))
    lo, hi = welch(out["mean"], out.sd, out.n, out.mean_base, out.sd_base, out.n_base)
    out["unpaired_lo"], out["unpaired_hi"] = lo, hi
    return out.drop(columns=["n_base", "mean_base", "sd_base"])


def welch(m1, s1, n1, m2, s2, n2, level: float = 0.95):
    """Welch t interval of m1 - m2 (unpaired, unequal variances)."""
    v1, v2 = s1 ** 2 / n1, s2 ** 2 / n2
    se = np.sqrt(v1 + v2)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
    df = np.where(se > 0, df, np.maximum(np.minimum(n1, n2) - 1, 1))
    half = _t(0.5 + level / 2, df) * se
    return m1 - m2 - half, m1 - m2 + half


def _t(q: float, df) -> np.ndarray:
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(df >= 1, stats.t.ppf(q, np.maximum(df, 1)), np.nan)


def target_probabilities(out: Path, done: set[str] | None = None) -> pd.DataFrame:
    """Share of replicates meeting each testable plan target: target, part, year, variant, probability_met, n."""
    done = store.done_runs(out) if done is None else done
    data = store.table_dataset(out, "targets", done)
    if "met" not in data.schema.names:
        return pd.DataFrame(columns=["target", "part", "year", "variant", "probability_met", "n"])
    frame = data.to_table(columns=["variant", "target", "part", "year", "met"],
                          filter=ds.field("met").is_valid()).to_pandas()
    frame["met"] = frame.met.astype(float)
    group = frame.groupby(["target", "part", "year", "variant"], sort=False).met
    return group.agg(probability_met="mean", n="count").reset_index()


def compare(out: str | Path, baseline: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indicator and target tables of the batch in ``out`` against ``baseline`` (default: first variant)."""
    out = Path(out)
    if not store.is_batch_dir(out):
        raise ScenarioError(f"{out} is not a batch directory (no {store.MANIFEST})", file="<command line>")
    done = store.done_runs(out)
    values = headline_values(out, done)
    order = _variant_order(out, values)
    if not order:
        raise ScenarioError(f"{out} has no finished runs to compare", file="<command line>")
    baseline = baseline or order[0]
    if baseline not in order:
        raise ScenarioError(f"unknown variant '{baseline}'; variants: {', '.join(order)}", file="<command line>",
                            key_path="--baseline")
    order = [baseline, *(v for v in order if v != baseline)]  # the baseline first, then the manifest's order
    indicators = _ordered(summarize(values, baseline), order)
    indicators.insert(3, "baseline", baseline)
    targets = target_probabilities(out, done)  # targets in the order of the targets table (plan_targets.yaml)
    targets["_k"] = targets.groupby(["target", "part", "year"], sort=False).ngroup()
    targets["_v"] = targets.variant.map({v: i for i, v in enumerate(order)})
    targets = targets.sort_values(["_k", "_v"], kind="stable").drop(columns=["_k", "_v"]).reset_index(drop=True)
    return indicators, targets


def _variant_order(out: Path, values: pd.DataFrame) -> list[str]:
    present = list(dict.fromkeys(values.variant))
    listed = [v["name"] for v in (store.read_manifest(out) or {}).get("variants", [])]
    return [v for v in listed if v in present] + [v for v in present if v not in listed]


def _ordered(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    rank = {(t, c): i for i, (t, c, _) in enumerate(HEADLINES)}
    frame["_i"] = [rank[("district" if s == "district" else "zones", c)] for c, s in zip(frame.indicator,
                                                                                           frame.scope)]
    frame["_v"] = frame.variant.map({v: i for i, v in enumerate(order)})
    frame = frame.sort_values(["_i", "scope", "year", "_v"], kind="stable")
    return frame.drop(columns=["_i", "_v"]).reset_index(drop=True)


def write_compare(out: str | Path, indicators: pd.DataFrame, targets: pd.DataFrame) -> list[Path]:
    """CSV of both tables and one Markdown file, in the batch directory."""
    from sim.batch.tables import markdown, target_view

    out = Path(out)
    paths = [out / name for name in FILES]
    # each file whole or as it was (a full disk): written beside, then renamed into place
    store.write_atomic(paths[0], lambda tmp: indicators.to_csv(tmp, index=False))
    store.write_atomic(paths[1], lambda tmp: targets.to_csv(tmp, index=False))
    baseline = indicators.baseline.iloc[0] if len(indicators) else ""
    text = (f"# Comparison of {out.name} (baseline: {baseline})\n\n"
            "mean, p05, p95: across replicates; diff: paired difference to the baseline with its 95% interval.\n\n"
            f"{markdown(indicators[SHOWN])}\n\n## Probability of meeting each plan target\n\n"
            f"{markdown(target_view(targets))}\n")
    store.write_atomic(paths[2], lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return paths

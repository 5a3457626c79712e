"""The first lines ``xinhui-sim explain`` prints: each variant's difference to the baseline in last-year industrial
output, with its paired 95% interval, and the channels it comes from, largest first (from the channel table of
``sim.accounting.explain.channels``; the full tables follow below them)."""

from __future__ import annotations

import pandas as pd

CAPITAL_NAMES = {"from_lost_projects": "lost projects", "from_other_capital": "other capital (residual)",
                 "from_output_per_capital": "output per capital"}
LABOUR_NAMES = {"from_industrial_jobs": "industrial jobs", "from_output_per_job": "output per job"}


def _interval(row, unit: str = "", scale: float = 1.0, digits: int = 1) -> str:
    value = f"{row.diff_mean * scale:+.{digits}f}{unit}"
    if row.n_pairs > 1:
        value += f" [{row.diff_lo * scale:+.{digits}f}, {row.diff_hi * scale:+.{digits}f}]"
    return value


def _parts(rows: pd.DataFrame, names: dict[str, str]) -> str:
    present = rows[rows.indicator.isin(names)]
    present = present.reindex(present.diff_mean.abs().sort_values(ascending=False).index)
    return ", ".join(f"{names[r.indicator]} {_interval(r)}" for r in present.itertuples())


def headline_text(table: pd.DataFrame, baseline: str) -> str:
    """One paragraph per variant other than ``baseline``: the difference in last-year industrial output (亿元 and
    share, paired 95% intervals across replicates) and its two exact splits, channels ordered by size."""
    period = str(table.period.iloc[0]) if "period" in table and len(table) else str(table.year.iloc[0])
    last_year = period.split("-")[-1]
    n = int(table.n_pairs.max()) if len(table) else 0
    lines = [f"Industrial output {last_year} (亿元): paired difference to {baseline} [95% interval], {n} replicate "
             "pair(s); its channels, largest first"]
    for variant in [v for v in dict.fromkeys(table.variant) if v != baseline]:
        rows = table[table.variant == variant]
        total = rows[rows.indicator == "industrial_output"]
        if total.empty:
            continue
        relative = rows[rows.indicator == "industrial_output_relative"]
        share = f" ({_interval(relative.iloc[0], '%', 100.0)})" if len(relative) else ""
        lines.append(f"  {variant} − {baseline}: {_interval(total.iloc[0])}{share}")
        lines.append(f"    = {_parts(rows, CAPITAL_NAMES)}")
        if rows.indicator.isin(LABOUR_NAMES).any():
            lines.append(f"    = {_parts(rows, LABOUR_NAMES)}")
    return "\n".join(lines) if len(lines) > 1 else ""

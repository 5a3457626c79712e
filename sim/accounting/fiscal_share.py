"""The district's fiscal revenue as a share of GDP, split by the tax base it comes from (``xinhui-sim explain``).

一般公共预算收入 / GDP = sum over sources of (the district's and towns' receipts of that source) / GDP, with
sources VAT (industrial and services value added), CIT (profits), PIT (wages), property (capital), land taxes
(land held, construction), surcharges, non-tax revenue, and the co-built park's share (the rest of the
statistic). Per replicate, each is the mean over the years of its yearly share, in % of GDP; a variant differs
from its baseline through the sources whose share moves (a larger industrial share of GDP raises VAT, more
profitable firms raise CIT, more construction raises land taxes), not through a fixed ratio.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from sim.batch import store

SOURCES = ("vat", "cit", "pit", "property", "land", "other", "non_tax")
INDICATOR = "fiscal_share_of_gdp"
UNIT = "% of GDP"
# beside the general budget, what the district and towns give up or take in outside its statistic (% of GDP):
# land-transfer income (the fund budget), incentives spent on projects (tax given back), revenue sharing
# received by the district itself (its share of handed-on firms' taxes and the co-built park's)
FLOWS_INDICATOR = "fiscal_flows_of_gdp"
FLOWS = {"land_income": "land_transfer_income_100m_cny", "incentives_spent": "incentives_100m_cny",
         "revenue_sharing_to_district": "revenue_sharing_received_100m_cny"}


def _read(directory: Path, table: str, columns: list[str]) -> pd.DataFrame | None:
    """A table of a run or batch directory with variant and replicate, or None if it has none."""
    try:
        if store.is_batch_dir(directory):
            done = store.done_runs(directory)
            frame = store.table_dataset(directory, table, done).to_table(columns=[*columns, "variant", "replicate"])
            return frame.to_pandas()
        path = directory / f"{table}.parquet"
        return pd.read_parquet(path, columns=columns).assign(replicate=0) if path.is_file() else None
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None  # a batch made before the budgets table existed: no fiscal split


def fiscal_share_values(directory: Path, variant_name: str | None = None) -> pd.DataFrame | None:
    """Rows (indicator, scope, variant, replicate, value) of the fiscal share and its sources, or None."""
    columns = ["year", "government", *(f"{c}_100m_cny" for c in ("general_budget_revenue",
                                                                   *(f"tax_{s}" for s in SOURCES[:-1]), "non_tax"))]
    budgets = _read(directory, "budgets", [*columns, *FLOWS.values()])
    if budgets is None:  # tables made before these columns
        budgets = _read(directory, "budgets", columns)
    district = _read(directory, "district", ["year", "gdp_100m_cny"])
    if budgets is None or district is None or budgets.empty:
        return None
    if "variant" not in budgets:
        budgets, district = budgets.assign(variant=variant_name), district.assign(variant=variant_name)
    keys = ["variant", "replicate", "year"]
    by_year = budgets.groupby(keys).sum(numeric_only=True)
    general = budgets[budgets.government == "district"].set_index(keys).general_budget_revenue_100m_cny
    parts = {s: by_year[f"tax_{s}_100m_cny" if s != "non_tax" else "non_tax_100m_cny"] for s in SOURCES}
    parts["cobuilt_park"] = general - sum(parts.values())
    parts["total"] = general
    gdp = district.set_index(keys).gdp_100m_cny
    frames = [_share(part, gdp, INDICATOR, scope) for scope, part in parts.items()]
    district_rows = budgets[budgets.government == "district"].set_index(keys)
    for scope, column in FLOWS.items():
        if column in budgets:
            part = district_rows[column] if scope == "revenue_sharing_to_district" else by_year[column]
            frames.append(_share(part, gdp, FLOWS_INDICATOR, scope))
    return pd.concat(frames, ignore_index=True)


def _share(part: pd.Series, gdp: pd.Series, indicator: str, scope: str) -> pd.DataFrame:
    """The mean over the years of part / GDP, in %, per variant and replicate."""
    return ((part / gdp * 100).groupby(["variant", "replicate"]).mean().rename("value").reset_index()
            .assign(indicator=indicator, scope=scope))


def fiscal_text(table: pd.DataFrame) -> list[str]:
    """Lines for the terminal: each variant's fiscal share and its sources, mean [90% interval]; then each
    variant's paired difference to the baseline (the first variant) by source, and the flows beside the budget."""
    rows = table[table.indicator == INDICATOR]
    if rows.empty:
        return []
    scopes = ["total", *SOURCES, "cobuilt_park"]
    lines = ["", "District 一般公共预算收入, % of GDP (mean over the years), by source: mean [90% interval]",
             _header(scopes)]
    for variant, group in rows.groupby("variant", sort=False):
        lines.append(_row(variant, group.set_index("scope"), scopes, _cell))
    variants = list(dict.fromkeys(rows.variant))
    if len(variants) > 1:
        lines += [f"Difference to {variants[0]}, % of GDP, by source (the reason a variant's fiscal share differs): "
                  "paired mean [95% interval]", _header(scopes)]
        lines += [_row(v, rows[rows.variant == v].set_index("scope"), scopes, _diff) for v in variants[1:]]
        flows = table[table.indicator == FLOWS_INDICATOR]
        lines += [_named(v, rows[rows.variant == v].set_index("scope"), variants[0])
                  + _beside(flows[flows.variant == v].set_index("scope")) for v in variants[1:]]
    return lines


def _named(variant, cells: pd.DataFrame, baseline: str) -> str:
    """The source whose share moves most: the reason ``explain`` names for the difference."""
    parts = cells.diff_mean.drop("total", errors="ignore")
    if parts.empty or "total" not in cells.index:
        return ""
    top = parts.abs().idxmax()
    return (f"  {variant}: {cells.diff_mean['total']:+.2f} points of GDP against {baseline}, mostly {top} "
            f"({parts[top]:+.2f})")


def _beside(cells: pd.DataFrame) -> str:
    """The flows beside the budget statistic, paired difference [95%], % of GDP."""
    if cells.empty:
        return ""
    return "; beside it: " + ", ".join(f"{name.replace('_', ' ')} {_diff(cells.loc[name])}" for name in FLOWS
                                       if name in cells.index)


def _header(scopes: list[str]) -> str:
    return "  ".join(["variant".ljust(12), *(s.rjust(14) for s in scopes)])


def _row(variant, cells: pd.DataFrame, scopes: list[str], cell) -> str:
    return "  ".join([str(variant).ljust(12), *(cell(cells.loc[s]).rjust(14) if s in cells.index else "".rjust(14)
                                                 for s in scopes)])


def _diff(row) -> str:
    if not (row["n_pairs"] > 0):
        return ""
    return f"{row['diff_mean']:+.2f} [{row['diff_lo']:+.2f},{row['diff_hi']:+.2f}]" if row["n_pairs"] > 1 else \
        f"{row['diff_mean']:+.2f}"


def _cell(row) -> str:
    return f"{row['mean']:.2f} [{row['p05']:.2f},{row['p95']:.2f}]" if row["n"] > 1 else f"{row['mean']:.2f}"

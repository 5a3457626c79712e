"""``xinhui-sim explain DIR``: where each variant's growth comes from, with intervals across replicates.

From the ``growth_accounting`` table of a run or a batch directory, per variant: the average yearly growth
of real GDP and of industrial value added over the horizon split into capital, labour and productivity;
the change of aggregate firm productivity split into within-firm, between-firm, cross and net entry
(Foster-Haltiwanger-Krizan; Melitz-Polanec in the CSV); net entry's share of it; and the ICOR (investment /
change of GDP); the growth of tertiary value added split over its drivers (consumer services from income,
producer services from industry, tourism, the 陈皮 chain's trade, public services) with the yearly change of the
tertiary share of GDP; and the district's fiscal revenue as a share of GDP split by tax base
(``sim.accounting.fiscal_share``). Each is computed per replicate, then summarised across replicates by
``sim.batch.compare.summarize`` (mean, 90% interval p05-p95, and the paired difference to the baseline
variant, by default the first, with its 95% interval). Writes ``DIR/explain.csv``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa

from sim.accounting.explain_capital import in_place_by_run, variant_times
from sim.accounting.fiscal_share import FLOWS_INDICATOR, fiscal_share_values, fiscal_text
from sim.accounting.fiscal_share import INDICATOR as FISCAL_SHARE
from sim.accounting.table import INVESTMENT_COMPONENTS
from sim.batch import store
from sim.batch.compare import _variant_order, summarize
from sim.scenario.errors import ScenarioError

TABLE = "growth_accounting"
FILE = "explain.csv"
CHANNELS_FILE = "explain_channels.csv"
PARTICIPATION_FILE = "explain_participation.csv"
COLUMNS = ["variant", "replicate", "year", "quantity", "component", "value"]
GROWTH = ("growth", "capital", "labour", "productivity")
FHK = ("total", "within", "between", "cross", "net_entry")
MP = ("total", "survivors_within", "survivors_covariance", "net_entry")
TERTIARY = ("growth", "consumer", "producer", "tourism", "chenpi", "public")  # sim.rules.services.COMPONENTS
PERCENT = "%/yr (log points x 100)"


def load_accounts(directory: Path) -> pd.DataFrame:
    """The growth_accounting rows of a run directory or of a batch's finished runs (COLUMNS)."""
    try:
        return _read_accounts(directory)
    except (OSError, pa.ArrowException, KeyError) as exc:  # a damaged or foreign file: one line, not a traceback
        raise ScenarioError(f"cannot read the {TABLE} table of {directory}: {type(exc).__name__}: {exc}",
                            file="<command line>") from None


def _read_accounts(directory: Path) -> pd.DataFrame:
    where = "<command line>"
    if not directory.is_dir():
        raise ScenarioError(f"{directory} is not a directory", file=where)
    if store.is_batch_dir(directory):
        done = store.done_runs(directory)
        if not done:
            raise ScenarioError(f"{directory} has no finished runs with a {TABLE} table (a batch made before "
                                "the table existed must be re-run)", file=where)
        return store.table_dataset(directory, TABLE, done).to_table(columns=COLUMNS).to_pandas()
    path = directory / f"{TABLE}.parquet"
    if not path.is_file():
        raise ScenarioError(f"{directory} is neither a run directory with {path.name} nor a batch directory",
                            file=where)
    frame = pd.read_parquet(path)
    name = _run_name(directory)
    return frame.assign(variant=name or directory.name, replicate=0)[COLUMNS]


def _run_name(directory: Path) -> str | None:
    try:
        return json.loads((directory / "manifest.json").read_text(encoding="utf-8")).get("scenario_name")
    except (OSError, ValueError, AttributeError):
        return None


def replicate_values(accounts: pd.DataFrame) -> pd.DataFrame:
    """Per variant and replicate: indicator, scope, year (the period), value; the input of ``summarize``."""
    if accounts.empty:
        raise ScenarioError(f"the {TABLE} table is empty (a run of a single year has no growth)",
                            file="<command line>")
    period = f"{int(accounts.year.min()) - 1}-{int(accounts.year.max())}"
    keys = ["variant", "replicate"]
    by = accounts.groupby([*keys, "quantity", "component"], sort=False).value
    mean = (by.mean() * 100).rename("value").reset_index()
    total = by.sum().unstack(["quantity", "component"])
    frames = [mean[mean.quantity.isin(["gdp", "industrial_va", "productivity_fhk", "productivity_mp", "tertiary",
                                       "tertiary_share", "incumbents"])]
              .rename(columns={"quantity": "indicator", "component": "scope"})]
    for method in ("fhk", "mp"):
        column = total[f"productivity_{method}"]
        frames.append(_derived(column.net_entry / column.total, "net_entry_share", method))
    for component in INVESTMENT_COMPONENTS:
        if ("investment", component) in total:
            ratio = total[("investment", component)] / total[("investment", "gdp_change_100m_cny")]
            frames.append(_derived(ratio.dropna(), "icor", component))
    values = pd.concat(frames, ignore_index=True)
    return values.assign(year=period)[["indicator", "scope", "year", "variant", "replicate", "value"]]


def _derived(series: pd.Series, indicator: str, scope: str) -> pd.DataFrame:
    return series.rename("value").reset_index().assign(indicator=indicator, scope=scope)


def tertiary_share_level(directory: Path, variant_name: str) -> pd.DataFrame | None:
    """Per variant and replicate, the tertiary share of GDP in the last year (indicator ``tertiary_share``,
    scope ``last_year``): the level that the drivers' growth and the yearly change lead to."""
    from sim.accounting.fiscal_share import _read

    district = _read(directory, "district", ["year", "gdp_100m_cny", "gdp_tertiary_100m_cny"])
    if district is None or district.empty:
        return None
    if "variant" not in district:
        district = district.assign(variant=variant_name)
    last = district[district.year == district.year.max()]
    share = last.gdp_tertiary_100m_cny / last.gdp_100m_cny
    return last[["variant", "replicate"]].assign(value=share, indicator="tertiary_share", scope="last_year")


def explain(directory: str | Path, baseline: str | None = None) -> pd.DataFrame:
    """The summary across replicates (``summarize`` columns, ``year`` holding the period) and a ``unit``;
    differences are to ``baseline`` (default: the first variant), which comes first."""
    directory = Path(directory)
    values = replicate_values(load_accounts(directory))
    name = _run_name(directory) or directory.name
    for extra in (fiscal_share_values(directory, name), tertiary_share_level(directory, name)):
        if extra is not None:  # None for tables made before budgets (or the tertiary columns) existed
            values = pd.concat([values, extra.assign(year=values.year.iloc[0])[values.columns]], ignore_index=True)
    order = _variant_order(directory, values)
    baseline = baseline or order[0]
    if baseline not in order:
        raise ScenarioError(f"unknown variant '{baseline}'; variants: {', '.join(order)}", file="<command line>",
                            key_path="--baseline")
    order = [baseline, *(v for v in order if v != baseline)]
    table = summarize(values, baseline)
    table["_v"] = table.variant.map({v: i for i, v in enumerate(order)})
    table = table.sort_values(["_v"], kind="stable").drop(columns="_v").reset_index(drop=True)
    units = {"net_entry_share": "share", "icor": "ratio", "tertiary_share": "share points/yr", FISCAL_SHARE: "% of GDP",
             FLOWS_INDICATOR: "% of GDP"}
    table.insert(3, "unit", table.indicator.map(units).fillna(PERCENT))
    table.loc[(table.indicator == "tertiary_share") & (table.scope == "last_year"), "unit"] = "share of GDP"
    return table.rename(columns={"year": "period"})


def write_explain(directory: str | Path, table: pd.DataFrame, name: str = FILE) -> Path:
    path = Path(directory) / name
    from sim.batch.store import write_atomic

    try:
        write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))  # a full disk leaves the earlier file whole
    except OSError as exc:
        raise ScenarioError(f"cannot write {path}: {exc.strerror}", file="<command line>") from None
    return path


def _cell(row) -> str:
    if row is None:
        return ""
    mean, lo, hi, n = row
    return f"{mean:.2f} [{lo:.2f},{hi:.2f}]" if n > 1 else f"{mean:.2f}"


def _block(header: list[str], lines: list[tuple[str, list]]) -> list[str]:
    rows = [[label, *(_cell(c) for c in cells)] for label, cells in lines]
    rows = [r + [""] * (len(header) - len(r)) for r in rows]  # a row may leave its last cells empty
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
            for r in [header, *rows]]


def explain_text(table: pd.DataFrame) -> str:
    """Two short tables for the terminal: the growth accounting with the ICOR, and the productivity
    decomposition with net entry's share."""
    cells = {(r.variant, r.indicator, r.scope): (r.mean, r.p05, r.p95, r.n) for r in table.itertuples()}
    variants = list(dict.fromkeys(table.variant))
    fai = next((c for c in INVESTMENT_COMPONENTS if any(k[2] == c for k in cells)), INVESTMENT_COMPONENTS[0])
    accounting = []
    for v in variants:
        accounting.append((f"{v} GDP", [*(cells.get((v, "gdp", c)) for c in GROWTH), cells.get((v, "icor", fai))]))
        accounting.append((f"{v} industry VA", [cells.get((v, "industrial_va", c)) for c in GROWTH]))
    productivity = [(v, [*(cells.get((v, "productivity_fhk", c)) for c in FHK),
                         cells.get((v, "net_entry_share", "fhk"))]) for v in variants]
    tertiary = [(v, [*(cells.get((v, "tertiary", c)) for c in TERTIARY), cells.get((v, "tertiary_share", "change")),
                     cells.get((v, "tertiary_share", "last_year"))])
                for v in variants if any(k[0] == v and k[1] == "tertiary" for k in cells)]
    period = table.period.iloc[0] if len(table) else ""
    n = int(table.n.max()) if len(table) else 0
    investment = "fixed-asset investment" if fai == INVESTMENT_COMPONENTS[0] else \
        "industrial capital formation (these tables have no fixed-asset investment column)"
    return "\n".join([
        f"Growth {period}, %/yr (log points): mean [90% interval] across {n} replicate(s)",
        *_block(["", "growth", "= capital", "+ labour", "+ productivity", "ICOR"], accounting), "",
        "Change of firm productivity, %/yr (Foster-Haltiwanger-Krizan; log TFP, value-added shares)",
        *_block(["", "total", "= within", "+ between", "+ cross", "+ net entry", "net entry share"], productivity),
        f"ICOR = {investment} / change of real GDP, summed over the years",
        *([] if not tertiary else ["", "Tertiary growth by driver, %/yr (sim/rules/services.py); share: change of the "
                                   "tertiary share of GDP, points/yr",
                                   *_block(["", "growth", "= consumer (income)", "+ producer (industry)",
                                            "+ tourism", "+ 陈皮 trade", "+ public", "share",
                                            "share, last year"], tertiary)]),
        *fiscal_text(table)])


# ---- integration channels (issue 13): what the project market and the towns' decisions changed ----------
CHANNELS = (  # (indicator, district column, how summed over years, unit)
    ("lost_projects", "projects_lost", "sum", "projects"),
    ("lost_capital", "project_capital_lost_100m_cny", "sum", "亿元 of capital"),
    ("incentives_subsidy", "incentive_subsidy_100m_cny", "sum", "亿元"),
    ("incentives_land_discount", "incentive_land_discount_100m_cny", "sum", "亿元"),
    ("land_developed", "land_developed_mu", "sum", "亩"),
    ("land_spending", "land_development_100m_cny", "sum", "亿元"),
    ("project_matching", "project_fit_mean", "mean", "logit utility"),
    ("project_lag", "project_lag_quarters_mean", "mean", "quarters"),
    # labour mobility (sim/rules/labour_market.py, migration.py): who comes, who moves, who commutes
    ("labour_net_migration", "net_external_migration", "sum", "persons"),
    ("labour_moved_between_towns", "internal_migrants", "sum", "persons"),
    ("labour_commuters", "commuters_in", "mean", "persons a year"),
    ("labour_industrial_jobs", "industrial_employment_10k", "last", "10k persons"),
    # pairing assets (sim/rules/pairing.py, collective_assets.py): funds -> assets -> rent
    ("pairing_funds", "pairing_funds_100m_cny", "sum", "亿元"),
    ("pairing_assets_bought", "pairing_assets_bought_100m_cny", "sum", "亿元"),
    ("pairing_assets_space", "collective_assets_m2", "last", "m²"),
    ("pairing_rent", "pairing_rent_100m_cny", "sum", "亿元"),
    ("approval_wait", "approval_wait_years", "mean", "years"),  # approval queues (sim/rules/approvals.py)
)
OUTPUT_SPLIT = ("industrial_output", "from_lost_projects", "from_other_capital", "from_output_per_capital")
LABOUR_SPLIT = ("from_industrial_jobs", "from_output_per_job")  # the same difference, seen from labour
RELATIVE_OUTPUT = "industrial_output_relative"  # last year's industrial output over the baseline's, minus 1
LOST_IN_PLACE = "lost_capital_in_place"  # what the lost projects' capital would have in place in the last year


def _read_table(directory: Path, table: str) -> pd.DataFrame:
    if store.is_batch_dir(directory):
        return store.table_dataset(directory, table, store.done_runs(directory)).to_table().to_pandas()
    frame = pd.read_parquet(directory / f"{table}.parquet")
    return frame.assign(variant=_run_name(directory) or directory.name, replicate=0)


def channel_values(district: pd.DataFrame, baseline: str, times: dict | None = None) -> pd.DataFrame:
    """Per variant and replicate, each channel's value over the horizon and the split of its last-year
    industrial output against ``baseline`` (``summarize`` input); ``times``: each variant's pipeline keys
    (``explain_capital.variant_times``; the schema's defaults without)."""
    frames = []
    by = district.sort_values("year").groupby(["variant", "replicate"])
    for indicator, column, how, _ in CHANNELS:
        if column in district:
            value = {"sum": by[column].sum, "mean": by[column].mean, "last": by[column].last}[how]()
            frames.append(value.rename("value").reset_index().assign(indicator=indicator))
    in_place = in_place_by_run(district, times)
    frames.append(in_place.rename_axis(["variant", "replicate"]).rename("value").reset_index()
                  .assign(indicator=LOST_IN_PLACE))
    frames.append(output_split(district, baseline, in_place))
    frames.append(relative_output(district, baseline))
    if "industrial_employment_10k" in district:
        frames.append(labour_split(district, baseline))
    period = f"{int(district.year.min())}-{int(district.year.max())}"
    return pd.concat(frames, ignore_index=True).assign(scope="district", year=period)


def output_split(district: pd.DataFrame, baseline: str, in_place: pd.Series | None = None) -> pd.DataFrame:
    """Last-year industrial output Y = rho K (rho: output per unit of capital) split exactly, per replicate,
    into the baseline's value plus: the capital that the difference in projects lost to other counties would
    have had in place and producing at the end of the last year (``in_place``: per variant and replicate, the
    lost projects' capital times its in-place share, ``sim.accounting.explain_capital``; kept = the baseline's
    minus the variant's), valued at the mean rho; the rest of the capital difference (the residual of the
    capital: land, lags, incumbents' investment, what the kept projects' firms reinvest); and the difference in
    output per unit of capital (matching, utilisation, the labour constraint), at the mean K. The baseline's
    contributions are 0."""
    last = district[district.year == district.year.max()].set_index(["variant", "replicate"])
    if in_place is None:
        in_place = in_place_by_run(district)
    output, capital = last.industrial_output_100m_cny, last.capital_stock_100m_cny
    base = last.xs(baseline, level="variant")
    rows = []
    for (variant, replicate), y in output.items():
        if replicate not in base.index:
            continue
        y0, k, k0 = base.industrial_output_100m_cny[replicate], capital[(variant, replicate)], base.capital_stock_100m_cny[replicate]
        rho, rho0 = y / k, y0 / k0
        kept = in_place[(baseline, replicate)] - in_place[(variant, replicate)]
        parts = (y, (rho + rho0) / 2 * kept, (rho + rho0) / 2 * (k - k0 - kept), (k + k0) / 2 * (rho - rho0))
        rows += [{"variant": variant, "replicate": replicate, "indicator": name, "value": value}
                 for name, value in zip(OUTPUT_SPLIT, parts)]
    return pd.DataFrame(rows)


def labour_split(district: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Last-year industrial output Y = y L (y: output per industrial job) split exactly, per replicate, into the
    jobs filled (the labour market: migration, commuting; at the mean y) and output per job (at the mean L)."""
    last = district[district.year == district.year.max()].set_index(["variant", "replicate"])
    y, jobs = last.industrial_output_100m_cny, last.industrial_employment_10k
    rows = []
    for (variant, replicate), out in y.items():
        if (baseline, replicate) not in y.index or jobs[(variant, replicate)] <= 0:
            continue
        l1, l0, y0 = jobs[(variant, replicate)], jobs[(baseline, replicate)], y[(baseline, replicate)]
        per1, per0 = out / l1, y0 / l0
        parts = ((per1 + per0) / 2 * (l1 - l0), (l1 + l0) / 2 * (per1 - per0))
        rows += [{"variant": variant, "replicate": replicate, "indicator": name, "value": value}
                 for name, value in zip(LABOUR_SPLIT, parts)]
    return pd.DataFrame(rows)


def relative_output(district: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per replicate, the last year's industrial output over the baseline's of the same replicate, minus 1 (the
    integration effect's size when the baseline is ``fragmented``; a check, never an input)."""
    last = district[district.year == district.year.max()].set_index(["variant", "replicate"])
    output = last.industrial_output_100m_cny
    base = output.xs(baseline, level="variant")
    rows = [{"variant": v, "replicate": r, "indicator": RELATIVE_OUTPUT, "value": y / base[r] - 1.0}
            for (v, r), y in output.items() if r in base.index and base[r] > 0]
    return pd.DataFrame(rows)


def town_participation(towns: pd.DataFrame, inside: str, outside: str, share_now: float
                       ) -> tuple[float, float, list[str]]:
    """The participation limits from the last year's mean town revenues (``sim.accounting.participation``)."""
    from sim.accounting.participation import town_participation as limits

    return limits(towns, inside, outside, share_now)


def channels(district: pd.DataFrame, baseline: str, times: dict | None = None) -> pd.DataFrame:
    """Each variant's integration channels with the paired difference to ``baseline`` (``summarize``)."""
    table = summarize(channel_values(district, baseline, times), baseline)
    unit = {indicator: u for indicator, _, _, u in CHANNELS} | {name: "亿元" for name in (*OUTPUT_SPLIT, *LABOUR_SPLIT)}
    unit |= {RELATIVE_OUTPUT: "share", LOST_IN_PLACE: "亿元 of capital in place, last year"}
    table = table.assign(unit=table.indicator.map(unit))
    table.attrs["baseline"] = baseline  # for the headline (sim.accounting.explain_headline)
    return table


def channels_text(table: pd.DataFrame, baseline: str, participation: list[str] | None = None) -> str:
    """The channels as a terminal table: for each other variant, the paired difference to the baseline with
    its 95% interval (the variants' own values are in ``explain_channels.csv``), the integration effect's size
    against the literature's band and the participation band's lines."""
    others = [v for v in dict.fromkeys(table.variant) if v != baseline]
    cells = {(r.variant, r.indicator): (r.diff_mean, r.diff_lo, r.diff_hi, r.n_pairs) for r in table.itertuples()}
    units = dict(zip(table.indicator, table.unit))
    names = [indicator for indicator, *_ in CHANNELS if indicator in units]
    if LOST_IN_PLACE in units:  # beside the capital lost, what of it would be in place in the last year
        names.insert(names.index("lost_capital") + 1 if "lost_capital" in names else 0, LOST_IN_PLACE)
    names += [n for n in (*OUTPUT_SPLIT, *LABOUR_SPLIT) if n in units]
    rows = [(f"{name} ({units[name]})", [cells.get((v, name)) for v in others]) for name in names]
    lines = [f"Integration channels: paired difference to {baseline} [95% interval]; industrial output (last "
             "year) = lost projects (their capital that would be in place and producing then) + other capital "
             "(the rest of the capital difference: a residual) + output per capital = industrial jobs + output "
             "per job; labour_*: labour mobility, pairing_*: "
             "pairing funds, the collective assets they buy and their rent", *_block(["", *others], rows)]
    return "\n".join([*lines, *(participation or [])])


def integration_size(district: pd.DataFrame) -> str:
    """The integration effect (plan's last-year industrial output over fragmented's, paired by replicate) with
    its 95% interval, against lit §6.7's band (``validate``'s ``integration_size``): a check, never an input."""
    from sim.validation.checks import ahrend_band

    pair = district[district.variant.isin(["plan", "fragmented"])]
    row = summarize(relative_output(pair, "fragmented").assign(scope="district", year="last"), "fragmented")
    row = row[row.variant == "plan"].iloc[0]
    low, high = ahrend_band()
    where = "inside" if low <= row.diff_mean <= high else "above" if row.diff_mean > high else "below"
    interval = f" [95%: {row.diff_lo:+.1%}, {row.diff_hi:+.1%}]" if row.n_pairs > 1 else ""
    return (f"Integration effect (plan over fragmented, industrial output {int(district.year.max())}): "
            f"{row.diff_mean:+.1%}{interval}; lit §6.7 band {low:.1%}-{high:.1%} (Ahrend et al. 2017, "
            f"elasticity 0.03-0.06 x 0.7 x ln(11/4)): {where} the band (an emergent result, not an input)")


def plan_revenue_share(directory: Path) -> float:
    """The revenue share the batch's ``plan`` ran with (its resolved scenario), else the shipped plan's."""
    import yaml

    try:
        resolved = yaml.safe_load((directory / "scenarios" / "plan.yaml").read_text(encoding="utf-8"))
        return float(resolved["integration"]["revenue_share"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError):
        from sim.scenario import load_scenario
        from sim.scenario.sources import scenario_path

        return load_scenario(scenario_path("plan")).params.integration.revenue_share


def integration_report(directory: str | Path, baseline: str | None = None
                       ) -> tuple[pd.DataFrame, str, pd.DataFrame | None] | None:
    """The channels to ``baseline`` (default: ``fragmented`` if the directory has it) and, with ``plan`` and
    ``fragmented`` both there, the participation table by town (last year and horizon): the channel table, its
    text and the participation table; None for tables made before the channel columns or with one variant."""
    directory = Path(directory)
    try:
        district = _read_table(directory, "district")
    except (OSError, pa.ArrowException, KeyError):
        return None
    variants = list(dict.fromkeys(district.variant))
    if "project_capital_lost_100m_cny" not in district or len(variants) < 2:
        return None
    baseline = "fragmented" if "fragmented" in variants and baseline is None else (baseline or variants[0])
    towns, lines = None, []
    frame = _read_table(directory, "towns") if {"plan", "fragmented"} <= set(variants) else None
    if frame is not None and "shared_tax_in_100m_cny" in frame:  # towns tables before revenue sharing: no band
        from sim.accounting.participation import PERIODS, participation_lines, town_table

        share = plan_revenue_share(directory)
        tables = [town_table(frame, "plan", "fragmented", share, period) for period in PERIODS]
        towns = pd.concat(tables, ignore_index=True)
        lines = [integration_size(district), *participation_lines(tables)]
    table = channels(district, baseline, variant_times(directory, variants))
    return table, channels_text(table, baseline, lines), towns

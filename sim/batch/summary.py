"""The executive summary of a batch: each plan target once, with the plan's number, the model's value and the gap.

One row per target (and part: a zone, a cluster), computed from the batch's ``targets`` table only, so it
follows the model when the model changes. A target tested in several years (every year 2023-2033, or 2027 and
2033 with two numbers) is collapsed to its hardest year: the year with the lowest probability of being met under
the summarised variant, ties broken by the largest relative shortfall; the row also counts the years met.
Per row: the plan's number; the median with its 90% range across replicates; the gap of the median to the plan
(in the target's unit, so 亿元 for money, and in %); P(met) with the number of replicates behind it; the variant
whose replicate-paired mean differs most from the summarised one; and a status: met or missed by construction
(the value is the same in every replicate, so the scenario's inputs fix it, not the simulation), out of reach
(no variant meets it in any replicate), likely (P >= 0.9), unlikely (P <= 0.1), or uncertain.

The same rows feed three places: the end of ``xinhui-sim compare`` (``console``), ``summary.md`` in the batch
directory (``markdown``) and the report's first screen (``sim.report.page``, through ``headline``/``label``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

from sim.batch import store

log = logging.getLogger(__name__)

SUMMARY_FILE = "summary.md"
LIKELY, UNLIKELY = 0.9, 0.1
COLUMNS = ["variant", "replicate", "target", "part", "year", "kind", "value", "threshold", "unit", "met", "text"]

# Short names of the plan's targets (zh, en); a target without one is shown by its id.
LABELS = {
    "gdp_2023": ("GDP 2023年", "GDP 2023"),
    "gdp_2025": ("GDP 2025年", "GDP 2025"),
    "gdp_2033": ("GDP 2033年", "GDP 2033"),
    "growth_2023_2033": ("GDP年均增速 2023-2033", "GDP growth/yr 2023-33"),
    "cluster_industrial_output_2025": ("规上工业总产值 2025年", "规上 industrial output 2025"),
    "zone_output_2025": ("规上工业总产值 2025年 {part}", "规上 output 2025 {part}"),
    "hundred_billion_clusters_2025": ("千亿集群 2025年 {part}", "千亿 cluster 2025 {part}"),
    "investment_landed_2023_2025": ("落地投资 每年 2023-2025", "Landed investment/yr 2023-25"),
    "high_tech_firms_2025": ("高新技术企业 2025年", "High-tech firms 2025"),
    "little_giants_2025": ("小巨人企业 2025年 {part}", "Little giants 2025, {part}"),
    "billion_output_firms_2025": ("产值超10亿企业 2025年", "Firms > 10亿 output 2025"),
    "tech_upgrades_per_year": ("技术改造企业 每年", "Firms upgrading/yr"),
    "beautiful_villages_2025": ("美丽宜居村占比 2025年", "Beautiful villages 2025"),
    "town_fiscal_2027": ("财政收入超5亿镇街占比 2027年", "Towns fiscal > 5亿 2027"),
    "demo_villages_2027": ("美丽宜居示范村", "Demo villages"),
    "featured_demo_villages_2027": ("特色示范村 2027年", "Featured demo villages 2027"),
    "citrus_area": ("新会柑种植面积 每年", "新会柑 area/yr"),
}
STATUS = {  # status -> (zh, en)
    "met_by_construction": ("输入即达标", "met: inputs"),
    "missed_by_construction": ("输入即未达标", "missed: inputs"),
    "out_of_reach": ("所有方案均无法达到", "out of reach"),
    "likely": ("很可能达到", "likely"),
    "unlikely": ("不太可能", "unlikely"),
    "uncertain": ("不确定", "uncertain"),
}


@dataclass
class Summary:
    """The summary rows (a DataFrame, one row per target and part) and what they were computed from."""

    rows: pd.DataFrame
    variant: str
    variants: list[str]
    replicates: int

    def out_of_reach(self) -> pd.DataFrame:
        return self.rows[self.rows.status.isin(["out_of_reach", "missed_by_construction"])]


def load_targets(out: str | Path, done: set[str] | None = None) -> pd.DataFrame:
    """The testable rows of the batch's ``targets`` table (met not null), only the needed columns."""
    out = Path(out)
    done = store.done_runs(out) if done is None else done
    data = store.table_dataset(out, "targets", done)
    if "met" not in data.schema.names:
        return pd.DataFrame(columns=COLUMNS)
    columns = [c for c in COLUMNS if c in data.schema.names]
    frame = data.to_table(columns=columns, filter=ds.field("met").is_valid()).to_pandas()
    frame["met"] = frame.met.astype(bool)
    frame["part"] = frame.part.fillna("")
    return frame


def summarize_targets(targets: pd.DataFrame, variant: str, order: list[str] | None = None) -> Summary:
    """The executive summary of ``variant`` (usually the baseline of ``compare``) from a raw targets table."""
    order = order or list(dict.fromkeys(targets.variant))
    rows = [_row(group, variant, order) for _, group in targets.groupby(["target", "part"], sort=False)]
    rows = pd.DataFrame([r for r in rows if r is not None])
    reps = int(targets[targets.variant == variant].replicate.nunique()) if len(targets) else 0
    return Summary(rows, variant, order, reps)


def summary_of_batch(out: str | Path, variant: str, order: list[str] | None = None) -> Summary:
    return summarize_targets(load_targets(out), variant, order)


def _row(group: pd.DataFrame, variant: str, order: list[str]) -> dict | None:
    mine = group[group.variant == variant]
    if mine.empty:
        return None
    year = _hardest_year(mine)
    at_year = group[group.year == year]
    values = at_year[at_year.variant == variant].set_index("replicate").value
    threshold, unit = float(at_year.threshold.iloc[0]), str(at_year.unit.iloc[0])
    median = float(values.median())
    sign = -1.0 if str(at_year.kind.iloc[0]) == "at_most" else 1.0
    years = sorted(mine.year.unique())
    per_rep_years = mine.groupby("replicate").met.sum()
    p_met = float(at_year[at_year.variant == variant].met.mean())
    best_any = at_year.groupby("variant").met.mean().max()
    mover, move = _mover(at_year, values, variant, order)
    constant = len(values) > 1 and float(values.max() - values.min()) == 0.0
    return {"target": group.target.iloc[0], "part": group.part.iloc[0], "year": int(year), "unit": unit,
            "text": str(group.text.iloc[0]), "plan": threshold, "median": median,
            "p05": float(values.quantile(0.05)), "p95": float(values.quantile(0.95)),
            "gap": sign * (median - threshold), "gap_pct": sign * (median - threshold) / threshold if threshold else
            np.nan, "p_met": p_met, "n": int(len(values)), "years": len(years),
            "years_met_median": float(per_rep_years.median()) if len(years) > 1 else np.nan,
            "mover": mover, "move": move, "status": _status(constant, p_met, best_any)}


def _hardest_year(rows: pd.DataFrame) -> int:
    sign = np.where(rows.kind == "at_most", -1.0, 1.0)
    margin = sign * (rows.value - rows.threshold) / rows.threshold.where(rows.threshold != 0, 1.0)
    by_year = rows.assign(margin=margin).groupby("year").agg(p=("met", "mean"), margin=("margin", "median"))
    return int(by_year.sort_values(["p", "margin"], kind="stable").index[0])


def _mover(at_year: pd.DataFrame, values: pd.Series, variant: str, order: list[str]) -> tuple[str, float]:
    """The other variant whose replicate-paired mean difference to ``variant`` is largest in size."""
    best, move = "", 0.0
    for other in order:
        if other == variant:
            continue
        theirs = at_year[at_year.variant == other].set_index("replicate").value
        paired = (theirs - values).dropna()
        if len(paired) and abs(paired.mean()) > abs(move):
            best, move = other, float(paired.mean())
    return best, move


def _status(constant: bool, p_met: float, best_any: float) -> str:
    if constant:
        return "met_by_construction" if p_met == 1.0 else "missed_by_construction"
    if best_any == 0.0:
        return "out_of_reach"
    if p_met >= LIKELY:
        return "likely"
    return "unlikely" if p_met <= UNLIKELY else "uncertain"


# ---- wording, shared by the console, summary.md and the report -------------------------------------------------

def label(row, lang: str = "en", names: dict | None = None) -> str:
    part = str(row["part"] or "")
    part_name = (names or {}).get("zones", {}).get(part) or (names or {}).get("sectors", {}).get(part) or part
    zh, en = LABELS.get(row["target"], (row["target"] + (" {part}" if part else ""),) * 2)
    text = (zh if lang == "zh" else en).format(part=part_name)
    if "{part}" not in (zh if lang == "zh" else en) and part:
        text += f" {part_name}"
    return text


COUNTS = ("firms", "villages", "firms_per_year")


def number(value: float, unit: str, signed: bool = False, suffix: bool = True) -> str:
    """A value in its unit: 1,873亿, 54.5%, 143,000亩, 538; ``signed``: a difference (shares in points)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    plus = "+" if signed and value > 0 else ""
    if unit in ("share", "share_per_year"):
        whole = abs(value * 100 - round(value * 100)) < 0.05
        text = f"{value * 100:.1f} pts" if signed else (f"{value:.0%}" if whole else f"{value:.1%}")
        return (plus + text).replace("-", "−")
    digits = 0 if abs(value) >= 100 or float(value).is_integer() or unit in COUNTS else 1
    tail = {"100m_cny": "亿", "mu": "亩"}.get(unit, "") if suffix else ""
    return f"{plus}{value:,.{digits}f}{tail}".replace("-", "−")


def gap_text(row) -> str:
    if row["unit"] in ("share", "share_per_year"):
        return number(row["gap"], row["unit"], signed=True)
    pct = f" ({'+' if row['gap_pct'] > 0 else ''}{row['gap_pct']:.0%})".replace("-", "−") \
        if pd.notna(row["gap_pct"]) else ""
    return number(row["gap"], row["unit"], signed=True) + pct


def cells(row, lang: str = "en", names: dict | None = None, show_n: bool = True) -> list[str]:
    """The cells of one summary row: target (with the year shown), plan, median (90% range), gap, P(met),
    the variant that moves it most, status."""
    zh = lang == "zh"
    name = label(row, lang, names)
    if row["years"] > 1 and pd.notna(row["years_met_median"]):
        met = f"{row['years_met_median']:.0f}/{row['years']}"
        name += f" ({row['year']}; {met}{'年达标' if zh else ' met'})"
    elif row["target"] not in LABELS:
        name += f" {row['year']}"
    spread = f"{number(row['median'], row['unit'])} ({number(row['p05'], row['unit'], suffix=False)}–" \
             f"{number(row['p95'], row['unit'], suffix=False)})"
    p = f"{row['p_met']:.0%}" + ((f" ({row['n']}次)" if zh else f" of {row['n']}") if show_n else "")
    mover = f"{row['mover']} {number(row['move'], row['unit'], signed=True)}" if row["mover"] else "–"
    return [name, number(row["plan"], row["unit"]), spread, gap_text(row), p, mover,
            STATUS[row["status"]][0 if zh else 1]]


HEADERS = {"en": ["target", "plan", "median (90% range)", "gap", "P(met)", "moves it most", "status"],
           "zh": ["目标", "规划值", "模型中位数 (90%区间)", "差距", "达标概率", "影响最大的方案", "判断"]}


def headline(summary: Summary, lang: str = "en", names: dict | None = None) -> str:
    """One sentence: which targets are out of reach under every variant (or fixed by the inputs), and by how much."""
    far = summary.out_of_reach()
    if far.empty:
        return ("没有目标在所有方案中都无法达到。" if lang == "zh" else
                "No target is out of reach under every variant.")
    items = [f"{label(r, lang, names)} {gap_text(r)}" for _, r in far.iterrows()]
    if lang == "zh":
        return (f"{len(far)}个目标在所有方案、所有{summary.replicates}次重复中都无法达到 (差距为{summary.variant}"
                f"方案的中位数减规划值): " + "; ".join(items) + "。")
    return (f"Out of reach under every variant in all replicates ({len(far)} targets; gap = median of "
            f"{summary.variant} minus the plan): " + "; ".join(items) + ".")


def markdown(summary: Summary, lang: str = "en", names: dict | None = None) -> str:
    head = HEADERS[lang]
    lines = ["| " + " | ".join(head) + " |", "|---|---:|---:|---:|---:|---|---|"]
    for _, row in summary.rows.iterrows():
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(row, lang, names)) + " |")
    return "\n".join(lines)


def summary_markdown(summary: Summary, batch: str, lang: str = "en", names: dict | None = None) -> str:
    """The text of ``summary.md``: the headline, the table and how to read it."""
    return (f"# Executive summary of {batch} (variant {summary.variant}, {summary.replicates} replicates)\n\n"
            f"{headline(summary, lang, names)}\n\n{markdown(summary, lang, names)}\n\n{legend(summary)}\n")


def legend(summary: Summary) -> str:
    n = summary.replicates
    step = f"1/{n} = {1 / n:.0%}" if n else "–"
    return (f"Median and 90% range across the {n} replicates of {summary.variant}; gap = median minus the plan's "
            f"number (a yearly target: its hardest year); P(met) = share of replicates meeting the target, which "
            f"moves in steps of {step}; 'moves it most' = the variant with the largest replicate-paired mean "
            f"difference; 'by construction' = the same value in every replicate, fixed by the scenario's inputs. "
            f"Full tables: compare.md, compare_indicators.csv, compare_targets.csv.")


def write_summary(out: str | Path, summary: Summary, names: dict | None = None) -> Path:
    path = Path(out) / SUMMARY_FILE
    text = summary_markdown(summary, Path(out).name, "en", names) + f"\n{uncertainty_note(out)}\n"
    store.write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def uncertainty_note(directory: str | Path) -> str:
    """Whether the intervals include parameter uncertainty (a batch run with --posterior) or only noise."""
    import json

    try:
        posterior = json.loads((Path(directory) / "batch.json").read_text(encoding="utf-8")).get("posterior")
    except (OSError, ValueError):
        posterior = None
    if posterior is None:
        return "(replicates differ by random seed only: the intervals leave out parameter uncertainty)"
    return (f"(each replicate also draws its parameters from the posterior {posterior['file']}: the intervals "
            f"include the uncertainty of {len(posterior['parameters'])} calibrated parameters)")


def console(summary: Summary, names: dict | None = None, width: int = 160) -> str:
    """The headline and the table for a terminal (rich, CJK-aware alignment), as text."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    uniform = summary.rows.n.nunique() == 1
    for i, head in enumerate(HEADERS["en"]):
        head = f"{head}, n={summary.replicates}" if head == "P(met)" and uniform else head
        table.add_column(head, justify="right" if i in (1, 2, 3, 4) else "left", no_wrap=True)
    for _, row in summary.rows.iterrows():
        table.add_row(*map(Text, cells(row, "en", names, show_n=not uniform)))  # Text: "[...]" in a sweep
        # point's name is not rich markup
    needed = Console(width=1000, file=_Null()).measure(table).maximum  # long sweep-point names: wider, never cut
    term = Console(width=max(width, needed), record=True, file=_Null(), color_system=None, soft_wrap=False)
    term.print(Text(headline(summary, "en", names)), soft_wrap=False, width=min(width, 120))
    term.print(table)
    return term.export_text().rstrip()


class _Null:
    def write(self, _text):
        return 0

    def flush(self):
        pass

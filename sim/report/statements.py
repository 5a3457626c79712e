"""The plan targets in plain words: how the plan's numbers are written (``format_value``), one sentence per
variant on the share of replicates that meet each testable target (``target_statements``), and the model's
values for the targets without a number in the plan (``qualitative_statements``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# target id -> plain-words template; {v} is the plan's number, {part} a zone or sector name, {year} the year
PHRASES = {
    "gdp_2023": "GDP reaches {v} in {year}",
    "gdp_2025": "GDP reaches {v} in {year}",
    "gdp_2033": "GDP reaches {v} in {year}",
    "growth_2023_2033": "GDP grows by {v} a year or more on average from 2023 to {year}",
    "cluster_industrial_output_2025": "规上工业总产值 (above-scale industrial output) reaches {v} in {year}",
    "zone_output_2025": "规上工业总产值 of {part} reaches {v} in {year}",
    "hundred_billion_clusters_2025": "the {part} cluster's output reaches {v} in {year}",
    "investment_landed_2023_2025": "landed investment is {v} or more",
    "high_tech_firms_2025": "the number of high-tech firms reaches {v} in {year}",
    "billion_output_firms_2025": "{v} or more firms have an output above 10亿 in {year}",
    "tech_upgrades_per_year": "{v} or more firms start a technical upgrade",
    "beautiful_villages_2025": "{v} of village-level units meet the beautiful-livable standard in {year}",
    "town_fiscal_2027": "{v} or more of the towns have fiscal revenue above 5亿 in {year}",
    "demo_villages_2027": "{v} or more beautiful-livable demonstration villages are completed by {year}",
    "featured_demo_villages_2027": "{v} or more featured demonstration villages are under way by {year}",
    "citrus_area": "the 新会柑 area is {v} or more",
}
QUALITATIVE = {
    "village_income_10m_2025": "administrative villages with collective operating income above 1000万",
    "village_income_20m_2027": "administrative villages with collective operating income above 2000万",
}


def format_value(value: float, unit: str) -> str:
    """The plan's number in its unit: 1,300亿, 50%, 150,000亩, 620."""
    if unit == "100m_cny":
        return f"{value:,.0f}亿"
    if unit in ("share", "share_per_year"):
        return f"{value:.0%}"
    if unit == "mu":
        return f"{value:,.0f}亩"
    if unit in ("firms", "villages", "firms_per_year"):
        return f"{value:,.0f}"
    return f"{value:g} {unit}".strip()


def _part_name(part, names: dict) -> str:
    if part in ("", None) or (isinstance(part, float) and pd.isna(part)):
        return ""
    for kind in ("zones", "sectors", "towns"):
        if part in names.get(kind, {}):
            return names[kind][part]
    return str(part)


@dataclass
class TargetStatement:
    target: str
    text: str              # the plan's wording
    phrase: str            # what is tested, in plain words
    sentences: list[str]   # one per variant
    summary: str = ""      # all variants in one sentence, the first one (the baseline) in full


def target_statements(targets: pd.DataFrame, order: list[str] | None = None,
                      names: dict | None = None) -> list[TargetStatement]:
    """For each testable target (and part, and threshold), one sentence per variant on the share of replicates
    that meet it, e.g. "Under plan, GDP reaches 1,300亿 in 2025 in 0% of 8 replicates.". A target tested in
    several years with one threshold (every year 2023–2033) is met in a replicate when it is met in all of them.
    ``targets`` is the raw ``targets`` table of a batch (``sim.results.load(DIR).targets``)."""
    names = names or {}
    data = targets[targets.met.notna()].copy()
    if "variant" not in data:
        data = data.assign(variant="run", replicate=0)
    data["met"] = data.met.astype(bool)
    data["part"] = data.part.fillna("")
    order = order or list(dict.fromkeys(data.variant))
    out = []
    for (target, part, threshold), group in data.groupby(["target", "part", "threshold"], sort=False):
        years = sorted(group.year.unique())
        unit = str(group.unit.iloc[0])
        v = format_value(float(threshold), unit)
        template = PHRASES.get(target, f"{target}{' ' + '{part}' if part else ''} is {{v}} or more in {{year}}")
        phrase = template.format(v=v, part=_part_name(part, names), year=years[-1])
        if len(years) > 1:
            phrase += f" in every year {years[0]}–{years[-1]}"
        elif "{year}" not in template:
            phrase += f" in {years[0]}"
        sentences, parts = [], []
        for variant in order:
            rows = group[group.variant == variant]
            if rows.empty:
                continue
            per_rep = rows.groupby("replicate").met.all()
            n = len(per_rep)
            share = f"{per_rep.mean():.0%}"
            detail = ""
            if len(years) > 1:
                by_year = rows.groupby("year").met.mean()
                low, high = by_year.min(), by_year.max()
                detail = f" (each year: {low:.0%})" if low == high else f" (year by year: {low:.0%}–{high:.0%})"
            replicates = f"{n} replicate{'s' if n != 1 else ''}"
            sentences.append(f"Under {variant}, {phrase} in {share} of {replicates}{detail}.")
            if not parts:
                first_n = n
                parts.append(f"Under {variant}, {phrase} in {share} of {replicates}{detail}")
            else:
                parts.append(f"under {variant} in {share}{'' if n == first_n else ' of ' + replicates}{detail}")
        summary = "; ".join(parts) + "." if parts else ""
        out.append(TargetStatement(target, str(group.text.iloc[0]), phrase, sentences, summary))
    return out


def qualitative_statements(targets: pd.DataFrame, order: list[str] | None = None) -> list[TargetStatement]:
    """Targets without a number in the plan ("一批"): the model's value per variant, median and range."""
    data = targets[(targets.kind == "qualitative") & targets.target.isin(list(QUALITATIVE))]
    if "variant" not in data:
        data = data.assign(variant="run", replicate=0)
    order = order or list(dict.fromkeys(data.variant))
    out = []
    for (target, year), group in data.groupby(["target", "year"], sort=False):
        what = QUALITATIVE[target]
        sentences, parts = [], []
        for variant in order:
            values = group[group.variant == variant].value
            if values.empty:
                continue
            spread = f"range {values.min():.0f}–{values.max():.0f} across {len(values)} replicates"
            sentences.append(f"Under {variant}, {values.median():.0f} {what} in {year} (median; {spread}).")
            parts.append(f"{values.median():.0f} under {variant} ({spread})")
        phrase = f"{what} in {year} (the plan gives no number)"
        summary = f"{phrase[:1].upper()}{phrase[1:]}: median " + "; ".join(parts) + "."
        out.append(TargetStatement(target, str(group.text.iloc[0]), phrase, sentences, summary))
    return out

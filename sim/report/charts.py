"""The figures of the report: every chart in the order of the page (``chart_specs``), drawn with sim/plotting/
and rendered to PNG bytes (``build_charts``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd


@dataclass
class Chart:
    section: str
    key: str
    title: str
    caption: str
    png: bytes


def _png(fig) -> bytes:
    from sim import plotting

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plotting.close(fig)
    return buffer.getvalue()


def chart_specs(results, indicators: pd.DataFrame, targets: pd.DataFrame, sensitivity: pd.DataFrame | None = None,
                names: dict | None = None) -> list[tuple]:
    """(section, key, title, caption, make) of every chart of the report, in the order of the page; ``make()``
    draws the matplotlib Figure."""
    from sim import plotting as xp

    names = xp.region_names(results) if names is None else names
    order = xp.variants(results)
    if len(indicators):  # the baseline first, as in the tables
        baseline = indicators.baseline.iloc[0]
        order = [baseline, *(v for v in order if v != baseline)]
    district = xp.as_batch(results.district)
    towns = xp.as_batch(results.towns)
    last = int(district.year.max())
    fiscal_year = 2027 if 2027 in set(district.year) else last
    specs = [
        ("Plan targets and comparison", "target_probabilities", "Probability of meeting each plan target",
         "Share of replicates that meet each testable target of sim/plan_targets.yaml, by variant.",
         lambda: xp.target_heatmap(targets, names, list(dict.fromkeys(targets.variant)))),
        ("Plan targets and comparison", "headline_differences", "Headline comparison with the baseline",
         "Paired difference of each headline indicator to the baseline, replicate by replicate (common random "
         "numbers), with its 95% t interval.", lambda: xp.paired_differences(indicators, names)),
        ("GDP", "gdp_fan", "GDP fan charts",
         "District GDP per variant: median, 50% and 90% bands across replicates; the plan's GDP targets "
         "(sim/plan_targets.yaml) as diamonds and 8% a year as a dotted line.", lambda: xp.gdp_fan(district, order)),
        ("GDP", "sector_structure", "Sector structure",
         "Primary, secondary and tertiary shares of GDP (median across replicates).",
         lambda: xp.sector_structure(district, order)),
        ("Towns and zones", "town_gdp_per_head", f"Town GDP per head, {last}",
         "GDP per resident of each town, grouped by development zone.",
         lambda: xp.town_bars(towns, "gdp_per_capita_10k_cny", last, names, order,
                              ylabel="GDP per head (万元 per person)", title="Town GDP per head")),
        ("Towns and zones", "town_fiscal_revenue", f"Town fiscal revenue, {fiscal_year}",
         "Fiscal revenue of each town against the 5亿 mark (plan: more than half of the towns above it by 2027).",
         lambda: xp.town_bars(towns, "fiscal_revenue_100m_cny", fiscal_year, names, order, threshold=5,
                              threshold_label="5亿 mark", ylabel="fiscal revenue (亿元)",
                              title="Town fiscal revenue")),
        ("Towns and zones", "zone_fiscal_revenue", "Fiscal revenue by zone",
         "Fiscal revenue of the towns of each development zone over time.",
         lambda: xp.zone_lines(towns, "fiscal_revenue_100m_cny", names, order, ylabel="fiscal revenue (亿元)",
                               title="Fiscal revenue")),
        ("Towns and zones", "theil", "Theil index between and within zones",
         "Population-weighted Theil T of town GDP per head, split into between- and within-zone parts.",
         lambda: xp.theil(district, order)),
        ("Villages", "village_shares", "Villages above 100万, 1000万 and 2000万",
         "Share of the administrative villages whose collective operating income is above each mark.",
         lambda: xp.village_share_chart(results.villages, order)),
        ("Villages", "village_income", "Distribution of village collective income",
         "Collective operating income across the administrative villages, per year (replicates pooled).",
         lambda: xp.village_income_distribution(results.villages, order)),
        ("Villages", "demo_villages", "Demonstration villages",
         "Beautiful-livable demonstration villages completed and featured demonstration villages under way.",
         lambda: xp.demo_villages(district, order)),
        ("Clusters and parks", "sector_output", "Output by sector",
         "Gross industrial output by sector, stacked (median across replicates).",
         lambda: xp.sector_output(results.clusters, names, order)),
        ("Clusters and parks", "thousand_billion", "新材料 and 新能源 against the 千亿 marks",
         "Output of the two clusters the plan wants at 1,000亿 each by 2025.",
         lambda: xp.thousand_billion(district, order)),
        ("Clusters and parks", "park_output", "Output by park",
         "Gross output of the firms in each industrial park.", lambda: xp.park_output(results.parks, names, order)),
        ("Clusters and parks", "park_land", f"Land use of the parks, {last}",
         "Serviced land and land used by firms or reserved by signed projects.",
         lambda: xp.park_land(results.parks, names, order)),
    ]
    if sensitivity is not None:
        specs.append(("Sensitivity", "sensitivity", "Sensitivity ranking",
                      "Parameters ranked by their effect on each output (xinhui-sim sensitivity).",
                      lambda: xp.sensitivity_ranking(sensitivity)))
    return specs


def build_charts(results, indicators: pd.DataFrame, targets: pd.DataFrame, sensitivity: pd.DataFrame | None = None,
                 names: dict | None = None) -> list[Chart]:
    """Every chart of the report, rendered to PNG bytes, in the order of the page."""
    specs = chart_specs(results, indicators, targets, sensitivity, names)
    return [Chart(section, f"{i:02d}_{key}", title, caption, _png(make()))
            for i, (section, key, title, caption, make) in enumerate(specs, 1)]

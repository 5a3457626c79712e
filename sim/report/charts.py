"""The figures of the report: every chart in the order of the page (``chart_specs``), drawn with sim/plotting/
and rendered to SVG (embedded in the page, sharp in print) and 200 dpi PNG (``build_charts``).

Titles and captions come in Chinese (``ZH``, the default) or English (the specs). A sweep of many points keeps
its charts readable: charts with a panel or a line per variant show the baseline and the next
``PANEL_VARIANTS - 1`` variants, and say so in the caption (every variant stays in the tables and the CSVs).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PNG_DPI = 200
PANEL_VARIANTS = 6  # most variants drawn in a per-variant chart
ALL_VARIANT_CHARTS = {"target_probabilities", "headline_differences", "town_map"}

# key -> (section, title, caption) in Chinese
ZH = {
    "town_map": ("区域概况", "新会区地图: 11个镇街、4个一体化发展区和产业园区",
                 "镇街驻地和园区的大致位置 (估计值, 见区域文件 scenarios/regions/xinhui.yaml 的 lon_lat); 圆的颜色表示"
                 "发展区, 面积表示2022年常住人口; 三角形为产业园区, 编号见右侧列表。模型本身没有空间, 地图只说明位置。"),
    "target_probabilities": ("规划目标与方案比较", "各规划目标的达标概率",
                             "每个方案中达到目标的重复次数占比 (sim/plan_targets.yaml 中可检验的目标)。"),
    "headline_differences": ("规划目标与方案比较", "主要指标与基准方案的差异",
                             "每个主要指标与基准方案的逐次配对差 (共同随机数), 附95% t区间。"),
    "gdp_fan": ("GDP", "GDP扇形图", "各方案的全区GDP: 中位数及各重复的50%和90%区间; 菱形为规划GDP目标, 点线为年均8%。"),
    "sector_structure": ("GDP", "三次产业结构", "第一、二、三产业占GDP的比重 (各重复的中位数)。"),
    "town_gdp_per_head": ("镇街与发展区", "镇街人均GDP", "各镇街常住人口人均GDP, 按发展区分组。"),
    "town_income_per_head": ("镇街与发展区", "镇街居民人均可支配收入", "各镇街常住居民 (城镇与农村) 人均可支配收入, 按发展区分组。"),
    "town_fiscal_revenue": ("镇街与发展区", "镇街财政收入", "各镇街财政收入与5亿元标线 (规划: 2027年过半镇街超过5亿)。"),
    "zone_fiscal_revenue": ("镇街与发展区", "各发展区财政收入", "各发展区所属镇街财政收入的变化。"),
    "theil": ("镇街与发展区", "发展区间与区内的泰尔指数", "镇街人均GDP的人口加权泰尔T指数, 分为发展区之间和之内两部分。"),
    "village_shares": ("村集体经济", "集体经营性收入超100万、1000万、2000万的行政村",
                       "集体经营性收入超过各标线的行政村占比。"),
    "village_income": ("村集体经济", "村集体经营性收入分布", "各行政村集体经营性收入的逐年分布 (合并各重复)。"),
    "demo_villages": ("村集体经济", "示范村", "已建成的美丽宜居示范村和在建的特色示范村。"),
    "sector_output": ("产业集群与园区", "分行业产值", "分行业工业总产值, 堆叠 (各重复的中位数)。"),
    "thousand_billion": ("产业集群与园区", "新材料、新能源与千亿目标", "规划要求2025年各达到1,000亿的两个集群的产值。"),
    "park_output": ("产业集群与园区", "各园区产值", "每个产业园区一个小图, 每个方案一条线 (各重复的中位数)。"),
    "park_land": ("产业集群与园区", "园区用地", "已配套土地及企业已用或已签约项目预留的土地。"),
    "sensitivity": ("敏感性分析", "敏感性排序", "按对各输出影响大小排序的参数 (xinhui-sim sensitivity)。"),
}


@dataclass
class Chart:
    section: str
    key: str
    title: str
    caption: str
    png: bytes
    svg: bytes = b""


def _render(fig) -> tuple[bytes, bytes]:
    """SVG (text as paths, so the CJK glyphs need no font) and PNG at ``PNG_DPI``."""
    from sim import plotting

    svg, png = io.BytesIO(), io.BytesIO()
    fig.savefig(svg, format="svg")
    fig.savefig(png, format="png", dpi=PNG_DPI)
    plotting.close(fig)
    return svg.getvalue(), png.getvalue()


def chart_specs(results, indicators: pd.DataFrame, targets: pd.DataFrame, sensitivity: pd.DataFrame | None = None,
                names: dict | None = None, lang: str = "en") -> list[tuple]:
    """(section, key, title, caption, make) of every chart of the report, in the order of the page; ``make()``
    draws the matplotlib Figure. ``lang="zh"``: sections, titles and captions in Chinese."""
    from sim import plotting as xp

    names = xp.region_names(results) if names is None else names
    order = xp.variants(results)
    if len(indicators):  # the baseline first, as in the tables
        baseline = indicators.baseline.iloc[0]
        order = [baseline, *(v for v in order if v != baseline)]
    every, order = order, order[:PANEL_VARIANTS]
    region_file = (getattr(results, "manifest", None) or {}).get("region_file")
    district = xp.as_batch(results.district)
    towns = xp.as_batch(results.towns)
    last = int(district.year.max())
    fiscal_year = 2027 if 2027 in set(district.year) else last
    specs = [
        ("Region", "town_map", "Map of the towns, zones and parks",
         "Approximate positions of the town seats and parks (estimate; lon_lat in the region file). Colour: "
         "development zone; circle area: resident population 2022; triangles: industrial parks, numbered as listed.",
         lambda: xp.town_map(region_file if region_file and Path(region_file).is_file() else None)),
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
        ("Towns and zones", "town_income_per_head", f"Household income per head by town, {last}",
         "Per-capita disposable income of each town's residents (urban and rural; sim/rules/households.py).",
         lambda: xp.town_bars(towns, "income_per_head_cny", last, names, order,
                              ylabel="income per head (yuan/yr)", title="Household income per head")),
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
    return [_localised(spec, lang, len(order), len(every)) for spec in specs]


def _localised(spec: tuple, lang: str, shown: int, total: int) -> tuple:
    section, key, title, caption, make = spec
    if lang == "zh" and key in ZH:
        section, title, caption = ZH[key]
    if lang == "zh":
        make = _in_chinese(make)
    if shown < total and key not in ALL_VARIANT_CHARTS:
        caption += (f" 图中只画出前{shown}个方案 (共{total}个; 全部见表格和CSV)。" if lang == "zh" else
                    f" Only the first {shown} of {total} variants are drawn (all are in the tables and CSVs).")
    return section, key, title, caption, make


def _in_chinese(make):
    from sim.report.translate import translate_figure

    def draw():
        fig = make()
        translate_figure(fig)
        return fig

    return draw


def build_charts(results, indicators: pd.DataFrame, targets: pd.DataFrame, sensitivity: pd.DataFrame | None = None,
                 names: dict | None = None, lang: str = "en") -> list[Chart]:
    """Every chart of the report, rendered to SVG and PNG bytes, in the order of the page."""
    specs = chart_specs(results, indicators, targets, sensitivity, names, lang)
    charts = []
    for i, (section, key, title, caption, make) in enumerate(specs, 1):
        svg, png = _render(make())
        charts.append(Chart(section, f"{i:02d}_{key}", title, caption, png, svg))
    return charts

"""``xinhui-sim report DIR``: one self-contained HTML page and the PNG charts of a batch, in ``DIR/report/``.

The page states in plain words how likely each plan target is met under each variant, shows the target
table, the headline comparison (``sim.batch.compare``, paired by replicate), GDP fan charts, town, zone and
village charts, clusters and parks, and the sensitivity ranking when a sensitivity table exists
(``sim.plotting.sensitivity_csv``). Figures are embedded as base64 PNG and a subset of the shipped CJK font
as a base64 WOFF, so the file opens anywhere, offline, with Chinese names intact. Charts: sim/plotting/.
"""

from __future__ import annotations

import base64
import html
import io
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.results import replace_directory
from sim.scenario.errors import ScenarioError

REPORT_DIR = "report"
HTML_NAME = "report.html"
FONT_FAMILY = "Xinhui Report Sans"

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


# ----------------------------------------------------------------------------------------------------------
# figures


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


# ----------------------------------------------------------------------------------------------------------
# HTML


def _prob_cell(p: float) -> str:
    if pd.isna(p):
        return '<td class="num">–</td>'
    hue = int(120 * p)  # red (0) to green (120)
    return f'<td class="num" style="background:hsl({hue},60%,80%)">{p:.0%}</td>'


def target_table_html(targets: pd.DataFrame, raw: pd.DataFrame, order: list[str], names: dict) -> str:
    keys = ["target", "part", "year"]
    wide = targets.set_index([*keys, "variant"]).probability_met.unstack("variant")
    wide = wide.reindex(pd.MultiIndex.from_frame(targets[keys].drop_duplicates()))
    order = [v for v in order if v in wide.columns]
    meta = raw.drop_duplicates(keys).set_index(keys)[["threshold", "unit"]]
    n = int(targets.n.max()) if len(targets) else 0
    head = "".join(f"<th>{html.escape(v)}</th>" for v in order)
    rows = []
    for key, row in wide.iterrows():
        target, part, year = key
        threshold, unit = meta.loc[key] if key in meta.index else (float("nan"), "")
        plan = format_value(float(threshold), str(unit)) if pd.notna(threshold) else ""
        rows.append(f"<tr><td>{html.escape(str(target))}</td><td>{html.escape(_part_name(part, names))}</td>"
                    f'<td class="num">{year}</td><td class="num">{html.escape(plan)}</td>'
                    + "".join(_prob_cell(row[v]) for v in order) + "</tr>")
    return (f"<p>Share of the {n} replicates of each variant in which the target is met.</p>"
            f'<table class="probs"><thead><tr><th>target</th><th>part</th><th>year</th><th>plan</th>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def indicator_table_html(indicators: pd.DataFrame, names: dict) -> str:
    from sim import plotting as xp
    from sim.batch.tables import fmt

    columns = ["n", "mean", "p05", "p95", "diff_mean", "diff_lo", "diff_hi"]
    rows = []
    for r in indicators.itertuples(index=False):
        label = xp.indicator_label(r.indicator, r.scope, r.year, names)
        cells = "".join(f'<td class="num">{html.escape(fmt(_plain(getattr(r, c))))}</td>' for c in columns)
        rows.append(f"<tr><td>{html.escape(label)}</td><td>{html.escape(xp.unit_of(r.indicator))}</td>"
                    f"<td>{html.escape(str(r.variant))}</td>{cells}</tr>")
    head = "".join(f"<th>{c}</th>" for c in ["indicator", "unit", "variant", *columns])
    return (f'<table class="ind"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _statements_html(statements: list[TargetStatement]) -> str:
    parts = []
    for s in statements:
        text = s.summary or " ".join(s.sentences)
        parts.append(f'<li>{html.escape(text)} <span class="plan">({html.escape(s.target)}: '
                     f"{html.escape(s.text)})</span></li>")
    return f'<ul class="stmt">{"".join(parts)}</ul>' if parts else ""


CSS = """
body { font-family: "%(font)s", "Noto Sans CJK SC", "Noto Sans SC", sans-serif; margin: 2em auto; max-width: 1250px;
       padding: 0 1.5em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
figure { margin: 1.2em 0 2em; } figure img { max-width: 100%%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: .92em; }
table { border-collapse: collapse; font-size: .85em; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ddd; padding: .18em .5em; } th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.stmt ul { margin-top: .1em; } .stmt p { margin-bottom: .1em; } .plan { color: #666; font-size: .9em; }
.meta { color: #444; } nav li { display: inline; margin-right: 1em; }
"""

# Marks the page (attributes on <html>) once it has loaded, for a headless-browser check (docs/report.md).
SELF_CHECK = """
window.addEventListener("load", function () {
  document.fonts.ready.then(function () {
    var images = Array.prototype.slice.call(document.images);
    var broken = images.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
    var faces = [];
    document.fonts.forEach(function (f) { if (f.family.replace(/"/g, "") === "%(font)s") faces.push(f.status); });
    var root = document.documentElement;
    root.setAttribute("data-images", String(images.length));
    root.setAttribute("data-broken-images", String(broken.length));
    root.setAttribute("data-font", faces.join(",") || "none");
  });
});
"""


def _font_face(text: str) -> str:
    """@font-face with the shipped CJK font, subset to the characters of ``text``, as a base64 WOFF."""
    from sim import plotting

    if not plotting.FONT_FILE.is_file():
        return ""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(plotting.FONT_FILE))
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["kern", "liga", "locl", "palt"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: normal; font-weight: 400; '
            f'src: url(data:font/woff;base64,{data}) format("woff"); }}\n')


def render_html(title: str, meta: str, statements: str, qualitative: str, target_table: str,
                indicator_table: str, charts: list[Chart]) -> str:
    sections: dict[str, list[Chart]] = {}
    for chart in charts:
        sections.setdefault(chart.section, []).append(chart)
    nav = "".join(f'<li><a href="#s{i}">{html.escape(s)}</a></li>' for i, s in enumerate(["Targets in plain words",
                                                                                         *sections], 0))
    body = [f"<h1>{html.escape(title)}</h1>", f'<p class="meta">{meta}</p>', f"<nav><ul>{nav}</ul></nav>",
            '<h2 id="s0">Targets in plain words</h2>', statements]
    if qualitative:
        body += ["<h3>Targets without a number in the plan</h3>", qualitative]
    for i, (section, items) in enumerate(sections.items(), 1):
        body.append(f'<h2 id="s{i}">{html.escape(section)}</h2>')
        if section == "Plan targets and comparison":
            body += ["<h3>Target table</h3>", target_table]
        for chart in items:
            data = base64.b64encode(chart.png).decode("ascii")
            body.append(f'<figure id="{chart.key}"><img src="data:image/png;base64,{data}" '
                        f'alt="{html.escape(chart.title)}"><figcaption><b>{html.escape(chart.title)}.</b> '
                        f"{html.escape(chart.caption)} File: {REPORT_DIR}/{chart.key}.png</figcaption></figure>")
            if chart.key.endswith("headline_differences"):
                body += ["<h3>Headline indicators</h3>",
                         "<p>mean, p05, p95: across replicates; diff: paired difference to the baseline with its "
                         "95% interval (sim.batch.compare).</p>", indicator_table]
    body.append('<p class="meta">Money in 亿元 (100 million CNY) or 万元 (10,000 CNY), nominal; land in 亩. '
                "Chinese text is set in Noto Sans SC (SIL Open Font License 1.1), embedded as a subset.</p>")
    content = "\n".join(body)
    font = _font_face(html.unescape(title + meta + content) + "0123456789%–·")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{html.escape(title)}"
            f"</title>\n<style>\n{font}{CSS % {'font': FONT_FAMILY}}</style>\n"
            f"<script>{SELF_CHECK % {'font': FONT_FAMILY}}</script>\n</head>\n<body>\n{content}\n</body>\n</html>\n")


def write_report(directory: str | Path, baseline: str | None = None) -> Path:
    """Write DIR/report/report.html and one PNG per chart; return the HTML path. Bad input: ScenarioError."""
    from sim import plotting as xp
    from sim.batch.compare import compare
    from sim.results import load

    directory = Path(directory)
    if not directory.is_dir():
        raise ScenarioError(f"{directory} is not a directory", file="<command line>")
    results = load(directory) if (directory / "batch.json").is_file() else None
    order = xp.variants(results) if results is not None and len(results.district) else []
    if baseline is None and order:
        baseline = xp.default_baseline(order)
    indicators, targets = compare(directory, baseline)  # ScenarioError for a non-batch or an unknown baseline
    baseline = indicators.baseline.iloc[0]
    order = [baseline, *(v for v in order if v != baseline)]
    names = xp.region_names(results)
    sens_path = xp.sensitivity_csv(directory)
    sensitivity = None
    if sens_path is not None:
        try:
            sensitivity = pd.read_csv(sens_path)
            xp.sensitivity_method(sensitivity)
        except (ValueError, OSError, pd.errors.ParserError) as exc:
            raise ScenarioError(f"{sens_path}: not a sensitivity table ({exc})", file=str(sens_path)) from exc
    charts = build_charts(results, indicators, targets, sensitivity, names)

    district = xp.as_batch(results.district)
    runs = results.runs if results.runs is not None else pd.DataFrame({"status": []})
    failed = int((runs.status != "ok").sum()) if "status" in runs else 0
    manifest = results.manifest or {}
    meta = (f"Batch <code>{html.escape(str(directory))}</code>: {len(order)} variants "
            f"({html.escape(', '.join(order))}), {xp.replicates(district)} replicates each (seed "
            f"{html.escape(str(manifest.get('seed', '?')))}, common random numbers), years "
            f"{int(district.year.min())}–{int(district.year.max())}; {len(runs) - failed} runs ok, {failed} failed. "
            f"Baseline for differences: <b>{html.escape(baseline)}</b>. Written "
            f"{time.strftime('%Y-%m-%d %H:%M')} by <code>xinhui-sim report</code>.")
    if sens_path is not None:
        meta += f" Sensitivity table: <code>{html.escape(str(sens_path))}</code>."
    statements = _statements_html(target_statements(results.targets, order, names))
    qualitative = _statements_html(qualitative_statements(results.targets, order))
    page = render_html(f"xinhui-sim report: {directory.resolve().name}", meta, statements, qualitative,
                       target_table_html(targets, results.targets, order, names),
                       indicator_table_html(indicators, names), charts)

    def fill(staging: Path) -> None:
        for chart in charts:
            (staging / f"{chart.key}.png").write_bytes(chart.png)
        (staging / HTML_NAME).write_text(page, encoding="utf-8")

    return replace_directory(directory / REPORT_DIR, fill) / HTML_NAME

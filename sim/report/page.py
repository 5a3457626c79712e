"""The HTML page of the report: the target and indicator tables, the CSS, the self-check script, the embedded
subset of the CJK font, and ``render_html``, which puts statements, tables and charts into one self-contained page.
"""

from __future__ import annotations

import base64
import html
import io

import pandas as pd

from sim.report.charts import Chart
from sim.report.statements import TargetStatement, _part_name, format_value

REPORT_DIR = "report"
HTML_NAME = "report.html"
FONT_FAMILY = "Xinhui Report Sans"


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
            f'<div class="wide"><table class="probs"><thead><tr><th>target</th><th>part</th><th>year</th><th>plan</th>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


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
.meta { color: #444; font-size: .9em; margin: .2em 0; } nav li { display: inline; margin-right: 1em; }
h1 { font-size: 1.35em; margin: .2em 0; } h2.first { margin-top: .4em; font-size: 1.15em; }
.headline { font-weight: bold; margin: .3em 0; font-size: .92em; }
table.summary { font-size: .8em; } table.summary td, table.summary th { padding: .1em .45em; }
tr.out_of_reach td, tr.missed_by_construction td { background: #fbe3e1; }
tr.likely td, tr.met_by_construction td { background: #e3f3e1; } tr.uncertain td { background: #fff6d9; }
.note { color: #555; font-size: .8em; margin: .2em 0 .8em; }
aside.box { border: 2px solid #4a7bb7; background: #f2f6fb; padding: .4em 1em; margin: 1em 0; }
.wide { overflow-x: auto; } details { margin: .6em 0; } summary { cursor: pointer; font-weight: bold; }
@media print { details { display: block; } figure { break-inside: avoid; } nav { display: none; } }
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
    var table = document.querySelector("table.summary");
    root.setAttribute("data-summary-bottom", table ? String(Math.round(table.getBoundingClientRect().bottom +
                      window.scrollY)) : "none");
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


# page texts: key -> (zh, en)
TEXT = {
    "title": ("新会区百千万工程模拟报告", "xinhui-sim report"),
    "summary": ("结论摘要: 各规划目标", "Executive summary: the plan targets"),
    "summary_note": ("{variant}方案 {n} 次重复的中位数与90%区间; 差距 = 中位数 − 规划值 (逐年目标取最难的一年); "
                     "达标概率 = 达标的重复次数占比; 影响最大的方案 = 与{variant}逐次配对差的均值绝对值最大的方案。",
                     "Median and 90% range of the {n} replicates of {variant}; gap = median − plan (a yearly target: "
                     "its hardest year); P(met) = share of replicates meeting it; moves it most = the variant with "
                     "the largest replicate-paired mean difference to {variant}."),
    "uncertainty": ("如何理解不确定性", "How to read the uncertainty"),
    "variants": ("方案说明", "The variants"),
    "variant": ("方案", "variant"), "description": ("说明", "description"),
    "tables": ("完整表格", "Full tables"),
    "target_table": ("各方案达标概率 (全部目标与年份)", "Probability of meeting each target, every variant and year"),
    "indicator_table": ("主要指标 (均值、90%区间、与基准的配对差及95%区间)",
                        "Headline indicators (mean, 90% interval, paired difference to the baseline, 95% interval)"),
    "qualitative": ("规划未给出数字的目标", "Targets without a number in the plan"),
    "footer": ("金额单位为亿元 (1亿元 = 1亿人民币) 或万元, 名义值; 土地单位为亩。中文字体为 Noto Sans SC (SIL OFL 1.1), "
               "以子集形式嵌入。", "Money in 亿元 (100 million CNY) or 万元 (10,000 CNY), nominal; land in 亩. Chinese text "
               "is set in Noto Sans SC (SIL Open Font License 1.1), embedded as a subset."),
    "file": ("文件", "File"),
}


def t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return zh if lang == "zh" else en


def summary_html(summary, lang: str, names: dict) -> str:
    """The executive summary (sim.batch.summary) as the page's first table, with its headline sentence."""
    from sim.batch import summary as executive

    head = "".join(f"<th>{html.escape(h)}</th>" for h in executive.HEADERS[lang])
    rows = []
    for _, row in summary.rows.iterrows():
        cells = executive.cells(row, lang, names)
        status = html.escape(row["status"])
        tds = "".join(f'<td{" class=num" if 1 <= i <= 4 else ""}>{html.escape(c)}</td>' for i, c in enumerate(cells))
        tds = tds.replace("<td>", f'<td title="{html.escape(row["text"])}">', 1)  # the plan's wording on hover
        rows.append(f'<tr class="{status}">{tds}</tr>')
    note = t("summary_note", lang).format(variant=summary.variant, n=summary.replicates)
    return (f'<p class="headline">{html.escape(executive.headline(summary, lang, names))}</p>'
            f'<table class="summary"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="note">{html.escape(note)}</p>')


def replicates_needed(half_width: float) -> int:
    """Replicates for a 95% interval of +-``half_width`` around a probability of 0.5 (the widest case)."""
    return int(-(-(1.96 ** 2 * 0.25) // half_width ** 2))


def uncertainty_html(n: int, lang: str) -> str:
    """The box on how to read the uncertainty, with the figures for this batch's number of replicates."""
    step = 1 / n if n else float("nan")
    half = 1.96 * 0.5 / n ** 0.5 if n else float("nan")
    need10, need5 = replicates_needed(0.10), replicates_needed(0.05)
    if lang == "zh":
        text = (f"每个方案以{n}个随机种子各运行一次 (重复); 所有方案的第k次重复使用相同的随机数 (共同随机数), 所以方案之间的"
                f"差异来自政策本身而非随机性。<b>中位数</b>和<b>90%区间</b>描述这些重复的分布: 它们反映模型内部的随机性 "
                f"(项目落地、企业成长等), 不包括参数本身的不确定性 (见敏感性分析)。<b>达标概率</b>是达标重复次数占比, "
                f"以1/{n} = {step:.0%}为步长变化: {n}次重复时, 0%只表示{n}次都未达到, 其95%区间的半宽约为"
                f"±{half:.0%}。要把一个概率确定到±10个百分点, 约需{need10}次重复; ±5个百分点约需{need5}次 "
                f"(<code>xinhui-sim batch --reps N</code>)。标为\"输入即达标/未达标\"的目标在所有重复中数值相同, "
                f"由情景输入决定, 不是模拟的结果。")
    else:
        text = (f"Each variant ran {n} times with different seeds (replicates); replicate k of every variant used "
                f"the same random numbers (common random numbers), so differences between variants come from the "
                f"policies, not from chance. The <b>median</b> and <b>90% range</b> describe the replicates: the "
                f"model's own randomness (projects landing, firms growing), not the uncertainty of its parameters "
                f"(see the sensitivity analysis). <b>P(met)</b> is the share of replicates meeting a target and moves "
                f"in steps of 1/{n} = {step:.0%}: with {n} replicates, 0% only says none of {n} met it, and its 95% "
                f"interval is about ±{half:.0%} wide. To pin a probability down to ±10 points takes about {need10} "
                f"replicates, ±5 points about {need5} (<code>xinhui-sim batch --reps N</code>). Targets marked "
                f"'by inputs' have the same value in every replicate: the scenario's inputs fix them, not the "
                f"simulation.")
    return f'<aside class="box"><h3>{t("uncertainty", lang)}</h3><p>{text}</p></aside>'


def variants_html(descriptions: dict[str, str], lang: str) -> str:
    rows = "".join(f"<tr><td><code>{html.escape(v)}</code></td><td>{html.escape(d)}</td></tr>"
                   for v, d in descriptions.items())
    return (f'<table class="variants"><thead><tr><th>{t("variant", lang)}</th><th>{t("description", lang)}</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>")


def _figure(chart: Chart, lang: str) -> str:
    data = base64.b64encode(chart.svg or chart.png).decode("ascii")
    kind = "svg+xml" if chart.svg else "png"
    return (f'<figure id="{chart.key}"><img src="data:image/{kind};base64,{data}" alt="{html.escape(chart.title)}">'
            f"<figcaption><b>{html.escape(chart.title)}.</b> {html.escape(chart.caption)} {t('file', lang)}: "
            f"{REPORT_DIR}/{chart.key}.svg, .png</figcaption></figure>")


def render_html(title: str, meta: str, first_screen: str, extra: str, qualitative: str, target_table: str,
                indicator_table: str, charts: list[Chart], lang: str = "en") -> str:
    """The page: title, meta line and ``first_screen`` (the summary) on top; then ``extra`` (uncertainty box,
    variants), the chart sections, and the full tables folded in <details>."""
    sections: dict[str, list[Chart]] = {}
    for chart in charts:
        sections.setdefault(chart.section, []).append(chart)
    names = [t("summary", lang), *sections, t("tables", lang)]
    nav = "".join(f'<li><a href="#s{i}">{html.escape(s)}</a></li>' for i, s in enumerate(names))
    body = [f"<h1>{html.escape(title)}</h1>", f'<p class="meta">{meta}</p>',
            f'<h2 id="s0" class="first">{html.escape(names[0])}</h2>', first_screen, f"<nav><ul>{nav}</ul></nav>",
            extra]
    if qualitative:
        body += [f"<h3>{t('qualitative', lang)}</h3>", qualitative]
    for i, (section, items) in enumerate(sections.items(), 1):
        body.append(f'<h2 id="s{i}">{html.escape(section)}</h2>')
        body += [_figure(chart, lang) for chart in items]
    body += [f'<h2 id="s{len(names) - 1}">{html.escape(names[-1])}</h2>',
             f"<details><summary>{t('target_table', lang)}</summary>{target_table}</details>",
             f"<details><summary>{t('indicator_table', lang)}</summary>{indicator_table}</details>",
             f'<p class="meta">{t("footer", lang)}</p>']
    content = "\n".join(body)
    font = _font_face(html.unescape(title + meta + content) + "0123456789%–·−")
    return (f"<!DOCTYPE html>\n<html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{html.escape(title)}"
            f"</title>\n<style>\n{font}{CSS % {'font': FONT_FAMILY}}</style>\n"
            f"<script>{SELF_CHECK % {'font': FONT_FAMILY}}</script>\n</head>\n<body>\n{content}\n</body>\n</html>\n")

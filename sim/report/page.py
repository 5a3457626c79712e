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

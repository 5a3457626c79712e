"""``write_report``: loads a batch, compares its variants, builds the statements, tables and charts, and writes
DIR/report/report.html with the executive summary (sim.batch.summary) on its first screen, and the charts as
SVG and PNG.
"""

from __future__ import annotations

import html
import logging
import time
from pathlib import Path

import pandas as pd
import yaml

from sim.outputs import check_replaceable
from sim.report.charts import PANEL_VARIANTS, build_charts
from sim.report.page import (
    HTML_NAME,
    REPORT_DIR,
    _statements_html,
    indicator_table_html,
    render_html,
    summary_html,
    t,
    target_table_html,
    uncertainty_html,
    variants_html,
)
from sim.report.statements import qualitative_statements
from sim.results import replace_directory
from sim.scenario.errors import ScenarioError

REPORT_KIND = "an earlier report"
log = logging.getLogger(__name__)


def write_report(directory: str | Path, baseline: str | None = None, lang: str = "zh") -> Path:
    """Write DIR/report/report.html and each chart as SVG and 200 dpi PNG; return the HTML path.
    ``lang``: "zh" (default) or "en". Bad input: ScenarioError."""
    from sim import plotting as xp
    from sim.batch.compare import compare
    from sim.batch.summary import summarize_targets
    from sim.results import load

    directory = Path(directory)
    if not directory.is_dir():
        raise ScenarioError(f"{directory} is not a directory", file="<command line>")
    check_replaceable(directory / REPORT_DIR, is_report_dir, REPORT_KIND)  # before the work, not after
    results = load(directory) if (directory / "batch.json").is_file() else None
    order = xp.variants(results) if results is not None and len(results.district) else []
    if baseline is None and order:
        baseline = xp.default_baseline(order)
    indicators, targets = compare(directory, baseline)  # ScenarioError for a non-batch or an unknown baseline
    baseline = indicators.baseline.iloc[0]
    order = [baseline, *(v for v in order if v != baseline)]
    names = xp.region_names(results)
    sensitivity, sens_path = _sensitivity(directory)
    charts = build_charts(results, indicators, targets, sensitivity, names, lang)
    testable = results.targets[results.targets.met.notna()].assign(met=lambda f: f.met.astype(bool),
                                                                   part=lambda f: f.part.fillna(""))
    summary = summarize_targets(testable, baseline, order)
    meta = _meta(directory, results, order, baseline, sens_path, lang)
    extra = uncertainty_html(summary.replicates, lang) + f"<h3>{t('variants', lang)}</h3>" + variants_html(
        variant_descriptions(directory, results.manifest or {}, order), lang)
    qualitative = _statements_html(qualitative_statements(results.targets, order[:PANEL_VARIANTS]))
    title = f"{t('title', lang)}: {directory.resolve().name}"
    page = render_html(title, meta, summary_html(summary, lang, names), extra, qualitative,
                       target_table_html(targets, results.targets, order, names),
                       indicator_table_html(indicators, names), charts, lang)

    def fill(staging: Path) -> None:
        for chart in charts:
            (staging / f"{chart.key}.png").write_bytes(chart.png)
            (staging / f"{chart.key}.svg").write_bytes(chart.svg)
        (staging / HTML_NAME).write_text(page, encoding="utf-8")

    path = replace_directory(directory / REPORT_DIR, fill, is_report_dir, REPORT_KIND) / HTML_NAME
    log.debug("report: %s (%d charts)", path, len(charts))
    return path


def _sensitivity(directory: Path) -> tuple[pd.DataFrame | None, Path | None]:
    from sim import plotting as xp

    sens_path = xp.sensitivity_csv(directory)
    if sens_path is None:
        return None, None
    try:
        sensitivity = pd.read_csv(sens_path)
        xp.sensitivity_method(sensitivity)
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise ScenarioError(f"{sens_path}: not a sensitivity table ({exc})", file=str(sens_path)) from exc
    return sensitivity, sens_path


def _meta(directory: Path, results, order: list[str], baseline: str, sens_path, lang: str) -> str:
    from sim import plotting as xp

    district = xp.as_batch(results.district)
    runs = results.runs if results.runs is not None else pd.DataFrame({"status": []})
    failed = int((runs.status != "ok").sum()) if "status" in runs else 0
    seed = html.escape(str((results.manifest or {}).get("seed", "?")))
    years = f"{int(district.year.min())}–{int(district.year.max())}"
    when = time.strftime("%Y-%m-%d %H:%M")
    if lang == "zh":
        text = (f"批次 <code>{html.escape(str(directory))}</code>: {len(order)}个方案, 每个{xp.replicates(district)}次"
                f"重复 (种子 {seed}, 共同随机数), {years}年; 成功 {len(runs) - failed} 次, 失败 {failed} 次。比较基准: "
                f"<b>{html.escape(baseline)}</b>。{when} 由 <code>xinhui-sim report</code> 生成。")
    else:
        text = (f"Batch <code>{html.escape(str(directory))}</code>: {len(order)} variants, "
                f"{xp.replicates(district)} replicates each (seed {seed}, common random numbers), years {years}; "
                f"{len(runs) - failed} runs ok, {failed} failed. Baseline: <b>{html.escape(baseline)}</b>. Written "
                f"{when} by <code>xinhui-sim report</code>.")
    if sens_path is not None:
        text += f" Sensitivity: <code>{html.escape(str(sens_path))}</code>."
    return text


def variant_descriptions(directory: Path, manifest: dict, order: list[str]) -> dict[str, str]:
    """Each variant's ``description:`` (from its scenario file, or the copy in DIR/scenarios/), plus the
    parameters of a sweep point."""
    entries = {v.get("name"): v for v in manifest.get("variants", [])}
    out = {}
    for name in order:
        entry = entries.get(name, {})
        text = ""
        for path in (entry.get("file"), directory / "scenarios" / f"{name}.yaml"):
            if path and Path(path).is_file():
                try:
                    text = str((yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("description")
                               or "")
                except (yaml.YAMLError, OSError, AttributeError):
                    text = ""
                if text:
                    break
        params = entry.get("params") or {}
        if params:
            text += (" " if text else "") + "(" + ", ".join(f"{k} = {v}" for k, v in params.items()) + ")"
        out[name] = text or "–"
    return out


def is_report_dir(path: Path) -> bool:
    """Whether ``path`` holds only what ``write_report`` writes (the page and its chart files)."""
    entries = list(Path(path).iterdir())
    return (Path(path) / HTML_NAME).is_file() and all(
        p.is_file() and p.suffix in (".html", ".png", ".svg") for p in entries)

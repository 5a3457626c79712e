"""``write_report``: loads a batch, compares its variants, builds the statements, tables and charts, and writes
DIR/report/report.html and the PNGs.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

import pandas as pd

from sim.outputs import check_replaceable
from sim.report.charts import build_charts
from sim.report.page import (
    HTML_NAME,
    REPORT_DIR,
    _statements_html,
    indicator_table_html,
    render_html,
    target_table_html,
)
from sim.report.statements import qualitative_statements, target_statements
from sim.results import replace_directory
from sim.scenario.errors import ScenarioError

REPORT_KIND = "an earlier report"


def write_report(directory: str | Path, baseline: str | None = None) -> Path:
    """Write DIR/report/report.html and one PNG per chart; return the HTML path. Bad input: ScenarioError."""
    from sim import plotting as xp
    from sim.batch.compare import compare
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

    return replace_directory(directory / REPORT_DIR, fill, is_report_dir, REPORT_KIND) / HTML_NAME


def is_report_dir(path: Path) -> bool:
    """Whether ``path`` holds only what ``write_report`` writes (the page and its chart files)."""
    entries = list(Path(path).iterdir())
    return (Path(path) / HTML_NAME).is_file() and all(
        p.is_file() and p.suffix in (".html", ".png", ".svg") for p in entries)

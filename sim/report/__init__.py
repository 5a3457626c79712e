"""``xinhui-sim report DIR``: one self-contained HTML page and the PNG charts of a batch, in ``DIR/report/``.

The page states in plain words how likely each plan target is met under each variant, shows the target
table, the headline comparison (``sim.batch.compare``, paired by replicate), GDP fan charts, town, zone and
village charts, clusters and parks, and the sensitivity ranking when a sensitivity table exists
(``sim.plotting.sensitivity_csv``). Figures are embedded as base64 PNG and a subset of the shipped CJK font
as a base64 WOFF, so the file opens anywhere, offline, with Chinese names intact. Charts: sim/plotting/.

Modules: ``statements`` (the targets in plain words), ``charts`` (the figures), ``page`` (the HTML page),
``write`` (``write_report``: load a batch, write the page and the PNGs). Everything is importable from here.
"""

from sim.report.charts import Chart, build_charts, chart_specs
from sim.report.page import (
    CSS,
    FONT_FAMILY,
    HTML_NAME,
    REPORT_DIR,
    SELF_CHECK,
    indicator_table_html,
    render_html,
    target_table_html,
)
from sim.report.statements import (
    PHRASES,
    QUALITATIVE,
    TargetStatement,
    format_value,
    qualitative_statements,
    target_statements,
)
from sim.report.write import write_report

__all__ = [
    "CSS",
    "FONT_FAMILY",
    "HTML_NAME",
    "PHRASES",
    "QUALITATIVE",
    "REPORT_DIR",
    "SELF_CHECK",
    "Chart",
    "TargetStatement",
    "build_charts",
    "chart_specs",
    "format_value",
    "indicator_table_html",
    "qualitative_statements",
    "render_html",
    "target_statements",
    "target_table_html",
    "write_report",
]

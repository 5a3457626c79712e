"""Render comparison tables as aligned text (for the terminal) or Markdown, without extra dependencies.

Numbers get a precision that suits their size (GDP in 亿元 with one decimal, Theil indices and shares with
three significant digits); missing values (an interval over fewer than two replicates) print as "–".
"""

from __future__ import annotations

import math

import pandas as pd

MAX_PIVOT_VARIANTS = 8  # wider than this, the target table stays long (one row per variant)


def fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        size = abs(value)
        if size >= 100:
            return f"{value:.1f}"
        if size >= 1:
            return f"{value:.2f}"
        return "0" if value == 0 else f"{value:.3g}"
    return str(value)


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return [[fmt(v.item() if hasattr(v, "item") else v) for v in row] for row in frame.itertuples(index=False)]


def text(frame: pd.DataFrame) -> str:
    """Aligned columns: text left, numbers right."""
    header = [str(c) for c in frame.columns]
    rows = _cells(frame)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]

    def line(cells):
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def markdown(frame: pd.DataFrame) -> str:
    """A GitHub Markdown pipe table."""
    header = [str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    rule = ["---:" if n else "---" for n in numeric]
    rows = [[c.replace("|", "\\|") for c in r] for r in _cells(frame)]
    return "\n".join("| " + " | ".join(r) + " |" for r in [header, rule, *rows])


def target_view(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets by variant side by side (probability met), or the long table when there are many variants."""
    variants = list(dict.fromkeys(targets.variant))
    if not 0 < len(variants) <= MAX_PIVOT_VARIANTS:
        return targets
    keys = ["target", "part", "year"]
    wide = targets.set_index([*keys, "variant"]).probability_met.unstack("variant")
    wide = wide.reindex(pd.MultiIndex.from_frame(targets[keys].drop_duplicates()))
    return wide[variants].reset_index().rename_axis(columns=None)

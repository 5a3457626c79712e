"""Net entry's share of productivity growth over the whole horizon, measured as literature F6 measured it.

Brandt, Van Biesebroeck & Zhang (2012, J. Dev. Econ. 97(2):339-351) find net entry "over the entire period"
1998-2007 above two thirds of total TFP growth: one decomposition between the first and the last year, of the
firms in China's industrial survey (all SOEs and the non-state firms above the 规模以上 threshold), so that an
entrant is any firm in the last year's survey and not in the first one's (founded, or grown above the
threshold) and its growth after entry counts as entry. The same here: the Foster-Haltiwanger-Krizan
decomposition (``sim.accounting.decomposition``) between the first simulated year and the last, over the
district's firms above the threshold and alive at year end, productivity and weights as in the yearly
``growth_accounting`` table (``sim.accounting.table``). The yearly chained sum of that table is reported beside it.
"""

from __future__ import annotations

import numpy as np

from sim.accounting import decomposition as dec
from sim.accounting.snapshot import year_snapshot
from sim.accounting.table import cross_section_productivity


def above_scale_cross_section(model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids, log TFP and value added of the firms in this year's survey: alive, producing, above scale."""
    snapshot = year_snapshot(model)
    ids, tfp, weight, _ = cross_section_productivity(snapshot)
    rows = model.firms.rows_of(ids)  # ids are firm_ids
    above = model.firms.output_last_year[rows] >= model.params.firms.above_scale_threshold_100m_cny
    return ids[above], tfp[above], weight[above]


def run_with_period_decomposition(model) -> dict[str, float]:
    """Run ``model`` to its last year; the FHK components (log points) between the first and the last year's
    above-scale cross-sections, and ``net_entry_share``."""
    first = None
    while model.running:
        model.step()
        if model.clock % model.steps_per_year == 0 and (first is None or not model.running):
            section = above_scale_cross_section(model)
            first = section if first is None else first
    parts = dec.fhk(*first, *section)
    parts["net_entry_share"] = parts["net_entry"] / parts["total"] if parts["total"] else float("nan")
    return parts

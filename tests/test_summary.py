"""The executive summary (sim/batch/summary.py) on hand-made targets tables: a yearly target is collapsed to its
hardest year with a count of years met; gap, median and 90% range follow the values given (nothing is
hard-coded); a value equal in every replicate is marked "by construction"; "out of reach" means no variant meets
it in any replicate; the variant that moves a target most is the one with the largest paired mean difference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.batch import summary as S


def frame(rows) -> pd.DataFrame:
    """rows: (variant, replicate, target, part, year, value, threshold, unit)."""
    out = pd.DataFrame(rows, columns=["variant", "replicate", "target", "part", "year", "value", "threshold", "unit"])
    out["kind"] = "at_least"
    out["met"] = out.value >= out.threshold
    out["text"] = out.target
    return out


def gdp(variant: str, values, target="gdp_2033", threshold=3300.0, year=2033):
    return [(variant, r, target, "", year, v, threshold, "100m_cny") for r, v in enumerate(values)]


def test_gap_median_range_and_probability_follow_the_values():
    rows = gdp("plan", [1800, 1900, 2000, 3400]) + gdp("base[x=1]", [1700, 1800, 1900, 2000])
    summary = S.summarize_targets(frame(rows), "plan", ["plan", "base[x=1]"])
    row = summary.rows.iloc[0]
    assert row["median"] == 1950 and row["gap"] == 1950 - 3300
    assert row["gap_pct"] == pytest.approx((1950 - 3300) / 3300)
    assert row["p05"] == pytest.approx(np.quantile([1800, 1900, 2000, 3400], 0.05))
    assert row["p_met"] == 0.25 and row["n"] == 4 and row["status"] == "uncertain"
    assert (row["mover"], row["move"]) == ("base[x=1]", pytest.approx(np.mean([-100, -100, -100, -1400])))
    assert "base[x=1] −425亿" in S.console(summary)  # a sweep point's name is printed, not read as markup
    cells = S.cells(row)
    assert cells[1] == "3,300亿" and cells[2] == "1,950亿 (1,815–3,190)" and cells[3] == "−1,350亿 (−41%)"
    # the model changes: the summary follows
    moved = S.summarize_targets(frame(gdp("plan", [3400, 3500, 3600, 3700])), "plan").rows.iloc[0]
    assert moved["status"] == "likely" and moved["gap"] == 3550 - 3300


def test_a_yearly_target_is_one_row_at_its_hardest_year_with_years_met():
    rows = []
    for year, values in ((2023, [120, 130]), (2024, [90, 110]), (2025, [80, 95])):
        rows += [("plan", r, "tech_upgrades_per_year", "", year, v, 100.0, "firms_per_year")
                 for r, v in enumerate(values)]
    row = S.summarize_targets(frame(rows), "plan").rows
    assert len(row) == 1
    row = row.iloc[0]
    assert row["year"] == 2025 and row["years"] == 3 and row["p_met"] == 0.0
    assert row["years_met_median"] == 1.5  # replicate 0 met 1 year, replicate 1 met 2
    assert S.cells(row)[0] == "Firms upgrading/yr (2025; 2/3 met)"


def test_by_construction_and_out_of_reach():
    rows = [(v, r, "citrus_area", "", 2025, 143000.0, 150000.0, "mu") for v in ("plan", "base") for r in range(3)]
    rows += gdp("plan", [1800, 1900, 2000]) + gdp("base", [1700, 1800, 1900])
    summary = S.summarize_targets(frame(rows), "plan", ["plan", "base"])
    status = dict(zip(summary.rows.target, summary.rows.status))
    assert status == {"citrus_area": "missed_by_construction", "gdp_2033": "out_of_reach"}
    assert list(summary.out_of_reach().target) == ["citrus_area", "gdp_2033"]
    headline = S.headline(summary)
    assert headline.startswith("Out of reach under every variant") and "GDP 2033 −1,400亿 (−42%)" in headline
    zh = S.headline(summary, "zh")
    assert "2个目标" in zh and "新会柑种植面积" in zh


def test_one_row_per_part_and_the_three_outputs_agree(tmp_path):
    rows = [("plan", r, "zone_output_2025", zone, 2025, v, 600.0, "100m_cny")
            for zone in ("a", "b") for r, v in enumerate([550, 650, 700])]
    summary = S.summarize_targets(frame(rows), "plan")
    assert list(summary.rows.part) == ["a", "b"]
    names = {"zones": {"a": "圭峰会城", "b": "潭江"}}
    text = S.console(summary, names)
    md = S.summary_markdown(summary, "x", "en", names)
    for cells in (S.cells(r, "en", names) for _, r in summary.rows.iterrows()):
        assert cells[0] in text and cells[0] in md and cells[2] in text and cells[2] in md
    assert "圭峰会城" in S.markdown(summary, "zh", names) and "规划值" in S.markdown(summary, "zh", names)

"""``compare``: headline indicators by variant with paired intervals, and the probability of meeting targets.

One batch (plan, no_pairing, fragmented; 8 replicates, seed 7) is run once; the statistics are checked
against direct computations from ``sim.results.load`` and scipy, and the common random numbers are shown to
work: intervals of the replicate-paired differences are narrower than unpaired (Welch) ones on the same data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim import results
from sim.batch.compare import FILES, HEADLINES, compare, summarize, welch
from sim.batch.runner import run_batch

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
VARIANTS = ("plan", "no_pairing", "fragmented")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare") / "batch"
    summary = run_batch([SCENARIOS / f"{v}.yaml" for v in VARIANTS], 8, 7, out, workers=2, progress=False)
    assert (summary.ok, summary.failed) == (24, 0)
    return out


@pytest.fixture(scope="module")
def compared(batch):
    return compare(batch, "plan")


def test_every_headline_indicator_year_and_variant_has_a_row(compared):
    indicators, _ = compared
    expected = sum(len(years) * (4 if table == "zones" else 1) for table, _, years in HEADLINES) * 3
    assert len(indicators) == expected
    assert list(indicators.variant[:3]) == list(VARIANTS)
    assert set(indicators.baseline) == {"plan"} and set(indicators.n) == {8}
    assert set(indicators[indicators.indicator == "gdp_100m_cny"].year) == {2025, 2027, 2033}
    zones = indicators[(indicators.indicator == "industrial_output_above_scale_100m_cny")].scope
    assert set(zones) == {"district", "guifeng_huicheng", "yinzhouhu_east", "tanjiang", "yinzhouhu_west"}
    base = indicators[indicators.variant == "plan"]
    assert (base.diff_mean == 0).all() and (base.diff_lo == 0).all() and (base.diff_hi == 0).all()


def test_statistics_match_a_direct_computation(batch, compared):
    indicators, _ = compared
    district = results.load(batch).district.query("year == 2033")
    gdp = district.pivot(index="replicate", columns="variant", values="gdp_100m_cny")
    row = indicators.query("indicator == 'gdp_100m_cny' and year == 2033 and variant == 'fragmented'").iloc[0]
    assert row["mean"] == pytest.approx(gdp.fragmented.mean())
    assert row.p05 == pytest.approx(np.quantile(gdp.fragmented, 0.05))
    assert row.p95 == pytest.approx(np.quantile(gdp.fragmented, 0.95))
    paired = stats.ttest_rel(gdp.fragmented, gdp.plan).confidence_interval(0.95)
    assert (row.diff_lo, row.diff_hi) == pytest.approx((paired.low, paired.high))
    assert row.diff_mean == pytest.approx((gdp.fragmented - gdp.plan).mean())
    unpaired = stats.ttest_ind(gdp.fragmented, gdp.plan, equal_var=False).confidence_interval(0.95)
    assert (row.unpaired_lo, row.unpaired_hi) == pytest.approx((unpaired.low, unpaired.high))


def test_paired_intervals_are_narrower_than_unpaired_ones(compared):
    """Common random numbers: replicate r shares its seed across variants, so paired differences vary less."""
    indicators, _ = compared
    others = indicators[indicators.variant != "plan"]
    ratio = (others.diff_hi - others.diff_lo) / (others.unpaired_hi - others.unpaired_lo)
    assert ratio.notna().all()
    assert ratio.median() < 0.8, ratio.describe()
    assert (ratio < 1).mean() >= 0.7


def test_target_probabilities_are_shares_of_replicates_meeting_them(batch, compared):
    _, targets = compared
    assert list(targets.columns) == ["target", "part", "year", "variant", "probability_met", "n"]
    assert targets.probability_met.between(0, 1).all() and set(targets.n) == {8}
    raw = results.load(batch).targets.dropna(subset=["met"])
    direct = raw.groupby(["target", "part", "year", "variant"]).met.mean()
    got = targets.set_index(["target", "part", "year", "variant"]).probability_met
    pd.testing.assert_series_equal(got.sort_index(), direct.astype(float).sort_index(), check_names=False)
    assert "village_income_10m_2025" not in set(targets.target), "qualitative targets have no probability"
    assert targets.target.iloc[0] == "gdp_2023"


def test_summarize_on_known_numbers():
    values = pd.DataFrame({"indicator": "x", "scope": "district", "year": 2030,
                           "variant": ["a"] * 4 + ["b"] * 4, "replicate": [0, 1, 2, 3] * 2,
                           "value": [1.0, 2.0, 3.0, 4.0, 1.5, 2.5, 3.0, 5.0]})
    out = summarize(values, "a").set_index("variant")
    d = np.array([0.5, 0.5, 0.0, 1.0])
    half = stats.t.ppf(0.975, 3) * d.std(ddof=1) / 2
    assert out.loc["b", "diff_mean"] == pytest.approx(0.5)
    assert (out.loc["b", "diff_lo"], out.loc["b", "diff_hi"]) == pytest.approx((0.5 - half, 0.5 + half))
    lo, hi = welch(3.0, np.std([1.5, 2.5, 3, 5], ddof=1), 4, 2.5, np.std([1, 2, 3, 4], ddof=1), 4)
    assert (out.loc["b", "unpaired_lo"], out.loc["b", "unpaired_hi"]) == pytest.approx((lo, hi))
    one = summarize(values[values.replicate == 0], "a").set_index("variant")
    assert np.isnan(one.loc["b", "diff_lo"]), "no interval from a single replicate"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_cli_prints_the_executive_summary_only_and_writes_summary_md(batch):
    from sim.batch.summary import SUMMARY_FILE

    proc = cli("compare", str(batch), "--baseline", "plan")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) <= 40, proc.stdout
    assert lines[0].startswith("Out of reach under every variant") and "GDP 2033 −" in proc.stdout
    assert not any(line.startswith("gdp_100m_cny") for line in lines), "the full table is printed without --full"
    table = [line for line in lines if line.startswith(("GDP 2033", "GDP 2025", "Towns fiscal"))]
    assert len(table) == 3
    summary = (batch / SUMMARY_FILE).read_text(encoding="utf-8")
    assert summary.startswith("# Executive summary of batch (variant plan, 8 replicates)")
    assert "| target | plan | median (90% range) | gap | P(met) | moves it most | status |" in summary
    assert lines[-1].startswith("P(met) moves in steps of 1/8") and SUMMARY_FILE in lines[-1]


def test_cli_full_prints_the_table_and_writes_csv_and_markdown(batch):
    proc = cli("compare", str(batch), "--baseline", "plan", "--full")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("indicator"))
    for column in ("variant", "mean", "p05", "p95", "diff_mean", "diff_lo", "diff_hi"):
        assert column in header
    assert any(line.startswith("gdp_100m_cny") and " fragmented " in line for line in lines)
    assert any(line.startswith("town_fiscal_2027") for line in lines)
    for name in FILES:
        assert (batch / name).stat().st_size > 0
    csv = pd.read_csv(batch / "compare_indicators.csv")
    assert {"unpaired_lo", "unpaired_hi", "n_pairs"} <= set(csv.columns) and len(csv) == len(compare(batch)[0])
    markdown = (batch / "compare.md").read_text(encoding="utf-8")
    assert "| indicator | scope | year | variant |" in markdown and "| gdp_2023 |" in markdown


def test_cli_rejects_an_unknown_baseline_and_a_directory_that_is_not_a_batch(batch, tmp_path):
    proc = cli("compare", str(batch), "--baseline", "nope")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == "error: <command line>: [--baseline] unknown variant 'nope'; variants: plan, " \
                                  "no_pairing, fragmented"
    proc = cli("compare", str(tmp_path))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "is not a batch directory" in proc.stderr

"""Growth accounting: the decomposition identities on hand-made firms, the yearly table of a run, the
``growth_accounting`` validation checks on known numbers, and ``xinhui-sim explain`` end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.accounting import decomposition as dec
from sim.accounting import snapshot as snap
from sim.accounting.table import incumbents_mean_growth, yearly_rows
from sim.validation.growth_checks import growth_accounting_checks
from tests.helpers import cli, run, scenario

ROOT = Path(__file__).resolve().parents[1]

# year 0: firms 1, 2 continue, 3 exits; year 1: firm 4 enters (p: log TFP, w: value added)
IDS0, P0, W0 = np.array([1, 2, 3]), np.array([0.0, 1.0, -1.0]), np.array([1.0, 1.0, 2.0])
IDS1, P1, W1 = np.array([4, 1, 2]), np.array([2.0, 0.5, 1.0]), np.array([1.0, 2.0, 1.0])


def test_fhk_components_of_hand_made_firms():
    # shares 0.25/0.25/0.5 -> P0 = -0.25; 0.25/0.5/0.25 -> P1 = 1.0
    got = dec.fhk(IDS0, P0, W0, IDS1, P1, W1)
    assert got == {"total": 1.25, "within": 0.125, "between": 0.0625, "cross": 0.125, "entry": 0.5625,
                   "exit": 0.375, "net_entry": 0.9375}


def test_incumbents_mean_growth_of_hand_made_firms():
    """F6 reports incumbents' weighted *mean* growth: firms 1 and 2 (half of year 0's value added, weights
    1 : 1) grow by 0.5 and 0, so 0.25, twice FHK's within term (0.125), which weighs them by shares of all firms."""
    i0 = dec.match_firms(IDS0, IDS1)[0]
    within = dec.fhk(IDS0, P0, W0, IDS1, P1, W1)["within"]
    assert incumbents_mean_growth(within, W0, i0) == pytest.approx(0.25)
    assert incumbents_mean_growth(0.1, W0, np.zeros(0, np.intp)) == 0.0  # no incumbents: no mean


def test_melitz_polanec_components_of_hand_made_firms():
    got = dec.melitz_polanec(IDS0, P0, W0, IDS1, P1, W1)
    expected = {"total": 1.25, "survivors_within": 0.25, "survivors_covariance": -1 / 12, "entry": 1 / 3,
                "exit": 0.75, "net_entry": 1 / 3 + 0.75}
    assert got == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("method", [dec.fhk, dec.melitz_polanec])
def test_components_add_up_to_the_aggregate_change(method):
    rng = np.random.default_rng(3)
    ids0, ids1 = rng.choice(400, 250, replace=False), rng.choice(400, 260, replace=False)
    p0, p1 = rng.normal(0, 0.5, 250), rng.normal(0.1, 0.5, 260)
    w0, w1 = rng.lognormal(0, 1, 250), rng.lognormal(0, 1, 260)
    got = method(ids0, p0, w0, ids1, p1, w1)
    parts = [v for k, v in got.items() if k not in ("total", "net_entry")]
    assert sum(parts) == pytest.approx(got["total"], abs=1e-12)
    s0, s1 = w0 / w0.sum(), w1 / w1.sum()
    assert got["total"] == pytest.approx(s1 @ p1 - s0 @ p0, abs=1e-12)
    assert got["net_entry"] == pytest.approx(got["entry"] + got["exit"], abs=1e-15)


@pytest.mark.parametrize("largest_id", [60, 10**12])  # a position table, or sorting and searching
def test_match_firms_pairs_the_same_ids(largest_id):
    rng = np.random.default_rng(5)
    for _ in range(50):
        ids0 = rng.choice(largest_id, rng.integers(0, 25), replace=False)
        ids1 = rng.choice(largest_id, rng.integers(0, 25), replace=False)
        ids1 = np.unique(np.concatenate([ids1, ids0[:3]]))  # some firms surely continue
        i0, i1, exit0, entry1 = dec.match_firms(ids0, ids1)
        assert (ids0[i0] == ids1[i1]).all() and set(ids0[i0]) == set(ids0) & set(ids1)
        assert set(ids0[exit0]) == set(ids0) - set(ids1) and set(ids1[entry1]) == set(ids1) - set(ids0)
        assert exit0.size == len(set(exit0)) and entry1.size == len(set(entry1))


def test_growth_accounting_splits_log_growth_with_the_capital_share():
    got = dec.growth_accounting((1.0, np.exp(0.10)), (2.0, 2 * np.exp(0.05)), (3.0, 3 * np.exp(0.02)), 0.4)
    assert got == pytest.approx({"growth": 0.10, "capital": 0.02, "labour": 0.012, "productivity": 0.068},
                                abs=1e-12)


def _snapshot(year, ids, va, capital, workers, gdp, **district):
    return {"year": np.array(year), "firm_id": np.array(ids), "value_added_100m_cny": np.array(va, float),
            "capital_100m_cny": np.array(capital, float), "employment_persons": np.array(workers, float),
            "gdp_100m_cny": np.array(gdp), "capital_stock_100m_cny": np.array(50.0),
            "employment_10k": np.array(2.0), "capital_share": np.array(0.55), **district}


def test_investment_is_the_reported_fai_or_the_capital_formed():
    before = _snapshot(2024, [1, 2, 3], [1, 1, 1], [4, 4, 4], [10, 10, 10], 100.0)
    after = _snapshot(2025, [1, 2, 5], [1, 1, 1], [6, 3, 2], [10, 10, 10], 104.0)
    rows = {(r[1], r[2]): r[3] for r in yearly_rows(before, after)}
    assert rows[("investment", "industrial_capital_formation_100m_cny")] == 2.0 + 0.0 + 2.0  # firm 2 shrank
    assert rows[("investment", "gdp_change_100m_cny")] == 4.0
    assert ("investment", "fixed_asset_investment_100m_cny") not in rows
    after["fixed_asset_investment_100m_cny"] = np.array(9.0)
    rows = {(r[1], r[2]): r[3] for r in yearly_rows(before, after)}
    assert rows[("investment", "fixed_asset_investment_100m_cny")] == 9.0
    assert ("investment", "industrial_capital_formation_100m_cny") not in rows


def test_the_accounting_measures_no_tfp_in_a_firms_capital_deepening():
    """The accounting's capital share is the model's technology's (a = 1 - labour share), so a firm that builds
    twice the capital per unit of capacity, and so needs fewer workers for the same value added
    (sim/rules/labour.py: lp grows with κ^b, b = a/(1-a)), has the same measured TFP. With the 0.40 of the
    national accounts it would have gained (b - 0.40 (1 + b)) ln 2, about 0.23 log points."""
    from sim.model import RegionModel
    from sim.rules import capital, labour

    model = RegionModel(scenario("plan"), seed=1)
    for _ in range(model.steps_per_year):
        model.step()
    a = float(snap.year_snapshot(model)["capital_share"])
    assert a == pytest.approx(1.0 - model.params.firms.labour_share_of_value_added)
    # firms that produced last year (an entrant's 0/0 would compare NaN with NaN)
    rows = np.flatnonzero(model.firms.live())
    rows = rows[model.firms.output_last_year[rows] > 0][:50]
    power = model.firms.productivity[rows] * model.place_multipliers()[model.firms.place_cell[rows]]
    value_added = model.firms.output_last_year[rows] * model.sector_va_ratio[model.firms.sector[rows]]

    def measured_tfp():
        workers = value_added * 1e4 / labour.labour_productivity(model, rows, power)
        return dec.log_tfp(value_added, capital.capital_stock(model, rows), workers, a)

    before = measured_tfp()
    assert len(rows) == 50 and np.isfinite(before).all()
    model.firms.capital_intensity[rows] *= 2.0
    np.testing.assert_allclose(measured_tfp(), before, atol=1e-9)


def test_the_accounting_counts_the_labour_markets_workers():
    """GDP's labour in the growth accounting is the model's employment: the firms' workers, the labour market's
    farm and services jobs and construction's (within 1% of the district's filled jobs, which count industry
    at the market's allocation at the start of the year rather than the firms' year-end staff)."""
    from sim.model import RegionModel

    model = RegionModel(scenario("plan"), seed=1)
    for _ in range(3):
        for _ in range(model.steps_per_year):
            model.step()
        jobs = pd.DataFrame(model.records.tables()["district"]).jobs_10k.iloc[-1]
        assert float(snap.year_snapshot(model)["employment_10k"]) == pytest.approx(jobs, rel=0.01), model.year


def test_district_columns_of_the_firm_model_are_used_when_present(monkeypatch):
    from sim.model import RegionModel

    model = RegionModel(scenario("plan"), seed=1)
    derived = snap.year_snapshot(model)
    assert derived["capital_stock_100m_cny"] > derived["capital_100m_cny"].sum() > 0
    provided = {**snap.firm_accounting_snapshot(model), "capital_stock_100m_cny": np.array(123.0),
                "employment_10k": np.array(45.6)}
    monkeypatch.setattr(snap, "firm_accounting_snapshot", lambda m: provided)
    got = snap.year_snapshot(model)
    assert float(got["capital_stock_100m_cny"]) == 123.0 and float(got["employment_10k"]) == 45.6


def test_a_run_has_a_finite_growth_accounting_table_that_adds_up():
    table = run("plan", 1)["growth_accounting"]
    assert sorted(table.year.unique()) == list(range(2024, 2034))
    assert np.isfinite(table.value).all()
    wide = table.pivot_table(index=["year", "quantity"], columns="component", values="value")
    for quantity in ("gdp", "industrial_va"):
        part = wide.xs(quantity, level="quantity")
        assert (part.capital + part.labour + part.productivity - part.growth).abs().max() < 1e-12
    fhk = wide.xs("productivity_fhk", level="quantity")
    assert (fhk[["within", "between", "cross", "entry", "exit"]].sum(axis=1) - fhk.total).abs().max() < 1e-12
    # incumbents' mean = within / their share (< 1 where firms exit): larger than the within term, same sign
    incumbents = wide.xs("incumbents", level="quantity").productivity_growth
    assert ((incumbents.abs() > fhk.within.abs()) & (np.sign(incumbents) == np.sign(fhk.within))).all()
    district = run("plan", 1)["district"].set_index("year")
    real = district.gdp_real_100m_cny  # nominal GDP over the price index (sim/rules/prices.py)
    gdp = wide.xs("gdp", level="quantity").growth
    assert np.allclose(gdp, np.log(real / real.shift(1)).loc[gdp.index], atol=1e-9)


def test_a_larger_upgrade_gain_shows_as_productivity_not_as_capital_or_labour():
    """The accounting names the channel: 技改 raise firms' productivity; inputs respond only through the demand
    the gain wins (same seeds, so the same draws in both runs; a mean over four seeds, since one seed's path can
    move capital by a large project or firm kept or lost)."""
    from sim.results import run_tables

    def mean_parts(overrides):
        tables = [pd.DataFrame(run_tables(scenario("plan", overrides), seed)["growth_accounting"])
                  for seed in (1, 2, 3, 4)]
        return pd.concat(tables).groupby(["quantity", "component"]).value.mean()

    base, more = mean_parts(None), mean_parts({"firms": {"tech_upgrade_gain": 0.10}})
    gain = more - base
    assert gain[("industrial_va", "productivity")] > 0.001 and gain[("productivity_fhk", "within")] > 0.001
    productivity = gain[("industrial_va", "productivity")]
    assert abs(gain[("industrial_va", "capital")]) < 0.2 * productivity
    # labour: 0.3 since the budgets spend what the gain's taxes raise (public services, land, transport: their
    # value added follows the spending), and those jobs come out of the same towns' workers (measured -0.24)
    assert abs(gain[("industrial_va", "labour")]) < 0.3 * productivity


def _accounts(net_entry, total, within, fai, gdp_change, replicates=3, incumbents=None):
    rows = []
    for r in range(replicates):
        for year in (2024, 2025):
            rows += [("v", r, year, "productivity_fhk", "net_entry", net_entry),
                     ("v", r, year, "productivity_fhk", "total", total),
                     ("v", r, year, "productivity_fhk", "within", within),
                     ("v", r, year, "productivity_mp", "net_entry", net_entry),
                     ("v", r, year, "productivity_mp", "total", total),
                     ("v", r, year, "investment", "fixed_asset_investment_100m_cny", fai),
                     ("v", r, year, "investment", "gdp_change_100m_cny", gdp_change)]
            if incumbents is not None:
                rows.append(("v", r, year, "incumbents", "productivity_growth", incumbents))
    return pd.DataFrame(rows, columns=["variant", "replicate", "year", "quantity", "component", "value"])


def test_growth_checks_pass_and_fail_on_known_numbers():
    passing = {c.id: c for c in growth_accounting_checks(_accounts(0.021, 0.03, 0.04, 50.0, 10.0))}
    assert passing["net_entry_share"].value == pytest.approx(0.7) and passing["net_entry_share"].passed
    assert passing["within_firm_productivity"].value == pytest.approx(4.0)
    assert passing["within_firm_productivity"].passed
    assert passing["icor"].value == pytest.approx(5.0) and passing["icor"].passed
    failing = {c.id: c for c in growth_accounting_checks(_accounts(0.018, 0.03, 0.02, 30.0, 10.0))}
    assert not any(c.passed for c in failing.values())


def test_within_firm_check_reads_the_incumbents_mean_where_the_table_has_it():
    """F6's 2.85%/yr is a weighted mean over incumbents: the check compares it with the incumbents' mean, not
    with FHK's within term (that mean times the incumbents' share), and falls back on the within term for
    tables made before the mean was recorded."""
    def within_check(**incumbents):
        checks = {c.id: c for c in growth_accounting_checks(_accounts(0.021, 0.03, 0.028, 50.0, 10.0, **incumbents))}
        return checks["within_firm_productivity"]

    assert within_check(incumbents=0.0295).value == pytest.approx(2.95) and within_check(incumbents=0.0295).passed
    assert within_check(incumbents=0.0284).value == pytest.approx(2.84) and not within_check(incumbents=0.0284).passed
    assert within_check().value == pytest.approx(2.8) and not within_check().passed


def test_growth_checks_use_the_period_decomposition_when_given():
    """net_entry_share is F6's first-to-last-year decomposition where the firm-level runs provide it."""
    accounts = _accounts(0.021, 0.03, 0.04, 50.0, 10.0)  # yearly chained share 0.7: would pass
    checks = {c.id: c for c in growth_accounting_checks(accounts, pd.Series([0.2, 0.3]))}
    assert checks["net_entry_share"].value == pytest.approx(0.25) and not checks["net_entry_share"].passed
    assert "0.700" in checks["net_entry_share"].note


def _cross_section(**columns):
    base = {"firm_id": np.arange(3), "alive": np.array([True, True, False]),
            "value_added_100m_cny": np.array([1.0, 1.0, 0.5]), "capital_100m_cny": np.array([4.0, 4.0, 4.0]),
            "employment_persons": np.array([100.0, 100.0, 50.0]), "producing_share": np.array([1.0, 0.5, 1.0]),
            "capital_share": np.array(0.55)}
    return {**base, **columns}


def test_the_productivity_cross_section_is_the_firms_alive_at_year_end():
    """A firm that closed during the year files no annual report: it is an exiter, not a continuing firm
    whose part-year output over its whole capital looks like a productivity collapse."""
    from sim.accounting.table import cross_section_productivity

    ids, tfp, weight, complete = cross_section_productivity(_cross_section())
    assert list(ids) == [0, 1] and not complete
    ids, _, _, complete = cross_section_productivity(_cross_section(alive=np.ones(3, dtype=bool)))
    assert list(ids) == [0, 1, 2] and complete


def test_capital_counts_over_the_part_of_the_year_a_firm_produced():
    """An entrant that produced half the year with the same value added per worker and half the output of a
    full-year firm of equal capital is as productive as it."""
    from sim.accounting.table import cross_section_productivity

    snapshot = _cross_section(value_added_100m_cny=np.array([1.0, 0.5, 0.5]),
                         employment_persons=np.array([100.0, 50.0, 50.0]))
    _, tfp, _, _ = cross_section_productivity(snapshot)
    assert tfp[1] == pytest.approx(tfp[0])


def test_firms_founded_this_year_produced_part_of_it():
    from sim.model import RegionModel

    model = RegionModel(scenario("plan"), seed=1)
    while model.clock < model.steps_per_year:
        model.step()
    firms = model.firms
    rows = np.flatnonzero(firms.alive)
    share = snap.producing_share(model, rows)
    born = firms.birth_year[rows] == model.year
    assert born.any() and (share[~born] == 1.0).all()
    assert ((share[born] > 0) & (share[born] <= 1.0)).all() and share[born].mean() < 0.8


@pytest.fixture(scope="module")
def tiny_batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explain")
    files = []
    for name, parent in (("short_plan", "plan"), ("short_baseline", "baseline")):
        path = folder / f"{name}.yaml"
        path.write_text(f"extends: {ROOT / 'scenarios' / (parent + '.yaml')}\nname: {name}\n"
                        f"region: {ROOT / 'scenarios' / 'regions' / 'xinhui.yaml'}\n"
                        "horizon: {last_year: 2027}\n", encoding="utf-8")
        files.append(str(path))
    out = folder / "batch"
    proc = cli("batch", *files, "--reps", "2", "--seed", "5", "--out", str(out), "--workers", "2", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    return out


def test_explain_prints_and_writes_the_split_of_each_variant(tiny_batch):
    proc = cli("explain", str(tiny_batch))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) < 60  # the answer, growth, tertiary drivers, fiscal share by tax base, the channels
    # the first screen says the answer: the variant's difference with its interval and its largest channels
    assert lines[0].startswith("Industrial output 2027 (亿元): paired difference to short_")
    assert " − short_" in lines[1] and " [" in lines[1] and "lost projects" in lines[2] + lines[3]
    growth = next(line for line in lines if line.startswith("Growth"))
    assert lines.index(growth) < 8 and "Growth 2023-2027" in growth and "2 replicate(s)" in growth
    for text in ("short_plan GDP", "short_baseline industry VA", "+ net entry", "net entry share", "ICOR ="):
        assert text in proc.stdout, text
    table = pd.read_csv(tiny_batch / "explain.csv")
    assert set(table.variant) == {"short_plan", "short_baseline"} and (table.n == 2).all()
    from sim import results

    accounts = results.load(tiny_batch).growth_accounting
    gdp = accounts[(accounts.quantity == "gdp") & (accounts.component == "growth")
                   & (accounts.variant == "short_plan")]
    row = table[(table.variant == "short_plan") & (table.indicator == "gdp") & (table.scope == "growth")]
    assert row["mean"].item() == pytest.approx(gdp.groupby("replicate").value.mean().mean() * 100, rel=1e-12)
    assert f"{row['mean'].item():.2f} [{row.p05.item():.2f},{row.p95.item():.2f}]" in proc.stdout
    icor = table[(table.variant == "short_plan") & (table.indicator == "icor")]
    assert len(icor) == 1 and np.isfinite(icor["mean"]).all()
    district = results.load(tiny_batch).district
    last = district[(district.year == 2027) & (district.variant == "short_plan")]
    level = table[(table.variant == "short_plan") & (table.indicator == "tertiary_share") & (table.scope == "last_year")]
    assert level["mean"].item() == pytest.approx((last.gdp_tertiary_100m_cny / last.gdp_100m_cny).mean())
    assert level.unit.item() == "share of GDP" and "share, last year" in proc.stdout
    proc = cli("explain", str(tiny_batch), "--baseline", "short_baseline")
    table = pd.read_csv(tiny_batch / "explain.csv")
    assert proc.returncode == 0 and table.variant.iloc[0] == "short_baseline"
    assert (table[table.variant == "short_baseline"].diff_mean == 0).all()
    assert (table[table.variant == "short_plan"].diff_mean != 0).any()
    proc = cli("explain", str(tiny_batch), "--baseline", "nope")
    assert proc.returncode == 2 and "unknown variant 'nope'" in proc.stderr


def test_explain_rejects_a_directory_without_results(tmp_path):
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "growth_accounting.parquet").write_text("not parquet", encoding="utf-8")
    for target in (tmp_path / "missing", tmp_path, damaged):
        proc = cli("explain", str(target))
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert str(target) in proc.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["damaged", "growth_accounting.parquet"]


def test_decompose_with_known_aggregates_is_decompose_without():
    """Each year's aggregate, computed once and passed (a year's firms serve two decompositions), changes no bit."""
    rng = np.random.default_rng(7)
    p0, w0, p1, w1 = rng.normal(0, 0.3, 500), rng.lognormal(0, 1, 500), rng.normal(0.02, 0.3, 480), rng.lognormal(0, 1, 480)
    match = dec.match_firms(np.arange(500), np.arange(20, 500))
    known = (dec.aggregate(p0, w0), dec.aggregate(p1, w1))
    assert dec.decompose(p0, w0, p1, w1, match, known) == dec.decompose(p0, w0, p1, w1, match)
    assert known[0][0] == float(w0.sum()) and known[1][1] == dec._dot(w1, p1) / float(w1.sum())
    shifted = ((known[0][0], known[0][1] + 0.1), known[1])  # a wrong aggregate would show
    assert dec.decompose(p0, w0, p1, w1, match, shifted)[0]["total"] != dec.decompose(p0, w0, p1, w1, match)[0]["total"]

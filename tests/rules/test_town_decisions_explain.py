"""``xinhui-sim explain``'s integration channels: the output split adds up, the band is reported."""

import pandas as pd
import pytest

from sim.accounting import explain, explain_capital
from sim.validation.checks import ahrend_size_check


def _district(variant, replicate, output, capital, lost):
    rows = []
    for year, lost_year in ((2032, lost[0]), (2033, lost[1])):
        rows.append({"variant": variant, "replicate": replicate, "year": year, "industrial_output_100m_cny": output,
                     "capital_stock_100m_cny": capital, "project_capital_lost_100m_cny": lost_year,
                     "projects_lost": 1, "incentive_subsidy_100m_cny": 0.5, "incentive_land_discount_100m_cny": 0.1,
                     "land_developed_mu": 10.0, "land_development_100m_cny": 0.03, "project_fit_mean": 4.0,
                     "project_lag_quarters_mean": 7.0})
    return rows


def test_the_output_split_adds_up_to_the_difference_and_names_lost_projects():
    district = pd.DataFrame(_district("fragmented", 0, 100.0, 50.0, (3.0, 2.0)) + _district("plan", 0, 120.0, 55.0, (1.0, 0.0))
                            + _district("fragmented", 1, 90.0, 45.0, (0.0, 0.0)) + _district("plan", 1, 95.0, 45.0, (0.0, 0.0)))
    split = explain.output_split(district, "fragmented").set_index(["variant", "replicate", "indicator"]).value
    for replicate, (y0, y) in enumerate(((100.0, 120.0), (90.0, 95.0))):
        parts = sum(split[("plan", replicate, name)] for name in explain.OUTPUT_SPLIT[1:])
        assert parts == pytest.approx(y - y0)
    # replicate 0: the plan lost 2 of capital less in 2032 and 2 less in 2033, valued at the mean output per
    # capital (2 and 120/55) for the share that would be producing at the end of 2033 (none of 2033's)
    w = explain_capital.in_place_share(2032, 2033, 0.0, explain_capital.PipelineTimes.defaults())
    assert 0 < w < 0.1
    assert split[("plan", 0, "from_lost_projects")] == pytest.approx(2.0 * w * (2.0 + 120 / 55) / 2)
    assert split[("plan", 1, "from_lost_projects")] == 0.0
    assert split[("plan", 1, "from_other_capital")] == 0.0  # same capital: all from output per capital
    table = explain.channels(district, "fragmented")
    row = table[(table.variant == "plan") & (table.indicator == "industrial_output")].iloc[0]
    assert row.diff_mean == pytest.approx(12.5) and row.n_pairs == 2


def test_the_channels_text_names_the_channels_and_reports_the_participation_lines():
    district = pd.DataFrame(_district("fragmented", 0, 100.0, 50.0, (1.0, 1.0)) + _district("plan", 0, 110.0, 50.0, (0.0, 0.0)))
    lines = ["Participation band: ...", "  last_year: none (the drawing towns need a share >= 0.15"]
    text = explain.channels_text(explain.channels(district, "fragmented"), "fragmented", lines)
    assert text.endswith("\n".join(lines)) and "lost_projects" in text and "labour_*: labour mobility" in text


def test_labour_and_pairing_channels_sum_average_or_take_the_last_year():
    rows = []
    for variant, funds in (("fragmented", 1.0), ("plan", 3.0)):
        for year, space in ((2032, 10.0), (2033, 40.0)):
            rows.append({**_district(variant, 0, 100.0, 50.0, (0.0, 0.0))[0], "year": year,
                         "pairing_funds_100m_cny": funds, "collective_assets_m2": space * funds,
                         "commuters_in": 100.0 * funds, "net_external_migration": 5.0})
    values = explain.channel_values(pd.DataFrame(rows), "fragmented").set_index(["variant", "indicator"]).value
    assert values[("plan", "pairing_funds")] == 6.0 and values[("plan", "pairing_assets_space")] == 120.0
    assert values[("plan", "labour_commuters")] == 300.0 and values[("plan", "labour_net_migration")] == 10.0
    assert values[("plan", explain.RELATIVE_OUTPUT)] == 0.0


def test_town_participation_compares_each_towns_revenue_inside_and_outside():
    towns = pd.DataFrame([
        {"variant": "plan", "town": "a", "year": 2033, "fiscal_revenue_100m_cny": 10.0, "shared_tax_in_100m_cny": 0.0,
         "shared_tax_out_100m_cny": 5.0},
        {"variant": "plan", "town": "b", "year": 2033, "fiscal_revenue_100m_cny": 3.0, "shared_tax_in_100m_cny": 5.0,
         "shared_tax_out_100m_cny": 0.0},
        {"variant": "fragmented", "town": "a", "year": 2033, "fiscal_revenue_100m_cny": 9.5,
         "shared_tax_in_100m_cny": 0.0, "shared_tax_out_100m_cny": 0.0},
        {"variant": "fragmented", "town": "b", "year": 2033, "fiscal_revenue_100m_cny": 2.5,
         "shared_tax_in_100m_cny": 0.0, "shared_tax_out_100m_cny": 0.0}])
    low, high, losers = explain.town_participation(towns, "plan", "fragmented", 0.2)
    assert (low, high) == (pytest.approx(0.1), pytest.approx(0.3)) and losers == []


def test_the_literature_size_is_a_check_on_the_emergent_gain():
    assert ahrend_size_check(0.03, 0.01, 0.05, 2033).passed
    assert not ahrend_size_check(0.10, 0.05, 0.15, 2033).passed
    assert not ahrend_size_check(0.0, -0.01, 0.01, 2033).passed


def test_validate_reports_the_participation_band_from_town_revenues():
    from sim.validation.checks import participation_limits_check

    inside = pd.DataFrame([
        {"replicate": 0, "town": "a", "year": 2033, "fiscal_revenue_100m_cny": 10.0, "shared_tax_in_100m_cny": 0.0,
         "shared_tax_out_100m_cny": 5.0},
        {"replicate": 0, "town": "b", "year": 2033, "fiscal_revenue_100m_cny": 3.0, "shared_tax_in_100m_cny": 5.0,
         "shared_tax_out_100m_cny": 0.0}])
    check = participation_limits_check(inside, inside.assign(fiscal_revenue_100m_cny=[9.5, 2.5]), 0.2)
    assert (check.low, check.high) == (pytest.approx(0.1), pytest.approx(0.3))
    assert check.note == "last_year 0.10-0.30 | horizon 0.10-0.30"
    empty = participation_limits_check(inside, inside.assign(fiscal_revenue_100m_cny=[10.5, 3.5]), 0.2)
    assert empty.value == 0.0 and empty.note.startswith("last_year none: drawing towns need >= 0.30, hosts accept <= 0.10")


def test_explain_splits_plan_against_fragmented_by_channel_end_to_end(tmp_path):
    from tests.helpers import ROOT, cli

    files = []
    for name in ("plan", "fragmented"):  # the shipped names: explain compares them and reports the band
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"extends: {ROOT / 'scenarios' / (name + '.yaml')}\nname: {name}\n"
                        f"region: {ROOT / 'scenarios' / 'regions' / 'xinhui.yaml'}\nhorizon: {{last_year: 2027}}\n",
                        encoding="utf-8")
        files.append(str(path))
    out = tmp_path / "batch"
    proc = cli("batch", *files, "--reps", "2", "--seed", "3", "--out", str(out), "--workers", "2", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    proc = cli("explain", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "paired difference to fragmented" in proc.stdout and "Participation band" in proc.stdout
    first = proc.stdout.splitlines()[:4]  # the answer first: the difference, its interval, the channels
    assert first[0].startswith("Industrial output 2027 (亿元): paired difference to fragmented [95% interval]")
    assert first[1].startswith("  plan − fragmented: ") and "lost projects" in first[2] and "jobs" in first[3]
    table = pd.read_csv(out / "explain_channels.csv")
    plan = table[table.variant == "plan"].set_index("indicator")
    parts = sum(plan.diff_mean[name] for name in explain.OUTPUT_SPLIT[1:])
    assert parts == pytest.approx(plan.diff_mean["industrial_output"])
    assert set(explain.OUTPUT_SPLIT) | {"lost_projects", "incentives_subsidy", "land_developed",
                                        explain.LOST_IN_PLACE} <= set(plan.index)
    # what the lost projects would have in place in 2027 is a part of the capital they would have brought
    both = table[table.indicator.isin(["lost_capital", explain.LOST_IN_PLACE])].pivot(index="variant",
                                                                                     columns="indicator")["mean"]
    assert ((both[explain.LOST_IN_PLACE] >= 0) & (both[explain.LOST_IN_PLACE] < both.lost_capital)).all()
    labour_and_pairing = {"labour_net_migration", "labour_moved_between_towns", "labour_commuters",
                          "labour_industrial_jobs", "pairing_funds", "pairing_assets_bought", "pairing_assets_space",
                          "pairing_rent", explain.RELATIVE_OUTPUT}
    assert labour_and_pairing <= set(plan.index) and (plan.n_pairs[list(labour_and_pairing)] == 2).all()
    jobs_view = sum(plan.diff_mean[name] for name in explain.LABOUR_SPLIT)
    assert jobs_view == pytest.approx(plan.diff_mean["industrial_output"])
    assert "Integration effect (plan over fragmented" in proc.stdout and "lit §6.7 band 2.1%-4.2%" in proc.stdout
    towns = pd.read_csv(out / explain.PARTICIPATION_FILE)
    assert set(towns.period) == {"last_year", "horizon"} and towns.town.nunique() == 11
    assert "last_year:" in proc.stdout and "horizon:" in proc.stdout


def test_the_fiscal_share_difference_is_split_by_source_and_names_the_largest():
    from sim.accounting.fiscal_share import FLOWS_INDICATOR, INDICATOR, fiscal_text
    from sim.batch.compare import summarize

    rows = []
    for replicate in (0, 1):
        for variant, land, vat in (("fragmented", 0.5, 1.8), ("plan", 0.6 + 0.02 * replicate, 1.8)):
            parts = {"vat": vat, "land": land}
            rows += [{"indicator": INDICATOR, "scope": s, "year": "2023-2033", "variant": variant,
                      "replicate": replicate, "value": v} for s, v in {**parts, "total": sum(parts.values())}.items()]
            rows.append({"indicator": FLOWS_INDICATOR, "scope": "land_income", "year": "2023-2033",
                         "variant": variant, "replicate": replicate, "value": 2.0 + land})
    text = "\n".join(fiscal_text(summarize(pd.DataFrame(rows), "fragmented")))
    assert "Difference to fragmented" in text
    assert "plan: +0.11 points of GDP against fragmented, mostly land (+0.11)" in text
    assert "beside it: land income +0.11 [" in text


def test_the_band_uses_the_revenue_share_the_batchs_plan_ran_with(tmp_path):
    (tmp_path / "scenarios").mkdir()
    assert explain.plan_revenue_share(tmp_path) == pytest.approx(0.2)  # no resolved scenario: the shipped plan's
    (tmp_path / "scenarios" / "plan.yaml").write_text("name: plan\nintegration:\n  revenue_share: 0.35\n",
                                                     encoding="utf-8")
    assert explain.plan_revenue_share(tmp_path) == pytest.approx(0.35)


def test_the_labour_split_adds_up_to_the_output_difference():
    rows = []
    for variant, replicate, output, jobs in (("fragmented", 0, 100.0, 10.0), ("plan", 0, 120.0, 11.0),
                                             ("fragmented", 1, 90.0, 9.0), ("plan", 1, 90.0, 9.0)):
        rows += [{**row, "industrial_employment_10k": jobs}
                 for row in _district(variant, replicate, output, 50.0, (0.0, 0.0))]
    split = explain.labour_split(pd.DataFrame(rows), "fragmented").set_index(["variant", "replicate", "indicator"]).value
    assert split[("plan", 0, "from_industrial_jobs")] + split[("plan", 0, "from_output_per_job")] == pytest.approx(20.0)
    assert split[("plan", 0, "from_industrial_jobs")] == pytest.approx(1.0 * (120 / 11 + 10.0) / 2)
    assert split[("plan", 1, "from_industrial_jobs")] == 0.0 and split[("plan", 1, "from_output_per_job")] == 0.0

"""``explain``'s lost-projects channel counts what the lost capital would have had in place and producing in the
last year (sim/accounting/explain_capital.py): the pipeline's timing, depreciation and survival, from the run."""

import numpy as np
import pandas as pd
import pytest

from sim.accounting import explain
from sim.accounting.explain_capital import (
    PipelineTimes,
    approval_delay,
    exit_hazard,
    in_place_by_run,
    in_place_share,
    variant_times,
)

FIXED = PipelineTimes(construction_min=4, construction_max=4, ramp=4, expansion_share=0.0, depreciation=0.1)


def test_a_project_counts_only_the_slices_built_by_the_end_of_the_last_year():
    # signed in quarter j of 2030, producing 4 quarters later, 4 slices of 1/4: by the end of 2031, j = 0 has
    # all 4, j = 1 three, j = 2 two, j = 3 one; nothing depreciates in its year of arrival
    assert in_place_share(2030, 2031, 0.0, FIXED) == pytest.approx((4 + 3 + 2 + 1) / 16)
    assert in_place_share(2031, 2031, 0.0, FIXED) == 0.0  # lost in the last year: never producing in it
    # one year later the 2031 slices depreciated once, the 2032 ones not yet
    assert in_place_share(2030, 2032, 0.0, FIXED) == pytest.approx((10 * 0.9 + 6) / 16)
    # a delay of one quarter moves every slice one quarter later; half a quarter sits halfway
    late = in_place_share(2030, 2031, 1.0, FIXED)
    assert late == pytest.approx((3 + 2 + 1 + 0) / 16)
    assert in_place_share(2030, 2031, 0.5, FIXED) == pytest.approx((late + 10 / 16) / 2)


def test_survival_and_an_earlier_loss_scale_the_share():
    hazard = {year: 0.1 for year in range(2023, 2034)}
    alive = in_place_share(2025, 2033, 0.0, FIXED)
    dying = in_place_share(2025, 2033, 0.0, FIXED, hazard)
    # produced in quarter j of 2026: its 4 - j quarters left of 2026, then 2027-2033, at 10% a year; slices
    # of 2026 depreciate 7 times, of 2027 6 times
    kept = [(4 - j) / 4 * 0.9 ** 7 + j / 4 * 0.9 ** 6 for j in range(4)]
    survive = [(1 - 0.1 * (4 - j) / 4) * 0.9 ** 7 for j in range(4)]
    assert alive == pytest.approx(sum(kept) / 4)
    assert dying == pytest.approx(sum(k * s for k, s in zip(kept, survive)) / 4)
    shares = [in_place_share(year, 2033, 1.0, PipelineTimes.defaults()) for year in range(2023, 2034)]
    assert shares[-1] == 0.0 and shares[-2] < 0.05 and all(0 <= s <= 1 for s in shares)
    assert max(shares) < 0.9  # depreciation: never the whole capital
    assert np.argmax(shares) not in (0, 10)  # early losses depreciate, late ones never produce


def test_the_delay_and_the_hazard_come_from_the_runs_producing_projects_and_above_scale_firms():
    run = pd.DataFrame({"year": [2023, 2024, 2025], "project_lag_quarters_mean": [0.0, 9.0, 12.0],
                        "projects_producing": [0, 10, 30], "firms_above_scale": [100, 200, 100],
                        "above_scale_exits": [5, 10, 40]})
    assert approval_delay(run, PipelineTimes.defaults()) == pytest.approx((90 + 360) / 40 - 8)
    assert exit_hazard(run) == pytest.approx({2023: 0.05, 2024: 0.10, 2025: 0.20})


def _runs(lost_base, lost_variant, capital_gap=0.0, rho=2.0, years=range(2023, 2034)):
    """Two variants, one replicate: the baseline loses ``lost_base`` (year -> 亿元 of capital), the variant
    ``lost_variant``; the variant's last-year capital is higher by ``capital_gap``, output per capital ``rho``."""
    rows = []
    for variant, lost, gap in (("fragmented", lost_base, 0.0), ("plan", lost_variant, capital_gap)):
        for year in years:
            capital = 100.0 + (gap if year == max(years) else 0.0)
            rows.append({"variant": variant, "replicate": 0, "year": year, "capital_stock_100m_cny": capital,
                         "industrial_output_100m_cny": rho * capital, "project_capital_lost_100m_cny":
                         lost.get(year, 0.0), "projects_lost": int(lost.get(year, 0.0) > 0),
                         "project_lag_quarters_mean": 9.0, "projects_producing": 10, "price_index": 1.0,
                         "firms_above_scale": 100, "above_scale_exits": 5})
    return pd.DataFrame(rows)


def _split(district):
    return explain.output_split(district, "fragmented").set_index(["variant", "indicator"]).value


def test_no_difference_in_lost_projects_gives_nothing_to_that_channel():
    split = _split(_runs({2025: 10.0, 2030: 4.0}, {2025: 10.0, 2030: 4.0}, capital_gap=7.0))
    assert split[("plan", "from_lost_projects")] == 0.0
    assert split[("plan", "from_other_capital")] == pytest.approx(2.0 * 7.0)
    assert split[("plan", "from_output_per_capital")] == pytest.approx(0.0, abs=1e-12)


def test_a_toy_batch_whose_split_is_known():
    # the baseline loses 10 of capital in 2026; the plan keeps it and has exactly what of it would be in
    # place in 2033 (the kernel of the baseline's run): all of the output gap is the lost-projects channel
    district = _runs({2026: 10.0}, {}, capital_gap=0.0)
    in_place = in_place_by_run(district)[("fragmented", 0)]
    assert 0 < in_place < 10.0 * 0.8
    district = _runs({2026: 10.0}, {}, capital_gap=in_place)
    split = _split(district)
    gap = split[("plan", "industrial_output")] - split[("fragmented", "industrial_output")]
    assert gap == pytest.approx(2.0 * in_place)
    assert split[("plan", "from_lost_projects")] == pytest.approx(gap)
    assert split[("plan", "from_other_capital")] == pytest.approx(0.0, abs=1e-9)
    # the old measurement valued all 10 at rho: it overstated the channel by 10 - in_place, put in other capital
    assert split[("plan", "from_lost_projects")] < 2.0 * 10.0


def test_the_channels_and_the_residual_add_up_exactly_and_a_late_loss_counts_less():
    early = _split(_runs({2024: 10.0}, {}, capital_gap=3.0, rho=1.7))
    late = _split(_runs({2033: 10.0}, {}, capital_gap=3.0, rho=1.7))
    for split in (early, late):
        parts = sum(split[("plan", name)] for name in explain.OUTPUT_SPLIT[1:])
        gap = split[("plan", "industrial_output")] - split[("fragmented", "industrial_output")]
        assert parts == pytest.approx(gap, rel=1e-12, abs=1e-12)
        assert split[("fragmented", "from_lost_projects")] == 0.0
    assert late[("plan", "from_lost_projects")] == 0.0 < early[("plan", "from_lost_projects")]


def test_the_channel_table_reports_the_in_place_capital_and_a_runs_posterior_keys(tmp_path):
    district = _runs({2026: 10.0}, {2026: 4.0})
    table = explain.channels(district, "fragmented").set_index(["variant", "indicator"])
    in_place = table.loc[("fragmented", explain.LOST_IN_PLACE)]
    assert in_place["mean"] == pytest.approx(in_place_by_run(district)[("fragmented", 0)])
    assert table.loc[("plan", explain.LOST_IN_PLACE)].diff_mean < 0 and in_place.unit.startswith("亿元")
    slow = district.assign(firms__depreciation_rate_per_year=0.3)  # a posterior draw of the key: used
    assert in_place_by_run(slow)[("fragmented", 0)] < in_place_by_run(district)[("fragmented", 0)]
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "plan.yaml").write_text("investment: {ramp_up_quarters: 2}\n", encoding="utf-8")
    times = variant_times(tmp_path, ["plan", "fragmented"])
    assert times["plan"].ramp == 2 and times["fragmented"] == PipelineTimes.defaults()


def _row_truth(model):
    """Step ``model`` to its end; per project row: signing year, status, capital (I φ_f) and what of it is in
    place at the end (each step's handed capacity, depreciated from the year after, in a live district firm)."""
    handed, left, produce = [], np.zeros(0), np.zeros(0, dtype=np.int64)
    while model.running:
        year = model.first_year + model.clock // model.steps_per_year
        model.step()
        proj = model.projects
        now_left, now_produce = np.array(proj.capacity_left), np.array(proj.produce_step)
        left = np.concatenate([left, np.zeros(now_left.size - left.size)])
        produce = np.concatenate([produce, np.full(now_produce.size - produce.size, -1)])
        full = np.array(proj.investment) * model.investment_params.funds_in_place_share / (
            model.params.firms.capital_output_ratio * np.maximum(np.array(proj.capital_intensity), 1e-12))
        before = np.where((now_produce >= 0) & (produce < 0), full, left)
        handed.append((year, np.where(now_produce >= 0, before - now_left, 0.0)))
        left, produce = now_left, now_produce
    proj, firms = model.projects, model.params.firms
    firm = np.array(proj.firm_row)
    # in place: in a firm alive at the end and in the district's accounts (not the co-built park's)
    alive = (firm >= 0) & (model.firms.alive & model.in_district())[np.maximum(firm, 0)]
    capital = firms.capital_output_ratio * np.array(proj.capital_intensity)
    in_place = np.zeros(left.size)
    for year, step in handed:
        in_place[: step.size] += step * capital[: step.size] * (1 - firms.depreciation_rate_per_year) ** (model.last_year - year)
    return pd.DataFrame({"sign_year": model.first_year + np.floor_divide(np.array(proj.sign_step), model.steps_per_year),
                         "status": np.array(proj.status), "in_place": in_place * alive,
                         "capital": np.array(proj.investment) * model.investment_params.funds_in_place_share})


def _pipeline_truth(model):
    """Per signing year, the placed projects' capital and what of it is in place at the end (``_row_truth``)."""
    from sim.rules.investment import ProjectStatus

    rows = _row_truth(model)
    placed = ~rows.status.isin([ProjectStatus.LOST, ProjectStatus.ABANDONED]) & (rows.sign_year >= model.first_year)
    return rows[placed].groupby("sign_year")[["capital", "in_place"]].sum()


def test_the_kernel_from_the_tables_matches_the_pipeline_of_the_projects_that_landed():
    from sim.model import RegionModel

    model = RegionModel("plan", rng=1)
    truth = _pipeline_truth(model)
    district = pd.DataFrame(model.records.rows["district"])
    times = PipelineTimes.defaults()
    delay, hazard = approval_delay(district, times), exit_hazard(district)
    kernel = sum(row.capital * in_place_share(int(year), model.last_year, delay, times, hazard)
                 for year, row in truth.iterrows())
    assert truth.in_place.sum() > 0.25 * truth.capital.sum()
    assert kernel == pytest.approx(truth.in_place.sum(), rel=0.1)  # seeds 1-3: within 4%
    assert kernel < 0.75 * truth.capital.sum()  # the old measurement counted all of it


def test_the_channel_measures_the_capital_the_kept_projects_have_in_place_in_the_plan():
    """Common random numbers: plan and fragmented sign the same projects (the same rows), so the projects that
    fragmented lost and the plan kept are known, and so is what their capital is in the plan at the end."""
    from sim.model import RegionModel
    from sim.rules.investment import ProjectStatus

    rows, district = {}, []
    for variant in ("plan", "fragmented"):
        model = RegionModel(variant, rng=1)
        rows[variant] = _row_truth(model)
        district.append(pd.DataFrame(model.records.rows["district"]).assign(variant=variant, replicate=0))
    plan, fragmented = rows["plan"], rows["fragmented"]
    n = min(len(plan), len(fragmented))
    plan, fragmented = plan.iloc[:n], fragmented.iloc[:n]
    assert (plan.capital.to_numpy() == fragmented.capital.to_numpy()).all()  # the same projects, row by row
    kept = (fragmented.status == ProjectStatus.LOST).to_numpy() & (plan.status != ProjectStatus.LOST).to_numpy()
    gave = (plan.status == ProjectStatus.LOST).to_numpy() & (fragmented.status != ProjectStatus.LOST).to_numpy()
    truth = plan.in_place[kept].sum() - fragmented.in_place[gave].sum()
    district = pd.concat(district, ignore_index=True)
    price = district[district.variant == "plan"].sort_values("year").price_index.iloc[-1]
    in_place = in_place_by_run(district)
    measured = (in_place[("fragmented", 0)] - in_place[("plan", 0)]) / price  # at 2022 prices, like the truth
    assert kept.sum() > 20 and truth > 0
    assert measured == pytest.approx(truth, rel=0.25)  # seeds 1-9: -9% to +15%; summed over seeds 1-10 +3.5%
    all_capital = plan.capital[kept].sum() - fragmented.capital[gave].sum()
    assert all_capital > 2.5 * truth  # what the old measurement counted: all the capital lost, built or not

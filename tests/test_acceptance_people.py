"""Acceptance of issue 12 (people and places), the points no other test covers.

The behaviour tests of the issue are in tests/rules/test_people.py (commuting, a labour-supply shock, a town
that gains jobs) and tests/rules/test_services.py (household income and consumer services); this file adds
the 2023 bands read from the output tables on the issue's ensemble (mean of seeds 1-10 of ``plan``), the
population identity in every year of every run of a batch written by ``xinhui-sim batch``, and the
urban-rural income ratio in the comparison of every shipped variant.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.batch import store
from sim.model import RegionModel
from sim.validation.services_checks import CHAIN_2023
from tests.helpers import SCENARIOS, cli, first_year, scenario

JOBS_2023_10K = {"primary": 4.07, "secondary": 16.72, "tertiary": 36.68}  # facts §4a, 万人; total 57.47
TERTIARY_2023_100M_CNY = 427.89  # 2023年新会区统计公报 (facts §4a)
LAST_YEAR = 2033


@pytest.fixture(scope="module")
def base():
    return first_year()["district"]


def test_2023_jobs_unemployment_and_the_chenpi_chain_in_the_output_table_are_near_the_data(base):
    total = sum(JOBS_2023_10K.values())
    assert base.jobs_10k.mean() == pytest.approx(total, rel=0.05)
    for sector, jobs in JOBS_2023_10K.items():
        assert abs((base[f"jobs_{sector}_10k"] / base.jobs_10k).mean() - jobs / total) < 0.02, sector
    assert 0.015 <= base.unemployment_rate.mean() <= 0.03
    assert (base.employed_residents_10k <= base.labour_force_10k).all()
    assert base.chenpi_chain_value_100m_cny.mean() == pytest.approx(CHAIN_2023, rel=0.15)
    # services are calibrated to 2022 on the base year's incomes: were those counted otherwise than 2023's (farm
    # jobs paid the town wage in the base year only), consumer services fell 5% in the first year
    # (measured 2026-12-01: 429.5亿, mean of 10 seeds; 419.4亿 with the base year's farm jobs paid). With the base
    # year's wage at its own capital deepening (labour_market.base_year_wage, branch s6-hist) household income grows
    # 4.5% in 2023 (2.1% before; Jiangmen +5.2%, facts §4b) and tertiary output is 435.4亿, +1.8%: with industry
    # +9.6% and the 陈皮 chain +21% in 2023 the services' parts grow faster than the bulletin's +4.6% (a misfit,
    # docs/calibration.md §5 "The slow first year"); the band is 2%, still well inside the 5% fall it guards against
    assert base.gdp_tertiary_100m_cny.mean() == pytest.approx(TERTIARY_2023_100M_CNY, rel=0.02)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Every shipped variant x 2 replicates over the whole horizon, at a fifth of the firms, by the CLI."""
    out = tmp_path_factory.mktemp("acceptance") / "batch"
    done = cli("-q", "batch", *sorted(str(p) for p in SCENARIOS.glob("*.yaml")), "--reps", "2", "--seed", "5",
               "--out", str(out), "--no-progress", "--workers", "2", "--set", "scale=0.2")
    assert done.returncode == 0, done.stderr
    compared = cli("-q", "compare", str(out), "--baseline", "plan")
    assert compared.returncode == 0, compared.stderr
    return out


def read(out, table: str) -> pd.DataFrame:
    return store.table_dataset(out, table, store.done_runs(out)).to_table().to_pandas()


def test_the_population_identity_holds_in_every_year_of_every_run_of_a_batch(batch):
    towns = read(batch, "towns").sort_values(["run_id", "town", "year"])
    district = read(batch, "district").sort_values(["run_id", "year"])
    assert district.run_id.nunique() == 2 * len(list(SCENARIOS.glob("*.yaml")))
    assert (district.groupby("run_id").year.agg(list) == pd.Series({r: list(range(2023, LAST_YEAR + 1))
                                                                    for r in district.run_id.unique()})).all()
    start = {t.id: t.population_2022 for t in scenario("plan").region.towns}
    before = towns.groupby(["run_id", "town"]).population.shift(1).fillna(towns.town.map(start))
    flows = towns.births - towns.deaths + towns.net_internal_migration + towns.net_external_migration
    assert (towns.population - before == flows).all()
    assert (towns.groupby(["run_id", "year"]).net_internal_migration.sum() == 0).all()
    by_year = towns.groupby(["run_id", "year"])[["population", "births", "deaths", "net_external_migration"]].sum()
    pd.testing.assert_frame_equal(by_year, district.set_index(["run_id", "year"])[by_year.columns],
                                  check_dtype=False)
    d_before = district.groupby("run_id").population.shift(1).fillna(sum(start.values()))
    assert (district.population - d_before == district.births - district.deaths
            + district.net_external_migration).all()


def test_the_urban_rural_income_ratio_is_reported_for_every_variant(batch):
    compared = pd.read_csv(batch / "compare_indicators.csv")
    ratio = compared[compared.indicator == "urban_rural_income_ratio"]
    variants = {p.stem for p in SCENARIOS.glob("*.yaml")}
    for year in (2023, LAST_YEAR):
        rows = ratio[ratio.year == year].set_index("variant")
        assert set(rows.index) == variants, year
        assert all(math.isfinite(v) and 1.0 < v < 3.0 for v in rows["mean"]), year
    shown = [line for line in (batch / "compare.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("| urban_rural_income_ratio |")]
    assert {line.split("|")[4].strip() for line in shown} == variants  # the table's variant column


def town_wages_2027(commuting_cost_per_km: float, seed: int) -> pd.Series:
    model = RegionModel(scenario("plan", {"horizon": {"last_year": 2027},
                                          "people": {"commuting_cost_per_km": commuting_cost_per_km}}), seed=seed)
    towns = pd.DataFrame(model.run().tables()["towns"])
    return towns[towns.year == 2027].set_index("town").wage_10k_cny


@pytest.mark.parametrize("seed", [1, 2])
def test_cheaper_commuting_narrows_the_wage_gap_between_towns_in_a_full_run(seed):
    """tests/rules/test_people.py shows it in one clearing of the base-year market with a boom in one town;
    here the whole model runs five years. Measured 2026-12-01 (log max/min wage, 2027): 0.07-0.19 at a cost of
    0.5 per km, 0.011-0.016 at 0.1. Not asserted: the jobs in the towns that import commuters, which moved by
    -2% to +2% over four seeds, since the district as a whole, not one town, is short of workers."""
    dear, cheap = (np.log(town_wages_2027(cost, seed)) for cost in (0.5, 0.1))
    assert np.ptp(cheap) < 0.5 * np.ptp(dear)


def industry_2023_2027(overrides: dict, seed: int) -> pd.DataFrame:
    model = RegionModel(scenario("plan", {"horizon": {"last_year": 2027}, **overrides}), seed=seed)
    district = pd.DataFrame(model.run().tables()["district"]).set_index("year")
    return district[["industrial_output_100m_cny", "industrial_employment_10k"]]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_labour_supply_shock_slows_industrial_growth_because_firms_cannot_hire(seed):
    """15% fewer workers per working-age resident from the start. The channel is hiring: a town's employers get
    the workers its market matches, and a firm's sales are capped at what its workers make
    (``labour.start_year``). Measured 2026-12-01, log growth of industrial output 2023-2027, normal minus
    shocked: 0.100 (seed 1) and 0.091 (seed 2), industrial jobs 80-87% of the normal run's; with the cap
    removed (``firms.demand[rows] *= fill`` dropped, or ``TownLabourMarket.hire`` granting every worker wanted)
    only the wage is left to act: the gap is 0.010 and 0.017 and the jobs 96-99.5%. The bounds lie between."""
    normal = industry_2023_2027({}, seed)
    shocked = industry_2023_2027({"people": {"labour_force_per_working_age_resident": 0.85}}, seed)
    growth = {name: float(np.log(t.industrial_output_100m_cny[2027] / t.industrial_output_100m_cny[2023]))
              for name, t in (("normal", normal), ("shocked", shocked))}
    assert growth["shocked"] < growth["normal"] - 0.03
    jobs = shocked.industrial_employment_10k / normal.industrial_employment_10k
    assert (jobs < 0.92).all()  # industry is short of workers in every year, not only at the start

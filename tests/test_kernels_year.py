"""The year-close kernels (sim/kernels_year.py): compiled loops give exactly the numbers of their numpy versions,
and the numpy versions are the taxes and wage bills public finance and the households' settlement book."""

import numpy as np
import pytest

from sim import kernels, kernels_year
from sim.model import RegionModel
from sim.rules import households, public_finance
from tests.helpers import scenario

numba_kernels = kernels_year.compiled()
needs_numba = pytest.mark.skipif(numba_kernels is None, reason="numba not installed or disabled")


def firm_table(n: int, seed: int = 3) -> tuple[dict, np.ndarray]:
    """Random firm columns: some not producing, some outside parks (-1), some in the one outside park (2)."""
    rng = np.random.default_rng(seed)
    firms = {"output": np.where(rng.random(n) < 0.8, rng.lognormal(-3, 1.5, n), 0.0),
             "park": rng.integers(-1, 4, n).astype(np.int16), "sector": rng.integers(0, 8, n).astype(np.int16),
             "town": rng.integers(0, 11, n).astype(np.int16), "zone": rng.integers(0, 3, n).astype(np.int16),
             "origin_town": np.where(rng.random(n) < 0.1, rng.integers(0, 11, n), -1).astype(np.int16),
             "va_ratio": rng.random(8),
             "high_tech": rng.random(n) < 0.2, "profit": rng.normal(0.0, 0.05, n),
             "employment": rng.lognormal(3, 1, n), "capital_intensity": rng.random(n) + 0.5,
             "capacity": rng.lognormal(-3, 1.5, n), "land_mu": rng.lognormal(2, 1, n)}
    outside = np.array([False, False, True, False, False])  # by park, and a last False for park -1
    firms["origin_town"] = np.where(firms["origin_town"] < 0, firms["town"], firms["origin_town"])  # 10%: drawn
    return firms, outside


RATES = np.array([0.13, 0.25, 0.15, 0.6, 0.03, 9.1, 0.012, 1.4, 6.0, 0.12])


@needs_numba
def test_each_year_kernel_equals_its_numpy_version():
    firms, outside = firm_table(60_000)
    tax_sums, wage_bills = numba_kernels[:2]
    got, handed, away, bills, by_town, by_cluster = tax_sums(
        firms["output"], firms["park"], outside, firms["sector"], firms["town"], firms["zone"], firms["origin_town"],
        firms["va_ratio"], firms["high_tech"], firms["profit"], firms["employment"], firms["capital_intensity"],
        firms["capacity"], firms["land_mu"], RATES, 11, 3, 8)
    expected = kernels_year.tax_sums_numpy(firms, outside, RATES, 11, 8)
    np.testing.assert_array_equal(got, expected[0])
    # the handed-on firms (drawn by another town) and those outside the district that produced, in row order
    produced, inside = firms["output"] > 0, ~outside[firms["park"]]
    np.testing.assert_array_equal(handed, np.flatnonzero(produced & inside & (firms["origin_town"] != firms["town"])))
    np.testing.assert_array_equal(away, np.flatnonzero(produced & ~inside))
    for mine, reference in zip((handed, away), expected[1:], strict=True):
        np.testing.assert_array_equal(mine, reference)
    assert handed.size > 0 and away.size > 0
    # the by-products: the wage bills (at the rates' wage, 9.1) and the employment by town and by zone x sector
    np.testing.assert_array_equal(bills, kernels_year.wage_bills_numpy(
        firms["output"], firms["park"], outside, firms["sector"], firms["employment"], 9.1, 8))
    employment = np.where(firms["output"] > 0, firms["employment"], 0.0)  # as the firm accounts leave it
    got = tax_sums(firms["output"], firms["park"], outside, firms["sector"], firms["town"], firms["zone"],
                   firms["origin_town"], firms["va_ratio"], firms["high_tech"], firms["profit"], employment, firms["capital_intensity"],
                   firms["capacity"], firms["land_mu"], RATES, 11, 3, 8)
    expected = kernels.district_sums_numpy(employment, np.ones(employment.size, dtype=bool), False, outside,
                                           firms["park"], firms["town"], firms["zone"], firms["sector"], 11, 3, 8)
    np.testing.assert_array_equal(got[4], expected[0])
    np.testing.assert_array_equal(got[5], expected[1])
    np.testing.assert_array_equal(
        wage_bills(firms["output"], firms["park"], outside, firms["sector"], firms["employment"], 9.1, 8),
        kernels_year.wage_bills_numpy(firms["output"], firms["park"], outside, firms["sector"], firms["employment"],
                                      9.1, 8))


def test_tax_sums_count_producing_firms_in_the_district_only():
    firms, outside = firm_table(2_000)
    sums = kernels_year.tax_sums_numpy(firms, outside, RATES, 11, 8)[0]
    taxed = (firms["output"] > 0) & (firms["park"] != 2)
    rows = np.flatnonzero(taxed)
    vat = RATES[0] * firms["output"][rows] * firms["va_ratio"][firms["sector"][rows]]
    assert sums[0].sum() == pytest.approx(vat.sum(), rel=1e-12)
    land = (RATES[8] * firms["land_mu"][rows] / 1e4).sum()
    assert sums[4].sum() == pytest.approx(land, rel=1e-12)
    assert (sums[1] >= 0).all()  # CIT on positive profits only
    cells = firms["sector"][rows].astype(int) * 11 + firms["town"][rows]
    assert set(np.flatnonzero(sums[4])) == set(cells.tolist())


def test_public_finance_books_the_kernels_taxes(monkeypatch):
    """What collect posts as tax:vat is the VAT of the producing firms in the district plus the services'."""
    model = RegionModel.from_scenario(scenario("plan"), seed=1)
    for _ in range(model.steps_per_year):
        model.step()
    flows = model.ledger.years[model.year]
    posted = sum(v for (payer, _, item), v in flows.items() if item == "tax:vat" and payer.startswith("firms:")
                 and payer != public_finance.SERVICES)
    firms = model.firms
    rows = np.flatnonzero((firms.output_last_year > 0) & model.in_district())
    expected = public_finance.firm_taxes(model, rows)["vat"].sum()
    assert posted == pytest.approx(expected, rel=1e-9)


@needs_numba
def test_compiled_firm_accounts_book_what_the_numpy_accounts_book(monkeypatch):
    from sim.rules import firm_dynamics

    columns, checked = ("employment", "profit", "loss_years"), []

    def both_paths(model):  # each year's accounts: the numpy path, then the compiled one from the same state
        firms = model.firms
        rows = np.flatnonzero(firms.output_year > 0)
        start = {name: getattr(firms, name).copy() for name in columns}
        expected = firm_dynamics.book_accounts(model, rows)
        booked = {name: getattr(firms, name).copy() for name in columns}
        for name in columns:
            getattr(firms, name)[:] = start[name]
        got = firm_dynamics.book_accounts_compiled(model, rows, numba_kernels[2])
        for name in columns:
            np.testing.assert_array_equal(getattr(firms, name), booked[name])
        np.testing.assert_array_equal(np.stack(got), np.stack(expected))
        checked.append(int((booked["loss_years"] > 0).sum()))
        model.sector_profit_rate = np.where(got[0] > 0, got[1] / np.maximum(got[0], 1e-12), model.base_profit_rate)

    monkeypatch.setattr(firm_dynamics, "account_firms", both_paths)
    model = RegionModel.from_scenario(scenario("plan", {"scale": 2}), seed=2)
    for _ in range(3 * model.steps_per_year):
        model.step()
    assert len(checked) == 3 and checked[-1] > 0  # some firms are in a loss streak


def industry_table(n: int, seed: int = 5) -> tuple:
    """Place keys, output (some zero, some over 10亿元), the in-district mask, origin and host towns (a few
    drawn by another town) and sectors of ``n`` random firm rows, and the numbers of towns and sectors."""
    rng = np.random.default_rng(seed)
    output = np.where(rng.random(n) < 0.8, rng.lognormal(-2, 2.5, n), 0.0)
    town, sector = rng.integers(0, 11, n).astype(np.int16), rng.integers(0, 8, n).astype(np.int16)
    origin = np.where(rng.random(n) < 0.05, rng.integers(0, 11, n), town).astype(np.int16)
    return rng.integers(0, 300, n).astype(np.int64), output, rng.random(n) < 0.9, origin, town, sector, 11, 8


@needs_numba
def test_compiled_industry_sums_equal_the_numpy_version_bit_for_bit():
    keys, output, inside, *places = industry_table(60_000)
    by_place, above, over, handed, by_town_sector = kernels_year.industry_sums(keys, output, 0.2, inside, 300,
                                                                              *places)
    expected = kernels_year.industry_sums_numpy(keys, output, 0.2, inside, 300, *places)
    np.testing.assert_array_equal(by_town_sector, expected[4])
    np.testing.assert_array_equal(by_place, expected[0])
    np.testing.assert_array_equal(above, expected[1])
    assert over == expected[2] > 0
    np.testing.assert_array_equal(handed, expected[3])
    assert handed.dtype == expected[3].dtype and expected[3].size > 0


def test_industry_sums_find_the_handed_on_producers():
    keys, output, inside, origin, town, *sectors = industry_table(3_000)
    *_, handed, _ = kernels_year.industry_sums_numpy(keys, output, 0.2, inside, 300, origin, town, *sectors)
    produced = output > 0
    assert set(handed) == {i for i in range(3_000) if produced[i] and inside[i] and origin[i] != town[i]} != set()


def test_industry_sums_split_output_by_place_and_size():
    keys, output, inside, *places = industry_table(3_000)
    by_place, above, over, *_ = kernels_year.industry_sums_numpy(keys, output, 0.2, inside, 300, *places)
    assert by_place.sum() == pytest.approx(output.sum(), rel=1e-12)
    assert above.sum() == pytest.approx(output[output >= 0.2].sum(), rel=1e-12)
    assert (above <= by_place).all() and above[keys[0]] <= by_place[keys[0]]
    assert over == np.count_nonzero((output >= 10.0) & inside)
    assert by_place[keys[0]] == pytest.approx(output[keys == keys[0]].sum(), rel=1e-12)


def test_account_industry_books_the_place_tables_of_all_and_above_scale_firms():
    """The one-pass industry sums are what the place tables of all firms and of the above-scale firms give."""
    model = RegionModel.from_scenario(scenario("plan"), seed=1)
    for _ in range(model.steps_per_year - 1):
        model.step()
    output = model.firms.output_year
    industry = model.account_industry()
    outside = model.outside_slots[None, :, None]
    rows = np.flatnonzero(output >= model.params.firms.above_scale_threshold_100m_cny)
    np.testing.assert_array_equal(industry["above_scale_by_place"],
                                  np.where(outside, 0.0, model.place_table(rows, output[rows])))
    np.testing.assert_array_equal(industry["output_by_place"], np.where(outside, 0.0, model.place_table(None, output)))
    assert industry["firms_over_1bn_cny_output"] == np.count_nonzero((output >= 10.0) & model.in_district())
    firms = model.firms
    n_sectors = len(model.sector_ids)  # the village rents' output by town x sector (collective_assets)
    _, by_town_sector = kernels.district_sums_numpy(output, firms.alive, False, model.park_outside, firms.park,
                                                    firms.sector, firms.town, firms.sector, n_sectors,
                                                    len(model.towns), n_sectors)
    np.testing.assert_array_equal(industry["output_by_town_sector"].ravel(), by_town_sector)
    assert by_town_sector.sum() > 0


def live_table(n: int, seed: int = 8) -> tuple:
    """Random live rows (ascending, read-only), district flags, statuses, place keys and capital columns."""
    rng = np.random.default_rng(seed)
    live = np.flatnonzero(rng.random(n) < 0.45)
    live.setflags(write=False)
    return (live, rng.random(n) < 0.95, rng.random(n) < 0.15, rng.random(n) < 0.1, rng.integers(0, 300, n),
            rng.random(n) + 0.5, rng.lognormal(-3, 1.5, n), 1.4, 300)


@needs_numba
def test_compiled_live_firm_sums_equal_the_numpy_version_bit_for_bit():
    table = live_table(60_000)
    got = kernels_year.live_firm_sums(*table)
    expected = kernels_year.live_firm_sums_numpy(*table)
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[0].dtype == expected[0].dtype and got[1:4] == expected[1:4] and expected[2] > 0
    np.testing.assert_array_equal(got[4], expected[4])
    assert float(got[4].sum()) == float(expected[4].sum())


def test_live_firm_columns_are_the_live_firms_place_table_counts_and_capital():
    """The district row's live-firm columns and the place table of live firms, as the masks over all rows give
    them (after a year and a half: firms have entered, exited and the co-built park produces)."""
    from sim import indicators
    from sim.rules import capital

    model = RegionModel.from_scenario(scenario("plan"), seed=2)
    for _ in range(model.steps_per_year + 2):
        model.step()
    firms, live = model.firms, model.live_in_district()
    columns = indicators.live_firm_columns(model)
    np.testing.assert_array_equal(columns["by_place"], model.place_table(np.flatnonzero(firms.alive)))
    assert columns["firms"] == np.count_nonzero(live) < firms.n
    assert columns["firms_above_scale"] == np.count_nonzero(live & firms.above_scale) > 0
    assert columns["high_tech_firms"] == np.count_nonzero(live & firms.high_tech) > 0
    assert columns["capital_stock_100m_cny"] == float(capital.capital_stock(model, np.flatnonzero(live)).sum())


@needs_numba
def test_the_tax_pass_gives_the_wage_bills_and_employment_of_the_year(monkeypatch):
    """At compiled scales (here every size) the tax pass's by-products, which the year's close hands to the
    households' settlement and the tables, are what their own passes add up after the year's accounts."""
    monkeypatch.setattr(kernels, "MIN_ROWS", 1)
    model = RegionModel.from_scenario(scenario("plan"), seed=2)
    handed_on, settle = [], households.settle
    monkeypatch.setattr(households, "settle", lambda m, sums: (handed_on.append(sums), settle(m, sums)))
    for _ in range(model.steps_per_year):
        model.step()
    firms, summed = model.firms, handed_on[-1]
    np.testing.assert_array_equal(summed["wage_bills"], kernels_year.wage_bills_numpy(
        firms.output_last_year, firms.park, model.park_outside, firms.sector, firms.employment, model.wage_10k_cny,
        len(model.sector_ids)))
    by_town, by_cluster = kernels.district_sums_numpy(
        firms.employment, firms.alive, False, model.park_outside, firms.park, firms.town, firms.zone, firms.sector,
        len(model.towns), len(model.zones), len(model.sector_ids))
    np.testing.assert_array_equal(summed["jobs_by_town"], by_town)
    np.testing.assert_array_equal(summed["jobs_by_cluster"], by_cluster)
    assert by_town.sum() > 0 and summed["wage_10k_cny"] == model.wage_10k_cny
    assert not hasattr(model, "producing_firm_sums")  # passed on, not kept on the model


@pytest.mark.parametrize("min_rows", [1, 10**9])  # the compiled pass and the numpy reference
def test_public_finance_shares_the_taxes_of_the_firms_its_pass_finds(monkeypatch, min_rows):
    """The handed-on and outside firms whose taxes public finance shares are found by its own tax pass, at the
    time of use: the firms that produced in the district drawn by another town, and those outside it."""
    monkeypatch.setattr(kernels, "MIN_ROWS", min_rows)
    model = RegionModel.from_scenario(scenario("plan"), seed=1)
    seen, share_revenue, add_cobuilt_share = [], public_finance.share_revenue, public_finance.add_cobuilt_share
    monkeypatch.setattr(public_finance, "share_revenue",
                        lambda m, rows, *rest: (seen.append(("handed", rows)), share_revenue(m, rows, *rest))[1])
    monkeypatch.setattr(public_finance, "add_cobuilt_share",
                        lambda m, rows, *rest: (seen.append(("outside", rows)), add_cobuilt_share(m, rows, *rest))[1])
    for _ in range(6 * model.steps_per_year):  # the co-built park's firms produce from the fifth year
        model.step()
    firms, found = model.firms, dict(seen[-2:])
    produced, inside = firms.output_last_year > 0, model.in_district()
    np.testing.assert_array_equal(found["handed"], np.flatnonzero(produced & inside & (firms.origin_town != firms.town)))
    np.testing.assert_array_equal(found["outside"], np.flatnonzero(produced & ~inside))
    assert found["handed"].size > 0 and found["outside"].size > 0


@needs_numba
def test_compiled_certification_candidates_are_the_masks_rows():
    rng = np.random.default_rng(4)
    alive, above, tech = rng.random(50_000) < 0.7, rng.random(50_000) < 0.2, rng.random(50_000) < 0.1
    got, expected = kernels_year.certification_candidates(alive, above, tech), (
        kernels_year.certification_candidates_numpy(alive, above, tech))
    for mine, reference in zip(got, expected, strict=True):
        np.testing.assert_array_equal(mine, reference)
        assert mine.dtype == reference.dtype and reference.size > 1000
    np.testing.assert_array_equal(expected[0], np.flatnonzero(alive & tech))
    np.testing.assert_array_equal(expected[1], np.flatnonzero(alive & above & ~tech))


@needs_numba
def test_compiled_roll_over_gives_the_status_count_and_outputs_of_the_numpy_version():
    rng = np.random.default_rng(6)
    n = 50_000
    alive, was = rng.random(n) < 0.7, rng.random(n) < 0.2
    output = np.where(rng.random(n) < 0.8, rng.lognormal(-2, 1.5, n), 0.0)
    mine, reference = (output.copy(), np.full(n, np.nan)), (output.copy(), np.full(n, np.nan))
    got = kernels_year.roll_over_year(alive, was, *mine, 0.2)
    expected = kernels_year.roll_over_year_numpy(alive, was, *reference, 0.2)
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[1] == expected[1] > 0 and got[0].dtype == expected[0].dtype
    np.testing.assert_array_equal(expected[0], (alive & (output >= 0.2)) | (was & ~alive))
    for after, before in ((mine, output), (reference, output)):
        assert not after[0].any()
        np.testing.assert_array_equal(after[1], before)

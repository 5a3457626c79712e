"""The compiled kernels of the steps and the year's start (sim/kernels_step.py) give exactly the numbers of their
numpy versions; the incumbents' investment they compute is the accelerator of sim/rules/capital.py."""

import numpy as np
import pytest

from sim import kernels_step

compiled = kernels_step.compiled()
needs_numba = pytest.mark.skipif(compiled is None, reason="numba not installed or disabled")


def firm_table(rng, n_rows):
    """Columns of a firm table with ``n_rows`` rows, as the model's types; some firms without accounts."""
    employment = rng.lognormal(3, 1, n_rows)
    employment[rng.random(n_rows) < 0.2] = 0.0
    output_last_year = rng.lognormal(0, 1, n_rows)
    output_last_year[rng.random(n_rows) < 0.1] = 0.0
    return dict(town=rng.integers(0, 11, n_rows).astype(np.int16), sector=rng.integers(0, 4, n_rows).astype(np.int16),
                demand=rng.lognormal(0, 1, n_rows), capacity=rng.lognormal(0, 1, n_rows),
                output_last_year=output_last_year, employment=employment, in_district=rng.random(n_rows) < 0.9,
                capital_intensity=rng.random(n_rows) + 0.5, investment=np.zeros(n_rows))


def invest_arguments(rng, live, table):
    rationed = np.flatnonzero(rng.random(live.size) < 0.3)  # positions in live
    return (live, table["town"], rng.random(11) + 0.8, rationed, rng.random(rationed.size) + 1.0,
            table["demand"], rng.random(live.size) + 0.5, table["capacity"], table["output_last_year"],
            table["sector"], np.array([0.2, 0.25, 0.3, 0.22]), table["employment"], table["in_district"],
            table["capital_intensity"], table["investment"], 9.0, 0.45, 0.751, 0.096, 0.9, 3.0)


@needs_numba
def test_each_kernel_equals_its_numpy_version():
    rng = np.random.default_rng(3)
    live = np.sort(rng.choice(60_000, 40_000, replace=False)).astype(np.int64)
    by_numpy, by_numba = firm_table(np.random.default_rng(5), 60_000), firm_table(np.random.default_rng(5), 60_000)
    ratio, inside = kernels_step.invest_rows_numpy(*invest_arguments(np.random.default_rng(9), live, by_numpy))
    ratio_c, inside_c = compiled[0](*invest_arguments(np.random.default_rng(9), live, by_numba))
    np.testing.assert_array_equal(ratio_c, ratio)
    np.testing.assert_array_equal(inside_c, inside)
    for name in ("capital_intensity", "investment"):
        np.testing.assert_array_equal(by_numba[name], by_numpy[name])
    reference, va_ratio, kappa_b = rng.random(4) + 0.5, np.array([0.2, 0.25, 0.3, 0.22]), rng.random(live.size) + 0.7
    competitiveness = rng.random(live.size) + 0.5
    wants = [kernel(live, by_numpy["sector"], by_numpy["demand"], competitiveness, reference, 24.0, kappa_b,
                    va_ratio, by_numpy["in_district"], by_numpy["output_last_year"])
             for kernel in (kernels_step.hiring_wants_numpy, compiled[2])]
    for got, expected in zip(wants[1], wants[0]):
        np.testing.assert_array_equal(got, expected)
    wanted = wants[0][0] * (rng.random(live.size) < 0.9)  # some firms want no one
    got = wanted * np.where(rng.random(live.size) < 0.5, 1.0, rng.random(live.size) * 1.5)
    fills = [kernel(live, wanted, got, table["demand"]) for kernel, table in
             ((kernels_step.ration_numpy, by_numpy), (compiled[3], by_numba))]
    np.testing.assert_array_equal(fills[1], fills[0])
    np.testing.assert_array_equal(by_numba["demand"], by_numpy["demand"])
    productivity = rng.random(60_000) + 0.5  # (the upgrades' end: test_the_year_opening_kernel_equals_its_numpy_version)
    bounds = rng.integers(0, 1 << 53, (8, 60))
    age, sales = rng.random(60_000) * 12, rng.lognormal(0, 6, 60_000)  # ages and sales beyond the table's
    found = [np.zeros(60_000, dtype=np.int64) for _ in range(2)]
    kernels_step.exit_bounds_numpy(live, age, sales, bounds, -19, found[0])
    compiled[5](live, age, sales, bounds, -19, found[1])
    np.testing.assert_array_equal(found[1], found[0])
    scaled = [productivity.copy() for _ in range(2)]
    kernels_step.scale_rows_numpy(live, scaled[0], 1.0285)
    compiled[4](live, scaled[1], 1.0285)
    np.testing.assert_array_equal(scaled[1], scaled[0])
    flags = rng.random(60_000) < 0.8
    kept = [np.full(live.size + 3, -1, dtype=np.int64) for _ in range(2)]
    counts = [kernels_step.still_alive_into_numpy(live, flags, kept[0]), compiled[6](live, flags, kept[1])]
    assert counts[0] == counts[1] == np.count_nonzero(flags[live])
    np.testing.assert_array_equal(kept[1], kept[0])
    values, column, column_c = rng.random(live.size), np.zeros(60_000), np.zeros(60_000)
    kernels_step.put_rows_numpy(live, values, column)
    compiled[1](live, values, column_c)
    np.testing.assert_array_equal(column_c, column)


def test_investment_fills_the_capacity_gap_within_the_financing_limit():
    # one firm wanting capacity 2 at utilisation 0.5 and competitiveness 2 (demand 2), capacity 1: gap 2 - 0.9
    table = dict(town=np.zeros(2, np.int16), sector=np.zeros(2, np.int16), demand=np.array([2.0, 2.0]),
                 capacity=np.array([1.0, 1.0]), output_last_year=np.array([10.0, 0.01]),
                 employment=np.array([1.0, 1.0]), in_district=np.array([True, False]),
                 capital_intensity=np.ones(2), investment=np.zeros(2))
    live = np.arange(2, dtype=np.int64)
    ratio, inside = kernels_step.invest_rows_numpy(
        live, table["town"], np.ones(1), np.zeros(0, np.int64), np.ones(0), table["demand"], np.full(2, 2.0),
        table["capacity"], table["output_last_year"], table["sector"], np.array([0.5]), table["employment"],
        table["in_district"], table["capital_intensity"], table["investment"], 1e4, 0.5, 0.5, 0.1, 2.0, 3.0)
    gap = 2.0 / (0.5 * 2.0) - 0.9
    # the first firm's cash flow (10 x 0.5 - 1) allows it all; the second's (0.005 - 1 < 0) nothing
    np.testing.assert_allclose(table["investment"], [2.0 * gap, 0.0])
    np.testing.assert_allclose(ratio, [0.9 + gap, 0.9])
    np.testing.assert_allclose(inside, [2.0 * gap])  # the second firm is outside the district


def test_a_firm_that_gets_fewer_workers_sells_less_in_proportion():
    demand = np.array([4.0, 4.0, 4.0])
    fill = kernels_step.ration_numpy(np.array([0, 2]), np.array([10.0, 0.0]), np.array([5.0, 3.0]), demand)
    np.testing.assert_array_equal(fill, [0.5, 1.0])  # one that wants no one is not rationed
    np.testing.assert_array_equal(demand, [2.0, 4.0, 4.0])


def test_a_smaller_or_younger_firm_has_a_bound_at_least_as_high():
    from sim.rules.firm_dynamics import SIZE_EXPONENTS, exit_bound_table

    bounds = exit_bound_table(4, [0.08, 0.06, 0.04, 0.03], 0.15, 1.0)
    out = np.zeros(4, dtype=np.int64)
    kernels_step.exit_bounds_numpy(np.arange(4), np.array([0.5, 0.5, 3.5, 9.0]), np.array([0.01, 5.0, 5.0, 5.0]),
                                   bounds, SIZE_EXPONENTS[0], out)
    assert out[0] > out[1] > out[2] == out[3]  # an age beyond the table's is its last year's


def test_the_district_mask_follows_added_firms():
    from sim.model import RegionModel
    from tests.helpers import scenario

    model = RegionModel.from_scenario(scenario("plan"), seed=1)
    outside_park = int(np.flatnonzero(model.park_outside[:-1])[0])  # the co-built park, simulated outside
    before = model.in_district()
    assert before.size == model.firms.n and not before.flags.writeable
    rows = model.add_firms(sector=np.array([0, 0]), town=np.array([0, 0]), park=np.array([outside_park, -1]),
                           capacity=np.array([1.0, 1.0]))
    after = model.in_district()
    assert after.size == model.firms.n
    np.testing.assert_array_equal(after[: before.size], before)
    assert not after[rows[0]] and after[rows[1]]


def _model_in_second_year():
    from sim.model import RegionModel
    from tests.helpers import scenario

    model = RegionModel.from_scenario(scenario("plan"), seed=1)
    for _ in range(model.steps_per_year + 1):
        model.step()
    return model


def test_the_investment_pass_is_the_accelerator_of_the_capital_rule():
    """``capital.invest`` gives, bit for bit, what its documented parts (desired_capacity, cash_flow,
    planned_investment, vintage_intensity, new_capital_intensity) give: a change to one of them must reach it."""
    from sim.rules import capital, demand

    model = _model_in_second_year()
    firms, p = model.firms, model.params.firms
    live = firms.live()
    power = demand.competitiveness(model, live, model.place_multipliers())
    fill = np.where(np.arange(live.size) % 3 == 0, 0.7, 1.0)  # some firms rationed
    kappa_new = capital.new_capital_intensity(model, firms.town[live], fill)
    desired = capital.desired_capacity(firms.demand[live], power, p.target_utilisation)
    investment = capital.planned_investment(firms.capacity[live], desired, capital.cash_flow(model, live), p,
                                            kappa_new)
    capacity = np.maximum(firms.capacity[live], 1e-12)
    kept = (1.0 - p.depreciation_rate_per_year) * capacity
    built = investment / (p.capital_output_ratio * kappa_new)
    intensity = capital.vintage_intensity(firms.capital_intensity[live], kept, kappa_new, built)
    growth = ((kept + built) / capacity) ** (1.0 / model.steps_per_year)
    capital.invest(model, live, power, fill)
    np.testing.assert_array_equal(firms.investment[live], investment)
    np.testing.assert_array_equal(firms.capital_intensity[live], intensity)
    np.testing.assert_array_equal(firms.growth_factor[live], growth)


def test_the_hiring_pass_is_the_labour_rule():
    """``labour.start_year``'s one pass gives the deepening index and the workers wanted of ``deepening_index``
    and ``labour_productivity``, bit for bit."""
    from sim.rules import demand, labour

    model = _model_in_second_year()
    firms = model.firms
    live = firms.live()
    power = demand.competitiveness(model, live, model.place_multipliers())
    index = labour.deepening_index(model, live)
    wanted = firms.demand[live] * model.sector_va_ratio[firms.sector[live]] * 1e4 / labour.labour_productivity(
        model, live, power)
    got, weight, weighted_inverse = kernels_step.hiring_wants(
        live, firms.sector, firms.demand, power, model.base_competitiveness * model.first_year_productivity_index,
        model.params.firms.labour_productivity_10k_cny_per_worker,
        labour.deepening(firms.capital_intensity[live], model.params.firms), model.sector_va_ratio,
        model.in_district(), firms.output_last_year)
    np.testing.assert_array_equal(got, wanted)
    assert float(weight.sum()) / float(weighted_inverse.sum()) == index
    labour.start_year(model, live, power)
    assert model.deepening_index == index


def open_year_arguments(rng, n_rows, live):
    """A firm table's columns as ``open_year_rows`` reads them, as the model's types; the last two entries the
    columns it writes (productivity, upgrading)."""
    return (live, rng.random(n_rows) + 0.5, 1.0285, rng.random(n_rows) < 0.1, 1.07, rng.integers(0, 30, n_rows),
            rng.random(30), rng.integers(0, 4, n_rows).astype(np.int16), rng.lognormal(0, 1, n_rows),
            rng.integers(0, 1 << 42, n_rows), np.uint64(0x1234_5678_9ABC_DEF0),
            rng.integers(0, 5, n_rows).astype(np.int16), 3.0, 4)


@needs_numba
def test_the_year_opening_kernel_equals_its_numpy_version():
    live = np.sort(np.random.default_rng(3).choice(60_000, 40_000, replace=False)).astype(np.int64)
    live.setflags(write=False)
    by_numpy = open_year_arguments(np.random.default_rng(5), 60_000, live)
    by_numba = open_year_arguments(np.random.default_rng(5), 60_000, live)
    results = [kernels_step.open_year_rows_numpy(*by_numpy), compiled[7](*by_numba)]
    for got, expected in zip(results[1], results[0]):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    for written in (1, 3):  # productivity and the upgrades that ended
        np.testing.assert_array_equal(by_numba[written], by_numpy[written])


def test_the_year_opening_pass_is_the_rules_parts():
    """``firm_dynamics.open_year`` gives, bit for bit, what its documented parts give: the F6 growth and the
    upgrades' gain (``finish_upgrades``), ``demand.competitiveness``, ``demand.sector_means``, the keyed growth
    uniforms (``model.keyed_uniform``) and the loss streak test of ``select``: a change to one must reach it."""
    from sim.rules import demand, firm_dynamics

    model = _model_in_second_year()
    firms, p = model.firms, model.params.firms
    live = firms.live()
    firms.upgrading[live[::7]] = True
    firms.loss_years[live[::5]] = p.exit_loss_years  # streaks at and one short of the exit's
    firms.loss_years[live[1::5]] = p.exit_loss_years - 1
    productivity = firms.productivity.copy()
    gain = np.where(firms.upgrading, 1.0 + p.tech_upgrade_gain, 1.0)
    expected_productivity = productivity.copy()
    expected_productivity[live] = productivity[live] * np.exp(p.productivity_growth_per_year) * gain[live]
    uniform = model.keyed_uniform("growth", live, model.year)
    rows = firm_dynamics.open_year(model, live)
    np.testing.assert_array_equal(firms.productivity, expected_productivity)
    assert not firms.upgrading[live].any()
    power = demand.competitiveness(model, live, model.place_multipliers())
    np.testing.assert_array_equal(rows.power, power)
    np.testing.assert_array_equal(demand.mean_of_sums(model, rows.sales_by_sector, rows.weighted_by_sector),
                                  demand.sector_means(model, live, power))
    np.testing.assert_array_equal(rows.uniform, uniform)
    np.testing.assert_array_equal(rows.sales, firms.demand[live])
    np.testing.assert_array_equal(rows.sectors, firms.sector[live])
    np.testing.assert_array_equal(rows.losing, firms.loss_years[live] >= p.exit_loss_years)


@needs_numba
def test_the_rationed_rows_kernel_equals_its_numpy_version():
    rng = np.random.default_rng(4)
    live = np.sort(rng.choice(60_000, 40_000, replace=False)).astype(np.int64)
    fill = np.where(rng.random(live.size) < 0.4, rng.random(live.size), 1.0)
    town = rng.integers(0, 11, 60_000).astype(np.int16)
    found = [kernels_step.rationed_rows_numpy(live, fill, town), compiled[8](live, fill, town)]
    assert found[0][0].size == np.count_nonzero(fill < 1.0)
    for got, expected in zip(found[1], found[0]):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


@needs_numba
def test_the_compiled_demand_growth_is_the_demand_rules_arithmetic():
    """``demand.growth_factors`` compiled (``kernels_step.demand_growth_factors``) gives, bit for bit, what
    ``growth_spread`` and ``annual_growth`` give: tiny firms (spread capped), a uniform of exactly 1/2."""
    from types import SimpleNamespace

    from sim.rules import demand

    rng = np.random.default_rng(8)
    n = 50_000
    sales, uniform = rng.lognormal(-2, 3, n), rng.random(n)
    sales[:10], uniform[10:20] = 1e-9, 0.5
    sectors, growth = rng.integers(0, 6, n).astype(np.int16), rng.normal(0.03, 0.05, 6)
    p = SimpleNamespace(growth_spread_at_reference=0.17, growth_spread_size_exponent=0.2, reference_size_100m_cny=0.8)
    compiled_factors = demand.growth_factors(p, growth, sectors, sales, uniform)
    spread = demand.growth_spread(sales, 0.17, 0.2, 0.8)
    assert (spread == 0.9).any()
    np.testing.assert_array_equal(compiled_factors, np.exp(growth[sectors] + demand.annual_growth(uniform, 0.0, spread)))


@needs_numba
def test_the_compiled_exit_draws_are_the_exit_rules_arithmetic():
    """``firm_dynamics.leavers`` compiled (``kernels_step.exit_leavers``) picks, bit for bit, the firms its
    numpy arithmetic (``keyed_uniform``, ``exit_hazard``, ``integer_power``) picks: ages beyond the hazard table,
    firms below the size floor, hazards capped at 0.95."""
    from sim import randomness
    from sim.rules import firm_dynamics

    rng = np.random.default_rng(11)
    n_rows = 60_000
    live = np.sort(rng.choice(n_rows, 40_000, replace=False)).astype(np.int64)
    live.setflags(write=False)
    possible = np.flatnonzero(rng.random(live.size) < 0.2)
    draw_key, age, sales = rng.integers(0, 1 << 42, n_rows), rng.random(n_rows) * 15, rng.lognormal(-1, 3, n_rows)
    sales[live[possible[:50]]] = 1e-9
    hazard, elasticity, median, base = [0.3, 0.2, 0.12, 0.08, 0.05], 0.15, 0.7, np.uint64(0xABCDEF0123)
    found = kernels_step.exit_leavers(live, possible, draw_key, base, age, sales, hazard, elasticity, median, 4)
    rows = live.take(possible)
    u = randomness.uniform_from_bits(kernels_step.kernels.splitmix_bits_numpy(draw_key[rows], base))
    annual = firm_dynamics.exit_hazard(age[rows], sales[rows], hazard, elasticity, median)
    assert (annual == 0.95).any() and 100 < found.size < rows.size
    np.testing.assert_array_equal(found, rows[firm_dynamics.integer_power(1.0 - u, 4) > 1.0 - annual])

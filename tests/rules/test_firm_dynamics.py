import numpy as np

from sim.rules import firm_dynamics as fd

HAZARD = [0.016, 0.063, 0.095, 0.090, 0.085, 0.082, 0.080, 0.070, 0.060, 0.050, 0.040]


def test_growth_spread_falls_with_size():
    spread = fd.growth_spread(np.array([0.05, 1.0, 50.0]), 0.17, 0.2, 1.0)
    assert spread[0] > spread[1] > spread[2]
    assert np.isclose(spread[1], 0.17)
    # beta = 0.2: a 50-fold bigger firm has 50^-0.2 of the spread
    assert np.isclose(spread[2] / spread[1], 50 ** -0.2)


def test_growth_is_mean_preserving_and_fat_tailed():
    rng = np.random.default_rng(0)
    size = np.full(400_000, 0.1)
    spread = fd.growth_spread(size, 0.17, 0.2, 1.0)
    g = fd.annual_growth(rng.random(size.size), 0.05, spread)
    assert abs(np.mean(np.exp(g)) / np.exp(0.05) - 1) < 0.005
    centred = g - g.mean()
    excess_kurtosis = np.mean(centred**4) / np.mean(centred**2) ** 2 - 3
    assert excess_kurtosis > 1  # Laplace: 3


def test_exit_hazard_peaks_at_age_three_and_falls_with_size():
    ages = np.arange(0, 11, dtype=float) + 0.5
    hazard = fd.exit_hazard(ages, np.ones_like(ages), HAZARD, 0.3, 1.0)
    assert np.argmax(hazard) == 2
    small, big = fd.exit_hazard(np.array([2.5, 2.5]), np.array([0.1, 10.0]), HAZARD, 0.3, 1.0)
    assert small > big


def test_integer_power_matches_numpy_power():
    x = np.random.default_rng(0).random(1000)
    for k in (1, 2, 4, 12):
        np.testing.assert_allclose(fd.integer_power(x, k), np.power(x, k), rtol=1e-12)

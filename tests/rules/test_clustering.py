import numpy as np

from sim.rules import clustering


def test_localization_rises_with_own_sector_scale():
    base = np.array([100.0, 100.0])
    mult = clustering.localization_multiplier(np.array([100.0, 200.0]), base, 0.045)
    assert mult[0] == 1.0
    assert np.isclose(mult[1], 2**0.045)


def test_no_localization_with_zero_elasticity():
    mult = clustering.localization_multiplier(np.array([5.0, 500.0]), np.array([50.0, 50.0]), 0.0)
    assert np.all(mult == 1.0)


def test_congestion_only_above_threshold():
    mult = clustering.congestion_multiplier(np.array([0.5, 0.9, 0.95, 1.0]), 0.9, 0.05)
    assert mult[0] == mult[1] == 1.0
    assert 0.95 < mult[2] < 1.0
    assert np.isclose(mult[3], 0.95)

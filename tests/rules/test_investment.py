import numpy as np

from sim.rules import investment


def test_project_sizes_stay_in_bounds_and_are_heavy_tailed():
    rng = np.random.default_rng(1)
    sizes = investment.draw_project_sizes(rng, 100_000, 1.0, 1.2, 200.0)
    assert sizes.min() >= 1.0 and sizes.max() <= 200.0
    assert np.mean(sizes) > 2 * np.median(sizes)


def test_logit_prefers_higher_utility():
    rng = np.random.default_rng(2)
    picks = [investment.logit_pick(np.array([0.0, 1.0, 3.0]), rng.gumbel(size=3)) for _ in range(5000)]
    counts = np.bincount(picks, minlength=3)
    assert counts[2] > counts[1] > counts[0]

"""Common random numbers: a draw about the same thing is the same number in two variants of one seed.

Plan and fragmented place projects differently, so the firms the projects found are created in another order
and have other rows; their keyed draws (growth, exit, productivity) follow the firm (sim.randomness), not the row.
"""

import numpy as np
import pytest

from sim import randomness
from sim.model import RegionModel

SEED = 3


def _run_to(variant: str, year: int) -> RegionModel:
    model = RegionModel(variant, seed=SEED, collect=False)
    while model.year < year:
        model.step()
    return model


@pytest.fixture(scope="module")
def plan_and_fragmented():
    return _run_to("plan", 2027), _run_to("fragmented", 2027)


def _project_firms(model) -> dict[int, int]:
    keys = model.firms.draw_key[: model.firms.n]
    rows = np.flatnonzero((keys >= randomness.PROJECT_FIRM_KEYS) & (keys < randomness.ENTRANT_KEYS))
    return dict(zip(keys[rows].tolist(), rows.tolist()))


def test_a_project_firm_draws_the_same_numbers_in_both_variants(plan_and_fragmented):
    """The firm a project founds in both variants draws the same growth, exit and productivity numbers,
    although it has another row in each (with rows as the key its draws differed)."""
    plan, fragmented = plan_and_fragmented
    a, b = _project_firms(plan), _project_firms(fragmented)
    common = sorted(set(a) & set(b))
    rows_a, rows_b = np.array([a[k] for k in common]), np.array([b[k] for k in common])
    moved = rows_a != rows_b
    assert moved.sum() > 10  # the variants created these firms in different orders
    for mechanism, step in (("growth", 2027), ("exit", plan.clock), ("productivity", 2027)):
        u_a = plan.keyed_uniform(mechanism, rows_a[moved], step)
        u_b = fragmented.keyed_uniform(mechanism, rows_b[moved], step)
        np.testing.assert_array_equal(u_a, u_b)
        assert not np.array_equal(u_a, plan.keyed_uniform(mechanism, rows_b[moved], step))


def test_base_firms_keep_their_rows_as_keys(plan_and_fragmented):
    """Base-year firms are keyed by their row (the draws they had before), the same in both variants."""
    plan, fragmented = plan_and_fragmented
    base = int(np.sum(plan.firms.birth_year[: plan.firms.n] == 0))
    rows = np.arange(base)
    np.testing.assert_array_equal(plan.firms.draw_key[rows], rows)
    np.testing.assert_array_equal(fragmented.firms.draw_key[rows], rows)


def test_entrant_keys_are_by_step_and_rank():
    """The k-th entrant of a step has the same key whatever the step's count; keys of steps never collide."""
    five, seven = randomness.entrant_keys(12, 5), randomness.entrant_keys(12, 7)
    np.testing.assert_array_equal(five, seven[:5])
    assert not set(randomness.entrant_keys(13, 7)) & set(seven)
    assert (randomness.entrant_keys(-40, 3) > randomness.PROJECT_FIRM_KEYS).all()  # warm-up steps too


def test_keyed_kernel_matches_its_numpy_reference():
    """The exit pre-filter hashes the draw keys: compiled and numpy versions agree."""
    rng = np.random.default_rng(0)
    n = 50_000  # above kernels.MIN_ROWS: the compiled version when numba is there
    keys = rng.integers(0, 1 << 42, n)
    bound = rng.integers(0, 1 << 53, n)
    cells, values = rng.integers(0, 4, n).astype(np.int16), rng.random(n)
    rows = np.flatnonzero(rng.random(n) < 0.7)
    base = randomness.keyed_base(7, "exit", 5)
    from sim import kernels

    found, sums = kernels.below_bound_sums_keyed(rows, keys, base, bound, cells, values, 4)
    bits = randomness.keyed_bits(7, "exit", 5, keys[rows]).view(np.int64)
    np.testing.assert_array_equal(found, np.flatnonzero(bits < bound[rows]))
    np.testing.assert_allclose(sums, np.bincount(cells[rows], weights=values[rows], minlength=4))

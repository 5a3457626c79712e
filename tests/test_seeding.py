"""The step generators seeded in array passes are numpy's ``default_rng([key, mechanism, step])`` bit for bit."""

import numpy as np
import pytest

from sim import randomness, seeding


def states_equal(a: np.random.Generator, b: np.random.Generator) -> bool:
    return a.bit_generator.state == b.bit_generator.state and a.random(3).tolist() == b.random(3).tolist()


@pytest.mark.parametrize("key", [0, 1, 12345, (1 << 32) - 1, 1 << 32, 987654321987654321, (1 << 62) - 1,
                                 (1 << 64) - 1])
def test_generators_are_default_rngs_of_the_same_entropy(key):
    for mechanism in (1, 8, 13):
        for step in (0, 1, 63, 64, 65_535, 65_536, 65_600, 70_000, (1 << 32) - 1):
            assert states_equal(seeding.generator(key, mechanism, step),
                                np.random.default_rng([key, mechanism, step])), (key, mechanism, step)


def test_random_keys_and_every_step_of_a_run():
    rng = np.random.default_rng(2)
    for key in rng.integers(1 << 62, size=20).tolist():
        for step in range(-8, 48):
            for name in ("entry", "demos", "investment"):
                expected = np.random.default_rng([key, randomness.MECHANISMS[name], step + (1 << 16)])
                assert states_equal(randomness.step_rng(key, name, step), expected)


def test_entropy_beyond_the_pool_is_left_to_numpy():
    with pytest.raises(ValueError):
        seeding.pcg64_words([np.arange(3, dtype=np.uint32)] * 5)
    assert states_equal(seeding.generator(1 << 70, 3, 5), np.random.default_rng([1 << 70, 3, 5]))

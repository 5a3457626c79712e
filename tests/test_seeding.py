"""The step generators seeded in array passes are numpy's ``default_rng([key, mechanism, step])`` bit for bit, and
sim/seeding.py's copy of numpy's SeedSequence hash is pinned to numpy over entropies, spawn keys and pool sizes."""

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


def test_entropy_beyond_the_pool_is_mixed_as_numpy_does():
    words = np.arange(15, dtype=np.uint32).reshape(5, 3)
    expected = [np.random.SeedSequence(words[:, j].tolist()).generate_state(4, np.uint64).tolist() for j in range(3)]
    assert seeding.pcg64_words(list(words)).tolist() == expected
    assert states_equal(seeding.generator(1 << 70, 3, 5), np.random.default_rng([1 << 70, 3, 5]))


# the copy of numpy's SeedSequence (sim/seeding.py) pinned to numpy: entropies, spawn keys, pool sizes, word counts
ENTROPIES = [0, 1, 7, (1 << 32) - 1, 1 << 32, (1 << 64) - 1, 1 << 64, (1 << 128) - 1, 1 << 128, (1 << 300) + 12345,
             [0], [0, 0], [1, 2, 3], [0, 0, 0, 0, 0, 0], [(1 << 128) - 1, 5], list(range(40)),
             [12345, 3, 65_536 + 17]]
SPAWN_KEYS = [(), (0,), (1, 2), (0, 7), ((1 << 128) - 1,), (0x706F7374, 3), tuple(range(25))]


def numpy_words(entropy, spawn_key=(), pool_size=4, n_words=8) -> list[int]:
    return np.random.SeedSequence(entropy, spawn_key=spawn_key, pool_size=pool_size).generate_state(n_words).tolist()


def copied_words(entropy, spawn_key=(), pool_size=4, n_words=8, byte_order="=") -> list[int]:
    words = seeding.assembled_entropy(entropy if isinstance(entropy, list) else [entropy], spawn_key, pool_size)
    rows = [np.array([w], dtype=f"{byte_order}u4") for w in words]
    return seeding.state_words(seeding.pool(rows, pool_size), n_words)[0].tolist()


@pytest.mark.parametrize("entropy", ENTROPIES, ids=str)
def test_the_copied_hash_is_numpys_for_every_entropy_spawn_key_and_pool_size(entropy):
    for spawn_key in SPAWN_KEYS:
        for pool_size in (4, 5, 8, 33):
            for n_words in (1, 4, 8, 13):
                assert copied_words(entropy, spawn_key, pool_size, n_words) == numpy_words(
                    entropy, spawn_key, pool_size, n_words), (entropy, spawn_key, pool_size, n_words)


def test_random_entropies_and_long_spawn_keys():
    rng = np.random.default_rng(7)
    for _ in range(200):
        entropy = [int(x) for x in rng.integers(0, 1 << 62, size=rng.integers(1, 9))]
        entropy[0] <<= int(rng.integers(0, 200))  # some far beyond 64 bits
        spawn_key = tuple(int(x) for x in rng.integers(0, 1 << 40, size=rng.integers(0, 12)))
        pool_size = int(rng.integers(4, 12))
        assert copied_words(entropy, spawn_key, pool_size) == numpy_words(entropy, spawn_key, pool_size)


@pytest.mark.parametrize("byte_order", ["<", ">"])
def test_words_in_either_byte_order_give_numpys_uint64_seed(byte_order):
    """The input words' byte order does not matter, and the uint64 words are numpy's little-endian pairs (what
    ``generate_state(4, np.uint64)`` returns on any machine), here computed from numpy's uint32 words."""
    for entropy in ([5], [0, 3, 9], [1 << 40, 1, 2], [(1 << 128) - 1, 2, 3]):
        assert copied_words(entropy, byte_order=byte_order) == numpy_words(entropy)
        words = seeding.assembled_entropy(entropy)
        pcg = seeding.pcg64_words([np.array([w], dtype=f"{byte_order}u4") for w in words])[0]
        uint32 = np.random.SeedSequence(entropy).generate_state(8)
        assert pcg.tolist() == np.random.SeedSequence(entropy).generate_state(4, np.uint64).tolist()
        assert pcg.tolist() == [int(uint32[2 * k]) | int(uint32[2 * k + 1]) << 32 for k in range(4)]


@pytest.mark.parametrize("key", [0, (1 << 64) - 1, 1 << 64, (1 << 128) - 1, 1 << 200])
def test_generators_of_big_keys_are_numpys(key):
    for step in (0, 64, 70_000):
        assert states_equal(seeding.generator(key, 2, step), np.random.default_rng([key, 2, step]))

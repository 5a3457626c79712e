"""The step generators' seeds in array passes: ``np.random.default_rng([key, mechanism, step])`` for many steps.

Making one such generator costs 16-35 µs, nearly all of it numpy's ``SeedSequence`` hashing its entropy and
generating the four PCG64 seed words one call at a time; a default run makes 217. This module runs the same hash
over a block of steps at once and hands each generator its words, so the generators are numpy's own bit for bit.

What it copies: numpy's ``SeedSequence`` (numpy/random/bit_generator.pyx, unchanged in its algorithm since numpy
1.19 and checked here against numpy 2.5.5): ``get_assembled_entropy`` (the entropy's 32-bit words, padded with
zeros to the pool size when a spawn key follows), ``mix_entropy`` (``hashmix`` and ``mix``, including the words
beyond the pool) and ``generate_state`` (uint32 words, and uint64 words as little-endian pairs). The hash's
multipliers evolve independently of the data, so they are constants of each position; the data are uint32
arrays, whose products wrap as C's do.

Why a copy: it is kept for speed with figures (session 7, loaded machine, CPU time): the 217 generators of a
default run cost 1.5-1.8 ms through this module against 3.3-3.8 ms through numpy replayed warm, 4.4-4.8 against
8.4-10.5 ms inside a run (benchmarks/README.md), of a run of ~200 ms idle whose target is 200 ms. The risk of a
copy (numpy changing its hash) is held by tests/test_seeding.py, which pins every function here to
``numpy.random.SeedSequence`` over entropies from 0 to beyond 2**128, spawn keys, pool sizes, word counts and
both byte orders of the input words: a change in numpy fails it, and ``generator`` can then fall back on
``np.random.default_rng`` (its first branch) at the cost above.
"""

from __future__ import annotations

import numpy as np
from numpy.random.bit_generator import ISeedSequence

INIT_A, MULT_A, INIT_B, MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED  # numpy's SeedSequence
MIX_MULT_L, MIX_MULT_R, XSHIFT, POOL_SIZE, MASK32 = 0xCA01F9DD, 0x4973F715, 16, 4, 0xFFFFFFFF
BLOCK = 64  # steps whose seeds are derived at once
_CACHE_LIMIT = 64  # blocks kept per process (32 KB each)
_seeds: dict[tuple[int, int, int], np.ndarray] = {}  # (key, mechanisms, block) -> block_words


class SeedWords(ISeedSequence):
    """A seed sequence whose PCG64 state words are already known (what ``SeedSequence.generate_state(4,
    np.uint64)`` returns)."""

    __slots__ = ("words",)

    def __init__(self, words: np.ndarray):
        self.words = words

    def generate_state(self, n_words, dtype=np.uint32):
        if n_words != 4 or np.dtype(dtype) != np.uint64:
            raise ValueError("SeedWords holds the four uint64 words of a PCG64 seed only")
        return self.words


def int_words(value: int) -> list[int]:
    """A non-negative int as numpy's SeedSequence reads it: 32-bit words, least significant first."""
    if value == 0:
        return [0]
    out = []
    while value > 0:
        out.append(value & MASK32)
        value >>= 32
    return out


def assembled_entropy(entropy: list[int], spawn_key: tuple[int, ...] = (), pool_size: int = POOL_SIZE) -> list[int]:
    """The 32-bit words SeedSequence(entropy, spawn_key=..., pool_size=...) mixes (``get_assembled_entropy``)."""
    run = [w for value in entropy for w in int_words(value)]
    spawn = [w for value in spawn_key for w in int_words(value)]
    if spawn and len(run) < pool_size:
        run += [0] * (pool_size - len(run))  # numpy >= 1.19 (gh-16539): spawn keys start after the pool
    return run + spawn


def _hashmix(value: np.ndarray, hash_const: int) -> tuple[np.ndarray, int]:
    value = value ^ np.uint32(hash_const)
    hash_const = hash_const * MULT_A & MASK32
    value = value * np.uint32(hash_const)
    return value ^ (value >> np.uint32(XSHIFT)), hash_const


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    result = np.uint32(MIX_MULT_L) * x - np.uint32(MIX_MULT_R) * y
    return result ^ (result >> np.uint32(XSHIFT))


def pool(entropy: list[np.ndarray], pool_size: int = POOL_SIZE) -> list[np.ndarray]:
    """SeedSequence's pool (``mix_entropy``) for every column j of ``entropy``: rows of assembled 32-bit words
    (arrays of one length, any byte order), the result ``pool_size`` uint32 arrays."""
    size = entropy[0].size
    entropy = [np.asarray(row, dtype=np.uint32) for row in entropy]  # native uint32 (either byte order in)
    hash_const, mixer = INIT_A, []
    for i in range(pool_size):
        word, hash_const = _hashmix(entropy[i] if i < len(entropy) else np.zeros(size, np.uint32), hash_const)
        mixer.append(word)
    for i_src in range(pool_size):
        for i_dst in range(pool_size):
            if i_src != i_dst:
                word, hash_const = _hashmix(mixer[i_src], hash_const)
                mixer[i_dst] = _mix(mixer[i_dst], word)
    for row in entropy[pool_size:]:  # words beyond the pool are mixed into every pool word
        for i_dst in range(pool_size):
            word, hash_const = _hashmix(row, hash_const)
            mixer[i_dst] = _mix(mixer[i_dst], word)
    return mixer


def state_words(mixer: list[np.ndarray], n_words: int) -> np.ndarray:
    """``generate_state(n_words, np.uint32)`` of each column's pool: (columns, n_words) uint32."""
    hash_const, state = INIT_B, np.empty((mixer[0].size, n_words), dtype=np.uint32)
    for i_dst in range(n_words):  # the pool's words in turn
        word = mixer[i_dst % len(mixer)] ^ np.uint32(hash_const)
        hash_const = hash_const * MULT_B & MASK32
        word = word * np.uint32(hash_const)
        state[:, i_dst] = word ^ (word >> np.uint32(XSHIFT))
    return state


def uint64_pairs(state: np.ndarray) -> np.ndarray:
    """uint32 words as numpy's ``generate_state(n, np.uint64)`` joins them (``astype('<u4').view('<u8')``):
    word 2k is the low half of uint64 k whatever the machine's byte order."""
    return state[:, 0::2].astype(np.uint64) | (state[:, 1::2].astype(np.uint64) << np.uint64(32))


def pcg64_words(entropy: list[np.ndarray]) -> np.ndarray:
    """``SeedSequence(entropy words of column j).generate_state(4, np.uint64)`` for every column j: ``entropy``
    holds rows of 32-bit words (arrays of one length; a seed's ints as ``int_words`` splits them), the result
    is one row of four uint64 words per column."""
    return uint64_pairs(state_words(pool(entropy), 2 * POOL_SIZE))


def block_words(key: int, mechanisms: int, block: int) -> np.ndarray:
    """The PCG64 seed words of ``[key, m, step]`` for every mechanism m below ``mechanisms`` and every step of
    the block: (mechanisms, BLOCK, 4) uint64."""
    m, steps = np.meshgrid(np.arange(mechanisms, dtype=np.uint32),
                           np.arange(block * BLOCK, (block + 1) * BLOCK, dtype=np.uint64).astype(np.uint32),
                           indexing="ij")
    entropy = [np.full(m.size, w, dtype=np.uint32) for w in int_words(key)] + [m.ravel(), steps.ravel()]
    return pcg64_words(entropy).reshape(mechanisms, BLOCK, 4)


def generator(key: int, mechanism: int, step: int, mechanisms: int = 16) -> np.random.Generator:
    """``np.random.default_rng([key, mechanism, step])``, its seed derived with those of its block of steps for
    every mechanism below ``mechanisms`` (one array pass serves a year's or a run's generators)."""
    if not (0 <= key and 0 <= mechanism < mechanisms and 0 <= step <= MASK32):
        return np.random.default_rng([key, mechanism, step])  # what the array pass does not cover
    block, k = divmod(step, BLOCK)
    if (block + 1) * BLOCK - 1 > MASK32:
        return np.random.default_rng([key, mechanism, step])
    words = _seeds.get((key, mechanisms, block))
    if words is None:
        if len(_seeds) >= _CACHE_LIMIT:
            _seeds.clear()
        words = _seeds[(key, mechanisms, block)] = block_words(key, mechanisms, block)
    return np.random.Generator(np.random.PCG64(SeedWords(words[mechanism, k])))

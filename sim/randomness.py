"""Common random numbers: draws that depend on what they are for, not on how many draws came before.

Variants of one replicate share the model's seed. If every draw came from one sequence, a variant that
changes one project would shift every later draw and the comparison would drown in noise. Here each step
and mechanism gets its own generator seeded by (model key, mechanism, step), and per-firm draws are a
hash of (model key, mechanism, step, firm draw key). The draw key names the firm by what it is, not by its
row (``FirmPopulation.draw_key``): a base-year firm by its ``firm_id`` (its rank of creation), a project's firm by the project's row (projects are
signed in the same order in every variant), an entrant by its step and rank among the step's entrants. So a
firm's exit, growth and productivity draws are the same in every variant in which it exists, even when other
firms were created in a different order (rows were the key before: one project built earlier in one
variant shifted every later firm's draws, and plan - fragmented's paired spread was mostly that noise).
"""

from __future__ import annotations

import numpy as np

from sim import kernels, seeding

MECHANISMS = {"investment": 1, "entry": 2, "growth": 3, "exit": 4, "upgrade": 5, "certify": 6, "decertify": 7,
              "demos": 8, "environment": 9,
              "productivity": 10, "productivity_angle": 11, "entry_pick": 12, "entry_size": 13}
PROJECT_FIRM_KEYS = 1 << 40  # draw keys of firms founded by projects: this + the project's row
ENTRANT_KEYS = 1 << 41       # of entrants: this + (step + offset) x 2**20 + rank among the step's entrants
MAX_ENTRANTS_PER_STEP = 1 << 20
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_STEP_OFFSET = 1 << 16  # steps may be negative (warm-up)


def project_firm_keys(project_rows: np.ndarray) -> np.ndarray:
    """Draw keys of the firms founded by these projects (rows of the project pipeline)."""
    return PROJECT_FIRM_KEYS + np.asarray(project_rows, dtype=np.int64)


def entrant_keys(step: int, count: int) -> np.ndarray:
    """Draw keys of a step's ``count`` entrants, by rank: the k-th entrant of a step has the same key in every
    variant (ranks beyond 2**20 a step would collide with the next step's; a step has a few hundred)."""
    if count > MAX_ENTRANTS_PER_STEP:
        raise ValueError(f"{count} entrants in one step: more than the {MAX_ENTRANTS_PER_STEP} the draw keys hold")
    return ENTRANT_KEYS + (step + _STEP_OFFSET) * MAX_ENTRANTS_PER_STEP + np.arange(count, dtype=np.int64)


def step_rng(key: int, mechanism: str, step: int) -> np.random.Generator:
    """A generator for one mechanism in one step (or year): ``np.random.default_rng([key, mechanism's number,
    step + offset])``, its seed hashed with the steps around it in one array pass (sim/seeding.py)."""
    return seeding.generator(key, MECHANISMS[mechanism], step + _STEP_OFFSET)


def keyed_base(key: int, mechanism: str, step: int) -> np.uint64:
    """The part of the per-firm hash shared by every firm: (model key, mechanism, step)."""
    with np.errstate(over="ignore"):
        return (np.uint64(key & 0xFFFFFFFFFFFF) * _GOLDEN
                ^ np.uint64(MECHANISMS[mechanism] << 56) ^ np.uint64((step + _STEP_OFFSET) << 32))


def keyed_bits(key: int, mechanism: str, step: int, rows: np.ndarray) -> np.ndarray:
    """53 random bits (uint64 below 2**53) per row, fixed by (key, mechanism, step, row): splitmix64 of the
    tuple (``sim.kernels.splitmix_bits``). ``uniform_from_bits`` makes them the uniforms of ``keyed_uniform``."""
    return kernels.splitmix_bits(rows, keyed_base(key, mechanism, step))


def uniform_from_bits(bits: np.ndarray) -> np.ndarray:
    """Uniforms in (0, 1) from 53-bit integers (uint64 or int64): (bits + 0.5) / 2**53."""
    # below 2**53 they are the same numbers as int64, whose conversion to float is several times faster
    uniform = (bits.view(np.int64) if bits.dtype == np.uint64 else bits).astype(np.float64)
    uniform += 0.5
    uniform /= float(1 << 53)
    return uniform


def bits_below(probability: np.ndarray) -> np.ndarray:
    """Integers T (int64, at most 2**53) such that a draw whose uniform is below ``probability`` has bits below
    T (the converse need not hold); compare them with ``keyed_bits(...).view(np.int64)``."""
    # floor(p * 2**53) + 2 >= ceil(p * 2**53) + 1, the + 1 for the rounding of bits + 0.5
    scaled = np.maximum(probability, 0.0) * float(1 << 53)
    scaled += 2.0
    return np.minimum(scaled, float(1 << 53)).astype(np.int64)  # to int64, not uint64: several times faster


def keyed_uniform(key: int, mechanism: str, step: int, rows: np.ndarray) -> np.ndarray:
    """Uniforms in (0, 1), one per row, fixed by (key, mechanism, step, row)."""
    return uniform_from_bits(keyed_bits(key, mechanism, step, rows))


def laplace_from_uniform(u: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Laplace(0, scale) by inversion: -scale sign(u - 1/2) log(1 - 2 |u - 1/2|)."""
    centred = u - 0.5
    magnitude = np.abs(centred)
    magnitude *= -2.0
    np.log1p(magnitude, out=magnitude)
    magnitude *= scale  # <= 0; with the sign of u - 1/2 below: the same numbers as the formula, fewer passes
    return np.copysign(magnitude, centred, out=magnitude)


def gumbel_from_uniform(u: np.ndarray) -> np.ndarray:
    """Standard Gumbel by inversion, -log(-log(1 - u)), numpy's formula for ``Generator.gumbel``: from the
    same ``rng.random`` stream it gives its values to rounding, and only the draws used need transforming."""
    return -np.log(-np.log1p(-u))


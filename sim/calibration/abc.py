"""ABC-SMC: approximate Bayesian computation by sequential Monte Carlo with MCMC moves (Del Moral, Doucet &
Jasra 2012, Stat. Comput. 22:1009-1020, with one simulation per particle).

Generation 0 samples the prior. Generation t sets the tolerance epsilon_t to a quantile of generation t-1's
distances, keeps the particles within it (weights 1 or 0), resamples N of them and moves each by one
Metropolis-Hastings step: a Gaussian random walk on logit-transformed parameters (so proposals stay inside
the priors' bounds) with the kept particles' covariance scaled by 2.38^2 / d (Roberts, Gelman & Gilks 1997),
accepted when its simulation is within epsilon_t and a uniform draw is below the prior ratio. The step leaves
the ABC posterior at epsilon_t invariant, so the particles keep equal weights: unlike importance-weighted
ABC-SMC (Toni et al. 2009; Beaumont et al. 2009), whose weights prior / sum_j w_j K(theta | theta_j) divide by
a kernel density that varies by orders of magnitude in 10-20 dimensions and collapsed onto a few particles
(docs/calibration.md §5), nothing here depends on how well a mixture of N Gaussians covers the space. The
effective sample size counts distinct particles (copies made by resampling count once).

The distance is the root mean square of the misfits in units of each target's observation error, so epsilon
= 1 means "within the observation error on average"; the schedule stops there (``min_epsilon``), at the
budget, after ``max_generations`` or when the moves' acceptance falls below ``min_acceptance`` (Del Moral et
al. stop near 1.5%). Targets no prior simulation comes near (``unreachable_beyond`` errors, history matching's
implausibility cut-off, Vernon et al. 2010) are left out of the distance after generation 0 and reported as
misfits (``reachable``).

Deterministic: generation t's resampling, proposals and acceptance draws come from SeedSequence(seed) with
spawn key (0, t), every simulation gets its own seed the same way, so the posterior does not depend on the
executor or on the number of workers, and a resumed run continues exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.calibration.config import CalibrationConfig
from sim.calibration.simulate import run_seed

MAX_MOVES = 4  # MH moves per generation at most (each costs N simulations)


@dataclass
class Generation:
    """The accepted particles of one generation and what it cost."""

    index: int
    epsilon: float
    thetas: np.ndarray     # particles x parameters
    weights: np.ndarray    # normalised
    distances: np.ndarray
    values: np.ndarray     # particles x targets: the simulated value of every target
    seeds: np.ndarray
    simulations: int
    seconds: float
    accepted: int = -1     # proposals accepted (generation 0: every successful simulation)

    @property
    def ess(self) -> float:
        """1 / sum of squared weights, copies of one particle merged (resampling duplicates count once)."""
        return _distinct_ess(self.thetas, self.weights)

    @property
    def acceptance(self) -> float:
        return (len(self.weights) if self.accepted < 0 else self.accepted) / self.simulations


@dataclass
class Result:
    generations: list[Generation]
    stopped: str           # why the sampler stopped
    simulations: int
    used: np.ndarray | None = None   # mask of the targets in the distance (fitted and reachable)

    @property
    def final(self) -> Generation:
        return self.generations[-1]


def misfits(config: CalibrationConfig, values: np.ndarray) -> np.ndarray:
    """Error-scaled misfits of every target (a bound's is 0 unless it is violated); particles x targets."""
    observed = np.array([t.observed for t in config.targets])
    error = np.array([t.error for t in config.targets])
    bound = np.array([t.bound for t in config.targets])
    z = (values - observed) / error
    return np.where(bound == "lower", np.minimum(z, 0.0), np.where(bound == "upper", np.maximum(z, 0.0), z))


def distances(config: CalibrationConfig, values: np.ndarray, used: np.ndarray | None = None) -> np.ndarray:
    """RMS of the error-scaled misfits over the fitted targets (``used``: a mask of those in the distance)."""
    used = np.array([not t.heldout for t in config.targets]) if used is None else used
    if not used.any():
        return np.zeros(len(values))  # nothing reachable to fit: every particle is as good as any other
    d = np.sqrt(np.mean(misfits(config, values)[:, used] ** 2, axis=1))
    return np.where(np.isfinite(d), d, np.inf)


def closest_misfit(config: CalibrationConfig, prior_values: np.ndarray) -> np.ndarray:
    """Per target: the smallest |misfit| of any simulation from the prior (inf if none succeeded)."""
    z = np.abs(misfits(config, prior_values))
    return np.array([np.nanmin(col) if np.isfinite(col).any() else np.inf for col in z.T])


def reachable(config: CalibrationConfig, prior_values: np.ndarray) -> np.ndarray:
    """Mask of the fitted targets some prior simulation comes within ``unreachable_beyond`` errors of.

    A target beyond every prior draw is a structural misfit (the model cannot produce it with any parameter
    set of the priors). Kept in the distance it would dominate it and accept only the particles that lean
    furthest towards it, usually at a prior edge and at the tail of the perturbation kernel, which are the ones
    with the largest importance weights: the weights collapse onto a few particles (docs/calibration.md §5).
    """
    fitted = np.array([not t.heldout for t in config.targets])
    return fitted & (closest_misfit(config, prior_values) <= config.method.unreachable_beyond)


class Sampler:
    """The proposal and weighting machinery for the config's priors.

    The kernel works on logit-transformed parameters, z = logit((theta - low) / (high - low)), so every
    proposal lies inside the priors' bounds without redrawing: with 20 parameters a Gaussian step in theta
    lands inside the box a few times in ten thousand (about 0.65 per parameter), and the redrawn, truncated
    kernel is no longer the density the weights divide by. The weights use the prior's density in z, the
    prior in theta times the Jacobian (high - low) s (1 - s), s = sigmoid(z).
    """

    def __init__(self, config: CalibrationConfig):
        self.config = config
        self.dists = [p.dist() for p in config.priors]
        self.low = np.array([p.low for p in config.priors])
        self.high = np.array([p.high for p in config.priors])

    def to_z(self, thetas: np.ndarray) -> np.ndarray:
        s = np.clip((thetas - self.low) / (self.high - self.low), 1e-12, 1 - 1e-12)
        return np.log(s) - np.log1p(-s)

    def from_z(self, z: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * (1.0 / (1.0 + np.exp(-z)))

    def log_prior(self, thetas: np.ndarray) -> np.ndarray:
        return np.sum([d.logpdf(thetas[:, i]) for i, d in enumerate(self.dists)], axis=0)

    def log_prior_z(self, z: np.ndarray) -> np.ndarray:
        s = 1.0 / (1.0 + np.exp(-z))
        jacobian = np.log(self.high - self.low) + np.log(s) + np.log1p(-s)
        return self.log_prior(self.from_z(z)) + np.sum(jacobian, axis=1)

    def from_prior(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.column_stack([d.rvs(size=size, random_state=rng) for d in self.dists])

    def kernel(self, thetas: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Covariance of the random walk in z: the kept particles' weighted covariance x 2.38^2 / d."""
        cov = np.atleast_2d(np.cov(self.to_z(thetas).T, aweights=weights))
        scale = 2.38 ** 2 / len(self.dists)
        return scale * cov + np.diag(np.full(len(self.dists), 1e-9))  # particles that coincide


def abc_smc(config: CalibrationConfig, simulate: Callable, report: Callable | None = None,
            done: list[Generation] | None = None) -> Result:
    """Run the sampler; ``simulate(thetas, seeds, tag)`` returns target values; ``report(generation, used)``.

    ``done``: generations of an interrupted run of the same config, to continue from. After generation 0 (the
    prior) the targets no prior simulation comes near are left out of the distance (``reachable``), and
    generation 0's distances are recomputed without them, before it is saved. Every MH move costs N
    simulations.
    """
    method, sampler = config.method, Sampler(config)
    generations = list(done or [])
    used = sum(g.simulations for g in generations)
    mask = reachable(config, generations[0].values) if generations else None
    for t in range(len(generations), method.max_generations):
        stop = _stop_reason(method, generations[-1], mask) if generations else ""
        if stop:
            return Result(generations, stop, used, mask)
        need = method.population * (1 if t == 0 else 2)  # a move and, if its particles are too few, another
        if used + need > method.budget:
            return Result(generations, f"budget of {method.budget} simulations spent (a generation needs up to "
                          f"{need} more)" if t else f"budget of {method.budget} simulations spent", used, mask)
        if t == 0:
            gen = _from_prior(config, sampler, simulate)
            if not gen.accepted:
                return Result([], "every simulation of generation 0 failed", used + gen.simulations)
            mask = reachable(config, gen.values)
            gen.distances = distances(config, gen.values, mask)
        else:
            gen = _move(config, sampler, generations[-1], mask, simulate, method.budget - used)
        used += gen.simulations
        generations.append(gen)
        if report:
            report(gen, used)
    stop = _stop_reason(method, generations[-1], mask) if generations else ""
    return Result(generations, stop or f"max_generations {method.max_generations} reached", used, mask)


def _stop_reason(method, last: Generation, mask: np.ndarray | None) -> str:
    if mask is not None and not mask.any():
        return "no fitted target is within reach of the prior: the posterior is the prior"
    if not np.isfinite(last.distances).any():
        return "every simulation failed"
    if last.epsilon <= method.min_epsilon:
        return f"tolerance reached min_epsilon {method.min_epsilon}"
    if last.index > 0 and last.acceptance < method.min_acceptance:
        return f"acceptance {last.acceptance:.1%} fell below min_acceptance {method.min_acceptance:.0%}"
    return ""


def _from_prior(config: CalibrationConfig, sampler: Sampler, simulate: Callable) -> Generation:
    start, n = time.perf_counter(), config.method.population
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(0, 0)))
    thetas = sampler.from_prior(rng, n)
    seeds = np.array([run_seed(config.seed, 1, 0, k) for k in range(n)], dtype=np.int64)
    values = simulate(thetas, list(seeds), "g000")
    d = distances(config, values)
    return Generation(0, math.inf, thetas, np.full(n, 1.0 / n), d, values, seeds, n, time.perf_counter() - start,
                      int(np.isfinite(d).sum()))


def _move(config: CalibrationConfig, sampler: Sampler, previous: Generation, mask: np.ndarray | None,
          simulate: Callable, budget_left: int) -> Generation:
    """Generation t: keep the particles within the new tolerance, resample N, move each by MH steps: one, and
    more (up to ``MAX_MOVES``, budget allowing) while fewer than half of the particles are distinct
    (Drovandi & Pettitt 2011 repeat the move for the same reason)."""
    method, n, t, start = config.method, config.method.population, previous.index + 1, time.perf_counter()
    epsilon = max(float(np.quantile(previous.distances, method.quantile)), method.min_epsilon)
    kept = previous.weights * (previous.distances <= epsilon)
    kept = kept / kept.sum()
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(0, t)))
    parents = rng.choice(n, size=n, p=kept)
    state = [a[parents] for a in (previous.thetas, previous.distances, previous.values, previous.seeds)]
    weights, accepted, steps = np.full(n, 1.0 / n), 0, 0
    while steps == 0 or (steps < min(MAX_MOVES, budget_left // n) and _distinct_ess(state[0], weights) < n / 2):
        state, ok = _mh_step(config, sampler, rng, state, epsilon, mask, simulate, (t, steps))
        accepted, steps = accepted + ok, steps + 1
    return Generation(t, epsilon, state[0], weights, *state[1:], steps * n, time.perf_counter() - start, accepted)


def _mh_step(config, sampler: Sampler, rng, state: list, epsilon: float, mask, simulate: Callable, key: tuple
             ) -> tuple[list, int]:
    """One Metropolis-Hastings move of every particle: (the new state, moves accepted)."""
    thetas, old_d, old_values, old_seeds = state
    n = len(thetas)
    z = sampler.to_z(thetas)
    z_new = z + rng.multivariate_normal(np.zeros(z.shape[1]), sampler.kernel(thetas, np.full(n, 1.0 / n)), n)
    proposals = sampler.from_z(z_new)
    seeds = np.array([run_seed(config.seed, 1, *key, k) for k in range(n)], dtype=np.int64)
    values = simulate(proposals, list(seeds), "g{:03d}m{}".format(*key))
    d = distances(config, values, mask)
    prior_ratio = sampler.log_prior_z(z_new) - sampler.log_prior_z(z)
    accept = np.isfinite(d) & (d <= epsilon) & (np.log(rng.uniform(size=n)) < prior_ratio)

    def pick(new, old):
        return np.where(accept.reshape((-1,) + (1,) * (new.ndim - 1)), new, old)

    return [pick(proposals, thetas), pick(d, old_d), pick(values, old_values), pick(seeds, old_seeds)], \
        int(accept.sum())


def _distinct_ess(thetas: np.ndarray, weights: np.ndarray) -> float:
    """1 / sum of squared weights with the copies of one particle merged."""
    _, which = np.unique(thetas, axis=0, return_inverse=True)
    merged = np.bincount(np.ravel(which), weights=weights)
    return float(1.0 / np.sum(merged ** 2))

"""ABC-SMC: approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009; Beaumont et al. 2009).

Generation 0 samples the prior. Generation t proposes parameter vectors by picking a particle of generation
t-1 by weight and perturbing it with a Gaussian kernel of twice the particles' weighted covariance (Beaumont
et al. 2009), simulates them, and accepts those whose distance to the observations is at most epsilon_t, a
quantile of generation t-1's distances (Del Moral et al. 2012's adaptive schedule). Accepted particles are
weighted prior(theta) / sum_j w_j K(theta | theta_j). The distance is the root mean square of the misfits in
units of each target's observation error, so epsilon = 1 means "within the observation error on average";
the schedule stops there (``min_epsilon``), at the budget or after ``max_generations``.

Deterministic: proposals are drawn in batches of one population, each from SeedSequence(seed) with a spawn
key (generation, batch), every simulation gets its own seed the same way, and the first N accepted proposals
in proposal order are kept, so the posterior does not depend on the executor or on the number of workers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.calibration.config import CalibrationConfig
from sim.calibration.simulate import run_seed

MAX_REDRAWS = 1000  # rounds of redrawing proposals that fell outside the prior's bounds


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

    @property
    def ess(self) -> float:
        return float(1.0 / np.sum(self.weights ** 2))

    @property
    def acceptance(self) -> float:
        return len(self.weights) / self.simulations


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
    """The proposal and weighting machinery for the config's priors."""

    def __init__(self, config: CalibrationConfig):
        self.config = config
        self.dists = [p.dist() for p in config.priors]
        self.low = np.array([p.low for p in config.priors])
        self.high = np.array([p.high for p in config.priors])

    def log_prior(self, thetas: np.ndarray) -> np.ndarray:
        return np.sum([d.logpdf(thetas[:, i]) for i, d in enumerate(self.dists)], axis=0)

    def from_prior(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.column_stack([d.rvs(size=size, random_state=rng) for d in self.dists])

    def kernel(self, previous: Generation) -> np.ndarray:
        """Covariance of the Gaussian perturbation: twice the weighted covariance (Beaumont et al. 2009)."""
        cov = np.atleast_2d(np.cov(previous.thetas.T, aweights=previous.weights))
        return 2 * cov + np.diag(1e-12 * (self.high - self.low) ** 2)  # particles that coincide

    def perturb(self, rng: np.random.Generator, previous: Generation, cov: np.ndarray, size: int) -> np.ndarray:
        out = np.empty((size, len(self.dists)))
        todo = np.arange(size)
        for _ in range(MAX_REDRAWS):
            parents = rng.choice(len(previous.weights), size=len(todo), p=previous.weights)
            draw = previous.thetas[parents] + rng.multivariate_normal(np.zeros(len(self.dists)), cov, len(todo))
            inside = np.all((draw >= self.low) & (draw <= self.high), axis=1)
            out[todo[inside]] = draw[inside]
            todo = todo[~inside]
            if not len(todo):
                return out
        raise RuntimeError("the perturbation kernel keeps leaving the prior's bounds")

    def weights(self, thetas: np.ndarray, previous: Generation | None, cov: np.ndarray | None) -> np.ndarray:
        if previous is None:
            return np.full(len(thetas), 1.0 / len(thetas))
        diffs = (thetas[:, None, :] - previous.thetas[None, :, :]).reshape(-1, thetas.shape[1])
        log_k = stats.multivariate_normal(np.zeros(thetas.shape[1]), cov).logpdf(diffs)
        log_k = np.reshape(log_k, (len(thetas), len(previous.thetas)))
        log_w = self.log_prior(thetas) - _logsumexp(log_k + np.log(previous.weights)[None, :])
        w = np.exp(log_w - log_w.max())
        return w / w.sum()


def _logsumexp(a: np.ndarray) -> np.ndarray:
    top = a.max(axis=1)
    return top + np.log(np.exp(a - top[:, None]).sum(axis=1))


def abc_smc(config: CalibrationConfig, simulate: Callable, report: Callable | None = None,
            done: list[Generation] | None = None) -> Result:
    """Run the sampler; ``simulate(thetas, seeds, tag)`` returns target values; ``report(generation, used)``.

    ``done``: generations of an interrupted run of the same config, to continue from. After generation 0 (the
    prior) the targets no prior simulation comes near are left out of the distance (``reachable``), and
    generation 0's distances are recomputed without them, before it is saved.
    """
    method, sampler = config.method, Sampler(config)
    generations = list(done or [])
    used = sum(g.simulations for g in generations)
    mask = reachable(config, generations[0].values) if generations else None
    for t in range(len(generations), method.max_generations):
        if generations:
            stop = _stop_reason(method, generations[-1], mask)
            if stop:
                return Result(generations, stop, used, mask)
        gen, spent = _generation(config, sampler, t, generations[-1] if generations else None, mask, simulate,
                                 method.budget - used)
        if gen is None:
            partial = f"; generation {t} left incomplete" if spent else ""
            return Result(generations, f"budget of {method.budget} simulations spent{partial}", used + spent, mask)
        if t == 0:
            mask = reachable(config, gen.values)
            gen.distances = distances(config, gen.values, mask)
        used += spent
        generations.append(gen)
        if report:
            report(gen, used)
    stop = _stop_reason(method, generations[-1], mask) if generations else ""
    return Result(generations, stop or f"max_generations {method.max_generations} reached", used, mask)


def _stop_reason(method, last: Generation, mask: np.ndarray | None) -> str:
    if mask is not None and not mask.any():
        return "no fitted target is within reach of the prior: the posterior is the prior"
    if last.epsilon <= method.min_epsilon:
        return f"tolerance reached min_epsilon {method.min_epsilon}"
    if last.index > 0 and last.acceptance < method.min_acceptance:
        return f"acceptance {last.acceptance:.1%} fell below min_acceptance {method.min_acceptance:.0%}"
    return ""


def _generation(config: CalibrationConfig, sampler: Sampler, t: int, previous: Generation | None,
                mask: np.ndarray | None, simulate: Callable, budget_left: int) -> tuple[Generation | None, int]:
    """Propose in batches of one population until N are accepted: (the generation or None if the budget ran
    out, simulations spent)."""
    method, n, start = config.method, config.method.population, time.perf_counter()
    epsilon = math.inf if previous is None else \
        max(float(np.quantile(previous.distances, method.quantile)), method.min_epsilon)
    cov = None if previous is None else sampler.kernel(previous)
    kept: list[tuple] = []
    spent, batch = 0, 0
    while len(kept) < n:
        size = min(n, budget_left - spent)
        if size <= 0:
            return None, spent
        rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(0, t, batch)))
        thetas = sampler.from_prior(rng, size) if previous is None else sampler.perturb(rng, previous, cov, size)
        seeds = [run_seed(config.seed, 1, t, batch, k) for k in range(size)]
        values = simulate(thetas, seeds, f"g{t:03d}b{batch:04d}")
        d = distances(config, values, mask)
        kept += [(thetas[k], d[k], values[k], seeds[k]) for k in range(size) if np.isfinite(d[k]) and d[k] <= epsilon]
        spent, batch = spent + size, batch + 1
    kept = kept[:n]
    thetas = np.array([k[0] for k in kept])
    gen = Generation(t, epsilon, thetas, sampler.weights(thetas, previous, cov), np.array([k[1] for k in kept]),
                     np.array([k[2] for k in kept]), np.array([k[3] for k in kept], dtype=np.int64), spent,
                     time.perf_counter() - start)
    return gen, spent

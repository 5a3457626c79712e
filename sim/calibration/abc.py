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

    @property
    def final(self) -> Generation:
        return self.generations[-1]


def distances(config: CalibrationConfig, values: np.ndarray) -> np.ndarray:
    """RMS of the error-scaled misfits over the fitted targets (a bound only counts when it is violated)."""
    fitted = np.array([not t.heldout for t in config.targets])
    observed = np.array([t.observed for t in config.targets])[fitted]
    error = np.array([t.error for t in config.targets])[fitted]
    bound = np.array([t.bound for t in config.targets])[fitted]
    z = (values[:, fitted] - observed) / error
    z = np.where(bound == "lower", np.minimum(z, 0.0), np.where(bound == "upper", np.maximum(z, 0.0), z))
    d = np.sqrt(np.mean(z ** 2, axis=1))
    return np.where(np.isfinite(d), d, np.inf)


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

    ``done``: generations of an interrupted run of the same config, to continue from.
    """
    method, sampler = config.method, Sampler(config)
    generations = list(done or [])
    n, used = method.population, sum(g.simulations for g in generations)
    if generations and generations[-1].epsilon <= method.min_epsilon:
        return Result(generations, f"tolerance reached min_epsilon {method.min_epsilon}", used)
    for t in range(len(generations), method.max_generations):
        start = time.perf_counter()
        previous = generations[-1] if generations else None
        epsilon = math.inf if previous is None else \
            max(float(np.quantile(previous.distances, method.quantile)), method.min_epsilon)
        cov = None if previous is None else sampler.kernel(previous)
        kept: list[tuple] = []
        spent, batch = 0, 0
        while len(kept) < n:
            size = min(n, method.budget - used)
            if size <= 0:
                partial = f"; generation {t} left incomplete" if spent else ""
                return Result(generations, f"budget of {method.budget} simulations spent{partial}", used)
            rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(0, t, batch)))
            thetas = sampler.from_prior(rng, size) if previous is None else sampler.perturb(rng, previous, cov, size)
            seeds = [run_seed(config.seed, 1, t, batch, k) for k in range(size)]
            values = simulate(thetas, seeds, f"g{t:03d}b{batch:04d}")
            d = distances(config, values)
            kept += [(thetas[k], d[k], values[k], seeds[k]) for k in range(size)
                     if np.isfinite(d[k]) and d[k] <= epsilon]
            used, spent, batch = used + size, spent + size, batch + 1
        kept = kept[:n]
        thetas = np.array([k[0] for k in kept])
        gen = Generation(t, epsilon, thetas, sampler.weights(thetas, previous, cov), np.array([k[1] for k in kept]),
                         np.array([k[2] for k in kept]), np.array([k[3] for k in kept], dtype=np.int64), spent,
                         time.perf_counter() - start)
        generations.append(gen)
        if report:
            report(gen, used)
        if epsilon <= method.min_epsilon:
            return Result(generations, f"tolerance reached min_epsilon {method.min_epsilon}", used)
    return Result(generations, f"max_generations {method.max_generations} reached", used)

"""What a calibration writes into DIR: the posterior, its summary, the predictive check and ``calibration.md``.

    posterior.parquet          one row per particle of the last generation: weight, distance, seed, parameters
    particles.parquet          every generation's particles (generation, epsilon, weight, distance, parameters)
    generations.parquet        per generation: epsilon, particles, accepted moves, simulations, acceptance, ESS
    posterior_summary.parquet  per parameter: prior and posterior mean, sd, 5/50/95% quantiles, sd ratio
    predictive.parquet         per target: observed, error, role (fitted/heldout), predictive quantiles, coverage
    tried.parquet              per missed target: closest prior draw, movers, a wider prior tried, verdict
    calibration.json           the config, seed, method, command, versions, simulations, time
    marginals.png              prior density and weighted posterior histogram of every parameter
    pairs.png                  scatter plots of the most correlated parameter pairs (if any |r| >= 0.3)
    calibration.md             the report of all of the above
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.batch.tables import markdown as markdown_table
from sim.calibration.abc import Generation, Result, closest_misfit
from sim.calibration.config import CalibrationConfig
from sim.calibration.tried import markdown_section

FORMAT = "xinhui-sim posterior 1"
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q) -> np.ndarray:
    """Quantiles of a weighted sample (midpoint interpolation of the weighted CDF)."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order] / weights.sum()
    cdf = np.cumsum(w) - 0.5 * w
    return np.interp(q, cdf, v)


def particles_frame(config: CalibrationConfig, gen: Generation) -> pd.DataFrame:
    frame = pd.DataFrame({"generation": gen.index, "particle": np.arange(len(gen.weights)), "weight": gen.weights,
                          "distance": gen.distances, "epsilon": gen.epsilon, "seed": gen.seeds})
    for i, prior in enumerate(config.priors):
        frame[prior.path] = gen.thetas[:, i]
    return frame


def write_posterior(path: Path, config: CalibrationConfig, gen: Generation) -> None:
    """posterior.parquet: the parameter columns are listed in the file's metadata (read by ``batch --posterior``)."""
    table = pa.Table.from_pandas(particles_frame(config, gen).drop(columns=["epsilon"]), preserve_index=False)
    meta = {"format": FORMAT, "parameters": [p.path for p in config.priors], "config": config.file,
            "seed": config.seed, "generation": gen.index}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           b"xinhui_posterior": json.dumps(meta).encode()})
    pq.write_table(table, path)


def summary_frame(config: CalibrationConfig, gen: Generation) -> pd.DataFrame:
    rows = []
    for i, prior in enumerate(config.priors):
        dist, x, w = prior.dist(), gen.thetas[:, i], gen.weights
        mean = float(np.sum(w * x))
        sd = float(np.sqrt(np.sum(w * (x - mean) ** 2)))
        post_q = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        ratio = sd / float(dist.std())
        rows.append({"parameter": prior.path, "prior": _prior_text(prior), "prior_mean": float(dist.mean()),
                     "prior_sd": float(dist.std()), "prior_q05": float(dist.ppf(0.05)),
                     "prior_q95": float(dist.ppf(0.95)), "posterior_mean": mean, "posterior_sd": sd,
                     "posterior_q05": post_q[0], "posterior_q50": post_q[1], "posterior_q95": post_q[2],
                     "sd_ratio": ratio, "identified": _identified(ratio), "source": prior.source})
    return pd.DataFrame(rows)


def _identified(ratio: float) -> str:
    """Posterior sd / prior sd: below 0.5 the data pin the parameter down, above 0.8 it stays at its prior."""
    return "yes" if ratio < 0.5 else "partly" if ratio < 0.8 else "no"


def _prior_text(prior) -> str:
    if prior.distribution == "uniform":
        return f"uniform [{prior.low:g}, {prior.high:g}]"
    return f"normal({prior.mean:g}, {prior.sd:g}) on [{prior.low:g}, {prior.high:g}]"


def predictive_frame(config: CalibrationConfig, values: np.ndarray, used: np.ndarray | None = None,
                     prior_values: np.ndarray | None = None) -> pd.DataFrame:
    """Per target: quantiles of a new observation (simulated value plus observation error) and coverage.

    ``used``: mask of the targets in the distance; a fitted target outside it is ``unreachable`` (no prior
    simulation came within ``method.unreachable_beyond`` errors: ``closest_prior_misfit``, from ``prior_values``).
    """
    rows = []
    closest = closest_misfit(config, prior_values) if prior_values is not None else \
        np.full(len(config.targets), np.nan)
    for j, target in enumerate(config.targets):
        sample = values[:, j][np.isfinite(values[:, j])]
        q = np.quantile(sample, QUANTILES) if len(sample) else np.full(len(QUANTILES), np.nan)
        row = {"target": target.name, "output": f"{target.table}.{target.column}", "year": target.year,
               "observed": target.observed, "error": target.error, "bound": target.bound,
               "role": _role(target, None if used is None else used[j]), "draws": len(sample),
               "closest_prior_misfit": float(closest[j]),
               **{f"q{int(p * 100):02d}": float(x) for p, x in zip(QUANTILES, q)}, "source": target.source}
        if target.bound == "none":
            row["inside_50"] = bool(q[1] <= target.observed <= q[3])
            row["inside_90"] = bool(q[0] <= target.observed <= q[4])
        else:  # a bound: the share of draws on the allowed side; "inside" when at least 5% are
            ok = sample >= target.observed if target.bound == "lower" else sample <= target.observed
            row["share_meeting_bound"] = float(ok.mean()) if len(sample) else float("nan")
            row["inside_90"] = bool(row["share_meeting_bound"] >= 0.05)
            row["inside_50"] = bool(row["share_meeting_bound"] >= 0.25)
        rows.append(row)
    return pd.DataFrame(rows)


def _role(target, in_distance: bool | None) -> str:
    if target.heldout:
        return "heldout"
    return "unreachable" if in_distance is not None and not in_distance else "fitted"


def generations_frame(result: Result) -> pd.DataFrame:
    return pd.DataFrame([{"generation": g.index, "epsilon": g.epsilon, "particles": len(g.weights),
                          "accepted": len(g.weights) if g.accepted < 0 else g.accepted,
                          "simulations": g.simulations, "acceptance": g.acceptance, "ess": g.ess,
                          "seconds": round(g.seconds, 2)} for g in result.generations])


def write_outputs(out: Path, config: CalibrationConfig, result: Result, predictive: pd.DataFrame,
                  manifest: dict, tried: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Every file of the module docstring; ``tried``: the "what was tried" frame (sim/calibration/tried.py)."""
    from sim.calibration.tried import tried_columns

    out = Path(out)
    write_posterior(out / "posterior.parquet", config, result.final)
    frames = {"particles": pd.concat([particles_frame(config, g) for g in result.generations], ignore_index=True),
              "generations": generations_frame(result), "posterior_summary": summary_frame(config, result.final),
              "predictive": predictive, "tried": tried_columns(tried)}
    for name, frame in frames.items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    (out / "calibration.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str),
                                          encoding="utf-8")
    write_marginals(out / "marginals.png", config, result.final)
    if correlated_pairs(config, result.final):
        write_pairs(out / "pairs.png", config, result.final)
    (out / "calibration.md").write_text(markdown(config, result, frames, manifest), encoding="utf-8")
    return frames


def write_marginals(path: Path, config: CalibrationConfig, gen: Generation) -> None:
    """One panel per parameter: the prior's density and the weighted histogram of the posterior particles."""
    from sim.plotting.base import _grid, close

    fig, axes = _grid(len(config.priors), ncols=3, width=3.8, height=2.6, sharey=False, sharex=False)
    for ax, prior, x in zip(axes, config.priors, gen.thetas.T):
        grid = np.linspace(prior.low, prior.high, 200)
        ax.hist(x, bins=15, range=(prior.low, prior.high), weights=gen.weights, density=True, color="C0",
                alpha=0.6, label="posterior")
        ax.plot(grid, prior.dist().pdf(grid), color="0.2", label="prior")
        ax.set_title(prior.path, fontsize=8)
        ax.set_xlabel("value")
        ax.set_ylabel("density")
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Prior and posterior marginals (generation {gen.index}, epsilon {gen.epsilon:.3g})")
    fig.savefig(path, dpi=90)
    close(fig)


def correlated_pairs(config: CalibrationConfig, gen: Generation, at_least: float = 0.3) -> list[tuple]:
    """(i, j, r) of the parameter pairs whose weighted posterior correlation is at least ``at_least`` in size,
    strongest first."""
    if len(config.priors) < 2:
        return []
    cov = np.cov(gen.thetas.T, aweights=gen.weights)
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd) if np.all(sd > 0) else np.zeros_like(cov)
    pairs = [(i, j, corr[i, j]) for i in range(len(config.priors)) for j in range(i + 1, len(config.priors))
             if abs(corr[i, j]) >= at_least]
    return sorted(pairs, key=lambda p: -abs(p[2]))


def write_pairs(path: Path, config: CalibrationConfig, gen: Generation, most: int = 6) -> None:
    """Scatter plots of the most correlated parameter pairs (point size by weight)."""
    from sim.plotting.base import _grid, close

    pairs = correlated_pairs(config, gen)[:most]
    fig, axes = _grid(len(pairs), ncols=3, width=3.8, height=3.0, sharey=False, sharex=False)
    for ax, (i, j, r) in zip(axes, pairs):
        ax.scatter(gen.thetas[:, i], gen.thetas[:, j], s=4 + 400 * gen.weights, alpha=0.5, color="C0")
        ax.set_xlim(config.priors[i].low, config.priors[i].high)
        ax.set_ylim(config.priors[j].low, config.priors[j].high)
        ax.set_xlabel(config.priors[i].path, fontsize=7)
        ax.set_ylabel(config.priors[j].path, fontsize=7)
        ax.set_title(f"r = {r:+.2f}", fontsize=8)
    fig.suptitle("Posterior pairs of correlated parameters (axes: the priors' bounds)")
    fig.savefig(path, dpi=90)
    close(fig)


def markdown(config: CalibrationConfig, result: Result, frames: dict, manifest: dict) -> str:
    summary, pred, gens = frames["posterior_summary"], frames["predictive"], frames["generations"]
    final = result.final
    lines = [f"# Calibration of `{Path(config.scenario.path).name}` with `{Path(config.file).name}`", "",
             f"ABC-SMC with MCMC moves (Del Moral et al. 2012), population {config.method.population}, quantile {config.method.quantile}, seed "
             f"{config.seed}; {result.simulations} simulations of the sampler + {manifest['predictive_simulations']} "
             f"of the predictive check in {manifest['seconds']:.0f} s ({manifest['executor']}). Stopped: "
             f"{result.stopped}. Final tolerance {final.epsilon:.3g} (RMS misfit in units of the observation "
             f"errors), effective sample size {final.ess:.0f} of {len(final.weights)}.", "", *_ess_warning(final),
             "## Generations", "", markdown_table(gens), "",
             "## Parameters: prior and posterior", "", "![prior and posterior marginals](marginals.png)", "",
             "sd ratio = posterior sd / prior sd; identified: yes below 0.5, partly below 0.8, no otherwise (the "
             "data leave the parameter at its prior).", ""]
    view = summary.assign(prior_90=[f"{a:.4g} – {b:.4g}" for a, b in zip(summary.prior_q05, summary.prior_q95)],
                          posterior_90=[f"{a:.4g} – {b:.4g}" for a, b in
                                        zip(summary.posterior_q05, summary.posterior_q95)])
    lines += [markdown_table(view[["parameter", "prior", "prior_mean", "prior_90", "posterior_mean",
                                 "posterior_90", "sd_ratio", "identified"]]), ""]
    lines += _predictive_section(pred) + markdown_section(frames.get("tried")) + _skipped_section(config) + \
        _correlations(config, final)
    return "\n".join(lines) + "\n"


def _ess_warning(final: Generation) -> list[str]:
    """A posterior carried by a handful of particles gives intervals that only look narrow."""
    if final.ess >= len(final.weights) / 5:
        return []
    return [f"**Warning:** the effective sample size ({final.ess:.0f}) is below a fifth of the population: the "
            "posterior rests on a few particles and its intervals are unreliable; raise `method.population` or the "
            "budget, or look for misfitting targets.", ""]


def _predictive_section(pred: pd.DataFrame) -> list[str]:
    view = pred.assign(interval_50=[f"{a:.4g} – {b:.4g}" for a, b in zip(pred.q25, pred.q75)],
                       interval_90=[f"{a:.4g} – {b:.4g}" for a, b in zip(pred.q05, pred.q95)])
    out = ["## Targets: posterior predictive check", "",
           "Intervals of a new observation: the model's value under posterior draws (fresh seeds) plus the "
           "observation error. A bound target (`lower`/`upper`) counts as covered when at least 5% of the "
           "draws meet it.", "",
           markdown_table(view[["target", "year", "role", "observed", "error", "bound", "q50", "interval_50",
                                "interval_90", "inside_90"]]), ""]
    for role in ("fitted", "heldout", "unreachable"):
        part = pred[pred.role == role]
        if len(part):
            out.append(f"- {role}: {int(part.inside_90.sum())} of {len(part)} observed values inside the 90% "
                       f"interval, {int(part.inside_50.sum())} inside the 50% interval.")
    for row in pred[pred.role == "heldout"].itertuples():
        out.append(f"- forecast of held-out `{row.target}` ({row.year}): 90% interval {row.q05:.4g} – {row.q95:.4g} "
                   f"(width {row.q95 - row.q05:.3g}), observed {row.observed:.4g}.")
    return out + [""] + _unreachable_section(pred)


def _unreachable_section(pred: pd.DataFrame) -> list[str]:
    part = pred[pred.role == "unreachable"]
    if not len(part):
        return []
    rows = [f"- `{r.target}` ({r.year}): observed {r.observed:.4g}, the closest of the prior's simulations is "
            f"{r.closest_prior_misfit:.2f} errors away; posterior predictive 90% {r.q05:.4g} – {r.q95:.4g}."
            for r in part.itertuples()]
    return ["## Misfits: targets the model cannot reach", "",
            "No simulation of generation 0 (the priors) came within the cut-off (`method.unreachable_beyond`) of "
            "these figures, so they were left out of the distance: kept in, they would dominate it and collapse "
            "the importance weights onto the few particles leaning furthest towards them. They are structural "
            "misfits of the model (or of the priors), not uncertainty the calibration can express.", "",
            *rows, ""]


def _skipped_section(config: CalibrationConfig) -> list[str]:
    if not config.skipped:
        return []
    rows = pd.DataFrame([{"target": t.name, "year": t.year, "observed": t.observed, "needs": t.needs,
                          "source": t.source} for t in config.skipped])
    return ["## Targets not used", "", "These figures need a model feature that does not exist yet; they are "
            "listed in the config and skipped.", "", markdown_table(rows), ""]


def _correlations(config: CalibrationConfig, gen: Generation) -> list[str]:
    if len(config.priors) < 2:
        return []
    pairs = correlated_pairs(config, gen)
    text = [f"- `{config.priors[i].path}` and `{config.priors[j].path}`: {r:+.2f}" for i, j, r in pairs] or \
        ["- none with |r| >= 0.3"]
    figure = ["", "![pairs of correlated parameters](pairs.png)"] if pairs else []
    return ["## Posterior correlations (weighted, |r| >= 0.3)", "", *text, *figure, ""]

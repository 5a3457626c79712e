"""What was tried for every target a calibration misses, from the evidence of the run itself.

A target is missed when its observed value lies outside its 90% posterior predictive interval (a bound: when
fewer than 5% of the draws meet it). For each one the report gives, in ``tried.parquet`` and the section "What
was tried" of ``calibration.md``:

- the closest of the prior's simulations (generation 0): its value, its misfit in observation errors and the
  parameters of that draw furthest from their prior medians (history matching's question: does any parameter
  set of the priors produce the figure? Vernon, Goldstein & Bower 2010);
- which parameters move it most: Spearman's rank correlation of each parameter with the target over the prior
  draws (the posterior is too narrow to show it);
- a wider prior within the schema's bounds, tried: the parameter that moves it most is set one prior width
  beyond the prior's edge in the direction that closes the misfit (clipped to the schema's bound; at the edge
  itself when the prior already reaches the bound), the others at the best particle of the last generation,
  and ``PROBE_SEEDS`` simulations are run. Their mean says whether a wider prior would let the calibration
  reach the figure or whether the misfit is structural for these parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.batch.sweep import numeric_paths
from sim.calibration.abc import Generation, closest_misfit, misfits
from sim.calibration.config import CalibrationConfig

PROBE_SEEDS = 2   # simulations of each probe (the between-seed sd of 2023 GDP is about 7亿, docs §5)
MOVERS = 3        # parameters listed per target
REACHED = 2.0     # a probe within this many observation errors counts as reaching the figure


@dataclass(frozen=True)
class Probe:
    """A wider-prior trial for target ``target``: parameter ``parameter`` at ``value`` in ``theta``."""

    target: int
    parameter: int
    value: float
    edge: float        # the prior's edge it goes beyond
    bound: float       # the schema's bound in that direction (inf: none)
    theta: np.ndarray


def missed(pred: pd.DataFrame) -> list[int]:
    """Indices (config order: the predictive frame's row order) of the targets outside their 90% interval."""
    return [j for j, inside in enumerate(pred.inside_90) if not inside]


def rank_correlations(thetas: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Spearman's rho of every parameter (columns of ``thetas``) with ``values``; NaN when undefined."""
    ok = np.isfinite(values)
    out = np.full(thetas.shape[1], np.nan)
    if ok.sum() < 3 or np.ptp(values[ok]) == 0:
        return out
    for i in range(thetas.shape[1]):
        if np.ptp(thetas[ok, i]) > 0:
            out[i] = stats.spearmanr(thetas[ok, i], values[ok]).statistic
    return out


def direction(target, median: float) -> int:
    """+1 when the model's value must rise to meet the figure, -1 when it must fall."""
    if target.bound == "lower":
        return 1
    if target.bound == "upper":
        return -1
    return 1 if target.observed > median else -1


def probe_for(config: CalibrationConfig, j: int, rho: np.ndarray, want: int, base: np.ndarray) -> Probe | None:
    """The wider-prior trial of target ``j``: its strongest mover pushed past its prior's edge, or None."""
    if not np.isfinite(rho).any():
        return None
    i = int(np.nanargmax(np.abs(rho)))
    prior = config.priors[i]
    param = numeric_paths().get(prior.path)  # None (a toy model's parameter): no schema bounds
    width, up = prior.high - prior.low, np.sign(rho[i]) * want > 0
    if up:
        edge, bound = prior.high, np.inf if param is None or param.max is None else float(param.max)
        value = min(edge + width, bound)
    else:
        edge, bound = prior.low, -np.inf if param is None or param.min is None else float(param.min)
        value = max(edge - width, bound)
    theta = base.copy()
    theta[i] = value
    return Probe(j, i, float(value), float(edge), float(bound), theta)


def probes(config: CalibrationConfig, pred: pd.DataFrame, prior: Generation, final: Generation) -> list[Probe]:
    """One probe per missed target that no prior draw reaches (within ``REACHED`` errors) and whose prior draws
    show a mover; base: the last generation's best particle. A target some prior draw reaches needs no wider
    prior: the posterior trades it off against the others (``verdict``)."""
    base = final.thetas[int(np.argmin(final.distances))]
    closest = closest_misfit(config, prior.values)
    out = []
    for j in missed(pred):
        if closest[j] <= REACHED:
            continue
        rho = rank_correlations(prior.thetas, prior.values[:, j])
        probe = probe_for(config, j, rho, direction(config.targets[j], float(pred.q50.iloc[j])), base)
        if probe is not None:
            out.append(probe)
    return out


def probe_design(config: CalibrationConfig, found: list[Probe]) -> np.ndarray:
    """The parameter vectors to simulate: each probe's ``PROBE_SEEDS`` times, in order."""
    if not found:
        return np.zeros((0, len(config.priors)))
    return np.repeat(np.array([p.theta for p in found]), PROBE_SEEDS, axis=0)


def tried_frame(config: CalibrationConfig, pred: pd.DataFrame, prior: Generation, found: list[Probe],
                probe_values: np.ndarray) -> pd.DataFrame:
    """One row per missed target: the closest prior draw, the movers, the wider-prior trial and a verdict."""
    by_target = {p.target: (p, probe_values[k * PROBE_SEEDS:(k + 1) * PROBE_SEEDS, p.target])
                 for k, p in enumerate(found)}
    z = misfits(config, prior.values)
    rows = []
    for j in missed(pred):
        target, row = config.targets[j], pred.iloc[j]
        rho = rank_correlations(prior.thetas, prior.values[:, j])
        entry = {"target": target.name, "year": target.year, "role": row.role, "observed": target.observed,
                 "bound": target.bound, "error": target.error, "posterior_q50": float(row.q50),
                 "posterior_misfit": float(misfits(config, _row_of(config, j, row.q50))[0, j]),
                 **_closest(config, prior, z[:, j], j), "movers": _movers_text(config, rho)}
        entry.update(_probe_columns(config, j, *by_target.get(j, (None, None))))
        entry["verdict"] = verdict(entry)
        rows.append(entry)
    return pd.DataFrame(rows)


COLUMNS = ("target", "year", "role", "observed", "bound", "error", "posterior_q50", "posterior_misfit",
           "closest_prior_value", "closest_prior_misfit", "closest_prior_parameters", "movers", "probe_parameter",
           "probe_value", "prior_edge", "schema_bound", "probe_result", "probe_misfit", "verdict")


def tried_columns(frame: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with the documented columns (an empty frame with them when nothing was missed)."""
    return pd.DataFrame(columns=list(COLUMNS)) if frame is None or not len(frame) else frame[list(COLUMNS)]


def _row_of(config: CalibrationConfig, j: int, value: float) -> np.ndarray:
    row = np.zeros((1, len(config.targets)))
    row[0, j] = value
    return row


def _closest(config: CalibrationConfig, prior: Generation, z: np.ndarray, j: int) -> dict:
    finite = np.isfinite(z)
    if not finite.any():
        return {"closest_prior_value": np.nan, "closest_prior_misfit": np.nan, "closest_prior_parameters": ""}
    k = int(np.argmin(np.where(finite, np.abs(z), np.inf)))
    levels = [(p.path, float(prior.thetas[k, i]), float(p.dist().cdf(prior.thetas[k, i])))
              for i, p in enumerate(config.priors)]
    far = sorted(levels, key=lambda x: -abs(x[2] - 0.5))[:MOVERS]
    text = ", ".join(f"{name} = {value:.4g} (prior quantile {q:.2f})" for name, value, q in far)
    return {"closest_prior_value": float(prior.values[k, j]), "closest_prior_misfit": float(z[k]),
            "closest_prior_parameters": text}


def _movers_text(config: CalibrationConfig, rho: np.ndarray) -> str:
    order = [i for i in np.argsort(-np.nan_to_num(np.abs(rho), nan=-1.0)) if np.isfinite(rho[i])][:MOVERS]
    return ", ".join(f"{config.priors[i].path} ({rho[i]:+.2f})" for i in order) or "none (no prior draw varies it)"


def _probe_columns(config: CalibrationConfig, j: int, probe: Probe | None, values: np.ndarray | None) -> dict:
    if probe is None:
        return {"probe_parameter": "", "probe_value": np.nan, "prior_edge": np.nan, "schema_bound": np.nan,
                "probe_result": np.nan, "probe_misfit": np.nan}
    ok = values[np.isfinite(values)]
    result = float(ok.mean()) if len(ok) else np.nan
    return {"probe_parameter": config.priors[probe.parameter].path, "probe_value": probe.value,
            "prior_edge": probe.edge, "schema_bound": probe.bound, "probe_result": result,
            "probe_misfit": float(misfits(config, _row_of(config, j, result))[0, j])}


def verdict(entry: dict) -> str:
    """The conclusion of the trials, in words."""
    closest = entry["closest_prior_misfit"]
    if np.isfinite(closest) and abs(closest) <= REACHED:
        return (f"not needed: a prior draw comes within {abs(closest):.1f} errors, so the prior is wide enough; "
                "the posterior trades this figure off against the other targets (or the sampler stopped before "
                "its tolerance could hold them all)")
    if not entry["probe_parameter"]:
        return "no parameter of the priors moves it: structural (a model change, not a calibration one)"
    if not np.isfinite(entry["probe_result"]):
        return f"the wider-prior simulations failed ({entry['probe_parameter']} = {entry['probe_value']:.4g})"
    at_bound = entry["probe_value"] == entry["prior_edge"]
    where = "at the prior's edge, which is the schema's bound," if at_bound else "beyond the prior"
    left, before = entry["probe_misfit"], entry["posterior_misfit"]
    if abs(left) <= REACHED or np.sign(left) * np.sign(before) < 0:  # overshot: crossed the observed value
        return (f"reached with {entry['probe_parameter']} between {entry['prior_edge']:.4g} and "
                f"{entry['probe_value']:.4g} ({where}): a wider prior (inside the schema's bounds) would let the "
                "calibration fit it; check such a value against the parameter's source before widening")
    moved = "closer" if abs(left) < abs(before) else "no closer"
    return (f"{entry['probe_parameter']} = {entry['probe_value']:.4g} ({where}) brings it {moved} "
            f"({abs(before):.1f} -> {abs(left):.1f} errors): out of reach of these parameters, structural")


def markdown_section(frame: pd.DataFrame | None) -> list[str]:
    """The report's section "What was tried" (empty when every target is covered)."""
    if frame is None or not len(frame):
        return []
    out = ["## What was tried for the targets outside their 90% interval", "",
           "Evidence from this run (`tried.parquet`): the closest of the prior's simulations and its parameters, "
           "the parameters that move the target most (Spearman's rank correlation over the prior draws), and a "
           "wider prior tried: the strongest mover one prior width beyond the prior's edge (within the schema's "
           f"bounds), the other parameters at the best particle, {PROBE_SEEDS} simulations.", ""]
    for r in frame.itertuples():
        out += [f"- **`{r.target}`** ({r.year}, {r.role}): observed {r.observed:.4g}"
                + (f" ({r.bound} bound)" if r.bound != "none" else "")
                + f", posterior median {r.posterior_q50:.4g} ({r.posterior_misfit:+.1f} errors).",
                f"  - closest prior draw: {r.closest_prior_value:.4g} ({r.closest_prior_misfit:+.1f} errors) with "
                f"{r.closest_prior_parameters or 'no successful draw'}.",
                f"  - moved most by: {r.movers}.",
                f"  - wider prior: {r.verdict}" + (f"; its simulations gave {r.probe_result:.4g}."
                                                  if np.isfinite(r.probe_result) else ".")]
    return out + [""]

"""Parameter ranges for a sensitivity analysis under uncertainty: from a calibration's priors or its posterior.

``ranges_from(source, names)``: ``source`` is a calibration file (``.yaml``: each prior's bounds if uniform, its
5-95% quantiles if normal) or a calibration's posterior (its directory or ``posterior.parquet``: the weighted
5-95% quantiles of the particles). Morris and Sobol designs sample every range independently, so correlations
between posterior parameters are not kept (the ranges are the marginal 90% intervals). ``fixed`` gives the
values of the source's other parameters (the posterior's weighted medians, the priors' medians), so the
parameters not analysed sit where the calibration puts them rather than at the schema's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.scenario.errors import ScenarioError

OPTION = "--ranges-from"


@dataclass(frozen=True)
class Ranges:
    """(low, high, why) per parameter, and the values of the source's other parameters."""

    ranges: dict[str, tuple[float, float, str]]
    fixed: dict[str, float]
    source: str


def ranges_from(source: str | Path, names: list[str] | None) -> Ranges:
    """The ranges of ``names`` (None: every parameter of the source); ScenarioError for an unknown name."""
    path = Path(source)
    kind = "prior" if path.suffix in (".yaml", ".yml") else "posterior"
    table = _prior_table(path) if kind == "prior" else _posterior_table(path)
    chosen = list(table) if names is None else names
    for name in chosen:
        if name not in table:
            raise ScenarioError(f"'{name}' is not a parameter of the {kind} in {path} (it has: "
                                f"{', '.join(table)})", file="<command line>", key_path="--parameters")
    ranges = {name: (*table[name][:2], f"{kind} 90%: {path.name}") for name in chosen}
    fixed = {name: table[name][2] for name in table if name not in chosen}
    return Ranges(ranges, fixed, str(path))


def _prior_table(path: Path) -> dict[str, tuple[float, float, float]]:
    """(low, high, median) of each prior of a calibration file: its bounds (uniform) or 5-95% (normal)."""
    from sim.calibration.config import load_config

    table = {}
    for prior in load_config(path).priors:
        dist = prior.dist()
        lo, hi = (prior.low, prior.high) if prior.distribution == "uniform" else dist.ppf([0.05, 0.95])
        table[prior.path] = (float(lo), float(hi), float(dist.median()))
    return table


def _posterior_table(path: Path) -> dict[str, tuple[float, float, float]]:
    """(q05, q95, q50) of each parameter of a posterior, weighted by the particles' weights."""
    from sim.calibration.posterior import load_posterior
    from sim.calibration.report import weighted_quantile

    posterior = load_posterior(path)
    table = {}
    for name in posterior.parameters:
        q = weighted_quantile(posterior.frame[name].to_numpy(dtype=float), posterior.weights, [0.05, 0.95, 0.5])
        if not q[1] > q[0]:  # one particle carries the weight: no interval to sample
            raise ScenarioError(f"the posterior's 90% interval of '{name}' is a single value ({q[0]:.4g}): too "
                                "few effective particles to sample it", file=str(path), key_path=OPTION)
        table[name] = (float(q[0]), float(q[1]), float(q[2]))
    return table


def nested(values: dict[str, float]) -> dict:
    """Dotted paths as nested scenario keys (for the sweep file)."""
    from sim.calibration.posterior import nested_overrides

    return nested_overrides({k: float(np.float64(v)) for k, v in values.items()})

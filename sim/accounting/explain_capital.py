"""What the capital of lost projects would have contributed in the last year, for ``xinhui-sim explain``.

A project lost to another county in year t would not have been capital of a producing firm the year it was lost:
it would have waited for its approval, been built, handed its capacity to its firm over the ramp-up, and then
depreciated with that firm, if the firm survived. So the capital it would have had in place at the end of the last
year T is its capital I φ_f (the ``project_capital_lost_100m_cny`` of year t, at year t's prices, moved to T's)
times the in-place share w(t, T) of the pipeline of docs/ODD.md §7.1 (section 2.6 for the steps):

    w(t, T) = E[ S(p, T) Σ_k (1/R) 1[x_k ≤ end of T] (1 − δ)^(T − year(x_k)) ]

over the signing quarter (uniform in year t), the approval delay A and the construction time D ~ U{D_min..D_max}
quarters: production starts in quarter p = signing + A + D; the capacity comes in R slices (R =
``investment.ramp_up_quarters``) at x_k = p + k, k = 0..R − 1 for a new firm and 1..R for an expanded one (share
``investment.expansion_share``); a slice does not depreciate in the year it arrives (δ =
``firms.depreciation_rate_per_year``). What the firm reinvests later is its own investment, in the split's
"other capital". The delay and the survival come from the run's own tables, from the projects that did land
(comparable projects): A = the mean signing-to-production lag of the producing projects
(``project_lag_quarters_mean`` weighted by ``projects_producing``) less E[D] (the delay's mean, split between its
two neighbouring whole quarters); S(p, T) = Π (1 − h_y) from p to the end of T (the year of p for its remaining
quarters), h_y = ``above_scale_exits`` / ``firms_above_scale`` of the year before (a project's firm is as large as
an above-scale firm: 规上 firms are its comparable firms). The structural keys (D_min, D_max, R, δ,
``expansion_share``) are those each run ran with: its posterior columns, else its resolved scenario, else the
schema's defaults. Nothing here is an effect size: every input is a rule of the model or a figure of the run.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

QUARTERS = 4
KEYS = {  # field of PipelineTimes: (scenario section, key)
    "construction_min": ("investment", "construction_quarters_min"),
    "construction_max": ("investment", "construction_quarters_max"),
    "ramp": ("investment", "ramp_up_quarters"),
    "expansion_share": ("investment", "expansion_share"),
    "depreciation": ("firms", "depreciation_rate_per_year"),
}


@dataclass(frozen=True)
class PipelineTimes:
    """The structural keys of a run behind the in-place share (quarters, share, 1/yr)."""
    construction_min: int = 4
    construction_max: int = 12
    ramp: float = 8.0
    expansion_share: float = 0.3
    depreciation: float = 0.096

    @classmethod
    def defaults(cls) -> PipelineTimes:
        from sim.scenario.schema import SCHEMA

        values = {}
        for field, (section, key) in KEYS.items():
            try:
                values[field] = SCHEMA[section][key].default
            except (KeyError, TypeError, AttributeError):  # a schema without the key: the dataclass default
                continue
        return cls(**values)

    def updated(self, resolved: dict | None) -> PipelineTimes:
        """These times with the values a resolved scenario (a mapping of sections) sets."""
        values = {}
        for field, (section, key) in KEYS.items():
            value = ((resolved or {}).get(section) or {}).get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                values[field] = value
        return PipelineTimes(**{**self.__dict__, **values})


def slice_weights(ramp: float) -> np.ndarray:
    """The shares of a project's capacity handed over in its successive steps (quarters): 1/R each, the last
    step the remainder (``ramp_capacity`` hands min(per step, left))."""
    steps = max(float(ramp), 1.0)
    whole = int(math.floor(steps))
    weights = [1.0 / steps] * whole
    if steps - whole > 1e-12:
        weights.append((steps - whole) / steps)
    return np.asarray(weights)


def in_place_share(sign_year: int, last_year: int, delay_quarters: float, times: PipelineTimes,
                   hazard: dict[int, float] | None = None) -> float:
    """w(t, T): the expected share of a project's capital (signed in ``sign_year``) in place and producing at the
    end of ``last_year``, depreciated, in a surviving firm (module docstring). ``hazard``: year -> exit rate."""
    hazard = hazard or {}
    low = int(math.floor(max(delay_quarters, 0.0)))
    delays = ((low, 1.0 - (max(delay_quarters, 0.0) - low)), (low + 1, max(delay_quarters, 0.0) - low))
    constructions = range(int(times.construction_min), int(times.construction_max) + 1)
    slices = slice_weights(times.ramp)
    end = QUARTERS * (last_year + 1)  # the first quarter after the last year
    total = 0.0
    for quarter in range(QUARTERS):
        for delay, weight in delays:
            if weight <= 0.0:
                continue
            for construction in constructions:
                produce = QUARTERS * sign_year + quarter + delay + construction
                kept = sum(share * _handed(produce, first, slices, end, last_year, times.depreciation)
                           for first, share in ((0, 1.0 - times.expansion_share), (1, times.expansion_share)))
                total += weight * kept * survival(produce, last_year, hazard)
    return total / (QUARTERS * len(constructions))


def _handed(produce: int, first: int, slices: np.ndarray, end: int, last_year: int, depreciation: float) -> float:
    """Capital of the slices handed over by the end of ``last_year``, depreciated from the year after each."""
    quarters = produce + first + np.arange(slices.size)
    inside = quarters < end
    years = quarters[inside] // QUARTERS
    return float((slices[inside] * (1.0 - depreciation) ** (last_year - years)).sum())


def survival(produce: int, last_year: int, hazard: dict[int, float]) -> float:
    """Π (1 − h_y) from the production quarter to the end of ``last_year`` (the first year for the quarters left
    in it); 1 when production starts after ``last_year`` (nothing of it is counted then)."""
    start = produce // QUARTERS
    if start > last_year:
        return 1.0
    left = (QUARTERS - produce % QUARTERS) / QUARTERS
    value = 1.0 - hazard.get(start, 0.0) * left
    for year in range(start + 1, last_year + 1):
        value *= 1.0 - hazard.get(year, 0.0)
    return value


def approval_delay(run: pd.DataFrame, times: PipelineTimes) -> float:
    """Mean signing-to-production lag of the run's producing projects, less the mean construction time
    (quarters, at least 0); 0 when no project produced or the table has no lag column."""
    if "project_lag_quarters_mean" not in run:
        return 0.0
    lag = run.project_lag_quarters_mean.to_numpy(dtype=float)
    weight = run.projects_producing.to_numpy(dtype=float) if "projects_producing" in run else (lag > 0) * 1.0
    if weight.sum() <= 0:
        return 0.0
    mean_lag = float((lag * weight).sum() / weight.sum())
    return max(mean_lag - (times.construction_min + times.construction_max) / 2.0, 0.0)


def exit_hazard(run: pd.DataFrame) -> dict[int, float]:
    """Year -> exit rate of above-scale firms (``above_scale_exits`` over last year's ``firms_above_scale``; the
    year's own count in the first year); empty when the table lacks the columns."""
    if not {"above_scale_exits", "firms_above_scale"} <= set(run):
        return {}
    run = run.sort_values("year")
    stock = run.firms_above_scale.to_numpy(dtype=float)
    before = np.concatenate([stock[:1], stock[:-1]])
    rate = np.divide(run.above_scale_exits.to_numpy(dtype=float), before, out=np.zeros(stock.size),
                     where=before > 0)
    return dict(zip(run.year.astype(int), np.clip(rate, 0.0, 1.0)))


def lost_capital_in_place(run: pd.DataFrame, times: PipelineTimes) -> float:
    """The capital (亿元 at the last year's prices) that one run's lost projects would have had in place and
    producing at the end of its last year: Σ_t lost_t × price_T / price_t × w(t, T)."""
    run = run.sort_values("year")
    last_year = int(run.year.max())
    delay, hazard = approval_delay(run, times), exit_hazard(run)
    price = run.price_index.to_numpy(dtype=float) if "price_index" in run else np.ones(len(run))
    lost = run.project_capital_lost_100m_cny.to_numpy(dtype=float) / price * price[-1]
    return float(sum(value * in_place_share(int(year), last_year, delay, times, hazard)
                     for year, value in zip(run.year, lost) if value != 0.0))


def run_times(run: pd.DataFrame, base: PipelineTimes) -> PipelineTimes:
    """``base`` with the values of the posterior columns (``section__key``) a batch's run carries."""
    resolved: dict = {}
    for section, key in KEYS.values():
        column = f"{section}__{key}"
        if column in run and run[column].notna().any():
            resolved.setdefault(section, {})[key] = float(run[column].dropna().iloc[0])
    return base.updated(resolved)


def variant_times(directory: Path | None, variants: list[str]) -> dict[str, PipelineTimes]:
    """Each variant's structural keys from the directory's resolved scenarios (a batch's
    ``scenarios/<variant>.yaml``, a run's ``manifest.json``), the schema's defaults where there is none."""
    base = PipelineTimes.defaults()
    resolved = {}
    if directory is not None:
        resolved = {name: _resolved(directory, name) for name in variants}
    return {name: base.updated(resolved.get(name)) for name in variants}


def _resolved(directory: Path, variant: str) -> dict | None:
    import yaml

    try:
        path = directory / "scenarios" / f"{variant}.yaml"
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        return json.loads((directory / "manifest.json").read_text(encoding="utf-8")).get("resolved_scenario")
    except (OSError, ValueError, yaml.YAMLError, AttributeError):
        return None


def in_place_by_run(district: pd.DataFrame, times: dict[str, PipelineTimes] | None = None) -> pd.Series:
    """Per (variant, replicate): ``lost_capital_in_place`` of that run, with its variant's keys updated by its
    posterior columns."""
    times, default = times or {}, PipelineTimes.defaults()
    values = {key: lost_capital_in_place(run, run_times(run, times.get(key[0], default)))
              for key, run in district.groupby(["variant", "replicate"], sort=False)}
    return pd.Series(values, dtype=float)

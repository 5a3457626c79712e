"""A calibration file: which scenario, which parameters with which priors, which observed figures, which method.

    scenario: ../scenarios/plan.yaml        # relative to this file
    seed: 1                                 # of the sampler and of every simulation (SeedSequence)
    method: {name: abc_smc, budget: 1500, population: 100, quantile: 0.5, min_epsilon: 1.0}
    parameters:
      firms.first_year_recovery_growth:     # any continuous scenario key (sim/scenario/schema.py)
        distribution: uniform               # uniform | normal (truncated to [low, high])
        low: 0.0                            # inside the schema's bounds
        high: 0.1
        source: "estimate: ..."
    targets:
      - name: gdp_2023
        output: district.gdp_100m_cny       # table.column of the results (docs/outputs.md)
        per: ""                             # optional table.column: the target is output / per
        year: 2023
        observed: 1011.25
        error: 20.0                         # sd of the observation error, in the output's unit; > 0
        bound: none                         # none | lower | upper (observed is a bound: "> 20万")
        source: "2023年新会区统计公报 (facts §4a)"
        needs: ""                           # e.g. historical_start: skipped, with a note in the report

Parameter names are not fixed here: they are read from the file and checked against the scenario schema at
run time. Every problem is a ScenarioError naming file, line and key path (the scenario loader's machinery).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, replace
from pathlib import Path

from scipy import stats

from sim.batch.sweep import numeric_paths
from sim.history import HISTORICAL, historical_region
from sim.results import TABLES
from sim.scenario import Scenario, load_scenario
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import Validator
from sim.scenario.spec import Param, RecordList
from sim.scenario.yamlmarks import read_yaml

P = Param
METHODS = ("abc_smc",)
CLI = "<command line>"

SCHEMA = {
    "scenario": P("", "path", "Scenario file the parameters are set in, relative to this file.", "", kind="str"),
    "seed": P(1, "", "Seed of the sampler and of every simulation.", "", kind="int", min=0),
    "start": P("base_year", "", "Initial state of every simulation: base_year (2022) or historical (2015, "
               "sim/history.py); historical makes the targets marked 'needs: historical_start' usable.", "",
               kind="str", choices=("base_year", "historical")),
    "method": {
        "name": P("abc_smc", "", "Calibration method.", "", kind="str", choices=METHODS),
        "budget": P(1500, "simulations", "Simulations of the sampler at most (--budget overrides).", "",
                    kind="int", min=2, max=1_000_000),
        "population": P(100, "particles", "Particles per generation.", "", kind="int", min=2, max=100_000),
        "quantile": P(0.5, "1", "Each tolerance is this quantile of the last generation's distances.", "",
                      min=0.05, max=0.95),
        "min_epsilon": P(1.0, "1", "Stop when the tolerance (RMS of error-scaled misfits) falls to this.", "",
                         min=0.0),
        "max_generations": P(20, "", "Generations at most.", "", kind="int", min=1, max=1000),
        "predictive": P(100, "simulations", "Fresh simulations of the posterior predictive check.", "",
                        kind="int", min=0, max=100_000),
        "unreachable_beyond": P(3.0, "observation errors", "A fitted target that no simulation of generation 0 "
                                "(the prior) comes within this many observation errors of is unreachable: left "
                                "out of the distance and reported as a misfit (history matching's implausibility "
                                "cut-off of 3, Pukelsheim's 3-sigma rule; Vernon et al. 2010).", "", min=1.0),
        "min_acceptance": P(0.02, "1", "Stop after a generation whose acceptance falls below this (more "
                            "generations would spend the budget for little gain; Beaumont et al. 2009).", "",
                            min=0.0, max=1.0),
    },
}
PRIOR = {
    "distribution": P("uniform", "", "Prior distribution.", "", kind="str", choices=("uniform", "normal")),
    "low": P(0.0, "", "Lower bound of the prior (inside the schema's).", ""),
    "high": P(0.0, "", "Upper bound of the prior (inside the schema's).", ""),
    "mean": P(None, "", "Mean of a normal prior (before truncation).", ""),
    "sd": P(None, "", "Standard deviation of a normal prior (before truncation).", "", min=0.0),
    "source": P("", "", "Where the prior comes from.", "", kind="str"),
}
TARGET = RecordList({
    "name": P("", "", "Name of the target (unique).", "", kind="str"),
    "output": P("", "", "table.column of the results.", "", kind="str"),
    "per": P("", "", "Optional table.column the output is divided by (same year).", "", kind="str"),
    "aggregate": P("sum", "", "How rows of a table other than district are combined.", "", kind="str",
                   choices=("sum", "mean", "min", "max")),
    "year": P(2023, "year", "Year of the observation.", "", kind="year", min=1900, max=2100),
    "observed": P(0.0, "", "Observed value (or bound).", ""),
    "error": P(0.0, "", "Standard deviation of the observation error, in the output's unit.", ""),
    "bound": P("none", "", "none, or lower/upper: the observation is a bound.", "", kind="str",
               choices=("none", "lower", "upper")),
    "source": P("", "", "Where the observation comes from.", "", kind="str"),
    "needs": P("", "", "A model feature this target needs; if set, the target is skipped with a note.", "",
               kind="str"),
}, "targets", required=("name", "output", "year", "observed", "error", "source"))


@dataclass(frozen=True)
class Prior:
    """The prior of one scenario parameter, truncated to [low, high]."""

    path: str
    distribution: str
    low: float
    high: float
    mean: float | None
    sd: float | None
    source: str

    def dist(self):
        if self.distribution == "uniform":
            return stats.uniform(loc=self.low, scale=self.high - self.low)
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)


@dataclass(frozen=True)
class Target:
    """One observed figure the model's output is compared with."""

    name: str
    table: str
    column: str
    per: tuple[str, str] | None
    aggregate: str
    year: int
    observed: float
    error: float
    bound: str
    source: str
    needs: str = ""
    heldout: bool = False


@dataclass(frozen=True)
class Method:
    name: str
    budget: int
    population: int
    quantile: float
    min_epsilon: float
    max_generations: int
    predictive: int
    unreachable_beyond: float = 3.0
    min_acceptance: float = 0.0


@dataclass(frozen=True)
class CalibrationConfig:
    """A validated calibration file; ``targets`` are the usable ones, ``skipped`` those that need more."""

    file: str
    text: str
    scenario: Scenario
    seed: int
    method: Method
    priors: tuple[Prior, ...]
    targets: tuple[Target, ...]
    skipped: tuple[Target, ...]

    @property
    def fitted(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if not t.heldout)


def load_config(path: str | Path, budget: int | None = None, holdout_from: int | None = None) -> CalibrationConfig:
    """Read and validate a calibration file (and the CLI's overrides). Raises ScenarioError."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError("file not found" if not path.exists() else "is not a file", file=str(path))
    raw, marks, text = read_yaml(path)
    v = Validator(marks, str(path))
    if not isinstance(raw, dict):
        v.fail((), "a calibration file must be a mapping of keys to values")
    rest = {k: x for k, x in raw.items() if k not in ("parameters", "targets")}
    for key in ("scenario", "parameters", "targets"):
        if key not in raw:
            v.fail((), f"missing required key '{key}'")
    top = v.section(rest, SCHEMA, ())
    scenario = _scenario(path, top["scenario"], v)
    if top["start"] == HISTORICAL:
        scenario = scenario.with_overrides({"horizon": {"start": HISTORICAL}})
    priors = _priors(raw["parameters"], v)
    targets = _targets(raw["targets"], v, scenario)
    if top["start"] == HISTORICAL:  # the historical start provides what these targets needed
        targets = tuple(replace(t, needs="") if t.needs == "historical_start" else t for t in targets)
    method = Method(**top["method"])
    if budget is not None:
        if budget < 2:
            raise ScenarioError(f"--budget must be >= 2, got {budget}", file=CLI, key_path="--budget")
        method = replace(method, budget=budget)
    if method.budget < method.population:
        message = f"budget {method.budget} is below the population {method.population}: not even one generation"
        if budget is not None:
            raise ScenarioError(message, file=CLI, key_path="--budget")
        v.fail(("method", "budget"), message)
    usable = tuple(t for t in targets if not t.needs)
    if holdout_from is not None:
        usable = tuple(replace(t, heldout=t.year >= holdout_from) for t in usable)
        if all(t.heldout for t in usable):
            raise ScenarioError(f"--holdout-from {holdout_from} holds out every target; nothing is left to "
                                "calibrate on", file=CLI, key_path="--holdout-from")
    return CalibrationConfig(str(path), text, scenario, top["seed"], method, priors, usable,
                             tuple(t for t in targets if t.needs))


def _scenario(path: Path, name: str, v: Validator) -> Scenario:
    if not name:
        v.fail(("scenario",), "must name a scenario file")
    file = (path.parent / name).resolve()
    if not file.is_file():
        v.fail(("scenario",), f"scenario file not found: {name}")
    return load_scenario(file)  # its own errors point into the scenario file


def _priors(block, v: Validator) -> tuple[Prior, ...]:
    where = ("parameters",)
    if not isinstance(block, dict) or not block:
        v.fail(where, "must be a non-empty mapping of scenario parameters (like firms.entry_rate_per_year) "
               "to priors")
    known = numeric_paths()
    priors = []
    for path, spec in block.items():
        key_path = where + (path,)
        param = known.get(path)
        if param is None:
            close = difflib.get_close_matches(str(path), list(known), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            v.fail(key_path, f"unknown parameter '{path}': not a numeric scenario key{hint}")
        if param.kind != "float":
            v.fail(key_path, f"'{path}' is a whole number ({param.kind}); only continuous parameters can be "
                   "calibrated")
        for req in ("low", "high", "source"):
            if not isinstance(spec, dict) or req not in spec:
                v.fail(key_path, f"missing required key '{req}'")
        priors.append(_prior(path, v.section(spec, PRIOR, key_path), param, v, key_path))
    return tuple(priors)


def _prior(path: str, spec: dict, param: Param, v: Validator, key_path: tuple) -> Prior:
    low, high = spec["low"], spec["high"]
    if param.min is not None and low < param.min:
        v.fail(key_path + ("low",), f"prior bound {low} is below the schema's minimum {param.min} of {path}")
    if param.max is not None and high > param.max:
        v.fail(key_path + ("high",), f"prior bound {high} is above the schema's maximum {param.max} of {path}")
    if not low < high:
        v.fail(key_path + ("high",), f"high must be above low, got [{low}, {high}]")
    if not spec["source"].strip():
        v.fail(key_path + ("source",), "every prior needs a source (or 'estimate: ...' with its reasoning)")
    normal = spec["distribution"] == "normal"
    for key in ("mean", "sd"):
        if normal and spec[key] is None:
            v.fail(key_path, f"a normal prior needs '{key}'")
        if not normal and spec[key] is not None:
            v.fail(key_path + (key,), f"'{key}' is only for a normal prior")
    if normal and not spec["sd"] > 0:
        v.fail(key_path + ("sd",), f"must be > 0, got {spec['sd']}")
    if normal and not low <= spec["mean"] <= high:
        v.fail(key_path + ("mean",), f"mean {spec['mean']} is outside [low, high] = [{low}, {high}]")
    return Prior(path, spec["distribution"], low, high, spec["mean"], spec["sd"], spec["source"])


def _targets(block, v: Validator, scenario: Scenario) -> tuple[Target, ...]:
    where = ("targets",)
    if not isinstance(block, list) or not block:
        v.fail(where, "must be a non-empty list of targets")
    records = v.records(block, TARGET, where)
    first, last = scenario.data["horizon"]["first_year"], scenario.data["horizon"]["last_year"]
    if scenario.data["horizon"].get("start") == HISTORICAL:
        first = historical_region(scenario)[1]
    out, names = [], set()
    for i, r in enumerate(records):
        key_path = where + (i,)
        if r["name"] in names:
            v.fail(key_path + ("name",), f"duplicate target name '{r['name']}'")
        names.add(r["name"])
        table, column = _output(r["output"], v, key_path + ("output",))
        per = _output(r["per"], v, key_path + ("per",)) if r["per"] else None
        if not (isinstance(r["error"], float) and math.isfinite(r["error"]) and r["error"] > 0):
            v.fail(key_path + ("error",), f"observation error must be > 0, got {r['error']}")
        if not r["needs"] and not first <= r["year"] <= last:
            v.fail(key_path + ("year",), f"year {r['year']} is outside the simulated years {first}-{last} of "
                   f"the scenario (a pre-{first} figure needs 'needs: historical_start')")
        out.append(Target(r["name"], table, column, per, r["aggregate"], r["year"], r["observed"], r["error"],
                          r["bound"], r["source"], r["needs"]))
    if all(t.needs for t in out):
        v.fail(where, "every target is marked 'needs': nothing can be calibrated with today's model")
    return tuple(out)


def _output(text: str, v: Validator, key_path: tuple) -> tuple[str, str]:
    table, _, column = text.partition(".")
    if table not in TABLES or not column:
        v.fail(key_path, f"must be table.column with a table among {', '.join(TABLES)}, got {text!r}")
    return table, column


def check_columns(config: CalibrationConfig, columns: dict[str, set[str]]) -> None:
    """Each usable target's columns must exist in the tables of a probe run (``columns``: table -> names)."""
    _, marks, _ = read_yaml(Path(config.file))
    v = Validator(marks, config.file)
    index = {t.name: i for i, t in enumerate(_all_targets(config))}
    for target in config.targets:
        for key, (table, column) in (("output", (target.table, target.column)), ("per", target.per or (None, None))):
            if table is None or column in columns.get(table, set()):
                continue
            close = difflib.get_close_matches(column, sorted(columns.get(table, ())), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            v.fail(("targets", index[target.name], key), f"unknown output: table {table} has no column "
                   f"'{column}'{hint}")


def _all_targets(config: CalibrationConfig) -> list[Target]:
    """Targets in file order (usable and skipped), to find each one's index in the file."""
    by_name = {t.name: t for t in (*config.targets, *config.skipped)}
    raw, _, _ = read_yaml(Path(config.file))
    return [by_name[r["name"]] for r in raw["targets"]]

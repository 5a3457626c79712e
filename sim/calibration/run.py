"""``xinhui-sim calibrate``: validate everything, run ABC-SMC through an executor, check the posterior, report.

Everything that can be wrong with the input (the config, the scenario, the outputs the targets name, --out)
is checked before anything is written; DIR must be new, empty, or hold an unfinished run of the same config,
which is then continued (sim/calibration/state.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from sim.calibration.abc import Generation, Result, abc_smc, reachable
from sim.calibration.config import CLI, CalibrationConfig, check_columns, load_config
from sim.calibration.report import predictive_frame, write_outputs
from sim.calibration.simulate import Simulator, probe_columns, run_seed
from sim.calibration.state import clear_state, load_generations, save_generation, saved_key, start_state, state_key
from sim.calibration.tried import probe_design, probes, tried_frame
from sim.results import package_versions
from sim.scenario.errors import ScenarioError


def prepare(config_path: Path, out: Path, budget: int | None = None, holdout_from: int | None = None
            ) -> CalibrationConfig:
    """The validated config; raises ScenarioError (nothing written) on any bad input."""
    from sim.outputs import check_out

    config = load_config(config_path, budget, holdout_from)
    check_out(out)  # a file in the way, the current/home/root directory, a symlink loop, no write access
    if out.is_dir() and any(out.iterdir()):
        saved = saved_key(out)
        if saved is None or (out / "calibration.json").exists():
            raise ScenarioError(f"{out} is not empty and holds no unfinished calibration; choose a new or empty "
                                "--out", file=CLI, key_path="--out")
        if saved != state_key(config):
            raise ScenarioError(f"{out} holds an unfinished calibration of another config (or --budget, "
                                "--holdout-from, scenario); resume it with those or choose another --out",
                                file=CLI, key_path="--out")
    check_columns(config, probe_columns(config))
    return config


def calibrate(config: CalibrationConfig, out: Path, workers: int | None = None, executor: str = "process",
              scheduler: str | None = None, command: list[str] | None = None, log=None) -> Result:
    """Run the calibration of a prepared config into ``out``; return the sampler's result."""
    log = log or sys.stderr  # looked up now: tests and callers may have replaced it
    start = time.perf_counter()
    created = not out.exists()
    done = load_generations(out)
    with Simulator(config, out, executor, workers, scheduler) as sim:  # the executor starts before any writing
        start_state(out, config)
        print(f"calibrating {len(config.priors)} parameters on {len(config.fitted)} targets "
              f"({len(config.targets) - len(config.fitted)} held out, {len(config.skipped)} skipped); budget "
              f"{config.method.budget} simulations; {sim.describe()}", file=log)
        if done:
            print(f"resuming after generation {done[-1].index} ({sum(g.simulations for g in done)} simulations "
                  "done)", file=log)
        result = abc_smc(config, sim.run, _progress(config, start, log, out), done)
        if sim.failures:
            print(f"{sim.failures} simulations failed (never accepted); the first: {sim.first_error}", file=log)
        values = predictive_values(config, result.final, sim) if result.generations else None
        if result.generations:
            pred = predictive_frame(config, values, result.used, result.generations[0].values)
            tried, probe_count = what_was_tried(config, pred, result, sim)
        described = sim.describe()
    if not result.generations:
        print(f"no generation completed: {result.stopped}; nothing written", file=log)
        clear_state(out)
        if created:
            out.rmdir()  # made by this run and empty again: the simulations folder went on leaving the executor
        return result
    seconds = time.perf_counter() - start
    manifest = {"format": "xinhui-sim calibration 1", "config_file": config.file, "config_text": config.text,
                "scenario_file": config.scenario.path, "seed": config.seed, "method": vars(config.method),
                "holdout": [t.name for t in config.targets if t.heldout],
                "unreachable": unreachable_names(config, result.generations[0].values),
                "simulations": result.simulations,
                "predictive_simulations": config.method.predictive, "probe_simulations": probe_count,
                "seconds": round(seconds, 1),
                "stopped": result.stopped, "executor": described, "command": command or [],
                "versions": package_versions()}
    write_outputs(out, config, result, pred, manifest, tried)
    clear_state(out)
    print(f"{result.simulations} + {config.method.predictive} simulations in {seconds:.0f} s; {result.stopped}; "
          f"report: {out / 'calibration.md'}", file=log)
    return result


def predictive_values(config: CalibrationConfig, final: Generation, sim: Simulator) -> np.ndarray:
    """Fresh simulations of posterior draws, plus observation noise on the targets that are not bounds."""
    n = config.method.predictive
    if n == 0:
        return final.values  # the accepted particles' own simulations (narrower: they passed the tolerance)
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(2,)))
    draws = rng.choice(len(final.weights), size=n, p=final.weights)
    values = sim.run(final.thetas[draws], [run_seed(config.seed, 3, i) for i in range(n)], "predictive")
    noise = rng.normal(size=values.shape) * np.array([t.error for t in config.targets])
    plain = np.array([t.bound == "none" for t in config.targets])
    return values + noise * plain


def what_was_tried(config: CalibrationConfig, pred, result: Result, sim: Simulator):
    """(the "what was tried" frame of the missed targets, the probe simulations run): sim/calibration/tried.py."""
    found = probes(config, pred, result.generations[0], result.final)
    design = probe_design(config, found)
    seeds = [run_seed(config.seed, 4, k) for k in range(len(design))]
    values = sim.run(design, seeds, "probe") if len(design) else np.zeros((0, len(config.targets)))
    return tried_frame(config, pred, result.generations[0], found, values), len(design)


def unreachable_names(config: CalibrationConfig, prior_values: np.ndarray) -> list[str]:
    """The fitted targets no prior simulation came near (left out of the distance: sim/calibration/abc.py)."""
    used = reachable(config, prior_values)
    return [t.name for t, u in zip(config.targets, used) if not u and not t.heldout]


def _progress(config: CalibrationConfig, start: float, log, out: Path):
    def report(gen: Generation, used: int) -> None:
        save_generation(out, gen)
        if gen.index == 0 and unreachable_names(config, gen.values):
            print(f"unreachable from the priors (left out of the distance, reported as misfits): "
                  f"{', '.join(unreachable_names(config, gen.values))}", file=log, flush=True)
        elapsed = time.perf_counter() - start
        left = config.method.budget - used
        eta = elapsed / used * left if used else 0.0
        accepted = len(gen.weights) if gen.accepted < 0 else gen.accepted
        print(f"generation {gen.index}: epsilon {gen.epsilon:.3g}, accepted {accepted} of {gen.simulations} "
              f"({gen.acceptance:.0%}), ESS {gen.ess:.0f} of {len(gen.weights)}; {used} simulations in "
              f"{elapsed:.0f} s, budget left {left} (ETA at most {eta:.0f} s)", file=log, flush=True)

    return report


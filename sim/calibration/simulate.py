"""Simulations of a calibration: parameter vectors and seeds -> the model's value of every target.

Runs go through the batch executors (``sim.batch.executors``: a process pool or Dask), which write each run's
table parts into a hidden folder of the output directory; the values are read back and the parts removed at
once, so the folder never holds more than the runs in flight. A failed run gives a row of NaN (never accepted).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from sim.batch import store
from sim.batch.executors import open_executor
from sim.batch.spec import snapshot_of
from sim.batch.store import part_path
from sim.calibration.config import CalibrationConfig, Prior, Target
from sim.calibration.posterior import nested_overrides
from sim.results import TABLES

SIMS = ".simulations"
SEED_MASK = (1 << 63) - 1


def overrides_of(priors: tuple[Prior, ...], theta) -> dict:
    """Nested scenario overrides setting each prior's parameter to its value in ``theta``."""
    return nested_overrides({prior.path: float(value) for prior, value in zip(priors, theta)})


def run_seed(seed: int, *key: int) -> int:
    """The seed of one simulation: SeedSequence(seed) with a spawn key naming its place in the sampler."""
    hi, lo = (int(x) for x in np.random.SeedSequence(seed, spawn_key=key).generate_state(2, dtype=np.uint32))
    return ((hi << 32) | lo) & SEED_MASK


def target_value(tables: dict, target: Target) -> float:
    """The model's value of ``target`` from a run's tables (column dicts or DataFrames)."""
    value = _cell(tables[target.table], target.column, target.year, target.aggregate)
    if target.per is None:
        return value
    base = _cell(tables[target.per[0]], target.per[1], target.year, target.aggregate)
    return value / base if base else float("nan")


def _cell(table, column: str, year: int, aggregate: str) -> float:
    years = np.asarray(table["year"])
    values = np.asarray(table[column], dtype=float)[years == year]
    if values.size == 0:
        return float("nan")
    return float(getattr(np, aggregate)(values))


def probe_columns(config: CalibrationConfig) -> dict[str, set[str]]:
    """Column names of every table, from one in-process run at the priors' midpoints (checks the overrides)."""
    from sim.results import run_tables

    theta = [(p.low + p.high) / 2 for p in config.priors]
    tables = run_tables(config.scenario.with_overrides(overrides_of(config.priors, theta)), config.seed)
    return {name: set(tables[name]) for name in TABLES}


class Simulator:
    """Opens an executor once and runs batches of parameter vectors through it."""

    def __init__(self, config: CalibrationConfig, out: Path, executor: str = "process", workers: int | None = None,
                 scheduler: str | None = None):
        self.config, self.folder = config, Path(out) / SIMS
        self.pool = open_executor(executor, workers, scheduler)
        self.tables = sorted({t.table for t in config.targets} | {t.per[0] for t in config.targets if t.per})
        self.count = 0
        self.failures, self.first_error = 0, ""

    def __enter__(self):
        self.pool.__enter__()  # an unreachable scheduler fails here, before anything is written
        self.folder.mkdir(parents=True, exist_ok=True)
        snap = snapshot_of(self.config.scenario)  # workers run from a snapshot, as in a batch (sim/batch/worker.py)
        store.write_snapshot(self.folder, {snap.key: snap.record()}, {snap.region_digest: snap.region_bytes})
        self.snapshot = snap.key
        return self

    def __exit__(self, *exc) -> None:
        self.pool.__exit__(*exc)
        shutil.rmtree(self.folder, ignore_errors=True)  # created by this run, emptied as it went

    def describe(self) -> str:
        return self.pool.describe()

    def run(self, thetas: np.ndarray, seeds: list[int], tag: str) -> np.ndarray:
        """Values of every target (columns, in config order) for each row of ``thetas``; NaN rows for failures."""
        specs = [{"run_id": f"{tag}_{k:05d}", "variant": "calibration", "replicate": k, "seed": int(seed),
                  "file": str(Path(self.config.scenario.path).resolve()),
                  "overrides": overrides_of(self.config.priors, theta), "params": {}, "point": None,
                  "snapshot": self.snapshot}
                 for k, (theta, seed) in enumerate(zip(thetas, seeds))]
        out = np.full((len(specs), len(self.config.targets)), np.nan)
        for status in self.pool.statuses(specs, str(self.folder)):
            k = status["replicate"]
            if status["status"] == "ok":
                out[k] = self._read(status["run_id"])
            else:
                self.failures += 1
                self.first_error = self.first_error or status["error"]
            self._remove(status["run_id"])
        self.count += len(specs)
        return out

    def _read(self, run_id: str) -> np.ndarray:
        tables = {name: pq.read_table(part_path(self.folder, name, run_id)).to_pydict() for name in self.tables}
        return np.array([target_value(tables, t) for t in self.config.targets])

    def _remove(self, run_id: str) -> None:
        for name in TABLES:
            part_path(self.folder, name, run_id).unlink(missing_ok=True)

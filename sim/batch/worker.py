"""The work of one run, in a worker process: load the scenario, simulate, write the run's table parts.

``execute_run`` never raises: an exception inside the model is caught and returned as a failed status with
its error text, so one bad variant cannot stop a batch. It returns only a small status dict; the tables go
straight to disk, so the parent never holds them.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from sim.batch.store import part_path, write_part
from sim.results import TABLES, run_tables
from sim.scenario import Scenario, load_scenario


@lru_cache(maxsize=32)
def _base(file: str) -> Scenario:
    """A scenario file loaded once per worker process (sweep points only override a few keys)."""
    return load_scenario(file)


def scenario_of(spec: dict) -> Scenario:
    base = _base(spec["file"])
    return base.with_overrides(spec["overrides"]) if spec["overrides"] else base


def status_of(spec: dict, status: str, error: str = "", seconds: float = 0.0) -> dict:
    """The ``runs`` record of a run: identity, parameter values, outcome."""
    record = {"run_id": spec["run_id"], "variant": spec["variant"], "replicate": spec["replicate"],
              "seed": spec["seed"], "status": status, "error": error, "seconds": round(seconds, 3),
              "scenario_file": spec["file"], "host": socket.gethostname(), "pid": os.getpid(),
              "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    if spec.get("point") is not None:
        record["sweep_point"] = spec["point"]
    record.update(spec["params"])
    return record


def identify(columns: dict, spec: dict) -> pa.Table:
    """A table's columns with the run's identity and parameter values in front."""
    rows = len(next(iter(columns.values()))) if columns else 0
    ident = {"variant": pa.array([spec["variant"]] * rows, pa.string()),
             "replicate": pa.array([spec["replicate"]] * rows, pa.int64()),
             "seed": pa.array([spec["seed"]] * rows, pa.int64()),
             "run_id": pa.array([spec["run_id"]] * rows, pa.string())}
    ident.update({name: [value] * rows for name, value in spec["params"].items()})
    return pa.Table.from_pydict({**ident, **columns})


def write_tables(out: Path, spec: dict, tables: dict[str, dict]) -> None:
    for name in TABLES:
        write_part(part_path(out, name, spec["run_id"]), identify(tables[name], spec))


def error_text(exc: BaseException) -> str:
    """``Type: message (file:line in function)`` of where the exception was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def execute_run(spec: dict, out_dir: str) -> dict:
    """Run one spec and write its table parts into ``out_dir``; return its status record. Never raises."""
    start = time.perf_counter()
    out = Path(out_dir)
    try:
        tables = run_tables(scenario_of(spec), spec["seed"])
        write_tables(out, spec, tables)
    except Exception as exc:  # a failing run is recorded, and the batch goes on
        for name in TABLES:
            part_path(out, name, spec["run_id"]).unlink(missing_ok=True)
        return status_of(spec, "failed", error_text(exc), time.perf_counter() - start)
    return status_of(spec, "ok", "", time.perf_counter() - start)

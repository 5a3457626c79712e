"""The work of one run, in a worker process: load the scenario, simulate, write the run's table parts.

The scenario comes from the batch's snapshot (DIR/snapshot/, written when the batch started), never from
the scenario or region files themselves, so editing them during a batch cannot reach its later runs.

``execute_run`` never raises: an exception inside the model is caught and returned as a failed status with
its error text, so one bad variant cannot stop a batch. It returns only a small status dict; the tables go
straight to disk, so the parent never holds them.
"""

from __future__ import annotations

import json
import os
import socket
import time
import traceback
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from sim.batch.store import SNAPSHOT, part_path, write_part
from sim.results import TABLES, run_tables
from sim.scenario import Scenario


@lru_cache(maxsize=32)
def _base(text: str, folder: str) -> Scenario:
    """A snapshot's scenario, built once per worker process and snapshot text (sweep points only override a
    few keys); the region is read from the snapshot's copy of its contents."""
    from sim.region import load_region

    snap = json.loads(text)
    region = load_region(Path(folder) / snap["region"])
    sources = tuple((f, t) for f, t in snap["sources"])
    return Scenario(snap["name"], snap["file"], snap["data"], sources, region)


def scenario_of(spec: dict, out: Path) -> Scenario:
    folder = Path(out) / SNAPSHOT
    base = _base((folder / f"{spec['snapshot']}.json").read_text(encoding="utf-8"), str(folder))
    return base.with_overrides(spec["overrides"]) if spec["overrides"] else base


def status_of(spec: dict, status: str, error: str = "", seconds: float = 0.0) -> dict:
    """The ``runs`` record of a run: identity, parameter values, outcome."""
    record = {"run_id": spec["run_id"], "variant": spec["variant"], "replicate": spec["replicate"],
              "seed": spec["seed"], "status": status, "error": error, "seconds": round(seconds, 3), "parts": "",
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


def write_tables(out: Path, spec: dict, tables: dict[str, dict]) -> dict[str, dict]:
    """Every table part of the run; returns each part's check (rows, bytes, SHA-256) by table."""
    return {name: write_part(part_path(out, name, spec["run_id"]), identify(tables[name], spec))
            for name in TABLES}


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
        tables = run_tables(scenario_of(spec, out), spec["seed"])
        checks = write_tables(out, spec, tables)
    except Exception as exc:  # a failing run is recorded, and the batch goes on
        for name in TABLES:
            part_path(out, name, spec["run_id"]).unlink(missing_ok=True)
        return status_of(spec, "failed", error_text(exc), time.perf_counter() - start)
    status = status_of(spec, "ok", "", time.perf_counter() - start)
    status["parts"] = json.dumps(checks, sort_keys=True)
    return status

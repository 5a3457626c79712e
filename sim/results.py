"""Results on disk: one Parquet file per table plus ``manifest.json``, written atomically.

``run_and_write`` runs one scenario and seed into a directory; ``load(DIR)`` returns the tables as pandas
DataFrames (attributes named after the tables), for one run or for a batch directory of many runs
(``xinhui-sim batch``, docs/batch.md). Columns, units and meaning: docs/outputs.md.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("district", "zones", "towns", "villages", "clusters", "parks", "targets", "growth_accounting")
PACKAGES = ("xinhui-sim", "mesa", "numpy", "pandas", "pyarrow", "pyyaml", "networkx")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(scenario, seed: int, seconds: float) -> dict:
    return {
        "scenario_name": scenario.name,
        "scenario_file": scenario.path,
        "seed": seed,
        "resolved_scenario": scenario.data,
        "scenario_texts": [{"file": f, "text": t} for f, t in scenario.sources],
        "region_file": scenario.region.path,
        "versions": package_versions(),
        "seconds": round(seconds, 3),
        "tables": list(TABLES),
        "units": {"_100m_cny": "亿元 (100 million CNY), nominal", "_10k_cny": "万元 (10 thousand CNY), nominal",
                  "_mu": "亩 (1/15 ha)"},
    }


def run_tables(scenario, seed: int) -> dict[str, dict]:
    """Simulate ``scenario`` with ``seed``; return column dicts by table name."""
    from sim.model import RegionModel

    return RegionModel.from_scenario(scenario, seed=seed).run().tables()


def replace_directory(out_dir: Path, fill) -> Path:
    """Build a directory with ``fill(staging)`` in a temporary sibling, then rename it over ``out_dir``: readers
    see the old directory or the new one, never half of it, and a failure leaves nothing behind."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        fill(staging)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def write_run(out_dir: Path, tables: dict[str, dict], meta: dict) -> None:
    """Write all tables and the manifest of one run, atomically."""

    def fill(staging: Path) -> None:
        for name in TABLES:
            pq.write_table(pa.Table.from_pydict(tables[name]), staging / f"{name}.parquet")
        (staging / "manifest.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    replace_directory(out_dir, fill)


def run_and_write(scenario, seed: int, out_dir: Path) -> dict:
    start = time.perf_counter()
    tables = run_tables(scenario, seed)
    meta = manifest(scenario, seed, time.perf_counter() - start)
    write_run(out_dir, tables, meta)
    return tables


@dataclass
class Results:
    """Tables of a run directory (or of a batch directory) as pandas DataFrames.

    For a batch, every table also has ``variant``, ``replicate``, ``seed`` and ``run_id`` columns (and one
    column per swept parameter), ``runs`` lists every run with its status, and ``manifest`` is batch.json.
    With ``load(DIR, lazy=True)`` the table attributes are pyarrow Datasets instead, read on demand.
    """

    district: pd.DataFrame
    zones: pd.DataFrame
    towns: pd.DataFrame
    villages: pd.DataFrame
    clusters: pd.DataFrame
    parks: pd.DataFrame
    targets: pd.DataFrame
    manifest: dict
    runs: pd.DataFrame | None = None
    growth_accounting: pd.DataFrame | None = None  # sim/accounting/table.py


def load(directory: str | Path, lazy: bool = False) -> Results:
    """Load a run directory written by ``xinhui-sim run`` or a batch directory written by ``xinhui-sim batch``.

    A batch holds only the runs that finished ok (failed runs are in ``runs``); ``lazy=True`` returns pyarrow
    Datasets for the tables, to filter and select columns before reading (``dataset(DIR, table)`` gives one).
    """
    directory = Path(directory)
    from sim.batch import store

    if store.is_batch_dir(directory):
        return _load_batch(directory, lazy)
    frames = {name: pd.read_parquet(directory / f"{name}.parquet") for name in TABLES}
    meta = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return Results(manifest=meta, **frames)


def dataset(directory: str | Path, table: str):
    """A pyarrow Dataset over one table of a batch directory (done runs only), or over ``runs``."""
    from sim.batch import store

    return store.table_dataset(Path(directory), table)


def _load_batch(directory: Path, lazy: bool) -> Results:
    from sim.batch import store

    done = store.done_runs(directory)
    tables = {name: store.table_dataset(directory, name, done) for name in TABLES}
    if not lazy:
        tables = {name: data.to_table().to_pandas() for name, data in tables.items()}
    runs = store.runs_dataset(directory).to_table().to_pandas()
    return Results(manifest=store.read_manifest(directory) or {}, runs=runs, **tables)

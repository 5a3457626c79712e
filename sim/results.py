"""Results on disk: one Parquet file per table plus ``manifest.json``, written atomically.

``run_and_write`` runs one scenario and seed into a directory; ``load(DIR)`` returns the tables as pandas
DataFrames (attributes named after the tables). Columns, units and meaning: docs/outputs.md.
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

TABLES = ("district", "zones", "towns", "villages", "clusters", "parks", "targets")
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

    return RegionModel(scenario, seed=seed).run().tables()


def write_run(out_dir: Path, tables: dict[str, dict], meta: dict) -> None:
    """Write all tables and the manifest into a temporary sibling, then rename it into place."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name in TABLES:
            pq.write_table(pa.Table.from_pydict(tables[name]), staging / f"{name}.parquet")
        (staging / "manifest.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def run_and_write(scenario, seed: int, out_dir: Path) -> dict:
    start = time.perf_counter()
    tables = run_tables(scenario, seed)
    meta = manifest(scenario, seed, time.perf_counter() - start)
    write_run(out_dir, tables, meta)
    return tables


@dataclass
class Results:
    """Tables of one run directory as pandas DataFrames."""

    district: pd.DataFrame
    zones: pd.DataFrame
    towns: pd.DataFrame
    villages: pd.DataFrame
    clusters: pd.DataFrame
    parks: pd.DataFrame
    targets: pd.DataFrame
    manifest: dict


def load(directory: str | Path) -> Results:
    """Load a run directory written by ``xinhui-sim run``."""
    directory = Path(directory)
    frames = {name: pd.read_parquet(directory / f"{name}.parquet") for name in TABLES}
    meta = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return Results(manifest=meta, **frames)

"""Results on disk: one Parquet file per table plus ``manifest.json``, written atomically.

``run_and_write`` runs one scenario and seed into a directory; ``load(DIR)`` returns the tables as pandas
DataFrames (attributes named after the tables), for one run or for a batch directory of many runs
(``xinhui-sim batch``, docs/batch.md). Columns, units and meaning: docs/outputs.md.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.outputs import check_replaceable, replace_directory
from sim.scenario.errors import ScenarioError

TABLES = ("district", "zones", "towns", "villages", "clusters", "parks", "targets", "growth_accounting", "budgets")
PACKAGES = ("xinhui-sim", "mesa", "numpy", "pandas", "pyarrow", "pyyaml", "networkx")
RUN_KIND = "an earlier run's output"
RUN_FILES = frozenset({*(f"{name}.parquet" for name in TABLES), "manifest.json", "explain.csv"})  # what a run directory holds

__all__ = ["DamagedOutput", "Results", "TABLES", "dataset", "load", "replace_directory", "run_and_write"]


class DamagedOutput(ScenarioError):
    """A run or batch directory that cannot be read as one (a damaged manifest or table): the message names
    the file and says what to do. The CLI prints it as one line and exits with status 2."""


def package_versions() -> dict[str, str]:
    """Python's and the packages' versions (a fresh dict; looked up once per process)."""
    return dict(_package_versions())


@lru_cache(maxsize=1)
def _package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@lru_cache(maxsize=1)
def code_version() -> dict:
    """The package version and, if the code is a git checkout, its commit (with ``dirty`` for local edits)."""
    root = Path(__file__).resolve().parents[1]
    commit = dirty = None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
        if head.returncode == 0 and (root / ".git").exists():
            commit = head.stdout.strip()
            status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                    capture_output=True, text=True, timeout=10)
            dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        version = metadata.version("xinhui-sim")
    except metadata.PackageNotFoundError:
        version = None
    return {"version": version, "git_commit": commit, "git_dirty": dirty, "model_digest": model_digest()}


@lru_cache(maxsize=1)
def model_digest() -> str:
    """SHA-256 of the model's own code and data (every .py and .yaml file of the ``sim`` package, by relative
    path): what decides a run's numbers, so a batch resumes across commits that touched only docs or tests, and
    not across a local edit of the model at the same commit. About 1 MB of files: a few milliseconds."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml") and p.is_file()
                       and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def manifest(scenario, seed: int, seconds: float) -> dict:
    return {
        "scenario_name": scenario.name,
        "scenario_file": scenario.path,
        "seed": seed,
        "resolved_scenario": scenario.data,
        "scenario_texts": [{"file": f, "text": t} for f, t in scenario.sources],
        "region_file": scenario.region.path,
        "versions": package_versions(),
        "code": code_version(),
        "seconds": round(seconds, 3),
        "tables": list(TABLES),
        "units": {"_100m_cny": "亿元 (100 million CNY), nominal", "_10k_cny": "万元 (10 thousand CNY), nominal",
                  "_mu": "亩 (1/15 ha)"},
    }


def run_tables(scenario, seed: int) -> dict[str, dict]:
    """Simulate ``scenario`` with ``seed``; return column dicts by table name."""
    from sim.model import RegionModel

    return RegionModel.from_scenario(scenario, seed=seed).run().tables()


def write_run(out_dir: Path, tables: dict[str, dict], meta: dict) -> None:
    """Write all tables and the manifest of one run, atomically."""

    def fill(staging: Path) -> None:
        for name in TABLES:
            write_table(pa.Table.from_pydict(tables[name]), staging / f"{name}.parquet")
        (staging / "manifest.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    replace_directory(out_dir, fill, is_run_dir, RUN_KIND)


def write_table(table: pa.Table, path: Path) -> None:
    """One table as a Parquet file, dictionary-encoded in its text columns only (ids and names repeat; the
    numbers of these short tables hardly do: plain, they make smaller files, written ~20% faster)."""
    text = [f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    # the same bytes written by Python's file: pyarrow opening and closing a local file for a table of a few
    # kilobytes cost a third of its writing time
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, use_dictionary=text)
    Path(path).write_bytes(sink.getvalue())


def check_run_out(out: Path) -> None:
    """Refuse (ScenarioError) an ``--out`` for ``run`` that write_run would refuse, before the run."""
    check_replaceable(out, is_run_dir, RUN_KIND)


def is_run_dir(path: Path) -> bool:
    """Whether ``path`` holds only what ``xinhui-sim run`` writes (so replacing it destroys nothing else)."""
    names = {p.name for p in Path(path).iterdir()}
    return "manifest.json" in names and names <= RUN_FILES


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
    budgets: pd.DataFrame | None = None  # government x year: sim/rules/budgets.py
    problems: str = ""  # a batch: which runs were left out as damaged or missing ("" when none)
    health: object = field(default=None, repr=False)  # a batch: sim.batch.store.Health


def load(directory: str | Path, lazy: bool = False) -> Results:
    """Load a run directory written by ``xinhui-sim run`` or a batch directory written by ``xinhui-sim batch``.

    A batch holds only the runs that finished ok (failed runs are in ``runs``); ``lazy=True`` returns pyarrow
    Datasets for the tables, to filter and select columns before reading (``dataset(DIR, table)`` gives one).
    Runs of a batch whose parts are damaged or missing are left out and named in ``problems``. Raises
    ``DamagedOutput`` (a ScenarioError) for a directory that is neither, a damaged batch.json, or a damaged
    table of a single run.
    """
    directory = Path(directory)
    from sim.batch import store

    if store.is_batch_dir(directory):
        return _load_batch(directory, lazy)
    if not directory.is_dir():
        raise DamagedOutput("not a directory", file=str(directory))
    frames = {name: _read_table(directory / f"{name}.parquet") for name in TABLES}
    try:
        meta = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DamagedOutput(f"missing or damaged run manifest ({type(exc).__name__}); run it again",
                            file=str(directory / "manifest.json")) from None
    return Results(manifest=meta, **frames)


def _read_table(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise DamagedOutput(f"missing or damaged table ({type(exc).__name__}); run it again",
                            file=str(path)) from None


def dataset(directory: str | Path, table: str):
    """A pyarrow Dataset over one table of a batch directory (done runs only), or over ``runs``."""
    from sim.batch import store

    return store.table_dataset(Path(directory), table)


def _load_batch(directory: Path, lazy: bool) -> Results:
    from sim.batch import store

    manifest = store.read_manifest(directory) or {}  # DamagedOutput if batch.json is damaged
    state = store.health(directory)
    tables = {name: store.table_dataset(directory, name, state.done) for name in TABLES}
    if not lazy:
        tables = {name: data.to_table().to_pandas() for name, data in tables.items()}
    runs = store.runs_dataset(directory, state.readable).to_table().to_pandas()
    return Results(manifest=manifest, runs=runs, problems=state.note(), health=state, **tables)

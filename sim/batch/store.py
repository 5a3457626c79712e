"""A batch directory on disk: one Parquet part per run and table, written crash-safely, read lazily.

    DIR/batch.json                      commands, seed, replicate seeds, variants, versions
    DIR/scenarios/<name>.yaml           resolved scenario texts (a sweep file: its base and sweep block)
    DIR/parts/<table>/<run_id>.parquet  the run's rows of each table, with variant, replicate, seed columns
    DIR/parts/runs/<run_id>.parquet     one row: status (ok/failed), error, seconds, seed, parameters

Every part is written to a hidden temporary name and renamed into place, so a killed batch leaves whole
parts or none. A run counts as done when its runs part says ok and all its table parts exist; readers only
see the parts of done runs, so leftovers of an interrupted run never show up twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.results import TABLES
from sim.scenario.errors import ScenarioError

PARTS = "parts"
RUNS = "runs"
MANIFEST = "batch.json"
SUFFIX = ".parquet"


def is_batch_dir(path: str | Path) -> bool:
    return (Path(path) / MANIFEST).is_file() or (Path(path) / PARTS).is_dir()


def part_path(out: Path, table: str, run_id: str) -> Path:
    return Path(out) / PARTS / table / f"{run_id}{SUFFIX}"


def write_part(path: Path, table: pa.Table) -> None:
    """Write ``table`` under a temporary hidden name in the same folder, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_run_record(out: Path, status: dict) -> None:
    """The one-row ``runs`` part of a finished (ok or failed) run."""
    write_part(part_path(out, RUNS, status["run_id"]), pa.Table.from_pylist([status]))


def part_ids(out: Path, table: str) -> set[str]:
    """Run ids with a (complete) part of ``table``; temporary files are not parts."""
    folder = Path(out) / PARTS / table
    if not folder.is_dir():
        return set()
    return {n[: -len(SUFFIX)] for n in os.listdir(folder) if n.endswith(SUFFIX) and not n.startswith(".")}


def remove_temporary(out: Path) -> int:
    """Delete temporary files left by a killed batch; returns how many."""
    removed = 0
    for path in (Path(out) / PARTS).glob("*/.*.tmp"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def _dataset(files: list[Path]) -> ds.Dataset:
    """One dataset over ``files``; schemas are unified (a variant's sweep columns are null elsewhere)."""
    if not files:
        return ds.dataset(pa.table({}))
    factory = ds.FileSystemDatasetFactory(pa.fs.LocalFileSystem(), [str(f) for f in files],
                                          ds.ParquetFileFormat())
    return factory.finish(factory.inspect(promote_options="permissive", fragments=None))


def runs_dataset(out: Path) -> ds.Dataset:
    """The ``runs`` records of every finished run (ok or failed)."""
    return _dataset([part_path(out, RUNS, i) for i in sorted(part_ids(out, RUNS))])


def run_status(out: Path) -> dict[str, str]:
    """run id -> status of every recorded run."""
    if not part_ids(out, RUNS):
        return {}
    table = runs_dataset(out).to_table(columns=["run_id", "status"])
    return dict(zip(table.column("run_id").to_pylist(), table.column("status").to_pylist()))


def done_runs(out: Path) -> set[str]:
    """Run ids that are finished: recorded ok, with a part in every table."""
    ok = {i for i, s in run_status(out).items() if s == "ok"}
    for table in TABLES:
        ok &= part_ids(out, table)
    return ok


def table_dataset(out: Path, table: str, done: set[str] | None = None) -> ds.Dataset:
    """A lazy pyarrow Dataset over the parts of ``table`` of the done runs only (``done``: their ids)."""
    if table == RUNS:
        return runs_dataset(out)
    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}; tables: {', '.join((*TABLES, RUNS))}")
    done = done_runs(out) if done is None else done
    return _dataset([part_path(out, table, i) for i in sorted(done)])


def read_manifest(out: Path) -> dict | None:
    path = Path(out) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def write_manifest(out: Path, manifest: dict) -> None:
    path = Path(out) / MANIFEST
    tmp = path.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def write_scenario_texts(out: Path, texts: dict[str, str]) -> None:
    folder = Path(out) / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        tmp = folder / f".{name}.yaml.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, folder / f"{name}.yaml")


@contextlib.contextmanager
def locked(out: Path):
    """Hold an exclusive lock on DIR while a batch writes into it (released by the OS if it is killed)."""
    Path(out).mkdir(parents=True, exist_ok=True)
    with open(Path(out) / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ScenarioError(f"another batch is writing into {out}", file="<command line>",
                                key_path="--out") from None
        yield

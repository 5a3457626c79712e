"""A batch directory on disk: one Parquet part per run and table, written crash-safely, read lazily.

    DIR/batch.json                      commands, seed, replicate seeds, variants, run ids, versions
    DIR/scenarios/<name>.yaml           resolved scenario texts (a sweep file: its base and sweep block)
    DIR/snapshot/<name>.json            what the workers run: resolved parameters, region copy's name
    DIR/snapshot/regions/<digest>.yaml  the region files' contents, by content digest
    DIR/parts/<table>/<run_id>.parquet  the run's rows of each table, with variant, replicate, seed columns
    DIR/parts/runs/<run_id>.parquet     one row: status (ok/failed), error, seconds, seed, parameters

Every part is written to a hidden temporary name and renamed into place, so a killed batch leaves whole
parts or none. A run counts as done when its runs part says ok and every table part it lists is there, whole
(same size and SHA-256 as when written); readers only see the parts of done runs, so leftovers of an
interrupted run never show up twice, and a damaged part is run again on resume.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import filelock
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.batch import lifeline
from sim.results import TABLES, DamagedOutput
from sim.scenario.errors import ScenarioError

PARTS = "parts"
RUNS = "runs"
MANIFEST = "batch.json"
SNAPSHOT = "snapshot"
SUFFIX = ".parquet"
LOCK = ".lock"


def is_batch_dir(path: str | Path) -> bool:
    """A directory a batch wrote (or ``xinhui-sim clean`` emptied: its lock file stays)."""
    return any((Path(path) / name).exists() for name in (MANIFEST, PARTS, LOCK))


def part_path(out: Path, table: str, run_id: str) -> Path:
    return Path(out) / PARTS / table / f"{run_id}{SUFFIX}"


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Have ``write`` fill a hidden temporary beside ``path`` (``.<name>.<pid>.tmp``), then rename it into
    place: a full disk or a kill leaves the earlier file whole (and no temporary, unless killed)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:  # name the file the user knows, not its temporary
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    finally:
        with contextlib.suppress(OSError):  # a read-only folder refuses even to unlink what is not there
            tmp.unlink(missing_ok=True)
    return path


def write_part(path: Path, table: pa.Table) -> dict:
    """Write ``table`` under a temporary hidden name in the same folder, then rename it into place; return
    what a later check compares with: rows, bytes and SHA-256 of the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    check = {"rows": table.num_rows}

    def write(tmp: Path) -> None:
        pq.write_table(table, tmp)
        check.update(_fingerprint(tmp))

    write_atomic(path, write)
    return check


def _fingerprint(path: Path) -> dict:
    data = Path(path).read_bytes()
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def part_is_whole(path: Path, check: dict | None) -> bool:
    """Whether the part at ``path`` is the file that was written (``check``: from write_part), or, for a
    batch written before checks were recorded, at least a readable Parquet file."""
    try:
        if check is None:
            pq.read_metadata(path)
            return True
        return path.stat().st_size == check["bytes"] and _fingerprint(path)["sha256"] == check["sha256"]
    except (OSError, pa.ArrowException, KeyError, TypeError):
        return False


def write_run_record(out: Path, status: dict) -> None:
    """The one-row ``runs`` part of a finished (ok or failed) run."""
    write_part(part_path(out, RUNS, status["run_id"]), pa.Table.from_pylist([status]))


def part_ids(out: Path, table: str) -> set[str]:
    """Run ids with a (complete) part of ``table``; temporary files are not parts."""
    folder = Path(out) / PARTS / table
    if not folder.is_dir():
        return set()
    return {n[: -len(SUFFIX)] for n in os.listdir(folder) if n.endswith(SUFFIX) and not n.startswith(".")}


_TEMPORARY = re.compile(r"\.(?P<name>.+?)\.(?P<pid>\d{1,10})\.tmp")  # .<file name>.<pid>.tmp (write_atomic)
_PID_LIMIT = 2**31  # os.kill takes a C int: a larger number is not a process id, so not our temporary


def is_own_temporary(name: str, owned: set[str]) -> bool:
    """Whether ``name`` is the left-over temporary of a file the batch writes (``owned``: file names, see
    _owned_stems): ``.<owned name>.<pid>.tmp``, never a user's hidden file of a similar name, nor the temporary
    of a live process other than this one (a ``compare`` writing its files while a batch starts)."""
    match = _TEMPORARY.fullmatch(name)
    if match is None or match["name"] not in owned:
        return False
    pid = int(match["pid"])  # a name without a pid is a user's file: no writer of this code makes one
    if pid >= _PID_LIMIT:
        return False
    return pid == os.getpid() or os.name != "posix" or not lifeline.alive(pid)


def remove_temporary(out: Path, manifest: dict | None) -> int:
    """Delete temporary files left by a killed batch or worker: only the temporaries of the files ``manifest``
    (batch.json) names, in the folders the batch writes; returns how many."""
    owned = _owned_stems(manifest or {}) | set(OWN_FILES)
    return _remove_owned([Path(out), *_own_folders(Path(out))], owned, lambda name: is_own_temporary(name, owned))


def _own_folders(out: Path) -> list[Path]:
    """The folders a batch writes its files into, deepest first (a user's subfolder of them is not one)."""
    return [*(out / PARTS / t for t in (*TABLES, RUNS)), out / PARTS, out / SNAPSHOT / "regions", out / SNAPSHOT,
            out / "scenarios"]


def _remove_owned(folders: list[Path], owned: set[str], mine: Callable[[str], bool]) -> int:
    """Delete the regular files directly in ``folders`` whose name ``mine`` accepts; returns how many."""
    removed = 0
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            continue
        for entry in os.scandir(folder):
            if entry.is_file(follow_symlinks=False) and mine(entry.name):
                os.unlink(entry.path)
                removed += 1
    return removed


def _dataset(files: list[Path]) -> ds.Dataset:
    """One dataset over ``files``; schemas are unified (a variant's sweep columns are null elsewhere)."""
    if not files:
        return ds.dataset(pa.table({}))
    factory = ds.FileSystemDatasetFactory(pa.fs.LocalFileSystem(), [str(f) for f in files],
                                          ds.ParquetFileFormat())
    return factory.finish(factory.inspect(promote_options="permissive", fragments=None))


def _records(out: Path) -> tuple[dict[str, dict], set[str]]:
    """run id -> its ``runs`` record (status, parts), and the ids whose record is unreadable."""
    records, unreadable = {}, set()
    for run_id in sorted(part_ids(out, RUNS)):
        try:
            row = pq.read_table(part_path(out, RUNS, run_id), columns=None).slice(0, 1).to_pylist()[0]
            records[run_id] = {"status": row["status"], "parts": row.get("parts")}
        except (OSError, pa.ArrowException, IndexError, KeyError):
            unreadable.add(run_id)
    return records, unreadable


@dataclass
class Health:
    """The state of a batch directory's runs: done (ok and whole), failed, damaged, missing."""

    done: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    damaged: set[str] = field(default_factory=set)  # recorded ok (or a record) but a part is missing or damaged
    missing: set[str] = field(default_factory=set)  # planned in batch.json, never recorded
    readable: set[str] = field(default_factory=set)  # runs with a readable record

    def note(self, limit: int = 5) -> str:
        """One line on what is not usable, or "" when every planned run is done or failed."""
        parts = []
        for label, ids in (("damaged", self.damaged), ("missing", self.missing)):
            if ids:
                shown = ", ".join(sorted(ids)[:limit]) + (", ..." if len(ids) > limit else "")
                parts.append(f"{len(ids)} {label} ({shown})")
        if not parts:
            return ""
        return (f"{' and '.join(parts)} runs left out, {len(self.done)} done runs used; re-run the batch "
                "command to complete it")


def health(out: Path) -> Health:
    """Check every run of ``out``: its record, and each table part against the check the record holds."""
    records, unreadable = _records(out)
    state = Health(damaged=set(unreadable), readable=set(records))
    present = {table: part_ids(out, table) for table in TABLES}
    for run_id, record in records.items():
        if record["status"] != "ok":
            state.failed.add(run_id)
            continue
        checks = _parse_checks(record["parts"])
        whole = all(run_id in present[t] and part_is_whole(part_path(out, t, run_id), checks.get(t))
                    for t in TABLES) if checks is not False else False
        (state.done if whole else state.damaged).add(run_id)
    planned = set((_manifest_or_none(out) or {}).get("run_ids", []))
    state.missing = planned - set(records) - unreadable
    return state


def _parse_checks(text) -> dict | bool:
    """The part checks of a record: {} for a record written before checks existed, False if unreadable."""
    if text is None:
        return {}
    try:
        checks = json.loads(text)
    except (TypeError, ValueError):
        return False
    return checks if isinstance(checks, dict) else False


def _manifest_or_none(out: Path) -> dict | None:
    try:
        return read_manifest(out)
    except DamagedOutput:
        return None


def done_runs(out: Path) -> set[str]:
    """Run ids that are finished: recorded ok, with every table part there and whole."""
    return health(out).done


def runs_dataset(out: Path, readable: set[str] | None = None) -> ds.Dataset:
    """The ``runs`` records of every finished run (ok or failed) whose record is readable."""
    readable = health(out).readable if readable is None else readable
    return _dataset([part_path(out, RUNS, i) for i in sorted(readable)])


def run_status(out: Path) -> dict[str, str]:
    """run id -> status of every recorded run."""
    return {run_id: record["status"] for run_id, record in _records(out)[0].items()}


def table_dataset(out: Path, table: str, done: set[str] | None = None) -> ds.Dataset:
    """A lazy pyarrow Dataset over the parts of ``table`` of the done runs only (``done``: their ids)."""
    if table == RUNS:
        return runs_dataset(out)
    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}; tables: {', '.join((*TABLES, RUNS))}")
    done = done_runs(out) if done is None else done
    return _dataset([part_path(out, table, i) for i in sorted(done)])


def read_manifest(out: Path) -> dict | None:
    """batch.json, or None if there is none; DamagedOutput (one line) if it is unreadable or not a batch's."""
    path = Path(out) / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DamagedOutput(f"the batch manifest is damaged ({type(exc).__name__}: {exc}); move the directory "
                            "aside and run the batch into a new --out", file=str(path)) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("variants", []), list):
        raise DamagedOutput("the batch manifest is damaged (not a batch.json object); move the directory aside "
                            "and run the batch into a new --out", file=str(path))
    return manifest


def write_manifest(out: Path, manifest: dict) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    write_atomic(Path(out) / MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_scenario_texts(out: Path, texts: dict[str, str]) -> None:
    folder = Path(out) / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        write_atomic(folder / f"{name}.yaml", lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))


def write_snapshot(out: Path, snapshots: dict[str, dict], regions: dict[str, bytes]) -> None:
    """The scenarios and region contents the workers run from (written once per start, before any run)."""
    folder = Path(out) / SNAPSHOT
    (folder / "regions").mkdir(parents=True, exist_ok=True)
    for digest, data in regions.items():
        _write_atomic(folder / "regions" / f"{digest}.yaml", data)
    for key, snapshot in snapshots.items():
        _write_atomic(folder / f"{key}.json", json.dumps(snapshot, ensure_ascii=False).encode())


def _write_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, lambda tmp: tmp.write_bytes(data))


OWN_FILES = (MANIFEST, LOCK, "compare_indicators.csv", "compare_targets.csv", "compare.md",
             "summary.md", "explain.csv", "explain_channels.csv", "explain_participation.csv")
# written by compare (sim/batch/summary.py) and explain (sim/accounting/explain.py)


def clear_batch(out: Path) -> list[Path]:
    """Remove what a batch wrote into ``out`` (manifest, the parts of its runs, its snapshot files, resolved
    scenarios, compare files, an earlier report), so the next batch starts afresh. Only files that batch.json
    names are removed (a run's parts by run id, snapshots by digest, scenarios by name, each in its own
    folder), so a user's file kept in one of these folders, or in a folder of the user's inside them, stays; so
    does the lock file, which keeps ``out`` a batch directory a new batch may write into. Returns what stayed
    besides the lock."""
    from sim.report.write import REPORT_DIR, is_report_dir

    out = Path(out)
    if not out.is_dir():
        raise ScenarioError(f"{out} is not a directory; nothing removed", file="<command line>")
    if not is_batch_dir(out):
        raise ScenarioError(f"{out} holds no batch (no {MANIFEST}); nothing removed", file="<command line>")
    with locked(out):
        owned = _owned_stems(read_manifest(out) or {})
        for name in OWN_FILES:
            if name != LOCK:
                (out / name).unlink(missing_ok=True)
        folders = _own_folders(out)
        _remove_owned(folders, owned, lambda name: name in owned or is_own_temporary(name, owned))
        report = out / REPORT_DIR
        if report.is_dir() and not report.is_symlink() and is_report_dir(report):
            _remove_owned([report], set(), lambda name: True)
            folders.append(report)
        for folder in folders:  # deepest first: parts/<table>, then parts
            if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
                folder.rmdir()
    return sorted(p for p in out.rglob("*") if p != out / LOCK)


def _owned_stems(manifest: dict) -> set[str]:
    """File names a batch wrote in parts/, snapshot/ and scenarios/, from its batch.json."""
    variants = manifest.get("variants", [])
    stems = set(manifest.get("run_ids", [])) | set(manifest.get("scenario_texts", []))
    stems |= {v.get("snapshot", "") for v in variants} | {v.get("region_digest", "") for v in variants}
    stems |= {v.get("name", "") for v in variants} | {Path(v.get("file", "")).stem for v in variants}
    stems.discard("")
    return {stem + suffix for stem in stems for suffix in (SUFFIX, ".json", ".yaml", ".sweep.yaml")}


@contextlib.contextmanager
def locked(out: Path):
    """Hold an exclusive lock on DIR while a batch reads and writes it (the OS releases it if the batch is
    killed). A DIR this call created is removed again if nothing but the lock was written into it."""
    out = Path(out)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(out / LOCK), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise ScenarioError(f"another batch is writing into {out}", file="<command line>",
                            key_path="--out") from None
    try:
        yield
    finally:
        lock.release()
        if created and {p.name for p in out.iterdir()} <= {LOCK}:
            (out / LOCK).unlink(missing_ok=True)
            out.rmdir()

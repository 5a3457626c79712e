"""Run a batch: validate everything, then stream every variant x replicate through an executor into DIR.

Each finished run is on disk at once (its table parts from the worker, its ``runs`` record from here), so
the parent's memory does not grow with the number of runs, and a killed batch loses only the runs in
flight. Running the same command again on the same DIR resumes: done runs are skipped, failed and damaged
runs are tried again, nothing is duplicated.

Order of a start: validate every input (nothing written), take DIR's lock, read and check batch.json
against the plan, fix the snapshot (resolved scenarios and region contents) in DIR, then run from it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sim.batch import store
from sim.batch.executors import DEFAULT_RUN_TIMEOUT, Idle, open_executor
from sim.batch.progress import Progress
from sim.batch.spec import RunSpec, Snapshot, Variant, check_batch_size, load_all, plan_runs, replicate_seeds
from sim.calibration.posterior import check_resume
from sim.outputs import check_out
from sim.results import code_version, package_versions
from sim.scenario.errors import ScenarioError

log = logging.getLogger(__name__)

FORMAT = "xinhui-sim batch 1"
CLI = "<command line>"


@dataclass
class BatchPlan:
    """A validated batch: its runs and the manifest to write, before anything is written."""

    out: Path
    specs: list[RunSpec]
    texts: dict[str, str]
    variants: list[Variant]
    snapshots: dict[str, Snapshot]
    seed: int
    seeds: list[int]
    command: list[str]
    posterior: dict | None = None  # batch --posterior: the draws of each replicate (sim/calibration/posterior.py)


@dataclass
class BatchSummary:
    """What a batch did: runs planned, skipped as already done, ok, failed; the first few errors."""

    out: Path
    planned: int
    skipped: int = 0
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    executor: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)
    interrupted: str = ""  # the signal that stopped the batch (SIGINT, SIGTERM), "" if it ran to the end

    def line(self) -> str:
        if self.interrupted:
            return (f"interrupted by {self.interrupted}: {self.ok} runs ok, {self.failed} failed, "
                    f"{self.planned - self.skipped - self.ok - self.failed} not run; re-run the same command "
                    f"to resume -> {self.out}")
        return (f"{self.planned} runs: {self.ok} ok, {self.failed} failed, {self.skipped} already done "
                f"in {self.seconds:.1f} s ({self.executor}) -> {self.out}")


def plan_batch(scenarios: list, reps: int, seed: int, out: Path, command: list[str] | None = None,
               set_values: dict | None = None) -> BatchPlan:
    """Validate the scenarios, sweeps and arguments against DIR; raise ScenarioError on bad input.
    ``set_values`` (``--set``) apply to every scenario, under each sweep point's own values."""
    if reps < 1:
        raise ScenarioError(f"--reps must be >= 1, got {reps}", file=CLI, key_path="--reps")
    if seed < 0:
        raise ScenarioError(f"--seed must be >= 0, got {seed}", file=CLI, key_path="--seed")
    out = Path(out)
    _check_out(out)
    snapshots: dict[str, Snapshot] = {}
    variants, texts = load_all(scenarios, set_values, snapshots)
    check_batch_size(variants, reps)
    seeds = replicate_seeds(seed, reps)
    return BatchPlan(out, plan_runs(variants, seeds), texts, variants, snapshots, seed, seeds, command or [])


def run_batch(scenarios: list, reps: int, seed: int, out: Path, workers: int | None = None,
              executor: str = "process", scheduler: str | None = None, command: list[str] | None = None,
              progress: bool = True, run_timeout: float = DEFAULT_RUN_TIMEOUT) -> BatchSummary:
    """Run every variant x replicate into ``out`` (resuming what is there); return the summary."""
    plan = plan_batch(scenarios, reps, seed, out, command)
    return check_finished(execute_plan(plan, workers, executor, scheduler, progress, run_timeout))


def check_finished(summary: BatchSummary) -> BatchSummary:
    """``summary``, or KeyboardInterrupt (its line) if Ctrl-C stopped the batch: a caller analysing the batch
    (validate, sensitivity) must not report on the runs that happened to finish."""
    if summary.interrupted:
        stop = KeyboardInterrupt(summary.line())
        stop.signal_name = summary.interrupted
        raise stop
    return summary


class Interrupted(Exception):
    """Raised in the batch parent by a SIGTERM handler (sim.cli), like KeyboardInterrupt for SIGINT."""

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


def execute_plan(plan: BatchPlan, workers: int | None = None, executor: str = "process",
                 scheduler: str | None = None, progress: bool = True,
                 run_timeout: float = DEFAULT_RUN_TIMEOUT) -> BatchSummary:
    """Lock DIR, check it against the plan, fix the snapshot, run what is not done. Ctrl-C (or Interrupted)
    stops the workers and returns a summary with ``interrupted`` set; a re-run resumes."""
    start = time.perf_counter()
    with store.locked(plan.out):  # before batch.json is read: a second batch cannot interleave
        existing = store.read_manifest(plan.out)
        done = store.done_runs(plan.out)
        check_same_code(existing, done, plan.out)
        manifest = _manifest(existing, plan)
        todo = [spec.as_dict() for spec in plan.specs if spec.run_id not in done]
        summary = BatchSummary(plan.out, len(plan.specs), skipped=len(plan.specs) - len(todo))
        # the executor starts (or a scheduler is reached) before anything is written, and only if there is work
        try:
            with Idle() if not todo else open_executor(executor, workers, scheduler, run_timeout) as pool:
                store.remove_temporary(plan.out, manifest)
                manifest["executor"] = summary.executor = pool.describe()
                store.write_snapshot(plan.out, {k: s.record() for k, s in plan.snapshots.items()},
                                     {s.region_digest: s.region_bytes for s in plan.snapshots.values()})
                store.write_scenario_texts(plan.out, plan.texts)
                store.write_manifest(plan.out, manifest)
                log.debug("%s: %d runs to do, %d already done (%s)", plan.out, len(todo), summary.skipped,
                          summary.executor)
                _run(pool, todo, plan.out, summary, progress)
        finally:
            # the workers have stopped: a worker killed while writing a part left its temporary file (its run
            # was run again elsewhere), named after a file of this batch (a user's file of another name stays)
            store.remove_temporary(plan.out, manifest)
    summary.seconds = time.perf_counter() - start
    return summary


def _run(pool, todo: list[dict], out: Path, summary: BatchSummary, progress: bool) -> None:
    bar = Progress(len(todo), enabled=progress)
    try:
        for status in pool.statuses(todo, str(out)):
            store.write_run_record(out, status)
            _count(summary, status)
            bar.update(status)
    except KeyboardInterrupt:
        summary.interrupted = "SIGINT"
    except Interrupted as stop:
        summary.interrupted = stop.signal_name
    finally:
        bar.close()


def _count(summary: BatchSummary, status: dict) -> None:
    if status["status"] == "ok":
        summary.ok += 1
        return
    summary.failed += 1
    if len(summary.errors) < 5:
        summary.errors.append((status["run_id"], status["error"]))


def _check_out(out: Path) -> None:
    """DIR must be a new or empty directory, or a batch directory to resume; checked before any run."""
    check_out(out)  # not the current directory, home or root; writable
    if out.is_dir() and any(out.iterdir()) and not store.is_batch_dir(out):
        raise ScenarioError(f"{out} is not empty and holds no batch (no {store.MANIFEST}); choose another --out",
                            file=CLI, key_path="--out")


def check_same_code(existing: dict | None, done: set, out: Path) -> None:
    """A batch with finished runs resumes only with the code that ran them (same manifest format, package
    model digest, or for older batches the package version and git commit, where both are known): runs of two
    versions of the model in one table would be compared as if they were one."""
    if not existing or not done:
        return
    if existing.get("format", FORMAT) != FORMAT:
        raise ScenarioError(f"the batch in this directory has format {existing.get('format')!r}, this "
                            f"xinhui-sim writes {FORMAT!r}; run into a new --out", file=CLI, key_path="--out")
    old, new = existing.get("code") or {}, code_version()
    # the model's code digest decides where both batches have it (a docs-only commit resumes; a local edit of
    # the model does not); batches written before it existed fall back on the version and git commit
    keys = ("model_digest",) if old.get("model_digest") and new.get("model_digest") else ("version", "git_commit")
    changed = [key for key in keys if old.get(key) and new.get(key) and old[key] != new[key]]
    if changed:
        raise ScenarioError(f"its {len(done)} finished runs were made by xinhui-sim {_code_label(old)}, this is "
                            f"{_code_label(new)}: resuming would mix two versions of the model; run into a new "
                            f"--out, or `xinhui-sim clean {out}` first",
                            file=CLI, key_path="--out")


def _code_label(code: dict) -> str:
    commit, digest = code.get("git_commit"), code.get("model_digest")
    return (f"{code.get('version')}" + (f" at commit {str(commit)[:12]}" if commit else "")
            + (f" (model {str(digest)[:12]})" if digest else ""))


def _manifest(existing: dict | None, plan: BatchPlan) -> dict:
    """batch.json: new, or the existing one extended; a resumed batch must keep its seed, its variants'
    parameters and their region contents."""
    variants, seed, seeds, command = plan.variants, plan.seed, plan.seeds, plan.command
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    manifest = existing or {"format": FORMAT, "created": now, "seed": seed, "commands": [],
                            "replicate_seeds": {}, "variants": []}
    if manifest.get("seed") != seed:
        raise ScenarioError(f"the batch in this directory used --seed {manifest.get('seed')}; resume it with "
                            "that seed or choose another --out", file=CLI, key_path="--seed")
    check_resume(manifest.get("posterior"), plan.posterior, resumed=bool(manifest["commands"]))
    if plan.posterior is not None:
        manifest["posterior"] = plan.posterior
    known = {v["name"]: v for v in manifest["variants"]}
    for variant in variants:
        old = known.get(variant.name)
        if old is not None and old.get("digest") != variant.digest:
            raise ScenarioError(f"variant '{variant.name}' in this directory was run with other parameters "
                                "(was its scenario file changed?); choose another --out", file=CLI,
                                key_path="--out")
        if old is not None and old.get("region_digest") != variant.region_digest:
            raise ScenarioError(f"variant '{variant.name}' in this directory was run with other region data "
                                "(the region file's contents changed since); choose another --out", file=CLI,
                                key_path="--out")
        if old is None:
            manifest["variants"].append({"name": variant.name, "file": variant.file, "digest": variant.digest,
                                         "region_digest": variant.region_digest, "snapshot": variant.snapshot,
                                         "overrides": variant.overrides, "params": variant.params,
                                         "point": variant.point})
    manifest["replicate_seeds"].update({str(r): s for r, s in enumerate(seeds)})
    manifest["scenario_texts"] = sorted({*manifest.get("scenario_texts", []), *plan.texts})  # DIR/scenarios/
    manifest["run_ids"] = sorted({*manifest.get("run_ids", []), *(spec.run_id for spec in plan.specs)})
    manifest["commands"].append({"argv": command, "at": now})
    manifest["updated"] = now
    manifest["versions"] = _versions()
    manifest["code"] = code_version()
    return manifest


def _versions() -> dict[str, str]:
    out = package_versions()
    for name in ("dask", "distributed", "SALib", "tqdm"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out

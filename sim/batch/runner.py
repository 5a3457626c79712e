"""Run a batch: validate everything, then stream every variant x replicate through an executor into DIR.

Each finished run is on disk at once (its table parts from the worker, its ``runs`` record from here), so
the parent's memory does not grow with the number of runs, and a killed batch loses only the runs in
flight. Running the same command again on the same DIR resumes: done runs are skipped, failed runs are
tried again, nothing is duplicated.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sim.batch import store
from sim.batch.executors import Idle, open_executor
from sim.batch.progress import Progress
from sim.batch.spec import RunSpec, Variant, check_batch_size, load_all, plan_runs, replicate_seeds
from sim.results import package_versions
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
    manifest: dict


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

    def line(self) -> str:
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
    variants, texts = load_all(scenarios, set_values)
    check_batch_size(variants, reps)
    seeds = replicate_seeds(seed, reps)
    manifest = _manifest(store.read_manifest(out), variants, seed, seeds, command or [])
    return BatchPlan(out, plan_runs(variants, seeds), texts, manifest)


def run_batch(scenarios: list, reps: int, seed: int, out: Path, workers: int | None = None,
              executor: str = "process", scheduler: str | None = None, command: list[str] | None = None,
              progress: bool = True) -> BatchSummary:
    """Run every variant x replicate into ``out`` (resuming what is there); return the summary."""
    plan = plan_batch(scenarios, reps, seed, out, command)
    return execute_plan(plan, workers, executor, scheduler, progress)


def execute_plan(plan: BatchPlan, workers: int | None = None, executor: str = "process",
                 scheduler: str | None = None, progress: bool = True) -> BatchSummary:
    start = time.perf_counter()
    # the executor starts (or a scheduler is reached) before anything is written, and only if there is work
    ready = store.done_runs(plan.out) if plan.out.is_dir() else set()
    idle = all(spec.run_id in ready for spec in plan.specs)
    with Idle() if idle else open_executor(executor, workers, scheduler) as pool, store.locked(plan.out):
        store.remove_temporary(plan.out)
        plan.manifest["executor"] = pool.describe()
        store.write_manifest(plan.out, plan.manifest)
        store.write_scenario_texts(plan.out, plan.texts)
        done = store.done_runs(plan.out)
        todo = [spec.as_dict() for spec in plan.specs if spec.run_id not in done]
        summary = BatchSummary(plan.out, len(plan.specs), skipped=len(plan.specs) - len(todo),
                               executor=pool.describe())
        log.info("%s: %d runs to do, %d already done (%s)", plan.out, len(todo), summary.skipped, pool.describe())
        bar = Progress(len(todo), enabled=progress)
        try:
            for status in pool.statuses(todo, str(plan.out)):
                store.write_run_record(plan.out, status)
                _count(summary, status)
                bar.update(status)
        finally:
            bar.close()
    summary.seconds = time.perf_counter() - start
    return summary


def _count(summary: BatchSummary, status: dict) -> None:
    if status["status"] == "ok":
        summary.ok += 1
        return
    summary.failed += 1
    if len(summary.errors) < 5:
        summary.errors.append((status["run_id"], status["error"]))


def _check_out(out: Path) -> None:
    """DIR must be a new or empty directory, or a batch directory to resume; checked before any run."""
    for path in (out, *out.parents):
        if path.exists() and not path.is_dir():
            raise ScenarioError(f"{path} exists and is not a directory", file=CLI, key_path="--out")
    if out.is_dir() and any(out.iterdir()) and not store.is_batch_dir(out):
        raise ScenarioError(f"{out} is not empty and holds no batch (no {store.MANIFEST}); choose another --out",
                            file=CLI, key_path="--out")


def _manifest(existing: dict | None, variants: list[Variant], seed: int, seeds: list[int],
              command: list[str]) -> dict:
    """batch.json: new, or the existing one extended; a resumed batch must keep its seed and its variants."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    manifest = existing or {"format": FORMAT, "created": now, "seed": seed, "commands": [],
                            "replicate_seeds": {}, "variants": []}
    if manifest.get("seed") != seed:
        raise ScenarioError(f"the batch in this directory used --seed {manifest.get('seed')}; resume it with "
                            "that seed or choose another --out", file=CLI, key_path="--seed")
    known = {v["name"]: v for v in manifest["variants"]}
    for variant in variants:
        old = known.get(variant.name)
        if old is not None and old["digest"] != variant.digest:
            raise ScenarioError(f"variant '{variant.name}' in this directory was run with other parameters "
                                "(was its scenario file changed?); choose another --out", file=CLI,
                                key_path="--out")
        if old is None:
            manifest["variants"].append({"name": variant.name, "file": variant.file, "digest": variant.digest,
                                         "overrides": variant.overrides, "params": variant.params,
                                         "point": variant.point})
    manifest["replicate_seeds"].update({str(r): s for r, s in enumerate(seeds)})
    manifest["commands"].append({"argv": command, "at": now})
    manifest["updated"] = now
    manifest["versions"] = _versions()
    return manifest


def _versions() -> dict[str, str]:
    out = package_versions()
    for name in ("dask", "distributed", "SALib", "tqdm"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out

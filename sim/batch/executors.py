"""Where runs execute: a local process pool (default) or a Dask distributed cluster.

Both yield each run's status as soon as it finishes, with a bounded number of runs in flight (twice the
workers), so the parent never holds more than a handful of futures; the tables themselves are written by
the workers. Results do not depend on the executor: a run is fully determined by its spec and seed.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from sim.batch.worker import execute_run, status_of
from sim.scenario.errors import ScenarioError

EXECUTORS = ("process", "dask")


class _Refill(Exception):
    """The pool broke while submitting ``spec``: start a new pool and submit it again."""

    def __init__(self, spec: dict):
        super().__init__(spec["run_id"])
        self.spec = spec


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _bounded(submit: Callable, next_done: Callable, specs: Iterator[dict], out: str, limit: int):
    """Keep at most ``limit`` runs in flight; yield each status as its run finishes.

    ``submit(fn, spec, out)`` returns a future; ``next_done(futures)`` returns some finished ones.
    A future that fails outside ``execute_run`` (a worker process died) is reported as a failed run.
    """
    pending: dict = {}
    refill = None
    while True:
        while refill is None and len(pending) < limit:
            spec = next(specs, None)
            if spec is None:
                break
            try:
                pending[submit(execute_run, spec, out)] = spec
            except BrokenProcessPool:
                refill = spec
        if not pending:
            break
        for future in next_done(list(pending)):
            spec = pending.pop(future)
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - the worker died or the cluster lost it
                yield status_of(spec, "failed", f"worker lost: {type(exc).__name__}: {exc}")
    if refill is not None:
        raise _Refill(refill)


def _first_completed(futures: list) -> set:
    return wait(futures, return_when=FIRST_COMPLETED).done


class ProcessExecutor:
    """A local pool of ``workers`` processes (forkserver: workers start from a clean, preloaded process)."""

    name = "process"

    def __init__(self, workers: int):
        self.workers = workers

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def describe(self) -> str:
        return f"process pool, {self.workers} workers"

    def statuses(self, specs: Iterable[dict], out: str) -> Iterator[dict]:
        specs = iter(specs)
        while True:  # a new pool after a worker process died; its in-flight runs were reported failed
            pool = self._pool()
            try:
                yield from _bounded(pool.submit, _first_completed, specs, out, 2 * self.workers)
                return
            except _Refill as refill:
                specs = itertools.chain([refill.spec], specs)
            finally:  # also on Ctrl-C: queued runs are dropped, not run to the end
                pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(["sim.batch.worker", "sim.model"])  # workers fork with these imported
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context)


class DaskExecutor:
    """Dask distributed: a LocalCluster on loopback, or an existing cluster at ``scheduler``.

    With an existing cluster, every worker must be able to import ``sim`` and write into the batch directory
    (a shared file system).
    """

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None):
        self.workers, self.scheduler = workers, scheduler
        self.cluster = self.client = None

    def __enter__(self):
        from dask.distributed import Client, LocalCluster

        try:
            if self.scheduler is None:
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address=None)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            self.__exit__()
            raise ScenarioError(f"cannot reach the Dask scheduler: {exc}", file="<command line>",
                                key_path="--scheduler") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.cluster = self.client = None

    def describe(self) -> str:
        where = self.scheduler or "LocalCluster on 127.0.0.1"
        return f"dask ({where}), {self.slots()} worker threads"

    def slots(self) -> int:
        return sum(self.client.nthreads().values()) or self.workers

    def statuses(self, specs: Iterable[dict], out: str) -> Iterator[dict]:
        from dask.distributed import as_completed

        done = as_completed()

        def submit(fn, spec, out_dir):
            future = self.client.submit(fn, spec, out_dir, pure=False)
            done.add(future)
            return future

        def next_done(_futures):
            return [next(done)]

        yield from _bounded(submit, next_done, iter(specs), out, 2 * self.slots())


class Idle:
    """Stands in for an executor when every run is already done (no pool or cluster is started)."""

    name = "none"

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def describe(self) -> str:
        return "nothing to run"

    def statuses(self, specs: Iterable[dict], out: str) -> Iterator[dict]:
        yield from ()


def open_executor(kind: str, workers: int | None, scheduler: str | None):
    """The executor ``kind`` (process | dask) as a context manager; ``workers`` None means one per core."""
    workers = workers or default_workers()
    if kind == "process":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    raise ValueError(f"unknown executor {kind!r}; one of {', '.join(EXECUTORS)}")

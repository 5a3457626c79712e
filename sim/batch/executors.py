"""Where runs execute: a local process pool (default) or a Dask distributed cluster.

Both yield each run's status as soon as it finishes, with a bounded number of runs in flight (one per
worker process, two per Dask worker thread), so the parent never holds more than a handful of
futures; the tables themselves are written by the workers. A run that takes longer than ``run_timeout``
seconds is recorded as failed. Results do not depend on the executor: a run is fully determined by its spec and seed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator

from sim.batch.lifeline import ParentWatch
from sim.batch.pool import run_all
from sim.batch.worker import execute_run, status_of
from sim.scenario.errors import ScenarioError

EXECUTORS = ("process", "dask")


DEFAULT_RUN_TIMEOUT = 600.0  # seconds; a run of the shipped scenarios at scale 1 takes a few seconds
SCHEDULER_TIMEOUT = 10.0  # seconds to reach a Dask scheduler and hear it answer as one


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ProcessExecutor:
    """A local pool of ``workers`` processes (sim.batch.pool): one dead worker fails only its own run."""

    name = "process"

    def __init__(self, workers: int, run_timeout: float = DEFAULT_RUN_TIMEOUT):
        self.workers, self.run_timeout = workers, run_timeout

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def describe(self) -> str:
        return f"process pool, {self.workers} workers"

    def statuses(self, specs: Iterable[dict], out: str) -> Iterator[dict]:
        # execute_run is looked up here, so that a test can stand in for it (it is pickled by reference)
        yield from run_all(execute_run, iter(specs), out, self.workers, self.run_timeout)


class DaskExecutor:
    """Dask distributed: a LocalCluster on loopback, or an existing cluster at ``scheduler``.

    With an existing cluster, every worker must be able to import ``sim`` and write into the batch directory
    (a shared file system). A LocalCluster serves no dashboard and no HTTP routes (its HTTP server listens on
    a random loopback port with nothing behind it), and its workers exit when this process dies.
    """

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None, run_timeout: float = DEFAULT_RUN_TIMEOUT):
        self.workers, self.scheduler, self.run_timeout = workers, scheduler, run_timeout
        self.cluster = self.client = None

    def __enter__(self):
        import dask
        from dask.distributed import Client, LocalCluster

        try:
            if self.scheduler is None:
                quiet = {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}
                with dask.config.set(quiet), _ctrl_c_ignored_by_children():
                    self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                                scheduler_kwargs={"dashboard": False},
                                                worker_dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
                self.client.register_plugin(_parent_watch(os.getpid()))
            else:
                check_scheduler(self.scheduler)
                self.client = Client(self.scheduler, timeout=f"{SCHEDULER_TIMEOUT:g}s")
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
        """Two runs in flight per worker thread, so that a worker has its next run at hand when one ends (with
        one, each worker waited for this process to hear of the end and submit the next: a round trip through
        the scheduler, which shares the cores here). A run's time limit counts from when it is among the
        oldest ``slots`` pending runs, about when a worker starts it; a run past its deadline is failed, and
        its worker restarted."""
        from dask.distributed import wait

        specs, slots = iter(specs), self.slots()
        pending: dict = {}  # future -> [spec, deadline or None while queued], in submission order
        while True:
            while len(pending) < 2 * slots and (spec := next(specs, None)) is not None:
                pending[self.client.submit(execute_run, spec, out, pure=False)] = [spec, None]
            if not pending:
                return
            now = time.monotonic()
            for entry in list(pending.values())[:slots]:  # started, or about to be
                entry[1] = now + self.run_timeout if entry[1] is None else entry[1]
            soonest = max(0.0, min(d for _, d in pending.values() if d is not None) - now)
            try:
                done = wait(list(pending), timeout=soonest + 0.01, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            for future in done:
                spec, _ = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - the worker died (three times) or the cluster lost it
                    yield status_of(spec, "failed", f"worker lost: {type(exc).__name__}: {exc}")
            late = [f for f, (_, deadline) in pending.items() if deadline is not None and time.monotonic() >= deadline]
            if late:
                self._stop(late)
            for future in late:
                spec, _ = pending.pop(future)
                yield status_of(spec, "failed", f"timed out: still running after {self.run_timeout:g} s "
                                "(--run-timeout)", self.run_timeout)

    def _stop(self, futures: list) -> None:
        """Cancel runs past their deadline and restart the workers running them (through their nannies):
        a thread cannot be stopped, and a stuck worker would hold its slot for ever."""
        keys = {f.key for f in futures}
        stuck = [w for w, running in self.client.processing().items() if keys & set(running)]
        for future in futures:
            future.cancel()
        if stuck:
            self.client.restart_workers(stuck, timeout=60, raise_for_error=False)


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Ask ``address`` who it is (the scheduler's ``identity``), all within ``timeout`` seconds, before a Client
    is made: Dask's handshake waits without end on a server that accepts the connection and never answers (an
    HTTP server, the dashboard's port), and a server that answers with something else raised from its reader
    (a MemoryError for a frame of exabytes). One line (ScenarioError) instead."""
    import asyncio

    from distributed.comm import connect

    timeout = SCHEDULER_TIMEOUT if timeout is None else timeout

    async def identity():
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    answer: dict = {}

    def probe() -> None:  # in a thread of its own: its event loop is not the caller's, and it cannot hang the caller
        try:
            answer["reply"] = asyncio.run(asyncio.wait_for(identity(), timeout + 2.0))  # connect says why first
        except BaseException as exc:  # noqa: BLE001 - whatever the reply did, it is reported as one line below
            answer["error"] = exc

    thread = threading.Thread(target=probe, name="xinhui-scheduler-probe", daemon=True)
    thread.start()
    thread.join(timeout + 5.0)
    error, reply = answer.get("error"), answer.get("reply")
    if thread.is_alive() or isinstance(error, (TimeoutError, asyncio.TimeoutError)):
        why = f"no answer as a Dask scheduler within {timeout:g} s (is it a scheduler's address, tcp://HOST:8786?)"
    elif isinstance(error, (OSError, ValueError)):
        why = str(error)
    elif error is not None:
        why = f"it did not answer as a Dask scheduler ({type(error).__name__})"
    elif not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        why = "it answered, but not as a Dask scheduler"
    else:
        return
    raise ScenarioError(f"cannot reach the Dask scheduler at {address}: {why}", file="<command line>",
                        key_path="--scheduler")


@contextlib.contextmanager
def _ctrl_c_ignored_by_children():
    """Worker processes started meanwhile inherit SIGINT ignored (Python keeps an inherited SIG_IGN), so a
    Ctrl-C at the terminal reaches only the parent, which stops the cluster."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _parent_watch(parent_pid: int):
    """A Dask worker plugin running sim.batch.lifeline.watch in every worker of a LocalCluster."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class Watch(ParentWatch, WorkerPlugin):
        pass

    return Watch(parent_pid)


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


def open_executor(kind: str, workers: int | None, scheduler: str | None,
                  run_timeout: float = DEFAULT_RUN_TIMEOUT):
    """The executor ``kind`` (process | dask) as a context manager; ``workers`` None means one per core."""
    workers = workers or default_workers()
    if kind == "process":
        return ProcessExecutor(workers, run_timeout)
    if kind == "dask":
        return DaskExecutor(workers, scheduler, run_timeout)
    raise ValueError(f"unknown executor {kind!r}; one of {', '.join(EXECUTORS)}")

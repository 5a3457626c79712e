"""The local process pool: ``workers`` processes, one run each at a time, with a time limit per run.

Unlike ``concurrent.futures.ProcessPoolExecutor``, a worker that dies (killed, out of memory) fails only the
run it had, and a run that exceeds its time limit is stopped by killing its worker; in both cases a new
worker takes its place and the batch goes on. Workers start from a forkserver with the model imported,
ignore Ctrl-C (the parent stops them) and exit when the batch parent dies (sim.batch.lifeline).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait

from sim.batch import lifeline
from sim.batch.worker import status_of

STOP_SECONDS = 5.0  # a worker told to stop gets this long to exit before it is killed


def serve(conn, parent_pid: int) -> None:
    """A worker's loop: receive (function, spec, out), send back the function's status; None stops it."""
    lifeline.ignore_ctrl_c()
    lifeline.follow(parent_pid)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, spec, out = job
        status = fn(spec, out)
        try:
            conn.send(status)
        except OSError:  # the parent is gone (killed): nobody to report to
            os._exit(70)


def _context():
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["sim.batch.worker", "sim.model"])  # workers fork with these imported
    return context


class _Worker:
    """One worker process, its pipe, and the run it has (if any) with that run's deadline."""

    def __init__(self, context):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, os.getpid()), daemon=True,
                                       name="xinhui-worker")
        self.process.start()
        child.close()
        self.spec: dict | None = None
        self.deadline = 0.0

    def give(self, fn: Callable, spec: dict, out: str, timeout: float) -> bool:
        try:
            self.conn.send((fn, spec, out))
        except (BrokenPipeError, OSError):
            return False
        self.spec, self.deadline = spec, time.monotonic() + timeout
        return True

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(STOP_SECONDS)
        self.kill()

    def exit_text(self) -> str:
        self.process.join(1.0)
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit status {code}"


def run_all(fn: Callable, specs: Iterator[dict], out: str, workers: int, timeout: float) -> Iterator[dict]:
    """Run ``fn(spec, out)`` for every spec on ``workers`` processes; yield each status as its run ends."""
    context = _context()
    pool = [_Worker(context) for _ in range(workers)]
    finished = False
    try:
        while True:
            for i, worker in enumerate(pool):
                while worker.spec is None and (spec := next(specs, None)) is not None:
                    if worker.give(fn, spec, out, timeout):
                        break
                    worker.kill()  # it died while idle: a new one takes the same spec
                    pool[i] = worker = _Worker(context)
                    specs = _again(spec, specs)
            busy = [w for w in pool if w.spec is not None]
            if not busy:
                finished = True
                return
            wait_for = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for)
            for i, worker in enumerate(pool):
                ended = _collect(worker, timeout)
                if ended is None:
                    continue
                status, replace = ended
                if replace:
                    pool[i] = _Worker(context)
                yield status
    finally:  # a normal end stops the workers; Ctrl-C, SIGTERM or an error kills them at once
        for worker in pool:
            worker.stop() if finished else worker.kill()


def _again(spec: dict, specs: Iterator[dict]) -> Iterator[dict]:
    yield spec
    yield from specs


def _collect(worker: _Worker, timeout: float) -> tuple[dict, bool] | None:
    """(status, whether the worker must be replaced) if ``worker``'s run ended: done, died, or timed out."""
    spec = worker.spec
    if spec is None:
        return None
    if worker.conn.poll():
        try:
            status = worker.conn.recv()
            worker.spec = None
            return status, False
        except (EOFError, OSError):
            pass  # the worker died: its pipe closed
    elif worker.process.is_alive():
        if time.monotonic() < worker.deadline:
            return None
        worker.kill()
        worker.spec = None
        return status_of(spec, "failed", f"timed out: still running after {timeout:g} s (--run-timeout)",
                         timeout), True
    worker.kill()
    worker.spec = None
    return status_of(spec, "failed", f"worker lost: its process died ({worker.exit_text()})"), True

"""Workers die with their batch: a worker process exits as soon as the batch parent is gone.

On Linux the kernel sends SIGKILL to a worker when its parent process ends (``prctl(PR_SET_PDEATHSIG)``,
set through ctypes); a worker forked by the forkserver has the forkserver as parent, which itself exits when
the batch parent closes its end of the forkserver's pipe. A watchdog thread that polls the batch parent's pid
is the fallback on other POSIX systems and in the Dask workers of a LocalCluster, so no run keeps computing
and writing after SIGKILL of the parent. (On Windows neither exists; a worker there stops at its next run,
when it finds its pipe to the parent closed.)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a killed parent not yet reaped). POSIX only: on
    Windows ``os.kill(pid, 0)`` would terminate the process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True  # no /proc: os.kill said it exists


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux only; elsewhere a no-op)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def watch(parent_pid: int, poll: float = POLL_SECONDS) -> threading.Thread | None:
    """A daemon thread that ends this process (exit status 70) once ``parent_pid`` is gone (POSIX only)."""
    if os.name != "posix":
        return None

    def loop() -> None:
        while alive(parent_pid):
            threading.Event().wait(poll)
        os._exit(70)

    thread = threading.Thread(target=loop, name="xinhui-lifeline", daemon=True)
    thread.start()
    return thread


def follow(parent_pid: int) -> None:
    """Both guards, in a worker process that runs under ``parent_pid``."""
    die_with_parent()
    if os.name == "posix" and not alive(parent_pid):
        os._exit(70)
    watch(parent_pid)


def ignore_ctrl_c() -> None:
    """Ctrl-C reaches every process of the terminal's group: workers leave it to the batch parent."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class ParentWatch:
    """A Dask worker plugin: the worker process exits when the batch parent (its LocalCluster's owner) dies,
    and leaves Ctrl-C to the parent."""

    name = "xinhui-parent-watch"

    def __init__(self, parent_pid: int):
        self.parent_pid = parent_pid

    def setup(self, worker) -> None:
        ignore_ctrl_c()
        watch(self.parent_pid)

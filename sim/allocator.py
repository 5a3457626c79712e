"""Keep freed numpy temporaries in the heap, so that the next step reuses them instead of faulting in new pages.

Each step of the firm rules allocates and frees dozens of temporaries of one float per firm (2.6 MB at scale 50).
glibc serves blocks above its mmap threshold with freshly mapped pages and unmaps them on free, so every
temporary costs ~600 page faults on first touch: a third of the stepping time at scale 50 (1.32 s -> 0.96 s,
benchmarks/README.md). Raising the mmap and trim thresholds keeps such blocks in the heap for reuse. It is a
per-process setting of the C allocator (glibc's ``mallopt``); RegionModel applies it once per process. Elsewhere
than glibc it does nothing; ``XINHUI_SIM_DEFAULT_MALLOC=1`` in the environment leaves the allocator alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # glibc malloc.h
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024   # glibc's maximum on 64-bit: arrays below it come from the heap
TRIM_THRESHOLD_BYTES = 512 * 1024 * 1024  # free heap kept before giving memory back to the system
TOP_PAD_BYTES = 64 * 1024 * 1024          # heap grown in steps of this much

_applied: bool | None = None


def keep_freed_memory() -> bool:
    """Apply the settings once per process; True if glibc accepted them."""
    global _applied
    if _applied is None:
        _applied = _apply()
    return _applied


def _apply() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("XINHUI_SIM_DEFAULT_MALLOC") == "1":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return all(mallopt(option, value) == 1 for option, value in (
        (M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES), (M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES),
        (M_TOP_PAD, TOP_PAD_BYTES)))

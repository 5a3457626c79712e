"""Progress of a batch: a tqdm bar on a terminal, plain log lines (every 5%, at most every 2 s) otherwise.

Both show runs done out of the total, failures and the estimated time left; the plain lines suit CI logs
and ``nohup``, where a redrawn bar would be noise.
"""

from __future__ import annotations

import logging
import sys
import time

log = logging.getLogger(__name__)


class Progress:
    """Counts finished runs; ``update(status)`` after each, ``close()`` at the end."""

    def __init__(self, total: int, stream=None, enabled: bool = True, step: float = 0.05, pause: float = 2.0):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.start = self.last = time.perf_counter()
        self.step, self.pause, self.bucket = step, pause, 0
        self.bar = None
        if self.enabled and _is_tty(self.stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="run", file=self.stream, dynamic_ncols=True, smoothing=0.1)

    def update(self, status: dict) -> None:
        self.done += 1
        self.failed += status.get("status") != "ok"
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update(1)
        elif self._due():
            if self.stream is sys.stderr:  # the default: through logging, so -q silences it
                log.info(self.line())
            else:
                print(self.line(), file=self.stream, flush=True)

    def _due(self) -> bool:
        """A plain line at each further ``step`` of the total, at most every ``pause`` seconds, and at the end."""
        bucket, now = int(self.done / self.total / self.step), time.perf_counter()
        if self.done < self.total and (bucket == self.bucket or now - self.last < self.pause):
            return False
        self.bucket, self.last = bucket, now
        return True

    def line(self) -> str:
        """``12/24 runs, 0 failed, ETA 30 s``."""
        elapsed = time.perf_counter() - self.start
        left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        eta = "done" if self.done == self.total else f"ETA {_duration(left)}"
        return f"{self.done}/{self.total} runs, {self.failed} failed, {eta} ({_duration(elapsed)} elapsed)"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _duration(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "?"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"

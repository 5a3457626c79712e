#!/usr/bin/env python
"""Batch throughput and parent memory (not used by the tests).

    .venv/bin/python benchmarks/batch.py                  # 200 runs with 1 and 2 process workers, 2 Dask workers
    .venv/bin/python benchmarks/batch.py --runs 1000      # and 1,000 runs with 2 workers, process pool and Dask
    .venv/bin/python benchmarks/batch.py --quick          # 40 runs, 1 and 2 process workers

Each batch is the real CLI (``python -m sim.cli batch ... --no-progress``) in a subprocess, writing into a
fresh temporary directory: the five plan variants (plan, no_pairing, fragmented, strong_pairing,
cluster_focus) x N/5 replicates, seed 1, full horizon 2023-2033. While it runs, this script samples every
0.1 s the parent's resident memory (VmRSS in /proc/PID/status; the parent is the batch process, not its
workers) and the number of finished runs (files in DIR/parts/runs). Reported: wall time, runs per second,
seconds per run and worker, the parent's RSS after the first run, at 25/50/75/100% of the runs and its peak
(VmHWM), and the slope of RSS against runs done over the second half of the batch (KiB per 100 runs): flat
memory means a slope near zero.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("plan", "no_pairing", "fragmented", "strong_pairing", "cluster_focus")


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process in MiB (empty once it has exited)."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0]) / 1024.0
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


def finished(out: Path) -> int:
    folder = out / "parts" / "runs"
    return sum(1 for n in os.listdir(folder) if n.endswith(".parquet")) if folder.is_dir() else 0


def run_batch(runs: int, workers: int, executor: str) -> dict:
    """One batch through the CLI; the samples (seconds, runs done, parent RSS) and the totals."""
    reps = runs // len(VARIANTS)
    out = Path(tempfile.mkdtemp(prefix="xinhui-batch-bench-")) / "batch"
    files = [str(ROOT / "scenarios" / f"{v}.yaml") for v in VARIANTS]
    cmd = [sys.executable, "-m", "sim.cli", "batch", *files, "--reps", str(reps), "--seed", "1", "--out", str(out),
           "--workers", str(workers), "--executor", executor, "--no-progress"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples, hwm = [], 0.0
    while proc.poll() is None:
        status = proc_status(proc.pid)
        if "VmRSS" in status:
            samples.append((time.perf_counter() - start, finished(out), status["VmRSS"]))
            hwm = max(hwm, status.get("VmHWM", 0.0))
        time.sleep(0.1)
    wall = time.perf_counter() - start
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}):\n{stdout}\n{stderr}")
    done = finished(out)
    shutil.rmtree(out.parent, ignore_errors=True)
    return {"runs": reps * len(VARIANTS), "done": done, "workers": workers, "executor": executor, "wall": wall,
            "samples": samples, "hwm": hwm, "summary": stdout.splitlines()[0]}


def rss_at(samples: list, count: int) -> float:
    """Parent RSS at the first sample with at least ``count`` runs done."""
    return next((rss for _, done, rss in samples if done >= count), samples[-1][2])


def slope_kib_per_100(samples: list, runs: int) -> float:
    """Least-squares slope of RSS against runs done, over the second half of the batch."""
    half = [(d, r) for _, d, r in samples if d >= runs // 2]
    if len(half) < 2 or len({d for d, _ in half}) < 2:
        return float("nan")
    n = len(half)
    mx, my = sum(d for d, _ in half) / n, sum(r for _, r in half) / n
    sxx = sum((d - mx) ** 2 for d, _ in half)
    sxy = sum((d - mx) * (r - my) for d, r in half)
    return sxy / sxx * 1024 * 100


def report(result: dict) -> str:
    s, runs = result["samples"], result["runs"]
    quarter = [rss_at(s, max(1, runs * k // 4)) for k in (1, 2, 3, 4)]
    return (f"{result['executor']:>8} {result['workers']:>7} {runs:>5} {result['wall']:>7.1f} "
            f"{runs / result['wall']:>7.2f} {result['wall'] * result['workers'] / runs:>10.3f} "
            f"{rss_at(s, 1):>9.1f} " + " ".join(f"{q:>7.1f}" for q in quarter) +
            f" {result['hwm']:>8.1f} {slope_kib_per_100(s, runs):>11.1f}")


HEADER = ("executor workers  runs  wall s  runs/s  s/run/wkr  RSS@1 MiB   @25%    @50%    @75%   @100%"
          "  peak MiB  KiB/100runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=0, help="also this many runs with 2 workers (process, dask)")
    parser.add_argument("--quick", action="store_true", help="40 runs, process pool only")
    args = parser.parse_args()
    runs = 40 if args.quick else 200
    plan = [(runs, 1, "process"), (runs, 2, "process")] + ([] if args.quick else [(runs, 2, "dask")])
    if args.runs:
        plan += [(args.runs, 2, "process"), (args.runs, 2, "dask")]
    print(f"xinhui-sim batch benchmark  {datetime.datetime.now().isoformat(timespec='seconds')}")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; variants "
          f"{', '.join(VARIANTS)}; seed 1; 2023-2033")
    print(HEADER)
    total = time.perf_counter()
    for n, workers, executor in plan:
        result = run_batch(n, workers, executor)
        assert result["done"] == result["runs"], result["summary"]
        print(report(result), flush=True)
    print(f"total benchmark wall time {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()

"""Stand-ins for ``sim.batch.worker.execute_run`` in the executor tests: small, stdlib only, so that a worker
process imports them at once (they are pickled by reference)."""

from __future__ import annotations

import time


def slow_on_r1(spec: dict, out: str) -> dict:
    """Run r1 never ends; the others end at once."""
    if spec["run_id"] == "r1":
        time.sleep(3600)
    return {"run_id": spec["run_id"], "status": "ok"}


def leaves_a_half_written_part(spec: dict, out: str) -> dict:
    """The run, after a worker stopped while writing its district part: half a Parquet file under the name the
    batch's writer gives its temporaries (``.<run id>.parquet.<pid>.tmp``, the pid of a process that has ended),
    as a Dask worker killed mid-write leaves it when its run is run again elsewhere."""
    import subprocess
    from pathlib import Path

    from sim.batch.worker import execute_run

    stopped = subprocess.Popen(["true"])
    stopped.wait()
    folder = Path(out) / "parts" / "district"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f".{spec['run_id']}.parquet.{stopped.pid}.tmp").write_bytes(b"PAR1" + b"\0" * 500)
    return execute_run(spec, out)

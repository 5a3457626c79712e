"""Stand-ins for ``sim.batch.worker.execute_run`` in the executor tests: small, stdlib only, so that a worker
process imports them at once (they are pickled by reference)."""

from __future__ import annotations

import time


def slow_on_r1(spec: dict, out: str) -> dict:
    """Run r1 never ends; the others end at once."""
    if spec["run_id"] == "r1":
        time.sleep(3600)
    return {"run_id": spec["run_id"], "status": "ok"}

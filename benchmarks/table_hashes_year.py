#!/usr/bin/env python
"""Hashes of every table (and the ledger's closed years) of a few runs: a speed change must leave them unchanged.

    .venv/bin/python benchmarks/table_hashes_year.py > before.txt      # on the branch point
    .venv/bin/python benchmarks/table_hashes_year.py | diff before.txt -   # after a change: no output
    .venv/bin/python benchmarks/table_hashes_year.py --scale-50     # plan seed 1 at scale 50 only

Runs: ``plan`` seeds 1 and 2 at scale 1, ``plan`` seed 1 at scale 10, ``fragmented`` seed 2 at scale 5 and
``strong_pairing`` seed 3 at scale 2 with the firm panel. Each column's bytes are hashed (floats bit for bit),
so a change in the 17th digit shows.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = (("plan", 1, 1.0, False), ("plan", 2, 1.0, False), ("plan", 1, 10.0, False),
        ("fragmented", 2, 5.0, False), ("strong_pairing", 3, 2.0, True))


def column_hash(values) -> str:
    array = np.asarray(values)
    digest = hashlib.sha256(str(array.dtype).encode())
    digest.update(array.tobytes() if array.dtype != object else repr(list(array)).encode())
    return digest.hexdigest()[:16]


def run_hashes(name: str, seed: int, scale: float, panel: bool) -> list[str]:
    from sim.model import RegionModel
    from sim.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides={"scale": scale})
    model = RegionModel.from_scenario(scenario, seed, firm_panel=panel)
    tables = model.run().tables()
    lines = [f"{name} seed {seed} scale {scale:g} {table}.{column} {column_hash(values)}"
             for table, columns in sorted(tables.items()) for column, values in columns.items()]
    ledger = hashlib.sha256(repr(model.ledger.rows()).encode()).hexdigest()[:16]
    balances = hashlib.sha256(repr(sorted(model.ledger.balances.items())).encode()).hexdigest()[:16]
    return [*lines, f"{name} seed {seed} scale {scale:g} ledger.rows {ledger}",
            f"{name} seed {seed} scale {scale:g} ledger.balances {balances}"]


def main() -> None:
    runs = [("plan", 1, 50.0, False)] if sys.argv[1:] == ["--scale-50"] else RUNS
    for run in runs:
        for line in run_hashes(*run):
            print(line)


if __name__ == "__main__":
    main()

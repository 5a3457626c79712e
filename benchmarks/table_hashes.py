#!/usr/bin/env python
"""Hashes of every output table of a few runs, to check that a speed change leaves outputs bit-identical.

    .venv/bin/python benchmarks/table_hashes.py > before.txt   # on the branch point
    .venv/bin/python benchmarks/table_hashes.py > after.txt    # after the change; diff the two

Runs (scenario, seed, scale): plan 1 and 2 at scale 1, plan 1 at scale 10, fragmented 2 at scale 5,
cluster_focus 3 at scale 2 with the firm panel.
Each line is ``scenario seed scale table sha256`` of the table's columns (names, dtypes and raw bytes).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = (("plan", 1, 1.0, False), ("plan", 2, 1.0, False), ("plan", 1, 10.0, False), ("fragmented", 2, 5.0, False),
        ("cluster_focus", 3, 2.0, True))  # the last with the firm panel


def table_hash(columns: dict) -> str:
    digest = hashlib.sha256()
    for name in sorted(columns):
        values = np.asarray(columns[name])
        digest.update(name.encode())
        digest.update(str(values.dtype).encode())
        digest.update(values.tobytes() if values.dtype != object else repr(values.tolist()).encode())
    return digest.hexdigest()


def main(argv: list[str]) -> None:
    from sim.model import RegionModel
    from sim.scenario import load_scenario

    runs = [r for r in RUNS if not argv or r[0] in argv]
    for name, seed, scale, panel in runs:
        scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides={"scale": scale})
        tables = RegionModel.from_scenario(scenario, seed=seed, firm_panel=panel).run().tables()
        for table, columns in sorted(tables.items()):
            print(name, seed, scale, table, table_hash(columns), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

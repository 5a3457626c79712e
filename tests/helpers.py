"""Small shared helpers for the tests: load shipped scenarios, run them, pick rows."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from sim.results import run_tables
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def scenario(name: str, overrides: dict | None = None):
    return load_scenario(SCENARIOS / f"{name}.yaml", overrides)


@lru_cache(maxsize=64)
def run(name: str, seed: int) -> dict[str, pd.DataFrame]:
    tables = run_tables(scenario(name), seed)
    return {key: pd.DataFrame(value) for key, value in tables.items()}


def at(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[frame.year == year]


def cli(*args: str):
    """Run ``xinhui-sim`` with ``args`` in a subprocess from the repository root."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@lru_cache(maxsize=4)
def first_year(name: str = "plan", seeds: tuple[int, ...] = tuple(range(1, 11))) -> dict[str, pd.DataFrame]:
    """The 2023 rows of ``name`` for each seed (column ``replicate`` = seed): the base-year ensemble of the
    acceptance checks (issues 11 and 12: "mean of 10 seeds of plan"). Only the first year is simulated."""
    from sim.model import RegionModel

    parts: dict[str, list[pd.DataFrame]] = {}
    for seed in seeds:
        model = RegionModel(scenario(name), seed=seed)
        for _ in range(model.steps_per_year):
            model.step()
        for table, rows in model.records.tables().items():
            frame = pd.DataFrame(rows)
            if "year" in frame:
                parts.setdefault(table, []).append(frame[frame.year == 2023].assign(replicate=seed))
    return {table: pd.concat(frames, ignore_index=True) for table, frames in parts.items()}

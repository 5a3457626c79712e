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

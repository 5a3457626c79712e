"""Resuming a calibration: each finished generation is saved in DIR/.state, and re-running continues from there.

The sampler draws generation t's proposals from SeedSequence(seed, spawn_key=(0, t)), so continuing
from the saved generations gives exactly the posterior of an uninterrupted run. A state belongs to one config
(its text, the resolved scenario, --budget, --holdout-from): any other is refused, like a batch's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from sim.calibration.abc import Generation
from sim.calibration.config import CalibrationConfig

STATE = ".state"
KEY_FILE = "key.json"
ARRAYS = ("thetas", "weights", "distances", "values", "seeds")


def state_key(config: CalibrationConfig) -> str:
    """What must not change between an interrupted run and its continuation."""
    text = json.dumps({"config": config.text, "scenario": config.scenario.data, "method": vars(config.method),
                       "heldout": [t.name for t in config.targets if t.heldout]}, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def saved_key(out: Path) -> str | None:
    try:
        return json.loads((Path(out) / STATE / KEY_FILE).read_text(encoding="utf-8"))["key"]
    except (OSError, ValueError, KeyError):
        return None


def start_state(out: Path, config: CalibrationConfig) -> None:
    folder = Path(out) / STATE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / KEY_FILE).write_text(json.dumps({"key": state_key(config)}), encoding="utf-8")


def save_generation(out: Path, gen: Generation) -> None:
    """Written under a temporary name and renamed, so a killed run leaves whole generations or none."""
    path = Path(out) / STATE / f"generation_{gen.index:03d}.npz"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    np.savez(tmp, **{name: getattr(gen, name) for name in ARRAYS},
             scalars=np.array([gen.index, gen.epsilon, gen.simulations, gen.seconds, gen.accepted]))
    os.replace(tmp, path)


def load_generations(out: Path) -> list[Generation]:
    """The saved generations 0, 1, ... (stopping at the first gap)."""
    out_list = []
    for t in range(10_000):
        path = Path(out) / STATE / f"generation_{t:03d}.npz"
        if not path.is_file():
            break
        with np.load(path) as data:
            index, epsilon, simulations, seconds, accepted = data["scalars"]
            out_list.append(Generation(int(index), float(epsilon), *(data[name] for name in ARRAYS),
                                       int(simulations), float(seconds), int(accepted)))
    return out_list


def clear_state(out: Path) -> None:
    shutil.rmtree(Path(out) / STATE, ignore_errors=True)  # created by calibrate; the outputs replace it

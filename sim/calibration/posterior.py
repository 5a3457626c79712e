"""Parameter uncertainty in batches: ``xinhui-sim batch ... --posterior DIR_OR_FILE``.

Replicate r of every variant runs with posterior draw r: particle index drawn from the weighted particles of
``posterior.parquet`` with a generator seeded by SeedSequence(batch seed, spawn_key=(POSTERIOR_KEY, r)), so the
draw depends only on the batch seed and r (not on the variant, nor on how many replicates are asked for), and
variants stay paired over parameters as they are over noise. The draw is applied as overrides of the variant's
scenario (a sweep's own values win) and recorded in the runs table and every result table
(``posterior_particle`` and one column per parameter, named like a sweep's) and in batch.json (``posterior``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sim.batch.spec import with_draws
from sim.batch.sweep import column_name, numeric_paths
from sim.scenario.errors import ScenarioError

POSTERIOR_KEY = 0x706F7374  # "post": keeps these streams apart from the replicate seeds' spawn children
FILE = "posterior.parquet"
OPTION = "--posterior"


class Posterior:
    """Weighted parameter sets of a calibration, with deterministic per-replicate draws."""

    def __init__(self, path: Path, parameters: list[str], frame: pd.DataFrame):
        self.path, self.parameters, self.frame = path, parameters, frame
        self.weights = frame["weight"].to_numpy(dtype=float) / frame["weight"].sum()
        self.digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]

    def particle(self, seed: int, replicate: int) -> int:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(POSTERIOR_KEY, replicate)))
        return int(rng.choice(len(self.weights), p=self.weights))

    def draw(self, seed: int, replicate: int) -> tuple[dict, dict]:
        """(scenario overrides, result columns) of replicate ``replicate``'s draw."""
        row = self.frame.iloc[self.particle(seed, replicate)]
        overrides = nested_overrides({path: float(row[path]) for path in self.parameters})
        columns = {"posterior_particle": int(row["particle"])}
        columns.update({column_name(p): float(row[p]) for p in self.parameters})
        return overrides, columns


def nested_overrides(values: dict[str, float]) -> dict:
    """{"economy.x": 1.0} -> {"economy": {"x": 1.0}}: dotted parameter paths as scenario overrides."""
    out: dict = {}
    for path, value in values.items():
        *sections, key = path.split(".")
        node = out
        for section in sections:
            node = node.setdefault(section, {})
        node[key] = value
    return out


def load_posterior(source: str | Path) -> Posterior:
    """A posterior file, or a calibration directory holding one; checked against today's scenario schema."""
    path = Path(source)
    path = path / FILE if path.is_dir() else path
    fail = _failer(path)
    if not path.is_file():
        fail("no posterior here (give a calibration directory or its posterior.parquet)")
    try:
        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {}).get(b"xinhui_posterior", b"null"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read the posterior: {str(exc)[:80]}")
    if not isinstance(meta, dict) or not meta.get("parameters"):
        fail("not a posterior written by xinhui-sim calibrate (no parameter list in its metadata)")
    frame = table.to_pandas()
    known = numeric_paths()
    for name in meta["parameters"]:
        param = known.get(name)
        if param is None or name not in frame:
            fail(f"posterior parameter '{name}' is not a numeric scenario key of this model version")
        values = frame[name].to_numpy(dtype=float)
        if (param.min is not None and values.min() < param.min) or (param.max is not None and values.max() > param.max):
            fail(f"posterior values of '{name}' leave the schema's bounds [{param.min}, {param.max}]")
    weights = frame["weight"].to_numpy(dtype=float)
    if not len(weights) or not np.all(np.isfinite(weights)) or weights.min() < 0 or weights.sum() <= 0:
        fail("posterior weights must be finite, non-negative and not all zero")
    return Posterior(path.resolve(), list(meta["parameters"]), frame)


def attach_posterior(plan, source: str | Path | None, seed: int, set_values: dict | None = None) -> None:
    """Give a planned batch's runs their posterior draws; ``plan.posterior`` is what its manifest records
    (None without a posterior). The runner checks it against the batch directory under its lock
    (``check_resume``). A ``--set`` of a posterior parameter is refused: the runs would use the set value while
    the tables recorded the draw."""
    plan.posterior = None
    if source is None:
        return
    posterior = load_posterior(source)
    clash = sorted(set(posterior.parameters) & set(_dotted(set_values or {})))
    if clash:
        raise ScenarioError(f"{clash[0]} is a parameter of the posterior {posterior.path}: it cannot also be set "
                            "with --set", file="<command line>", key_path="--set")
    plan.specs = with_draws(plan.specs, lambda r: posterior.draw(seed, r))
    replicates = sorted({spec.replicate for spec in plan.specs})
    plan.posterior = {"file": str(posterior.path), "digest": posterior.digest,
                      "parameters": posterior.parameters, "particles": len(posterior.weights),
                      "draws": {str(r): posterior.particle(seed, r) for r in replicates}}


def check_resume(before: dict | None, now: dict | None, resumed: bool) -> None:
    """A batch directory keeps the posterior it was started with: resuming with another one (or none) is an
    error (``before``: the manifest's posterior, ``now``: the plan's)."""
    if not resumed or (before or {}).get("digest") == (now or {}).get("digest"):
        return
    if now is None:
        raise ScenarioError(f"the batch in this directory used {OPTION} {before['file']}; resume it with "
                            "that posterior or choose another --out", file="<command line>", key_path=OPTION)
    raise ScenarioError("the batch in this directory was run " + ("without a posterior" if before is None else
                        f"with the posterior {before['file']}") + "; choose another --out",
                        file="<command line>", key_path=OPTION)


def _dotted(tree: dict, prefix: str = "") -> list[str]:
    """``{"a": {"b": 1}}`` -> ``["a.b"]``."""
    out = []
    for key, value in tree.items():
        name = f"{prefix}{key}"
        out.extend(_dotted(value, name + ".") if isinstance(value, dict) else [name])
    return out


def _failer(path: Path):
    def fail(message: str):
        raise ScenarioError(message, file=str(path), key_path=OPTION)

    return fail

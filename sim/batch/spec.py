"""What a batch runs: variants (scenario files and their sweep points) x replicates, with their seeds.

Common random numbers: replicate ``r`` gets the same seed in every variant, spawned from
``numpy.random.SeedSequence(S)``, so differences between variants are paired by replicate. Seeds of a
replicate do not depend on how many replicates are asked for, so a batch can be extended with more.
This module validates everything before anything runs; it does not import the model.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from sim import history
from sim.batch.sweep import parse_sweep, sweep_points
from sim.scenario import ScenarioError, dump_yaml, files, load_scenario
from sim.scenario.limits import MAX_RUNS
from sim.scenario.loader import Validator, deep_merge, read_chain

SEED_MASK = (1 << 63) - 1  # seeds stay non-negative int64 in the tables


@dataclass(frozen=True)
class Variant:
    """One scenario to run: a file, plus the overrides of its sweep point (none for a plain file)."""

    name: str
    file: str
    digest: str  # of the resolved parameters: a resumed batch must not mix two versions of a variant
    overrides: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    point: int | None = None
    region_digest: str = ""  # of the region file's contents (not its path)
    snapshot: str = ""  # DIR/snapshot/<snapshot>.json (a content digest): what the workers run


@dataclass(frozen=True)
class RunSpec:
    """One run, as plain data sent to a worker."""

    run_id: str
    variant: str
    replicate: int
    seed: int
    file: str
    overrides: dict
    params: dict
    point: int | None
    snapshot: str

    def as_dict(self) -> dict:
        return asdict(self)


def replicate_seeds(seed: int, reps: int) -> list[int]:
    """Seed of each replicate: child r of SeedSequence(seed), two 32-bit words joined into 63 bits."""
    out = []
    for child in np.random.SeedSequence(seed).spawn(reps):
        hi, lo = (int(x) for x in child.generate_state(2, dtype=np.uint32))
        out.append(((hi << 32) | lo) & SEED_MASK)
    return out


def safe_name(variant: str, limit: int = 60) -> str:
    """A file-system-safe form of a variant name; a short hash keeps altered or long names apart."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", variant).strip("._") or "variant"
    if slug == variant and len(slug) <= limit:
        return slug
    return f"{slug[:limit]}-{hashlib.sha1(variant.encode()).hexdigest()[:8]}"


def run_id(variant: str, replicate: int) -> str:
    return f"{safe_name(variant)}__r{replicate:03d}"


def expand_paths(items: list[str | Path]) -> list[Path]:
    """Scenario files from arguments that are files, directories (their *.yaml) or glob patterns."""
    out: list[Path] = []
    for item in map(str, items):
        path = Path(item)
        kind = files.problem(path)  # None for a file; never raises on a symlink loop or an over-long name
        if kind == "a directory":
            found = sorted(path.glob("*.yaml"))
        elif kind != "file not found" or not glob.has_magic(item):
            found = [path]  # a missing plain path is reported by the loader, with its name
        else:
            found = sorted(Path(p) for p in glob.glob(item, recursive=True))
        if not found:
            raise ScenarioError(f"no scenario files match {item}", file="<command line>")
        out += [p for p in found if p not in out]
    return out


def has_sweep(path: str | Path) -> bool:
    raw, _, _ = read_chain(Path(path))
    return "sweep" in raw


@dataclass(frozen=True)
class Snapshot:
    """A scenario file as the batch runs it: resolved parameters and the region file's contents."""

    name: str
    file: str
    data: dict
    sources: tuple
    region_bytes: bytes
    region_digest: str

    def record(self) -> dict:
        """DIR/snapshot/<key>.json (the region copy is regions/<digest>.yaml beside it)."""
        return {"name": self.name, "file": self.file, "data": self.data, "sources": [list(s) for s in self.sources],
                "region": f"regions/{self.region_digest}.yaml"}

    @property
    def key(self) -> str:
        """The snapshot's file name: a digest of its contents, so one name never means two scenarios."""
        text = json.dumps(self.record(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def snapshot_of(base) -> Snapshot:
    """The snapshot of a loaded scenario: its region file is read once more, its bytes kept and digested."""
    try:
        region_bytes = Path(base.region.path).read_bytes()
    except OSError as exc:
        raise ScenarioError(f"region file cannot be read: {exc.strerror}", file=base.region.path) from None
    digest = hashlib.sha256(region_bytes).hexdigest()[:16]
    return Snapshot(base.name, base.path, base.data, base.sources, region_bytes, digest)


def load_variants(path: str | Path, set_values: dict | None = None) -> tuple[list[Variant], str, str]:
    """Validate a scenario file, its sweep and every sweep point; return variants, base name, resolved text.

    ``set_values`` (``--set``) become part of every variant's overrides, so workers apply them too."""
    variants, name, text, _ = load_file(path, set_values)
    return variants, name, text


def load_file(path: str | Path, set_values: dict | None = None) -> tuple[list[Variant], str, str, Snapshot]:
    """``load_variants`` and the file's snapshot (what DIR/snapshot/ keeps of it)."""
    path = Path(path)
    base = load_scenario(path, set_values=set_values)  # the scenario without its sweep: all the usual checks
    if history.is_historical(base.params):
        history.historical_region(base)  # the 2015 overlay is read and checked before anything runs
    raw, marks, _ = read_chain(path)
    block = raw.get("sweep")
    text = dump_yaml(base.data if block is None else {**base.data, "sweep": block})
    file = str(files.resolve(path))  # workers may run in another folder (a Dask cluster)
    snap = snapshot_of(base)
    key = snap.key
    if block is None:
        return [Variant(base.name, file, _digest(base.data), dict(set_values or {}), region_digest=snap.region_digest,
                        snapshot=key)], base.name, text, snap
    validator = Validator(marks, str(path))
    sweep = parse_sweep(block, validator)
    variants = []
    for point in sweep_points(sweep, base.name):
        try:
            data = base.with_overrides(point.overrides).data
        except ScenarioError as exc:  # e.g. a year outside the horizon: point at the sweep, name the point
            validator.fail(("sweep",), f"point {point.name}: {exc.message}")
        overrides = deep_merge(set_values, point.overrides) if set_values else point.overrides
        variants.append(Variant(point.name, file, _digest(data), overrides, point.params, point.index,
                                snap.region_digest, key))
    return variants, base.name, text, snap


def load_all(items: list[str | Path], set_values: dict | None = None,
             snapshots: dict | None = None) -> tuple[list[Variant], dict[str, str]]:
    """Variants of every scenario argument, in order, and resolved texts by file name (``plan``, ``plan.sweep``).

    Variant names must be unique: they name the runs and the rows of the results. ``snapshots``, if given,
    receives each file's Snapshot by its key.
    """
    variants: list[Variant] = []
    texts: dict[str, str] = {}
    owner: dict[str, str] = {}
    for path in expand_paths(items):
        found, base_name, text, snap = load_file(path, set_values)
        for variant in found:
            if variant.name in owner:
                raise ScenarioError(f"variant name '{variant.name}' is used by {owner[variant.name]} too; "
                                    "give each scenario its own name", file=str(path), key_path="name")
            owner[variant.name] = str(path)
        key = safe_name(base_name) + (".sweep" if found[0].point is not None else "")
        key = key if key not in texts else safe_name(f"{key} {path}")
        texts[key] = text
        variants += found
        if snapshots is not None:
            snapshots[snap.key] = snap
    return variants, texts


def check_batch_size(variants: list[Variant], reps: int) -> None:
    """At most MAX_RUNS runs in one batch (variants x replicates)."""
    runs = len(variants) * reps
    if runs > MAX_RUNS:
        raise ScenarioError(f"{len(variants):,} variants x {reps:,} replicates = {runs:,} runs, above the limit of "
                            f"{MAX_RUNS:,} (MAX_RUNS)", file="<command line>", key_path="--reps")


def plan_runs(variants: list[Variant], seeds: list[int]) -> list[RunSpec]:
    """Every variant x replicate, replicate-major so that early results already pair up across variants."""
    return [RunSpec(run_id(v.name, r), v.name, r, seed, v.file, v.overrides, v.params, v.point, v.snapshot)
            for r, seed in enumerate(seeds) for v in variants]


def with_draws(specs: list[RunSpec], draw: Callable[[int], tuple[dict, dict]]) -> list[RunSpec]:
    """Replicate r of every variant gets ``draw(r)`` = (overrides, result columns), e.g. a posterior draw
    (``batch --posterior``), so parameter sets are paired across variants like the seeds; a sweep's own
    overrides and columns win over the draw's."""
    out = []
    for spec in specs:
        overrides, params = draw(spec.replicate)
        out.append(replace(spec, overrides=deep_merge(overrides, spec.overrides), params={**params, **spec.params}))
    return out


def _digest(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:16]

"""Sweeps: a ``sweep:`` block turns one scenario file into many variants, one per parameter point.

    sweep:
      method: grid                         # grid | lhs | sobol | morris
      grid:
        investment.projects_per_year: [90, 110, 130]
        clustering.localization_elasticity: [0.03, 0.06]

    sweep:
      method: lhs                          # sobol and morris take the same keys (+ levels for morris)
      n: 20
      seed: 1                              # of the sample, not of the runs (default 0)
      ranges:
        investment.projects_per_year: [80, 140]

A grid is the full product of its lists; lhs draws ``n`` points, sobol ``n * (2D + 2)`` (Saltelli, ``n`` a power
of 2) and morris ``n * (D + 1)`` (``n`` trajectories on ``levels`` levels), all through SALib. Each point is a
variant named from its values, e.g. ``plan[investment.projects_per_year=90,clustering.localization_elasticity=0.03]``.
Every problem is a ScenarioError located in the sweep block (file, line, key path).
"""

from __future__ import annotations

import difflib
import itertools
import math
from dataclasses import dataclass

from sim.scenario.limits import MAX_SEED, MAX_SWEEP_POINTS
from sim.scenario.loader import Validator
from sim.scenario.schema import SCHEMA
from sim.scenario.spec import Param

METHODS = ("grid", "lhs", "sobol", "morris")
SAMPLE_KEYS = ("n", "seed", "levels", "ranges")
NUMERIC_KINDS = ("float", "int", "year")
SIGNIFICANT = 6  # sampled values are rounded to this many digits (more if needed to keep them apart)


@dataclass(frozen=True)
class Point:
    """One sweep point: its variant name, the nested overrides and the values as result columns."""

    name: str
    index: int
    overrides: dict
    params: dict  # column name (path with "." -> "__") -> value


@dataclass(frozen=True)
class Sweep:
    """A validated sweep block."""

    method: str
    paths: tuple[str, ...]
    params: tuple[Param, ...]
    grid: tuple[tuple, ...] = ()       # grid: values per path
    ranges: tuple[tuple, ...] = ()     # samples: (lo, hi) per path
    n: int = 0
    seed: int = 0
    levels: int = 4


def column_name(path: str) -> str:
    """Result column of a swept parameter: its path with dots replaced (``investment__projects_per_year``)."""
    return path.replace(".", "__")


def numeric_paths(schema: dict = SCHEMA, prefix: str = "") -> dict[str, Param]:
    """Every parameter a sweep may vary: numeric Params, by dotted path."""
    out = {}
    for key, node in schema.items():
        if isinstance(node, dict):
            out.update(numeric_paths(node, f"{prefix}{key}."))
        elif isinstance(node, Param) and node.kind in NUMERIC_KINDS:
            out[f"{prefix}{key}"] = node
    return out


def parse_sweep(block, v: Validator) -> Sweep:
    """Validate a raw ``sweep:`` mapping (``v`` knows where each key was written)."""
    where = ("sweep",)
    if not isinstance(block, dict):
        v.fail(where, "must be a mapping with method and grid or ranges")
    method = block.get("method", "grid")
    if method not in METHODS:
        v.fail(where + ("method",), f"must be one of {', '.join(METHODS)}, got {method!r}")
    allowed = ("method", "grid") if method == "grid" else ("method", *SAMPLE_KEYS)
    for key in block:
        if key not in allowed:
            v.fail(where + (key,), f"unknown key '{key}' for method {method} (allowed: {', '.join(allowed)})")
    if method == "grid":
        return _parse_grid(block, v)
    return _parse_sample(block, method, v)


def _parameters(mapping, v: Validator, key_path: tuple) -> list[tuple[str, Param]]:
    if not isinstance(mapping, dict) or not mapping:
        v.fail(key_path, "must be a non-empty mapping of parameter paths (like investment.projects_per_year)")
    known = numeric_paths()
    out = []
    for path in mapping:
        if path not in known:
            close = difflib.get_close_matches(str(path), list(known), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            v.fail(key_path + (path,), f"'{path}' is not a numeric scenario parameter{hint}")
        out.append((path, known[path]))
    return out


def _parse_grid(block, v: Validator) -> Sweep:
    if "grid" not in block:
        v.fail(("sweep",), "method grid needs 'grid': parameter paths with lists of values")
    params = _parameters(block["grid"], v, ("sweep", "grid"))
    grid = []
    for path, param in params:
        key_path = ("sweep", "grid", path)
        values = block["grid"][path]
        if not isinstance(values, list) or not values:
            v.fail(key_path, "must be a non-empty list of values")
        grid.append(tuple(v.value(value, param, key_path + (i,)) for i, value in enumerate(values)))
    _check_size(math.prod(len(values) for values in grid), "the grid's lists", v, ("sweep", "grid"))
    return Sweep("grid", tuple(p for p, _ in params), tuple(q for _, q in params), grid=tuple(grid))


def _check_size(points: int, made_by: str, v: Validator, key_path: tuple) -> None:
    if points > MAX_SWEEP_POINTS:
        v.fail(key_path, f"the sweep has {points:,} points ({made_by}), above the limit of {MAX_SWEEP_POINTS:,} "
                         "(MAX_SWEEP_POINTS)")


def _parse_sample(block, method: str, v: Validator) -> Sweep:
    where = ("sweep",)
    for key in ("n", "ranges"):
        if key not in block:
            v.fail(where, f"method {method} needs '{key}'")
    n = v.value(block["n"], Param(1, "", "", "", kind="int", min=1, max=100_000), where + ("n",))
    if method == "sobol" and n & (n - 1):
        v.fail(where + ("n",), f"must be a power of 2 for sobol (Saltelli sampling), got {n}")
    seed = v.value(block.get("seed", 0), Param(0, "", "", "", kind="int", min=0, max=MAX_SEED), where + ("seed",))
    levels = v.value(block.get("levels", 4), Param(4, "", "", "", kind="int", min=2, max=100), where + ("levels",))
    if "levels" in block and method != "morris":
        v.fail(where + ("levels",), "only for method morris")
    params = _parameters(block["ranges"], v, where + ("ranges",))
    ranges = [_range(block["ranges"][path], param, v, where + ("ranges", path)) for path, param in params]
    dims = len(params)
    points = {"lhs": n, "sobol": n * (2 * dims + 2), "morris": n * (dims + 1)}[method]
    _check_size(points, {"lhs": "n", "sobol": "n x (2 x parameters + 2)", "morris": "n x (parameters + 1)"}[method],
                v, where + ("n",))
    return Sweep(method, tuple(p for p, _ in params), tuple(q for _, q in params), ranges=tuple(ranges), n=n,
                 seed=seed, levels=levels)


def _range(value, param: Param, v: Validator, key_path: tuple) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        v.fail(key_path, "must be a range [low, high]")
    bound = Param(0.0, "", "", "", min=param.min, max=param.max)
    lo, hi = (v.value(x, bound, key_path + (i,)) for i, x in enumerate(value))
    if not lo < hi:
        v.fail(key_path, f"low must be below high, got [{lo}, {hi}]")
    return lo, hi


def sweep_points(sweep: Sweep, base_name: str) -> list[Point]:
    """The variants of a sweep, in a fixed order (grid: product order; samples: SALib's row order)."""
    if sweep.method == "grid":  # the values as written: rounding could merge distinct points
        rows = itertools.product(*sweep.grid)
    else:
        rows = _rounded(_sample(sweep), sweep.params)
    points, seen = [], {}
    for index, values in enumerate(rows):
        name = f"{base_name}[{','.join(f'{p}={_show(x)}' for p, x in zip(sweep.paths, values))}]"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:  # morris trajectories can revisit a point; keep each run, named apart
            name = f"{name}#{seen[name]}"
        overrides: dict = {}
        for path, value in zip(sweep.paths, values):
            *sections, key = path.split(".")
            node = overrides
            for section in sections:
                node = node.setdefault(section, {})
            node[key] = value
        params = {column_name(p): x for p, x in zip(sweep.paths, values)}
        points.append(Point(name, index, overrides, params))
    return points


def _sample(sweep: Sweep):
    """Rows of a SALib sample over the sweep's ranges (imported here: only sample sweeps need SALib)."""
    problem = {"num_vars": len(sweep.paths), "names": list(sweep.paths), "bounds": [list(r) for r in sweep.ranges]}
    if sweep.method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, sweep.n, seed=sweep.seed)
    if sweep.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, sweep.n, calc_second_order=True, seed=sweep.seed)
    from SALib.sample import morris

    return morris.sample(problem, sweep.n, num_levels=sweep.levels, seed=sweep.seed)


def _rounded(sample, params: tuple[Param, ...]) -> list[list]:
    """Sampled rows as the parameters' types: whole numbers rounded; floats to SIGNIFICANT digits, or more where
    that would merge distinct sampled values of a parameter (a range narrower than 1e-6 of its value)."""
    columns = []
    for column, param in zip(zip(*sample), params):
        if param.kind in ("int", "year"):
            columns.append([int(round(float(x))) for x in column])
            continue
        distinct = len(set(column))
        for digits in range(SIGNIFICANT, 18):
            values = [float(f"{float(x):.{digits}g}") for x in column]
            if len(set(values)) == distinct:
                break
        columns.append(values)
    return [list(row) for row in zip(*columns)]


def _show(value) -> str:
    """A value in a point's name: the shortest form with at least SIGNIFICANT digits that reads back exactly."""
    if isinstance(value, int):
        return str(value)
    for digits in range(SIGNIFICANT, 18):
        text = f"{value:.{digits}g}"
        if float(text) == value:
            return text
    return repr(value)

"""Command line: ``xinhui-sim run|check|schema``. Thin: parses, calls the library, prints.

Bad input (any ScenarioError) prints one line naming file, line and key path and exits with status 2,
before anything is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.scenario import ScenarioError, load_scenario

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xinhui-sim", description="Xinhui 百千万工程 agent-based simulation")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one scenario with one seed and write its tables")
    run.add_argument("scenario", type=Path)
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--out", type=Path, required=True, help="output directory (replaced atomically)")
    run.add_argument("--scale", type=float, default=None, help="multiply firms, projects and park land")
    check = sub.add_parser("check", help="validate scenario files without running them")
    check.add_argument("scenarios", type=Path, nargs="+")
    sub.add_parser("schema", help="print every scenario key with default, unit and source (Markdown)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "check":
            return _check(args)
        if args.command == "schema":
            from sim.scenario.docs import schema_markdown

            print(schema_markdown())
            return 0
    except ScenarioError as exc:
        # one line, even when a key or value in the file holds a line break
        message = str(exc).replace("\r", "\\r").replace("\n", "\\n")
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 1


def _run(args) -> int:
    from sim.results import run_and_write

    if args.seed < 0:
        raise ScenarioError(f"--seed must be >= 0, got {args.seed}", file="<command line>")
    overrides = {"scale": args.scale} if args.scale is not None else None
    scenario = load_scenario(args.scenario, overrides)
    for path in (args.out, *args.out.parents):  # fail now, not after the run
        if path.exists() and not path.is_dir():
            raise ScenarioError(f"{path} exists and is not a directory", file="<command line>", key_path="--out")
    start = time.perf_counter()
    tables = run_and_write(scenario, args.seed, args.out)
    _print_summary(scenario.name, args.seed, tables, time.perf_counter() - start, args.out)
    return 0


def _check(args) -> int:
    for path in args.scenarios:
        scenario = load_scenario(path)
        print(f"ok: {path} ({scenario.name})")
    return 0


def _print_summary(name: str, seed: int, tables: dict, seconds: float, out: Path) -> None:
    district = tables["district"]
    years = district["year"]
    pick = [i for i, y in enumerate(years) if y in (years[0], 2025, 2027, years[-1])]
    print(f"{name} (seed {seed}): {len(years)} years in {seconds:.2f} s -> {out}")
    print(f"{'year':>6} {'GDP 亿元':>10} {'规上工业 亿元':>14} {'villages>1000万':>16}")
    for i in pick:
        print(f"{years[i]:>6} {district['gdp_100m_cny'][i]:>10.1f} "
              f"{district['industrial_output_above_scale_100m_cny'][i]:>14.1f} "
              f"{district['admin_villages_over_10m_cny'][i]:>16d}")
    targets = tables["targets"]
    met = [m for m in targets["met"] if m is not None]
    print(f"plan targets met: {sum(met)} of {len(met)} testable (see targets.parquet)")


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``xinhui-sim run|check|schema|batch|compare``. Thin: parses, calls the library, prints.

Bad input (any ScenarioError) prints one line naming file, line and key path and exits with status 2,
before anything is written.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
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
    _batch_parsers(sub)
    _validation_parsers(sub)
    _report_parser(sub)
    return parser


def _report_parser(sub) -> None:
    report = sub.add_parser("report", help="write DIR/report/report.html (self-contained) and PNG charts of a batch")
    report.add_argument("directory", type=Path)
    report.add_argument("--baseline", default=None, help="variant to compare against (default: plan if present, "
                        "else the first)")


def _validation_parsers(sub) -> None:
    validate = sub.add_parser("validate", help="run the validation ensembles and write DIR/validation.md")
    validate.add_argument("--reps", type=int, default=50, help="replicates per variant (default 50)")
    validate.add_argument("--firm-reps", type=int, default=None, help="replicates for firm-level checks "
                          "(default: min(reps, 20))")
    validate.add_argument("--seed", type=int, default=2023)
    validate.add_argument("--out", type=Path, default=Path("runs/validation"))
    validate.add_argument("--workers", type=int, default=None)
    sens = sub.add_parser("sensitivity", help="Morris or Sobol sensitivity analysis of key outputs")
    sens.add_argument("--method", choices=("morris", "sobol"), default="morris")
    sens.add_argument("--n", type=int, default=None, help="Morris trajectories (default 10) or Sobol base "
                      "sample, a power of 2 (default 64)")
    sens.add_argument("--reps", type=int, default=2, help="replicates per sweep point (default 2)")
    sens.add_argument("--seed", type=int, default=2023)
    sens.add_argument("--out", type=Path, default=Path("runs/sensitivity"))
    sens.add_argument("--workers", type=int, default=None)


def _batch_parsers(sub) -> None:
    batch = sub.add_parser("batch", help="run scenario variants (and sweeps) x replicates into one directory; "
                           "re-running the same command resumes")
    batch.add_argument("scenarios", nargs="+", help="scenario files, directories (their *.yaml) or globs")
    batch.add_argument("--reps", type=int, default=1, help="replicates per variant (default 1)")
    batch.add_argument("--seed", type=int, default=1, help="seed of the replicate seeds (default 1)")
    batch.add_argument("--out", type=Path, required=True, help="batch directory (new, empty, or one to resume)")
    batch.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    batch.add_argument("--executor", choices=("process", "dask"), default="process")
    batch.add_argument("--scheduler", default=None, help="address of a running Dask scheduler (tcp://HOST:PORT)")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar or progress lines")
    batch.add_argument("--run-timeout", type=float, default=600.0, metavar="SECONDS",
                       help="a run still going after this long is stopped and recorded as failed (default 600)")
    clean = sub.add_parser("clean", help="remove an earlier batch's own files from DIR (parts, snapshot, "
                           "batch.json, compare and report outputs); anything else in DIR stays")
    clean.add_argument("directory", type=Path)
    compare = sub.add_parser("compare", help="compare the variants of a batch on the headline indicators")
    compare.add_argument("directory", type=Path)
    compare.add_argument("--baseline", default=None, help="variant to compare against (default: the first)")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "check":
            return _check(args)
        if args.command == "batch":
            return _batch(args, argv)
        if args.command == "compare":
            return _compare(args)
        if args.command == "clean":
            return _clean(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "sensitivity":
            return _sensitivity(args)
        if args.command == "report":
            return _report(args)
        if args.command == "schema":
            from sim.scenario.docs import schema_markdown

            print(schema_markdown())
            return 0
    except ScenarioError as exc:
        # one line, even when a key or value in the file holds a line break
        message = str(exc).replace("\r", "\\r").replace("\n", "\\n")
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # e.g. the disk filled up or the output became read-only while writing
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: cannot write the outputs: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    return 1


def _run(args) -> int:
    from sim.results import check_run_out, run_and_write

    if args.seed < 0:
        raise ScenarioError(f"--seed must be >= 0, got {args.seed}", file="<command line>")
    overrides = {"scale": args.scale} if args.scale is not None else None
    scenario = load_scenario(args.scenario, overrides)
    from sim.batch.spec import has_sweep

    if has_sweep(args.scenario):
        print(f"note: {args.scenario} has a sweep; run ignores it (run the sweep with xinhui-sim batch)",
              file=sys.stderr)
    check_run_out(args.out)  # fail now, not after the run: a file in the way, user files, no write access
    start = time.perf_counter()
    tables = run_and_write(scenario, args.seed, args.out)
    _print_summary(scenario.name, args.seed, tables, time.perf_counter() - start, args.out)
    return 0


def _check(args) -> int:
    from sim.batch.spec import load_variants

    for path in args.scenarios:
        variants, name, _ = load_variants(path)  # a sweep file: the sweep and every point too
        points = f", sweep of {len(variants)} points" if variants[0].point is not None else ""
        print(f"ok: {path} ({name}{points})")
    return 0


def _batch(args, argv: list[str] | None) -> int:
    from sim.batch.runner import Interrupted, execute_plan, plan_batch

    if args.workers is not None and args.workers < 1:
        raise ScenarioError(f"--workers must be >= 1, got {args.workers}", file="<command line>",
                            key_path="--workers")
    if args.scheduler and args.executor != "dask":
        raise ScenarioError("--scheduler needs --executor dask", file="<command line>", key_path="--scheduler")
    if not 0 < args.run_timeout < float("inf"):
        raise ScenarioError(f"--run-timeout must be a positive number of seconds, got {args.run_timeout}",
                            file="<command line>", key_path="--run-timeout")
    command = ["xinhui-sim", *(sys.argv[1:] if argv is None else argv)]
    plan = plan_batch(args.scenarios, args.reps, args.seed, args.out, command)
    previous = _on_sigterm(_raise_interrupted(Interrupted))
    try:
        summary = execute_plan(plan, args.workers, args.executor, args.scheduler, progress=not args.no_progress,
                               run_timeout=args.run_timeout)
    except (KeyboardInterrupt, Interrupted) as stop:  # before the runs started: nothing to report but this
        name = getattr(stop, "signal_name", "SIGINT")
        return _interrupted(name, f"interrupted by {name} before the runs started; re-run the same command to resume")
    finally:
        _on_sigterm(previous)
    if summary.interrupted:
        return _interrupted(summary.interrupted, summary.line())
    print(summary.line())
    for run_id, error in summary.errors:
        print(f"failed: {run_id}: {error}")
    if summary.failed:
        print(f"{summary.failed} runs failed (see the runs table); re-run the same command to retry them")
    return 1 if summary.failed else 0


def _interrupted(signal_name: str, line: str) -> int:
    """``line`` on stderr; the exit status of a process stopped by that signal (130 for SIGINT, 143 SIGTERM)."""
    print(line, file=sys.stderr)
    return 128 + signal.Signals[signal_name].value


def _on_sigterm(handler):
    """Install a SIGTERM handler (main thread only); returns the previous one."""
    if threading.current_thread() is not threading.main_thread() or handler is None:
        return None
    return signal.signal(signal.SIGTERM, handler)


def _raise_interrupted(exception):
    def handler(signum, frame):
        raise exception(signal.Signals(signum).name)

    return handler


def _validate(args) -> int:
    from sim.validation.suite import validate

    if args.reps < 2:
        raise ScenarioError(f"--reps must be >= 2, got {args.reps}", file="<command line>", key_path="--reps")
    table = validate(args.out, reps=args.reps, seed=args.seed, workers=args.workers, firm_reps=args.firm_reps)
    failed = table[table.passed == False].id.tolist()  # noqa: E712 (None: reported only)
    print(f"{int((table.passed == True).sum())} of {len(table)} checks pass; failing: "  # noqa: E712
          f"{', '.join(failed) or 'none'}\nreport: {args.out / 'validation.md'}")
    return 0


def _sensitivity(args) -> int:
    from sim.validation.sensitivity import OUTPUTS, sensitivity

    if args.method == "sobol" and args.n is not None and args.n & (args.n - 1):
        raise ScenarioError(f"--n must be a power of 2 for sobol, got {args.n}", file="<command line>",
                            key_path="--n")
    table = sensitivity(args.out, args.method, args.n, args.reps, args.seed, args.workers)
    key = "mu_star" if args.method == "morris" else "ST"
    for output, label in OUTPUTS.items():
        top = table[table.output == output].head(5)
        print(f"{label}: " + ", ".join(f"{r.parameter} ({getattr(r, key):.3g})" for r in top.itertuples()))
    print(f"report: {args.out / 'sensitivity.md'}")
    return 0


def _report(args) -> int:
    from sim.report import write_report

    path = write_report(args.directory, args.baseline)
    _note_health(args.directory)
    pngs = sorted(path.parent.glob("*.png"))
    print(f"report: {path} ({len(pngs)} charts, also as PNG in {path.parent})")
    return 0


def _compare(args) -> int:
    from sim.batch.compare import SHOWN, compare, write_compare
    from sim.batch.tables import target_view, text

    indicators, targets = compare(args.directory, args.baseline)
    _note_health(args.directory)
    paths = write_compare(args.directory, indicators, targets)
    baseline = indicators.baseline.iloc[0] if len(indicators) else ""
    print(f"Headline indicators: mean and 90% interval across replicates; diff = paired difference to "
          f"{baseline} with 95% interval\n")
    print(text(indicators[SHOWN]))
    print("\nProbability of meeting each plan target (share of replicates)\n")
    print(text(target_view(targets)))
    print(f"\nwritten: {', '.join(str(p) for p in paths)}")
    return 0


def _clean(args) -> int:
    from sim.batch.store import clear_batch

    kept = clear_batch(args.directory)
    print(f"cleaned {args.directory}" + (f"; kept {len(kept)} files and folders that are not the batch's"
                                         if kept else ""))
    return 0


def _note_health(directory: Path) -> None:
    """One line on stderr naming the runs of a batch left out as damaged or missing (if any)."""
    from sim.batch import store

    note = store.health(directory).note() if store.is_batch_dir(directory) else ""
    if note:
        print(f"note: {note}", file=sys.stderr)


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

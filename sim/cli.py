"""Command line: ``xinhui-sim run|check|batch|compare|explain|explore|...``. Thin: parses, calls the library, prints.

Bad input (any ScenarioError) prints one line naming file, line and key path and exits with status 2,
before anything is written.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from sim.cli_args import OneLineParser, add_set_option, check_analysis_out, check_arguments, escape
from sim.scenario import ScenarioError, load_scenario

EXIT_BAD_INPUT = 2
MAX_RUN_TIMEOUT = 864000.0  # seconds; far below threading.TIMEOUT_MAX and the clock's range
_log = logging.getLogger("sim.cli")


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="xinhui-sim", description="Xinhui 百千万工程 agent-based simulation",
                           formatter_class=HelpFormatter, epilog=EXAMPLES["xinhui-sim"])
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    _verbosity(parser, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one scenario with one seed and write its tables")
    run.add_argument("scenario", type=Path)
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--out", type=Path, required=True, help="output directory (replaced atomically)")
    run.add_argument("--scale", type=float, default=None, help="multiply firms, projects and park land")
    add_set_option(run)
    check = sub.add_parser("check", help="validate scenario files without running them")
    check.add_argument("scenarios", type=Path, nargs="+")
    schema = sub.add_parser("schema", help="print every scenario key with default, unit and source (Markdown)")
    schema.add_argument("--json", action="store_true", help="print a JSON Schema of scenario files instead")
    _batch_parsers(sub)
    _validation_parsers(sub)
    _report_parser(sub)
    _explain_parser(sub)
    _explore_parser(sub)
    _calibrate_parser(sub)
    for name, command in sub.choices.items():  # every command: defaults in --help, examples, -v/-q
        command.formatter_class = HelpFormatter
        command.epilog = EXAMPLES.get(name)
        _verbosity(command, argparse.SUPPRESS)
        for action in command._actions:  # an option without help text still shows its default
            if action.help is None and action.option_strings and action.default not in (None, False):
                action.help = "(default: %(default)s)"
    return parser


def _explain_parser(sub) -> None:
    explain = sub.add_parser("explain", help="split each variant's growth into capital, labour and productivity, "
                             "and productivity into within, between, cross and net entry, and the district's fiscal share of "
                             "GDP by tax base; write DIR/explain.csv")
    explain.add_argument("directory", type=Path, help="a run directory (xinhui-sim run) or a batch directory")
    explain.add_argument("--baseline", default=None, help="variant the CSV's paired differences are to, listed "
                         "first (default: the first)")


def _explore_parser(sub) -> None:
    explore = sub.add_parser("explore", help="start the interactive explorer (Mesa SolaraViz) in the browser")
    explore.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    explore.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    explore.add_argument("--open", action="store_true", help="open a browser tab")


def _calibrate_parser(sub) -> None:
    cal = sub.add_parser("calibrate", help="ABC-SMC calibration of scenario parameters to observed figures "
                         "(docs/calibration.md)")
    cal.add_argument("config", type=Path, help="calibration file (e.g. calibration/xinhui.yaml)")
    cal.add_argument("--out", type=Path, required=True, help="output directory (new or empty)")
    cal.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    cal.add_argument("--executor", choices=("process", "dask"), default="process")
    cal.add_argument("--scheduler", default=None, help="address of a running Dask scheduler (tcp://HOST:PORT)")
    cal.add_argument("--budget", type=int, default=None, help="simulations of the sampler at most (default: "
                     "the config's method.budget)")
    cal.add_argument("--holdout-from", type=int, default=None, help="calibrate on targets before YEAR and "
                     "report the forecast of the others")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows each option's default (unless its help already states one, or it has none) and keeps the examples'
    line breaks."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS) or action.required:
            return text
        return super()._get_help_string(action)


EXAMPLES = {
    "xinhui-sim": "examples:\n  xinhui-sim run scenarios/plan.yaml --out runs/plan\n"
                  "  xinhui-sim batch scenarios/*.yaml --reps 8 --out runs/main\n"
                  "  xinhui-sim compare runs/main --baseline plan\n  xinhui-sim report runs/main\n"
                  "  xinhui-sim <command> --help   (options of one command)",
    "run": "example:\n  xinhui-sim run scenarios/plan.yaml --seed 3 --out runs/plan_s3",
    "check": "example:\n  xinhui-sim check scenarios/*.yaml",
    "schema": "examples:\n  xinhui-sim schema | less   (the key reference of docs/scenarios.md)\n"
              "  xinhui-sim schema --json > scenario.schema.json   (for an editor's completion and checks)",
    "batch": "examples:\n  xinhui-sim batch scenarios/*.yaml --reps 8 --out runs/main\n"
             "  xinhui-sim batch scenarios/plan.yaml --reps 20 --workers 2 --out runs/plan20   (run again to resume)",
    "compare": "examples:\n  xinhui-sim compare runs/main --baseline plan\n"
               "  xinhui-sim compare runs/main --full   (also print the full indicator and target tables)",
    "report": "examples:\n  xinhui-sim report runs/main\n  xinhui-sim report runs/main --lang en --baseline baseline",
    "explain": "example:\n  xinhui-sim explain runs/main --baseline plan   (also writes runs/main/explain.csv)",
    "explore": "example:\n  xinhui-sim explore --open   (then http://127.0.0.1:8765 in a browser)",
    "calibrate": "examples:\n  xinhui-sim calibrate calibration/quick.yaml --out runs/calib_quick\n"
                 "  xinhui-sim calibrate calibration/xinhui.yaml --out runs/calib --workers 2",
    "validate": "example:\n  xinhui-sim validate --reps 20 --out runs/validation",
    "sensitivity": "examples:\n  xinhui-sim sensitivity --method morris --n 10 --out runs/main/sensitivity\n"
                   "  xinhui-sim sensitivity --method sobol --n 256 --reps 2",
}


def _verbosity(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("-v", "--verbose", action="store_const", const=logging.DEBUG, dest="log_level",
                        default=default, help="more detail (debug log lines)")
    parser.add_argument("-q", "--quiet", action="store_const", const=logging.WARNING, dest="log_level",
                        default=default, help="only warnings, errors and the command's main result")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xinhui-sim")
    except PackageNotFoundError:
        return "unknown"


def _say(text: str) -> None:
    """A command's progress or confirmation line on stdout, unless ``-q``."""
    if _log.isEnabledFor(logging.INFO):
        print(text)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is logged (tests and notebooks swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


@contextlib.contextmanager
def _logging(level: int):
    """The package's progress and notes (INFO) on stderr as plain lines while a command runs; ``-q`` keeps
    warnings only, ``-v`` adds debug lines. Only the ``sim`` loggers are configured, and restored afterwards
    (``main`` is also called in-process); other libraries (fontTools, dask) keep their own."""
    logger = logging.getLogger("sim")
    handler, before = _StderrHandler(), logger.level
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


def _report_parser(sub) -> None:
    report = sub.add_parser("report", help="write DIR/report/report.html (self-contained) and PNG charts of a batch")
    report.add_argument("directory", type=Path)
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the page")
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
    sens.add_argument("--method", choices=("morris", "sobol", "given-data"), default=None,
                      help="default: given-data with a posterior --ranges-from (its joint draws), else morris")
    sens.add_argument("--n", type=int, default=None, help="Morris trajectories (default 10), Sobol base "
                      "sample, a power of 2 (default 64), or given-data runs over a posterior (default 128, at "
                      "least 10)")
    sens.add_argument("--reps", type=int, default=2, help="replicates per sweep point (default 2)")
    sens.add_argument("--seed", type=int, default=2023)
    sens.add_argument("--out", type=Path, default=Path("runs/sensitivity"))
    sens.add_argument("--workers", type=int, default=None)
    sens.add_argument("--parameters", default=None, help="comma-separated parameter paths to analyse (default: "
                      "all of the built-in list, or of --ranges-from)")
    sens.add_argument("--ranges-from", default=None, help="a calibration file (its priors) or a calibration's "
                      "posterior (directory or posterior.parquet: its 90%% intervals) to take the ranges from")


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
    batch.add_argument("--posterior", default=None, help="calibration directory or posterior.parquet: replicate r "
                       "of every variant uses posterior draw r (parameter uncertainty, paired across variants)")
    add_set_option(batch)
    batch.add_argument("--run-timeout", type=float, default=600.0, metavar="SECONDS",
                       help="a run still going after this long is stopped and recorded as failed (default 600)")
    clean = sub.add_parser("clean", help="remove an earlier batch's own files from DIR (parts, snapshot, "
                           "batch.json, compare and report outputs); anything else in DIR stays")
    clean.add_argument("directory", type=Path)
    compare = sub.add_parser("compare", help="compare the variants of a batch on the headline indicators")
    compare.add_argument("directory", type=Path)
    compare.add_argument("--baseline", default=None, help="variant to compare against (default: the first)")
    compare.add_argument("--full", action="store_true", help="also print the full indicator and target tables "
                         "(they are always written to compare.md and the CSVs)")


def main(argv: list[str] | None = None) -> int:
    _printable_streams()
    parser = _parser()
    if not (sys.argv[1:] if argv is None else argv):  # a bare `xinhui-sim`: the commands, not one error line
        try:
            print(parser.format_help())
        except BrokenPipeError:
            _silence_stdout()
        return EXIT_BAD_INPUT
    args = parser.parse_args(argv)
    with _logging(getattr(args, "log_level", logging.INFO)):
        try:
            return _dispatch(args, argv)
        except KeyboardInterrupt as stop:  # Ctrl-C (or SIGTERM in run) anywhere: one line, no traceback
            name = getattr(stop, "signal_name", "SIGINT")
            return _interrupted(name, escape(str(stop)) or f"interrupted by {name} ({args.command})")


def _dispatch(args, argv: list[str] | None) -> int:
    try:
        check_arguments(args)
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
        if args.command == "explain":
            return _explain(args)
        if args.command == "explore":
            return _explore(args)
        if args.command == "calibrate":
            return _calibrate(args, argv)
        if args.command == "schema":
            from sim.scenario.docs import schema_json, schema_markdown

            print(schema_json() if args.json else schema_markdown())
            return 0
    except ScenarioError as exc:
        # one line, even when a key or value in the file holds a line break
        print(f"error: {escape(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `xinhui-sim schema | head`: the reader has all it wanted; say nothing
        _silence_stdout()
        return 128 + signal.SIGPIPE.value
    except OSError as exc:  # e.g. the disk filled up or the output became read-only while writing
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: cannot write the outputs: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    return 1


def _printable_streams() -> None:
    """A terminal or pipe that cannot encode 亿元 (``PYTHONIOENCODING=ascii``, a Latin-1 console) gets escapes
    instead of a UnicodeEncodeError traceback after the outputs were written."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, io.UnsupportedOperation):  # not a text stream of its own (tests)
            pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush into the closed pipe stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):  # stdout replaced (tests, notebooks)
        pass


class Stopped(KeyboardInterrupt):
    """SIGTERM while ``run`` works: unwinds like Ctrl-C, so a half-built output is removed."""

    def __init__(self, signal_name: str):
        super().__init__(f"interrupted by {signal_name}; --out was left as it was")
        self.signal_name = signal_name


def _explore(args) -> int:
    from sim.explore import serve

    if not 0 < args.port < 65536:
        raise ScenarioError(f"--port must be 1-65535, got {args.port}", file="<command line>", key_path="--port")
    _check_address(args.host, args.port)
    serve(args.host, args.port, args.open)  # replaces this process with the server
    return 0


def _check_address(host: str, port: int) -> None:
    """Bind ``host:port`` once before the server starts: an unknown host, an address of another machine or a
    port in use is one line here, not the server's log after "explorer: http://..." was printed."""
    import socket

    try:
        # the server binds a name IPv4 unless it is an IPv6 literal (uvicorn's rule): probe that family
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        family, kind, _, _, address = socket.getaddrinfo(host, port, family=family, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
            probe.bind(address)
    except (OSError, UnicodeError) as exc:
        key = "--port" if getattr(exc, "errno", None) in (errno.EADDRINUSE, errno.EACCES) else "--host"
        raise ScenarioError(f"cannot serve on {host}:{port}: {getattr(exc, 'strerror', None) or exc}",
                            file="<command line>", key_path=key) from None


def _run(args) -> int:
    from sim.results import check_run_out, run_and_write

    if args.seed < 0:
        raise ScenarioError(f"--seed must be >= 0, got {args.seed}", file="<command line>")
    overrides = {"scale": args.scale} if args.scale is not None else None
    scenario = load_scenario(args.scenario, overrides, args.set_values)
    from sim.batch.spec import has_sweep

    if has_sweep(args.scenario):
        print(f"note: {args.scenario} has a sweep; run ignores it (run the sweep with xinhui-sim batch)",
              file=sys.stderr)
    check_run_out(args.out)  # fail now, not after the run: a file in the way, user files, no write access
    start = time.perf_counter()
    previous = _on_sigterm(_raise_interrupted(Stopped))
    try:
        tables = run_and_write(scenario, args.seed, args.out)
    except KeyboardInterrupt as stop:
        raise Stopped(getattr(stop, "signal_name", "SIGINT")) from None
    finally:
        _on_sigterm(previous)
    _print_summary(scenario.name, args.seed, tables, time.perf_counter() - start, args.out)
    return 0


def _check(args) -> int:
    from sim.batch.spec import load_variants

    for path in args.scenarios:
        variants, name, _ = load_variants(path)  # a sweep file: the sweep and every point too
        points = f", sweep of {len(variants)} points" if variants[0].point is not None else ""
        _say(f"ok: {path} ({name}{points})")
    return 0


def _batch(args, argv: list[str] | None) -> int:
    from sim.batch.runner import Interrupted, execute_plan, plan_batch
    from sim.calibration.posterior import attach_posterior

    _check_workers(args)
    if not 0 < args.run_timeout <= MAX_RUN_TIMEOUT:
        raise ScenarioError(f"--run-timeout must be a positive number of seconds up to {MAX_RUN_TIMEOUT:g} (ten "
                            f"days), got {args.run_timeout}",
                            file="<command line>", key_path="--run-timeout")
    command = ["xinhui-sim", *(sys.argv[1:] if argv is None else argv)]
    plan = plan_batch(args.scenarios, args.reps, args.seed, args.out, command, set_values=args.set_values)
    attach_posterior(plan, args.posterior, args.seed, args.set_values)
    progress = not args.no_progress and _log.isEnabledFor(logging.INFO)
    previous = _on_sigterm(_raise_interrupted(Interrupted))
    try:
        summary = execute_plan(plan, args.workers, args.executor, args.scheduler, progress=progress,
                               run_timeout=args.run_timeout)
    except (KeyboardInterrupt, Interrupted) as stop:  # before the runs started: nothing to report but this
        name = getattr(stop, "signal_name", "SIGINT")
        return _interrupted(name, f"interrupted by {name} before the runs started; re-run the same command to resume")
    finally:
        _on_sigterm(previous)
    if summary.interrupted:
        return _interrupted(summary.interrupted, summary.line())
    (print if summary.failed else _say)(summary.line())
    for run_id, error in summary.errors:
        print(f"failed: {run_id}: {error}")
    if summary.failed:
        print(f"{summary.failed} runs failed (see the runs table); re-run the same command to retry them")
    return 1 if summary.failed else 0


def _calibrate(args, argv: list[str] | None) -> int:
    from sim.calibration.run import calibrate, prepare

    _check_workers(args)
    config = prepare(args.config, args.out, args.budget, args.holdout_from)
    quiet = not _log.isEnabledFor(logging.INFO)  # -q: only the closing line (or every line of a failure)
    stream = io.StringIO() if quiet else None
    result = calibrate(config, args.out, args.workers, args.executor, args.scheduler,
                       ["xinhui-sim", *(sys.argv[1:] if argv is None else argv)], log=stream)
    if quiet:
        lines = stream.getvalue().splitlines()
        print("\n".join(lines[-1:] if result.generations else lines), file=sys.stderr)
    return 0 if result.generations else 1


def _check_workers(args) -> None:
    if args.workers is not None and args.workers < 1:
        raise ScenarioError(f"--workers must be >= 1, got {args.workers}", file="<command line>",
                            key_path="--workers")
    if args.scheduler and args.executor != "dask":
        raise ScenarioError("--scheduler needs --executor dask", file="<command line>", key_path="--scheduler")


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
    check_analysis_out("validate", args.out)
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
    names = [p.strip() for p in args.parameters.split(",") if p.strip()] if args.parameters else None
    if args.ranges_from is not None and args.n is not None:  # the source's parameter count sets the design size
        from sim.cli_args import check_sensitivity_size
        from sim.validation.sensitivity import choose_ranges

        check_sensitivity_size(args, len(choose_ranges(names, args.ranges_from)[0]))
    check_analysis_out("sensitivity", args.out)
    table = sensitivity(args.out, args.method, args.n, args.reps, args.seed, args.workers,
                        parameters=names, ranges_from=args.ranges_from)
    key = {"morris": "mu_star", "sobol": "ST"}.get(args.method, "S1")
    for output, label in OUTPUTS.items():
        top = table[table.output == output].head(5)
        print(f"{label}: " + ", ".join(f"{r.parameter} ({getattr(r, key):.3g})" for r in top.itertuples()))
    print(f"report: {args.out / 'sensitivity.md'}")
    return 0


def _report(args) -> int:
    from sim.report import write_report

    path = write_report(args.directory, args.baseline, lang=args.lang)
    _note_health(args.directory)
    charts = sorted(path.parent.glob("*.svg"))
    _say(f"report: {path} ({len(charts)} charts, also as SVG and 200 dpi PNG in {path.parent})")
    return 0


def _explain(args) -> int:
    from sim.accounting.explain import explain, explain_text, write_explain

    table = explain(args.directory, args.baseline)
    _note_health(args.directory)  # the damaged or missing runs left out, as compare and report say
    from sim.accounting.explain import CHANNELS_FILE, FILE, PARTICIPATION_FILE, integration_report
    from sim.accounting.explain_headline import headline_text

    channels = integration_report(args.directory, args.baseline)
    headline = headline_text(channels[0], channels[0].attrs["baseline"]) if channels else ""
    if headline:  # the answer first: each variant's difference with its interval and its largest channels
        print(headline + "\n")
    print(explain_text(table))
    files = [(table, FILE)]
    if channels:
        print(channels[1])
        files += [(channels[0], CHANNELS_FILE)] + ([(channels[2], PARTICIPATION_FILE)] if channels[2] is not None else [])
    for frame, name in files:  # after the answer: a read-only batch still gets it, then the error
        print(f"written: {write_explain(args.directory, frame, name)}")
    return 0


def _compare(args) -> int:
    from sim.batch import summary as executive
    from sim.batch.compare import SHOWN, compare, write_compare
    from sim.batch.tables import target_view, text
    from sim.plotting import region_names

    indicators, targets = compare(args.directory, args.baseline)
    _note_health(args.directory)
    unwritten: list[OSError] = []  # a batch on a read-only share or a full disk: the answer still comes
    paths = _written(lambda: write_compare(args.directory, indicators, targets), unwritten) or []
    baseline = indicators.baseline.iloc[0] if len(indicators) else ""
    if args.full:
        print(f"Headline indicators: mean and 90% interval across replicates; diff = paired difference to "
              f"{baseline} with 95% interval\n")
        print(text(indicators[SHOWN]))
        print("\nProbability of meeting each plan target (share of replicates)\n")
        print(text(target_view(targets)) + "\n")
    order = list(dict.fromkeys(indicators.variant)) if len(indicators) else None
    summary = executive.summary_of_batch(args.directory, baseline, order)
    names = region_names()
    if not unwritten:
        paths.append(_written(lambda: executive.write_summary(args.directory, summary, names), unwritten))
    print(executive.console(summary, names))
    print(executive.uncertainty_note(args.directory))
    report = args.directory / "report" / "report.html"
    print(f"\nP(met) moves in steps of 1/{summary.replicates}. Full tables: "
          f"{', '.join(str(p) for p in paths if p) or 'not written (below)'}{'' if args.full else ' (or --full)'}"
          + (f"; report: {report}" if report.is_file() else ""))
    if unwritten:
        exc = unwritten[0]
        print(f"error: the comparison above is complete, but its files were not written: {exc.strerror or exc}"
              + (f": {exc.filename}" if exc.filename else ""), file=sys.stderr)
        return 1
    return 0


def _written(write, errors: list[OSError]):
    """What ``write()`` returns, or None with its OSError added to ``errors`` (the disk full or read-only)."""
    try:
        return write()
    except BrokenPipeError:
        raise
    except OSError as exc:
        errors.append(exc)
        return None


def _clean(args) -> int:
    from sim.batch.store import clear_batch

    kept = clear_batch(args.directory)
    _say(f"cleaned {args.directory}" + (f"; kept {len(kept)} files and folders that are not the batch's"
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

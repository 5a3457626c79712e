"""Command-line arguments checked before anything runs or is written, and ``--set KEY=VALUE`` parsed.

Every refusal is one ScenarioError line located at ``<command line>`` (or ``--set``) that names the option and
the limit (``sim.scenario.limits``); argparse's own errors (a missing value, ``--reps abc``) become one line too.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from sim.scenario import SET_SOURCE, ScenarioError, limits
from sim.scenario.yamlmarks import parse_text, short

CLI = "<command line>"
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one ``error: <command line>: ...`` line with exit status 2."""

    def error(self, message: str):
        print(f"error: {CLI}: {escape(message)}", file=sys.stderr)
        sys.exit(2)


def escape(text: str) -> str:
    """Control characters, line breaks and lone surrogates as escapes, so a message is one safe terminal line."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: repr(m.group())[1:-1], text)


def add_set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="set one scenario key (repeatable), e.g. --set investment.projects_per_year=130; "
                             "the value is read as YAML and checked like the file")


def check_arguments(args: argparse.Namespace) -> None:
    """Bounds of the numeric options of every command (those it has); raise ScenarioError."""
    min_reps = 2 if args.command == "validate" else 1
    _bounded(args, "seed", 0, limits.MAX_SEED)
    _bounded(args, "reps", min_reps, limits.MAX_REPS)
    _bounded(args, "firm_reps", 1, limits.MAX_REPS)
    remote = getattr(args, "scheduler", None)
    _bounded(args, "workers", 1, None if remote else limits.cores(),
             "" if remote else " (the cores of this machine; give --scheduler for a cluster)")
    if args.command == "sensitivity":
        resolve_sensitivity_method(args)
    if args.command == "sensitivity" and args.n is not None:
        check_sensitivity_size(args)
    args.set_values = parse_sets(args.set) if getattr(args, "set", None) else None


def _bounded(args, name: str, low: int, high: int | None, why: str = "") -> None:
    value = getattr(args, name, None)
    option = "--" + name.replace("_", "-")
    if value is None:
        return
    if value < low:
        raise ScenarioError(f"{option} must be >= {low}, got {value}", file=CLI, key_path=option)
    if high is not None and value > high:
        raise ScenarioError(f"{option} must be <= {high}{why}, got {value}", file=CLI, key_path=option)


def resolve_sensitivity_method(args) -> None:
    """No --method: given-data over a posterior (its joint draws keep the correlations), Morris otherwise."""
    from sim.validation.sensitivity import GIVEN_DATA, is_posterior

    if args.method is None:
        args.method = GIVEN_DATA if is_posterior(args.ranges_from) else "morris"


def check_sensitivity_size(args, dims: int | None = None) -> None:
    """``dims``: the number of parameters analysed (default: the built-in list, or the --parameters given)."""
    from sim.validation.sensitivity import PARAMETERS

    if args.n < 2:
        raise ScenarioError(f"--n must be >= 2, got {args.n}", file=CLI, key_path="--n")
    if args.method == "given-data":
        from sim.validation.given_data import MIN_BIN

        if args.n < 2 * MIN_BIN:  # two bins of MIN_BIN runs at least, or no index can be estimated
            raise ScenarioError(f"--n must be >= {2 * MIN_BIN} for the given-data method, got {args.n}",
                                file=CLI, key_path="--n")
    chosen = [p for p in (getattr(args, "parameters", None) or "").split(",") if p.strip()]
    dims = dims or len(chosen) or len(PARAMETERS)
    points = {"morris": args.n * (dims + 1), "sobol": args.n * (2 * dims + 2)}.get(args.method, args.n)
    if points > limits.MAX_SWEEP_POINTS:
        raise ScenarioError(f"--n {args.n} gives {points:,} sweep points, above the limit of "
                            f"{limits.MAX_SWEEP_POINTS:,} (MAX_SWEEP_POINTS)", file=CLI, key_path="--n")
    if points * args.reps > limits.MAX_RUNS:
        raise ScenarioError(f"--n {args.n} x --reps {args.reps} gives {points * args.reps:,} runs, above the "
                            f"limit of {limits.MAX_RUNS:,} (MAX_RUNS)", file=CLI, key_path="--reps")


def parse_sets(items: list[str]) -> dict:
    """``["investment.projects_per_year=130", ...]`` as nested overrides; each value is read as YAML."""
    out: dict = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not _KEY.match(key):
            raise ScenarioError(f"expected KEY=VALUE with a dotted key like investment.projects_per_year, got "
                                f"{short(item)!r}", file=SET_SOURCE)
        if key.count(".") >= limits.MAX_NESTING_DEPTH:  # 2,000 levels were a RecursionError traceback
            raise ScenarioError(f"the key is nested deeper than {limits.MAX_NESTING_DEPTH} levels "
                                "(MAX_NESTING_DEPTH)", file=SET_SOURCE, key_path=short(key))
        value = _value(key, text)
        *sections, last = key.split(".")
        node = out
        for i, section in enumerate(sections):
            node = node.setdefault(section, {})
            if not isinstance(node, dict):
                raise ScenarioError("set twice (as a value and as a section)", file=SET_SOURCE,
                                    key_path=".".join(sections[:i + 1]))
        if last in node:
            raise ScenarioError("set twice", file=SET_SOURCE, key_path=key)
        node[last] = value
    return out


def _value(key: str, text: str):
    """The YAML value of one ``--set``; its errors name ``--set`` and the key."""
    if "\n" in text or "\r" in text:
        raise ScenarioError("the value must be one line", file=SET_SOURCE, key_path=key)
    if not text.strip():
        return ""
    try:
        value, _, _ = parse_text(text, SET_SOURCE)
    except ScenarioError as exc:
        sub = exc.key_path or ""
        raise ScenarioError(exc.message, file=SET_SOURCE,
                            key_path=key + ("" if not sub else sub if sub.startswith("[") else "." + sub)) from None
    if key == "region" and isinstance(value, str):
        # a region given on the command line is relative to the current folder, wherever the workers run
        value = str(Path(value).absolute())
    return value


# what ``validate`` and ``sensitivity`` write into their --out (sim/validation/suite.py, report.py, sensitivity.py)
ANALYSIS_FILES = {
    "validate": frozenset({"scenarios", "ensemble", "figures", "validation.md", "checks.csv", "checks.json"}),
    "sensitivity": frozenset({"scenarios", "ensemble", "sensitivity.csv", "sensitivity.md"}),
}


def check_analysis_out(command: str, out: Path) -> None:
    """Refuse, before anything is written, an --out of ``validate`` or ``sensitivity`` that is protected (the
    current, home or root directory), not writable, or holds anything but an earlier output of the command:
    they write fixed names (validation.md, scenarios/, ...) that would overwrite a user's own files. Their
    ensemble folder must be new, empty or an earlier batch (``batch``'s own rule, checked here rather than
    after the scenario files were written)."""
    from sim.batch import store
    from sim.outputs import check_out

    out = Path(out)
    check_out(out)
    foreign = sorted(p.name for p in out.iterdir() if p.name not in ANALYSIS_FILES[command]) if out.is_dir() else []
    if foreign:
        raise ScenarioError(f"{out} holds files that are not an earlier {command} output ({short(foreign[0])}"
                            f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''}); they are left as they "
                            "are: choose another --out", file=CLI, key_path="--out")
    ensemble = out / "ensemble"
    if ensemble.is_dir() and any(ensemble.iterdir()) and not store.is_batch_dir(ensemble):
        raise ScenarioError(f"{ensemble} is not empty and holds no batch; choose another --out", file=CLI,
                            key_path="--out")
    if ensemble.exists() and not ensemble.is_dir():
        raise ScenarioError(f"{ensemble} exists and is not a directory; choose another --out", file=CLI,
                            key_path="--out")

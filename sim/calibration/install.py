"""Install a finished calibration as the shipped posterior, and summarise it and its hold-out test.

``python -m sim.calibration.install FULL_DIR HOLDOUT_DIR DEST`` (scripts/calibrate.sh): copies
FULL_DIR/posterior.parquet to DEST/xinhui.parquet (what the main job's ``batch --posterior`` reads) and the two
reports to DEST/xinhui.md and DEST/xinhui_holdout.md, each written under a temporary name and renamed, so a
reader never sees half a file; then prints what a planner asks first: time and simulations, coverage of the
targets, what was tried for the missed ones, identified parameters, and the hold-out forecast of 2023 GDP with its width and the coverage of the
50% and 90% intervals of every held-out figure.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pandas as pd

POSTERIOR = "xinhui.parquet"
FORECAST = "gdp_2023"  # the held-out figure of the acceptance test (issue 14)


def install(full: Path, holdout: Path | None, dest: Path) -> None:
    """Copy the posterior and the reports into ``dest`` (atomically, file by file)."""
    for path in (full / "posterior.parquet", full / "calibration.md"):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: not a finished calibration")
    dest.mkdir(parents=True, exist_ok=True)
    copies = {full / "posterior.parquet": dest / POSTERIOR, full / "calibration.md": dest / "xinhui.md"}
    if holdout is not None and (holdout / "calibration.md").is_file():
        copies[holdout / "calibration.md"] = dest / "xinhui_holdout.md"
    for source, target in copies.items():
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


def summary_lines(full: Path, holdout: Path | None) -> list[str]:
    """A few lines on the full calibration and its hold-out test."""
    lines = [_run_line("full", full)]
    pred = pd.read_parquet(full / "predictive.parquet")
    lines.append(_coverage_line("fitted targets", pred[pred.role == "fitted"]))
    misfit = pred[pred.role == "unreachable"]
    if len(misfit):
        lines.append("  unreachable from the priors (reported as misfits): " + ", ".join(misfit.target))
    lines += tried_lines(full)
    post = pd.read_parquet(full / "posterior_summary.parquet")
    for level in ("yes", "partly"):
        names = post.parameter[post.identified == level]
        lines.append(f"  identified {level}: " + (", ".join(names) if len(names) else "none"))
    if holdout is not None and (holdout / "predictive.parquet").is_file():
        lines.append(_run_line("hold-out", holdout))
        held = pd.read_parquet(holdout / "predictive.parquet")
        lines.append(_coverage_line("held-out figures", held[held.role == "heldout"]))
        for row in held[(held.role == "heldout") & (held.target == FORECAST)].itertuples():
            inside = "contains" if row.q05 <= row.observed <= row.q95 else "MISSES"
            lines.append(f"  forecast of {row.target}: median {row.q50:.4g}, 90% interval {row.q05:.4g} - "
                         f"{row.q95:.4g} (width {row.q95 - row.q05:.4g}), {inside} the observed {row.observed:.6g}")
    return lines


def tried_lines(out: Path) -> list[str]:
    """One line per missed target: its verdict from ``tried.parquet`` (sim/calibration/tried.py), if written."""
    path = out / "tried.parquet"
    if not path.is_file():
        return []
    return [f"  outside the 90% interval: {r.target} ({r.year}): observed {r.observed:.4g}, median "
            f"{r.posterior_q50:.4g}; wider prior: {r.verdict}" for r in pd.read_parquet(path).itertuples()]


def _run_line(label: str, out: Path) -> str:
    manifest = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    gens = pd.read_parquet(out / "generations.parquet")
    last = gens.iloc[-1]
    return (f"{label}: {manifest['simulations']} + {manifest['predictive_simulations']} simulations in "
            f"{manifest['seconds']:.0f} s, {len(gens)} generations, final epsilon {last.epsilon:.3g}, ESS "
            f"{last.ess:.0f} of {int(last.particles)}; {manifest['stopped']}")


def _coverage_line(label: str, part: pd.DataFrame) -> str:
    return (f"  {label}: {int(part.inside_90.sum())} of {len(part)} observed values inside the 90% interval, "
            f"{int(part.inside_50.sum())} inside the 50%")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m sim.calibration.install FULL_DIR HOLDOUT_DIR DEST", file=sys.stderr)
        return 2
    full, holdout, dest = (Path(a) for a in argv)
    try:
        install(full, holdout, dest)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(full, holdout)))
    print(f"installed: {dest / POSTERIOR} (the main job's posterior) and the reports beside it")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The validation report: ``DIR/validation.md`` with the checks table, the disparity table and figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.batch.tables import markdown  # noqa: E402 (a pipe table without tabulate)
from sim.validation.suite import NEW_PARK_TOWN, NEW_PARK_YEAR  # noqa: E402


def _fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        return "n/a" if not np.isfinite(x) else f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def _cell(text) -> str:
    return str(text).replace("|", "\\|")


def checks_markdown(table: pd.DataFrame) -> str:
    lines = ["| check | what | target | source | simulated mean [5%, 95%] | result |", "|---|---|---|---|---|---|"]
    for row in table.itertuples():
        result = "reported" if row.passed is None or (isinstance(row.passed, float) and np.isnan(row.passed)) \
            else ("**pass**" if row.passed else "**FAIL**")
        note = f" ({row.note})" if row.note else ""
        lines.append(f"| {row.id} | {_cell(row.what)}{_cell(note)} | {_cell(row.target)} | {_cell(row.source)} | "
                     f"{_fmt(row.value)} [{_fmt(row.low)}, {_fmt(row.high)}] | {result} |")
    return "\n".join(lines)


def _band(ax, frame: pd.DataFrame, label: str) -> None:
    years = frame.columns.to_numpy()
    ax.plot(years, frame.mean(), label=f"{label} (mean)")
    ax.fill_between(years, frame.quantile(0.05), frame.quantile(0.95), alpha=0.25, label="5-95% of replicates")


def park_figure(results, path: Path) -> None:
    towns = results.towns
    a = towns[(towns.variant == "v_new_park") & (towns.town == NEW_PARK_TOWN)]
    b = towns[(towns.variant == "v_baseline") & (towns.town == NEW_PARK_TOWN)]
    effect = (a.set_index(["replicate", "year"]).industrial_output_100m_cny
              / b.set_index(["replicate", "year"]).industrial_output_100m_cny - 1).unstack("year")
    fig, ax = plt.subplots(figsize=(7, 4))
    _band(ax, effect, "new park")
    ax.axhspan(0.10, 0.20, color="green", alpha=0.1, label="target 10-20% after 5-10 years")
    ax.axvline(NEW_PARK_YEAR, color="grey", linestyle=":", label="park opens")
    ax.set(title=f"Park effect: industrial output of {NEW_PARK_TOWN}, new park vs none",
           xlabel="year", ylabel="relative difference (share)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def pairing_figure(results, path: Path) -> None:
    v = results.villages
    key = ["replicate", "year", "village"]
    paired = v[v.variant == "v_village_pairing"].set_index(key)
    none = v[v.variant == "v_no_pairing"].set_index(key).collective_operating_income_10k_cny
    effect = ((paired.collective_operating_income_10k_cny - none) / none)[paired.is_paired]
    frame = effect.groupby(["replicate", "year"]).mean().unstack("year")
    fig, ax = plt.subplots(figsize=(7, 4))
    _band(ax, frame, "paired villages")
    ax.axvspan(2023 + 3, 2023 + 5, color="green", alpha=0.1, label="expected onset: 3-5 years after 2023")
    ax.set(title="Pairing: income gain of paired villages (village pairing vs none)", xlabel="year",
           ylabel="relative gain in operating income (share)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def participation_figure(gain: pd.DataFrame, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 4))
    for town in gain.columns:
        ax.plot(gain.index, gain[town], marker="o", linewidth=1, label=town)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(title="Town fiscal revenue under unified attraction vs fragmented, by revenue share",
           xlabel="revenue share (share of a handed-on firm's tax paid to the town that drew it)", ylabel="relative gain in fiscal revenue (share)")
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def hazard_figure(firm: pd.DataFrame, path: Path) -> None:
    hazard = pd.DataFrame(list(firm.hazard_by_age)).T
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(hazard.index, hazard.mean(axis=1), marker="o", label="simulated (mean of replicates)")
    ax.plot(range(0, 3), [0.016, 0.063, 0.095], marker="s", linestyle="--", label="SAIC 2013, years 1-3")
    ax.set(title="Exit hazard by firm age", xlabel="completed age (years)", ylabel="yearly exit probability")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(out: Path, table: pd.DataFrame, extras: dict, reps: int, seed: int, firm_reps: int) -> Path:
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    park_figure(extras["results"], figures / "park_effect.png")
    pairing_figure(extras["results"], figures / "pairing_effect.png")
    participation_figure(extras["participation"], figures / "participation.png")
    hazard_figure(extras["firm"], figures / "hazard_by_age.png")
    passed = int((table.passed == True).sum())  # noqa: E712 (None means reported)
    failed = table[table.passed == False].id.tolist()  # noqa: E712
    firm = extras["firm"]
    disparity = extras["disparity"]
    disparity.columns = [f"{a} {'mean' if b == 'mean' else ('p05' if b == '<lambda_0>' else 'p95')}"
                         for a, b in disparity.columns]
    text = f"""# Validation report

Made {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')} by `xinhui-sim validate`: {reps} replicates per
variant (master seed {seed}); firm-level checks on {firm_reps} replicates of `plan` (pipeline: `baseline`).
Target ranges come from `docs/sources/literature.md` §6 and the base-year data; none is loosened to pass.

**{passed} of {len(table)} checks pass.** Failing: {', '.join(failed) if failed else 'none'}.

{checks_markdown(table)}

Closures alone (without firms falling below 2000万): {_fmt(firm.above_scale_closure_rate.mean())} a year.

## Disparity: Theil T of town GDP per head, last year, by variant

{markdown(disparity.round(4).reset_index())}

## Figures

![park effect](figures/park_effect.png)
![pairing effect](figures/pairing_effect.png)
![participation](figures/participation.png)
![hazard](figures/hazard_by_age.png)
"""
    path = out / "validation.md"
    path.write_text(text, encoding="utf-8")
    table.to_csv(out / "checks.csv", index=False)
    return path



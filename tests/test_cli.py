"""End to end through the real CLI: ``run`` writes the tables and manifest, ``schema`` prints the keys."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from sim import results
from sim.region import load_region

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
PLAN = SCENARIOS / "plan.yaml"
TABLES = ("district", "zones", "towns", "villages", "clusters", "parks", "targets", "growth_accounting", "budgets")
YEARS = list(range(2023, 2034))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.fixture(scope="module")
def plan_run(tmp_path_factory):
    parent = tmp_path_factory.mktemp("cli")
    out = parent / "plan_seed1"
    proc = cli("run", "scenarios/plan.yaml", "--seed", "1", "--out", str(out))
    return proc, out


@pytest.fixture(scope="module")
def loaded(plan_run):
    proc, out = plan_run
    assert proc.returncode == 0, proc.stderr
    return results.load(out)


def test_run_exits_0_and_writes_every_table_and_the_manifest(plan_run):
    proc, out = plan_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith("plan (seed 1): 11 years in ")
    assert "plan targets met:" in proc.stdout
    expected = {"manifest.json", *(f"{name}.parquet" for name in TABLES)}
    assert {p.name for p in out.iterdir()} == expected
    for path in out.iterdir():
        assert path.stat().st_size > 0, path
    assert [p.name for p in out.parent.iterdir()] == [out.name], "staging directory left next to --out"


def test_load_returns_dataframes(loaded):
    for name in TABLES:
        frame = getattr(loaded, name)
        assert isinstance(frame, pd.DataFrame), name
        assert len(frame) > 0, name
    assert isinstance(loaded.manifest, dict)


def test_district_covers_exactly_the_horizon(loaded):
    assert loaded.district["year"].tolist() == YEARS
    assert loaded.district["gdp_100m_cny"].gt(0).all()


def test_villages_one_row_per_village_and_year(loaded):
    villages = loaded.villages
    assert {"village", "town", "is_community", "collective_operating_income_10k_cny"} <= set(villages.columns)
    assert sorted(villages["year"].unique().tolist()) == YEARS
    counts = villages.groupby("year").size()
    assert (counts == 236).all(), counts.to_dict()
    region = load_region(SCENARIOS / "regions" / "xinhui.yaml")
    assert sum(t.communities + t.villages for t in region.towns) == 236
    for _, year in villages.groupby("year"):
        assert year["village"].is_unique
        assert set(year["village"]) == set(region.village_ids)
    assert set(villages["town"]) == set(region.town_ids)
    assert villages["is_community"].dtype == bool
    assert villages["collective_operating_income_10k_cny"].dtype.kind == "f"
    assert villages["collective_operating_income_10k_cny"].notna().all()
    first = villages[villages.year == 2023]
    assert first["is_community"].sum() == sum(t.communities for t in region.towns)


def test_manifest_records_seed_scenario_and_versions(plan_run, loaded):
    _, out = plan_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == loaded.manifest
    assert manifest["seed"] == 1
    resolved = manifest["resolved_scenario"]
    assert resolved["name"] == "plan"
    assert resolved["investment"]["projects_per_year"] == 110  # set by plan.yaml
    assert resolved["firms"]["entry_rate_per_year"] == 0.065  # schema default, via baseline.yaml
    assert resolved["horizon"] == {"first_year": 2023, "last_year": 2033, "steps_per_year": 4, "start": "base_year"}
    versions = manifest["versions"]
    assert versions["mesa"] == metadata.version("mesa")
    assert versions["mesa"] != "not installed"
    assert versions["python"].count(".") == 2
    files = [Path(entry["file"]).name for entry in manifest["scenario_texts"]]
    assert files == ["baseline.yaml", "plan.yaml"]


def test_run_replaces_an_earlier_runs_output(tmp_path):
    out = tmp_path / "out"
    assert cli("run", str(SCENARIOS / "baseline.yaml"), "--seed", "1", "--out", str(out)).returncode == 0
    proc = cli("run", str(SCENARIOS / "baseline.yaml"), "--seed", "2", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert (out / "manifest.json").exists()
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_schema_prints_a_markdown_table_with_every_key():
    proc = cli("schema")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert table[0].startswith("| key |")
    assert set(table[1].replace("|", "")) <= {"-", " ", ":"}
    row = [line for line in table if line.startswith("| `investment.projects_per_year` |")]
    assert len(row) == 1
    assert "`75.0`" in row[0] and "projects/yr" in row[0]
    columns = table[0].count("|")
    assert all(line.count("|") >= columns for line in table)
    for key in ("horizon.last_year", "clustering.renewal_mu_per_year", "pairing.pairs[].start_year"):
        assert any(line.startswith(f"| `{key}` |") for line in table), key


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "xinhui-sim"
    if not script.exists():
        pytest.skip("xinhui-sim console script not installed next to this interpreter")
    proc = subprocess.run([str(script), "check", str(PLAN)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"ok: {PLAN} (plan)"


def test_version_help_defaults_examples_and_quiet():
    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"xinhui-sim {metadata.version('xinhui-sim')}"
    batch = cli("batch", "--help").stdout
    assert "(default 1)" in batch and "(default: process)" in batch and "examples:" in batch
    assert "xinhui-sim batch scenarios/*.yaml --reps 8 --out runs/main" in batch
    validate = cli("validate", "--help").stdout
    assert "(default: 2023)" in validate and "(default: runs/validation)" in validate
    assert "--lang {zh,en}" in cli("report", "--help").stdout and "(default: zh)" in cli("report", "--help").stdout
    assert "-q, --quiet" in cli("check", "--help").stdout
    assert cli("-q", "check", str(PLAN)).stdout == "" and cli("check", str(PLAN), "-q").stdout == ""
    assert cli("check", str(PLAN)).stdout.strip() == f"ok: {PLAN} (plan)"

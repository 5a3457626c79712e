"""Batches: variants x replicates with common random numbers, executors, crash-safe resume, bad input.

The acceptance batch (plan, no_pairing, fragmented; 8 replicates, seed 7) runs once through the real CLI
with two worker processes; the Dask, failure and SIGKILL tests run small batches of their own. Sweeps:
tests/test_batch_sweeps.py (which uses the helpers here).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest

from sim import cli, results
from sim.batch import spec, store
from sim.batch.progress import Progress
from sim.batch.runner import run_batch

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
REGION = SCENARIOS / "regions" / "xinhui.yaml"
VARIANTS = ("plan", "no_pairing", "fragmented")
YEARS = 11  # 2023-2033


def run_cli(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


def batch_args(out: Path, *extra: str, variants=VARIANTS, reps: int = 8, seed: int = 7) -> list[str]:
    files = [str(SCENARIOS / f"{v}.yaml") for v in variants]
    return ["batch", *files, "--reps", str(reps), "--seed", str(seed), "--out", str(out), *extra]


def write(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def sweep_file(tmp_path: Path, name: str, sweep: str, extends: str = "baseline.yaml") -> Path:
    head = f"extends: {SCENARIOS / extends}\nregion: {REGION}\nname: {name}\n"
    return write(tmp_path / f"{name}.yaml", head + textwrap.dedent(sweep).lstrip("\n"))


def sort_keys(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in ("run_id", "year", "zone", "town", "village", "sector", "park", "target", "part") if c in frame]
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.fixture(scope="module")
def acceptance(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "accept"
    proc = run_cli(*batch_args(out, "--workers", "2"))
    assert proc.returncode == 0, proc.stderr
    return out, proc


# --- seeds, names ---------------------------------------------------------------------------------------

def test_replicate_seeds_are_spawned_stable_and_int64_safe():
    seeds = spec.replicate_seeds(7, 8)
    assert seeds == spec.replicate_seeds(7, 8)
    assert spec.replicate_seeds(7, 3) == seeds[:3], "a replicate's seed must not depend on how many are asked for"
    assert len(set(seeds)) == 8 and all(0 <= s < 2 ** 63 for s in seeds)
    state = np.random.SeedSequence(7).spawn(8)[5].generate_state(2, dtype=np.uint32)
    assert seeds[5] == ((int(state[0]) << 32) | int(state[1])) & (2 ** 63 - 1)
    assert spec.replicate_seeds(8, 2) != seeds[:2]


def test_run_ids_are_file_system_safe_and_distinct():
    names = ["plan", "plan[investment.projects_per_year=90,clustering.localization_elasticity=0.03]",
             "plan[investment.projects_per_year=90,clustering.localization_elasticity=0.06]", "规划 a/b", "x" * 200]
    ids = [spec.run_id(n, 3) for n in names]
    assert ids[0] == "plan__r003"
    assert len(set(ids)) == len(ids)
    for run_id in ids:
        assert run_id.endswith("__r003") and len(run_id) < 100
        assert all(c.isalnum() or c in "._-" for c in run_id), run_id


# --- the acceptance batch ----------------------------------------------------------------------------------

def test_acceptance_batch_has_24_ok_runs_with_common_seeds(acceptance):
    out, proc = acceptance
    assert proc.stdout.startswith("24 runs: 24 ok, 0 failed, 0 already done")
    r = results.load(out)
    assert len(r.runs) == 24 and set(r.runs.status) == {"ok"}
    assert set(r.runs.variant) == set(VARIANTS) and set(r.runs.error) == {""}
    for column in ("variant", "replicate", "seed", "year", "gdp_100m_cny"):
        assert column in r.district, column
    assert len(r.district) == 24 * YEARS
    assert not r.district.duplicated(["variant", "replicate", "year"]).any()
    seeds = r.district.groupby("replicate").seed.unique()
    assert all(len(s) == 1 for s in seeds), "replicate r must have one seed in every variant"
    assert [int(s[0]) for s in seeds.sort_index()] == spec.replicate_seeds(7, 8)
    for name in results.TABLES:
        frame = getattr(r, name)
        assert {"variant", "replicate", "seed", "run_id"} <= set(frame.columns), name
        assert frame.run_id.nunique() == 24, name


def test_a_batch_run_equals_the_single_run_with_its_seed(acceptance):
    out, _ = acceptance
    seed = spec.replicate_seeds(7, 8)[2]
    single = pd.DataFrame(results.run_tables(spec.load_scenario(SCENARIOS / "fragmented.yaml"), seed)["district"])
    district = results.load(out).district
    batch = district[district.run_id == "fragmented__r002"].drop(columns=["variant", "replicate", "seed", "run_id"])
    pd.testing.assert_frame_equal(batch.reset_index(drop=True), single, check_dtype=False)


def test_batch_directory_layout_and_manifest(acceptance):
    out, _ = acceptance
    manifest = store.read_manifest(out)
    assert manifest["seed"] == 7
    assert [v["name"] for v in manifest["variants"]] == list(VARIANTS)
    assert manifest["replicate_seeds"] == {str(r): s for r, s in enumerate(spec.replicate_seeds(7, 8))}
    assert manifest["commands"][0]["argv"][:2] == ["xinhui-sim", "batch"]
    assert "dask" in manifest["versions"] and "mesa" in manifest["versions"]
    assert {p.name for p in (out / "scenarios").iterdir()} == {f"{v}.yaml" for v in VARIANTS}
    for table in (*results.TABLES, "runs"):
        assert len(store.part_ids(out, table)) == 24, table
    assert not list(out.rglob("*.tmp")), "temporary files left behind"


def test_lazy_load_and_dataset_read_without_loading_everything(acceptance):
    out, _ = acceptance
    lazy = results.load(out, lazy=True)
    assert isinstance(lazy.district, ds.Dataset)
    assert lazy.villages.count_rows(filter=ds.field("year") == 2033) == 24 * 236
    gdp = lazy.district.to_table(columns=["variant", "gdp_100m_cny"], filter=ds.field("year") == 2027)
    assert gdp.num_rows == 24 and gdp.num_columns == 2
    assert results.dataset(out, "runs").count_rows() == 24


def test_rerunning_the_same_command_skips_every_finished_run(acceptance):
    out, _ = acceptance
    before = {p: p.stat().st_mtime_ns for p in (out / "parts").rglob("*.parquet")}
    proc = run_cli(*batch_args(out, "--workers", "2"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("24 runs: 0 ok, 0 failed, 24 already done")
    assert {p: p.stat().st_mtime_ns for p in (out / "parts").rglob("*.parquet")} == before
    assert len(store.read_manifest(out)["commands"]) == 2


# --- executors ---------------------------------------------------------------------------------------------

def test_dask_local_cluster_gives_identical_tables(acceptance, tmp_path):
    out, _ = acceptance
    dask_out = tmp_path / "dask"
    proc = run_cli(*batch_args(dask_out, "--executor", "dask", "--workers", "2", variants=("plan", "fragmented"),
                               reps=2))
    assert proc.returncode == 0, proc.stderr
    assert "dask (LocalCluster on 127.0.0.1)" in proc.stdout
    process, dask = results.load(out), results.load(dask_out)
    for name in results.TABLES:
        a, b = getattr(process, name), getattr(dask, name)
        a = a[a.run_id.isin(set(b.run_id))]
        pd.testing.assert_frame_equal(sort_keys(a), sort_keys(b), obj=name)


def test_dask_with_an_existing_scheduler(acceptance, tmp_path):
    from dask.distributed import LocalCluster

    out, _ = acceptance
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:  # None would still take port 8787
        summary = run_batch([SCENARIOS / "no_pairing.yaml"], 1, 7, tmp_path / "remote", executor="dask",
                            scheduler=cluster.scheduler_address, progress=False)
    assert (summary.ok, summary.failed) == (1, 0)
    assert cluster.scheduler_address in summary.executor
    a = results.load(out).district.query("run_id == 'no_pairing__r000'")
    pd.testing.assert_frame_equal(sort_keys(a), sort_keys(results.load(tmp_path / "remote").district))


# --- failures and crashes ----------------------------------------------------------------------------------

def broken_variant(tmp_path: Path) -> Path:
    """A plan variant whose region has ten times the industrial output: the model's build raises."""
    text = REGION.read_text(encoding="utf-8")
    assert "  industrial_output_2022_100m_cny: 1615\n" in text
    region = write(tmp_path / "regions" / "broken.yaml",
                   text.replace("  industrial_output_2022_100m_cny: 1615\n", "  industrial_output_2022_100m_cny: 16150\n"))
    return write(tmp_path / "broken.yaml", f"extends: {SCENARIOS / 'plan.yaml'}\nname: broken\nregion: {region}\n")


def test_a_variant_that_raises_is_recorded_as_failed_and_the_others_finish(tmp_path):
    broken, out = broken_variant(tmp_path), tmp_path / "out"
    summary = run_batch([SCENARIOS / "plan.yaml", broken], 2, 3, out, workers=2, progress=False)
    assert (summary.ok, summary.failed) == (2, 2)
    runs = results.load(out).runs.set_index("run_id")
    assert list(runs.loc[["broken__r000", "broken__r001"], "status"]) == ["failed", "failed"]
    assert runs.loc["broken__r000", "error"].startswith("ValueError: region data: industrial value added exceeds")
    assert (runs.loc[["plan__r000", "plan__r001"], "status"] == "ok").all()
    assert set(results.load(out).district.variant) == {"plan"}
    assert not store.part_ids(out, "district") & {"broken__r000", "broken__r001"}
    # the CLI reports the failures and exits 1; re-running retries only the failed runs
    proc = run_cli("batch", str(SCENARIOS / "plan.yaml"), str(broken), "--reps", "2", "--seed", "3", "--out", str(out))
    assert proc.returncode == 1
    assert proc.stdout.startswith("4 runs: 0 ok, 2 failed, 2 already done")
    assert "failed: broken__r000: ValueError" in proc.stdout
    assert len(results.load(out).runs) == 4


def count_parts(folder: Path) -> int:
    return sum(1 for n in os.listdir(folder) if n.endswith(".parquet")) if folder.is_dir() else 0


def test_a_batch_killed_halfway_resumes_with_every_run_exactly_once(tmp_path):
    out = tmp_path / "killed"
    args = batch_args(out, "--workers", "2", variants=("plan", "fragmented"), reps=10, seed=5)
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", *args], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count_parts(out / "parts" / "runs") < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent, the forkserver and the workers, mid-run
    proc.wait()
    recorded = count_parts(out / "parts" / "runs")
    assert 3 <= recorded < 20, "the kill should land halfway"
    resumed = run_cli(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{20 - recorded} ok, 0 failed, {recorded} already done" in resumed.stdout
    r = results.load(out)
    assert sorted(r.runs.run_id) == sorted(spec.run_id(v, i) for v in ("plan", "fragmented") for i in range(10))
    assert set(r.runs.status) == {"ok"}
    assert len(r.district) == 20 * YEARS
    assert not r.district.duplicated(["run_id", "year"]).any()
    assert not r.villages.duplicated(["run_id", "year", "village"]).any()
    for table in results.TABLES:
        assert len(store.part_ids(out, table)) == 20
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def _die_on_r2(spec: dict, out: str) -> dict:
    """Stands in for ``execute_run``: the worker process of run r2 dies without a word."""
    if spec["run_id"] == "r2":
        os._exit(1)
    return {"run_id": spec["run_id"], "status": "ok"}


def test_a_worker_process_that_dies_fails_only_its_own_run_and_the_batch_goes_on(monkeypatch):
    from sim.batch import executors

    monkeypatch.setattr(executors, "execute_run", _die_on_r2)  # workers import it from this module
    specs = [{"run_id": f"r{i}", "variant": "v", "replicate": i, "seed": i, "file": "f", "overrides": {},
              "params": {}, "point": None} for i in range(30)]
    statuses = list(executors.ProcessExecutor(2).statuses(specs, "unused"))
    assert sorted(s["run_id"] for s in statuses) == sorted(f"r{i}" for i in range(30)), "every run reported once"
    failed = {s["run_id"]: s["error"] for s in statuses if s["status"] == "failed"}
    assert list(failed) == ["r2"], "only the dead worker's own run fails, not the others in flight"
    assert failed["r2"] == "worker lost: its process died (exit status 1)"


# --- arguments, progress ---------------------------------------------------------------------------------

def test_directories_and_globs_expand_to_scenario_files(tmp_path):
    assert spec.expand_paths([SCENARIOS]) == sorted(SCENARIOS.glob("*.yaml"))
    assert spec.expand_paths([str(SCENARIOS / "p*.yaml")]) == [SCENARIOS / "plan.yaml"]
    variants, _ = spec.load_all([SCENARIOS / "plan.yaml", str(SCENARIOS / "*pairing.yaml")])
    assert [v.name for v in variants] == ["plan", "no_pairing", "strong_pairing"]


def test_plain_progress_lines_when_not_a_terminal(tmp_path):
    stream = (tmp_path / "log").open("w")
    bar = Progress(40, stream=stream, pause=0)
    for i in range(40):
        bar.update({"status": "failed" if i == 3 else "ok"})
    bar.close()
    stream.close()
    lines = (tmp_path / "log").read_text().splitlines()
    assert 15 <= len(lines) <= 21
    assert lines[0].startswith("2/40 runs, 0 failed, ETA ")
    assert lines[-1].startswith("40/40 runs, 1 failed, done")


# --- bad input: one line, exit 2, nothing written -------------------------------------------------------------

def main_fails(capsys, *argv: str) -> str:
    assert cli.main(list(argv)) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert captured.out == ""
    return lines[0]


@pytest.mark.parametrize(("extra", "fragment"), [
    (("--reps", "0"), "[--reps] --reps must be >= 1"),
    (("--seed", "-1"), "[--seed] --seed must be >= 0"),
    (("--workers", "0"), "[--workers] --workers must be >= 1"),
    (("--scheduler", "tcp://127.0.0.1:1"), "[--scheduler] --scheduler needs --executor dask"),
])
def test_bad_batch_arguments(tmp_path, capsys, extra, fragment):
    out = tmp_path / "out"
    line = main_fails(capsys, "batch", str(SCENARIOS / "plan.yaml"), "--out", str(out), *extra)
    assert fragment in line
    assert not out.exists()


def test_bad_batch_targets(tmp_path, capsys):
    plan = str(SCENARIOS / "plan.yaml")
    afile = write(tmp_path / "file", "x")
    assert "exists and is not a directory" in main_fails(capsys, "batch", plan, "--out", str(afile / "sub"))
    single = tmp_path / "single"
    write(single / "district.parquet", "x")
    assert "holds no batch" in main_fails(capsys, "batch", plan, "--out", str(single))
    assert "no scenario files match" in main_fails(capsys, "batch", str(tmp_path / "*.yml"), "--out", str(tmp_path / "o"))
    assert "file not found" in main_fails(capsys, "batch", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o"))
    same_name = write(tmp_path / "copy.yaml", f"extends: {SCENARIOS / 'plan.yaml'}\nregion: {REGION}\nname: plan\n")
    assert "variant name 'plan' is used by" in main_fails(capsys, "batch", plan, str(same_name), "--out",
                                                          str(tmp_path / "o"))
    assert not (tmp_path / "o").exists()


def test_resuming_with_another_seed_or_changed_variant_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    head = f"extends: {SCENARIOS / 'baseline.yaml'}\nregion: {REGION}\nname: v\n"
    variant = write(tmp_path / "v.yaml", head + "investment: {projects_per_year: 80}\n")
    assert run_batch([variant], 1, 1, out, workers=1, progress=False).ok == 1
    before = sorted(p.name for p in out.rglob("*"))
    assert "[--seed]" in main_fails(capsys, "batch", str(variant), "--seed", "2", "--out", str(out))
    write(variant, head + "investment: {projects_per_year: 81}\n")
    assert "run with other parameters" in main_fails(capsys, "batch", str(variant), "--seed", "1", "--out", str(out))
    assert sorted(p.name for p in out.rglob("*")) == before

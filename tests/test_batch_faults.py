"""Batches under faults: killed parents, workers and Dask workers, SIGTERM and Ctrl-C, timeouts, damaged parts,
edits during a batch, a held lock, a damaged batch.json.

Each fault is followed by a re-run of the same command: every run exactly once, tables identical to an
uninterrupted batch, and no process of the killed batch left. The batches are small (a 5-year horizon, a
dozen runs) so that the file runs in well under two minutes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from sim import cli, results
from sim.batch import executors, spec, store
from sim.batch.runner import execute_plan, plan_batch, run_batch
from tests.faulty import leaves_a_half_written_part, slow_on_r1
from tests.test_batch import REGION, ROOT, SCENARIOS, count_parts, main_fails, sort_keys, write

RUNS = 12  # 2 variants x 6 replicates


def short_variant(folder: Path, name: str, extra: str = "", region: Path = REGION) -> Path:
    """A plan variant over 2023-2027 (a fifth of the usual work per run)."""
    return write(folder / f"{name}.yaml", f"extends: {SCENARIOS / 'plan.yaml'}\nregion: {region}\nname: {name}\n"
                 f"horizon: {{last_year: 2027}}\n{extra}")


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("variants")
    return [short_variant(folder, "short_plan"), short_variant(folder, "short_low", "investment: {projects_per_year: 60}\n")]


def args_for(files: list[Path], out: Path, *extra: str, reps: int = 6) -> list[str]:
    return ["batch", *map(str, files), "--reps", str(reps), "--seed", "11", "--out", str(out), "--workers", "2",
            "--no-progress", *extra]


@pytest.fixture(scope="module")
def reference(variants, tmp_path_factory) -> results.Results:
    """The same batch, uninterrupted."""
    out = tmp_path_factory.mktemp("reference") / "batch"
    summary = run_batch(variants, 6, 11, out, workers=2, progress=False)
    assert (summary.ok, summary.failed) == (RUNS, 0)
    return results.load(out)


def assert_complete_and_identical(out: Path, reference: results.Results) -> None:
    loaded = results.load(out)
    assert sorted(loaded.runs.run_id) == sorted(reference.runs.run_id), "every run exactly once"
    assert set(loaded.runs.status) == {"ok"} and loaded.problems == ""
    for name in results.TABLES:
        pd.testing.assert_frame_equal(sort_keys(getattr(loaded, name)), sort_keys(getattr(reference, name)), obj=name)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def start(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim.cli", *argv], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_runs(proc: subprocess.Popen, out: Path, count: int) -> list[psutil.Process]:
    """Wait until ``count`` runs are recorded; return the batch's processes (its children) at that moment."""
    deadline = time.monotonic() + 120
    while count_parts(out / "parts" / "runs") < count and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the batch ended before the fault"
    return psutil.Process(proc.pid).children(recursive=True)


def assert_gone(processes: list[psutil.Process], seconds: float = 15) -> None:
    """No process of the killed batch is left (zombies waiting for their reaper count as gone)."""
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"processes left after the batch: {[(p.pid, p.cmdline()[:3]) for p in alive]}"


def resume(files: list[Path], out: Path, reference) -> None:
    """The same batch again, in this process and on the process pool (it saves an interpreter and a cluster
    start; the tables do not depend on the executor)."""
    recorded = count_parts(out / "parts" / "runs")
    summary = run_batch(files, 6, 11, out, workers=2, progress=False)
    assert summary.planned == RUNS and summary.ok + summary.skipped == RUNS and summary.ok >= RUNS - recorded
    assert_complete_and_identical(out, reference)


@pytest.mark.parametrize(("fault", "executor"), [("SIGKILL", "process"), ("SIGTERM", "process"),
                                                 ("SIGINT", "process"), ("SIGKILL", "dask"),
                                                 ("SIGINT", "dask")])
def test_a_stopped_batch_leaves_no_process_and_resumes_exactly_once(variants, reference, tmp_path, fault, executor):
    out = tmp_path / "batch"
    argv = args_for(variants, out, "--executor", executor)
    proc = start(argv)
    children = wait_for_runs(proc, out, 3)
    assert children, "the batch runs its workers in child processes"
    if fault == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C at a terminal reaches the whole process group
    else:
        os.kill(proc.pid, getattr(signal, fault))  # the parent only: its workers must not outlive it
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode in (-signal.SIGKILL, 128 + signal.SIGTERM, 128 + signal.SIGINT)
    if fault != "SIGKILL":
        assert proc.returncode == 128 + getattr(signal, fault)
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"interrupted by {fault}: "), stderr
        assert "re-run the same command to resume" in lines[0]
    assert_gone(children)
    assert 3 <= count_parts(out / "parts" / "runs") < RUNS
    resume(variants, out, reference)


def test_a_killed_worker_process_fails_only_its_run_and_a_re_run_completes(variants, reference, tmp_path):
    out = tmp_path / "batch"
    argv = args_for(variants, out)
    proc = start(argv)
    children = wait_for_runs(proc, out, 2)
    forkserver = [p for p in psutil.Process(proc.pid).children() if "forkserver" in " ".join(p.cmdline())]
    workers = forkserver[0].children()  # forked by the forkserver, they show its command line
    assert len(workers) == 2, [p.cmdline() for p in children]
    workers[0].kill()
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1)
    failed = [line for line in stdout.splitlines() if line.startswith("failed: ")]
    assert len(failed) <= 1, "one dead worker fails at most its own run"
    assert all("worker lost: its process died (killed by SIGKILL)" in line for line in failed)
    resume(variants, out, reference)


def test_a_killed_dask_worker_loses_no_run(variants, reference, tmp_path):
    out = tmp_path / "batch"
    argv = args_for(variants, out, "--executor", "dask")
    proc = start(argv)
    children = wait_for_runs(proc, out, 2)
    workers = [p for p in children if "resource_tracker" not in " ".join(p.cmdline())]
    workers[-1].kill()
    stdout, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 0, stderr
    assert_complete_and_identical(out, reference)
    assert_gone(children)


def test_a_run_over_its_time_limit_is_failed_and_its_worker_replaced(monkeypatch):
    monkeypatch.setattr(executors, "execute_run", slow_on_r1)
    specs = [{"run_id": f"r{i}", "variant": "v", "replicate": i, "seed": i, "file": "f", "overrides": {},
              "params": {}, "point": None, "snapshot": ""} for i in range(6)]
    statuses = list(executors.ProcessExecutor(2, run_timeout=3).statuses(specs, "unused"))
    assert sorted(s["run_id"] for s in statuses) == [f"r{i}" for i in range(6)]
    failed = {s["run_id"]: s["error"] for s in statuses if s["status"] == "failed"}
    assert failed == {"r1": "timed out: still running after 3 s (--run-timeout)"}


def test_a_dask_run_over_its_time_limit_is_failed_and_its_worker_freed(monkeypatch):
    monkeypatch.setattr(executors, "execute_run", slow_on_r1)
    specs = [{"run_id": f"r{i}", "variant": "v", "replicate": i, "seed": i, "file": "f", "overrides": {},
              "params": {}, "point": None, "snapshot": ""} for i in range(4)]
    with executors.DaskExecutor(1, None, run_timeout=3) as pool:
        statuses = list(pool.statuses(specs, "unused"))
    assert sorted(s["run_id"] for s in statuses) == [f"r{i}" for i in range(4)]
    assert {s["run_id"]: s["error"] for s in statuses if s["status"] == "failed"} == {
        "r1": "timed out: still running after 3 s (--run-timeout)"}, "r2 and r3 run on the restarted worker"


def test_bad_run_timeout_is_one_line(tmp_path, capsys):
    line = main_fails(capsys, "batch", str(SCENARIOS / "plan.yaml"), "--out", str(tmp_path / "o"),
                      "--run-timeout", "0")
    assert "[--run-timeout] --run-timeout must be a positive number of seconds" in line
    assert not (tmp_path / "o").exists()


# --- damaged parts, damaged and half-written directories -------------------------------------------------------

@pytest.fixture
def small_batch(variants, tmp_path) -> tuple[Path, list[str]]:
    out = tmp_path / "small"
    argv = args_for(variants, out, reps=1)
    assert cli.main(argv) == 0
    return out, argv


def damage(out: Path) -> tuple[str, str]:
    """Truncate one part of one run and flip bytes inside one part of another; return both run ids."""
    first, second = sorted(store.part_ids(out, "villages"))
    path = store.part_path(out, "villages", first)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    path = store.part_path(out, "district", second)
    data = bytearray(path.read_bytes())
    data[100:110] = bytes(10)  # the footer is intact: only the checksum can tell
    path.write_bytes(bytes(data))
    return first, second


def test_damaged_parts_are_left_out_by_readers_and_run_again_on_resume(small_batch, capfd):
    out, argv = small_batch
    before = results.load(out)
    first, second = damage(out)
    health = store.health(out)
    assert health.damaged == {first, second} and not health.done
    loaded = results.load(out)  # no exception: the damaged runs are named, the others (none here) kept
    assert first in loaded.problems and second in loaded.problems and len(loaded.district) == 0
    capfd.readouterr()
    assert cli.main(argv) == 0  # resume: both runs again, nothing else
    assert capfd.readouterr().out.startswith("2 runs: 2 ok, 0 failed, 0 already done")
    after = results.load(out)
    for name in results.TABLES:
        pd.testing.assert_frame_equal(sort_keys(getattr(after, name)), sort_keys(getattr(before, name)), obj=name)


def test_compare_report_and_load_on_a_damaged_or_half_written_batch_give_no_traceback(variants, tmp_path, capsys):
    out = tmp_path / "half"
    assert cli.main(args_for(variants, out, reps=2)) == 0
    damaged, _ = sorted(store.part_ids(out, "district"))[:2]
    path = store.part_path(out, "district", damaged)
    path.write_bytes(path.read_bytes()[:40])
    missing = sorted(store.part_ids(out, "runs"))[-1]
    store.part_path(out, "runs", missing).unlink()  # killed before its record was written
    capsys.readouterr()
    for command in ("compare", "report"):
        assert cli.main([command, str(out)]) == 0  # an exception would fail the test: no traceback
        notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
        assert len(notes) == 1 and damaged in notes[0] and missing in notes[0], notes
        assert "2 done runs used" in notes[0]
    loaded = results.load(out)
    assert set(loaded.district.run_id) == set(store.part_ids(out, "runs")) - {damaged}
    assert loaded.health.missing == {missing} and loaded.health.damaged == {damaged}


@pytest.mark.parametrize("text", ["{not json", "", "[1, 2]", "\udcff"])
def test_a_corrupt_batch_json_is_one_line_exit_2_everywhere(small_batch, capsys, text):
    out, argv = small_batch
    (out / store.MANIFEST).write_text(text, encoding="utf-8", errors="surrogateescape")
    for command in (argv, ["compare", str(out)], ["report", str(out)]):
        line = main_fails(capsys, *command)
        assert "batch.json" in line and "the batch manifest is damaged" in line
    with pytest.raises(results.DamagedOutput, match="the batch manifest is damaged"):
        results.load(out)


def test_a_damaged_single_run_directory_raises_the_documented_error(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(results.DamagedOutput, match="missing or damaged table"):
        results.load(out)


# --- the snapshot, the resume digest, the lock -------------------------------------------------------------

def test_a_scenario_edited_after_the_batch_started_does_not_reach_its_runs(tmp_path, reference):
    out, folder = tmp_path / "batch", tmp_path / "edit"
    files = [short_variant(folder, "short_plan"), short_variant(folder, "short_low", "investment: {projects_per_year: 60}\n")]
    plan = plan_batch(files, 6, 11, out)  # validated and fixed in memory
    for path in files:  # edited before a single run has started (a worker that re-reads would see it)
        path.write_text(path.read_text(encoding="utf-8") + "firms: {entry_rate_per_year: 0.2}\n", encoding="utf-8")
    assert execute_plan(plan, workers=2, progress=False).ok == RUNS
    assert_complete_and_identical(out, reference)


def test_an_edited_region_file_is_refused_for_resume(tmp_path, capsys):
    region = write(tmp_path / "regions" / "copy.yaml", REGION.read_text(encoding="utf-8"))
    variant = short_variant(tmp_path, "own_region", region=region)
    out = tmp_path / "batch"
    assert run_batch([variant], 1, 1, out, workers=1, progress=False).ok == 1
    text = region.read_text(encoding="utf-8")
    assert "  industrial_output_2022_100m_cny: 1615\n" in text
    region.write_text(text.replace("  industrial_output_2022_100m_cny: 1615\n",
                                   "  industrial_output_2022_100m_cny: 1616\n"), encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    line = main_fails(capsys, "batch", str(variant), "--reps", "2", "--seed", "1", "--out", str(out))
    assert "[--out] variant 'own_region' in this directory was run with other region data" in line
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_the_lock_is_taken_before_batch_json_is_read(small_batch, capsys):
    import filelock

    out, argv = small_batch
    manifest = (out / store.MANIFEST).read_bytes()
    (out / store.MANIFEST).write_text("{damaged", encoding="utf-8")  # reading it first would give this error
    with filelock.FileLock(str(out / store.LOCK), timeout=0):
        line = main_fails(capsys, *argv)
    assert "another batch is writing into" in line
    (out / store.MANIFEST).write_bytes(manifest)


def test_manifests_name_the_code_version_and_git_commit(small_batch):
    out, _ = small_batch
    code = store.read_manifest(out)["code"]
    assert code["version"] == results.metadata.version("xinhui-sim")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert code["git_commit"] == (head.stdout.strip() if head.returncode == 0 else None)
    assert json.loads(json.dumps(code)) == code


def test_the_dask_local_cluster_serves_no_dashboard_or_http_routes():
    import urllib.error
    import urllib.request

    with executors.DaskExecutor(1, None) as pool:
        scheduler = pool.cluster.scheduler  # its HTTP server is always there (and named "dashboard"): empty
        ports = [s.getsockname()[1] for s in scheduler.http_server._sockets.values()]
        assert 8787 not in ports
        for port in ports:
            for path in ("/status", "/metrics", "/health", "/info/main/workers.html"):
                with pytest.raises(urllib.error.HTTPError) as error:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
                assert error.value.code == 404, path


def test_spec_names_the_snapshot_it_runs(variants):
    found, texts = spec.load_all(variants)
    assert all(len(v.snapshot) == 16 and len(v.region_digest) == 16 for v in found)
    assert found[0].snapshot != found[1].snapshot and found[0].region_digest == found[1].region_digest


PARENT = """
import sys
from sim.batch import executors
from tests.faulty import leaves_a_half_written_part, slow_on_r1
executors.execute_run = slow_on_r1
kind = sys.argv[1]
pool = executors.open_executor(kind, 2, None)
specs = [{"run_id": f"r{i}", "variant": "v", "replicate": i, "seed": i, "file": "f", "overrides": {},
          "params": {}, "point": None, "snapshot": ""} for i in (1, 1)]
with pool:
    for status in pool.statuses(specs, "unused"):
        print(status["run_id"], flush=True)
"""


def worker_processes(pid: int) -> list[psutil.Process]:
    """The worker processes of a batch parent: forked by its forkserver, or Dask's spawned workers."""
    found = []
    for child in psutil.Process(pid).children():
        line = " ".join(child.cmdline())
        if "forkserver" in line:
            found += child.children()
        elif "resource_tracker" not in line:
            found.append(child)
    return found


@pytest.mark.parametrize("kind", ["process", "dask"])
def test_workers_in_the_middle_of_a_run_exit_when_the_parent_is_killed(kind):
    proc = subprocess.Popen([sys.executable, "-c", PARENT, kind], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(workers := worker_processes(proc.pid)) < 2:
        time.sleep(0.2)
    assert len(workers) == 2, "the workers did not start"
    time.sleep(3)  # both workers are inside their endless run
    everything = psutil.Process(proc.pid).children(recursive=True)  # with the forkserver, resource tracker
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert_gone(everything, seconds=5)


def test_a_part_left_half_written_by_a_stopped_worker_is_removed_and_a_users_file_kept(tmp_path, monkeypatch):
    """Deterministic (no timing): a stand-in run leaves the temporary part of a worker stopped mid-write while
    the batch runs; at the end that file is gone, while a user's hidden files of similar names, and the
    temporary of a live process (a compare writing), stay."""
    variant = short_variant(tmp_path, "short_plan")
    out = tmp_path / "batch"
    assert run_batch([variant], 1, 11, out, workers=1, progress=False).ok == 1
    district, snapshot = out / "parts" / "district", out / "snapshot"
    writer = subprocess.Popen(["sleep", "120"])  # a live process writing a file of the batch's
    users = [district / ".notes.parquet.old.tmp", district / ".short_plan__r000.parquet.backup.tmp",
             district / ".mine.parquet.123.tmp", snapshot / ".draft.json.7.tmp", out / ".my.tmp",
             out / ".batch.json.tmp", district / ".short_plan__r000.parquet.tmp", out / ".batch.json.99999999999.tmp",
             out / f".compare.md.{writer.pid}.tmp"]
    for path in users:
        path.write_text("a user's file", encoding="utf-8")
    monkeypatch.setattr(executors, "execute_run", leaves_a_half_written_part)
    try:
        summary = run_batch([variant], 2, 11, out, workers=1, progress=False)
    finally:
        writer.kill()
        writer.wait()
    assert (summary.ok, summary.skipped) == (1, 1)
    run_id = sorted(store.done_runs(out))[-1]
    assert not list(district.glob(f".{run_id}.parquet.*.tmp")), "the stopped worker's temporary stays"
    assert [p for p in users if not p.exists()] == [], "a user's file (or a live writer's) was removed"

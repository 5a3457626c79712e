"""The CLI robustness audit (docs/robustness.md): each defect it found, tried as a user would, through the real CLI.

Every case asserts the exit status, one line on stderr (no traceback) and what is on disk afterwards: nothing
written, nothing of the user's touched. Commands run as subprocesses with a timeout, so a regression that
hangs or runs the whole job fails instead of waiting.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.batch.runner import BatchSummary, check_finished
from tests.test_batch_faults import short_variant

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "plan.yaml"
TIMEOUT_S = 120


def start(*args: str, cwd: Path = ROOT, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim.cli", *args], cwd=cwd, stderr=subprocess.PIPE, text=True,
                            **kwargs)


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=TIMEOUT_S)


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every path under ``folder`` with its bytes (or its link target), hidden ones included."""
    return {str(p.relative_to(folder)): (f"-> {os.readlink(p)}" if p.is_symlink() else
                                         p.read_bytes() if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


def wait_for_cpu(proc: subprocess.Popen, seconds: float) -> None:
    """Until ``proc`` has used ``seconds`` of CPU (past its imports, inside the run), whatever the load."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") >= seconds:
            return
        time.sleep(0.05)
    raise AssertionError("the run ended (or never got going) before it could be interrupted")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the CPU time from /proc")
@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_run_stopped_midway_says_so_in_one_line_and_writes_nothing(tmp_path, sig, status):
    """Ctrl-C during ``run`` was a 38-line KeyboardInterrupt traceback. The numpy kernels: a signal that lands
    while numba compiles (a cold cache) is swallowed by llvmlite's callback, and the run goes on."""
    proc = start("run", str(PLAN), "--scale", "20", "--set", "horizon.last_year=2043", "--out",
                 str(tmp_path / "out"), env={**os.environ, "XINHUI_SIM_NO_NUMBA": "1"})
    wait_for_cpu(proc, 1.2)  # the imports and the scenario take about 0.3 s, the run about 5 s
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=TIMEOUT_S)
    assert proc.returncode == status, stderr
    assert one_line(stderr) == f"interrupted by {sig.name}; --out was left as it was"
    assert list(tmp_path.iterdir()) == []  # no output, no half-built staging folder


def test_a_closed_pipe_ends_the_output_quietly():
    """``xinhui-sim schema | head -1`` printed "error: cannot write the outputs: Broken pipe"."""
    proc = start("schema", stdout=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line is printed
    _, stderr = proc.communicate(timeout=TIMEOUT_S)
    assert stderr == "" and proc.returncode == 128 + signal.SIGPIPE


def test_run_out_through_a_symlink_replaces_the_run_it_points_to(tmp_path):
    """``run --out LINK`` (LINK -> an earlier run) exited 1 ("Cannot call rmtree on a symbolic link"), moved
    the user's link to a hidden name and put a new directory in its place."""
    earlier = tmp_path / "runs" / "plan_v1"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text("{}")
    link = tmp_path / "latest"
    link.symlink_to(earlier)
    proc = cli("run", str(PLAN), "--out", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == str(earlier)
    assert json.loads((earlier / "manifest.json").read_text())["scenario_name"] == "plan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "runs"]
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["plan_v1"]  # no staging folder left


@pytest.mark.parametrize("command", ["validate", "sensitivity"])
def test_validate_and_sensitivity_leave_a_folder_of_user_files_alone(tmp_path, command):
    """They wrote validation.md, checks.csv, scenarios/... into any --out, over a user's files of those names
    (and into the current directory with ``--out .``)."""
    out = tmp_path / "mine"
    (out / "scenarios").mkdir(parents=True)
    (out / "notes.txt").write_text("my notes")
    (out / "scenarios" / "v_park.yaml").write_text("my own scenario")
    before = tree(tmp_path)
    line = one_line(cli(command, "--reps", "2", "--out", str(out)).stderr)
    assert line.startswith("error: <command line>: [--out] ") and "notes.txt" in line
    proc = cli(command, "--reps", "2", "--out", ".", cwd=out)
    assert proc.returncode == 2 and "current directory" in one_line(proc.stderr)
    assert tree(tmp_path) == before


def test_validate_refuses_an_ensemble_folder_of_user_files_before_writing_anything(tmp_path):
    """The ensemble's own check came after validate had written its scenario files."""
    out = tmp_path / "v"
    (out / "ensemble").mkdir(parents=True)
    (out / "ensemble" / "data.csv").write_text("1,2\n")
    before = tree(tmp_path)
    proc = cli("validate", "--reps", "2", "--out", str(out))
    assert proc.returncode == 2 and "ensemble is not empty" in one_line(proc.stderr)
    assert tree(tmp_path) == before


def test_an_interrupted_ensemble_is_not_analysed(tmp_path, monkeypatch, capsys):
    """Ctrl-C during validate's ensemble stopped the batch, then validate analysed the runs that had finished
    and reported "25 of 32 checks pass" with exit 0."""
    from sim import cli as cli_module
    from sim.batch import runner

    def stopped(pool, todo, out, summary, progress):  # Ctrl-C as the first run is handed out
        summary.interrupted = "SIGINT"

    monkeypatch.setattr(runner, "_run", stopped)
    assert cli_module.main(["validate", "-q", "--reps", "2", "--workers", "1", "--out", str(tmp_path / "v")]) == 130
    assert one_line(capsys.readouterr().err).startswith("interrupted by SIGINT: 0 runs ok, 0 failed, ")
    assert not any((tmp_path / "v" / name).exists() for name in ("validation.md", "checks.csv", "checks.json"))


def test_check_finished_passes_a_finished_batch_and_stops_an_interrupted_one(tmp_path):
    done = BatchSummary(tmp_path, planned=2, ok=2)
    assert check_finished(done) is done
    with pytest.raises(KeyboardInterrupt) as stop:
        check_finished(BatchSummary(tmp_path, planned=2, ok=1, interrupted="SIGTERM"))
    assert stop.value.signal_name == "SIGTERM" and str(stop.value).startswith("interrupted by SIGTERM: 1 runs ok")


@pytest.fixture(scope="module")
def one_run_batch(tmp_path_factory) -> tuple[list[str], Path]:
    folder = tmp_path_factory.mktemp("audit_batch")
    argv = ["batch", str(short_variant(folder, "short_plan")), "--reps", "1", "--workers", "1", "--no-progress",
            "--out", str(folder / "b")]
    assert cli(*argv).returncode == 0
    return argv, folder / "b"


@pytest.mark.parametrize("field, value, message", [
    ("code", {"version": "0.0.1", "git_commit": "0" * 40, "git_dirty": False}, "mix two versions of the model"),
    ("code", {"version": "0.0.1", "git_commit": "0" * 40, "git_dirty": False, "model_digest": "f" * 64},
     "mix two versions of the model"),
    ("format", "xinhui-sim batch 0", "has format 'xinhui-sim batch 0'"),
])
def test_a_batch_of_another_version_is_not_resumed_into(one_run_batch, field, value, message):
    """Resuming a batch made by other code added runs of the new model beside the old ones under one manifest
    (the code version was overwritten, the format never read)."""
    argv, out = one_run_batch
    manifest = json.loads((out / "batch.json").read_text())
    original = (out / "batch.json").read_text()
    (out / "batch.json").write_text(json.dumps({**manifest, field: value}))
    try:
        before = tree(out)
        proc = cli(*argv)
        assert proc.returncode == 2
        line = one_line(proc.stderr)
        assert line.startswith("error: <command line>: [--out] ") and message in line
        assert tree(out) == before
    finally:
        (out / "batch.json").write_text(original)


def test_a_batch_of_the_same_model_at_another_commit_resumes(one_run_batch):
    """The model's code digest decides, not the commit: a commit that touched only docs or tests must not stop a
    resume (it did while the check compared git commits)."""
    argv, out = one_run_batch
    original = (out / "batch.json").read_text()
    manifest = json.loads(original)
    assert len(manifest["code"]["model_digest"]) == 64
    (out / "batch.json").write_text(json.dumps({**manifest, "code": {**manifest["code"], "git_commit": "0" * 40,
                                                                       "version": "0.0.1"}}))
    try:
        proc = cli(*argv)
        assert proc.returncode == 0, proc.stderr
        assert "1 already done" in proc.stdout
    finally:
        (out / "batch.json").write_text(original)


def test_a_batch_of_this_version_still_resumes(one_run_batch):
    argv, _ = one_run_batch
    proc = cli(*argv)
    assert proc.returncode == 0, proc.stderr
    assert "1 already done" in proc.stdout


@pytest.mark.parametrize("command, name_bytes", [("run", 250), ("run", 300), ("batch", 300)])
def test_an_out_name_too_long_for_the_file_system_is_refused_before_the_run(tmp_path, command, name_bytes):
    """A 250-byte --out name ran the whole run, then failed on the staging folder's longer name ("error:
    cannot write the outputs: File name too long", exit 1); 300 bytes (run or batch) failed with the same
    exit-1 line. A batch writes no staging folder: its --out may be 255 bytes."""
    proc = cli(command, str(PLAN), "--out", str(tmp_path / ("a" * name_bytes)))
    assert proc.returncode == 2
    assert "[--out] the name 'aaaa" in one_line(proc.stderr) and "NAME_MAX" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_out_name_just_within_the_limit_runs(tmp_path):
    from sim.outputs import STAGING_EXTRA_BYTES, check_name_lengths

    check_name_lengths(tmp_path / ("a" * (255 - STAGING_EXTRA_BYTES)), extra_bytes=STAGING_EXTRA_BYTES)
    check_name_lengths(tmp_path / ("a" * 255))  # a batch's --out: no staging folder
    with pytest.raises(Exception, match="NAME_MAX"):
        check_name_lengths(tmp_path / ("a" * (256 - STAGING_EXTRA_BYTES)), extra_bytes=STAGING_EXTRA_BYTES)
    with pytest.raises(Exception, match="PATH_MAX"):
        check_name_lengths(tmp_path.joinpath(*["b" * 200] * 25))


def test_explore_refuses_an_unknown_host_and_a_port_in_use_in_one_line():
    """An unknown host printed "explorer: http://..." and then the server's "ERROR: [Errno -2] ...", exit 3;
    a port in use ended in the server's traceback."""
    import socket

    proc = cli("explore", "--host", "999.999.1.1")
    assert proc.returncode == 2 and one_line(proc.stderr).startswith("error: <command line>: [--host] cannot serve")
    assert proc.stdout == ""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = cli("explore", "--port", str(busy.getsockname()[1]))
    assert proc.returncode == 2 and "[--port]" in one_line(proc.stderr) and "in use" in proc.stderr


def test_the_explorer_server_ignores_module_files_in_the_current_folder():
    """``explore`` run from a folder holding a comm.py (or json.py ...) crashed: ``python -m solara`` put the
    current folder first on sys.path, and ipywidgets imported the user's comm.py. ``-P`` leaves it off."""
    from sim.explore import solara_command

    command = solara_command("127.0.0.1", 8765)
    assert command[1] == "-P" and command[2:4] == ["-m", "solara"]


@pytest.mark.parametrize("command", ["run", "batch", "calibrate"])
@pytest.mark.parametrize("out", ["loop", "loop/x", "dangling", "dangling/x"])
def test_a_symlink_loop_or_a_link_to_nothing_as_out_is_refused_before_the_work(tmp_path, command, out):
    """``run --out LOOP`` ran the whole run, then "error: cannot write the outputs: File exists" (exit 1);
    ``batch --out DANGLING`` and ``calibrate --out LOOP/x`` failed the same way after their checks."""
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "dangling").symlink_to("nowhere/deeper")
    first = str(ROOT / "calibration" / "quick.yaml") if command == "calibrate" else str(PLAN)
    before = tree(tmp_path)
    proc = cli(command, first, "--out", str(tmp_path / out))
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert line.startswith("error: <command line>: [--out] ")
    assert ("symlink loop" if out.startswith("loop") else "which does not exist") in line
    assert tree(tmp_path) == before


@pytest.mark.parametrize("command", ["run", "batch"])
def test_a_set_key_nested_thousands_of_levels_is_one_line(tmp_path, command):
    """``--set a.a.a...=1`` with 2,000 levels was a 3,000-line RecursionError traceback (exit 1): the nesting
    limit held for YAML values, not for the dotted key."""
    proc = cli(command, str(PLAN), "--out", str(tmp_path / "out"), "--set", ".".join(["a"] * 2000) + "=1")
    assert proc.returncode == 2
    assert one_line(proc.stderr).endswith("the key is nested deeper than 32 levels (MAX_NESTING_DEPTH)")
    assert list(tmp_path.iterdir()) == []


def test_a_terminal_that_cannot_encode_chinese_gets_escapes_not_a_traceback():
    """With ``PYTHONIOENCODING=ascii`` (or a Latin-1 console) every command printing 亿元 ended in a
    UnicodeEncodeError traceback, exit 1 (``run``: after its outputs were written)."""
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "schema"], capture_output=True, cwd=ROOT,
                          timeout=TIMEOUT_S, env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0 and proc.stderr == b""
    assert b"\\u4ebf\\u5143" in proc.stdout  # 亿元, escaped


def test_explain_names_the_damaged_runs_it_leaves_out(tmp_path_factory):
    """``explain`` on a batch with a damaged run reported "across 1 replicate(s)" with no word of the run it
    left out (``compare`` and ``report`` name them)."""
    folder = tmp_path_factory.mktemp("audit_explain")
    out = folder / "b"
    assert cli("batch", str(short_variant(folder, "short_plan")), "--reps", "2", "--workers", "1", "--no-progress",
               "--out", str(out)).returncode == 0
    next((out / "parts" / "growth_accounting").glob("*__r000.parquet")).unlink()
    proc = cli("explain", str(out))
    assert proc.returncode == 0, proc.stderr
    assert one_line(proc.stderr).startswith("note: 1 damaged (short_plan__r000) runs left out, 1 done runs used")


def test_a_bare_command_shows_the_commands():
    """``xinhui-sim`` alone printed one line, "the following arguments are required: command", and no list of
    what the commands are."""
    proc = cli()
    assert proc.returncode == 2 and proc.stderr == ""
    assert proc.stdout.startswith("usage: xinhui-sim") and "run one scenario with one seed" in proc.stdout

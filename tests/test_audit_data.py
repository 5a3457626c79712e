"""The session-7 audit of data safety and hangs (docs/robustness.md, "Session 7 audit"): each defect found, as a
user would meet it. Each test was checked to fail on the code before its fix.

A full disk and a read-only share are simulated by a writer that fails with ENOSPC or EROFS after writing half
its bytes (root, who runs the tests here, writes through ``chmod``); the scheduler that never answers is a socket
of this process that accepts and stays silent.
"""

from __future__ import annotations

import errno
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from sim import cli
from sim.batch import executors, store
from sim.batch.runner import run_batch
from tests.test_audit_cli import ROOT, one_line, tree
from tests.test_batch_faults import short_variant


@pytest.fixture(scope="module")
def small_batch(tmp_path_factory) -> Path:
    """Two variants x one replicate over 2023-2027, compared once (its compare files exist)."""
    folder = tmp_path_factory.mktemp("audit7")
    files = [short_variant(folder, "short_plan"), short_variant(folder, "short_low", "investment: {projects_per_year: 60}\n")]
    out = folder / "batch"
    assert run_batch(files, 1, 11, out, workers=2, progress=False).ok == 2
    assert cli.main(["compare", str(out)]) == 0
    return out


def copy_of(batch: Path, tmp_path: Path) -> Path:
    out = tmp_path / "batch"
    shutil.copytree(batch, out)
    return out


def test_clean_keeps_a_users_copies_in_folders_of_their_own_inside_parts_and_snapshot(small_batch, tmp_path):
    out = copy_of(small_batch, tmp_path)
    run_id = sorted(store.done_runs(out))[0]
    snapshot = next((out / "snapshot").glob("*.json"))
    copies = {out / "parts" / "district" / "backup" / f"{run_id}.parquet": out / "parts" / "district" / f"{run_id}.parquet",
              out / "parts" / "mine" / f"{run_id}.parquet": out / "parts" / "runs" / f"{run_id}.parquet",
              out / "snapshot" / "old" / snapshot.name: snapshot}
    for copy, original in copies.items():
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, copy)
    assert cli.main(["clean", str(out)]) == 0
    assert [p for p in copies if not p.is_file()] == [], "clean removed a user's copy"
    assert not (out / "parts" / "district" / f"{run_id}.parquet").exists() and not snapshot.exists()
    assert not (out / "batch.json").exists()


def failing_writer(code: int):
    """``DataFrame.to_csv`` that writes half of its text, then fails as a full disk (or read-only folder) does."""
    original = pd.DataFrame.to_csv

    def to_csv(frame, path=None, *args, **kwargs):
        text = original(frame, None, *args, **kwargs)
        Path(path).write_text(text[: len(text) // 2], encoding="utf-8")
        raise OSError(code, "No space left on device" if code == errno.ENOSPC else "Read-only file system")

    return to_csv


@pytest.mark.parametrize("command", ["compare", "explain"])
def test_a_full_disk_leaves_the_earlier_compare_and_explain_files_whole(small_batch, tmp_path, monkeypatch, capsys,
                                                                       command):
    out = copy_of(small_batch, tmp_path)
    assert cli.main(["explain", str(out)]) == 0
    before = tree(out)
    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_writer(errno.ENOSPC))
    capsys.readouterr()
    assert cli.main([command, str(out)]) in (1, 2)
    line = one_line(capsys.readouterr().err)
    assert "No space left on device" in line and ".tmp" not in line, line
    assert tree(out) == before, "a file was truncated, or a temporary left"


@pytest.mark.parametrize(("command", "status", "start", "answer"), [
    ("compare", 1, "error: the comparison above is complete, but its files were not written: Read-only", "GDP"),
    ("explain", 2, "error: <command line>: cannot write ", "capital")])
def test_a_batch_on_a_read_only_share_still_gets_its_answer(small_batch, tmp_path, monkeypatch, capsys, command,
                                                            status, start, answer):
    out = copy_of(small_batch, tmp_path)
    before = tree(out)
    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_writer(errno.EROFS))
    capsys.readouterr()
    assert cli.main([command, str(out)]) == status
    captured = capsys.readouterr()
    assert answer in captured.out, captured.out[:500]
    line = one_line(captured.err)
    assert line.startswith(start) and "Read-only file system" in line and ".tmp" not in line, line
    assert tree(out) == before


class Silent:
    """A TCP server on loopback that accepts connections and never answers (or answers ``reply`` at once)."""

    def __init__(self, reply: bytes = b""):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.reply, self.held = reply, []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            if self.reply:
                conn.sendall(self.reply)
            self.held.append(conn)

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.server.close()


@pytest.mark.parametrize("reply", [b"", b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"],
                         ids=["silent", "http"])
def test_a_scheduler_address_that_is_not_a_scheduler_is_one_line_in_bounded_time(tmp_path, reply):
    """A dashboard's port or any server that accepts and does not speak Dask: Dask's handshake waited for ever
    (silent) or died in a MemoryError traceback (it read b'HTTP/1.1' as a frame count)."""
    variant = short_variant(tmp_path, "short_plan")
    server = Silent(reply)
    try:
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "sim.cli", "batch", str(variant), "--out", str(tmp_path / "b"),
                               "--executor", "dask", "--scheduler", server.address, "--no-progress"],
                              capture_output=True, text=True, cwd=ROOT, timeout=90)
        seconds = time.monotonic() - start
    finally:
        server.close()
    assert proc.returncode == 2, proc.stderr[-2000:]
    line = one_line(proc.stderr)
    assert "[--scheduler]" in line and server.address in line, line
    assert not (tmp_path / "b").exists(), "something was written"
    assert seconds < 60, seconds  # not a timing assertion of the code's speed: a hang would be 90 s (the timeout)


def test_the_scheduler_check_lets_a_real_scheduler_through():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        executors.check_scheduler(cluster.scheduler_address, timeout=20)

"""Outputs never destroy what the tool did not make: ``run --out``, reports, ``clean``, permissions, write faults."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest

from sim import cli, outputs, results
from sim.batch import store
from tests.test_batch import REGION, SCENARIOS, main_fails, write


def short_run(tmp_path: Path) -> Path:
    return write(tmp_path / "short.yaml", f"extends: {SCENARIOS / 'plan.yaml'}\nregion: {REGION}\nname: short\n"
                 "horizon: {last_year: 2027}\n")


def user_files(folder: Path) -> dict[str, bytes]:
    write(folder / "notes.txt", "my notes")
    write(folder / "data" / "survey.csv", "a,b\n1,2\n")
    return snapshot(folder)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (symlinks not followed) with its bytes."""
    return {os.path.relpath(os.path.join(root, name), folder): Path(root, name).read_bytes()
            for root, _, names in os.walk(folder) for name in names if not Path(root, name).is_symlink()}


def test_run_refuses_a_directory_of_user_files_and_leaves_them_intact(tmp_path, capsys):
    out = tmp_path / "mine"
    before = user_files(out)
    line = main_fails(capsys, "run", str(short_run(tmp_path)), "--out", str(out))
    assert "[--out]" in line and "is not empty and is not an earlier run's output; it is left as it is" in line
    assert snapshot(out) == before
    write(out / "manifest.json", "{}")  # a run's output with a user's file added is not the run's any more
    assert "is not an earlier run's output" in main_fails(capsys, "run", str(short_run(tmp_path)), "--out", str(out))


def test_run_refuses_a_batch_directory(tmp_path, capsys):
    out = tmp_path / "batch"
    write(out / store.MANIFEST, "{}")
    main_fails(capsys, "run", str(short_run(tmp_path)), "--out", str(out))
    assert (out / store.MANIFEST).is_file()


@pytest.mark.parametrize(("target", "reason"), [(".", "the current directory"), ("..", "a parent of the current"),
                                                ("sub/..", "the current directory"), ("link", "the current directory"),
                                                ("~", "the home directory"), ("/", "the root directory")])
@pytest.mark.parametrize("command", ["run", "batch"])
def test_the_current_directory_its_parents_home_and_root_are_refused(tmp_path, monkeypatch, capsys, target,
                                                                      reason, command):
    work = tmp_path / "work"
    before = user_files(work)
    (work / "sub").mkdir()
    (work / "link").symlink_to(work)
    monkeypatch.chdir(work)
    scenario = str(short_run(tmp_path))
    line = main_fails(capsys, command, scenario, "--out", os.path.expanduser(target))
    assert reason in line and "[--out]" in line
    assert snapshot(work) == before


def test_replacing_an_earlier_output_is_a_swap_that_leaves_nothing_behind(tmp_path):
    out = tmp_path / "out"

    def fill(text):
        def write_files(staging: Path) -> None:
            (staging / "manifest.json").write_text(text, encoding="utf-8")
        return write_files

    results.replace_directory(out, fill("1"), results.is_run_dir, results.RUN_KIND)
    results.replace_directory(out, fill("2"), results.is_run_dir, results.RUN_KIND)
    assert (out / "manifest.json").read_text() == "2"
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no staging or old directory left"


def test_a_failed_or_killed_replacement_leaves_the_old_output_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write(out / "manifest.json", "old")

    def broken(staging: Path) -> None:
        (staging / "manifest.json").write_text("new", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        results.replace_directory(out, broken, results.is_run_dir, results.RUN_KIND)
    assert (out / "manifest.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)  # systems without an atomic exchange
    results.replace_directory(out, lambda s: (s / "manifest.json").write_text("new"), results.is_run_dir,
                              results.RUN_KIND)
    assert (out / "manifest.json").read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["out"]


def test_an_interruption_between_the_two_renames_puts_the_old_output_back(tmp_path, monkeypatch):
    """Without an atomic exchange the swap is two renames; a signal between them (here: the second rename
    fails) must leave the old output where it was, and nothing beside it."""
    out = tmp_path / "out"
    write(out / "manifest.json", "old")
    monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    real_replace, calls = os.replace, []

    def interrupted(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        results.replace_directory(out, lambda s: (s / "manifest.json").write_text("new"), results.is_run_dir,
                                  results.RUN_KIND)
    assert (out / "manifest.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_outputs_are_readable_as_the_umask_allows(tmp_path, mask):
    previous = os.umask(mask)
    try:
        out = results.replace_directory(tmp_path / "out", lambda s: (s / "manifest.json").write_text("{}"),
                                        results.is_run_dir, results.RUN_KIND)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((out / "manifest.json").stat().st_mode) == 0o666 & ~mask


def test_a_run_replaces_its_own_earlier_output_and_records_the_code_version(tmp_path):
    out, scenario = tmp_path / "out", short_run(tmp_path)
    assert cli.main(["run", str(scenario), "--seed", "1", "--out", str(out)]) == 0
    assert cli.main(["run", str(scenario), "--seed", "2", "--out", str(out)]) == 0
    loaded = results.load(out)
    assert loaded.manifest["seed"] == 2
    assert set(loaded.manifest["code"]) == {"version", "git_commit", "git_dirty", "model_digest"}
    assert loaded.manifest["code"]["version"] == results.metadata.version("xinhui-sim")
    assert stat.S_IMODE(out.stat().st_mode) & 0o055, "readable by group or others"


def test_a_full_disk_during_the_run_is_one_line_and_keeps_the_old_output(tmp_path, monkeypatch, capsys):
    out, scenario = tmp_path / "out", short_run(tmp_path)
    assert cli.main(["run", str(scenario), "--out", str(out)]) == 0
    before = snapshot(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(results.pq, "write_table", full)
    capsys.readouterr()
    assert cli.main(["run", str(scenario), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: cannot write the outputs: No space left on device"]
    assert snapshot(out) == before


def skip_if_sys_is_writable() -> None:
    """The unwritable-folder tests write into /sys, which refuses new files even to root (skip where not)."""
    try:
        Path("/sys/.xinhui-probe").touch()
        Path("/sys/.xinhui-probe").unlink()
        pytest.skip("/sys is writable here")
    except OSError:
        pass


def test_an_unwritable_out_is_found_before_the_work_starts(tmp_path, capsys):
    target = Path("/sys/xinhui-out")  # sysfs refuses new files, even to root
    skip_if_sys_is_writable()
    for command in ("run", "batch"):
        line = main_fails(capsys, command, str(short_run(tmp_path)), "--out", str(target))
        assert "[--out] cannot write into /sys" in line
    assert not target.exists()


def test_report_refuses_a_report_folder_holding_user_files(tmp_path, capsys):
    out = tmp_path / "batch"
    assert cli.main(["batch", str(short_run(tmp_path)), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    write(out / "report" / "my_draft.docx", "mine")
    capsys.readouterr()
    line = main_fails(capsys, "report", str(out))
    assert "report is not empty and is not an earlier report" in line
    assert (out / "report" / "my_draft.docx").read_text() == "mine"


def test_clean_removes_only_what_the_batch_wrote(tmp_path, capsys):
    out = tmp_path / "batch"
    scenario = str(short_run(tmp_path))
    assert cli.main(["batch", scenario, "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    assert cli.main(["compare", str(out)]) == 0
    before = user_files(out / "sensitivity")
    write(out / "parts" / "README.md", "mine too")
    write(out / "scenarios" / "my_own.yaml", "name: mine\n")  # same suffixes as the batch's own files
    write(out / "snapshot" / "notes.json", "{}")
    write(out / "parts" / "district" / "mine.parquet", "not a part")
    assert cli.main(["clean", str(out)]) == 0
    assert snapshot(out / "sensitivity") == before and (out / "parts" / "README.md").is_file()
    for kept in ("scenarios/my_own.yaml", "snapshot/notes.json", "parts/district/mine.parquet"):
        assert (out / kept).is_file(), kept
    for name in ("scenarios", "snapshot"):
        shutil.rmtree(out / name)
    (out / "parts" / "district" / "mine.parquet").unlink()
    (out / "parts" / "district").rmdir()
    assert sorted(p.name for p in out.iterdir()) == [".lock", "parts", "sensitivity"]
    assert cli.main(["batch", scenario, "--out", str(out), "--workers", "1", "--no-progress"]) == 0  # afresh
    assert "1 runs: 1 ok" in capsys.readouterr().out
    assert "holds no batch" in main_fails(capsys, "clean", str(tmp_path / "batch" / "sensitivity"))
    assert "is not a directory" in main_fails(capsys, "clean", str(tmp_path / "nowhere"))


def test_run_replaces_its_own_output_after_explain(tmp_path, capsys):
    out = tmp_path / "run"
    scenario = str(short_run(tmp_path))
    assert cli.main(["run", scenario, "--out", str(out)]) == 0
    assert cli.main(["explain", str(out)]) == 0 and (out / "explain.csv").is_file()
    assert cli.main(["run", scenario, "--out", str(out), "--seed", "2"]) == 0


@pytest.mark.parametrize("timeout", ["1e308", "1e10", "0", "-5", "nan"])
def test_an_impossible_run_timeout_is_refused_before_anything_is_written(tmp_path, capsys, timeout):
    out = tmp_path / "batch"
    message = main_fails(capsys, "batch", str(short_run(tmp_path)), "--out", str(out), "--run-timeout", timeout)
    assert "--run-timeout" in message and not out.exists()


def test_replacing_into_an_unwritable_folder_is_refused_in_one_line():
    """``replace_directory`` probes by making its staging folder (no 64 KiB write and fsync): a folder that
    cannot be written is still a ScenarioError naming it, and nothing is made."""
    from sim.scenario.errors import ScenarioError

    target = Path("/sys/xinhui-out")  # sysfs refuses new files, even to root
    skip_if_sys_is_writable()
    with pytest.raises(ScenarioError, match="cannot write into /sys"):
        results.replace_directory(target, lambda staging: None, results.is_run_dir, results.RUN_KIND)
    assert not target.exists()

"""The allocator setting is applied once per process and can be turned off from the environment."""

import os
import platform
import subprocess
import sys

import numpy as np
import pytest

from sim.agents import FirmPopulation


def _applied(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "XINHUI_SIM_DEFAULT_MALLOC"}
    if env_value is not None:
        env["XINHUI_SIM_DEFAULT_MALLOC"] = env_value
    code = "from sim import allocator; print(allocator.keep_freed_memory(), allocator.keep_freed_memory())"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_turned_off_from_the_environment():
    assert _applied("1") == "False False"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_applied_once_on_glibc():
    assert _applied(None) == "True True"


def test_live_rows_follow_entries_and_exits_and_cannot_be_written():
    firms = FirmPopulation(16)
    firms.add(5, alive=True)
    assert firms.live().tolist() == [0, 1, 2, 3, 4]
    firms.retire(np.array([1, 3]), 2024, no_place_cell=99, no_cluster_cell=98)
    assert firms.live().tolist() == [0, 2, 4] and firms.exit_year[[1, 3]].tolist() == [2024, 2024]
    assert firms.place_cell[[1, 3]].tolist() == [99, 99] and firms.cluster_cell[[1, 3]].tolist() == [98, 98]
    firms.add(2, alive=True)
    assert firms.live().tolist() == [0, 2, 4, 5, 6]
    with pytest.raises(ValueError):  # shared by every rule until firms enter or exit: read-only
        firms.live()[0] = 9
    with pytest.raises(AttributeError):  # would hide the column behind a stale view
        firms.capacity = np.ones(7)


def test_live_rows_handed_out_earlier_stay_as_they_were_while_entrants_are_appended():
    firms = FirmPopulation(16)
    firms.add(3, alive=True)
    before = firms.live()
    firms.add(2, alive=True)
    after_entry = firms.live()
    firms.add(40, alive=True)  # beyond the room kept for appending
    assert before.tolist() == [0, 1, 2] and after_entry.tolist() == [0, 1, 2, 3, 4]
    assert firms.live().tolist() == list(range(45))
    firms.retire(np.array([0, 44]), 2024, no_place_cell=99, no_cluster_cell=98)
    kept = firms.live()
    firms.add(1, alive=True)
    assert kept.tolist() == list(range(1, 44)) and firms.live().tolist() == [*range(1, 44), 45]
    assert after_entry.tolist() == [0, 1, 2, 3, 4] and np.array_equal(firms.live(), np.flatnonzero(firms.alive))


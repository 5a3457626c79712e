"""Project approvals (sim/rules/approvals.py): first come, first served town offices; pooling waits less."""

from collections import defaultdict
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim import kernels_acct
from sim.rules import approvals, investment
from sim.scenario.schema import SCHEMA


def test_a_dossier_waits_for_the_team_ahead_of_it():
    office = approvals.ApprovalOffices([1], clock=0.0, year=2023)
    assert office.file(0, arrival=0.0, processing=2.0) == 0.0
    assert office.file(0, arrival=0.5, processing=1.0) == pytest.approx(1.5)  # the first is done at 2.0
    assert office.file(0, arrival=5.0, processing=1.0) == 0.0  # the team is idle again


def _total_wait(pooled: bool, arrivals) -> float:
    offices = approvals.ApprovalOffices([1, 1], clock=0.0, year=2023)
    if pooled:
        offices.pool()
    return sum(offices.file(town, t, 1.0) for town, t in arrivals)


def test_pooling_the_offices_serves_a_busy_town_with_the_idle_team():
    busy_town_only = [(0, 0.0), (0, 0.1), (0, 0.2), (0, 0.3)]
    assert _total_wait(False, busy_town_only) == pytest.approx(0.9 + 1.8 + 2.7)
    assert _total_wait(True, busy_town_only) == pytest.approx(0.8 + 0.8)


def test_pooling_never_lengthens_the_waits_of_a_random_stream():
    rng = np.random.default_rng(3)
    arrivals = list(zip(rng.integers(0, 2, 400), np.sort(rng.uniform(0, 300, 400))))
    assert _total_wait(True, arrivals) < _total_wait(False, arrivals)


def test_restaffing_adds_idle_teams_and_drops_those_free_soonest():
    office = approvals.ApprovalOffices([2], clock=0.0, year=2023)
    office.file(0, 0.0, 3.0)
    office.restaff(np.array([1]), clock=1.0, year=2024)  # the idle team goes, the busy one stays
    assert office.file(0, 1.0, 1.0) == pytest.approx(2.0)
    office.restaff(np.array([3]), clock=1.0, year=2025)
    assert office.file(0, 1.0, 1.0) == 0.0


def test_offices_are_staffed_for_their_load_with_at_least_one_team():
    teams = approvals.teams_by_town(np.array([0.0, 2.0, 20.0]), processing_years=0.25, utilisation=0.5)
    assert teams.tolist() == [1, 1, 10]
    # at extreme inputs no more teams than dossiers plus one (memory stays bounded)
    assert approvals.teams_by_town(np.array([2.0]), processing_years=4.0, utilisation=0.05).tolist() == [3]


def test_start_delay_is_the_approval_time():
    proj = investment.ProjectPipeline()
    rows = proj.add(3, approval_steps=np.array([0.5, 0.5, 2.5]))
    model = SimpleNamespace(approval_offices=approvals.ApprovalOffices([1, 1], 0.0, 2023), projects=proj,
                            clock=0, year=2023, steps_per_year=4, year_stats=defaultdict(float),
                            params=SimpleNamespace(integration=SimpleNamespace(unified_services=False,
                                                                               unified_attraction_start_year=2023)))
    approvals.file_dossiers(model, rows, np.array([0, 0, 1]))
    assert proj.start_delay[rows].tolist() == [0, 1, 2]  # the second waits 0.5 steps behind the first
    assert approvals.wait_years(model.year_stats, 4) == pytest.approx(0.5 / 3 / 4)


def test_no_dossier_no_wait():
    assert approvals.wait_years(defaultdict(float), 4) == 0.0


def test_no_scenario_key_sets_the_cut_in_lags():
    assert "service_integration_lag_reduction" not in SCHEMA["integration"]
    assert "start_probability_per_quarter" not in SCHEMA["investment"]


def test_unified_services_shorten_the_approval_wait_in_a_run():
    """plan with and without pooled offices, all else equal: the pooled service waits less after 2023."""
    from sim.results import run_tables
    from tests.helpers import scenario

    waits = {}
    for pooled in (True, False):
        definition = scenario("plan", {"integration": {"unified_services": pooled}, "horizon": {"last_year": 2027}})
        district = pd.DataFrame(run_tables(definition, 5)["district"])
        waits[pooled] = district.approval_wait_years.mean()
    assert waits[True] < waits[False]


def test_more_case_teams_never_lengthen_the_waits():
    rng = np.random.default_rng(4)
    arrivals = np.sort(rng.uniform(0, 100, 300))
    work = rng.exponential(1.0, 300)
    waits = []
    for teams in (1, 2, 3, 5):
        office = approvals.ApprovalOffices([teams], clock=0.0, year=2023)
        waits.append(sum(office.file(0, t, w) for t, w in zip(arrivals, work)))
    assert waits == sorted(waits, reverse=True) and waits[-1] < waits[0]


@pytest.mark.skipif(kernels_acct.compiled() is None, reason="numba not installed or disabled")
def test_the_compiled_queue_keeps_its_heaps_between_steps_as_the_heapq_loop_would():
    """Several steps of filings through the compiled queue with no reader in between (the heaps stay laid out
    for it), then pooling and restaffing (which read them back): the same waits and heaps as the heapq loop."""
    queue = kernels_acct.compiled()[2]
    rng = np.random.default_rng(7)
    mine, reference = (approvals.ApprovalOffices([3, 1, 4, 2], 0.0, 2023) for _ in range(2))
    for step in range(12):
        if step == 6:
            mine.pool()
            reference.pool()
        towns, work = rng.integers(0, 4, 30), rng.exponential(3.0, 30)
        np.testing.assert_array_equal(mine.file_many(towns, float(step), work, queue),
                                      reference.file_many(towns, float(step), work))
    assert mine._flat is not None  # still laid out: not read back at each step
    mine.restaff(np.array([2, 2, 2, 2]), 12.0, 2024)
    reference.restaff(np.array([2, 2, 2, 2]), 12.0, 2024)
    assert mine.pooled == reference.pooled and mine.free_at == reference.free_at

"""The firm table drops exited firms (RegionModel.compact_firms): every live firm keeps its columns and identity,
whatever holds its row follows it, and a run gives the same tables however often the table is compacted."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import RegionModel
from sim.table import ColumnTable
from tests.helpers import scenario

SHORT = {"horizon": {"last_year": 2027}}


def _bytes(columns: dict) -> dict:
    """Each column's dtype and raw bytes (floats bit for bit)."""
    out = {}
    for name, values in columns.items():
        array = np.asarray(values)
        out[name] = (str(array.dtype), array.tobytes() if array.dtype != object else repr(array.tolist()))
    return out


def _model(years: int = 2, seed: int = 4, mode: str = "never") -> RegionModel:
    """A model stepped ``years`` years and one step into the next, never compacted: exited firms of this
    year (kept: they produced) and of earlier years (dropped) are in the table."""
    model = RegionModel(scenario("plan", SHORT), seed=seed)
    model.firm_compaction = mode
    for _ in range(years * model.steps_per_year + 1):
        model.step()
    return model


def _live_by_id(model) -> dict[int, dict]:
    firms = model.firms
    live = firms.live()
    return {int(i): {name: firms.cols[name][row].item() for name in firms.cols}
            for i, row in zip(firms.firm_id[live], live)}


def test_compaction_keeps_every_live_firm_with_its_columns_and_identity():
    model = _model()
    firms = model.firms
    before, rows_before = _live_by_id(model), firms.n
    produced_and_left = np.flatnonzero(~firms.alive & (firms.output_year != 0))
    kept_exiters = set(firms.firm_id[produced_and_left].tolist())
    model.compact_firms()
    assert firms.n == len(before) + len(kept_exiters) < rows_before
    assert _live_by_id(model) == before  # every column of every live firm, found by its firm_id
    assert set(firms.firm_id[~firms.alive].tolist()) == kept_exiters  # this year's exiters stay for the close
    assert np.all(np.diff(firms.firm_id) > 0)  # rows still in creation order
    assert np.array_equal(firms.live(), np.flatnonzero(firms.alive))
    assert firms.created == firms.firm_id.max() + 1
    some = firms.firm_id[[0, 7, firms.n - 1]]
    assert firms.rows_of(some).tolist() == [0, 7, firms.n - 1]
    dropped = sorted(set(range(firms.created)) - set(firms.firm_id.tolist()))[:1]
    with pytest.raises(KeyError):
        firms.rows_of(np.array(dropped))


def test_a_projects_firm_row_still_points_at_its_firm_after_a_compaction():
    model = _model()
    proj, firms = model.projects, model.firms
    linked = np.flatnonzero(proj.firm_row >= 0)
    ids = firms.firm_id[proj.firm_row[linked]]
    alive = firms.alive[proj.firm_row[linked]]
    kept = alive | (firms.output_year[proj.firm_row[linked]] != 0)
    assert alive.sum() > 10 and (~kept).any()  # firms of projects that left the table as well
    model.compact_firms()
    assert np.array_equal(firms.firm_id[proj.firm_row[linked[kept]]], ids[kept])
    assert np.all(proj.firm_row[linked[~kept]] == -1)


def test_model_agents_keep_their_ids_and_follow_their_firms_across_a_compaction():
    model = _model()
    _ = model.agents  # the agents exist before the compaction
    def registry():
        firms = model.firms
        return sorted((a.unique_id, int(firms.firm_id[a.row]), int(firms.agent_id[a.row]), a.sector, a.town)
                      for a in model.agents if hasattr(a, "row"))
    before = registry()
    model.compact_firms()
    after = registry()
    assert after == before and all(uid == agent_id for uid, _, agent_id, _, _ in after)
    assert len(after) == model.firms.live().size


@pytest.mark.parametrize("name, panel", [("plan", True), ("fragmented", False)])
def test_a_run_compacted_every_step_gives_the_tables_of_one_never_compacted(name, panel):
    def tables(mode):
        model = RegionModel.from_scenario(scenario(name, SHORT), seed=2, firm_panel=panel)
        model.firm_compaction = mode
        result = model.run().tables()
        return {key: _bytes(columns) for key, columns in result.items()}, model.firms.n

    never, rows_never = tables("never")
    every_step, rows_compacted = tables("step")
    assert every_step == never and rows_compacted < rows_never
    assert ("firms" in never) == panel


def test_the_table_is_compacted_only_once_enough_rows_are_of_exited_firms():
    model = _model(mode="never")
    firms = model.firms
    share = 1.0 - np.count_nonzero(firms.alive | (firms.output_year != 0)) / firms.n
    assert 0 < share < 0.9
    assert firms.drop_exited(min_share=share + 0.01) is None and firms.n > firms.live().size
    assert firms.drop_exited(min_share=share - 0.01) is not None


def test_column_table_compact_keeps_the_kept_rows_in_order_and_maps_old_rows():
    table = ColumnTable({"a": np.float64, "b": np.int16}, capacity_rows=16)
    table.add(6, a=np.arange(6.0), b=np.arange(6) * 10)
    new_row = table.compact(np.array([True, False, True, True, False, True]))
    assert table.n == 4 and table.a.tolist() == [0.0, 2.0, 3.0, 5.0] and table.b.tolist() == [0, 20, 30, 50]
    assert new_row.tolist() == [0, -1, 1, 2, -1, 3]
    assert table.compact(np.ones(4, dtype=bool)) is None
    rows = table.add(2, a=7.0, b=70)
    assert rows.tolist() == [4, 5] and table.a.tolist() == [0.0, 2.0, 3.0, 5.0, 7.0, 7.0]



def test_a_default_run_compacts_at_year_starts_and_gives_the_tables_of_one_never_compacted():
    def run(mode):
        model = RegionModel.from_scenario(scenario("plan"), seed=5)
        model.firm_compaction = mode
        return {key: _bytes(columns) for key, columns in model.run().tables().items()}, model.firms

    never, _ = run("never")
    default, firms = run(RegionModel.from_scenario(scenario("plan"), seed=5).firm_compaction)
    assert default == never
    assert firms.n < firms.created and firms.n - firms.live().size < 0.4 * firms.n  # compacted at least once


class _Listener:
    def __init__(self):
        self.heard = []

    def hear(self, message):
        self.heard.append(message)


def test_firm_agents_created_late_or_early_match_across_compactions():
    """Agents not yet created when the table is compacted (their rows pending) and agents created at once
    (an observer) end with the same ids on the same firms as without compaction."""
    from mesa.experimental.mesa_signals.signal_types import ModelSignals

    def registry(mode, observed):
        model = RegionModel(scenario("plan", SHORT), seed=4)
        model.firm_compaction = mode
        listener = _Listener()
        if observed:  # Mesa keeps weak references to bound methods as handlers
            model.observe("agents", ModelSignals.AGENT_ADDED, listener.hear)
        for _ in range(3 * model.steps_per_year + 2):
            model.step()
        firms = model.firms
        return [(a.unique_id, int(firms.firm_id[a.row]) if hasattr(a, "row") else None) for a in model.agents]

    never = registry("never", False)
    assert registry("step", False) == never and registry("step", True) == never

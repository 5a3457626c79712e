"""Firms are Mesa agents: whenever the registry is read it lists one Firm agent per live firm, exactly as if each
agent had been created with its firm, whatever the moment and manner of looking."""

from __future__ import annotations

import mesa
import numpy as np
from mesa.experimental.mesa_signals.signal_types import ModelSignals

from sim.agents import Firm
from sim.model import RegionModel
from tests.helpers import scenario

STEPS = 8  # two years: organic entry, project firms and exits


class _Listener:
    """Mesa keeps weak references to bound methods as handlers."""

    def __init__(self):
        self.added, self.removed = [], []

    def hear_added(self, message):
        self.added.append(message)

    def hear_removed(self, message):
        self.removed.append(message)


def _registry(model):
    """Everything an observer of Mesa's registry can see: order, types, ids, rows; and the next id."""
    return ([(type(a).__name__, a.unique_id, getattr(a, "row", None)) for a in model.agents],
            {t.__name__: len(s) for t, s in model.agents_by_type.items()}, model.agent_id_counter)


def _model(seed=3):
    return RegionModel.from_scenario(scenario("plan"), seed=seed)


def _run(model, steps=STEPS, each_step=None):
    for step in range(steps):
        model.step()
        if each_step:
            each_step(model, step)
    return model


def test_live_firms_are_exactly_the_registered_firm_agents():
    model = _run(_model())
    live = np.flatnonzero(model.firms.alive)
    agents = model.agents_by_type[Firm]
    assert sorted(a.row for a in agents) == live.tolist()
    assert len({a.unique_id for a in model.agents}) == len(model.agents)  # ids stay unique
    some = next(iter(agents))
    assert some.town in model.town_ids and some.capacity_100m_cny > 0 and some.model is model


def test_registry_is_the_same_however_often_it_is_read():
    once = _registry(_run(_model()))
    every_step = _registry(_run(_model(), each_step=lambda m, s: len(m.agents)))
    assert once == every_step


def test_observers_hear_every_firm_agent_and_see_the_same_registry():
    quiet = _registry(_run(_model()))
    model, listener = _model(), _Listener()
    model.observe("agents", ModelSignals.AGENT_ADDED, listener.hear_added)
    model.observe("agents", ModelSignals.AGENT_REMOVED, listener.hear_removed)
    created_before = model.firms.created
    _run(model)
    assert _registry(model) == quiet
    assert len(listener.added) == model.firms.created - created_before  # every firm created while observed
    # every exit (initial firms had agents); exited firms leave the table, so count them as created - live
    assert len(listener.removed) == model.firms.created - model.firms.live().size


def test_an_agent_created_mid_run_gets_the_id_it_would_get_next_to_eager_firms():
    def add_agent(model, step):
        if step == 3:
            mesa.Agent(model)

    lazy = _run(_model(), each_step=add_agent)
    eager = _model()
    listener = _Listener()
    eager.observe("agents", ModelSignals.AGENT_ADDED, listener.hear_added)
    _run(eager, each_step=add_agent)
    assert _registry(lazy) == _registry(eager)
    ids = [a.unique_id for a in lazy.agents]
    assert ids == sorted(ids)  # registry order is creation order

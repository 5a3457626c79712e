"""Agents: towns, parks, firms (vectorized, with Mesa views) and villages."""

from sim.agents.firm import Firm, FirmAgents, FirmPopulation, firm_accounting_snapshot
from sim.agents.park import Park
from sim.agents.town import Town
from sim.agents.village import DemoStatus, Village

__all__ = ["DemoStatus", "Firm", "FirmAgents", "FirmPopulation", "Park", "Town", "Village", "firm_accounting_snapshot"]

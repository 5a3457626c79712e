"""Industrial firms: state held in numpy arrays (``FirmPopulation``), each firm also a Mesa agent (``Firm``).

The rules update whole arrays at once; a ``Firm`` agent is a thin view on one row, so that
``model.agents_by_type[Firm]`` lists the live firms and each can be inspected like any Mesa agent.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.table import ColumnTable

# column name -> dtype; every column has one value per firm ever created (rows are never reused)
COLUMNS = {
    "sector": np.int16, "town": np.int16, "zone": np.int16, "park": np.int16,  # park -1: outside parks
    "origin_town": np.int16,     # the town that drew the firm's project (= town for other firms)
    "capacity": np.float64,      # output at productivity 1 and full ramp, 亿元/yr
    "productivity": np.float64,  # own multiplier: upgrades, high-tech premium
    "age": np.float64,           # years
    "land_mu": np.float64,       # industrial land held, 亩
    "alive": np.bool_,
    "above_scale": np.bool_,     # 规模以上 status, set each year from last year's revenue
    "high_tech": np.bool_,
    "upgrading": np.bool_,       # a 技改 started this year, productive next year
    "from_project": np.bool_,    # founded by an attracted project (not organic entry)
    "growth_step": np.float64,   # this year's log growth per step
    "output_year": np.float64,   # output accumulated in the current year, 亿元
    "input_year": np.float64,    # capacity x own productivity averaged over the year (firm panel only)
    "output_last_year": np.float64,
    "birth_year": np.int16,
    "exit_year": np.int16,
}


class FirmPopulation(ColumnTable):
    """Column arrays for all firms ever created; ``alive`` marks the live ones."""

    def __init__(self, capacity_rows: int = 1024):
        super().__init__(COLUMNS, capacity_rows, fill={"park": -1, "exit_year": -1})

    def live(self) -> np.ndarray:
        return np.flatnonzero(self.alive)


class Firm(mesa.Agent):
    """One industrial firm; its state lives in row ``row`` of the model's FirmPopulation."""

    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = int(row)

    def _get(self, column: str):
        return self.model.firms.cols[column][self.row].item()

    @property
    def sector(self) -> str:
        return self.model.sector_ids[self._get("sector")]

    @property
    def town(self) -> str:
        return self.model.town_ids[self._get("town")]

    @property
    def park(self) -> str | None:
        index = self._get("park")
        return None if index < 0 else self.model.park_ids[index]

    @property
    def output_last_year_100m_cny(self) -> float:
        return self._get("output_last_year")

    @property
    def capacity_100m_cny(self) -> float:
        return self._get("capacity")

    @property
    def age_years(self) -> float:
        return self._get("age")

    @property
    def above_scale(self) -> bool:
        return self._get("above_scale")

    @property
    def high_tech(self) -> bool:
        return self._get("high_tech")

    def __repr__(self) -> str:
        return f"Firm(row={self.row}, sector={self.sector}, town={self.town})"

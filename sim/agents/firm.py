"""Industrial firms: state held in numpy arrays (``FirmPopulation``), each firm also a Mesa agent (``Firm``).

The rules update whole arrays at once; a ``Firm`` agent is a thin view on one row, so that
``model.agents_by_type[Firm]`` lists the live firms and each can be inspected like any Mesa agent.
Firms enter and exit by the thousand at larger scales, so their agents are created when someone looks at the
agent registry (``FirmAgents``), with the ``unique_id`` they would have had if created at once.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

import mesa
import numpy as np

from sim import kernels_firms, kernels_step
from sim.rules import capital
from sim.table import ColumnTable

# column name -> dtype; one value per firm in the table: the live firms and those that exited but are still
# needed (``FirmPopulation.drop_exited`` removes the others at each year's start, so a firm's row can change)
COLUMNS = {
    "firm_id": np.int64,         # the firm's identity: its rank of creation (0, 1, ...), whatever its row
    "sector": np.int16, "town": np.int16, "zone": np.int16, "park": np.int16,  # park -1: outside parks
    # zone x n_sectors + sector is the firm's cell in zone-by-sector matrices (its cluster); two lookups use it,
    # over all rows at once: a firm that exits moves to a cell that counts nothing (``retire``)
    "cluster_cell": np.int64,    # that cell, or n_zones x n_sectors (not counted) outside Xinhui or after exit
    "place_cell": np.int64,      # (park + 1) x n_zones x n_sectors + that cell: park and cluster in one index;
                                 # after exit, the last entry of the place-multiplier table, which is 0
    "place_key": np.int64,       # sector, park and town in one number (model.place_key): firms of one place
    "origin_town": np.int16,     # the town that drew the firm's project (= town for other firms)
    "in_district": np.bool_,     # in Xinhui's accounts: not in the co-built park outside (model.in_district)
    "capacity": np.float64,      # full-capacity output at productivity 1, 亿元/yr; capital = ratio x κ x capacity
    "capital_intensity": np.float64,  # κ: capital per unit of capacity over the base year's (putty-clay vintages)
    "investment": np.float64,    # the incumbent's accelerator investment this year, 亿元 (sim/rules/capital.py)
    "demand": np.float64,        # sales the firm can make this year (its share of its markets), 亿元/yr
    "productivity": np.float64,  # own multiplier: upgrades, high-tech premium
    "age": np.float64,           # years (since exit: not updated, see exit_age)
    "exit_age": np.float64,      # age at exit, years
    "land_mu": np.float64,       # industrial land held, 亩
    "alive": np.bool_,
    "above_scale": np.bool_,     # 规模以上 status, set each year from last year's revenue
    "high_tech": np.bool_,
    "upgrading": np.bool_,       # a 技改 started this year, productive next year
    "from_project": np.bool_,    # founded by an attracted project (not organic entry)
    "growth_factor": np.float64,  # this year's growth factor per step, exp(annual log growth / steps); 1 after exit
    # the keyed exit draws (randomness.keyed_bits) that may mean an exit this year are below this (2**53: any)
    "exit_draw_bound": np.int64,
    "output_year": np.float64,   # output accumulated in the current year, 亿元
    "input_year": np.float64,    # capacity x own productivity averaged over the year (firm panel only)
    "output_last_year": np.float64,
    "employment": np.float64,    # persons employed in the last completed year (output / labour productivity)
    "profit": np.float64,        # last completed year: value added - wages - depreciation, 亿元
    "loss_years": np.int16,      # consecutive years of negative profit
    "birth_year": np.int16,
    "exit_year": np.int16,
    "agent_id": np.int64,        # the unique_id of the firm's Mesa agent
    # what the firm's keyed draws hash (sim.randomness): the same firm in every variant whatever its row (a base
    # firm's firm_id, its project's row, its step and rank of entry: project_firm_keys, entrant_keys)
    "draw_key": np.int64,
}


class FirmPopulation(ColumnTable):
    """Column arrays of the firms: the live ones (``alive``) and those that exited but whose year is not
    closed yet; ``firm_id`` is a firm's identity (its row moves when exited firms are dropped)."""

    def __init__(self, capacity_rows: int = 1024):
        super().__init__(COLUMNS, capacity_rows, fill={"park": -1, "exit_year": -1, "agent_id": -1,
                                                       "exit_draw_bound": 1 << 53, "capital_intensity": 1.0})
        self.created = 0  # firms ever created: the next firm's ``firm_id``
        self._live = None  # rows of live firms, kept until firms enter or exit
        self._live_spare = None  # an array whose first entries are ``_live``, with room to append entrants
        self._live_before_exit = None  # after ``retire``: the live rows before it, among which live() finds them
        self._above_scale_by_place = None  # kept until the yearly above-scale status changes

    def add(self, count: int, **values) -> np.ndarray:
        if self._live_before_exit is not None:
            self.live()  # the survivors of the last exits, before rows are added
        rows = super().add(count, **values)
        self.firm_id[rows] = np.arange(self.created, self.created + count)
        self.created += count
        if self._live is not None and values.get("alive") is True:  # new rows come last: live rows stay sorted
            self._live = self._append_live(rows)
        else:
            self._live = None
        return rows

    def _append_live(self, rows: np.ndarray) -> np.ndarray:
        """``_live`` followed by ``rows``, as a read-only view of ``_live_spare``: appended in place, without
        copying the live rows at each entry; an earlier ``live()`` array (a shorter view) is not changed, as
        entries are only ever written beyond the end of every view handed out."""
        count, spare = self._live.size, self._live_spare
        if spare is None or count + rows.size > spare.size:
            spare = np.empty(2 * (count + rows.size), dtype=np.int64)
            spare[:count] = self._live
            self._live_spare = spare
        spare[count: count + rows.size] = rows
        live = spare[: count + rows.size]
        live.setflags(write=False)
        return live

    def retire(self, rows: np.ndarray, year: int, no_place_cell: int, no_cluster_cell: int) -> None:
        """Firms exit: ``alive`` must only change here or in ``add``, which keep ``live()`` current.

        The rules that run every step update all rows at once rather than gathering the live ones (several
        times faster); an exited firm stays as it was because its growth factor becomes 1 and its place and
        cluster cells ones that yield no output and count no capacity. The live rows are found among those
        before the exit when next asked for (``live``, or ``find_live`` with a pass that does more)."""
        if self._live_before_exit is None:
            self._live_before_exit = self._live
        self._live = self._live_spare = None
        kernels_firms.retire_rows(rows, year, self.alive, self.exit_year, self.exit_age, self.age, self.growth_factor,
                                  self.demand, self.place_cell, no_place_cell, self.cluster_cell, no_cluster_cell)

    def find_live(self, find=None):
        """After ``retire``: the live rows are those of the live rows before it still alive, found by
        ``find(rows_before, alive, out)``, which writes them (in their order) to the start of ``out`` and returns
        ``(count, *anything else it computed in the same pass)``; returns the rest (None without ``find`` or when
        nothing retired since the live rows were last found). The default ``find``: ``still_alive_into``."""
        before = self._live_before_exit
        if before is None:
            return None
        # one pass over the rows live before (faster than finding them again), into a new array with room for
        # entrants (``_append_live``): no copy at the next entry
        spare = np.empty(2 * before.size + 16, dtype=np.int64)
        found = find(before, self.alive, spare) if find is not None else (
            kernels_step.still_alive_into(before, self.alive, spare),)
        live = spare[: found[0]]
        live.setflags(write=False)
        self._live, self._live_spare, self._live_before_exit = live, spare, None
        return found[1:] if find is not None else None

    def drop_exited(self, min_share: float = 0.0) -> np.ndarray | None:
        """Drop the rows of exited firms that produced nothing this year (at a year's start: every exited
        firm; the last year's exiters were kept for its close and records), the others moving to the front in
        their order; return each old row's new row (-1: dropped), or None when none is dropped (or fewer than
        ``min_share`` of the rows). Every structure holding firm rows must then be remapped
        (``RegionModel.compact_firms``). An exited firm's row takes part in no sum once its year is closed (its
        output is 0 and its place and cluster cells count nothing), so dropping it changes no result."""
        self.live()  # the survivors of the last exits, while their rows are the same
        keep = self.alive | (self.output_year != 0)
        if self.n - np.count_nonzero(keep) < min_share * self.n:  # too few to be worth moving every column
            return None
        new_row = self.compact(keep)
        if new_row is None:
            return None
        if self._live is not None:
            live = new_row.take(self._live)  # the live firms keep their order
            live.setflags(write=False)
            self._live, self._live_spare = live, None
        if self._above_scale_by_place is not None:  # the same firms in the same order, less the dropped ones
            rows, keys = self._above_scale_by_place
            moved = new_row.take(rows)
            kept = moved >= 0
            self._above_scale_by_place = (moved[kept], keys[kept])
        return new_row

    def rows_of(self, firm_ids: np.ndarray) -> np.ndarray:
        """The rows of the firms with these ``firm_id``s, which must be in the table (rows keep the order of
        creation, so ``firm_id`` ascends with the row)."""
        rows = np.searchsorted(self.firm_id, firm_ids)
        if rows.size and not np.array_equal(self.firm_id.take(np.minimum(rows, self.n - 1)), firm_ids):
            raise KeyError("firm ids not in the firm table (exited firms leave it at a year's start)")
        return rows

    def set_above_scale(self, rows: np.ndarray | slice, flags) -> None:
        """规模以上 status: ``above_scale`` must only change here (new firms start below scale)."""
        self.above_scale[rows] = flags
        self._above_scale_by_place = None

    def above_scale_by_place(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the above-scale firms sorted by ``place_key`` (stable), and their keys; rows of firms that
        exited since the status was set are included (check ``alive``)."""
        if self._above_scale_by_place is None:
            rows = np.flatnonzero(self.alive & self.above_scale)
            keys = self.place_key[rows]
            small = np.uint16 if keys.size == 0 or keys.max() <= np.iinfo(np.uint16).max else np.int64
            order = np.argsort(keys.astype(small), kind="stable")  # numpy radix-sorts 16-bit keys
            self._above_scale_by_place = (rows[order], keys[order])
        return self._above_scale_by_place

    def live(self) -> np.ndarray:
        """Rows of the live firms, ascending (read-only: shared by every rule until firms enter or exit)."""
        if self._live is None:
            if self._live_before_exit is not None:
                self.find_live()
            else:
                self._live = np.flatnonzero(self.alive)
                self._live.setflags(write=False)
                self._live_spare = None
        return self._live


SNAPSHOT_COLUMNS = ("firm_id", "sector", "town", "alive", "in_district", "value_added_100m_cny", "employment_persons",
                    "capital_100m_cny", "productivity", "capital_intensity")


def firm_accounting_snapshot(model, rows: np.ndarray | None = None,
                             columns: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """This year's record of every firm in the table (the live firms and exited firms not yet dropped by a
    compaction; one row each, by ``firm_id``), for growth
    accounting: after the year's accounts are closed (``RegionModel.close_year``) value added, employment and
    capital are the completed year's; firms that exited during the year keep the output they made before
    exiting (``alive`` is False for them). Money in 亿元 at 2022 prices; the co-built park's firms included
    (``in_district`` tells them apart). ``rows``: only these firms (e.g. ``producing_rows``); ``columns``: only
    these entries."""
    firms = model.firms
    rows = np.arange(firms.n) if rows is None else rows
    sector = firms.sector.take(rows)
    columns = SNAPSHOT_COLUMNS if columns is None else columns
    record = {
        "firm_id": lambda: firms.firm_id.take(rows), "sector": lambda: sector.astype(np.int64),
        "town": lambda: firms.town.take(rows).astype(np.int64), "alive": lambda: firms.alive.take(rows),
        "in_district": lambda: model.in_district().take(rows),
        "value_added_100m_cny": lambda: firms.output_last_year.take(rows) * model.sector_va_ratio.take(sector),
        "employment_persons": lambda: firms.employment.take(rows),
        "capital_100m_cny": lambda: capital.capital_stock(model, rows),
        "productivity": lambda: firms.productivity.take(rows),
        "capital_intensity": lambda: firms.capital_intensity.take(rows),
    }
    return {name: record[name]() for name in columns}  # each gathered only when asked for


def producing_rows(model) -> np.ndarray:
    """Rows of the firms in the district's accounts that produced in the last completed year."""
    return np.flatnonzero((model.firms.output_last_year > 0) & model.in_district())


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
    def capital_100m_cny(self) -> float:
        return float(capital.capital_stock(self.model, np.array([self.row]))[0])

    @property
    def capital_intensity(self) -> float:
        return self._get("capital_intensity")

    @property
    def demand_100m_cny(self) -> float:
        return self._get("demand")

    @property
    def employment_persons(self) -> float:
        return self._get("employment")

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


# ---- agents on demand -------------------------------------------------------------------------------------
class FirmAgents:
    """Keeps Mesa's agent registry listing one ``Firm`` agent per live firm, creating the agents when looked at.

    Firms enter and exit by the thousand at larger scales, and a Python object per entrant costs ~3 us (Mesa's
    registration, then the cyclic garbage collector rescanning it): most of the model's stepping time at scale 50
    (benchmarks/README.md). So a firm gets its ``unique_id`` when it is created (the one ``Firm(model, row)``
    would have got then) and its agent, through Mesa's own ``Agent.__init__``, when someone reads the registry:
    ``RegionModel`` calls ``sync`` from ``agents``, ``agents_by_type``, ``agent_types``, ``register_agent`` and
    ``remove_all_agents``. Once anything observes the model or its data registry holds a dataset, agents are
    created and removed as their firms come and go. tests/test_firm_agents.py checks that the registry is the
    same whenever and however it is read.
    """

    def __init__(self, model):
        self.model = model
        self.by_row: dict[int, Firm] = {}  # the agents created so far, of firms still alive
        self.pending: list[np.ndarray] = []  # rows created since the last sync, in creation order
        self.eager = False

    def created(self, rows: np.ndarray) -> None:
        model = self.model
        start = model.agent_id_counter
        model.firms.agent_id[rows] = np.arange(start, start + rows.size)
        model.agent_id_counter = start + rows.size
        self.pending.append(rows)
        if self.eager or model.data_registry.datasets:
            self.sync()

    def exited(self, rows: np.ndarray) -> None:
        """Remove the agents of exiting firms (firms that never had one need nothing)."""
        if self.by_row:
            for row in rows.tolist():
                agent = self.by_row.pop(row, None)
                if agent is not None:
                    agent.remove()

    def moved(self, new_row: np.ndarray) -> None:
        """The firm table dropped exited firms (``FirmPopulation.drop_exited``): each agent, and each row not
        synced yet, follows its firm to its new row (exited firms have no agent; pending ones are skipped)."""
        for agent in self.by_row.values():
            agent.row = int(new_row[agent.row])
        self.by_row = {agent.row: agent for agent in self.by_row.values()}
        moved = [new_row.take(rows) for rows in self.pending]
        self.pending = [rows[rows >= 0] for rows in moved]

    def sync(self) -> None:
        """Create the agents of live firms created since the last sync, in creation order, with their ids."""
        if not self.pending:
            return
        model = self.model
        rows = np.concatenate(self.pending)
        self.pending = []
        rows = rows[model.firms.alive[rows]]
        next_id = model.agent_id_counter
        with _collector_paused():
            for row, unique_id in zip(rows.tolist(), model.firms.agent_id[rows].tolist()):
                model.agent_id_counter = unique_id  # Mesa gives the agent it registers the counter's value
                self.by_row[row] = Firm(model, row)
        model.agent_id_counter = next_id

    def go_eager(self) -> None:
        self.sync()  # before the observer subscribes: agents that already existed are not news to it
        self.eager = True


@contextmanager
def _collector_paused():
    """Pause the cyclic collector while many objects are created (it would rescan them every 700 allocations)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

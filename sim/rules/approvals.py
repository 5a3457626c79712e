"""Project approvals (工程建设项目审批: 用地, 规划, 环评, 施工许可): a landed project starts construction when its
dossier is approved; town offices work through the dossiers first come, first served, and unified services
(服务一体化, 一网通办) pool the towns' offices into one district service.

Each office is a multi-server first-come-first-served queue: a dossier waits for the first of the office's case
teams to be free, then takes that team an exponential processing time with mean S. A project's start delay is
its approval time (wait + processing; design and financing go on in parallel and are taken to fit within it).
Each year a town staffs its office for the dossiers it received the year before (a bounded-rational rule: the
load it has seen, at a utilisation ρ): c_t = max(1, round(n_t · S / ρ)) case teams; in the first (warm-up) year
n_t is its share w_t of the base-year attraction weights of the projects of 2022 that landed. Pooling adds no
team and shortens no processing (the pool has the towns' teams, Σ c_t): a dossier may take any team of the
district, so a queue in a busy town is served by teams idle elsewhere (at equal load a pooled M/M/c waits less
than c separate M/M/1 queues: Erlang C). Faster approval is thus an outcome of load and pooling, not an input;
the wait is the district column ``approval_wait_years``.
Parameters (scenario ``approvals``): processing_working_days (S, working days), projects_2022 (λ_2022,
projects/yr, before landing), office_utilisation_2022 (ρ, share); the lever ``integration.unified_services``
pools the offices from ``integration.unified_attraction_start_year`` (all at once: one service, no phase-in).
Sources: lit I4 (Chenzhou's 1331 rule: land and start within 3 months) under 国办发〔2019〕11号's 120 working
days for the four approval stages; facts §11 (68 projects of 1亿 and above in 2022); lit I3 (80-95% of signed
projects start within a year: ρ is calibrated to it); plan (要素保障: 项目快建设、快投产; 六个一体化: 服务).
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np

from sim import kernels_acct

# 365 days less 104 weekend days and 11 public holidays (全国年节及纪念日放假办法, 2013 revision)
WORKING_DAYS_PER_YEAR = 250


class ApprovalOffices:
    """The towns' approval offices: for each, a heap of the times (model steps) at which its teams are free."""

    def __init__(self, teams_by_town, clock: float, year: int):
        self.teams_by_town = np.asarray(teams_by_town, dtype=np.int64)
        self._free_at = [[float(clock)] * int(c) for c in self.teams_by_town]
        self._pooled: list[float] | None = None  # one district service after pooling
        self.year = year  # the year the teams were staffed for
        self.filed = np.zeros(self.teams_by_town.size)  # dossiers received by each town since then
        # the heaps laid end to end (values, offsets) while the compiled queue works on them; the lists are
        # then out of date until read back (``_read_back``): one round trip a restaffing, not one a step
        self._flat: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def free_at(self) -> list[list[float]]:
        """Each town's heap of the times its teams are free (empty after pooling)."""
        self._read_back()
        return self._free_at

    @property
    def pooled(self) -> list[float] | None:
        """The district service's heap after pooling, else None."""
        self._read_back()
        return self._pooled

    def _heaps(self) -> list[list[float]]:
        return [self._pooled] if self._pooled is not None else self._free_at

    def _read_back(self) -> None:
        """The compiled queue's heaps back into the lists (the same heaps: heapq's order)."""
        if self._flat is None:
            return
        flat, offsets = self._flat
        values = flat.tolist()
        for heap, begin, end in zip(self._heaps(), offsets[:-1].tolist(), offsets[1:].tolist()):
            heap[:] = values[begin:end]
        self._flat = None

    def pool(self) -> None:
        """Unified services: the towns' teams, with the work they have in hand, become one district service."""
        if self._pooled is None:  # (not the property: once pooled, the heap stays laid out for the kernel)
            self._read_back()
            self._pooled = sorted(t for heap in self._free_at for t in heap)  # a sorted list is a heap
            self._free_at = []

    def restaff(self, teams_by_town: np.ndarray, clock: float, year: int) -> None:
        """New numbers of teams: teams are added idle; the ones removed are those free soonest (work in hand
        is finished: its dossiers' times are set)."""
        self._read_back()
        heaps = self._heaps()
        wanted = [int(teams_by_town.sum())] if self._pooled is not None else [int(c) for c in teams_by_town]
        for heap, count in zip(heaps, wanted):
            while len(heap) > count:
                heapq.heappop(heap)
            for _ in range(count - len(heap)):
                heapq.heappush(heap, float(clock))
        self.teams_by_town = np.asarray(teams_by_town, dtype=np.int64)
        self.year, self.filed = year, np.zeros(self.teams_by_town.size)

    def file(self, town: int, arrival: float, processing: float) -> float:
        """A dossier of ``town`` filed at ``arrival`` takes the first free team; returns its wait (steps)."""
        return float(self.file_many(np.array([town]), arrival, np.array([processing]))[0])

    def file_many(self, towns: np.ndarray, arrival: float, processing: np.ndarray, queue=None) -> np.ndarray:
        """Dossiers filed at ``arrival``, served in the given order; their waits (steps). ``queue``: the compiled
        loop (``kernels_acct.queue_kernel``), which leaves the same heaps and waits as the heapq loop here."""
        if queue is not None:
            waits = self._file_compiled(queue, towns, arrival, processing)
        else:
            waits = np.empty(len(towns))
            self._read_back()
            pooled, free_at = self._pooled, self._free_at
            for i, (town, work) in enumerate(zip(towns.tolist(), processing.tolist())):
                heap = pooled if pooled is not None else free_at[town]
                start = max(arrival, heapq.heappop(heap))
                heapq.heappush(heap, start + work)
                waits[i] = start - arrival
        self.filed += np.bincount(towns, minlength=self.filed.size)
        return waits

    def _file_compiled(self, queue, towns: np.ndarray, arrival: float, processing: np.ndarray) -> np.ndarray:
        """file_many's loop compiled, on the heaps laid end to end in one array (kept there until read back)."""
        if self._flat is None:
            heaps = self._heaps()
            offsets = np.zeros(len(heaps) + 1, dtype=np.int64)
            np.cumsum([len(heap) for heap in heaps], out=offsets[1:])
            flat = np.fromiter(itertools.chain.from_iterable(heaps), dtype=np.float64, count=int(offsets[-1]))
            self._flat = (flat, offsets)
        flat, offsets = self._flat
        return queue(flat, offsets, np.asarray(towns, dtype=np.int64), self._pooled is not None, float(arrival),
                     np.asarray(processing, dtype=np.float64))


def teams_by_town(dossiers_per_year: np.ndarray, processing_years: float, utilisation: float) -> np.ndarray:
    """Case teams of each town's office for a load of ``dossiers_per_year`` at ``utilisation``, at least one and
    at most one per dossier plus one (a bound on memory at extreme inputs; with S / ρ <= 1 year it never binds)."""
    dossiers = np.asarray(dossiers_per_year, dtype=float)
    teams = np.minimum(np.round(dossiers * processing_years / utilisation), np.ceil(dossiers) + 1)
    return np.maximum(teams, 1).astype(np.int64)


def processing_years(params) -> float:
    return params.approvals.processing_working_days / WORKING_DAYS_PER_YEAR


def make_offices(model) -> ApprovalOffices:
    """The towns' offices, staffed for 2022 (read after the base year's towns and parks are built)."""
    p = model.params.approvals
    weights = np.diff(model.attraction_weights(), prepend=0.0)
    landed = p.projects_2022 * model.params.investment.landing_rate * model.scale * weights / weights.sum()
    teams = teams_by_town(landed, processing_years(model.params), p.office_utilisation_2022)
    return ApprovalOffices(teams, model.clock, model.year)


def staff_offices(model) -> None:
    """At the first filing of a year: each town staffs its office for the dossiers of the years since the last
    staffing (lagged: this year's are not known yet)."""
    offices = model.approval_offices
    if model.year > offices.year:
        per_year = offices.filed / (model.year - offices.year)
        teams = teams_by_town(per_year, processing_years(model.params), model.params.approvals.office_utilisation_2022)
        offices.restaff(teams, model.clock, model.year)


def draw_processing_steps(model, u: np.ndarray) -> np.ndarray:
    """Each dossier's processing time in steps, exponential with mean S, from uniforms drawn at signing."""
    return -np.log1p(-u) * processing_years(model.params) * model.steps_per_year


def services_pooled(model) -> bool:
    p = model.params.integration
    return bool(p.unified_services) and model.year >= p.unified_attraction_start_year


def file_dossiers(model, rows: np.ndarray, towns: np.ndarray) -> None:
    """This step's placed projects file their dossiers with their host town's office (or the district's),
    in signing order; each project's start delay becomes its approval time."""
    offices, proj = model.approval_offices, model.projects
    staff_offices(model)
    if services_pooled(model):
        offices.pool()
    arrival = float(model.clock)
    firm_rows = model.firms.n if hasattr(model, "firms") else 0  # the kernels' size (a model without firms: none)
    waits = offices.file_many(np.asarray(towns, dtype=np.int64), arrival, proj.approval_steps[rows],
                              kernels_acct.queue_kernel(firm_rows))
    proj.start_delay[rows] = np.floor(waits + proj.approval_steps[rows])
    model.year_stats["approval_dossiers"] += int(rows.size)
    model.year_stats["approval_wait_steps_sum"] += float(waits.sum())


def wait_years(stats, steps_per_year: int) -> float:
    """Mean queueing wait (years, processing excluded) of the dossiers filed in the year; 0 when none."""
    filed = stats["approval_dossiers"]
    return stats["approval_wait_steps_sum"] / filed / steps_per_year if filed else 0.0

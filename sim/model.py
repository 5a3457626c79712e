"""RegionModel: builds Xinhui's towns, parks, firms and villages from a scenario and orders each step.

A year has ``steps_per_year`` steps (quarters). The first step of a year opens it (transport links,
pairing disbursements, growth draws, demonstration starts); every step runs the clustering, investment
and firm phases; the last step closes the year (accounts, villages, fiscal, land, records).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario as MesaScenario

from sim import allocator, build, history, indicators, kernels, kernels_year, randomness
from sim.agents import FirmAgents, FirmPopulation, Park, Town, Village
from sim.collect import HEADLINE, make_collector
from sim.ledger import Ledger
from sim.rules import (
    approvals,
    budgets,
    chenpi,
    clustering,
    collective_assets,
    economy,
    firm_dynamics,
    households,
    integration,
    investment,
    labour_market,
    pairing,
    population,
    public_finance,
    services,
    urbanisation,
    villages,
)
from sim.rules import demand as firm_demand
from sim.scenario import Scenario, Section, load_scenario
from sim.scenario.sources import nest, scenario_path

START_OF_YEAR = (history.enter_plan, integration.open_transport, clustering.open_new_parks, pairing.disburse,
                 collective_assets.invest, firm_dynamics.start_year, villages.start_demonstrations)
EVERY_STEP = (clustering.update_productivity, investment.sign_projects, investment.advance_pipeline,
              firm_dynamics.grow, firm_dynamics.exit_firms, firm_dynamics.enter_firms, firm_dynamics.produce)


# the share of the firm table's rows that exited firms must reach for the table to be compacted at a year's
# start (compact_firms): moving every column of every row (~15 ms at scale 50) costs about what a year of
# passes over a fifth of the rows costs, so compacting every year (~10% exited) gained little; 0.2-0.4 were
# fastest, within noise of each other; at 0.25 a scale-50 plan run compacts twice (2028, 2031), its table has
# 21% fewer rows on average and 26% fewer at most (benchmarks/README.md, "Compacted firm table")
FIRM_COMPACTION_SHARE = 0.25
STREAMS = ("build",)  # the initial state; the dynamics draw through sim.randomness


def _definition(source, mesa_scenario, overrides: dict) -> Scenario:
    """The project's scenario: loaded from a path or variant name, or given, with ``overrides`` validated."""
    if isinstance(mesa_scenario, Scenario):
        raise TypeError("scenario= is Mesa's scenario; pass the project's scenario first: RegionModel(definition)")
    if isinstance(source, Scenario):
        return source.with_overrides(nest(overrides)) if overrides else source
    return load_scenario(scenario_path(source), nest(overrides) if overrides else None)


def _generator(rng, seed, mesa_scenario) -> np.random.Generator:
    """The model's generator, as Mesa 3.5 reads ``rng``/``seed`` (an int n gives default_rng(n)). Always a
    Generator, so that Mesa draws its stdlib seed from it, as every run has done."""
    if rng is not None and seed is not None:
        raise ValueError("you have to pass either rng or seed, not both")
    value = rng if rng is not None else seed
    if value is None and mesa_scenario is not None:
        value = mesa_scenario.rng
    return value if isinstance(value, np.random.Generator) else np.random.default_rng(value)


class RegionModel(mesa.Model):
    """Xinhui District under one scenario; ``run()`` simulates the horizon and returns the yearly records.

    ``RegionModel("plan", rng=1, **{"investment.projects_per_year": 130})``: a shipped variant name or a
    scenario file, keyword overrides of scenario keys (dotted names or nested dicts, validated like the YAML),
    and the seed as Mesa takes it (``rng=`` or ``seed=``: an int gives ``numpy.random.default_rng(int)``, the
    same as ``xinhui-sim run --seed``). ``scenario`` is Mesa's own (``mesa.experimental.scenarios``), kept as
    ``model.scenario``; the project's resolved scenario is ``model.definition``. ``collect``: a DataCollector
    of these district columns (True: sim.collect.HEADLINE), one row per year. A loaded scenario:
    ``RegionModel.from_scenario(definition, seed=1)``.
    """

    def __init__(self, source: str | Path | Scenario = "plan", *, rng=None, seed=None, firm_panel: bool = False,
                 collect: bool | Sequence[str] = True, scenario: MesaScenario | None = None, **overrides):
        definition = _definition(source, scenario, overrides)
        super().__init__(rng=_generator(rng, seed, scenario))
        if scenario is not None:
            self.scenario = scenario
        if collect:
            self.datacollector = make_collector(HEADLINE if collect is True else collect)
        self._build(definition, firm_panel)

    @classmethod
    def from_scenario(cls, definition: Scenario, seed: int | np.random.SeedSequence | None = None,
                      firm_panel: bool = False, collect: bool | Sequence[str] = False) -> RegionModel:
        """The model of an already loaded scenario (the batch workers' and tests' way)."""
        return cls(definition, seed=seed, firm_panel=firm_panel, collect=collect)

    def _build(self, scenario: Scenario, firm_panel: bool) -> None:
        allocator.keep_freed_memory()  # large temporaries reused, not re-faulted every step (sim/allocator.py)
        # all randomness flows from the model's rng: a stream for the initial state and a key for the
        # dynamics, whose draws are fixed by (mechanism, step, firm) so variants share them (common random numbers)
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS))))
        self.key = int(self.rng.integers(1 << 62))  # keys the per-step and per-firm draws (sim.randomness)
        self.definition = scenario
        self.region = scenario.region
        self.params = scenario.params
        self.scale = float(self.params.scale)
        self.first_year = self.params.horizon.first_year  # the scenario's first year; the plan starts here
        self.last_year = self.params.horizon.last_year
        self.steps_per_year = self.params.horizon.steps_per_year
        self.start_year, self.plan_params = self.first_year, None  # first simulated year; settings from first_year
        if history.is_historical(self.params):  # 2015 state, pre-plan settings until first_year (sim/history.py)
            self.region, self.start_year = history.historical_region(scenario)
        self.year, self.step_in_year = self.start_year, 0
        self.clock = (self.start_year - self.first_year) * self.steps_per_year
        self._index_region()
        self._make_agents()  # parks and pairs of the whole horizon: the scenario's, opened by their years
        if self.start_year < self.first_year:
            self.params, self.plan_params = history.historical_params(scenario)
            self.investment_params = self.params.investment
        self.firm_panel = firm_panel
        self.records = indicators.Recorder(self, firm_panel)
        self.year_stats = defaultdict(float)
        self.ledger = Ledger()  # every money flow, debited where it is credited (sim/ledger.py)
        self.district_budget_room_100m_cny = math.inf  # what the district can still spend this year (亿元)
        self.budgets = budgets.make_budgets(self)  # the district's and each town's debt and year-end figures
        self.taxes_collected: dict[int, dict[str, float]] = {}  # year -> tax type -> 亿元, before the split
        self.district_shared_revenue_100m_cny = 0.0  # the district's share of handed-on firms' taxes (statistic)
        self.public_services_100m_cny = 0.0  # public services paid by the district and towns this year (亿元)
        self.transport_paid_100m_cny: dict[int, float] = {}  # transport project -> cost paid so far (亿元)
        self.transport_open: set[int] = set()  # transport projects paid in full and open
        self.construction_received_at_accounts_100m_cny = 0.0  # firms:construction's receipts when last counted
        build.build_firms(self)
        self.median_firm_size = float(np.median(self.firms.capacity[self.firms.live()]))
        build.build_economy(self)
        build.build_villages(self)
        self.base_cluster_capacity = clustering.sector_zone_capacity(self)
        clustering.update_productivity(self)
        self._remember_base_year()
        self.build_people_and_services()
        # hiring is constrained by the towns' workers; ``labour_market`` is the hook firms hire through
        self.town_labour_market = self.labour_market = labour_market.TownLabourMarket(self)
        budgets.open_first_year(self)  # the rooms of the first year (later ones: budgets.close_year)
        self.year = self.start_year - build.WARM_UP_YEARS
        self.approval_offices = approvals.make_offices(self)  # staffed for 2022's projects (sim/rules/approvals.py)
        build.warm_up_pipeline(self)
        self.land_taken_mu[:] = 0.0  # the warm-up's uptake is not 2023's
        self.year = self.start_year

    # ---- construction -------------------------------------------------------------------------------
    def _index_region(self) -> None:
        r = self.region
        self.sector_ids = r.sector_ids
        self.sector_va_ratio = np.array([s.va_ratio for s in r.sectors])
        self.sector_tech_intensive = np.array([s.tech_intensive for s in r.sectors])
        self.zones = r.zones
        self.zone_index = {z.id: i for i, z in enumerate(r.zones)}
        self.town_ids = r.town_ids
        self.town_index = {t: i for i, t in enumerate(r.town_ids)}
        self.park_ids = [p.id for p in r.parks] + [p.id for p in self.params.clustering.new_parks]
        self.park_ids += [clustering.COBUILT_PARK_ID] if self.params.pairing.cobuilt_park_land_mu > 0 else []
        focus = [s.strip() for s in self.params.investment.focus_sectors.split(",") if s.strip()]
        self.focus_sector_indices = {self.sector_ids.index(s) for s in focus}
        self.focus_sector_mask = np.isin(np.arange(len(self.sector_ids)), sorted(self.focus_sector_indices))
        self.integration_start_year = self.params.integration.unified_attraction_start_year
        self.investment_params = self.params.investment  # the warm-up swaps in the pre-plan values

    def _make_agents(self) -> None:
        r = self.region
        self.towns = [Town(self, t, i, self.zone_index[t.zone]) for i, t in enumerate(r.towns)]
        specs = list(r.parks) + [clustering.new_park_spec(new) for new in self.params.clustering.new_parks]
        cobuilt = clustering.cobuilt_park_spec(self.params.pairing)
        specs += [cobuilt] if cobuilt else []
        self.parks = [Park(self, p, i, self.town_index[p.town], self.towns[self.town_index[p.town]].zone_index,
                           self.scale) for i, p in enumerate(specs)]
        self.town_zone = np.array([t.zone_index for t in self.towns])
        self.park_leads = np.array([[s in park.leading_sectors for s in self.sector_ids] for park in self.parks])
        self.park_leads.setflags(write=False)  # parks x sectors: the park leads in the sector
        self.park_outside = np.array([p.id == clustering.COBUILT_PARK_ID for p in self.parks] + [False])
        for park, outside in zip(self.parks, self.park_outside):
            park.outside_district = bool(outside)
        self.outside_slots = np.r_[False, self.park_outside[:-1]]  # by park slot (park + 1; 0: no park)
        self.villages = [Village(self, v, self.town_index[v.town]) for v in r.villages]
        self.village_by_id = {v.id: v for v in self.villages}
        self._villages_by_town = [tuple(v for v in self.villages if v.town_index == t) for t in range(len(self.towns))]
        # rows for 4 x the base firms: a run creates ~2.3 x (entrants), the compacted table holds at most ~1.4 x
        # (compact_firms); rows not used yet are never touched
        self.firms = FirmPopulation(int(r.district["industrial_firms_2022"] * self.scale * 4))
        self.firm_agents = FirmAgents(self)  # each live firm's Mesa agent, created when looked at
        # when exited firms leave the table (compact_firms): "year" at each year's start, "step" at every
        # step's (the tests' check that it changes nothing), "never"
        self.firm_compaction = "year"
        self.projects = investment.ProjectPipeline()
        self.pairs: list[Section] = list(self.params.pairing.pairs)
        self.steering_quota = np.zeros(len(self.towns))
        self.land_taken_mu = np.zeros(len(self.parks))  # land let this year by park (towns' land decision)

    def _remember_base_year(self) -> None:
        firms = self.firms
        output = np.bincount(firms.town, weights=firms.output_last_year, minlength=len(self.towns))
        va = np.bincount(firms.town, weights=firms.output_last_year * self.sector_va_ratio[firms.sector],
                         minlength=len(self.towns))
        for town, out, value_added in zip(self.towns, output, va):
            town.industrial_output_100m_cny = town.industrial_output_last_100m_cny = float(out)
            town.industrial_va_100m_cny = float(value_added)

    # ---- firms --------------------------------------------------------------------------------------
    def add_firms(self, sector, town, park, capacity, from_project=False, age=0.0, birth_year=None, origin=None,
                  productivity=None, demand=None, capital_intensity=1.0, draw_key=None):
        """New firms (arrays); ``origin``: the town that drew each one, if not its host (revenue sharing).
        Productivity defaults to the national reference (``productivity_index``), demand to the sales the
        capacity was built for (``demand.demand_of_new_capacity``); ``capital_intensity`` (κ, capital.py) to
        the base year's 1; ``draw_key`` (what its keyed draws hash, sim.randomness) to the firm's ``firm_id``."""
        productivity = self.productivity_index if productivity is None else productivity
        if demand is None:
            demand = firm_demand.demand_of_new_capacity(self, np.asarray(capacity), productivity)
        zone = self.town_zone[np.atleast_1d(town)]
        cells = self.no_cluster_cell
        zone_sector = zone * len(self.sector_ids) + sector
        rows = self.firms.add(len(np.atleast_1d(capacity)), sector=sector, town=town, zone=zone, park=park,
                              place_cell=(np.asarray(park) + 1) * cells + zone_sector,
                              cluster_cell=np.where(self.park_outside[park], cells, zone_sector),
                              place_key=self.place_key(np.asarray(sector), np.asarray(park), np.asarray(town)),
                              origin_town=town if origin is None else origin,
                              in_district=~self.park_outside[park],  # park -1 (none): the last entry, False
                              capacity=capacity, capital_intensity=capital_intensity,
                              productivity=productivity, demand=demand, age=age, alive=True,
                              from_project=from_project, birth_year=self.year if birth_year is None else birth_year,
                              exit_year=-1, growth_factor=1.0)  # capacity moves from next year (capital.invest)
        self.firms.draw_key[rows] = self.firms.firm_id[rows] if draw_key is None else draw_key
        self.firm_agents.created(rows)
        return rows

    def place_key(self, sector: np.ndarray, park: np.ndarray, town: np.ndarray) -> np.ndarray:
        """One integer per (sector, park or -1, town)."""
        return (sector.astype(np.int64) * (len(self.parks) + 1) + park + 1) * len(self.towns) + town

    def remove_firms(self, rows: np.ndarray) -> None:
        firms = self.firms
        firms.retire(rows, self.year, self.no_place_cell, self.no_cluster_cell)
        in_park = rows[firms.park[rows] >= 0]
        freed = np.bincount(firms.park[in_park], weights=firms.land_mu[in_park], minlength=len(self.parks))
        for park, land in zip(self.parks, freed):
            park.land_used_mu = max(park.land_used_mu - land, 0.0)
        self.year_stats["firm_exits"] += int(rows.size)
        self.year_stats["above_scale_exits"] += int(firms.above_scale[rows].sum())
        self.firm_agents.exited(rows)

    def compact_firms(self, min_share: float = 0.0) -> None:
        """Exited firms whose year is closed leave the firm table (``FirmPopulation.drop_exited``), so that the
        rules that pass over all rows every step pass over the live firms only; then every structure holding
        firm rows follows its firms: the projects' ``firm_row`` (-1 where its firm left), the Mesa agents, the
        cached row lists (``drop_exited``). A firm keeps its ``firm_id``, ``agent_id`` and ``draw_key``."""
        new_row = self.firms.drop_exited(min_share)
        if new_row is None:
            return
        firm_row = self.projects.firm_row
        linked = np.flatnonzero(firm_row >= 0)
        firm_row[linked] = new_row.take(firm_row[linked])
        self.firm_agents.moved(new_row)

    def step_rng(self, mechanism: str, step: int | None = None) -> np.random.Generator:
        """This step's generator for ``mechanism`` (``step`` defaults to the current step)."""
        return randomness.step_rng(self.key, mechanism, self.clock if step is None else step)

    def keyed_uniform(self, mechanism: str, rows: np.ndarray, step: int | None = None) -> np.ndarray:
        """One uniform per firm row, fixed by (mechanism, step, the firm's draw key): the same firm draws the
        same number in every variant (sim.randomness)."""
        return randomness.keyed_uniform(self.key, mechanism, self.clock if step is None else step,
                                        self.firms.draw_key[rows])

    def in_district(self) -> np.ndarray:
        """Whether each firm of the table is in Xinhui's accounts (the co-built park's are simulated outside):
        a read-only view of the firms' ``in_district`` column, set when they are added (a firm's park never
        changes; a dozen rules read it)."""
        flags = self.firms.in_district.view()
        flags.setflags(write=False)
        return flags

    def live_in_district(self) -> np.ndarray:
        """Whether each firm of the table is live and in Xinhui's accounts."""
        return self.firms.alive & self.in_district()

    def place_multipliers(self) -> np.ndarray:
        """Localization x park congestion by ``place_cell`` (park slot x cluster), and a last entry 0 for the
        cell of exited firms. (Integration acts through the project market and land, not as a multiplier.)"""
        congestion = np.concatenate(([1.0], self.congestion))  # by park slot: slot 0 (no park) is never congested
        table = self.localization.ravel()[None, :] * congestion[:, None]
        return np.concatenate((table.ravel(), [0.0]))

    @property
    def no_cluster_cell(self) -> int:
        """The cluster cell of firms outside Xinhui's clusters (the co-built park's) and of exited firms."""
        return len(self.zones) * len(self.sector_ids)

    @property
    def no_place_cell(self) -> int:
        """The place cell of exited firms: its multiplier is 0."""
        return (len(self.parks) + 1) * len(self.zones) * len(self.sector_ids)

    # ---- Mesa's agent registry: firm agents are created when it is read (sim.agents.firm.FirmAgents) -----
    @property
    def agents(self):
        self.firm_agents.sync()
        return super().agents

    @property
    def agents_by_type(self):
        self.firm_agents.sync()
        return super().agents_by_type

    @property
    def agent_types(self):
        self.firm_agents.sync()
        return super().agent_types

    def register_agent(self, agent) -> None:
        if hasattr(self, "firm_agents"):  # an agent created later than the firms follows them, as it would
            self.firm_agents.sync()
        super().register_agent(agent)

    def remove_all_agents(self) -> None:
        self.firm_agents.sync()
        super().remove_all_agents()

    def observe(self, observable_name, signal_type, handler) -> None:
        self.firm_agents.go_eager()  # observers hear of each firm agent as it comes and goes
        super().observe(observable_name, signal_type, handler)

    # ---- places -------------------------------------------------------------------------------------
    def parks_of_town(self, town: int) -> list[Park]:
        return [p for p in self.parks if p.town_index == town]

    def attraction_weights(self) -> np.ndarray:
        """Cumulative weights of towns drawing projects under town-by-town attraction: size, access, 赛马."""
        bonus = self.params.integration.horse_race_attraction_bonus
        # during a year, industrial_output_100m_cny holds the last completed year
        incentive = np.zeros(len(self.towns))  # a town's best open park with free land draws projects too
        for park in self.parks:
            if park.land_free_mu > 0 and not park.outside_district:
                incentive[park.town_index] = max(incentive[park.town_index], park.incentive)
        weights = np.array([np.sqrt(t.industrial_output_100m_cny) * (1 + t.access_index)
                            * (1 + bonus * t.horse_race_winner) for t in self.towns]) * (1 + incentive)
        return np.cumsum(weights)

    def unified_attraction_level(self) -> float:
        return integration.unified_level(self.params, self.year)

    def villages_of_town(self, town: int) -> list[Village]:
        return list(self._villages_by_town[town])

    # ---- pairing ------------------------------------------------------------------------------------
    def add_pair(self, donor: str, recipient: str, instrument: str, funds: float, projects: float = 0.0,
                 donor_type: str = "district_body"):
        p = self.params.pairing
        self.pairs.append(Section({"donor": donor, "donor_type": donor_type, "recipient": recipient,
                                   "instrument": instrument, "funds_10k_cny_per_year": funds,
                                   "projects_per_year": projects, "start_year": p.pairing_start_year,
                                   "end_year": self.last_year}))

    def active_pairs(self) -> list[Section]:
        return [pair for pair in self.pairs if pair.start_year <= self.year <= pair.end_year]

    def recipient_villages(self, recipient: str):
        if recipient in self.village_by_id:
            return [(self.village_by_id[recipient], 1.0)]
        members = [v for v in self.villages_of_town(self.town_index[recipient]) if not v.is_community]
        return [(v, 1.0 / len(members)) for v in members]

    # ---- time ---------------------------------------------------------------------------------------
    def step(self) -> None:
        # the year this step belongs to; between steps, the year last simulated (2033 after the last step)
        self.year = self.first_year + self.clock // self.steps_per_year
        if self.firm_compaction == "step" or (self.firm_compaction == "year" and self.step_in_year == 0):
            # at a year's start (the last year's exiters stay for its close and records)
            self.compact_firms(FIRM_COMPACTION_SHARE if self.firm_compaction == "year" else 0.0)
        if self.step_in_year == 0:
            self.year_stats = defaultdict(float)
            self.cluster_capacity_year = np.zeros((len(self.zones), len(self.sector_ids)))
            self.firms.input_year[:] = 0.0
            for phase in START_OF_YEAR:
                phase(self)
        for phase in EVERY_STEP:
            phase(self)
        self.clock += 1  # steps since the start of the first simulated year (negative in the warm-up)
        if self.step_in_year == self.steps_per_year - 1:
            self.close_year()
            self.collect()
            self.step_in_year = 0
            self.running = self.year < self.last_year
        else:
            self.step_in_year += 1

    def close_year(self) -> None:
        industry = self.account_industry()
        economy.grow_rest_of_economy(self, industry["secondary_growth"], industry["district_growth"])
        population.close_year(self)
        collective_assets.let_assets(self, industry["output_by_town_sector"])  # rents from this year's demand nearby
        chenpi.plant(self)
        citrus = chenpi.grow(self)
        villages.progress_demonstrations(self)  # before incomes: a completion lifts tourism that year
        villages.grow_income(self, industry["output_ratio"], citrus)
        villages.improve_environment(self)
        self.close_people_and_services()
        integration.run_horse_race(self)
        firm_dynamics.close_year(self)
        # after the firms' accounts: taxes on this year's profits and wages; the tax pass's wage bills and employment
        # go to the settlement and the tables (None below the compiled scales: they add them up themselves)
        firm_sums = public_finance.collect(self, industry)
        # land for next year is developed within this year's remaining room and paid before the budgets close,
        # so a payment beyond the year's money is borrowed and booked as debt (after the close it was an
        # overdraft of the district's account that no budget counted)
        clustering.expand_land(self)
        services.pay_town_centre_programme(self)  # within the district's room; its value added is next year's
        budgets.close_year(self)
        services.pay_public_sector(self)  # wages and purchases of what the budgets paid for public services
        households.settle(self, firm_sums)  # the rest of the households' income, their consumption and saving
        self.records.record_year(industry, firm_sums)
        self.ledger.close_year(self.year)

    def close_people_and_services(self) -> None:
        """Issue 12, after farm, industry and village incomes: 陈皮 tourism, household incomes (tertiary output
        of last year), services from them, GDP growth, then next year's urban shares."""
        chenpi.follow_tourism(self)
        households.update_incomes(self)  # from the towns' wages and employed residents (sim.rules.labour_market)
        services.update(self)
        economy.close_gdp(self)
        self.town_labour_market.learn_growth(self)  # every sector's output of this year is known from here
        urbanisation.urbanise(self)

    def build_people_and_services(self) -> None:
        """Base year (issue 12): urban shares, the 陈皮 chain, household incomes, then services calibrated to
        the 2022 tertiary output."""
        self.year = self.region.base_year
        self.wage_10k_cny = float(self.labour_market.wage(self))
        households.follow_district_wage(self)  # the base year's incomes, before the towns' labour market exists
        urbanisation.initial_shares(self)
        chenpi.build(self)
        households.update_incomes(self)
        services.build(self)
        urbanisation.initial_shares(self)  # remembers the base-year services per head
        self.year = self.first_year

    def account_industry(self) -> dict:
        """This year's industrial output by place (sector x park x town) and value added by town; growth."""
        firms = self.firms
        output = firms.output_year  # every firm of the table: 0 for those that did not produce this year
        threshold = self.params.firms.above_scale_threshold_100m_cny
        shape = (len(self.sector_ids), len(self.parks) + 1, len(self.towns))  # as place_table
        in_district = self.in_district()
        # one pass over the firm rows: all output (the co-built park's firms included), the above-scale output,
        # the firms drawn by one town and hosted by another (few) and those outside Xinhui's accounts that produced
        by_place, above, over_1bn, handed, by_town_sector = kernels_year.industry_sums(
            firms.place_key, output, threshold, in_district, shape[0] * shape[1] * shape[2], firms.origin_town,
            firms.town, firms.sector, shape[2], shape[0])
        by_place = by_place.reshape(shape)
        outside = self.outside_slots[None, :, None]  # the co-built park is outside Xinhui's accounts
        inside = np.where(outside, 0.0, by_place)
        above = np.where(outside, 0.0, above.reshape(shape))
        cobuilt_va = float((by_place[:, self.outside_slots, :].sum(axis=(1, 2)) * self.sector_va_ratio).sum())
        out_by_town = inside.sum(axis=(0, 1))
        va_by_town = (inside.sum(axis=1) * self.sector_va_ratio[:, None]).sum(axis=0)
        # over_1bn: firms with 10亿元 of output a year
        handed_on = self.handed_on_va(handed, output[handed])
        old_va = np.array([t.industrial_va_100m_cny for t in self.towns])
        ratio, growth = {}, {}
        for town, out, value_added, old in zip(self.towns, out_by_town, va_by_town, old_va):
            town.industrial_output_last_100m_cny = town.industrial_output_100m_cny
            ratio[town.index] = out / town.industrial_output_last_100m_cny if town.industrial_output_last_100m_cny else 1.0
            town.industrial_output_100m_cny = float(out)
            town.industrial_va_100m_cny = float(value_added)
            growth[town.id] = float(np.log(max(value_added, 1e-9) / max(old, 1e-9)))
        district = float(np.log(max(va_by_town.sum(), 1e-9) / max(old_va.sum(), 1e-9)))
        return {"firms_over_1bn_cny_output": over_1bn, "output_by_place": inside, "above_scale_by_place": above,
                "output_by_park": by_place.sum(axis=(0, 2))[1:], "va": dict(zip(self.town_ids, va_by_town)),
                "handed_on_va": handed_on, "output_ratio": ratio, "cobuilt_va": cobuilt_va,
                "output_by_town_sector": by_town_sector.reshape(shape[2], shape[0]),  # in Xinhui (village rents)
                "secondary_growth": growth, "district_growth": district}

    def place_table(self, rows: np.ndarray | None, values: np.ndarray | None = None) -> np.ndarray:
        """Sum of ``values`` (count without) over firm rows (None: all) by sector x park slot (park + 1; 0: no
        park) x town."""
        shape = (len(self.sector_ids), len(self.parks) + 1, len(self.towns))
        keys = self.firms.place_key if rows is None else self.firms.place_key[rows]
        if values is None:
            return np.bincount(keys, minlength=shape[0] * shape[1] * shape[2]).reshape(shape)
        return kernels.cell_sums(keys, values, shape[0] * shape[1] * shape[2]).reshape(shape)

    def handed_on_va(self, rows: np.ndarray, output: np.ndarray) -> dict:
        """Value added of firms drawn by one town and hosted by another, by (origin, host): revenue sharing."""
        firms, n = self.firms, len(self.towns)
        towns, origins = firms.town[rows], firms.origin_town[rows]
        handed = np.flatnonzero(origins != towns)
        va = output[handed] * self.sector_va_ratio[firms.sector[rows[handed]]]
        pairs = np.bincount(origins[handed].astype(np.int64) * n + towns[handed], weights=va, minlength=n * n)
        return {(self.town_ids[k // n], self.town_ids[k % n]): float(pairs[k]) for k in np.flatnonzero(pairs)}

    def collect(self) -> None:
        """The DataCollector's row of the year just closed, if the model has one."""
        if hasattr(self, "datacollector"):
            self.datacollector.collect(self)

    def run(self) -> indicators.Recorder:
        while self.running:
            self.step()
        return self.records

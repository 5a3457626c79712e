"""The scenario schema: every key a scenario YAML may set, with default, unit, meaning and source.

Defaults describe the trends before the plan (scenarios/baseline.yaml sets nothing else); scenarios/plan.yaml
switches the plan's policies on. This is the single source of truth: the loader validates against it, ``xinhui-sim schema`` prints it and
``docs/scenarios.md`` is generated from it (a test fails if the two drift).
Sources are short references to ``docs/sources/`` (facts = xinhui_facts.md, lit = literature.md with its
row label, plan = plan_targets.yaml); "estimate:" marks a number without a source, with its reasoning.
"""

from __future__ import annotations

from sim.scenario.spec import Param, RecordList, Weights

P = Param
YEARS = {"min": 2000, "max": 2100}  # a calendar year; check_references keeps each inside the horizon

HORIZON = {
    "first_year": P(2023, "year", "First simulated year (the base year 2022 is the initial state).",
                    "plan: plan_start", kind="year", min=2023, max=2023),
    "last_year": P(2033, "year", "Last simulated year.", "plan: horizon fundamental_change", kind="year",
                   min=2024, max=2043),
    "steps_per_year": P(4, "steps", "Steps per year (4 = quarterly).", "foundation issue: quarterly steps",
                        kind="int", min=1, max=12),
}

ECONOMY = {
    "price_growth_per_year": P(0.0, "1/yr", "Growth of the price level; all money is nominal = 2022 prices "
                               "times this index.", "estimate: China's GDP deflator was near or below 0 "
                               "in 2023-2024, so 0 keeps nominal close to real", min=-0.05, max=0.10),
    "primary_growth_per_year": P(0.045, "1/yr", "Trend growth of primary output other than 新会柑 "
                                 "(aquaculture, crops, livestock).", "estimate: 2023 primary real growth "
                                 "6.4% (facts §4a) includes citrus; aquaculture >66亿 growing", min=-0.2,
                                 max=0.3),
    "chenpi_value_growth_per_year": P(0.10, "1/yr", "Growth of the 陈皮 whole-chain value per mu of 新会柑 "
                                      "(drives citrus primary output and village citrus income).",
                                      "estimate: 2016-2023 CAGR 34% with flat area since 2022 (facts §5); "
                                      "assumed to taper to 10%", min=-0.2, max=0.5),
    "citrus_area_growth_per_year": P(0.0, "1/yr", "Growth of the 新会柑 planted area.",
                                     "facts §5: 13.9万亩 (2022) -> 14.3万亩 (2023), flat since", min=-0.1,
                                     max=0.2),
    "tertiary_trend_growth_per_year": P(0.02, "1/yr", "Growth of tertiary output with no industrial growth.",
                                        "estimate: calibrated with the elasticity below to the 2023 tertiary "
                                        "growth of 4.6% (facts §4a)", min=-0.1, max=0.2),
    "tertiary_elasticity_to_secondary": P(0.3, "1", "Elasticity of a town's tertiary output to its secondary "
                                          "output (producer and consumer services follow industry).",
                                          "estimate: 2023 growth 4.6% tertiary vs 9.6% secondary", min=0,
                                          max=1.5),
    "population_growth_per_year": P(0.0068, "1/yr", "District resident population growth.",
                                    "derived: +60,100 residents 2010-2020 on ~849k (facts §0)", min=-0.05,
                                    max=0.05),
    "migration_elasticity": P(0.2, "1", "Extra population growth of a town per unit of its secondary growth "
                              "above the district's (jobs attract residents).", "estimate", min=0, max=2),
}

FIRMS = {
    "first_year_recovery_growth": P(0.05, "1 (log)", "Extra log growth of the demand for every firm's output in "
                                    "the first simulated year only: the rebound from a 2022 depressed by COVID "
                                    "controls (capacity was built for it: 2022 utilisation was below target).",
                                    "estimate: calibrated so that 2023 secondary growth is near the observed "
                                    "9.6% (facts §4a) without raising the structural drift", min=-0.5, max=0.5),
    "productivity_growth_per_year": P(0.0285, "1/yr", "Growth of every incumbent's own productivity (TFP) and "
                                      "of the national reference its competitiveness is measured against.",
                                      "lit F6: incumbent TFP growth 2.85%/yr, gross output, Chinese "
                                      "manufacturing 1998-2007 (Brandt, Van Biesebroeck & Zhang 2012)",
                                      min=-0.05, max=0.1),
    "depreciation_rate_per_year": P(0.096, "1/yr", "Geometric depreciation of firms' fixed capital.",
                                    "lit: 9.6%/yr, the rate of China's provincial capital stocks (张军, "
                                    "吴桂英 & 张吉鹏 2004, 经济研究 10:35-44)", min=0.0, max=0.3),
    "capital_output_ratio": P(0.667, "亿元 per 亿元/yr", "Fixed capital per unit of full-capacity gross "
                              "output (at own productivity and place multiplier 1).", "calibrated: with the "
                              "VA ratios, labour share, depreciation and target utilisation gives a 2022 profit "
                              "margin of 5.8% on sales, China's 规上工业 2023 营业收入利润率 5.76% (NBS); "
                              "output per 亿元 invested 1.5 meets Guangdong land contracts (>= 1)", min=0.1,
                              max=5.0),
    "target_utilisation": P(0.75, "share", "Capacity utilisation firms plan for: capital is installed so that "
                            "expected sales are this share of full capacity (the accelerator's target).",
                            "data: China's industrial capacity utilisation 75.1% in 2023 (NBS quarterly "
                            "survey)", min=0.3, max=1.0),
    "financing_multiple": P(2.3, "1", "Investment a firm can finance per 亿元 of last year's cash flow "
                            "(value added less wages): its own funds plus borrowing.", "derived: 规上工业 "
                            "资产负债率 about 57% (NBS 2023), so own funds are 43% of assets: 1 / 0.43",
                            min=0.0, max=20.0),
    "labour_productivity_10k_cny_per_worker": P(30.58, "万元/yr per worker", "Value added per worker in the "
                                                 "secondary sector in 2023 at the national reference "
                                                 "competitiveness (industry and construction alike).",
                                                 "data: 511.27亿 secondary value added / 16.72万 secondary "
                                                 "workers, 2023 (facts §4a)", min=1.0, max=500.0),
    "labour_share_of_value_added": P(0.45, "share", "Wages as a share of value added in 2023 at the reference "
                                     "labour productivity; the wage then follows its own path.", "lit: "
                                     "labour share of Chinese industrial value added about 0.4-0.5 (Bai & Qian "
                                     "2010, China Econ. Rev. 21:650-670); 0.45 the middle", min=0.05, max=0.95),
    "wage_growth_per_year": P(0.0285, "1/yr", "Real growth of the wage per worker (the path hiring pays "
                              "until a labour market sets it).", "lit F6: equal to incumbent productivity "
                              "growth, so the labour share of a reference firm stays constant", min=-0.1, max=0.2),
    "replicator_elasticity": P(1.0, "1", "chi in the replicator: a firm's market share grows by chi x (its "
                               "competitiveness / the sector reference - 1) a year.", "lit E1: K+S "
                               "replicator dynamics, chi = 1 (Dosi, Fagiolo & Roventini 2010)", min=0.0, max=10.0),
    "competitiveness_floor": P(0.8, "1", "A firm whose competitiveness (own productivity x place multiplier) "
                               "falls below this share of its sector's reference exits.", "lit E1: K+S exit "
                               "below a competitiveness/market-share floor; level estimate", min=0.0, max=1.0),
    "exit_loss_years": P(3, "years", "A firm exits after this many consecutive years of negative profit.",
                         "estimate: a firm survives two bad years on its reserves and credit", kind="int", min=1, max=10),
    "tech_upgrade_cost_share": P(0.1, "share", "Investment a 技改 costs, as a share of the firm's capital "
                                 "(spent in its start year, counted in fixed-asset investment).",
                                 "estimate: an upgrade renews about a tenth of the equipment", min=0.0, max=1.0),
    "growth_spread_at_reference": P(0.17, "1 (log)", "Laplace scale of annual log growth at the reference "
                                    "size; shocks are mean-preserving.", "lit F3/F3e: tent-shaped growth "
                                    "rates; estimate of the level", min=0.0, max=0.9),
    "growth_spread_size_exponent": P(0.2, "1", "beta in sigma(g|S) ~ S^-beta.",
                                     "lit F3: beta = 0.20 +- 0.03 (Amaral et al. 1997)", min=0, max=0.5),
    "reference_size_100m_cny": P(1.0, "亿元/yr", "Output at which the growth spread equals the reference.",
                                 "convention", min=0.001, max=1000),
    "size_tail_exponent": P(1.05, "1", "CCDF exponent of the initial firm output distribution.",
                            "lit F1 (Axtell 2001, ~1.06) and F2 (Chinese provinces 1.0-1.5)", min=0.5, max=3),
    "exit_hazard_by_age": P([0.016, 0.063, 0.095, 0.090, 0.085, 0.082, 0.080, 0.070, 0.060, 0.050, 0.040],
                            "1/yr", "Annual exit hazard at firm age 1, 2, ...; the last value holds for older "
                            "firms.", "lit F5: SAIC 2013 (1.6%, 6.3%, 9.5% peak at year 3, >8% to year 7, "
                            "then falling); tail estimate", kind="float_list", min=0, max=1),
    "exit_size_elasticity": P(0.15, "1", "Hazard scales with (output / median output)^-elasticity: small "
                              "firms exit more.", "estimate: above-scale firms leave the 规上 register (closing or falling "
                              "below 2000万) at 5-10% a year (lit §6.3); closures alone ~4.5%",
                              min=0, max=2),
    "entry_rate_per_year": P(0.065, "1/yr", "Organic entrants per year as a share of live firms.",
                             "lit F5: domestic death rate 6.2-9.3% with a roughly stable stock; estimate",
                             min=0, max=0.5),
    "entrant_median_output_100m_cny": P(0.05, "亿元/yr", "Median output of an organic entrant.",
                                        "estimate: small private firms (500万/yr)", min=0.001, max=10),
    "above_scale_threshold_100m_cny": P(0.2, "亿元/yr", "Annual revenue for 规模以上 status (小升规).",
                                        "NBS: 2000万 main-business revenue since 2011", min=0.01, max=10),
    "tech_upgrade_rate_per_year": P(0.05, "1/yr", "Probability that an above-scale firm starts a technical "
                                    "upgrade (技改) in a year.", "estimate: about 55 a year before the plan, "
                                    "which set 100 a year (plan: tech_upgrades_per_year)", min=0, max=1),
    "tech_upgrade_gain": P(0.06, "1", "Productivity gain of a completed upgrade, realised one year after it "
                           "starts.", "estimate", min=0, max=1),
    "high_tech_certification_rate": P(0.15, "1/yr", "Probability a tech-intensive above-scale firm is newly "
                                      "certified high-tech in a year (others: a quarter of it; an upgrade "
                                      "doubles it).", "estimate: keeps the stock near 500-550 before the plan "
                                      "(facts §4b target >550 for 2023)", min=0, max=1),
    "high_tech_loss_rate": P(0.08, "1/yr", "Probability a certified firm loses or does not renew its "
                             "certificate in a year (certificates run 3 years).", "estimate", min=0, max=1),
    "high_tech_productivity_gain": P(0.03, "1", "Productivity premium of certified firms (tax relief, R&D).",
                                     "estimate; lit: 林毅夫 et al. 2018 find zone effects through lower taxes",
                                     min=0, max=0.5),
}

_SECTOR_MIX = {"high_end_equipment": 0.22, "new_materials": 0.16, "electronics": 0.10, "biomedicine": 0.05,
               "new_energy": 0.17, "light_textile": 0.12, "agri_food": 0.10, "other": 0.08}

INVESTMENT = {
    "projects_per_year": P(75.0, "projects/yr", "Mean number of signed investment projects (Poisson).",
                           "estimate: with the size distribution below gives about 290亿 signed a year, "
                           "below the plan's 500亿 target (plan: investment_landed_2023_2025)", min=0, max=10000),
    "inflow_growth_per_year": P(0.0, "1/yr", "Growth of the number of signed projects.", "estimate", min=-0.5,
                                max=1),
    "project_size_min_100m_cny": P(1.0, "亿元", "Smallest signed project (total investment).",
                                   "lit I3: Anqing counts projects >= 1亿", min=0.01, max=1000),
    "project_size_tail_exponent": P(1.2, "1", "Pareto exponent of signed project size.",
                                    "estimate: heavy tail, a few 100亿 projects (CALB 200亿, lit I4)", min=0.5,
                                    max=4),
    "project_size_max_100m_cny": P(200.0, "亿元", "Largest signed project.", "lit I4: CALB base 200亿",
                                   min=0.01, max=100000),
    "sector_mix": Weights("sectors", dict(_SECTOR_MIX), doc="Relative frequency of sectors among signed "
                          "projects.", source="estimate: 2022 output mix tilted to new energy (CALB) and "
                          "new materials (facts §3)"),
    "landing_rate": P(0.94, "share", "Share of signed projects that land (are not abandoned).",
                      "lit I5: Xinhui 2020 landing rate 94.3% (upper bound); lit I3: 82-95%", min=0, max=1),
    "start_probability_per_quarter": P(0.5, "1/quarter", "Probability a landed project starts construction "
                                       "in a quarter.", "lit I3: 82-95% start within a year", min=0.01, max=1),
    "construction_quarters_min": P(4, "quarters", "Shortest construction.", "lit I4: fast-track ~1 year",
                                   kind="int", min=1, max=20),
    "construction_quarters_max": P(12, "quarters", "Longest construction (uniform between min and max: "
                                   "2 years on average).", "lit I2: ~2 years on average (Koeva 2000); lit "
                                   "I3: 30-55% produce within 2 years of signing", kind="int", min=1, max=40),
    "ramp_up_quarters": P(8, "quarters", "Quarters from first production to full capacity.", "estimate",
                          kind="int", min=1, max=40),
    "funds_in_place_share": P(0.30, "share", "Share of a signed total investment that is really spent and "
                              "becomes productive capacity.", "lit I3: ~23% (Qingyang), ~30% (Sichuan) of "
                              "funds in place", min=0, max=1),
    "land_intensity_100m_cny_per_mu": P(0.067, "亿元/亩", "Signed investment per mu of industrial land.",
                                        "derived: CALB 200亿 on 3,000亩 set aside (facts §3)", min=0.001, max=10),
    "expansion_share": P(0.3, "share", "Share of projects that expand an existing firm of the sector in the "
                         "chosen park (增资扩产) instead of founding one.", "estimate", min=0, max=1),
    "outside_park_share": P(0.15, "share", "Share of projects located on scattered town land, not in a park, "
                            "when attraction is town by town.", "estimate: 村级工业园 and scattered plots",
                            min=0, max=1),
    "choice_land_weight": P(1.0, "1", "Logit weight of log free land in the park choice (the land free at the "
                            "start of the step: a step's projects choose at once).", "estimate",
                            min=0, max=100),
    "choice_profit_weight": P(10.0, "1", "Logit weight of the expected log productivity gain from "
                              "localization (elasticity x log(1 + same-sector output in the zone)).",
                              "estimate: at a 10% margin, 1% more productivity is ~10% more profit; "
                              "lit A8: localization drives location", min=0, max=100),
    "choice_access_weight": P(2.0, "1", "Logit weight of the host town's access index (0-1).", "estimate",
                              min=0, max=100),
    "choice_incentive_weight": P(3.0, "1", "Logit weight of an incentive as a share of the investment (a "
                                 "park's standing preferential policy, its discount times the project's land "
                                 "at list price and tax over the horizon, or the subsidy and land discount a "
                                 "bidder pays in the project market); a town's draw weight also rises by "
                                 "(1 + its best open park's incentive).", "estimate: a project's yearly profit "
                                 "is ~3.5% of its investment (10% margin on output 0.45x investment, "
                                 "lit I3), ~30% over 10 years, so a grant of 10% of the investment is ~1/3 "
                                 "more profit, ~0.3 in log-profit units as choice_profit_weight measures; lit "
                                 "§2: zones work mainly through lower taxes (林毅夫 et al. 2018)", min=0, max=100),
    "outside_location_utility": P(10.75, "1", "Logit utility of the best other county's location for a project, "
                                  "before its incentive, on the scale of the park utilities (free land, "
                                  "localization, access, sector match).", "estimate: set so that about one in "
                                  "ten landing projects goes to another county under town-by-town attraction "
                                  "(baseline 2023-2033: 80 of 857 signed, seed 1)",
                                  min=-100, max=100),
    "outside_offer_low_share": P(0.0, "share", "Lowest incentive (subsidy and land discount, share of the "
                                 "investment) another county offers; offers are uniform between low and high.",
                                 "estimate: some counties offer nothing beyond standard land prices", min=0,
                                 max=1),
    "outside_offer_high_share": P(0.10, "share", "Highest incentive another county offers (share of the "
                                  "investment).", "estimate: land at half price (~4% of the investment at "
                                  "15亩 per 亿, 0.005亿/亩) plus grants of a few % in the Pearl River Delta's "
                                  "periphery", min=0, max=1),
    "other_towns_known_per_project": P(3, "towns", "Under town-by-town attraction, how many towns besides "
                                       "the one that drew it a project knows and hears offers from (drawn by "
                                       "the towns' draw weights); unified attraction (统一招商) shows it every "
                                       "park.", "estimate: a site search shortlists a few locations; limited "
                                       "search is the information 统一招商 pools (lit §2, 寇晓东 & 汪红 2019)",
                                       kind="int", min=0, max=100),
    "town_value_horizon_years": P(5.0, "years", "Years of a project's tax a government weighs when it sets the "
                                  "most it would offer (undiscounted).", "estimate: a leadership term (5 "
                                  "years); bounded rationality", min=0, max=50),
    "town_share_of_local_tax": P(0.5, "share", "Share of the local governments' tax from a project in a town "
                                 "that the town itself keeps (the rest is the district's): what a town weighs "
                                 "when it bids alone; the district, bidding under unified attraction, weighs "
                                 "all of it.", "estimate: district-town fiscal systems in Guangdong leave towns "
                                 "about half of local revenue raised in them", min=0, max=1),
    "industrial_land_price_100m_cny_per_mu": P(0.005, "亿元/亩", "List price of serviced industrial land (a "
                                               "town discounts it by its idle share when it bids).",
                                               "estimate: Guangdong county industrial land ~30-70万元/亩", min=0,
                                               max=1),
    "choice_sector_match_weight": P(1.0, "1", "Logit bonus when the project's sector leads the park.",
                                    "estimate", min=0, max=100),
    "steering_share": P(0.0, "share", "Share of projects in the focus sectors the district steers to parks "
                        "leading those sectors.", "estimate; plan: 6+1 platforms", min=0, max=1),
    "focus_sectors": P("", "sector ids", "Comma-separated sectors the district steers projects into.",
                       "plan: 新材料, 新能源 千亿 clusters", kind="str"),
}

_OUTSIDE_GROWTH = {
    sector: P(0.046, "1/yr", f"Real growth of the outside market for {sector} (national sales the district's firms "
              "compete for).", "data: China's 规上工业增加值 grew 4.6% in 2023 (NBS statistical communique); one "
              "rate for every sector, for want of a sourced sector projection", min=-0.5, max=0.5)
    for sector in _SECTOR_MIX
}

_DEMAND_SHOCK = {
    "sector": P("", "sector id", "Sector whose outside demand is shocked.", "scenario", kind="str"),
    "first_year": P(2025, "year", "First year of the shock.", "scenario", kind="year", min=2023, max=2043),
    "last_year": P(2025, "year", "Last year of the shock.", "scenario", kind="year", min=2023, max=2043),
    "growth_change_per_year": P(-0.1, "1/yr", "Added to the sector's outside growth in each year of the shock "
                                "(log).", "scenario", min=-1.0, max=1.0),
}

DEMAND = {
    "outside_growth_per_year": _OUTSIDE_GROWTH,
    "inside_share": P(0.2, "share", "Share of each sector's sales bought inside the district (by its firms, "
                      "builders and households); that part grows with last year's district GDP.", "estimate: "
                      "Xinhui's industry sells mostly outside (exports alone 310亿 in 2017, facts §4a)",
                      min=0.0, max=1.0),
    "shocks": RecordList(_DEMAND_SHOCK, "Changes of a sector's outside demand growth over given years.",
                         required=("sector", "first_year", "last_year", "growth_change_per_year")),
}

_NEW_PARK = {
    "id": P("", "park id", "Id of the new park (must not clash with the region's parks).", "scenario", kind="str"),
    "town": P("", "town id", "Host town.", "scenario", kind="str"),
    "sectors": P("", "sector ids", "Comma-separated leading sectors.", "scenario", kind="str"),
    "land_mu": P(3000.0, "亩", "Serviced industrial land when it opens.", "estimate: facts §3, 凤山湖 set aside "
                 "3,000亩", min=0, max=100_000),
    "open_year": P(2025, "year", "Year the park opens (land available from the start of that year).",
                   "scenario", kind="year", **YEARS),
    "expansion_mu_per_year": P(0.0, "亩/yr", "Most serviced land it may add a year after opening (its quota; "
                                  "clustering.land_reserve_years sets what it adds).", "estimate", min=0,
                                  max=10_000),
    "incentive": P(0.2, "share", "Discount on land price and taxes a new park offers (preferential policy).",
                   "estimate; lit §2: zone effects through lower taxes", min=0, max=1),
}

CLUSTERING = {
    "new_parks": RecordList(_NEW_PARK, "Parks opened during the horizon (e.g. for the park-effect check).",
                            required=("id", "town", "sectors")),
    "localization_elasticity": P(0.045, "1", "Elasticity of firm productivity to own-sector output in its "
                                 "zone (relative to 2022).", "lit A2: preferred 2.7-6.4% (Donovan et al. 2024)",
                                 min=0, max=0.3),
    "congestion_threshold": P(0.9, "share", "Park occupancy above which congestion lowers productivity.",
                              "estimate", min=0, max=1),
    "congestion_penalty": P(0.05, "1", "Productivity loss at full occupancy (linear above the threshold).",
                            "estimate; lit A9/A10: inverted U", min=0, max=1),
    "land_reserve_years": P(3.0, "years", "Years of last year's land uptake a park keeps serviced and free; "
                            "each year its town develops the shortfall, within the park's quota and the budget "
                            "room.", "estimate: 征地 to 出让 takes 2-3 years, so towns plan that far ahead",
                            min=0, max=50),
    "land_development_cost_100m_cny_per_mu": P(0.003, "亿元/亩", "Cost of servicing a mu of industrial land "
                                               "(acquisition, levelling, roads and utilities), paid by the town "
                                               "(the district under unified land planning).", "estimate: "
                                               "~30万元/亩, below the land price so that letting land pays",
                                               min=0, max=1),
    "renewal_mu_per_year": P(300.0, "亩/yr", "Old industrial land renewed into park land (工改), district "
                             "total, given to parks by their land pressure.", "estimate", min=0, max=10_000),
}

_TRANSPORT = {
    "town": P("", "town id", "Town whose access improves.", "scenario", kind="str"),
    "year": P(2025, "year", "Year the link opens.", "scenario", kind="year", **YEARS),
    "access_gain": P(0.1, "index", "Increase of the access index (0-1).", "estimate", min=0, max=1),
}

INTEGRATION = {
    "unified_attraction_start_year": P(2023, "year", "Year unified district attraction (统一招商) starts.",
                                       "plan: 区镇经济一体化改革 from 2023", kind="year", **YEARS),
    "unified_attraction_intensity": P(0.0, "share", "Share of projects matched district-wide to the best "
                                      "park rather than by the town that drew them.", "estimate", min=0,
                                      max=1),
    "phase_in_years": P(3, "years", "Years over which integration effects reach full strength.",
                        "plan: 三年初见成效", kind="int", min=1, max=10),
    "revenue_sharing_start_year": P(2023, "year", "Year revenue sharing (利益共享) for handed-on projects starts.",
                                    "plan: 区镇一体", kind="year", **YEARS),
    "revenue_share": P(0.0, "share", "Share of the tax of a firm whose project landed outside the town "
                       "that drew it, paid to that town (利益共享: compensation for handing a project on).",
                       "lit §2: 寇晓东 & 汪红 2019, compensation 10-25%", min=0, max=1),
    "unified_land_planning": P(False, "bool", "Park expansion quotas go to the parks with the most land "
                               "pressure instead of each park's own quota.", "plan: 规划一体化", kind="bool"),
    "service_integration_lag_reduction": P(0.0, "share", "Cut r in construction time; the start probability "
                                           "per quarter rises to p/(1-r) (服务一体化).", "lit I4: fast-track "
                                           "rules; estimate", min=0, max=0.9),
    "horse_race_reward_100m_cny": P(0.0, "亿元/yr", "Fiscal reward to each of the 3 towns with the fastest "
                                    "industrial growth (赛马).", "estimate; plan: 赛马 system", min=0, max=100),
    "horse_race_attraction_bonus": P(0.0, "share", "Extra weight in town-level project attraction for the "
                                     "last year's top 3 towns.", "estimate", min=0, max=5),
    "transport_projects": RecordList(_TRANSPORT, "Access improvements (G240, 深江 rail, park ring roads).",
                                     required=("town", "year")),
}

_PAIR = {
    "donor": P("", "name", "Donor (district body, SOE, enterprise, town id or county).", "scenario",
               kind="str"),
    "donor_type": P("district_body", "", "Kind of donor.", "plan: 组团帮扶, 百企兴百村, 新台合作", kind="str",
                    choices=("district_body", "soe", "enterprise", "town", "county")),
    "recipient": P("", "village or town id", "Recipient village or town.", "scenario", kind="str"),
    "instrument": P("transfer", "", "transfer: funds invested in collective property; capacity: training "
                    "and management; steered_project: donor steers projects to the recipient town.",
                    "lit §2", kind="str", choices=("transfer", "capacity", "steered_project")),
    "funds_10k_cny_per_year": P(50.0, "万元/yr", "Funds a year (transfer and capacity instruments).",
                                "estimate", min=0, max=100_000),
    "projects_per_year": P(1.0, "projects/yr", "Projects steered a year (steered_project).", "estimate",
                           min=0, max=100),
    "start_year": P(2023, "year", "First year of the pair.", "plan", kind="year", **YEARS),
    "end_year": P(2033, "year", "Last year of the pair (may lie after the horizon).", "plan", kind="year",
                  **YEARS),
}

PAIRING = {
    "pairs": RecordList(_PAIR, "Explicit pairs.", required=("donor", "recipient")),
    "weakest_villages_paired": P(0, "villages", "Number of weakest administrative villages (by operating "
                                 "income) that district bodies and SOEs pair with by rule (组团帮扶).",
                                 "plan: 区属机关事业单位、区属国有企业组团帮扶", kind="int", min=0, max=199),
    "district_funds_10k_cny_per_village_year": P(50.0, "万元/yr", "Rule-based district funds per paired "
                                                 "weak village.", "estimate", min=0, max=10_000),
    "enterprise_paired_villages": P(0, "villages", "Villages paired with enterprises (百企兴百村), chosen "
                                    "from the weakest after the district's.", "facts §7a: 百企兴百村",
                                    kind="int", min=0, max=199),
    "enterprise_funds_10k_cny_per_village_year": P(20.0, "万元/yr", "Enterprise funds per paired village.",
                                                   "estimate", min=0, max=10_000),
    "pairing_start_year": P(2023, "year", "First year of rule-based pairing.", "plan", kind="year", **YEARS),
    "strong_weak_town_pairs": P(0, "pairs", "Strong towns paired with the weakest towns; each pair steers "
                                "the next landing projects of any sector to the weak town (its parks, else "
                                "scattered land).",
                                "plan: 镇与镇之间的协作机制", kind="int", min=0, max=5),
    "steered_projects_per_pair_year": P(1.0, "projects/yr", "Projects a strong town steers to its partner.",
                                        "estimate", min=0, max=100),
    "cobuilt_park_land_mu": P(0.0, "亩", "Land of the 新台 co-built park in Taishan (0 = none). Its firms are "
                              "outside Xinhui's accounts; Xinhui receives a share of their tax.",
                              "plan: 新台合作 园区共建; size estimate", min=0, max=1e6),
    "cobuilt_park_open_year": P(2026, "year", "Year the co-built park opens.", "estimate", kind="year", **YEARS),
    "cobuilt_park_sectors": P("high_end_equipment, new_energy", "sector ids", "Comma-separated leading "
                              "sectors of the co-built park.", "plan: 海工装备, 新能源", kind="str"),
    "cobuilt_park_partner_town": P("yamen", "town id", "Xinhui town that co-builds it and receives the "
                                   "revenue share (崖门 borders Taishan).", "estimate", kind="str"),
    "cobuilt_park_revenue_share": P(0.5, "share", "Xinhui's share of the co-built park's tax revenue.",
                                    "lit §2: Tang & Zhang 2024, benefit sharing gives donors an incentive",
                                    min=0, max=1),
    "effect_lag_years": P(3, "years", "Years from disbursement until funded property or skills yield "
                          "income; the yield then ramps up over two more years.", "lit §2: Xinjiang DID, "
                          "effects significant ~5 years after start; lit §6.6: lag 3-5 years", kind="int",
                          min=0, max=10),
    "threshold_10k_cny": P(60.0, "万元", "Cumulative funds below which a village's funded assets yield "
                           "nothing (too small to build leasable property).", "lit §2: 贺立龙 et al. 2023, "
                           "aid works only above a threshold; level estimate", min=0,
                           max=100_000),
    "yield_per_year": P(0.08, "1/yr", "Operating income per 万元 of effective funded assets at the "
                        "median village.", "estimate: rent yields of collective property 6-10%", min=0,
                        max=1),
    "diminishing_exponent": P(0.75, "1", "Effective assets = (cumulative funds - threshold)^exponent x "
                              "scale; below 1 gives diminishing returns.", "lit §2: diminishing marginal "
                              "returns (贺立龙 et al. 2023)", min=0.1, max=1),
    "base_strength_elasticity": P(0.3, "1", "Effect scales with (village base income / median)^elasticity: "
                                  "stronger bases gain more.", "lit §2: larger where initial capacity is "
                                  "higher (Xinjiang, Tibet DIDs)", min=0, max=1),
    "capacity_growth_gain": P(0.02, "1/yr", "Extra growth of non-leasing operating income after the lag, "
                              "per 100万 of capacity funds, saturating at 3 times this.", "estimate", min=0,
                              max=0.2),
}

VILLAGES = {
    "non_operating_income_10k_cny": P(40.0, "万元/yr", "Non-operating collective income per village-level "
                                      "unit (subsidies, transfers, village groups), 2023.", "estimate: gap "
                                      "between reported total income (12.56亿) and operating income of a "
                                      "distribution with 98% above 100万 (facts §4b)", min=0, max=10_000),
    "operating_income_log_sd": P(0.66, "1 (log)", "Spread of the initial log operating income of villages.",
                                 "derived: lognormal with 2% below 100万 and a mean near 480万 (facts §4b, "
                                 "§8)", min=0.05, max=3),
    "operating_income_median_10k_cny": P(370.0, "万元/yr", "Median operating income of villages, 2022.",
                                         "derived as above, deflated by one year of growth", min=1,
                                         max=100_000),
    "minimum_operating_income_10k_cny": P(20.0, "万元/yr", "Floor of operating income.",
                                          "facts §4b: every administrative village > 20万 (2023)", min=0,
                                          max=100_000),
    "leasing_elasticity_to_industry": P(0.8, "1", "Elasticity of leasing income to the town's industrial "
                                        "output.", "estimate: rents follow land demand", min=0, max=2),
    "tourism_growth_per_year": P(0.04, "1/yr", "Trend growth of village tourism income.", "estimate",
                                 min=-0.5, max=0.5),
    "aquaculture_growth_per_year": P(0.04, "1/yr", "Trend growth of aquaculture income.", "estimate",
                                     min=-0.5, max=0.5),
    "other_growth_per_year": P(0.02, "1/yr", "Trend growth of other operating income.", "estimate",
                               min=-0.5, max=0.5),
    "featured_demo_villages_per_town": P(0, "villages", "Featured demonstration villages (特色示范村) chosen "
                                         "per town in the programme.", "plan: 22 villages in 11 towns "
                                         "2023-2027", kind="int", min=0, max=10),
    "featured_programme_years": P(5, "years", "Years over which featured villages are started, from the "
                                  "first year.", "plan: 2023-2027", kind="int", min=1, max=11),
    "beautiful_demo_villages_by_2027": P(0, "villages", "Beautiful-livable demonstration villages started "
                                         "by 2027.", "plan: 10 by end 2027", kind="int", min=0, max=199),
    "beautiful_demo_villages_by_2033": P(0, "villages", "Started by 2033.", "plan: 20 in 10 years",
                                         kind="int", min=0, max=199),
    "demo_completion_probability_per_year": P(0.6, "1/yr", "Probability an ongoing demonstration project "
                                              "completes in a year.", "estimate", min=0, max=1),
    "demo_tourism_uplift": P(0.5, "share", "Tourism income gain of a completed demonstration village.",
                             "estimate", min=0, max=5),
    "environment_funds_10k_cny_per_village_year": P(10.0, "万元/yr", "Rural environment spending per "
                                                    "village-level unit (人居环境整治).", "estimate",
                                                    min=0, max=10_000),
    "environment_score_gain_per_10k_cny": P(0.004, "1/万元", "Environment score gained per 万元 spent.",
                                            "estimate", min=0, max=1),
    "beautiful_standard_score": P(0.8, "score", "Environment score (0-1) that meets the beautiful-livable "
                                  "standard.", "estimate", min=0, max=1),
    "initial_beautiful_share": P(0.55, "share", "Share of units meeting the standard in 2022.", "estimate",
                                 min=0, max=1),
}

FISCAL = {
    "town_retained_share": P(0.35, "share", "Share of the tax raised in a town that counts as its fiscal "
                             "revenue (财政收入 in the plan's 5亿 target, read as general budget revenue).",
                             "derived: 2017 一般公共预算收入 51.9亿 is ~8.4% of GDP (~620亿, from 677亿 in "
                             "2018 / 1.09) against 财税总收入 24.3% of GDP (2015), facts §4", min=0, max=1),
}

SCHEMA = {
    "name": P("", "", "Variant name (default: the file name).", "scenario", kind="str"),
    "description": P("", "", "What the variant represents.", "scenario", kind="str"),
    "region": P("regions/xinhui.yaml", "path", "Region data file, relative to the scenario file.",
                "scenarios/regions/xinhui.yaml", kind="str"),
    "scale": P(1.0, "factor", "Multiplies the firm population, the project inflow and park land.",
               "benchmarking and larger regions", min=0.01, max=500),
    "horizon": HORIZON,
    "economy": ECONOMY,
    "firms": FIRMS,
    "investment": INVESTMENT,
    "demand": DEMAND,
    "clustering": CLUSTERING,
    "integration": INTEGRATION,
    "pairing": PAIRING,
    "villages": VILLAGES,
    "fiscal": FISCAL,
}

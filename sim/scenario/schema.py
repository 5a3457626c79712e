"""The scenario schema: every key a scenario YAML may set, with default, unit, meaning and source.

Defaults describe the trends before the plan (scenarios/baseline.yaml sets nothing else); scenarios/plan.yaml
switches the plan's policies on. This is the single source of truth: the loader validates against it, ``xinhui-sim schema`` prints it and
``docs/scenarios.md`` is generated from it (a test fails if the two drift).
Sources are short references to ``docs/sources/`` (facts = xinhui_facts.md, lit = literature.md with its
row label, plan = plan_targets.yaml, hs = households_services.md); "estimate:" marks a number without a
source, with its reasoning.
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
    "start": P("base_year", "", "Initial state: base_year (2022, built from the region data) or historical (2015 "
               "from the region's 2015 overlay, pre-plan settings to 2022, then this scenario; sim/history.py).",
               "issue 14: historical mode", kind="str", choices=("base_year", "historical")),
}

ECONOMY = {
    "observed_price_growth": P([-0.006, -0.007], "1/yr", "Observed growth of the GDP deflator, one entry a "
                               "year from the first simulated year (2023, 2024); money in the tables is nominal = "
                               "2022 prices times the index (sim/rules/prices.py).", "data: NBS communiques, "
                               "nominal vs real GDP growth 2023 4.6% vs 5.2%, 2024 4.2% vs 5.0% (recalled, "
                               "verify)", kind="float_list", min=-0.1, max=0.2),
    "price_growth_per_year": P(0.01, "1/yr", "Growth of the GDP deflator in the years after "
                               "`observed_price_growth`.", "estimate: between the 2023-2024 deflators "
                               "(-0.6%, -0.7%) and the 2% CPI objective of monetary policy, taken as 1%",
                               min=-0.05, max=0.10),
    "primary_growth_per_year": P(0.045, "1/yr", "Trend growth of primary output other than 新会柑 "
                                 "(aquaculture, crops, livestock).", "estimate: 2023 primary real growth "
                                 "6.4% (facts §4a) includes citrus; aquaculture >66亿 growing", min=-0.2,
                                 max=0.3),
}

PEOPLE = {
    "birth_rate_per_year": P(0.00854, "1/yr", "Crude birth rate of every town's residents.",
                             "data: Jiangmen 2021, 3.43万 births, 8.54‰ (Jiangmen statistics via bkwk.cn [weak]); "
                             "Guangdong 2023 8.12‰ (provincial bulletin)", min=0, max=0.05),
    "death_rate_per_year": P(0.00729, "1/yr", "Crude death rate of every town's residents.",
                             "data: Jiangmen 2021, 2.93万 deaths, 7.29‰ (same source)", min=0, max=0.05),
    "labour_force_per_working_age_resident": P(0.988, "1", "Labour force per resident aged 15-59 (China's "
                                               "employment counts count workers over 59, many of them farmers, "
                                               "so the ratio is near 1).", "derived: 2023 labour force 57.47万 "
                                               "/ (1 - 2.05%) = 58.67万 over 911,300 residents x 65.16% aged "
                                               "15-59 (facts §0, §4a; 7th census)", min=0.1, max=1.5),
    "frictional_unemployment_rate": P(0.0205, "share", "Unemployment when every job wanted is filled (the "
                                      "matching function's kink).", "data: registered unemployment 2.05% in "
                                      "2023 (facts §4a), a year when jobs grew with output", min=0.001, max=0.3),
    "wage_curve_elasticity": P(0.1, "1", "eta: a town's wage falls by eta per log point of its unemployment "
                               "rate (w = w_ref (u/u*)^-eta).", "lit: the wage curve, elasticity -0.1 "
                               "(Blanchflower & Oswald 1994, The Wage Curve, MIT Press)", min=0, max=1),
    "commuting_wage_elasticity": P(4.0, "1", "beta: elasticity of the share of a town's workers who take jobs "
                                   "in another town to that town's expected earnings.", "lit: commuting "
                                   "elasticity 6.8 in Berlin (Ahlfeldt, Redding, Sturm & Wolf 2015, "
                                   "Econometrica 83:2127-2189); estimate: lower for towns with fewer "
                                   "job ladders", min=0, max=20),
    "commuting_cost_per_km": P(0.3, "1/km", "kappa: cost of commuting per km between town seats, in log "
                               "units of the logit, at access index 1 (divided by the two towns' mean "
                               "access).", "estimate: about one employed worker in ten works in another "
                               "town in 2023 (no commuting survey found)", min=0, max=5),
    "primary_labour_productivity_10k_cny_per_worker": P(17.71, "万元/yr per worker", "Primary value added per "
                                                        "primary worker in 2023.", "data: 72.09亿 / 4.07万 "
                                                        "(facts §4a)", min=0.1, max=500),
    "tertiary_labour_productivity_10k_cny_per_worker": P(11.67, "万元/yr per worker", "Tertiary value added "
                                                         "per tertiary worker in 2023.", "data: 427.89亿 / "
                                                         "36.68万 (facts §4a)", min=0.1, max=500),
    "primary_labour_productivity_growth_per_year": P(0.05, "1/yr", "Growth of primary value added per "
                                                     "worker.", "estimate: farm output grows ~5%/yr while "
                                                     "farm employment shrinks slowly", min=-0.1, max=0.3),
    "tertiary_labour_productivity_growth_per_year": P(0.03, "1/yr", "Growth of tertiary value added per "
                                                      "worker.", "estimate: China's service labour "
                                                      "productivity grew ~3-4%/yr in the 2010s", min=-0.1,
                                                      max=0.3),
    "internal_migration_rate_per_year": P(0.02, "1/yr", "mu: share of the gap between a town's residents and "
                                          "its earnings-weighted share of the district that closes in a "
                                          "year by moves between towns.", "estimate: a few per cent of "
                                          "residents change town each year", min=0, max=1),
    "internal_migration_income_elasticity": P(2.0, "1", "beta_m: elasticity of a town's pull on movers to "
                                              "its expected earnings.", "estimate", min=0, max=20),
    "internal_migration_services_elasticity": P(0.5, "1", "sigma: elasticity of a town's pull on movers to "
                                                "its tertiary value added per resident (relative to the base "
                                                "year's: services, schools, hospitals, shops).", "estimate: "
                                                "movers weigh services less than earnings (beta_m = 2)",
                                                min=0, max=20),
    "net_external_migration_at_parity_per_year": P(0.0055, "1/yr", "r0: net moves into the district per "
                                                   "resident when its expected earnings equal the outside "
                                                   "path's.", "derived: census growth 0.68%/yr 2010-2020 "
                                                   "(+60,100 on ~849k, facts §0) less natural increase "
                                                   "1.25‰ (Jiangmen 2021)", min=-0.1, max=0.1),
    "external_migration_income_elasticity": P(0.2, "1/yr", "epsilon: extra net inflow per resident a year "
                                              "per log point of expected earnings above the outside path.",
                                              "estimate: a town 10% above Guangdong's earnings gains 2% "
                                              "residents a year", min=0, max=2),
    "outside_wage_growth_per_year": P(0.05, "1/yr", "Real growth of expected earnings outside the "
                                      "district (Guangdong), the path migrants compare with.", "data (one "
                                      "year): Jiangmen's per-capita disposable income +5.2% in 2023, nominal (facts "
                                      "§4b, Jiangmen 2024 GWR), less China's 2023 CPI inflation of about 0.2% "
                                      "(recalled, not in the domain files): 0.05. estimate: that the 2023 pace "
                                      "holds over the horizon; the domain files hold no Guangdong or Jiangmen "
                                      "income series for other years",
                                      min=-0.1, max=0.2),
}

# issue 12 (engineer `services`): households, services, urbanisation, the 陈皮 chain
CHENPI = {
    "citrus_area_target_mu": P(143000.0, "mu", "新会柑 planted area the district keeps or plants toward (placed "
                               "like the 2023 area).", "facts §5: 14.3万亩 in 2023, flat since 2022 (pre-plan "
                               "trend); plan.yaml: 保障15万亩", min=0, max=1_000_000),
    "planting_mu_per_year": P(4000.0, "mu/yr", "Most area planted (or cleared) toward the target in a year, "
                              "placed like the 2023 area.", "facts §5: 13.9万亩 (2022) -> 14.3万亩 (2023)",
                              min=0, max=100_000),
    "yield_t_per_mu": P(1.05, "t/mu", "Fresh fruit per mu planted.", "facts §5: 15.03万 t on 14.3万亩 (2023)",
                        min=0, max=10),
    "farm_price_cny_per_t": P(10000.0, "yuan/t", "Farm-gate price of fresh 新会柑, 2022.", "derived: '三农' direct "
                              "income > 15亿 on 15.03万 t (facts §5, 2023); farm-gate quotes 4.5-8元/斤 = 9,000-16,000 "
                              "yuan/t in 2016 and 4.5元/斤 in 2018 (hs §4)", min=0, max=1_000_000),
    "farm_price_growth_per_year": P(0.02, "1/yr", "Growth of the farm-gate price.", "estimate: no price series "
                                    "after 2018; the fruit price fell from 18元/斤 (2013) to 4.5元/斤 (2018) as the area "
                                    "grew tenfold and is near 5元/斤 in 2023 at a flat area (hs §4), so it follows supply "
                                    "more than the chain's value", min=-0.2, max=0.5),
    "value_adding_growth_per_year": P(0.18, "1/yr", "Growth, in 2023, of the processed value per tonne of fruit "
                                      "(ageing stock, products, brand); it halves every value_adding_halving_years.",
                                      "derived: chain +21% 2022-2023 with area +3% (facts §5: 190 -> >230亿, 13.9 "
                                      "-> 14.3万亩)", min=-0.2, max=1.0),
    "value_adding_halving_years": P(5.0, "yr", "Years over which the value-adding growth halves.", "estimate: the "
                                    "2016-2023 CAGR of 34% (facts §5) is slowing (2022-23: 21%) as the market "
                                    "matures", min=0.5, max=100),
    "chain_value_2022_100m_cny": P(190.0, "亿元", "Whole-chain output value of 陈皮 in 2022.", "facts §5: 190亿 "
                                   "(中新网 2023-11-03)", min=0, max=10_000),
    "trade_share_of_chain_2022": P(0.35, "share", "Trade (wholesale, retail, e-commerce, 陈皮 trading) in the "
                                   "2022 chain value.", "estimate: no split of the "
                                   "chain is published (facts §5, hs §4); 陈皮 is sold aged and traded several times "
                                   "(7,500 t of peel from 15.03万 t of fruit in 2023)", min=0, max=1),
    "tourism_share_of_chain_2022": P(0.05, "share", "陈皮 culture tourism (陈皮村, orchards, festivals) in the 2022 "
                                     "chain value.", "estimate: 9.5亿 in 2022; 茶坑村's 陈皮+文旅 alone reports > 500万 "
                                     "visitors a year (hs §4), i.e. about 20 yuan a visitor, and the district's whole "
                                     "tourism revenue was near 100亿 in 2020 (hs §5)", min=0, max=1),
    "trade_va_ratio": P(0.52, "share", "Value added per 亿元 of 陈皮 trade output.", "data: 1 - intermediate input "
                        "0.475 of 批发零售贸易、住宿和餐饮业, NBS input-output table 2007 (hs §3)", min=0, max=1),
    "tourism_va_ratio": P(0.5, "share", "Value added per 亿元 of 陈皮 tourism output.", "data: 1 - intermediate "
                          "input is 0.52 for trade, hotels and catering and 0.49 for other services (scenic "
                          "sites, culture), NBS input-output table 2007 (hs §3)", min=0, max=1),
}

HOUSEHOLDS = {
    "wage_disposable_share": P(0.42, "share", "Disposable wage income of residents per yuan of the wage path "
                               "(sim.rules.labour: the secondary labour cost) times employed residents not on farms.",
                               "calibrated: gives wage income 68% of residents' disposable income in 2023, Guangdong's "
                               "68.4% (2021, hs §2; no Xinhui or Jiangmen composition found); the wage path is a "
                               "secondary labour cost incl. employer contributions, tertiary and farm wages are lower",
                               min=0, max=1),
    "rural_wage_income_relative": P(0.5, "1", "Wage income per rural resident relative to an urban resident's.",
                                    "estimate: fewer earners per head and lower-paid jobs; no urban and rural "
                                    "composition found (Guangdong reports it for all residents only, hs §2)", min=0, max=2),
    "farm_income_share_of_primary": P(0.25, "share", "Share of primary value added that is rural residents' "
                                      "own-business (farm) income.", "estimate: the rest is hired labour, firms, "
                                      "depreciation and non-resident operators; '三农' direct income from 新会柑 > "
                                      "15亿 (facts §5)", min=0, max=1),
    "business_income_share_of_tertiary": P(0.085, "share", "Share of tertiary value added that is urban "
                                           "residents' own-business income (个体户).", "estimate: gives own-business "
                                           "income about 11% of urban income, near Guangdong's 12.3-12.7% of all "
                                           "residents' (2020-2021, hs §2), which includes farms", min=0, max=1),
    "dividend_payout_share": P(0.3, "share", "Share of a village collective's operating income paid to its "
                               "members as dividends.", "estimate: collectives keep most for public works and "
                               "reinvestment (12.56亿 total income, facts §4b); no Xinhui payout found; two Guangxi "
                               "villages paid 17-18% of total income (2022) and Foshan 3,235 yuan a member (2014) "
                               "(hs §7)", min=0, max=1),
    "urban_transfers_cny_per_head": P(11300.0, "yuan/yr", "Transfer and property income per urban resident, "
                                      "2022 (pensions, rents, interest).", "calibrated: with the rural value, transfer "
                                      "and property income are 19% of residents' income in 2023, Guangdong's 18.9% "
                                      "(2021: property 5,831 + transfers 2,656 of 44,993 yuan, hs §2); the urban-rural "
                                      "split is an estimate", min=0, max=1e6),
    "rural_transfers_cny_per_head": P(5200.0, "yuan/yr", "Transfer and property income per rural resident "
                                      "other than collective dividends, 2022.", "calibrated with the urban "
                                      "value to Guangdong's 18.9% (hs §2); rural pensions and rents are lower, so "
                                      "46% of the urban value (estimate)", min=0, max=1e6),
    "transfers_growth_per_year": P(0.04, "1/yr", "Growth of transfer and property income per head.", "estimate: "
                                   "Jiangmen incomes +5.2% in 2023 (facts §4); Guangdong's property income +9-12% and "
                                   "transfers +12% (2020) and -6% (2021) (hs §2) are too volatile to take",
                                   min=-0.1, max=0.3),
    "urban_consumption_propensity": P(0.67, "share", "Share of an urban resident's disposable income spent on "
                                      "consumption (the rest is saved).", "data: Guangdong 2020, consumption "
                                      "33,511 of income 50,257 yuan per urban resident (hs §2)", min=0, max=1),
    "rural_consumption_propensity": P(0.85, "share", "Share of a rural resident's disposable income spent on "
                                      "consumption (the rest is saved).", "data: Guangdong 2020, consumption "
                                      "17,132 of income 20,143 yuan per rural resident (hs §2)", min=0, max=1),
}

SERVICES = {
    "producer_input_share": P(0.115, "1", "Services bought per 亿元 of industrial gross output.", "estimate: "
                              "intermediate inputs are 0.73-0.81 of manufacturing gross output (0.81 machinery, "
                              "0.80 metal products and chemicals, NBS input-output table 2007, hs §3); the services "
                              "part of them (~15%) is not in the sources found",
                              min=0, max=1),
    "services_va_ratio": P(0.58, "share", "Value added per 亿元 of producer services sold.", "data: mean of 1 - "
                           "intermediate input of transport and IT 0.49, trade 0.52, leasing and business 0.61, "
                           "finance 0.69 (NBS input-output table 2007, hs §3)",
                           min=0, max=1),
    "rural_spending_relative": P(0.6, "1", "Market services a rural resident buys per yuan of income, relative "
                                 "to an urban resident.", "estimate: rural residents spend more of their income "
                                 "(Guangdong 2020: 85% against 67%, hs §2) but much less of it on market services "
                                 "(food, own produce, village services); no services split of spending found", min=0, max=2),
    "consumer_income_elasticity": P(1.2, "1", "Elasticity of market-services spending per head to income per "
                                    "head.", "estimate: the services share of spending rises with income (Engel "
                                    "curves; Boppart 2014, Econometrica 82(6), not in the domain files): above 1",
                                    min=0, max=3),
    "centre_purchase_share": P(0.3, "share", "Share of the services a town's households and firms buy that is "
                               "bought in the district centre.", "estimate: 会城 is the commercial, finance and "
                               "administrative core (region file tertiary shares)", min=0, max=1),
    "centre_town": P("huicheng", "town id", "The district centre.", "region file: 会城 + 圭峰", kind="str"),
    "tourism_share_of_tertiary_2022": P(0.03, "share", "Village and scenic tourism (other than 陈皮) in the 2022 "
                                        "tertiary output.", "estimate: small scenic base (崖门, 古兜, 小鸟天堂); the "
                                        "district's tourism revenue near 100亿 (2020, hs §5) is visitors' gross "
                                        "spending, most of it in retail and catering already counted as consumer "
                                        "services and 陈皮 tourism",
                                        min=0, max=1),
    "public_services_spending_2022_100m_cny": P(104.0, "亿元/yr", "Public-services spending (education, health, "
                                                "administration, culture) of the district and towns in 2022: "
                                                "the public value added of the base year and the first "
                                                "simulated year; later years follow what the budgets spend.",
                                                "estimate: what the budgets spend in 2023 at the defaults "
                                                "(105.8亿, docs/validation.md §4.0c) less a year's growth; "
                                                "no 一般公共预算支出 by function in the domain files",
                                                min=0, max=10_000),
    "public_services_va_ratio": P(0.49, "share", "Value added per 亿元 of public-services spending.", "data: 1 - "
                                  "intermediate input 0.511 of 其他服务业 (education, health, public administration, "
                                  "research, residents' services), NBS input-output table 2007 (hs §3)", min=0, max=1),
    "town_centre_services_100m_cny_per_year": P(0.0, "亿元/yr", "Extra public-services spending in the towns "
                                                "other than the centre (就地就近城镇化: schools, clinics, culture "
                                                "in town centres), placed by population.", "plan: 优化教育、医疗、"
                                                "文化等公共资源配置 (no amount; scenarios estimate one)",
                                                min=0, max=1000),
    "town_centre_services_start_year": P(2023, "year", "First year of the town-centre programme.", "plan",
                                         kind="year", **YEARS),
}

URBANISATION = {
    "base_rate_per_year": P(0.008, "1/yr", "Share of a town's rural residents becoming urban in a year with no "
                            "growth of jobs or services.", "estimate: with the elasticities below gives about "
                            "+0.6 points a year, the 百千万 counties' pace (facts §7a)", min=0, max=0.2),
    "jobs_elasticity": P(0.1, "1", "Extra conversion rate per unit of log growth of the town's non-farm value "
                         "added.", "estimate", min=0, max=2),
    "services_elasticity": P(0.1, "1", "Extra conversion rate per unit of log growth of consumer and public "
                             "services per resident.", "estimate", min=0, max=2),
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
    "replicator_elasticity": P(1.0, "1", "chi in the replicator: a firm's market share grows by chi x (its "
                               "competitiveness / the sector reference - 1) a year.", "lit E1: K+S "
                               "replicator dynamics, chi = 1 (Dosi, Fagiolo & Roventini 2010)", min=0.0, max=10.0),
    "productivity_shock_sd": P(0.0, "1 (log)/yr", "sigma: standard deviation of the yearly firm-specific "
                               "innovation to log own productivity, mean-zero in levels (sim.rules."
                               "productivity); 0 = off: every incumbent on the common F6 path.",
                               "off by default: at spreads from Chinese plant data (Hsieh & Klenow 2009) the "
                               "K+S replicator makes output explode (docs/validation.md 4.0)", min=0.0, max=1.0),
    "productivity_persistence": P(0.9, "1", "rho: share of a firm's log productivity deviation from its "
                                  "sector's mean kept from one year to the next (used when the spread is > 0).",
                                  "lit: rho = 0.9 for Chinese and US manufacturing firms' TFP (a China-US "
                                  "misallocation calibration, docs/validation.md 4.0)", min=0.0, max=1.0),
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
                              "localization (elasticity x log(1 + same-sector output in the zone)) and of the "
                              "log share of wanted workers firms got in the park's town, relative to the "
                              "district's mean (sim.rules.investment.labour_fill_gain).",
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
    "year": P(2025, "year", "Year the link is due to open (later if the district's budget room cannot pay "
              "its cost in full).", "scenario", kind="year", **YEARS),
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
    "unified_services": P(False, "bool", "From the start year the towns' project-approval offices are pooled "
                          "into one district service (服务一体化, 一网通办): a dossier takes the first free case team "
                          "of the district instead of its town's (sim/rules/approvals.py).", "plan: 六个一体化 "
                          "(服务); 要素保障: 项目快建设、快投产", kind="bool"),
    "horse_race_reward_100m_cny": P(0.0, "亿元/yr", "Fiscal reward to each of the 3 towns with the fastest "
                                    "industrial growth (赛马).", "estimate; plan: 赛马 system", min=0, max=100),
    "horse_race_attraction_bonus": P(0.0, "share", "Extra weight in town-level project attraction for the "
                                     "last year's top 3 towns.", "estimate", min=0, max=5),
    "transport_cost_100m_cny_per_access_gain": P(50.0, "亿元 per unit of access", "District cost of a transport "
                                                 "project per unit of access gain, paid when it is due.",
                                                 "estimate: a 0.1 gain is one project of the plan's list (G240 "
                                                 "widening through a town, a park ring road, a station access "
                                                 "road): 10-15 km of first-class road at 0.3-0.5亿/km (Guangdong "
                                                 "一级公路 unit cost, not in the domain files) is 3-7.5亿, ~5亿; "
                                                 "深江 rail itself is paid by the state and province",
                                                 min=0, max=10_000),
    "transport_projects": RecordList(_TRANSPORT, "Access improvements (G240, 深江 rail, park ring roads).",
                                     required=("town", "year")),
}

APPROVALS = {
    "processing_working_days": P(60.0, "working days", "Mean time a case team works on one project's approvals "
                                 "before construction (用地, 规划, 环评, 施工许可; exponential).", "lit I4: Chenzhou's "
                                 "1331 rule, land and start within 3 months (about 60 working days); 国办发〔2019〕11号 "
                                 "limits all four stages to 120 working days (recalled, verify)",
                                 min=1, max=1000),
    "projects_2022": P(68.0, "projects/yr", "Projects of 1亿 and above introduced in 2022: the load the towns' "
                       "offices are first staffed for (shared by their attraction weights; later years: the "
                       "dossiers each received the year before).", "facts §11: 68 projects, 561.32亿 (2023 Shenzhen fair)", min=1,
                       max=10_000),
    "office_utilisation_2022": P(0.35, "share", "Share of its case teams' time a town office expects its load "
                                 "to take: it staffs for last year's dossiers at this utilisation.", "calibrated: baseline share of signed projects "
                                 "started within a year in lit I3's 80-95% (validate: 0.817, 20 replicates)",
                                 min=0.05, max=1),
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
    "group_soe_share": P(0.5, "share", "Share of the 组团帮扶 funds of a weak village paid by the district SOEs "
                         "(soe:district_soes); the rest comes from the district budget.", "estimate: the plan "
                         "names 区属机关事业单位 and 区属国有企业 together and no split was found; equal shares. "
                         "It matters because only the budget part is bounded by the district's budget room",
                         min=0, max=1),
    "factory_cost_10k_cny_per_m2": P(0.2, "万元/m²", "Cost of building collective standard-factory or "
                                     "富民工坊 space, site works and utilities included.", "prices P1-P3: new "
                                     "village workshops 2,080元/m² all works included (梨园村 2024, "
                                     "zyrb.com/content/202410/29/content_16217.html), 2,750元/m² with rooftop "
                                     "PV (白云村 2021, z.hangzhou.com.cn), a conversion 2,000元/m² "
                                     "(junan.gov.cn); comparable places, not Xinhui", min=0.01, max=10),
    "factory_min_block_m2": P(500.0, "m²", "Smallest buildable factory block; a village saves its funds until "
                              "it can pay for one.", "estimate within prices P1-P3: village workshops found "
                              "are 300 m² (a conversion), 1,200 m² and 4,000 m² (new); 500 m² as the "
                              "smallest new block", min=1, max=1e6),
    "factory_rent_10k_cny_per_m2_year": P(0.0144, "万元/m²/yr", "Base rent of new village factory space "
                                          "(12元/m²/month).", "prices P6, P7: standard factories 8-18元/m²/"
                                          "month in 惠州's towns near Shenzhen, 5-8元 in its outlying towns "
                                          "(2025, honghengtai.com/hangye/301.html); a new village workshop "
                                          "13.9元 (白云村 2021, z.hangzhou.com.cn); no Xinhui rent found",
                                          min=0, max=1),
    "factory_demand_m2_per_100m_cny_output": P(200.0, "m²/亿元", "Demand for village factory space at the base "
                                               "rent, per 亿元 of the town's industrial output.", "estimate, order of "
                                               "magnitude, from other places (prices P13-P14): ~30,000 m² of "
                                               "collective factory space per project (璜泾, 太仓: 30,000 m² "
                                               "planned by 13 villages for +1,000万 rent; 鄞州-衢江 消薄飞地: "
                                               "34,500 m² pooled by 162 villages of a county in a 鄞州 park, 10% "
                                               "a year guaranteed), set against the model's own 2023 mean town "
                                               "industrial output (~157亿 gross; no published Xinhui figure, facts "
                                               "§4b): ~190 m²/亿; was 20 (the 55 富民工坊 of 2023 taken as the "
                                               "whole demand, a 0.7% yield)", min=0,
                                               max=1e5),
    "shop_cost_10k_cny_per_m2": P(0.3, "万元/m²", "Cost of building collective shop space (商铺).",
                                  "estimate: no cost of village shop rows found; about 1.5 times the "
                                  "workshop cost (prices P1-P3) for a two-storey frame with shop fronts",
                                  min=0.01, max=10),
    "shop_min_block_m2": P(200.0, "m²", "Smallest buildable shop block.", "estimate: a row of ~8 shops of "
                           "25 m²; no village shop project was found", min=1, max=1e6),
    "shop_rent_10k_cny_per_m2_year": P(0.024, "万元/m²/yr", "Base rent of village shop space.",
                                       "estimate: village-street shop rents ~20元/m²/month, above the "
                                       "factory rents of prices P6 (shops earn more per m²); no shop rent "
                                       "found", min=0, max=1),
    "shop_demand_m2_per_100m_cny_tertiary": P(240.0, "m²/亿元", "Demand for village shop space at the base "
                                              "rent, per 亿元 of the town's tertiary output (households' "
                                              "spending nearby).", "estimate from a comparable place (prices "
                                              "P15): 钟埭 (平湖) villages let 19,000 m² of market, shops and "
                                              "offices in one subdistrict for 761.5万 a year (2012); on Xinhui's "
                                              "mean town tertiary output (~40亿) ~480 m²/亿, halved because that "
                                              "was a commercial core, not village streets; was 20", min=0,
                                              max=1e5),
    "asset_build_years": P(2, "years", "Years from buying an asset to letting it (collective construction "
                           "land approval and building).", "prices P2, P4, P5: building a village workshop "
                           "takes 5 months (白云村 2021), a village-enterprise standard-factory park two "
                           "years (五桂山, 中山 2023, cnyaowen.xunjk.com/cnyaowen/2023/0602/340332.html); "
                           "with the approval of collective construction land, 2 years",
                           kind="int", min=0, max=10),
    "lease_up_share_per_year": P(0.5, "1/yr", "Share of a village's vacant asset space that finds tenants in "
                                 "a year.", "estimate: new rural rental space fills in 1-2 years. Parks near "
                                 "industry let faster (60-70% under letting intentions at the start of "
                                 "building, 五桂山 2023; 20 tenants at topping out, 黄圃 2025: prices P4, "
                                 "P5), but intentions are not leases and village workshops lie farther out",
                                 min=0.01, max=1),
    "space_demand_elasticity": P(1.5, "1", "Price elasticity of the demand for village rental space: beyond "
                                 "the nearby demand, rent falls as (demand / space)^(1/elasticity).",
                                 "estimate: at least 1, so more space never earns less; the demand for one "
                                 "place's space is more elastic than total floor-space demand (close "
                                 "substitutes nearby, prices P12), which gives no number", min=1, max=10),
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
                                        "output.", "estimate: leasing income is rent on land and buildings let to firms, "
                                        "so it follows their demand; below 1 because leases run for years and "
                                        "the stock is fixed (prices P12)", min=0, max=2),
    "tourism_growth_per_year": P(0.04, "1/yr", "Trend growth of village tourism income.", "estimate: about "
                                 "the district's real growth; Jiangmen's tourism revenue grew ~20%/yr in "
                                 "2017-2018 and rebounded in 2023 (prices P10, P11), but those are city-wide "
                                 "totals led by resorts, not village income", min=-0.5, max=0.5),
    "aquaculture_growth_per_year": P(0.05, "1/yr", "Trend growth of aquaculture income (mostly pond "
                                     "rents).", "derived: Guangdong 渔民家庭人均纯收入 +22.38% from 2020 to "
                                     "2024, 5.2%/yr (渔业产值 6.9%/yr; 广东省农业农村厅 2025-12-09, prices P8, "
                                     "qaqo.com.cn/html/67a67899254.html); prices flat as in "
                                     "economy.price_growth_per_year", min=-0.5, max=0.5),
    "other_growth_per_year": P(0.02, "1/yr", "Trend growth of other operating income.", "estimate: fees, "
                               "services and small businesses of the collective, slower than the economy; "
                               "no series found", min=-0.5, max=0.5),
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
                                              "completes in a year.", "estimate: 1.7 years on average; a village works "
                                              "project is built within a year (prices P1, P2), a demonstration "
                                              "village needs several, planned and built in turn", min=0, max=1),
    "demo_tourism_uplift": P(0.5, "share", "Tourism income gain of a completed demonstration village.",
                             "estimate: a one-off rise by half; no before/after figure of a demonstration "
                             "village was found", min=0, max=5),
    "environment_funds_10k_cny_per_village_year": P(10.0, "万元/yr", "Rural environment spending per "
                                                    "village-level unit (人居环境整治); it moves the score only (not a ledger "
                                                    "flow).", "estimate: routine upkeep; no district figure "
                                                    "found",
                                                    min=0, max=10_000),
    "environment_score_gain_per_10k_cny": P(0.004, "1/万元", "Environment score gained per 万元 spent.",
                                            "estimate: 10万 a year outpaces the score's decay of 0.02/yr "
                                            "twice (0.04/yr)", min=0, max=1),
    "beautiful_standard_score": P(0.8, "score", "Environment score (0-1) that meets the beautiful-livable "
                                  "standard.", "estimate: a cut-off on a 0-1 scale; the 2022 scores are placed "
                                  "around it (initial_beautiful_share), so mostly a normalisation",
                                  min=0, max=1),
    "initial_beautiful_share": P(0.55, "share", "Share of units meeting the standard in 2022.", "estimate: "
                                 "no 2022 count of units meeting the 美丽宜居 standard was found",
                                 min=0, max=1),
}

_NATIONAL_2023 = "MoF, 2023年财政收支情况 (recalled, verify)"

FISCAL = {
    "vat_rate_on_industrial_va": P(0.09, "share", "VAT collected per yuan of an industrial firm's value added.",
                                   "derived: the 13% rate on goods less export refunds and exemptions; with the "
                                   "services rate below it gives China's 2023 domestic VAT (6.93万亿) on its "
                                   "non-primary value added, " + _NATIONAL_2023, min=0, max=0.3),
    "vat_rate_on_services_va": P(0.043, "share", "VAT per yuan of tertiary and construction value added.",
                                 "derived: the national 2023 VAT less the industrial part (industry value added "
                                 "39.9万亿 x 0.09) over the rest of non-primary value added, " + _NATIONAL_2023,
                                 min=0, max=0.3),
    "cit_rate": P(0.25, "share", "Statutory corporate income tax rate.", "data: 企业所得税法 Art. 4", min=0,
                  max=0.5),
    "high_tech_cit_rate": P(0.15, "share", "CIT rate of certified high-tech firms (高新技术企业).",
                            "data: 企业所得税法 Art. 28", min=0, max=0.5),
    "cit_effective_share": P(0.8, "share", "CIT paid as a share of the statutory rate times positive "
                             "profit (deductions, losses carried forward, small-firm relief).", "estimate",
                             min=0, max=1),
    "services_profit_share_of_va": P(0.2, "share", "Profit of tertiary and construction firms as a share of "
                                     "their value added (they are not modelled as firms).",
                                     "estimate: value added less the labour share (0.45) and depreciation",
                                     min=0, max=1),
    "pit_rate_on_wages": P(0.023, "share", "Personal income tax per yuan of wages.", "derived: national 2023 "
                           "PIT 1.48万亿 over compensation of employees of about half of GDP (126万亿), "
                           + _NATIONAL_2023, min=0, max=0.3),
    "surcharge_rate_on_vat": P(0.12, "share", "Local surcharges on VAT: 城市维护建设税, 教育费附加, "
                               "地方教育附加 (tax:other).", "data: 7% + 3% + 2% (城市维护建设税法 2021; "
                               "the surcharge rules)", min=0, max=0.3),
    "property_tax_rate_on_capital": P(0.0034, "share/yr", "房产税 per yuan of fixed capital (tax:property).",
                                      "derived: 1.2% of 70% of the original value of buildings (房产税暂行条例), "
                                      "buildings ~40% of fixed capital (estimate)", min=0, max=0.05),
    "land_use_tax_10k_cny_per_mu": P(0.27, "万元/亩/yr", "城镇土地使用税 on the industrial land firms hold "
                                     "(tax:land).", "derived: ~4元/m2, inside the statutory 0.6-12元/m2 of "
                                     "county towns (城镇土地使用税暂行条例 Art. 4); level estimate", min=0, max=10),
    "real_estate_tax_rate_on_construction_va": P(0.144, "share", "土地增值税, 契税 and 耕地占用税 per yuan of "
                                                 "construction value added (tax:land).", "derived: national "
                                                 "2023 1.23万亿 over construction value added 8.57万亿, "
                                                 + _NATIONAL_2023, min=0, max=1),
    "land_transfer_income_per_construction_va": P(0.68, "share", "Land-transfer income (土地出让收入, the fund "
                                                  "budget) per yuan of construction value added.", "derived: "
                                                  "national 2023 5.80万亿 over construction value added 8.57万亿, "
                                                  + _NATIONAL_2023, min=0, max=5),
    "non_tax_revenue_share_of_tax": P(0.197, "share", "Non-tax revenue of the general budget (fees, fines, "
                                      "state assets) per yuan of the district's and towns' taxes.", "derived: "
                                      "national 2023 non-tax revenue 3.57万亿 over tax revenue 18.11万亿, "
                                      + _NATIONAL_2023, min=0, max=2),
    "vat_central_share": P(0.5, "share", "Central government's share of VAT.", "lit E4: 50:50 since 2016 "
                           "(国发〔2016〕26号)", min=0, max=1),
    "income_tax_central_share": P(0.6, "share", "Central share of corporate and personal income tax.",
                                  "lit E4: 60:40 since 2003", min=0, max=1),
    "province_share_of_local": P(0.25, "share", "Guangdong's share of the local part of VAT, CIT and PIT.",
                                 "estimate: lit E4 says provinces divide the local shares further; Guangdong's "
                                 "rule was not found", min=0, max=1),
    "city_share_of_local": P(0.2, "share", "Jiangmen's share of every tax's part below the province.",
                             "estimate: city-district sharing of a 市辖区; not found", min=0, max=1),
    "town_share_of_local": P(0.35, "share", "The town's share of the district-and-town part of the taxes "
                             "collected in it (区镇财政体制); the district keeps the rest.", "estimate: towns "
                             "of Pearl River Delta counties keep 30-50% of shared revenue; Xinhui's rule not "
                             "found", min=0, max=1),
    "revenue_sharing_district_share": P(0.0, "share", "Share of a handed-on firm's taxes that its host town "
                                        "pays the district under revenue sharing (the drawing town gets "
                                        "`integration.revenue_share`, the host keeps the rest; capped at 1 minus "
                                        "that share).", "estimate: 区镇一体 splits among zone, host and drawing "
                                        "town; Xinhui's rule not found", min=0, max=1),
    "land_income_town_share": P(0.3, "share", "The town's share of land-transfer income raised in it.",
                                "estimate", min=0, max=1),
    "upper_transfers_yuan_per_resident": P(3500.0, "元/resident/yr", "Transfers from higher levels "
                                           "(province, with central funds passed down) to the district, per "
                                           "resident (2022 prices).", "estimate: makes district spending about "
                                           "1.5 times its own revenue, as in Guangdong's counties", min=0,
                                           max=100_000),
    "town_equalisation_floor": P(0.5, "share", "The district tops every town's own revenue per resident up to "
                                 "this share of the towns' mean (transfer:district).", "estimate", min=0, max=1),
    "reserve_share_of_revenue": P(0.05, "share", "Reserves a government keeps at year end, as a share of the "
                                  "year's revenue (预算稳定调节基金).", "estimate", min=0, max=1),
    "services_floor_share_of_revenue": P(0.6, "share", "Public services a government pays at least, as a share "
                                         "of its revenue, borrowing if it must (education, health, social "
                                         "security: the rigid part of spending).", "estimate", min=0, max=1),
    "debt_limit_share_of_revenue": P(1.0, "share", "Debt limit as a share of a government's revenue "
                                     "(综合财力).", "data: the 100% debt-ratio warning line of 财预〔2016〕152号 "
                                     "(recalled, verify)", min=0, max=10),
    "initial_debt_share_of_revenue": P(0.6, "share", "Debt at the start of 2023 as a share of 2023 revenue.",
                                       "estimate: below the warning line", min=0, max=10),
    "interest_rate_per_year": P(0.03, "1/yr", "Interest on government debt.", "data: local government bond "
                                "yields of about 2.5-3.2% in 2023 (recalled, verify)", min=0, max=0.2),
    "debt_maturity_years": P(10, "years", "Years over which debt is repaid in equal parts.", "estimate: "
                             "typical 10-year local government bonds", kind="int", min=1, max=50),
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
    "people": PEOPLE,
    "firms": FIRMS,
    "investment": INVESTMENT,
    "demand": DEMAND,
    "clustering": CLUSTERING,
    "integration": INTEGRATION,
    "approvals": APPROVALS,
    "pairing": PAIRING,
    "villages": VILLAGES,
    "fiscal": FISCAL,
    "chenpi": CHENPI,
    "households": HOUSEHOLDS,
    "services": SERVICES,
    "urbanisation": URBANISATION,
}

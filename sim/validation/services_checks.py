"""Validation checks of households, services, urbanisation and the 陈皮 chain (issue 12), on the plan ensemble.

Each band is sourced in docs/validation.md ("Households, services and the 陈皮 chain"); where no figure exists
for Xinhui the band is an estimate and the check says so.
"""

from __future__ import annotations

import pandas as pd

from sim.validation.checks import Check, in_range, spread

CHAIN_2023 = 230.0                # 亿元, facts §5: > 230亿 in 2023
TERTIARY_2033 = (0.36, 0.51)      # docs/validation.md: 台山 36.2% (2023, facts §11) .. 42.3% + 0.8 pt/yr x 10
# Jiangmen 1.87 (2021, docs/sources/households_services.md §1) x Guangdong's narrowing 2.46 -> 2.36 (2021-2023, §2)
# = 1.79, ± 10% (estimate: a district's departure from its city's ratio)
INCOME_RATIO_2023 = (1.61, 1.97)
URBANISATION_PACE = (0.003, 0.009)  # share points a year; 百千万 counties 44.72% -> 46.48% in 3 years (facts §7a)


def services_checks(district: pd.DataFrame) -> list[Check]:
    """The 2023 陈皮 chain, the 2033 tertiary share, the 2023 urban-rural income ratio and the urbanisation pace."""
    d23, d33 = district[district.year == 2023], district[district.year == 2033]
    out = []
    mean, lo, hi = spread(d23.chenpi_chain_value_100m_cny)
    out.append(Check("base_chenpi_chain_2023", "base year", "2023 陈皮 whole-chain value, 亿元", "230 ± 15%",
                     "xinhui_facts.md §5 (> 230亿, 中国陈皮之都 article)", mean, lo, hi,
                     in_range(mean, CHAIN_2023 * 0.85, CHAIN_2023 * 1.15)))
    mean, lo, hi = spread(d33.gdp_tertiary_100m_cny / d33.gdp_100m_cny)
    out.append(Check("tertiary_share_2033", "structure", "2033 tertiary share of GDP under the plan",
                     f"{TERTIARY_2033[0]}-{TERTIARY_2033[1]}", "facts §11 (台山 36.2%, 鹤山 37.4%, 2023); "
                     "2023 bulletin (42.3%); NBS national +0.8 pt/yr 2013-2023 (docs/validation.md)",
                     mean, lo, hi, in_range(mean, *TERTIARY_2033),
                     "drivers in `xinhui-sim explain` (tertiary growth by part)"))
    mean, lo, hi = spread(d23.urban_rural_income_ratio)
    out.append(Check("income_ratio_2023", "households", "2023 urban-rural income ratio",
                     f"{INCOME_RATIO_2023[0]}-{INCOME_RATIO_2023[1]}", "hs §1-2: Jiangmen 1.87 (2021) carried to "
                     "2023 with Guangdong's 2.46 -> 2.36, ± 10%", mean, lo, hi, in_range(mean, *INCOME_RATIO_2023),
                     "Jiangmen's ratio, not Xinhui's (none found); the ± 10% is an estimate"))
    pace = district[district.year.isin([2023, 2026])].pivot_table(index="replicate", columns="year",
                                                                  values="urban_share")
    mean, lo, hi = spread((pace[2026] - pace[2023]) / 3 if 2026 in pace else [])
    out.append(Check("urbanisation_pace", "urbanisation", "yearly change of the urban share 2023-2026 (share a year)",
                     f"{URBANISATION_PACE[0]}-{URBANISATION_PACE[1]}", "facts §7a: 百千万 counties 44.72% -> "
                     "46.48% in three years (0.59 pt/yr), ± half", mean, lo, hi, in_range(mean, *URBANISATION_PACE),
                     "a county pace for a district: Xinhui is more urban than the county average"))
    return out

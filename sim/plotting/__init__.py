"""Charts shared by the notebooks, the report and the validation: one module per level.

``from sim import plotting as xp`` gives every chart and helper; importing registers the shipped CJK font.
"""

from sim.plotting import base
from sim.plotting.base import *  # noqa: F403  (helpers, constants, font registration)
from sim.plotting.clusters import (
           park_land,
           park_output,
           sector_output,
           sensitivity_csv,
           sensitivity_method,
           sensitivity_ranking,
           thousand_billion,
)
from sim.plotting.district import (
           gdp_fan,
           indicator_label,
           paired_differences,
           sector_structure,
           target_heatmap,
           target_rows,
)
from sim.plotting.maps import region_places, town_map
from sim.plotting.places import (
           admin_villages,
           demo_villages,
           theil,
           town_bars,
           village_income_distribution,
           village_share_chart,
           village_shares,
           zone_lines,
)

__all__ = [*base.__all__, "admin_villages", "demo_villages", "gdp_fan", "indicator_label", "paired_differences", "region_places", "town_map",
           "park_land", "park_output", "sector_output", "sector_structure", "sensitivity_csv", "sensitivity_method",
           "sensitivity_ranking", "target_heatmap", "target_rows", "theil", "thousand_billion", "town_bars",
           "village_income_distribution", "village_share_chart", "village_shares", "zone_lines"]

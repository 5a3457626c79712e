"""Relations between keys that each range allows alone but the model cannot run with, checked by ``check``.

A pair (low, high) must keep low <= high: with ``construction_quarters_min`` above the max every run crashed,
with ``project_size_min_100m_cny`` above the max projects were drawn from an empty range. The floor of the
villages' initial income must not exceed its median: the initial incomes are redrawn below the floor, and a
floor far above the median made that an endless loop (``sim.rules.villages.initial_operating_income``).
"""

from __future__ import annotations

from collections.abc import Callable

# (section, low key, high key, what the relation means)
ORDERED_PAIRS = (
    ("investment", "construction_quarters_min", "construction_quarters_max", "shortest construction"),
    ("investment", "project_size_min_100m_cny", "project_size_max_100m_cny", "smallest project"),
    ("villages", "minimum_operating_income_10k_cny", "operating_income_median_10k_cny", "income floor"),
    ("villages", "beautiful_demo_villages_by_2027", "beautiful_demo_villages_by_2033",
     "a cumulative count"),
)


def check_relations(data: dict, fail: Callable[[tuple, str], None],
                    set_where: Callable[[tuple], int] = lambda key_path: 0) -> None:
    """Each ordered pair low <= high. The error points at the key set nearest to the user: ``set_where`` ranks
    a key path (2: in the file loaded or on the command line, 1: in an ancestor, 0: a default); on a tie the
    high key."""
    for section, low_key, high_key, meaning in ORDERED_PAIRS:
        low, high = data[section][low_key], data[section][high_key]
        if low > high:
            at = low_key if set_where((section, low_key)) > set_where((section, high_key)) else high_key
            fail((section, at), f"{low_key} = {low:g} must not exceed {high_key} = {high:g} ({meaning})")


def outside_horizon(year: int, default: int | None, first: int, last: float) -> bool:
    """A year outside first..last, except a default left unset that falls after the horizon: the event it
    dates (the co-built park opening in 2026) simply does not happen in a horizon ending in 2024."""
    if year < first:
        return True
    return year > last and year != default

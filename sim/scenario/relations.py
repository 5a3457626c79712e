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
     "villages started by 2027 (a cumulative count)"),
)


def check_relations(data: dict, fail: Callable[[tuple, str], None], marks: dict | None = None) -> None:
    """Each ordered pair low <= high; the error points at whichever of the two keys was set (the high one if
    both were), since a default cannot break a relation on its own."""
    for section, low_key, high_key, meaning in ORDERED_PAIRS:
        low, high = data[section][low_key], data[section][high_key]
        if low > high:
            at = low_key if marks is not None and (section, high_key) not in marks else high_key
            fail((section, at), f"{section}.{low_key} ({low:g}, the {meaning}) must not exceed "
                                f"{section}.{high_key} ({high:g})")


def outside_horizon(year: int, default: int | None, first: int, last: float) -> bool:
    """A year outside first..last, except a default left unset that falls after the horizon: the event it
    dates (the co-built park opening in 2026) simply does not happen in a horizon ending in 2024."""
    if year < first:
        return True
    return year > last and year != default

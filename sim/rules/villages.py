"""Village collective economy: operating income by source, demonstration villages, the beautiful-village standard.

Each unit's operating income has five sources: leasing land and property to firms (follows the town's
industrial output with an elasticity), 新会柑/陈皮 (follows the 陈皮 value per mu and the area), tourism
(trend, raised by a completed demonstration project), aquaculture and other (trends); pairing adds the rent of
the collective assets its funds bought (sim/rules/collective_assets.py). The district starts featured demonstration villages (特色示范村, per town over the
programme years) and beautiful-livable demonstration villages (美丽宜居示范村, on the plan's schedule) that
complete with a yearly probability; environment spending raises a score that meets the standard at a cut-off.
Parameters (scenario ``villages``): *_growth_per_year (1/yr), leasing_elasticity_to_industry (1),
featured_demo_villages_per_town, featured_programme_years, beautiful_demo_villages_by_2027/_2033,
demo_completion_probability_per_year, demo_tourism_uplift (share), environment_* (万元, score),
beautiful_standard_score, non_operating_income_10k_cny (万元/yr).
Sources: xinhui_facts.md §4b, §5, §8 (2023 income distribution, 陈皮); the plan article (十大建设).
"""

from __future__ import annotations

import math

import numpy as np

from sim.agents.village import DemoStatus

ENVIRONMENT_SCORE_SD = 0.12       # estimate: spread of the 2022 environment score
ENVIRONMENT_DECAY_PER_YEAR = 0.02  # estimate: facilities wear out without upkeep
MAX_REDRAWS = 100  # a bound on the redraws of incomes below the floor (2^-100 of a unit is left at worst)


def initial_operating_income(rng, count: int, median: float, log_sd: float, floor: float) -> np.ndarray:
    """Lognormal 2022 operating income (万元/yr), redrawn below the floor (at most MAX_REDRAWS rounds: the
    floor is at most the median, so each round keeps at least half; what is left after them sits at the floor)."""
    income = median * np.exp(rng.normal(0.0, log_sd, count))
    low = income < floor
    for _ in range(MAX_REDRAWS):
        if not low.any():
            break
        income[low] = median * np.exp(rng.normal(0.0, log_sd, int(low.sum())))
        low = income < floor
    income[low] = floor
    return income


def initial_environment_scores(rng, count: int, standard: float, share_meeting: float) -> np.ndarray:
    """Normal scores placed so that ``share_meeting`` of units meet the standard in 2022."""
    from statistics import NormalDist

    mean = standard + NormalDist().inv_cdf(min(max(share_meeting, 1e-6), 1 - 1e-6)) * ENVIRONMENT_SCORE_SD
    return np.clip(rng.normal(mean, ENVIRONMENT_SCORE_SD, count), 0.0, 1.0)


def grow_income(model, industry_growth: dict[int, float], citrus_growth: float) -> None:
    """At year end: each income source moves with its driver."""
    p = model.params.villages
    # the factors once a year (the same numbers as for each village)
    leasing = {town: growth ** p.leasing_elasticity_to_industry for town, growth in industry_growth.items()}
    tourism = 1.0 + p.tourism_growth_per_year
    tourism_uplifted = tourism * (1.0 + p.demo_tourism_uplift)
    aquaculture, other = 1.0 + p.aquaculture_growth_per_year, 1.0 + p.other_growth_per_year
    for village in model.villages:
        income = village.income_by_source_10k_cny
        income["leasing"] *= leasing[village.town_index]
        income["citrus"] *= citrus_growth
        income["tourism"] *= tourism_uplifted if completed_this_year(village, model) else tourism
        income["aquaculture"] *= aquaculture
        income["other"] *= other


def completed_this_year(village, model) -> bool:
    return model.year in village.demo_completed_years


def beautiful_schedule(year: int, first_year: int, by_2027: int, by_2033: int) -> int:
    """Cumulative beautiful-livable demonstration villages started by ``year`` (plan: 10 by 2027, 20 by 2033)."""
    if year <= 2027:
        return round(by_2027 * (year - first_year + 1) / (2027 - first_year + 1))
    return by_2027 + round((by_2033 - by_2027) * (year - 2027) / (2033 - 2027))


def start_demonstrations(model) -> None:
    """At the start of a year: start this year's featured and beautiful demonstration projects."""
    p = model.params.villages
    offset = model.year - model.first_year
    order = model.step_rng("demos", -model.year).permutation(len(model.villages))
    ranked = ranked_by_environment(model.villages, order)  # once a year: every choice below takes its best first
    if offset < p.featured_programme_years:
        target = math.ceil(p.featured_demo_villages_per_town * (offset + 1) / p.featured_programme_years)
        started = [0] * len(model.towns)
        for village in model.villages:
            started[village.town_index] += village.featured_demo is not DemoStatus.NONE
        for village in ranked:  # each town's best candidates, up to its target
            if village.is_community or village.featured_demo is not DemoStatus.NONE:
                continue
            if started[village.town_index] < target:
                village.featured_demo = DemoStatus.BUILDING
                started[village.town_index] += 1
    target = beautiful_schedule(model.year, model.first_year, p.beautiful_demo_villages_by_2027,
                                p.beautiful_demo_villages_by_2033)
    left = target - sum(v.beautiful_demo is not DemoStatus.NONE for v in model.villages)
    for village in ranked:
        if left <= 0:
            break
        if not village.is_community and village.beautiful_demo is DemoStatus.NONE:
            village.beautiful_demo = DemoStatus.BUILDING
            left -= 1


def ranked_by_environment(villages: list, order: np.ndarray) -> list:
    """Villages by environment score (``rounded_scores``: many reach 1), best first, equal scores in the random
    ``order`` (a permutation, so every key differs): any subset taken in this order is that subset sorted by
    (-score, rank), what sorting each town's candidates gave (one sort a year instead of one per town)."""
    return [villages[k] for k in np.lexsort((order, -np.array(rounded_scores(villages)))).tolist()]


def rounded_scores(villages) -> list[float]:
    """Each village's environment score as ``round(score, 6)`` gives it, in one array pass (``round`` costs
    0.6 µs a Python float and 6 µs a numpy float: it was half of the demonstrations' start). numpy's rounding
    (x·10⁶, to the nearest integer, /10⁶) is what ``round`` does to a numpy float (the scores the year's noise
    moved); for a Python float ``round`` rounds the exact decimal, which gives the same double except where
    x·10⁶ lies within its rounding error of a half: there ``round`` itself is called."""
    scores = [v.environment_score for v in villages]
    values = np.array(scores, dtype=np.float64)
    rounded = np.round(values, 6).tolist()
    scaled = values * 1e6
    for k in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3).tolist():
        rounded[k] = round(scores[k], 6)
    return rounded


def progress_demonstrations(model) -> None:
    """At year end: ongoing demonstration projects complete with a yearly probability."""
    chance = model.params.villages.demo_completion_probability_per_year
    draws = model.step_rng("demos", model.year).random((len(model.villages), 2)).tolist()  # Python floats: faster
    for village, (featured, beautiful) in zip(model.villages, draws):
        if village.featured_demo is DemoStatus.BUILDING and featured < chance:
            village.featured_demo = DemoStatus.DONE
            village.demo_completed_years.add(model.year)
        if village.beautiful_demo is DemoStatus.BUILDING and beautiful < chance:
            village.beautiful_demo = DemoStatus.DONE
            village.demo_completed_years.add(model.year)


def improve_environment(model) -> None:
    """At year end: environment spending raises the score; demonstration villages reach the standard.
    Scores moved by the year's noise are numpy floats and those held at the standard or a bound Python floats,
    as they always were (``rounded_scores`` rounds the two kinds as ``round`` does): the arithmetic runs on Python
    floats, the same additions, and the moved scores are made numpy floats at the end."""
    p = model.params.villages
    gain = p.environment_funds_10k_cny_per_village_year * p.environment_score_gain_per_10k_cny
    standard = p.beautiful_standard_score
    noise = model.step_rng("environment", model.year).normal(0.0, 0.02, len(model.villages)).tolist()
    for village, shock in zip(model.villages, noise):
        score = village.environment_score + gain - ENVIRONMENT_DECAY_PER_YEAR + shock
        held = False  # max(score, standard), then min(max(score, 0), 1): a bound replaces the score
        if DemoStatus.DONE in (village.featured_demo, village.beautiful_demo) and standard > score:
            score, held = standard, True
        if 0.0 > score:
            score, held = 0.0, True
        elif 1.0 < score:
            score, held = 1.0, True
        village.environment_score = score if held else np.float64(score)

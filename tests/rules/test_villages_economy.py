import numpy as np

from sim.rules import villages


def test_beautiful_schedule_meets_plan_counts():
    assert villages.beautiful_schedule(2027, 2023, 10, 20) == 10
    assert villages.beautiful_schedule(2033, 2023, 10, 20) == 20
    counts = [villages.beautiful_schedule(y, 2023, 10, 20) for y in range(2023, 2034)]
    assert counts == sorted(counts)


def test_initial_income_respects_floor_and_spread():
    rng = np.random.default_rng(3)
    income = villages.initial_operating_income(rng, 50_000, 370.0, 0.66, 20.0)
    assert income.min() >= 20.0
    assert abs(np.median(income) / 370.0 - 1) < 0.03


def test_initial_environment_share_meeting_standard():
    rng = np.random.default_rng(4)
    scores = villages.initial_environment_scores(rng, 100_000, 0.8, 0.55)
    assert abs((scores >= 0.8).mean() - 0.55) < 0.01


def test_rounded_scores_are_round_of_each_score_bit_for_bit():
    """The sort keys' rounding in one array pass is ``round(score, 6)`` of each score, Python and numpy floats
    alike, halves included (where Python's and numpy's rounding differ)."""
    from types import SimpleNamespace

    import numpy as np

    from sim.rules.villages import rounded_scores

    rng = np.random.default_rng(4)
    values = [*rng.random(2000), *((np.floor(rng.random(2000) * 1e6) + 0.5) / 1e6), 0.0, 1.0, 0.8]
    villages = [SimpleNamespace(environment_score=np.float64(x) if k % 3 else float(x))
                for k, x in enumerate(values)]
    got = rounded_scores(villages)
    assert [float(x).hex() for x in got] == [float(round(v.environment_score, 6)).hex() for v in villages]


def test_environment_scores_keep_their_values_and_kinds():
    """``improve_environment`` on Python floats gives the scores of the numpy arithmetic it replaced: the same
    bits, numpy floats where the noise moved a score and Python floats where the standard or a bound holds it
    (``rounded_scores`` rounds the two kinds differently near halves)."""
    from types import SimpleNamespace

    from sim.agents.village import DemoStatus

    params = SimpleNamespace(villages=SimpleNamespace(environment_funds_10k_cny_per_village_year=10.0,
                                                      environment_score_gain_per_10k_cny=0.002,
                                                      beautiful_standard_score=0.8))

    def make(seed):
        rng = np.random.default_rng(seed)
        return [SimpleNamespace(environment_score=float(s) if k % 2 else np.float64(s),
                                featured_demo=DemoStatus.DONE if k % 5 == 0 else DemoStatus.NONE,
                                beautiful_demo=DemoStatus.BUILDING)
                for k, s in enumerate(np.clip(rng.normal(0.8, 0.3, 400), -0.1, 1.1))]

    def model(found):
        return SimpleNamespace(params=params, villages=found, year=2030,
                               step_rng=lambda name, step: np.random.default_rng([7, step]))

    found, expected = make(1), make(1)
    villages.improve_environment(model(found))
    gain = 10.0 * 0.002
    for village, shock in zip(expected, np.random.default_rng([7, 2030]).normal(0.0, 0.02, 400)):
        score = village.environment_score + gain - villages.ENVIRONMENT_DECAY_PER_YEAR + shock
        if DemoStatus.DONE in (village.featured_demo, village.beautiful_demo):
            score = max(score, 0.8)
        village.environment_score = min(max(score, 0.0), 1.0)
    assert [(type(v.environment_score), float(v.environment_score).hex()) for v in found] == \
        [(type(v.environment_score), float(v.environment_score).hex()) for v in expected]
    assert {type(v.environment_score) for v in found} == {float, np.float64}


def test_demonstrations_start_in_the_best_villages_of_each_town_as_a_sort_of_its_candidates():
    """``start_demonstrations`` takes its candidates from one ranking of all villages a year: each town's
    featured villages and the district's beautiful ones are those a sort of that town's (the district's)
    candidates by (-rounded score, random rank) puts first, as before; ties at the rounded score (many reach 1)
    included, and villages already started skipped."""
    import math

    from sim.agents.village import DemoStatus
    from sim.model import RegionModel

    model = RegionModel("plan", rng=5, scale=0.2, collect=False)
    model.year = 2026  # within the featured programme, with beautiful villages left to start
    rng = np.random.default_rng(8)
    for k, village in enumerate(model.villages):  # a third at 1 (ties), some already building
        village.environment_score = 1.0 if k % 3 == 0 else float(rng.random())
        village.featured_demo = DemoStatus.BUILDING if k % 17 == 0 else DemoStatus.NONE
        village.beautiful_demo = DemoStatus.DONE if k % 97 == 0 else DemoStatus.NONE
    p, offset = model.params.villages, model.year - model.first_year
    order = model.step_rng("demos", -model.year).permutation(len(model.villages)).tolist()
    rank = {v: (-round(v.environment_score, 6), k) for v, k in zip(model.villages, order)}
    target = math.ceil(p.featured_demo_villages_per_town * (offset + 1) / p.featured_programme_years)
    featured = set()
    for town in model.towns:
        members = model.villages_of_town(town.index)
        started = sum(v.featured_demo is not DemoStatus.NONE for v in members)
        candidates = [v for v in members if not v.is_community and v.featured_demo is DemoStatus.NONE]
        featured |= set(sorted(candidates, key=rank.__getitem__)[: max(target - started, 0)])
    beautiful_target = villages.beautiful_schedule(model.year, model.first_year, p.beautiful_demo_villages_by_2027,
                                                   p.beautiful_demo_villages_by_2033)
    started = sum(v.beautiful_demo is not DemoStatus.NONE for v in model.villages)
    candidates = [v for v in model.villages if not v.is_community and v.beautiful_demo is DemoStatus.NONE]
    beautiful = set(sorted(candidates, key=rank.__getitem__)[: max(beautiful_target - started, 0)])
    assert featured and beautiful
    villages.start_demonstrations(model)
    assert {v for v in model.villages if v.featured_demo is DemoStatus.BUILDING and v not in
            {u for k, u in enumerate(model.villages) if k % 17 == 0}} == featured
    assert {v for v in model.villages if v.beautiful_demo is DemoStatus.BUILDING} == beautiful

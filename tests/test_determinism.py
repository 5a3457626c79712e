"""Same scenario and seed give identical tables; another seed gives different ones."""

import pandas as pd

from sim.results import run_tables
from tests.helpers import scenario


def _frames(seed):
    return {k: pd.DataFrame(v) for k, v in run_tables(scenario("plan"), seed).items()}


def test_same_seed_identical_tables():
    first, second = _frames(3), _frames(3)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], check_exact=True)


def test_other_seed_differs():
    first, other = _frames(3), _frames(4)
    assert not first["district"].equals(other["district"])
    assert not first["villages"].equals(other["villages"])


def test_district_years_cover_horizon():
    years = _frames(5)["district"].year.tolist()
    assert years == list(range(2023, 2034))

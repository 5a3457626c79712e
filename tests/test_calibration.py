"""Base-year calibration (foundation issue): mean over 10 seeds of ``plan`` in 2023."""

import numpy as np
import pytest

from tests.helpers import at, run

SEEDS = range(1, 11)
GDP_2023 = 1011.25  # 2023年新会区统计公报 (xinhui_facts.md §4a)


@pytest.fixture(scope="module")
def year_2023():
    district = [at(run("plan", s)["district"], 2023).iloc[0] for s in SEEDS]
    villages = [at(run("plan", s)["villages"], 2023) for s in SEEDS]
    return district, villages


def test_gdp_2023_within_3_percent(year_2023):
    district, _ = year_2023
    mean = np.mean([d.gdp_100m_cny for d in district])
    assert abs(mean / GDP_2023 - 1) <= 0.03, mean


@pytest.mark.parametrize("column, share", [("gdp_primary_100m_cny", 0.071), ("gdp_secondary_100m_cny", 0.506),
                                           ("gdp_tertiary_100m_cny", 0.423)])
def test_sector_shares_within_2_points(year_2023, column, share):
    district, _ = year_2023
    mean = np.mean([d[column] / d.gdp_100m_cny for d in district])
    assert abs(mean - share) <= 0.02, mean


def test_admin_villages_above_1m_and_floor(year_2023):
    _, villages = year_2023
    shares, minimum = [], np.inf
    for v in villages:
        admin = v[~v.is_community]
        assert len(admin) == 199
        shares.append((admin.collective_operating_income_10k_cny > 100).mean())
        minimum = min(minimum, admin.collective_operating_income_10k_cny.min())
    assert abs(np.mean(shares) - 0.98) <= 0.02, np.mean(shares)
    assert minimum >= 20


def test_total_collective_income_within_10_percent(year_2023):
    district, villages = year_2023
    mean = np.mean([d.collective_total_income_100m_cny for d in district])
    assert abs(mean / 12.56 - 1) <= 0.10, mean
    assert all(len(v) == 236 for v in villages)

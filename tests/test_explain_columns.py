"""The district columns behind explain's labour-mobility and pairing-asset channels agree with the ledger and
the towns: what villages bought and earned, who moved between towns."""

import pandas as pd
import pytest

from sim.model import RegionModel


@pytest.fixture(scope="module")
def plan_run():
    model = RegionModel("plan", rng=2, **{"horizon.last_year": 2029})
    model.run()
    return model


@pytest.fixture(scope="module")
def small_plan_run():
    # scale 0.2: firms and money are scaled, villages are full-size; the money columns must follow the ledger
    model = RegionModel("plan", rng=2, scale=0.2, **{"horizon.last_year": 2029})
    model.run()
    return model


@pytest.mark.parametrize("run", ["plan_run", "small_plan_run"])
def test_asset_purchases_and_rents_are_the_ledgers_flows(run, request):
    plan_run = request.getfixturevalue(run)
    district = pd.DataFrame(plan_run.records.rows["district"]).set_index("year")
    for year, flows in plan_run.ledger.years.items():
        price = district.price_index[year]
        bought = sum(v for (_, _, item), v in flows.items() if item == "pairing:assets")
        rent = sum(v for (_, _, item), v in flows.items() if item == "pairing:rent")
        assert district.pairing_assets_bought_100m_cny[year] == pytest.approx(bought * price)
        assert district.pairing_rent_100m_cny[year] == pytest.approx(rent * price)
    assert district.pairing_assets_bought_100m_cny.sum() > 0 and district.pairing_rent_100m_cny.iloc[-1] > 0
    space = district.collective_assets_m2
    assert (space.diff().dropna() >= 0).all() and space.iloc[-1] > 0  # assets are kept: space never falls
    assert (district.collective_assets_let_m2 <= space + 1e-9).all()


def test_movers_between_towns_are_the_towns_net_arrivals(plan_run):
    district = pd.DataFrame(plan_run.records.rows["district"]).set_index("year")
    towns = pd.DataFrame(plan_run.records.rows["towns"])
    arrivals = towns.net_internal_migration.clip(lower=0).groupby(towns.year).sum()
    departures = (-towns.net_internal_migration.clip(upper=0)).groupby(towns.year).sum()
    assert district.internal_migrants.to_numpy() == pytest.approx(arrivals.to_numpy())
    assert arrivals.to_numpy() == pytest.approx(departures.to_numpy())  # every move leaves one town for another

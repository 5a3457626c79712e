"""The participation band (sim/accounting/participation.py): each town's share limit with its interval, and a
town outside the band is worse off inside the scheme, in the model's own runs."""

import pandas as pd
import pytest

from sim.accounting import participation


def _row(variant, replicate, town, revenue, shared_in=0.0, shared_out=0.0, year=2033, output=100.0):
    return {"variant": variant, "replicate": replicate, "town": town, "year": year, "fiscal_revenue_100m_cny": revenue,
            "shared_tax_in_100m_cny": shared_in, "shared_tax_out_100m_cny": shared_out,
            "industrial_output_100m_cny": output}


def _towns(inside_b=(3.0, 3.2), outside_b=(2.5, 2.7), outside_c=(5.0, 5.2)):
    """Host a (pays on b's firms), drawer b, and c, balanced (draws as much as it hosts), two replicates."""
    rows = []
    for r in (0, 1):
        rows += [_row("plan", r, "a", 10.0, 0.0, 5.0), _row("plan", r, "b", inside_b[r], 5.0, 0.0),
                 _row("plan", r, "c", 4.0 + r * 0.2, 1.0, 1.0, output=90.0),
                 _row("fragmented", r, "a", 9.5), _row("fragmented", r, "b", outside_b[r]),
                 _row("fragmented", r, "c", outside_c[r])]
    return pd.DataFrame(rows)


def test_each_towns_limit_and_a_balanced_loser_empty_the_band():
    table = participation.town_table(_towns(), "plan", "fragmented", 0.2).set_index("town")
    # at share 0 a has 11 (accepts s <= 0.3), b has 2 (needs s >= 0.1); c cannot be paid back: in = out
    assert table.limit["a"] == pytest.approx(0.3) and table.limit["b"] == pytest.approx(0.1)
    assert table.side.to_dict() == {"a": "hosts", "b": "draws", "c": "neither"}
    assert table.worse_off_at_every_share.to_dict() == {"a": False, "b": False, "c": True}
    assert table.loss_at_share_0_100m_cny["c"] == pytest.approx(1.0)
    assert table.industrial_output_change_100m_cny["c"] == pytest.approx(90.0 - 100.0)
    assert participation.band(table.reset_index())[0] == float("inf")
    lines = participation.participation_lines([table.reset_index()])
    assert any("worse off inside at every share: c loses 1.00亿" in line for line in lines)


def test_without_the_loser_the_band_is_the_limits_of_host_and_drawer():
    towns = _towns(outside_c=(3.0, 3.0))
    table = participation.town_table(towns, "plan", "fragmented", 0.2)
    assert participation.band(table) == (pytest.approx(0.1), pytest.approx(0.3))
    assert "0.10-0.30" in participation.participation_lines([table])[1]


def test_the_limits_interval_is_paired_over_replicates():
    # b's gap to fragmented at share 0 (0.5) is the same in both replicates: no spread
    table = participation.town_table(_towns(), "plan", "fragmented", 0.2).set_index("town")
    assert table.limit_lo["b"] == pytest.approx(0.1) and table.limit_hi["b"] == pytest.approx(0.1)
    spread = participation.town_table(_towns(outside_b=(2.4, 2.8), outside_c=(3.0, 3.0)), "plan", "fragmented",
                                      0.2).set_index("town")
    assert spread.limit_lo["b"] < 0.1 < spread.limit_hi["b"]
    low, high = participation.band_within_noise(spread.reset_index())
    assert low == pytest.approx(max(spread.limit_lo["b"], 0.0)) and high == pytest.approx(spread.limit_hi["a"])


def test_the_horizon_sums_the_years():
    towns = pd.concat([_towns(), _towns().assign(year=2032)])
    table = participation.town_table(towns, "plan", "fragmented", 0.2, "horizon").set_index("town")
    assert table.revenue_outside_100m_cny["a"] == pytest.approx(19.0)
    assert table.limit["b"] == pytest.approx(0.1)  # linear: the limit of a sum of equal years is the same


def _run_towns(variant, seed, **overrides):
    from sim.model import RegionModel

    model = RegionModel(variant, rng=seed, collect=True, **{"horizon.last_year": 2028, **overrides})
    model.run()
    return pd.DataFrame(model.records.rows["towns"]).assign(variant=variant, replicate=0)


def test_a_town_outside_the_band_is_worse_off_inside_the_scheme_in_the_model():
    frame = pd.concat([_run_towns("plan", 1), _run_towns("fragmented", 1)])
    table = participation.town_table(frame, "plan", "fragmented", 0.2).set_index("town")
    low, high = participation.band(table.reset_index())
    slope = table.shared_tax_in_100m_cny - table.shared_tax_out_100m_cny
    for share in (0.0, 1.0):
        if low <= share <= high:
            continue  # inside the band: nobody is worse off (the pure rule's test checks that)
        predicted = table.revenue_at_share_0_100m_cny + share * slope
        town = (table.revenue_outside_100m_cny - predicted).idxmax()  # the town the share leaves worst off
        run = _run_towns("plan", 1, **{"integration.revenue_share": share})
        actual = run[run.year == 2028].set_index("town").fiscal_revenue_100m_cny
        assert actual[town] < table.revenue_outside_100m_cny[town]  # worse off inside than outside
        assert actual.to_numpy() == pytest.approx(predicted.reindex(actual.index).to_numpy(), abs=0.05)


def test_the_sweep_check_names_the_towns_below_fragmented_at_every_share():
    from sim.validation.checks import integration_checks

    district = pd.DataFrame([{"replicate": 0, "year": 2033, "industrial_output_100m_cny": y} for y in (100.0,)])
    sweep, fragmented = [], [_row("fragmented", 0, "a", 10.0), _row("fragmented", 0, "b", 5.0)]
    for share in (0.0, 0.5, 1.0):
        sweep += [{**_row("plan", 0, "a", 10.5 - share), "share": share}, {**_row("plan", 0, "b", 4.0 + share * 0.5),
                                                                          "share": share}]
    checks, gain = integration_checks(district, district.assign(industrial_output_100m_cny=95.0), pd.DataFrame(sweep),
                                      pd.DataFrame(fragmented), "share")
    band = next(c for c in checks if c.id == "integration_participation")
    assert not band.passed and band.note == "band none; below their fragmented revenue at every share: b"
    assert gain.loc[0.0, "a"] == pytest.approx(0.05)


def test_a_drawing_town_that_no_share_can_pay_back_is_named_as_balanced():
    towns = _towns(outside_b=(3.5, 3.7))  # b: loses 1.5 at share 0 against 5 drawn net: needs 0.3
    rows = {row.town: row for row in participation.town_table(towns, "plan", "fragmented", 0.2).itertuples()}
    assert participation.reason(rows["b"]).endswith("(it would need a share of 0.30)")
    towns.loc[(towns.town == "b") & (towns.variant == "plan"), "shared_tax_in_100m_cny"] = 0.05
    rows = {row.town: row for row in participation.town_table(towns, "plan", "fragmented", 0.2).itertuples()}
    assert rows["b"].worse_off_at_every_share and rows["b"].limit > 10
    assert participation.reason(rows["b"]).endswith("(it draws about as much as it hosts: no share pays that back)")


def test_an_empty_band_names_the_towns_no_share_pays_back_apart_from_the_others_limits():
    table = participation.town_table(_towns(), "plan", "fragmented", 0.2)
    assert participation.band_text(table) == "none: c worse off inside at every share; the other towns' band is 0.10-0.30"
    apart = participation.town_table(_towns(outside_b=(3.6, 3.8)), "plan", "fragmented", 0.2)  # b needs 0.32
    assert participation.band_text(apart) == ("none: c worse off inside at every share; the other towns' limits do "
                                              "not meet either (drawing towns need >= 0.32, hosts accept <= 0.30)")
    assert participation.band_text(participation.town_table(_towns(outside_c=(3.0, 3.0)), "plan", "fragmented",
                                                            0.2)) == "0.10-0.30"
    lines = participation.participation_lines([table])
    assert "none (c worse off at every share; the other towns' band is 0.10-0.30)" in lines[1]

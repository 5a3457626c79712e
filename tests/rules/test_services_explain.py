"""The tertiary drivers in growth accounting and in ``xinhui-sim explain`` (issue 12)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd

from sim.accounting.table import tertiary_drivers


def test_tertiary_drivers_add_up_to_tertiary_growth():
    before = {"gdp_100m_cny": np.array(100.0), "tertiary_consumer_100m_cny": np.array(20.0),
              "tertiary_producer_100m_cny": np.array(10.0), "tertiary_public_100m_cny": np.array(10.0)}
    after = {"gdp_100m_cny": np.array(120.0), "tertiary_consumer_100m_cny": np.array(26.0),
             "tertiary_producer_100m_cny": np.array(10.0), "tertiary_public_100m_cny": np.array(8.0)}
    parts = tertiary_drivers(before, after)
    assert math.isclose(parts["growth"], math.log(44 / 40))
    assert math.isclose(parts["consumer"] + parts["producer"] + parts["public"], parts["growth"])
    assert parts["consumer"] > 0 and parts["producer"] == 0 and parts["public"] < 0
    assert math.isclose(parts["share_change"], 44 / 120 - 40 / 100)


def test_explain_names_the_tertiary_drivers(tmp_path):
    out = tmp_path / "run"
    run = [sys.executable, "-m", "sim.cli", "run", "scenarios/plan.yaml", "--seed", "2", "--scale", "0.2",
           "--set", "horizon.last_year=2028", "--out", str(out), "-q"]
    subprocess.run(run, check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "explain", str(out)], check=True, capture_output=True,
                          text=True)
    assert "consumer (income)" in proc.stdout and "producer (industry)" in proc.stdout
    table = pd.read_csv(out / "explain.csv")
    tertiary = table[table.indicator == "tertiary"].set_index("scope")["mean"]
    parts = tertiary[["consumer", "producer", "tourism", "chenpi", "public"]].sum()
    assert math.isclose(parts, tertiary["growth"], rel_tol=1e-6)
    assert (table.indicator == "tertiary_share").any()

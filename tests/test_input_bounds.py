"""Every number bounded, every relation checked, the work of a run bounded (issue 15 items 3-4, issue 16 item 5).

The sweep over the schema reads whatever keys ``sim.scenario.schema`` has (another change may add or remove
some), sets each numeric key to its minimum and to its maximum, one at a time, runs a short small plan and
asserts that no table holds NaN or inf.
"""

from __future__ import annotations

import functools
import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest

from sim.batch.sweep import Sweep, sweep_points
from sim.cli import main
from sim.results import run_tables
from sim.rules.villages import initial_operating_income
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.relations import ORDERED_PAIRS
from sim.scenario.schema import SCHEMA
from sim.scenario.spec import Param, RecordList, Weights

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
PLAN = SCENARIOS / "plan.yaml"
REGION = SCENARIOS / "regions" / "xinhui.yaml"
# the plan, short and small; its transport links (2026-2027) moved inside the short horizon
SHORT = {"scale": 0.05, "horizon": {"last_year": 2025},
         "integration": {"transport_projects": [{"town": "siqian", "year": 2024, "access_gain": 0.1}]}}
NUMERIC = ("float", "int", "year", "float_list")


def numeric_keys(schema: dict = SCHEMA, path: tuple = ()):
    """(key path, Param) of every numeric key, records' fields as (section, list, 0, field)."""
    for key, node in schema.items():
        if isinstance(node, dict):
            yield from numeric_keys(node, path + (key,))
        elif isinstance(node, RecordList):
            for field, param in node.fields.items():
                if param.kind in NUMERIC:
                    yield path + (key, 0, field), param
        elif isinstance(node, Param) and node.kind in NUMERIC:
            yield path + (key,), node


def test_every_numeric_key_has_a_range():
    unbounded = [".".join(map(str, p)) for p, param in numeric_keys() if param.min is None or param.max is None]
    assert not unbounded, f"keys without a min or a max (a key taking 1e308 breaks the model): {unbounded}"


def test_weights_are_bounded():
    path = next(p for p, n in _weights(SCHEMA))
    with pytest.raises(ScenarioError, match="must be <= "):
        load_scenario(PLAN, {path[0]: {path[1]: {"new_energy": 1e308}}})


def _weights(schema: dict, path: tuple = ()):
    for key, node in schema.items():
        if isinstance(node, dict):
            yield from _weights(node, path + (key,))
        elif isinstance(node, Weights):
            yield path + (key,), node


# ------------------------------------------------------------------ the sweep of every key to its bounds

_RECORD = {("clustering", "new_parks"): {"id": "bounds_park", "town": "siqian", "sectors": "new_energy",
                                          "open_year": 2024},
           ("integration", "transport_projects"): {"town": "siqian", "year": 2024},
           ("pairing", "pairs"): {"donor": "x", "recipient": "siqian", "start_year": 2023},
           ("demand", "shocks"): {"sector": "new_energy", "first_year": 2023, "last_year": 2043,
                                  "growth_change_per_year": -0.1}}


@functools.lru_cache(maxsize=1)
def _plan_data() -> dict:
    return load_scenario(PLAN).data


def _overrides(path: tuple, value) -> dict:
    """SHORT plus one key set (a record key inside a one-record list); relations kept by moving the partner."""
    out = json.loads(json.dumps(SHORT))
    if len(path) == 4:
        section, records, _, field = path
        record = dict(_RECORD[(section, records)], **{field: value})
        out.setdefault(section, {})[records] = [record]
    else:
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    base = _plan_data()
    for section, low, high, _ in ORDERED_PAIRS:
        if path == (section, low) and value > base[section][high]:
            out.setdefault(section, {})[high] = value
        if path == (section, high) and value < base[section][low]:
            out.setdefault(section, {})[low] = value
    return out


def _extremes():
    for path, param in numeric_keys():
        if path == ("scale",):
            yield pytest.param(path, "max", 5.0, id="scale-high")  # 500 is a benchmark (benchmarks/README.md), not a test
            yield pytest.param(path, "min", param.min, id="scale-min")
            continue
        if path[0] == "horizon":
            values = {"min": param.min, "max": param.max}
        elif param.kind == "year":  # a year inside the short horizon
            values = {"min": 2023, "max": 2025}
        else:
            values = {"min": param.min, "max": param.max}
        for end, value in values.items():
            if param.kind == "float_list":
                value = [value] * len(param.default)
            elif param.kind in ("int", "year"):
                value = int(value)
            yield pytest.param(path, end, value, id=f"{'.'.join(map(str, path))}-{end}")


def _assert_finite(tables: dict) -> None:
    """No NaN or inf in any table; the one documented NaN is the threshold of a qualitative target."""
    for name, columns in tables.items():
        for column, values in columns.items():
            if (name, column) == ("targets", "threshold"):
                values = [v for v, kind in zip(values, columns["kind"]) if kind != "qualitative"]
            numbers = [v for v in values if isinstance(v, (float, np.floating))]
            bad = [v for v in numbers if not math.isfinite(v)]
            assert not bad, f"{name}.{column} holds {bad[:3]}"


@pytest.mark.parametrize("path, end, value", list(_extremes()))
def test_every_numeric_key_at_its_bounds_gives_finite_tables(path, end, value):
    if path == ("horizon", "last_year") and end == "max":
        overrides = {"scale": 0.02, "horizon": {"last_year": value}}  # the plan as it is, over the longest horizon
    else:
        overrides = _overrides(path, value)
    scenario = load_scenario(PLAN, overrides)
    try:
        tables = run_tables(scenario, 1)
    except ScenarioError as error:
        # a value its range allows but the base-year accounts cannot hold with the others (the 陈皮 chain's
        # growing, trade and tourism above its 2022 value; services' parts above the 2022 tertiary output) is
        # refused in one line naming the section whose accounts it breaks
        assert "exceed" in error.message and error.key_path in ("chenpi", "services"), error
        return
    _assert_finite(tables)


def test_the_bounds_sweep_covers_every_key_of_the_schema():
    swept = {p.values[0] for p in _extremes()}
    assert swept == {path for path, _ in numeric_keys()}
    assert len(swept) > 80


# ------------------------------------------------------------------ relations


@pytest.mark.parametrize("section, low, high, meaning", ORDERED_PAIRS, ids=[p[1] for p in ORDERED_PAIRS])
def test_a_low_key_above_its_high_key_is_refused_at_the_key_set(tmp_path, section, low, high, meaning):
    base = load_scenario(PLAN).data[section]
    value = base[high] + 1 if isinstance(base[high], int) else base[high] * 1.5
    scen = tmp_path / "rel.yaml"
    scen.write_text(f"extends: {PLAN}\n{section}:\n  {low}: {value}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(scen)
    assert info.value.key_path == f"{section}.{low}" and info.value.line == 3
    assert "must not exceed" in info.value.message and high in info.value.message


def test_construction_quarters_min_above_max_is_refused_by_check(tmp_path, capsys):
    scen = tmp_path / "cq.yaml"
    scen.write_text(f"extends: {PLAN}\ninvestment: {{construction_quarters_min: 12, construction_quarters_max: 4}}\n",
                    encoding="utf-8")
    assert main(["check", str(scen)]) == 2
    assert "[investment.construction_quarters_max]" in capsys.readouterr().err


@pytest.mark.parametrize("last_year", [2024, 2025])
def test_a_short_horizon_is_not_broken_by_an_unset_default_year(tmp_path, last_year):
    # pairing.cobuilt_park_open_year defaults to 2026; a pair's end_year to 2033
    scen = tmp_path / "short.yaml"
    scen.write_text(f"region: {REGION}\nhorizon: {{last_year: {last_year}}}\n"
                    "pairing: {pairs: [{donor: x, recipient: siqian}]}\n", encoding="utf-8")
    scenario = load_scenario(scen)
    assert scenario.data["pairing"]["cobuilt_park_open_year"] == 2026
    _assert_finite(run_tables(scenario.with_overrides({"scale": 0.05}), 1))


def test_an_explicit_year_after_a_short_horizon_is_still_refused(tmp_path):
    scen = tmp_path / "short.yaml"
    scen.write_text(f"region: {REGION}\nhorizon: {{last_year: 2024}}\npairing: {{cobuilt_park_open_year: 2027}}\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match="outside the horizon 2023-2024"):
        load_scenario(scen)


def test_the_income_floor_far_above_the_median_is_refused(tmp_path):
    scen = tmp_path / "floor.yaml"
    scen.write_text(f"region: {REGION}\nvillages: {{minimum_operating_income_10k_cny: 20000}}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(scen)
    assert info.value.key_path == "villages.minimum_operating_income_10k_cny"


def test_initial_incomes_are_drawn_in_bounded_time_whatever_the_floor():
    rng = np.random.default_rng(1)
    income = initial_operating_income(rng, 236, median=370.0, log_sd=0.66, floor=20000.0)
    assert (income >= 20000.0).all()
    ordinary = initial_operating_income(np.random.default_rng(1), 236, 370.0, 0.66, 20.0)
    again = np.random.default_rng(1)
    plain = 370.0 * np.exp(again.normal(0.0, 0.66, 236))
    assert np.array_equal(ordinary[plain >= 20.0], plain[plain >= 20.0])  # the usual draws are unchanged


# ------------------------------------------------------------------ work of a run


@pytest.mark.parametrize("overrides, limit", [
    ({"scale": 500, "investment": {"projects_per_year": 10000}}, "MAX_PROJECTS_PER_YEAR"),
    ({"investment": {"projects_per_year": 10000, "inflow_growth_per_year": 1.0}, "horizon": {"last_year": 2043}},
     "MAX_PROJECTS_PER_YEAR"),
    ({"scale": 500, "firms": {"entry_rate_per_year": 0.5}}, "MAX_FIRMS"),
    ({"scale": 500, "horizon": {"last_year": 2043, "steps_per_year": 12}, "investment": {"projects_per_year": 400}},
     "MAX_PROJECTS_PER_YEAR"),
], ids=["projects-at-scale", "projects-growing", "firms", "monthly-long-large"])
def test_a_run_asking_for_too_much_work_is_refused_before_it_starts(overrides, limit):
    with pytest.raises(ScenarioError, match=limit):
        load_scenario(PLAN, overrides)


def test_the_firm_steps_limit_refuses_a_run(monkeypatch):
    # at today's limits the firm count binds first; the firm-step limit is the net under a change of the estimate
    from sim.scenario import limits

    monkeypatch.setattr(limits, "MAX_FIRM_STEPS", 1_000_000)
    with pytest.raises(ScenarioError, match="MAX_FIRM_STEPS"):
        load_scenario(PLAN, {"scale": 10})


@pytest.mark.parametrize("name", ["baseline", "plan"])
def test_the_shipped_scenarios_at_the_largest_scale_are_within_the_work_limits(name):
    load_scenario(SCENARIOS / f"{name}.yaml", {"scale": 500})
    load_scenario(SCENARIOS / f"{name}.yaml", {"scale": 500, "horizon": {"last_year": 2043}})


# ------------------------------------------------------------------ sweeps keep distinct points distinct


def test_grid_values_that_differ_beyond_six_digits_stay_distinct():
    param = SCHEMA["clustering"]["localization_elasticity"]
    sweep = Sweep("grid", ("clustering.localization_elasticity",), (param,),
                  grid=((0.04500001, 0.04500002, 0.04500003),))
    points = sweep_points(sweep, "plan")
    values = [p.overrides["clustering"]["localization_elasticity"] for p in points]
    assert values == [0.04500001, 0.04500002, 0.04500003]
    assert len({p.name for p in points}) == 3 and not any("#" in p.name for p in points)


def test_sampled_values_in_a_narrow_range_stay_distinct():
    param = SCHEMA["clustering"]["localization_elasticity"]
    sweep = Sweep("lhs", ("clustering.localization_elasticity",), (param,), ranges=((0.04500001, 0.04500009),),
                  n=8, seed=1)
    values = [p.overrides["clustering"]["localization_elasticity"] for p in sweep_points(sweep, "plan")]
    assert len(set(values)) == 8


def test_sampled_values_in_an_ordinary_range_keep_six_digits():
    param = SCHEMA["investment"]["projects_per_year"]
    sweep = Sweep("lhs", ("investment.projects_per_year",), (param,), ranges=((80.0, 140.0),), n=5, seed=1)
    for point in sweep_points(sweep, "plan"):
        value = point.overrides["investment"]["projects_per_year"]
        assert value == float(f"{value:.6g}")
        assert f"={value:.6g}]" in point.name


# ------------------------------------------------------------------ YAML 1.2 numbers


def test_yaml_12_exponents_are_numbers(tmp_path):
    scen = tmp_path / "exp.yaml"
    scen.write_text(f"region: {REGION}\ninvestment: {{projects_per_year: 1e2, inflow_growth_per_year: 1.5E-2}}\n"
                    "economy: {price_growth_per_year: -1e-2}\n", encoding="utf-8")
    data = load_scenario(scen).data
    assert data["investment"]["projects_per_year"] == 100.0
    assert data["investment"]["inflow_growth_per_year"] == 0.015
    assert data["economy"]["price_growth_per_year"] == -0.01


def test_a_yaml_12_number_out_of_range_is_refused_as_a_number(tmp_path):
    scen = tmp_path / "exp.yaml"
    scen.write_text(f"region: {REGION}\ninvestment: {{projects_per_year: 1.0e308}}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="must be <= 10000"):
        load_scenario(scen)


# ------------------------------------------------------------------ --set, region paths, JSON Schema


def test_set_changes_a_run_like_the_file_would(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["run", str(PLAN), "--set", "investment.projects_per_year=130", "--set", "horizon.last_year=2025",
            "--set", "scale=0.05", "--set", "integration.transport_projects=[]", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["resolved_scenario"]["investment"]["projects_per_year"] == 130


def test_set_in_a_batch_reaches_the_workers(tmp_path, capsys):
    out = tmp_path / "batch"
    argv = ["batch", str(PLAN), "--set", "investment.projects_per_year=130", "--set", "scale=0.05",
            "--out", str(out), "--workers", "1", "--no-progress"]
    assert main(argv) == 0, capsys.readouterr().err
    from sim.results import load

    runs = load(out).runs
    assert list(runs.status) == ["ok"]
    resolved = (out / "scenarios" / "plan.yaml").read_text(encoding="utf-8")
    assert "projects_per_year: 130" in resolved


def test_set_twice_and_set_of_a_sweep_are_refused():
    from sim.cli_args import parse_sets

    with pytest.raises(ScenarioError, match="set twice"):
        parse_sets(["scale=2", "scale=3"])
    with pytest.raises(ScenarioError, match="set twice"):
        parse_sets(["investment=3", "investment.projects_per_year=3"])


def test_a_variant_in_another_folder_that_extends_the_plan_runs(tmp_path):
    variant = tmp_path / "mine" / "variant.yaml"
    variant.parent.mkdir()
    relative = Path("..") / Path(*[".."] * (len(variant.parent.parts) - 1)) / str(PLAN).lstrip("/")
    variant.write_text(f"extends: {relative}\nname: mine\n", encoding="utf-8")
    scenario = load_scenario(variant)
    assert Path(scenario.region.path).resolve() == REGION.resolve()


def test_a_region_set_in_a_parent_is_relative_to_the_parent(tmp_path):
    parent = tmp_path / "shared" / "parent.yaml"
    (tmp_path / "shared" / "regions").mkdir(parents=True)
    (tmp_path / "shared" / "regions" / "mine.yaml").write_bytes(REGION.read_bytes())
    parent.write_text(f"extends: {PLAN}\nregion: regions/mine.yaml\n", encoding="utf-8")
    child = tmp_path / "elsewhere" / "child.yaml"
    child.parent.mkdir()
    child.write_text("extends: ../shared/parent.yaml\n", encoding="utf-8")
    assert Path(load_scenario(child).region.path).resolve() == (tmp_path / "shared" / "regions" / "mine.yaml")


def test_every_shipped_scenario_validates_against_the_json_schema(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    assert main(["schema", "--json"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    import yaml

    shipped = sorted(SCENARIOS.glob("*.yaml"))
    assert len(shipped) >= 6
    for path in shipped:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, (path.name, errors[0].message)
    bad = yaml.safe_load(textwrap.dedent("""
        investment: {projects_per_year: 1e308}
        """).replace("1e308", "100000"))
    assert list(validator.iter_errors(bad)), "an out-of-range value passes the JSON Schema"
    assert list(validator.iter_errors({"investment": {"projects_per_yaer": 3}})), "an unknown key passes"

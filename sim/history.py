"""The historical mode: start in 2015 from a 2015 state, run the pre-plan settings to 2022, then the scenario.

``horizon.start: historical`` builds the model from the region file with its 2015 overlay (``<region>_2015.yaml``
beside it, e.g. scenarios/regions/xinhui_2015.yaml): the overlay gives the base year (2014), the first simulated
year (2015) and the values of the keys it names; every key it does not name is scaled by the factor of the first
``scale`` entry its name ends with (``population`` entries: starts with) and kept when none matches, so keys that
other engineers add to the region (population by town, budgets) get 2015 values without editing this module.
From the first simulated year to the year before ``horizon.first_year`` (2022) the model runs the pre-plan
settings (``pre_plan_data``); at the start of ``horizon.first_year`` (``enter_plan``) it switches to the
scenario's own. The 2020-2022 COVID dip is not simulated, so the 2023 rebound (``firms.first_year_recovery_growth``)
is off in this mode. Assumptions and sources: the overlay's comments, docs/calibration.md §5.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from functools import lru_cache
from pathlib import Path

import yaml

from sim.scenario import Scenario, ScenarioError, Section, load_scenario
from sim.scenario.limits import MAX_REGION_BYTES
from sim.scenario.schema import SCHEMA
from sim.scenario.yamlmarks import read_yaml

OVERLAY_SUFFIX = "_2015"
META_KEYS = ("extends", "name", "description", "region")
HISTORICAL = "historical"


def is_historical(params) -> bool:
    return getattr(params.horizon, "start", "base_year") == HISTORICAL


def overlay_path(region_path: str | Path) -> Path:
    path = Path(region_path)
    return path.with_name(path.stem + OVERLAY_SUFFIX + path.suffix)


def overlay_of(scenario: Scenario) -> Path:
    """The overlay beside the region file; in a batch worker (the region read from the batch's snapshot copy)
    beside the region file the scenario names, relative to the scenario or to its root ancestor."""
    candidates = [overlay_path(scenario.region.path)]
    for file in (scenario.path, *(f for f, _ in scenario.sources)):
        candidates.append(overlay_path(Path(file).parent / scenario.data["region"]))
    return next((c for c in candidates if c.is_file()), candidates[0])


@lru_cache(maxsize=8)
def read_overlay(path: str) -> dict:
    """The overlay as plain data; ScenarioError (file, key) when it is missing or malformed."""
    if not Path(path).is_file():
        raise ScenarioError(f"horizon.start: historical needs the region's 2015 overlay, not found: {path}",
                            file=path, key_path="horizon.start")
    data, marks, _ = read_yaml(Path(path), MAX_REGION_BYTES, "MAX_REGION_BYTES")
    if not isinstance(data, dict) or not isinstance(data.get("scale", {}), dict):
        raise ScenarioError("a region overlay must be a mapping with an optional 'scale' mapping", file=path)
    for key in ("base_year", "first_year"):
        if not isinstance(data.get(key), int):
            raise ScenarioError(f"missing or non-integer '{key}'", file=path, key_path=key)
    check_levels(data, marks, path)
    return data


def _numeric(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_levels(data: dict, marks: dict, path: str) -> None:
    """The overlay's ``levels`` ({key: {value, grows_at}}) and ``pre_plan`` ({key: value}) name numeric schema
    keys with numeric values; ScenarioError with file, line and key path otherwise."""
    def fail(message: str, *keys: str):
        line = marks.get(tuple(keys), (path, None))[1]
        raise ScenarioError(message, file=path, line=line, key_path=".".join(keys))

    def known(dotted: str, *keys: str):
        section, _, key = dotted.partition(".")
        if not isinstance(SCHEMA.get(section), dict) or not _numeric(getattr(SCHEMA[section].get(key), "default", None)):
            fail(f"'{dotted}' is not a numeric scenario key", *keys)

    for name in ("levels", "pre_plan"):
        if not isinstance(data.get(name) or {}, dict):
            fail(f"'{name}' must be a mapping", name)
    for dotted, spec in (data.get("levels") or {}).items():
        known(dotted, "levels", dotted)
        if not isinstance(spec, dict) or not _numeric(spec.get("value")) or set(spec) - {"value", "grows_at", "joins"}:
            fail("a level is {value: number, grows_at: scenario key (optional), joins: true|false (optional)}",
                 "levels", dotted)
        if spec.get("grows_at") is not None:
            known(str(spec["grows_at"]), "levels", dotted, "grows_at")
        if not isinstance(spec.get("joins", False), bool) or (spec.get("joins") and spec.get("grows_at") is None):
            fail("'joins' is true or false, and true needs 'grows_at'", "levels", dotted, "joins")
        if spec.get("joins") and not spec["value"] > 0:  # the joined growth is a log of the two levels' ratio
            fail("a level that 'joins' must be > 0", "levels", dotted, "value")
    for dotted, value in (data.get("pre_plan") or {}).items():
        known(dotted, "pre_plan", dotted)
        if not _numeric(value):
            fail("a pre-plan value must be a number", "pre_plan", dotted)


def scale_of(key: str, scale: dict) -> float:
    """The factor of the first ``scale`` entry that ``key`` ends with (``population``: starts with); else 1."""
    for pattern, factor in scale.items():
        if key.endswith(pattern) or (pattern == "population" and key.startswith(pattern)):
            return float(factor)
    return 1.0


def scaled(values: dict, given: dict, scale: dict) -> dict:
    """``values`` with the keys in ``given`` replaced and every other number scaled by its rule."""
    out = {}
    for key, value in values.items():
        factor = scale_of(key, scale)
        if key in given:
            out[key] = given[key]
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and factor != 1.0:
            out[key] = round(value * factor) if isinstance(value, int) else value * factor
        else:
            out[key] = value
    return out


def _scaled_spec(spec, given: dict, scale: dict):
    names = [f.name for f in dataclasses.fields(spec) if f.name != "id"]
    values = scaled({n: getattr(spec, n) for n in names}, given, scale)
    return dataclasses.replace(spec, **{n: v for n, v in values.items() if v is not None})


def historical_region(scenario: Scenario):
    """(the region of the base year before the historical start, its first simulated year)."""
    region = scenario.region
    data = read_overlay(str(overlay_of(scenario)))
    scale = data.get("scale") or {}
    district = scaled(region.district, data.get("district") or {}, scale)
    lists = {}
    for name in ("towns", "parks", "villages"):
        given = data.get(name) or {}
        lists[name] = tuple(_scaled_spec(spec, given.get(spec.id) or {}, scale) for spec in getattr(region, name))
    new = dataclasses.replace(region, path=region.path, base_year=data["base_year"], district=district, **lists)
    return new, data["first_year"]


@lru_cache(maxsize=16)
def _root_data(root_file: str, root_text: str) -> dict:
    return load_scenario(root_file).data


def pre_plan_data(scenario: Scenario) -> dict:
    """The scenario's resolved data with every key its own files set after the root ancestor (baseline.yaml:
    the schema defaults, the trends before the plan) put back to the root's value. Keys set by overrides
    (--set, a calibration's parameters, a posterior draw) are kept: they are structural, not the plan's levers."""
    root_file, root_text = scenario.sources[0]
    root = _root_data(root_file, root_text)
    data = copy.deepcopy(scenario.data)
    for _, text in scenario.sources[1:]:
        for section, keys in (yaml.safe_load(text) or {}).items():
            if section in META_KEYS or not isinstance(keys, dict) or section not in root:
                continue
            for key in keys:
                if key in root[section] and not _overridden(scenario, section, key, keys[key]):
                    data[section][key] = copy.deepcopy(root[section][key])
    return data


def _overridden(scenario: Scenario, section: str, key: str, file_value) -> bool:
    """Whether the resolved value differs from what the last file setting it says (an override replaced it)."""
    value = scenario.data[section][key]
    return isinstance(file_value, (int, float)) and not isinstance(file_value, bool) and value != file_value


def historical_params(scenario: Scenario) -> tuple[Section, Section]:
    """(the pre-plan parameters, the scenario's parameters), both without the 2023 COVID rebound, both with the
    overlay's ``levels`` (the state's schema levels of 2015) and the pre-plan ones with its ``pre_plan`` values."""
    overlay = read_overlay(str(overlay_of(scenario)))
    root = _root_data(*scenario.sources[0])
    plan, before = copy.deepcopy(scenario.data), pre_plan_data(scenario)
    first_year = scenario.data["horizon"]["first_year"]
    for data in (plan, before):
        data["firms"]["first_year_recovery_growth"] = 0.0
        apply_levels(data, overlay, first_year)
    apply_pre_plan(before, root, overlay)
    join_levels(before, overlay, first_year)
    return Section(before), Section(plan)


def level_2015(value: float, default: float, given: float, growth: float, years: int) -> float:
    """The value a schema level takes in the historical mode: the overlay's 2015 level (``given``), carried
    in proportion when an override moved the scenario's value off the schema default, and expressed as the level
    of ``horizon.first_year`` on the rule's own path (it grows at ``growth`` a year, ``years`` years later), so
    that the rule, which counts its path from ``horizon.first_year``, starts from ``given`` in 2015."""
    return given * (value / default if default else 1.0) * math.exp(growth * years)


def apply_levels(data: dict, overlay: dict, first_year: int) -> None:
    """Replace in ``data`` every schema level the overlay's ``levels`` gives ({key: {value, grows_at}})."""
    years = first_year - overlay["first_year"]
    if years <= 0:  # no pre-plan years between the two ends: nothing to join over
        return
    for dotted, spec in (overlay.get("levels") or {}).items():
        if spec.get("joins"):
            continue  # the scenario's level is kept; join_levels sets the pre-plan growth that reaches it
        section, _, key = dotted.partition(".")
        growth = 0.0
        if spec.get("grows_at"):
            g_section, _, g_key = spec["grows_at"].partition(".")
            growth = float(data[g_section][g_key])
        data[section][key] = level_2015(float(data[section][key]), float(SCHEMA[section][key].default),
                                        float(spec["value"]), growth, years)


def joined_growth(default: float, given: float, years: int) -> float:
    """The constant growth a year that takes a level from ``given`` (the 2015 value) to ``default`` (the schema's
    level of ``horizon.first_year``) in ``years`` years: ln(default / given) / years."""
    return math.log(default / given) / years


def join_levels(before: dict, overlay: dict, first_year: int) -> None:
    """For every level the overlay marks ``joins: true``: both ends are data (the 2015 value, and the schema's
    level of ``horizon.first_year``, the one the default start uses), so the pre-plan settings take the growth
    (``grows_at``) that joins them and the scenario's own growth runs after ``horizon.first_year``. The rule
    counts its path back from ``horizon.first_year``, so in 2015 it gives the overlay's value (times an
    override's ratio to the default, as ``level_2015``). For exogenous trends only (e.g. the output per worker of
    the sectors without firms): a path the model produces itself must not be joined to its observed end."""
    years = first_year - overlay["first_year"]
    if years <= 0:  # no pre-plan years between the two ends: nothing to join over
        return
    for dotted, spec in (overlay.get("levels") or {}).items():
        if spec.get("joins"):
            section, _, key = dotted.partition(".")
            g_section, _, g_key = spec["grows_at"].partition(".")
            before[g_section][g_key] = joined_growth(float(SCHEMA[section][key].default), float(spec["value"]), years)


def apply_pre_plan(before: dict, root: dict, overlay: dict) -> None:
    """The overlay's ``pre_plan`` values (observed 2015-2022 settings) replace the root's, unless overridden."""
    for dotted, value in (overlay.get("pre_plan") or {}).items():
        section, _, key = dotted.partition(".")
        if before[section][key] == root[section][key]:
            before[section][key] = value


def initial_factor(model, key: str) -> float:
    """The overlay's factor for a schema level of the base year 2022 (e.g. villages' median income), 1 otherwise."""
    if not is_historical(model.definition.params):
        return 1.0
    return scale_of(key, read_overlay(str(overlay_of(model.definition))).get("scale") or {})


def enter_plan(model) -> None:
    """At the start of ``horizon.first_year`` in the historical mode: the scenario's own settings take over; the
    outside earnings path (``sim.rules.migration``, a closed form from the first simulated year) is re-based so
    that it continues from the level the pre-plan growth reached."""
    if model.plan_params is not None and model.year == model.first_year:
        before, model.params, model.plan_params = model.params, model.plan_params, None
        model.investment_params = model.params.investment
        market = getattr(model, "town_labour_market", None)
        if market is not None and market.parity_earnings_10k_cny is not None:
            change = before.people.outside_wage_growth_per_year - model.params.people.outside_wage_growth_per_year
            market.parity_earnings_10k_cny *= math.exp(change * (model.first_year - model.start_year))

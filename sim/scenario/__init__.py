"""Scenarios: schema, loading with ``extends``, validation, and the resolved ``Scenario`` object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from sim.scenario import files
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import deep_merge, read_chain, validate
from sim.scenario.relations import check_relations, outside_horizon
from sim.scenario.schema import SCHEMA
from sim.scenario.work import check_work
from sim.scenario.yamlmarks import Marks, format_path, short

if TYPE_CHECKING:
    from sim.region import Region

__all__ = ["Scenario", "ScenarioError", "load_scenario", "Section"]


class Section:
    """Read-only attribute view of a validated mapping (``scenario.firms.entry_rate_per_year``)."""

    def __init__(self, data: dict):
        for key, value in data.items():
            if isinstance(value, dict) and key not in ("sector_mix",):
                value = Section(value)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                value = tuple(Section(v) for v in value)
            object.__setattr__(self, key, value)

    def __setattr__(self, key, value):
        raise AttributeError("scenario sections are read-only")

    def __repr__(self) -> str:
        return f"Section({', '.join(vars(self))})"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the resolved parameters, its region, and the texts it was read from."""

    name: str
    path: str
    data: dict  # resolved, complete with defaults (plain data, saved in the manifest)
    sources: tuple[tuple[str, str], ...]  # (file, text) from the root ancestor to this file
    region: Region

    @property
    def params(self) -> Section:
        return Section(self.data)

    def with_overrides(self, overrides: dict) -> Scenario:
        """A copy with some keys replaced (sweep points, ``--set`` in a batch's workers); validated again. A
        replaced region must be an absolute path (``--set region=`` is made absolute on the command line)."""
        data = validate(deep_merge(self.data, overrides), {}, self.path)
        region = self.region
        if data["region"] != self.data["region"]:
            from sim.region import load_region

            region = load_region(files.resolve(Path(data["region"])))
        check_references(data, {}, self.path, region)
        name = data["name"] if "name" in overrides and data["name"] else self.name
        return Scenario(name, self.path, data, self.sources, region)


def load_scenario(path: str | Path, overrides: dict | None = None, set_values: dict | None = None) -> Scenario:
    """Read, merge, validate and cross-check a scenario file. Raises ScenarioError.

    ``set_values`` (``--set KEY=VALUE``) apply on top of the file, ``overrides`` (``--scale``, sweep points)
    on top of both; errors in either point at them (``--set``, ``<overrides>``) rather than at the file.
    """
    path = Path(path)
    if files.problem(path) == "file not found":
        raise ScenarioError("file not found", file=str(path))
    raw, marks, texts = read_chain(path)
    raw.pop("sweep", None)  # a batch sweep (validated and expanded by sim.batch.sweep), not a parameter
    for layer, source in ((set_values, SET_SOURCE), (overrides, OVERRIDES_SOURCE)):
        if layer:
            raw = deep_merge(raw, layer)
            marks = _override_marks(layer, marks, source=source)
    data = validate(raw, marks, str(path))
    # a variant that does not name itself is named after its own file, not its parent's name
    named_here = marks.get(("name",), ("", None))[0] in (str(files.resolve(path)), OVERRIDES_SOURCE, SET_SOURCE)
    data["name"] = (data["name"] if named_here else "") or path.stem
    region_path = _region_path(marks, texts, data["region"])
    problem = files.problem(region_path)
    if problem:
        file, line = marks.get(("region",), (str(path), None))
        problem = "not found" if problem == "file not found" else f"is not a file ({problem})"
        raise ScenarioError(f"region file {problem}: {short(data['region'])}", file=file, line=line,
                            key_path="region")
    from sim.region import load_region  # here: sim.region imports this package's errors

    region = load_region(region_path)
    check_references(data, marks, str(path), region)
    return Scenario(data["name"], str(path), data, tuple(texts), region)


SET_SOURCE = "--set"
OVERRIDES_SOURCE = "<overrides>"


def _override_marks(overrides: dict, marks: Marks, key_path: tuple = (), source: str = OVERRIDES_SOURCE) -> Marks:
    """Errors in values given as overrides (``--scale``, sweeps) point there, not at the scenario file."""
    out = dict(marks)
    for key, value in overrides.items():
        path = key_path + (key,)
        if isinstance(value, dict):
            out.setdefault(path, (source, None))
            out = _override_marks(value, out, path, source)
        else:
            out = {k: v for k, v in out.items() if k[:len(path)] != path}  # replaced, with what was under it
            out[path] = (source, None)
    return out


def _region_path(marks: Marks, texts: list, region: str) -> Path:
    """The region file, relative to the file that set ``region`` (a variant in another folder may extend a
    shipped scenario); set on the command line, relative to the current folder; the default is looked up
    beside the root ancestor of the chain and then in its parent folders (scenarios/regions/xinhui.yaml)."""
    file, line = marks.get(("region",), (None, None))
    if file in (SET_SOURCE, OVERRIDES_SOURCE):
        return files.resolve(Path(region), file, line, "region")
    if file is not None:
        return files.resolve(Path(file).parent / region, file, line, "region")
    root = Path(texts[0][0])
    for folder in root.parents:
        candidate = files.resolve(folder / region)
        if files.problem(candidate) is None:
            return candidate
    return files.resolve(root.parent / region)


def _check_demand_shocks(data: dict, region: Region, fail) -> None:
    """A demand shock names a sector of the region and a year range of at least one year."""
    for i, shock in enumerate(data["demand"]["shocks"]):
        if shock["sector"] not in region.sector_ids:
            fail(("demand", "shocks", i, "sector"), _unknown("sector", shock["sector"], region.sector_ids))
        if shock["last_year"] < shock["first_year"]:
            fail(("demand", "shocks", i, "last_year"), "last_year is before first_year")


def check_references(data: dict, marks: Marks, file: str, region: Region) -> None:
    """Cross-checks the schema alone cannot do: ids that must exist, years inside the horizon."""

    def fail(key_path, message):
        loc = next((marks[key_path[:n]] for n in range(len(key_path), -1, -1) if key_path[:n] in marks),
                   (file, None))
        raise ScenarioError(message, file=loc[0], line=loc[1], key_path=format_path(key_path))

    first, last = data["horizon"]["first_year"], data["horizon"]["last_year"]
    here = {file, str(files.resolve(Path(file))), SET_SOURCE, OVERRIDES_SOURCE} if marks else set()
    check_relations(data, fail, lambda key_path: 0 if key_path not in marks else 2 if marks[key_path][0] in here else 1)
    check_work(data, region.district["industrial_firms_2022"], fail)
    for section, params in data.items():
        if not isinstance(params, dict):
            continue
        for key, value in params.items():
            if key.endswith("_year") and isinstance(value, int) and section != "horizon":
                if outside_horizon(value, SCHEMA[section][key].default, first, last):
                    fail((section, key), f"year {value} is outside the horizon {first}-{last}")
    for sector in data["investment"]["sector_mix"]:
        if sector not in region.sector_ids:
            fail(("investment", "sector_mix", sector), _unknown("sector", sector, region.sector_ids))
    if sum(data["investment"]["sector_mix"].values()) <= 0:
        fail(("investment", "sector_mix"), "weights must not all be zero")
    for sector in filter(None, (s.strip() for s in data["investment"]["focus_sectors"].split(","))):
        if sector not in region.sector_ids:
            fail(("investment", "focus_sectors"), _unknown("sector", sector, region.sector_ids))
    for i, project in enumerate(data["integration"]["transport_projects"]):
        if project["town"] not in region.town_ids:
            fail(("integration", "transport_projects", i, "town"),
                 _unknown("town", project["town"], region.town_ids))
        if outside_horizon(project["year"], None, first, last):
            fail(("integration", "transport_projects", i, "year"),
                 f"year {project['year']} is outside the horizon {first}-{last}")
    cobuilt = data["pairing"]
    if cobuilt["cobuilt_park_partner_town"] not in region.town_ids:
        fail(("pairing", "cobuilt_park_partner_town"),
             _unknown("town", cobuilt["cobuilt_park_partner_town"], region.town_ids))
    for sector in filter(None, (s.strip() for s in cobuilt["cobuilt_park_sectors"].split(","))):
        if sector not in region.sector_ids:
            fail(("pairing", "cobuilt_park_sectors"), _unknown("sector", sector, region.sector_ids))
    existing_parks = {park.id for park in region.parks}
    for i, park in enumerate(data["clustering"]["new_parks"]):
        path = ("clustering", "new_parks", i)
        if park["id"] in existing_parks:
            fail(path + ("id",), f"park id '{park['id']}' already exists")
        existing_parks.add(park["id"])
        if park["town"] not in region.town_ids:
            fail(path + ("town",), _unknown("town", park["town"], region.town_ids))
        for sector in filter(None, (s.strip() for s in park["sectors"].split(","))):
            if sector not in region.sector_ids:
                fail(path + ("sectors",), _unknown("sector", sector, region.sector_ids))
        if outside_horizon(park["open_year"], SCHEMA["clustering"]["new_parks"].fields["open_year"].default, first, last):
            fail(path + ("open_year",), f"year {park['open_year']} is outside the horizon {first}-{last}")
    _check_demand_shocks(data, region, fail)
    recipients = set(region.town_ids) | set(region.village_ids)
    for i, pair in enumerate(data["pairing"]["pairs"]):
        if pair["recipient"] not in recipients:
            fail(("pairing", "pairs", i, "recipient"),
                 _unknown("town or village", pair["recipient"], sorted(recipients)))
        if pair["instrument"] == "steered_project" and pair["recipient"] not in region.town_ids:
            fail(("pairing", "pairs", i, "recipient"), "a steered_project pair needs a town as recipient")
        if pair["donor_type"] == "town" and pair["donor"] not in region.town_ids:  # it pays from town:<donor>
            fail(("pairing", "pairs", i, "donor"), _unknown("town", pair["donor"], region.town_ids))
        # a pair may end after the horizon (it runs to its end), but must start inside it
        for key, later_ok in (("start_year", False), ("end_year", True)):
            if outside_horizon(pair[key], None, first, float("inf") if later_ok else last):
                fail(("pairing", "pairs", i, key), f"year {pair[key]} is outside the horizon {first}-{last}")
        if pair["end_year"] < pair["start_year"]:
            fail(("pairing", "pairs", i, "end_year"), "end_year is before start_year")


def _unknown(kind: str, value: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown {kind} '{value}'{hint}"


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

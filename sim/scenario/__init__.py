"""Scenarios: schema, loading with ``extends``, validation, and the resolved ``Scenario`` object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import deep_merge, read_chain, validate
from sim.scenario.yamlmarks import Marks, format_path

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
        """A copy with some keys replaced (used by sweeps and ``--scale``); validated again."""
        data = validate(deep_merge(self.data, overrides), {}, self.path)
        check_references(data, {}, self.path, self.region)
        return Scenario(self.name, self.path, data, self.sources, self.region)


def load_scenario(path: str | Path, overrides: dict | None = None) -> Scenario:
    """Read, merge, validate and cross-check a scenario file. Raises ScenarioError."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError("file not found", file=str(path))
    raw, marks, texts = read_chain(path)
    raw.pop("sweep", None)  # a batch sweep (validated and expanded by sim.batch.sweep), not a parameter
    if overrides:
        raw = deep_merge(raw, overrides)
        marks = _override_marks(overrides, marks)
    data = validate(raw, marks, str(path))
    # a variant that does not name itself is named after its own file, not its parent's name
    named_here = marks.get(("name",), ("", None))[0] in (str(path.resolve()), "<overrides>")
    data["name"] = (data["name"] if named_here else "") or path.stem
    region_path = _region_path(path.resolve(), raw, data["region"])
    if not region_path.is_file():
        file, line = marks.get(("region",), (str(path), None))
        problem = "is not a file" if region_path.exists() else "not found"
        raise ScenarioError(f"region file {problem}: {data['region']}", file=file, line=line,
                            key_path="region")
    from sim.region import load_region  # here: sim.region imports this package's errors

    region = load_region(region_path)
    check_references(data, marks, str(path), region)
    return Scenario(data["name"], str(path), data, tuple(texts), region)


def _override_marks(overrides: dict, marks: Marks, key_path: tuple = ()) -> Marks:
    """Errors in values given as overrides (``--scale``, sweeps) point there, not at the scenario file."""
    out = dict(marks)
    for key, value in overrides.items():
        path = key_path + (key,)
        if isinstance(value, dict):
            out.setdefault(path, ("<overrides>", None))
            out = _override_marks(value, out, path)
        else:
            out = {k: v for k, v in out.items() if k[:len(path)] != path}  # replaced, with what was under it
            out[path] = ("<overrides>", None)
    return out


def _region_path(path: Path, raw: dict, region: str) -> Path:
    # relative to the file that set it; the default is relative to the scenarios folder of the root file
    candidate = (path.parent / region).resolve()
    if candidate.is_file():
        return candidate
    for parent in path.parents:
        if (parent / region).is_file():
            return (parent / region).resolve()
    return candidate


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
    for section, params in data.items():
        if not isinstance(params, dict):
            continue
        for key, value in params.items():
            if key.endswith("_year") and isinstance(value, int) and section != "horizon":
                if not first <= value <= last:
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
        if not first <= project["year"] <= last:
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
        if not first <= park["open_year"] <= last:
            fail(path + ("open_year",), f"year {park['open_year']} is outside the horizon {first}-{last}")
    _check_demand_shocks(data, region, fail)
    recipients = set(region.town_ids) | set(region.village_ids)
    for i, pair in enumerate(data["pairing"]["pairs"]):
        if pair["recipient"] not in recipients:
            fail(("pairing", "pairs", i, "recipient"),
                 _unknown("town or village", pair["recipient"], sorted(recipients)))
        if pair["instrument"] == "steered_project" and pair["recipient"] not in region.town_ids:
            fail(("pairing", "pairs", i, "recipient"), "a steered_project pair needs a town as recipient")
        for key in ("start_year", "end_year"):
            if not first <= pair[key] <= last:
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

"""The interactive explorer (``xinhui-sim explore``): a Mesa SolaraViz app of RegionModel.

This module holds what the app shows, as plain functions a test can call without a browser: the levers (the
sliders, with the chosen variant's values as their starting values), the series behind the charts, the
plan's targets they are drawn against, and the approximate town coordinates of the map. ``app.py`` lays them
out with Solara; ``serve`` starts it on 127.0.0.1 with everything served locally (no CDN, no telemetry).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.indicators import load_targets


def town_coordinates(model) -> dict[str, tuple[float, float]]:
    """(lon, lat) of each town of the model's region file (its ``lon_lat`` entries, approximate and marked
    "estimate" there, the same positions as the report's map: sim/plotting/maps.py)."""
    from sim.plotting.maps import region_places

    return {t["id"]: (t["lon"], t["lat"]) for t in region_places(model.region.path)["towns"]}


@dataclass(frozen=True)
class Lever:
    """A scenario key shown as a slider."""

    key: str  # dotted scenario key
    label: str
    min: float
    max: float
    step: float


LEVERS = (
    Lever("investment.projects_per_year", "Projects signed a year", 0, 250, 5),
    Lever("pairing.district_funds_10k_cny_per_village_year", "Pairing funds a village (万元/yr)", 0, 300, 10),
    Lever("integration.revenue_share", "Revenue-sharing share", 0, 0.5, 0.05),
    Lever("investment.steering_share", "Steering share (focus sectors)", 0, 1, 0.05),
)
DEFAULT_SEED = 1


def lever_value(definition, key: str):
    """The value of a dotted scenario key in a loaded scenario."""
    value = definition.data
    for part in key.split("."):
        value = value[part]
    return value


def lever_values(path) -> dict[str, float]:
    """The levers' values in the scenario file ``path`` (the sliders' starting values for that variant)."""
    from sim.scenario import load_scenario

    definition = load_scenario(path)
    return {lever.key: float(lever_value(definition, lever.key)) for lever in LEVERS}


def gdp_targets() -> list[tuple[int, float, str]]:
    """(year, 亿元, id) of the plan's district GDP targets."""
    return [(t["year"], float(t["value"]), t["id"]) for t in load_targets()
            if t.get("indicator") == "district GDP" and t.get("kind") == "at_least"]


def district_series(model, column: str) -> tuple[list[int], list[float]]:
    """Years simulated so far and the district column's values."""
    rows = model.records.rows["district"]
    return [r["year"] for r in rows], [r[column] for r in rows]


def town_values(model, column: str = "gdp_100m_cny") -> dict[str, float]:
    """The last recorded year's value by town (the base year's GDP before the first year closes)."""
    rows = model.records.rows["towns"][-len(model.towns):] if model.records.rows["towns"] else []
    if rows:
        return {r["town"]: r[column] for r in rows}
    return {t.id: t.gdp_100m_cny for t in model.towns}


def status_line(model) -> str:
    """The one line the explorer shows above its charts (and the browser test reads)."""
    years, gdp = district_series(model, "gdp_100m_cny")
    levers = ", ".join(f"{lever.key.split('.')[-1]} {lever_value(model.definition, lever.key):g}" for lever in LEVERS)
    if not years:
        running = f" ({model.step_in_year} of {model.steps_per_year} steps of {model.year} run)" if model.step_in_year else ""
        return f"{model.definition.name}: base year 2022, no year simulated yet{running} | levers: {levers}"
    _, landed = district_series(model, "investment_landed_100m_cny")
    running = f" ({model.year}: {model.step_in_year} of {model.steps_per_year} steps run)" if model.step_in_year else ""
    return (f"{model.definition.name}: year {years[-1]}{running} | GDP {gdp[-1]:,.1f} 亿元 | investment landed "
            f"{landed[-1]:,.1f} 亿元 | levers: {levers}")


APP = __file__.replace("__init__.py", "app.py")
# served offline: Solara's front-end files come from the solara-assets package (installed into Solara's proxy
# cache); a file missing there would be fetched from SOLARA_ASSETS_CDN, here a closed local port, so nothing
# leaves the machine; no telemetry, no version check against the package index
OFFLINE_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/npm/"}


def solara_command(host: str, port: int, open_browser: bool = False) -> list[str]:
    """The ``solara run`` command line of the explorer; ``-P``: a module file in the current folder (a user's
    comm.py, json.py) does not shadow what the server imports."""
    import sys

    return [sys.executable, "-P", "-m", "solara", "run", APP, "--host", host, "--port", str(port), "--production",
            "--no-check-version", "--open" if open_browser else "--no-open"]


def serve(host: str, port: int, open_browser: bool = False) -> None:
    """Replace this process with the Solara server of the explorer (so stopping it stops the server)."""
    import os

    command = solara_command(host, port, open_browser)
    print(f"explorer: http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    os.execve(command[0], command, {**os.environ, **OFFLINE_ENV})

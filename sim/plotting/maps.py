"""The map of the district: the 11 towns coloured by development zone, sized by population, and the parks.

Positions are the ``lon_lat`` entries of the towns and parks in the region file (approximate, marked "estimate"
there); the model itself has no space, so the map only says where things are.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from matplotlib.figure import Figure

from sim.plotting.base import DEFAULT_REGION, plt

ZONE_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")


def region_places(region_file: str | Path | None = None) -> dict:
    """Zones, towns and parks of a region file with their positions: ``{"zones": [(id, name)], "towns":
    [dict(id, name, zone, lon, lat, population)], "parks": [dict(id, name, town, lon, lat)]}``; places without
    ``lon_lat`` are left out."""
    data = yaml.safe_load(Path(region_file or DEFAULT_REGION).read_text(encoding="utf-8")) or {}

    def place(item: dict) -> dict | None:
        where = item.get("lon_lat")
        if not (isinstance(where, list) and len(where) == 2):
            return None
        return {"id": item["id"], "name": str(item.get("name_zh") or item["id"]).split(" (")[0],
                "lon": float(where[0]), "lat": float(where[1])}

    towns = [dict(p, zone=t.get("zone", ""), population=float(t.get("population_2022") or 0))
             for t in data.get("towns") or [] if (p := place(t))]
    parks = [dict(p, town=k.get("town", "")) for k in data.get("parks") or [] if (p := place(k))]
    zones = [(z["id"], z.get("name_zh") or z["id"]) for z in data.get("zones") or []]
    return {"zones": zones, "towns": towns, "parks": parks}


def town_map(region_file: str | Path | None = None) -> Figure:
    """Towns (circles: colour = zone, area = population 2022) and parks (triangles, numbered, listed beside)."""
    places = region_places(region_file)
    fig, ax = plt.subplots(figsize=(10.5, 7.0), layout="constrained")
    colors = {z: ZONE_COLORS[i % len(ZONE_COLORS)] for i, (z, _) in enumerate(places["zones"])}
    biggest = max((t["population"] for t in places["towns"]), default=1.0) or 1.0
    for zone, zone_name in places["zones"]:
        towns = [t for t in places["towns"] if t["zone"] == zone]
        ax.scatter([t["lon"] for t in towns], [t["lat"] for t in towns], s=[60 + 900 * t["population"] / biggest
                   for t in towns], color=colors[zone], alpha=0.75, edgecolor="white", label=f"{zone_name} (zone)")
        for t in towns:
            ax.annotate(t["name"], (t["lon"], t["lat"]), xytext=(0, 9), textcoords="offset points",
                        ha="center", fontsize=10, gid=f"town:{t['id']}")
    for k, park in enumerate(places["parks"], 1):
        ax.scatter(park["lon"], park["lat"], marker="^", s=45, color="0.15",
                   label="industrial park" if k == 1 else None)
        ax.annotate(str(k), (park["lon"], park["lat"]), xytext=(5, -9), textcoords="offset points", fontsize=8)
    key = "\n".join(f"{k}  {p['name']}" for k, p in enumerate(places["parks"], 1))
    ax.text(1.02, 0.0, "Parks:\n" + key, transform=ax.transAxes, fontsize=8, va="bottom", ha="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9, markerscale=0.5, frameon=False,
              title="development zones (circle area: population)")
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_aspect(1 / 0.924)  # cos(22.5°): degrees of longitude are shorter than degrees of latitude here
    ax.grid(alpha=0.3)
    ax.set_title("Xinhui District: 11 towns, 4 development zones and the industrial parks "
                 "(approximate positions, estimate; see the region file)", fontsize=10)
    return fig
